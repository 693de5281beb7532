"""The synthetic generator: deterministic, valid Kaggle lines, distributions as profiled."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from loaders.identity import identify_authors
from loaders.kaggle import iter_kaggle_records
from loaders.names import ascii_fold
from loaders.records import PaperRecord, RejectedRecord
from loaders.synthetic import (
    FALLBACK_PROFILE,
    RankLaw,
    SyntheticArxiv,
    check_distributions,
    fit_profile,
    generate,
    main,
)

PAPERS = 2000


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SyntheticArxiv]:
    out = tmp_path_factory.mktemp("synthetic") / "papers.jsonl"
    generator, _ = generate(out, PAPERS, seed=7, profile=FALLBACK_PROFILE)
    return out, generator


def test_same_seed_same_bytes_other_seed_other_bytes(
    generated: tuple[Path, SyntheticArxiv], tmp_path: Path
) -> None:
    out, _ = generated
    again = tmp_path / "again.jsonl.gz"
    other = tmp_path / "other.jsonl"
    generate(again, PAPERS, seed=7, profile=FALLBACK_PROFILE)
    generate(other, PAPERS, seed=8, profile=FALLBACK_PROFILE)
    import gzip

    assert gzip.decompress(again.read_bytes()) == out.read_bytes()  # streamed .gz is the same
    assert other.read_bytes() != out.read_bytes()


def test_every_line_parses_with_the_real_kaggle_parser(
    generated: tuple[Path, SyntheticArxiv],
) -> None:
    out, _ = generated
    items = list(iter_kaggle_records(out))
    rejected = [i for i in items if isinstance(i, RejectedRecord)]
    papers = [i for i in items if isinstance(i, PaperRecord)]
    assert rejected == []
    assert len(papers) == PAPERS
    assert len({p.arxiv_id for p in papers}) == PAPERS
    assert all(p.authors and p.categories and p.versions and p.year for p in papers)
    assert any(a.affiliations for p in papers for a in p.authors)
    assert any(a.is_collaboration for p in papers for a in p.authors)
    assert any(set("áéöü") & set(a.keyname) for p in papers for a in p.authors)


def test_parsed_distributions_follow_the_profile(generated: tuple[Path, SyntheticArxiv]) -> None:
    out, generator = generated
    papers = [i for i in iter_kaggle_records(out) if isinstance(i, PaperRecord)]
    authors = sum(len(p.authors) for p in papers) / len(papers)
    expected = sum(v * w for v, w in FALLBACK_PROFILE.authors_per_paper) / sum(
        w for _, w in FALLBACK_PROFILE.authors_per_paper
    )
    assert authors == pytest.approx(expected, rel=0.1)
    primaries = Counter(p.primary_category for p in papers)
    assert primaries.most_common(1)[0][0] == FALLBACK_PROFILE.primary_categories[0][0]
    with_doi = sum(1 for p in papers if p.dois) / len(papers)
    assert with_doi == pytest.approx(FALLBACK_PROFILE.doi_share, abs=0.05)
    assert all(check.ok for check in check_distributions(generator))


def test_author_reuse_is_heavy_tailed(generated: tuple[Path, SyntheticArxiv]) -> None:
    _, generator = generated
    counts = generator.stats.papers_per_author
    assert max(counts.values()) >= 5
    assert sum(1 for c in counts.values() if c == 1) > len(counts) / 2
    # At benchmark size the law gives prolific researchers.
    assert SyntheticArxiv(FALLBACK_PROFILE, 200_000, 1).expected_heavy_authors() >= 10


def test_namesakes_as_common_as_in_the_profile(generated: tuple[Path, SyntheticArxiv]) -> None:
    out, _ = generated
    papers = [i for i in iter_kaggle_records(out) if isinstance(i, PaperRecord)]
    known = {name for name, _ in FALLBACK_PROFILE.surnames}
    slots = [ascii_fold(a.keyname) for p in papers for a in p.authors if not a.is_collaboration]
    # Drawn from the profile's table unless novel (a surname of the author's own).
    in_table = sum(1 for name in slots if name in known) / len(slots)
    assert in_table == pytest.approx(1 - FALLBACK_PROFILE.novel_surname_share, abs=0.1)
    commonest = Counter(slots).most_common(1)[0][0]
    assert commonest in {name for name, _ in FALLBACK_PROFILE.surnames[:5]}
    # Several people share the commonest surname: distinct researchers, not one prolific one.
    wangs = {
        identity.id
        for p in papers
        for a, identity in zip(
            p.authors, identify_authors(p.authors, p.primary_category), strict=True
        )
        if identity is not None and ascii_fold(a.keyname) == commonest
    }
    assert len(wangs) >= 20


def test_rank_law_inverts_its_cdf() -> None:
    law = RankLaw(1000, 0.8, 3.0)
    for rank in (1, 2, 10, 500, 1000):
        assert law.rank(law.cdf(rank + 0.5)) == rank
    assert law.cdf(1.0) == 0.0 and law.cdf(1001.0) == pytest.approx(1.0)


def test_command_line_reports_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--papers", "300", "--out", str(tmp_path / "x.jsonl"), "--fallback"])
    printed = capsys.readouterr().out
    assert "authors/paper mean" in printed and "built-in fallback" in printed
    assert status in (0, 1)


@pytest.mark.sample
def test_profile_fitted_from_the_sample(arxiv_data_dir: Path) -> None:
    profile = fit_profile(arxiv_data_dir)
    mean = sum(v * w for v, w in profile.authors_per_paper) / sum(
        w for _, w in profile.authors_per_paper
    )
    assert 3.0 < mean < 4.2
    assert profile.primary_categories[0][0] == "astro-ph"
    assert 0.4 < profile.doi_share < 0.7
    assert 0.5 <= profile.reuse_exponent <= 1.0
    assert len(profile.surnames) > 1000 and len(profile.vocabulary) > 1000
    assert profile.surnames[0][0] == "Wang" and 0.3 < profile.novel_surname_share < 0.6
    fields = dict(profile.fields_by_surname)
    assert fields["Wang"][0][0] == "info"  # Wangs write computer science most
    assert dict(profile.forenames_by_surname)["Wang"][0][0] in {"Yi", "Yu", "Wei", "Xin", "Yan"}
    mix = {f: (common, novel) for f, common, novel in profile.surname_mix}
    assert mix["info"][0] > 2 * mix["astro"][0]  # common surnames crowd computer science
    assert 0.05 < profile.common_surname_share < 0.15


@pytest.mark.sample
def test_name_blocks_crowd_as_in_the_sample(arxiv_data_dir: Path, tmp_path: Path) -> None:
    """At the sample's size, the largest name block holds a number of researchers of the
    order the sample's does (48 in 'wang|y|info'): namesakes, not everyone apart."""
    out = tmp_path / "sample-sized.jsonl"
    generate(out, 12_220, seed=1, profile=fit_profile(arxiv_data_dir))
    blocks: dict[str, set[str]] = {}
    for paper in iter_kaggle_records(out):
        assert isinstance(paper, PaperRecord)
        for identity in identify_authors(paper.authors, paper.primary_category):
            if identity is not None:
                blocks.setdefault(identity.block, set()).add(identity.id)
    largest = max(len(ids) for ids in blocks.values())
    assert 15 <= largest <= 100
