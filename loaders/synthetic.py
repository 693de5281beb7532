"""Synthetic arXiv metadata in the Kaggle JSON-lines format, shaped like the real sample.

Benchmarks need hundreds of thousands of papers; the sample has about twelve thousand. The
generator writes Kaggle lines (so the real parser, identity policy and row builder all run)
whose distributions are fitted from the sample when it is present (`fit_profile`), or taken
from `FALLBACK_PROFILE`, constants derived from that same fit and written down here.

Authors are drawn from a finite pool per research field with a Zipf-Mandelbrot law over pool
ranks, P(rank k) ∝ (k + q)^-s, sampled by inverting its continuous CDF: no table, so memory
stays flat however many papers are written. s and q are fitted so that the expected histogram
of papers per researcher at the sample's size matches the observed one; the pool grows with
the number of papers (`pool_per_slot`), so the shape is kept and, at 200k papers, the most
prolific researchers have hundreds of papers, as on arXiv. A pool author's name, initials,
accent and home institution are pure functions of (field, rank): nothing is remembered.

Names carry namesakes as arXiv does. Per field, a pool author's surname is, in the shares the
sample shows for that field, one of the sample's hundred commonest (weighted by their
researchers in the field: "Wang" is mostly computer science), a surname of its own (as often
as the field's researchers carry a surname the sample shows once: Good-Turing's estimate of an
unseen one), or another of the sample's surnames. A common surname comes with the given names
it comes with in the sample, or, as often as the sample shows one of those only once, two of
them joined ("Wei" + "bing"). So name blocks (surname, initial, field) hold several people and
the identity step has to choose among them, as on real data; at the sample's size the largest
block holds 29 researchers against the sample's 48 (the generator does not tie authors per
paper to fields, and computer-science papers have more authors). A generator that gives
everyone a distinct surname makes that step look cheaper than it is. The fallback profile keeps
the name weights but not their pairing with fields and given names.

Ids are new-style (`YYMM.NNNNN` from 1501) and sequential; they do not encode the year, which
comes from the version dates. Output is deterministic for a seed and a profile.

    python -m loaders.synthetic --papers 200000 --seed 1 --out /tmp/synthetic.jsonl.gz
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import gzip
import hashlib
import itertools
import math
import random
import re
import statistics
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from loaders.formats import expand_paths, iter_records
from loaders.identity import field_of, identify_authors
from loaders.names import ascii_fold
from loaders.records import PaperRecord
from loaders.taxonomy import Taxonomy

Histogram = tuple[tuple[int, int], ...]  # (value, weight)
Weighted = tuple[tuple[str, int], ...]  # (item, weight)

_WORD = re.compile(r"^[A-Za-z][a-z-]{1,20}$")
_NAME = re.compile(r"^[A-Z][a-z]+(?:-[A-Z][a-z]+)?$")
_PLAIN_AFFILIATION = re.compile(r"^[A-Za-z][A-Za-z .,'&-]{5,80}$")
_SYLLABLES = ("ka", "lo", "mi", "ren", "so", "ta", "vi", "no", "shi", "ra", "den", "mar")
_ACCENTS = {"a": ("\\'a", "á"), "e": ("\\'e", "é"), "o": ('\\"o', "ö"), "u": ('\\"u', "ü")}
_LICENSE = "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
REFERENCE_PAPERS = 200_000
HEAVY_AT_REFERENCE = 10.0
COMMON_SURNAMES = 100  # surnames whose given names are profiled with them
_REPORTED_BINS = ((1, 1), (2, 2), (3, 4), (5, 9), (10, 19), (20, 49), (50, 10**9))


@dataclass(frozen=True, slots=True)
class Profile:
    """What a synthetic corpus looks like; `origin` says where the numbers came from."""

    origin: str
    authors_per_paper: Histogram
    categories_per_paper: Histogram
    primary_categories: Weighted
    cross_lists: Weighted
    same_group_cross_list_share: float
    title_words: Histogram
    abstract_words: Histogram  # buckets of 10 words, value = bucket centre
    years: Histogram
    versions_per_paper: Histogram
    version_gap_days: float
    doi_share: float
    journal_ref_share: float
    comments_share: float
    license_share: float
    affiliation_share: float  # papers whose `authors` string carries affiliations
    initials_share: float  # author slots written with initials only ("C. P. Yuan")
    accent_share: float  # authors whose surname carries a TeX accent
    collaboration_share: float  # papers listing a collaboration
    reuse_exponent: float  # s of the Zipf-Mandelbrot law over pool ranks
    reuse_offset: float  # q
    pool_per_slot: float  # pool size per expected author slot of a field
    # Surnames shared by two or more of the sample's researchers, weighted by how many; in a
    # field `surname_mix` does not cover (always, in the fallback profile), a pool author gets a
    # surname of its own with the probability `novel_surname_share` (the share of researchers
    # whose surname the sample shows once: Good-Turing's estimate of an unseen one).
    surnames: Weighted
    novel_surname_share: float
    forenames: Weighted  # first given names, weighted by researchers
    institutions: tuple[str, ...]
    vocabulary: tuple[str, ...]
    # For the commonest surnames, the given names they come with ("Wang" with "Yi", "Xin", ...):
    # a name block (surname, initial, field) is as crowded as on arXiv only if these go together.
    forenames_by_surname: tuple[tuple[str, Weighted], ...] = ()
    # ... and the fields they are common in ("Wang" in computer science more than in astronomy).
    fields_by_surname: tuple[tuple[str, Weighted], ...] = ()
    # Per field: the share of its researchers carrying one of those common surnames, and the
    # share carrying a surname the sample shows once (computer science: 0.45 and 0.31).
    surname_mix: tuple[tuple[str, float, float], ...] = ()
    # The share of author slots carrying one of the ten commonest surnames (0.086 in the sample).
    common_surname_share: float = 0.0


# -- fitting ---------------------------------------------------------------------------------


def fit_profile(data_dir: Path) -> Profile:
    """Fit a profile from every metadata file under `data_dir` (last copy of an id wins)."""
    latest: dict[str, PaperRecord] = {}
    for path in expand_paths([data_dir]):
        for item in iter_records(path):
            if isinstance(item, PaperRecord):
                latest[item.arxiv_id] = item
    return profile_from_records(list(latest.values()), f"fitted from {data_dir}")


def profile_from_records(records: Sequence[PaperRecord], origin: str) -> Profile:
    authors, categories, versions = Counter[int](), Counter[int](), Counter[int]()
    titles, abstracts, years = Counter[int](), Counter[int](), Counter[int]()
    primaries, crosses, papers_per_id = Counter[str](), Counter[str](), Counter[str]()
    slots_per_field = Counter[str]()
    researchers_by_forename: dict[str, set[str]] = {}
    researchers_by_full_name: dict[str, dict[str, set[str]]] = {}
    researchers_by_surname_field: dict[str, dict[str, set[str]]] = {}
    slots_by_surname = Counter[str]()
    institutions, words = Counter[str](), Counter[str]()
    gaps: list[float] = []
    same_group = cross_total = slots = initials = accents = 0
    with_doi = with_ref = with_comments = with_license = with_aff = with_collab = 0
    taxonomy = Taxonomy.builtin_fallback()
    for record in records:
        authors[max(1, len(record.authors))] += 1
        categories[max(1, len(record.categories))] += 1
        titles[len(record.title.split())] += 1
        abstracts[len(record.abstract.split()) // 10 * 10 + 5] += 1
        if record.year is not None:
            years[record.year] += 1
        if record.versions:
            versions[len(record.versions)] += 1
            moments = [v.created for v in record.versions if v.created is not None]
            gaps.extend((b - a).total_seconds() / 86400 for a, b in itertools.pairwise(moments))
        primary = record.primary_category
        if primary:
            primaries[primary] += 1
            group = taxonomy.lookup(primary).group
            for code in record.categories[1:]:
                crosses[code] += 1
                cross_total += 1
                same_group += taxonomy.lookup(code).group == group
        with_doi += bool(record.dois)
        with_ref += record.journal_ref is not None
        with_comments += record.comments is not None
        with_license += record.license is not None
        with_aff += any(a.affiliations for a in record.authors)
        with_collab += any(a.is_collaboration for a in record.authors)
        for author, identity in zip(
            record.authors, identify_authors(record.authors, primary), strict=True
        ):
            if identity is not None:
                papers_per_id[identity.id] += 1
                slots_per_field[identity.field] += 1
            institutions.update(a for a in author.affiliations if _PLAIN_AFFILIATION.match(a))
            if author.is_collaboration:
                continue
            slots += 1
            initials += _is_initials(author.forenames or "")
            first = (author.forenames or "").split(" ")[0]
            accents += author.keyname != ascii_fold(author.keyname)
            if identity is None:
                continue
            slots_by_surname[author.keyname] += 1
            surname = author.keyname if _NAME.match(author.keyname) else None
            if surname:
                fields = researchers_by_surname_field.setdefault(surname, {})
                fields.setdefault(identity.field, set()).add(identity.id)
            if _NAME.match(first):
                researchers_by_forename.setdefault(first, set()).add(identity.id)
                if surname:
                    given = researchers_by_full_name.setdefault(surname, {})
                    given.setdefault(first, set()).add(identity.id)
        words.update(w for w in (record.title + " " + record.abstract).split() if _WORD.match(w))
    s, q, ratio = fit_reuse(Counter(papers_per_id.values()), slots_per_field, len(records))
    # A researcher id holds its field, so a surname's researchers are the sum over its fields.
    surnames = Counter(
        {
            name: sum(len(ids) for ids in fields.values())
            for name, fields in researchers_by_surname_field.items()
        }
    )
    forenames = Counter({name: len(ids) for name, ids in researchers_by_forename.items()})
    named = sum(surnames.values())
    common = [name for name, _ in _by_weight(surnames)[:COMMON_SURNAMES]]
    once = sum(1 for n in surnames.values() if n == 1)
    count = max(1, len(records))
    return Profile(
        origin=f"{origin} ({len(records):,} papers)",
        authors_per_paper=_histogram(authors),
        categories_per_paper=_histogram(categories),
        primary_categories=tuple(primaries.most_common()),
        cross_lists=tuple(crosses.most_common()),
        same_group_cross_list_share=round(same_group / max(1, cross_total), 3),
        title_words=_histogram(titles),
        abstract_words=_histogram(abstracts),
        years=_histogram(years),
        versions_per_paper=_histogram(versions),
        version_gap_days=round(statistics.fmean(gaps), 1) if gaps else 90.0,
        doi_share=round(with_doi / count, 3),
        journal_ref_share=round(with_ref / count, 3),
        comments_share=round(with_comments / count, 3),
        license_share=round(with_license / count, 3),
        affiliation_share=round(with_aff / count, 3),
        initials_share=round(initials / max(1, slots), 3),
        accent_share=round(accents / max(1, slots), 3),
        collaboration_share=round(with_collab / count, 4),
        reuse_exponent=s,
        reuse_offset=q,
        pool_per_slot=ratio,
        surnames=_by_weight(Counter({k: n for k, n in surnames.items() if n > 1})),
        novel_surname_share=round(once / max(1, named), 3),
        forenames=_by_weight(forenames),
        forenames_by_surname=_nested_weights(researchers_by_full_name, common),
        fields_by_surname=_nested_weights(researchers_by_surname_field, common),
        surname_mix=_surname_mix(researchers_by_surname_field, surnames, set(common)),
        common_surname_share=round(
            sum(slots_by_surname[name] for name in common[:10])
            / max(1, sum(slots_by_surname.values())),
            3,
        ),
        institutions=tuple(sorted(institutions)),
        vocabulary=tuple(w for w, _ in words.most_common(4000)),
    )


def _histogram(counter: Counter[int]) -> Histogram:
    return tuple(sorted(counter.items()))


def _surname_mix(
    by_field: dict[str, dict[str, set[str]]], researchers: Counter[str], common: set[str]
) -> tuple[tuple[str, float, float], ...]:
    """(field, share of its researchers with a common surname, share with a once-seen one)."""
    total, with_common, with_novel = Counter[str](), Counter[str](), Counter[str]()
    for name, fields in by_field.items():
        for research_field, ids in fields.items():
            total[research_field] += len(ids)
            if name in common:
                with_common[research_field] += len(ids)
            elif researchers[name] == 1:
                with_novel[research_field] += len(ids)
    return tuple(
        (f, round(with_common[f] / n, 4), round(with_novel[f] / n, 4))
        for f, n in sorted(total.items())
    )


def _nested_weights(
    nested: dict[str, dict[str, set[str]]], keys: Iterable[str]
) -> tuple[tuple[str, Weighted], ...]:
    """For each key, its values weighted by researchers (`keys` order; absent keys skipped)."""
    return tuple(
        (key, _by_weight(Counter({value: len(ids) for value, ids in nested[key].items()})))
        for key in keys
        if key in nested
    )


def _by_weight(counter: Counter[str]) -> Weighted:
    """Heaviest first, ties alphabetical: the order does not depend on the input's."""
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def _is_initials(forenames: str) -> bool:
    tokens = [t for t in re.split(r"[\s.-]+", forenames) if t]
    return all(len(t) == 1 for t in tokens)


def fit_reuse(
    papers_per_researcher: Counter[int], slots_per_field: Counter[str], papers: int
) -> tuple[float, float, float]:
    """(s, q, pool_per_slot) for the Zipf-Mandelbrot author law, fitted under one constraint.

    For each (s, q) on a grid, pool_per_slot is bisected so the expected number of distinct
    researchers equals the observed one, and the candidate is scored by chi-square over the
    papers-per-researcher histogram bins. The sample is mostly one month of 2007, a window in
    which nobody can show a lifetime's output, and its best unconstrained fit is a law so flat
    that nobody reaches 100 papers at any corpus size, unlike arXiv, whose most prolific authors
    have over a thousand. So only laws expecting at least `HEAVY_AT_REFERENCE` researchers with
    >= 100 papers at `REFERENCE_PAPERS` papers qualify; the best of those is taken.
    """
    observed = _binned(papers_per_researcher)
    distinct = sum(papers_per_researcher.values())
    fields = [t for t in slots_per_field.values() if t > 0]
    scale = REFERENCE_PAPERS / max(1, papers)
    candidates: list[tuple[bool, float, float, float, float]] = []
    for s in (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0):
        for q in (0.0, 3.0, 10.0, 30.0, 100.0):
            lo, hi = 0.01, 500.0
            for _ in range(25):
                mid = math.sqrt(lo * hi)
                got = sum(_expected_distinct(t, max(1, round(mid * t)), s, q) for t in fields)
                lo, hi = (mid, hi) if got < distinct else (lo, mid)
            ratio = math.sqrt(lo * hi)
            expected = [0.0] * len(_REPORTED_BINS)
            for t in fields:
                for i, value in enumerate(expected_counts(t, max(1, round(ratio * t)), s, q)[1]):
                    expected[i] += value
            score = sum((o - e) ** 2 / max(e, 1.0) for o, e in zip(observed, expected, strict=True))
            heavy = sum(
                expected_counts(t * scale, max(1, round(ratio * t * scale)), s, q)[2]
                for t in fields
            )
            candidates.append((heavy < HEAVY_AT_REFERENCE, score, s, q, ratio))
    _, _, s, q, ratio = min(candidates)
    return s, q, round(ratio, 4)


def _binned(counts: Counter[int]) -> list[float]:
    return [float(sum(n for c, n in counts.items() if lo <= c <= hi)) for lo, hi in _REPORTED_BINS]


def _rank_buckets(pool: int, growth: float) -> Iterator[tuple[int, int]]:
    start = 1
    while start <= pool:
        end = min(pool, start + (0 if start < 50 else int(start * growth)))
        yield start, end
        start = end + 1


def _expected_distinct(slots: float, pool: int, s: float, q: float) -> float:
    law = RankLaw(pool, s, q)
    distinct = 0.0
    for start, end in _rank_buckets(pool, 0.1):
        ranks = end - start + 1
        distinct += ranks * -math.expm1(-slots * (law.cdf(end + 1) - law.cdf(start)) / ranks)
    return distinct


def expected_counts(
    slots: float, pool: int, s: float, q: float, at_least: int = 100
) -> tuple[float, list[float], float]:
    """For `slots` draws from a pool: expected distinct researchers, the binned papers-per-
    researcher histogram, and the number of researchers with >= `at_least` papers (Poisson)."""
    law = RankLaw(pool, s, q)
    distinct, heavy = 0.0, 0.0
    bins = [0.0] * len(_REPORTED_BINS)
    last_bin = _REPORTED_BINS[-1][0]
    for start, end in _rank_buckets(pool, 0.03):
        ranks = end - start + 1
        lam = slots * (law.cdf(end + 1) - law.cdf(start)) / ranks
        distinct += ranks * -math.expm1(-lam)
        below = math.exp(-lam)  # P(X < c), accumulated
        for c in range(1, max(last_bin, at_least)):
            pmf = math.exp(c * math.log(lam) - lam - math.lgamma(c + 1)) if lam > 0 else 0.0
            if c < last_bin:
                index = next(i for i, (lo, hi) in enumerate(_REPORTED_BINS) if lo <= c <= hi)
                bins[index] += ranks * pmf
            if c == last_bin - 1:
                bins[-1] += ranks * max(0.0, 1.0 - below - pmf)
            below += pmf
            if c > lam and pmf < 1e-12:
                break
        else:
            heavy += ranks * max(0.0, 1.0 - below)
    return distinct, bins, heavy


@dataclass(frozen=True, slots=True)
class RankLaw:
    """Zipf-Mandelbrot over ranks 1..pool, continuous CDF on [1, pool + 1)."""

    pool: int
    s: float
    q: float
    _lo: float = field(init=False, repr=False, compare=False)
    _span: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lo = self._g(1.0)
        object.__setattr__(self, "_lo", lo)
        object.__setattr__(self, "_span", self._g(self.pool + 1.0) - lo)

    def _g(self, x: float) -> float:
        if abs(self.s - 1.0) < 1e-9:
            return math.log(x + self.q)
        return float((x + self.q) ** (1.0 - self.s)) / (1.0 - self.s)

    def cdf(self, x: float) -> float:
        return (self._g(x) - self._lo) / self._span

    def rank(self, u: float) -> int:
        g = self._lo + u * self._span
        if abs(self.s - 1.0) < 1e-9:
            x = math.exp(g) - self.q
        else:
            x = (g * (1.0 - self.s)) ** (1.0 / (1.0 - self.s)) - self.q
        return min(self.pool, max(1, int(x)))


# -- generation ------------------------------------------------------------------------------


class _Sampler:
    """Draws from a weighted table by bisection over cumulative weights."""

    def __init__(self, items: Sequence[tuple[object, float]]) -> None:
        self.values = [value for value, _ in items]
        cumulative: list[float] = []
        total = 0.0
        for _, weight in items:
            total += weight
            cumulative.append(total)
        self.cumulative = cumulative
        self.total = total

    def draw(self, rng: random.Random) -> object:
        return self.pick(rng.random())

    def pick(self, u: float) -> object:
        """The item at quantile `u` in [0, 1): a pure function, for pool authors."""
        return self.values[bisect.bisect_right(self.cumulative, u * self.total)]


@dataclass(frozen=True, slots=True)
class _PoolAuthor:
    keyname_tex: str  # as the raw `authors` string writes it
    keyname: str  # decoded, as `authors_parsed` writes it
    common: bool  # one of the profile's ten commonest surnames
    forename: str
    middle: str | None
    institution: str | None


@dataclass(slots=True)
class GenerationStats:
    """What was generated, to compare with the profile. Memory grows with distinct authors."""

    papers: int = 0
    authors_per_paper: Counter[int] = field(default_factory=Counter)
    categories_per_paper: Counter[int] = field(default_factory=Counter)
    papers_per_author: Counter[tuple[str, int]] = field(default_factory=Counter)
    with_doi: int = 0
    with_affiliations: int = 0
    common_surname_slots: int = 0
    author_slots: int = 0


class SyntheticArxiv:
    """Generates `papers` Kaggle records; pools are sized for that many papers."""

    def __init__(self, profile: Profile, papers: int, seed: int) -> None:
        self.profile = profile
        self.papers = papers
        self.seed = seed
        self._authors = _Sampler(profile.authors_per_paper)
        self._categories = _Sampler(profile.categories_per_paper)
        self._primary = _Sampler(profile.primary_categories)
        self._titles = _Sampler(profile.title_words)
        self._abstracts = _Sampler(profile.abstract_words)
        self._years = _Sampler(profile.years)
        self._versions = _Sampler(profile.versions_per_paper)
        taxonomy = Taxonomy.builtin_fallback()
        self._group = {code: taxonomy.lookup(code).group for code, _ in profile.cross_lists}
        self._cross_all = _Sampler(profile.cross_lists)
        by_group: dict[str, list[tuple[str, int]]] = {}
        for code, weight in profile.cross_lists:
            by_group.setdefault(self._group[code], []).append((code, weight))
        self._cross_by_group = {g: _Sampler(items) for g, items in by_group.items()}
        self._primary_group = {
            code: taxonomy.lookup(code).group for code, _ in profile.primary_categories
        }
        mean_authors = _mean(profile.authors_per_paper)
        field_share: Counter[str] = Counter()
        for code, weight in profile.primary_categories:
            field_share[field_of(code)] += weight
        total = sum(field_share.values())
        self.field_slots = {f: papers * mean_authors * w / total for f, w in field_share.items()}
        self._laws = {
            f: RankLaw(
                max(1, round(profile.pool_per_slot * t)),
                profile.reuse_exponent,
                profile.reuse_offset,
            )
            for f, t in self.field_slots.items()
        }
        self._vocab_cum = [1.0 / (i + 1) for i in range(len(profile.vocabulary))]
        for i in range(1, len(self._vocab_cum)):
            self._vocab_cum[i] += self._vocab_cum[i - 1]
        self._institution_law = RankLaw(max(1, len(profile.institutions)), 1.0, 2.0)
        self._surname_mix = {f: (common, novel) for f, common, novel in profile.surname_mix}
        fields_of = {name: dict(fields) for name, fields in profile.fields_by_surname}
        self._common_surnames_in = {
            f: _Sampler([(name, fields.get(f, 0)) for name, fields in fields_of.items()])
            for f in self._surname_mix
        }
        self._rare_surnames = _Sampler([(n, w) for n, w in profile.surnames if n not in fields_of])
        self._all_surnames = _Sampler(profile.surnames)
        self._surname_names = [name for name, _ in profile.surnames] or ["Doe"]
        self._forename_table = _Sampler(profile.forenames)
        self._forenames_of = {
            name: _Sampler(given) for name, given in profile.forenames_by_surname if given
        }
        self._novel_forename_share = {
            name: sum(w for _, w in given if w == 1) / sum(w for _, w in given)
            for name, given in profile.forenames_by_surname
            if given
        }
        self._common = {name for name, _ in profile.surnames[:10]}
        self.stats = GenerationStats()

    def records(self) -> Iterator[dict[str, object]]:
        rng = random.Random(self.seed)
        for index in range(self.papers):
            yield self._record(index, rng)

    def expected_heavy_authors(self, at_least: int = 100) -> float:
        """Expected number of pool authors with >= `at_least` papers (the profile's law)."""
        return sum(
            expected_counts(t, law.pool, law.s, law.q, at_least)[2]
            for t, law in ((self.field_slots[f], law) for f, law in self._laws.items())
        )

    def _record(self, index: int, rng: random.Random) -> dict[str, object]:
        profile = self.profile
        primary = str(self._primary.draw(rng))
        research_field = field_of(primary)
        categories = [primary]
        wanted = int(str(self._categories.draw(rng)))
        for _ in range(4 * wanted):
            if len(categories) >= wanted:
                break
            same = rng.random() < profile.same_group_cross_list_share
            sampler = self._cross_by_group.get(self._primary_group[primary]) if same else None
            code = str((sampler or self._cross_all).draw(rng))
            if code not in categories:
                categories.append(code)
        with_affiliations = rng.random() < profile.affiliation_share
        pool = self._laws[research_field]
        slots = int(str(self._authors.draw(rng)))
        collaboration = rng.random() < profile.collaboration_share
        ranks: list[int] = []
        for _ in range(slots - collaboration):
            for _attempt in range(5):
                rank = pool.rank(rng.random())
                if rank not in ranks:
                    ranks.append(rank)
                    break
        raw_names: list[str] = []
        parsed: list[list[str]] = []
        for rank in ranks:
            author = self._pool_author(research_field, rank)
            forenames = self._forenames(author, rng)
            text = f"{forenames} {author.keyname_tex}"
            entry = [author.keyname, forenames, ""]
            if with_affiliations and author.institution:
                text += f" ({author.institution})"
                entry.append(author.institution)
            raw_names.append(text)
            parsed.append(entry)
            self.stats.papers_per_author[(research_field, rank)] += 1
            self.stats.author_slots += 1
            self.stats.common_surname_slots += author.common
        if collaboration or not raw_names:
            acronym = self._syllables(research_field, rng.randrange(40), 2).upper()
            name = f"The {acronym} Collaboration"
            raw_names.append(name)
            parsed.append([name, "", ""])
        versions = self._version_dates(rng)
        has_doi = rng.random() < profile.doi_share
        arxiv_id = _arxiv_id(index)
        self._count(len(parsed), len(categories), has_doi, with_affiliations)
        return {
            "id": arxiv_id,
            "submitter": raw_names[0].split(" (")[0],
            "authors": _join_authors(raw_names),
            "title": _wrap(self._text(int(str(self._titles.draw(rng))), rng, title=True), 2),
            "comments": f"{rng.randrange(4, 40)} pages, {rng.randrange(1, 15)} figures"
            if rng.random() < profile.comments_share
            else None,
            "journal-ref": f"Synth. J. {rng.randrange(1, 99)}:{rng.randrange(1, 9999)}"
            if rng.random() < profile.journal_ref_share
            else None,
            "doi": f"10.5555/synthetic.{arxiv_id}" if has_doi else None,
            "report-no": None,
            "categories": " ".join(categories),
            "license": _LICENSE if rng.random() < profile.license_share else None,
            "abstract": "  "
            + _wrap(self._text(int(str(self._abstracts.draw(rng))), rng), 0)
            + "\n",
            "versions": [
                {"version": f"v{i}", "created": moment.strftime("%a, %d %b %Y %H:%M:%S GMT")}
                for i, moment in enumerate(versions, start=1)
            ],
            "update_date": versions[-1].date().isoformat(),
            "authors_parsed": parsed,
        }

    def _count(self, authors: int, categories: int, doi: bool, affiliations: bool) -> None:
        stats = self.stats
        stats.papers += 1
        stats.authors_per_paper[authors] += 1
        stats.categories_per_paper[categories] += 1
        stats.with_doi += doi
        stats.with_affiliations += affiliations

    def _pool_author(self, research_field: str, rank: int) -> _PoolAuthor:
        digest = hashlib.blake2b(f"{self.seed}|{research_field}|{rank}".encode()).digest()
        h = int.from_bytes(digest[:8], "big")
        g = int.from_bytes(digest[8:16], "big")
        profile = self.profile
        # Namesakes as in the sample: a common surname, a rarer one, or one of its own.
        u, v = (g % 1_000_003) / 1_000_003, ((g >> 24) % 1_000_003) / 1_000_003
        common, novel = self._surname_mix.get(research_field, (0.0, profile.novel_surname_share))
        table = self._rare_surnames if research_field in self._surname_mix else self._all_surnames
        if u < common:
            surname = str(self._common_surnames_in[research_field].pick(v))
        elif u < common + novel or not table.values:
            # A surname of its own: (base, suffix) is a bijection of the rank within the field.
            names = self._surname_names
            salt = sum(map(ord, research_field)) * 7919
            base = names[(rank + salt) % len(names)]
            surname = base + self._syllables(research_field, rank // len(names), 1)
        else:
            surname = str(table.pick(v))
        tex, plain = surname, surname
        if (h % 1000) / 1000 < profile.accent_share:
            for i, char in enumerate(surname):
                if char in _ACCENTS:
                    tex = surname[:i] + _ACCENTS[char][0] + surname[i + 1 :]
                    plain = surname[:i] + _ACCENTS[char][1] + surname[i + 1 :]
                    break
        given = self._forenames_of.get(surname, self._forename_table)
        forename = str(given.pick(((h >> 10) % 1_000_003) / 1_000_003))
        k = int.from_bytes(digest[16:24], "big")
        if (k % 1_000_003) / 1_000_003 < self._novel_forename_share.get(surname, 0.0):
            # A given name the sample does not show with this surname, as often as the sample
            # shows one only once: two of its given names joined ("Wei" + "bing"). It keeps
            # the initial's distribution, and namesakes stay apart as they do on arXiv.
            forename += str(given.pick(((k >> 24) % 1_000_003) / 1_000_003)).lower()
        middle = chr(ord("A") + (h >> 30) % 26) if (h >> 20) % 10 < 3 else None
        institutions = profile.institutions
        institution = (
            institutions[self._institution_law.rank(((h >> 40) % 100_003) / 100_003) - 1]
            if institutions
            else None
        )
        return _PoolAuthor(tex, plain, surname in self._common, forename, middle, institution)

    def _forenames(self, author: _PoolAuthor, rng: random.Random) -> str:
        middle = f" {author.middle}." if author.middle else ""
        if rng.random() < self.profile.initials_share:
            return f"{author.forename[0]}.{middle}"
        return f"{author.forename}{middle}"

    def _syllables(self, research_field: str, number: int, minimum: int) -> str:
        parts: list[str] = []
        value = number + sum(map(ord, research_field))
        while value or len(parts) < minimum:
            value, digit = divmod(value, len(_SYLLABLES))
            parts.append(_SYLLABLES[digit])
        return "".join(parts)

    def _text(self, words: int, rng: random.Random, *, title: bool = False) -> str:
        vocab = self.profile.vocabulary
        chosen = rng.choices(vocab, cum_weights=self._vocab_cum, k=max(1, words))
        if title:
            return " ".join(chosen).capitalize()
        sentences: list[str] = []
        start = 0
        while start < len(chosen):
            length = rng.randrange(8, 25)
            sentences.append(" ".join(chosen[start : start + length]).capitalize() + ".")
            start += length
        return " ".join(sentences)

    def _version_dates(self, rng: random.Random) -> list[datetime]:
        year = int(str(self._years.draw(rng)))
        first = datetime(year, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(365 * 86400))
        moments = [first]
        for _ in range(int(str(self._versions.draw(rng))) - 1):
            gap = rng.expovariate(1.0 / self.profile.version_gap_days)
            moments.append(moments[-1] + timedelta(days=gap, seconds=rng.randrange(86400)))
        return moments


def _mean(histogram: Histogram) -> float:
    return sum(v * w for v, w in histogram) / sum(w for _, w in histogram)


def _arxiv_id(index: int) -> str:
    month, number = divmod(index, 99_999)
    return f"{15 + month // 12:02d}{month % 12 + 1:02d}.{number + 1:05d}"


def _join_authors(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _wrap(text: str, indent: int, width: int = 80) -> str:
    """Hard line breaks as in the Kaggle snapshot (continuation lines indented in titles)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return ("\n" + " " * indent).join(lines)


def generator_fingerprint() -> str:
    """A short hash of this module's source: benchmarks name their generated files with it, so
    a changed generator never meets files an older one wrote."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]


def write_jsonl(records: Iterable[dict[str, object]], out: Path) -> int:
    """Stream records to `.jsonl` or `.jsonl.gz`; returns the number written."""
    count = 0
    with contextlib.ExitStack() as stack:
        write = (
            stack.enter_context(gzip.open(out, "wb", compresslevel=3)).write
            if out.suffix == ".gz"
            else stack.enter_context(open(out, "wb")).write
        )
        for record in records:
            write(orjson.dumps(record) + b"\n")
            count += 1
    return count


# -- checking and command line ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    expected: float
    generated: float
    ok: bool


def check_distributions(generator: SyntheticArxiv) -> list[Check]:
    """Generated vs profile: the numbers a benchmark's realism rests on."""
    profile, stats = generator.profile, generator.stats
    generated = _histogram(stats.authors_per_paper)
    n = max(1, stats.papers)
    heavy_expected = generator.expected_heavy_authors()
    heavy = sum(1 for c in stats.papers_per_author.values() if c >= 100)
    checks = [
        _relative("authors/paper mean", _mean(profile.authors_per_paper), _mean(generated), 0.05),
        _absolute(
            "authors/paper median",
            _quantile(profile.authors_per_paper, 0.5),
            _quantile(generated, 0.5),
            1,
        ),
        _relative(
            "authors/paper p99",
            _quantile(profile.authors_per_paper, 0.99),
            _quantile(generated, 0.99),
            0.2,
        ),
        _relative(
            "categories/paper mean",
            _mean(profile.categories_per_paper),
            _mean(_histogram(stats.categories_per_paper)),
            0.05,
        ),
        _absolute("DOI share", profile.doi_share, stats.with_doi / n, 0.02),
        _absolute(
            "affiliation share", profile.affiliation_share, stats.with_affiliations / n, 0.02
        ),
        _relative(
            "ten commonest surnames' share",
            profile.common_surname_share,
            stats.common_surname_slots / max(1, stats.author_slots),
            0.3,
        ),
        Check(
            "researchers with >= 100 papers",
            round(heavy_expected, 1),
            heavy,
            heavy > 0 if heavy_expected >= 1 else True,
        ),
    ]
    if heavy_expected >= 10:
        checks.append(_relative("  (within 40% of the law)", heavy_expected, heavy, 0.4))
    return checks


def _relative(name: str, expected: float, generated: float, tolerance: float) -> Check:
    ok = abs(generated - expected) <= tolerance * max(abs(expected), 1e-9)
    return Check(name, round(expected, 3), round(generated, 3), ok)


def _absolute(name: str, expected: float, generated: float, tolerance: float) -> Check:
    return Check(
        name, round(expected, 3), round(generated, 3), abs(generated - expected) <= tolerance
    )


def _quantile(histogram: Histogram, p: float) -> float:
    total = sum(w for _, w in histogram)
    running = 0
    for value, weight in histogram:
        running += weight
        if running >= p * total:
            return float(value)
    return float(histogram[-1][0])


def default_data_dir() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "arxiv"


def load_profile(data_dir: Path | None) -> Profile:
    """Fit from the sample when it is there, else the built-in fallback profile."""
    directory = data_dir or default_data_dir()
    if directory.is_dir() and expand_paths([directory]):
        return fit_profile(directory)
    return FALLBACK_PROFILE


def generate(
    out: Path, papers: int, seed: int, profile: Profile
) -> tuple[SyntheticArxiv, list[Check]]:
    generator = SyntheticArxiv(profile, papers, seed)
    write_jsonl(generator.records(), out)
    return generator, check_distributions(generator)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--papers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help=".jsonl or .jsonl.gz")
    parser.add_argument("--data-dir", type=Path, default=None, help="sample to fit from")
    parser.add_argument("--fallback", action="store_true", help="use the built-in profile")
    args = parser.parse_args(argv)
    profile = FALLBACK_PROFILE if args.fallback else load_profile(args.data_dir)
    print(
        f"profile: {profile.origin}; reuse s={profile.reuse_exponent} "
        f"q={profile.reuse_offset} pool/slot={profile.pool_per_slot}"
    )
    _, checks = generate(args.out, args.papers, args.seed, profile)
    print(f"wrote {args.papers:,} papers to {args.out}")
    print(f"      {'check':32s} {'profile':>10} {'generated':>10}")
    for check in checks:
        mark = "ok " if check.ok else "OFF"
        print(f"  {mark} {check.name:32s} {check.expected:>10} {check.generated:>10}")
    return 0 if all(c.ok for c in checks) else 1


def _int_pairs(text: str) -> Histogram:
    return tuple((int(a), int(b)) for a, b in (p.split(":") for p in text.split()))


def _str_pairs(text: str) -> Weighted:
    return tuple((a, int(b)) for a, b in (p.rsplit(":", 1) for p in text.split()))


# The fallback profile: fit_profile() on the arXiv sample (/work/shared/data/arxiv, 12,220
# distinct papers, identity policy of commit b017a3a), written down; tables truncated (top 60
# categories, every k-th word). Names (refitted with namesakes): every name shared by 16 or more
# researchers, then every 16th surname and every 24th forename below that, its weight scaled
# by 16 or 24 so the rarer names keep their share.

_FALLBACK_AUTHORS_PER_PAPER = """
1:2719 2:3022 3:2338 4:1425 5:858 6:578 7:434 8:246 9:129 10:95 11:69 12:48 13:50 14:19 15:22
16:22 17:11 18:20 19:15 20:4 21:7 22:8 23:10 24:5 25:8 26:4 27:5 28:5 29:3 30:3 31:2 32:3 33:1
34:3 35:1 36:3 37:3 38:1 41:2 42:1 44:1 46:1 47:1 48:1 49:3 50:1 54:1 57:2 62:1 67:1 71:1 74:1
81:1 84:1 99:1
"""

_FALLBACK_CATEGORIES_PER_PAPER = """
1:7352 2:3252 3:1138 4:366 5:87 6:18 7:4 8:2 9:1
"""

_FALLBACK_TITLE_WORDS = """
1:4 2:70 3:204 4:390 5:750 6:1192 7:1449 8:1482 9:1485 10:1270 11:1068 12:770 13:589 14:450
15:319 16:245 17:163 18:96 19:73 20:47 21:40 22:17 23:16 24:10 25:8 26:5 27:2 28:1 30:3 31:1
37:1
"""

_FALLBACK_ABSTRACT_WORDS = """
5:23 15:106 25:197 35:300 45:401 55:520 65:553 75:709 85:824 95:767 105:765 115:699 125:679
135:629 145:643 155:580 165:539 175:464 185:449 195:416 205:369 215:309 225:254 235:202 245:210
255:192 265:135 275:132 285:72 295:52 305:19 315:10 335:1
"""

_FALLBACK_YEARS = """
1995:1 2001:1 2002:1 2003:1 2004:1 2005:1 2006:3 2007:10001 2008:2 2010:2 2011:3 2012:5 2013:9
2014:11 2015:17 2016:53 2017:100 2018:106 2019:107 2020:170 2021:233 2022:461 2023:551 2024:361
2025:16 2026:3
"""

_FALLBACK_VERSIONS_PER_PAPER = """
1:971 2:725 3:328 4:131 5:40 6:19 7:4 8:3 9:1 11:2
"""

_FALLBACK_PRIMARY = """
astro-ph:1839 cs.CV:1164 hep-th:681 hep-ph:673 quant-ph:566 gr-qc:351 cs.LG:332
cond-mat.mes-hall:309 cond-mat.str-el:296 cond-mat.mtrl-sci:292 cs.CL:286 cond-mat.stat-mech:274
math.AG:209 math-ph:202 nucl-th:186 cond-mat.supr-con:185 cond-mat.other:166 cond-mat.soft:165
math.PR:161 hep-ex:151 cs.IT:146 math.DG:141 math.AP:132 math.CO:128 cs.SE:119
physics.gen-ph:119 math.NT:105 physics.optics:101 nucl-ex:98 math.GT:91 cs.AI:89 math.RT:81
cond-mat.dis-nn:81 math.DS:80 math.CA:72 math.OA:70 physics.atom-ph:69 math.FA:64 math.QA:62
hep-lat:62 math.RA:61 math.CV:60 cs.RO:58 math.ST:53 nlin.CD:49 stat.ML:47 math.AC:47 math.GR:46
physics.soc-ph:45 physics.flu-dyn:45 math.LO:38 nlin.SI:36 math.NA:35 math.AT:35 q-bio.PE:33
physics.data-an:33 physics.class-ph:32 math.GM:32 cs.DS:30 math.SG:30
"""

_FALLBACK_CROSS = """
cs.AI:500 cs.LG:490 math.MP:437 hep-th:316 math-ph:235 hep-ph:230 astro-ph:226 gr-qc:208
cond-mat.stat-mech:179 stat.ML:173 cs.CV:170 cs.CL:160 math.IT:155 cond-mat.mtrl-sci:153
cond-mat.str-el:127 quant-ph:109 cond-mat.other:106 math.AG:104 cs.GR:94 nucl-th:91
cond-mat.mes-hall:84 math.CO:79 stat.TH:76 hep-ex:74 math.PR:73 cond-mat.soft:71 math.DG:68
cond-mat.dis-nn:67 cond-mat.supr-con:66 math.FA:61 math.RT:58 math.AP:58 cs.MM:50 math.DS:50
eess.AS:47 math.QA:47 math.CA:45 nucl-ex:44 physics.comp-ph:43 cs.RO:42 physics.soc-ph:42
math.GR:41 math.NT:41 math.GT:40 cs.SD:38 physics.data-an:37 hep-lat:37 cs.NE:36 q-bio.QM:36
math.AT:36 math.RA:36 nlin.CD:34 cs.CR:33 nlin.SI:32 cs.HC:31 math.ST:31 physics.chem-ph:30
math.SG:30 math.CV:30 physics.gen-ph:30
"""

_FALLBACK_SURNAMES = """
Wang:452 Zhang:372 Li:343 Chen:301 Liu:287 Wu:173 Yang:170 Kim:169 Xu:156 Lee:150 Huang:137
Zhao:116 Zhou:113 Yu:98 Zhu:96 Sun:94 Lin:84 Ma:78 Guo:75 He:75 Jiang:75 Hu:72 Gao:68 Lu:68 Song:65
Zheng:65 Park:55 Han:54 Smith:47 Cheng:46 Yan:46 Cao:45 Liang:45 Shi:45 Tang:45 Chang:44 Singh:44
Feng:43 Shen:43 Wei:43 Dong:42 Ren:41 Fu:39 Yin:38 Jin:37 Xie:37 Yuan:37 Choi:35 Gu:35 Luo:35
Xiao:35 Pan:34 Dai:33 Su:33 Tian:33 Ye:33 Martin:32 Peng:32 Gupta:31 Deng:30 Fang:29 Schmidt:29
Fan:28 Kang:28 Zeng:28 Brown:26 Qiu:26 Tan:26 Xue:26 Ding:25 Hong:25 Sato:25 Yao:25 Jain:24
Miller:24 Cui:23 Johnson:23 Qin:23 Xia:23 Meng:22 Williams:22 Xiong:22 Bao:21 Cai:21 Cohen:21
Das:21 Du:21 Duan:21 Jung:21 Mueller:21 Nguyen:21 Tanaka:21 Wen:21 Young:21 Gong:20 Hou:20 Qi:20
Santos:20 Zhong:20 Jia:19 Jones:19 Kumar:19 Lai:19 Rodriguez:19 Saito:19 Xiang:19 Bai:18
Gonzalez:18 Liao:18 Taylor:18 Chan:17 Clark:17 Ge:17 Ji:17 Qian:17 Shao:17 Thompson:17 White:17
Yoon:17 Anderson:16 Cho:16 Kobayashi:16 Mao:16 Schneider:16 Sharma:16 Sinha:16 Thomas:16 Yi:16
Chu:240 Shin:224 Ray:208 Takahashi:192 Popov:176 Pandey:160 Yoshida:160 Nie:144 Baumann:128
Keller:128 Marques:128 Stern:128 Becker:112 Gould:112 Lim:112 Saha:112 Alon:96 Doi:96 Ishikawa:96
Mo:96 Reimer:96 Xin:96 Biswas:80 Christensen:80 Fujimori:80 Irwin:80 Larsson:80 Neumann:80 Sahu:80
Takeda:80 Bailey:64 Borisov:64 Casagrande:64 Dutra:64 Fukuda:64 Grenier:64 Iliev:64 Khrennikov:64
Leon:64 Martel:64 Morita:64 Oliver:64 Rastogi:64 Schmid:64 Stewart:64 Vogel:64 Yee:64 Alam:48
Baba:48 Bec:48 Blanchet:48 Buckle:48 Carignan:48 Chong:48 Cosentino:48 Dijkstra:48 Eisert:48
Flach:48 Fukuyama:48 Girardi:48 Hamilton:48 Heermann:48 Hoffmann:48 Ishiwata:48 Jost:48 Kazakov:48
Kojima:48 Lacy:48 Lio:48 Mangano:48 Matteucci:48 Moeller:48 Nagao:48 Nomura:48 Osborne:48 Pathak:48
Pineda:48 Rahaman:48 Rich:48 Rychkov:48 Schuller:48 Shevchenko:48 Steinmetz:48 Teixeira:48
Varner:48 Wakamatsu:48 Yamauchi:48 Abel:32 Agranovsky:32 Albeverio:32 Anchordoqui:32 Ankirchner:32
Armus:32 Auscher:32 Balasubramanian:32 Barnas:32 Beccaria:32 Bendersky:32 Berkovits:32
Bhattacherjee:32 Blickle:32 Bondarenko:32 Bourgeois:32 Breese:32 Bromberg:32 Bu:32 Calegari:32
Carati:32 Ceccarelli:32 Chavanis:32 Chudakov:32 Coelho:32 Coppin:32 Cristiani:32 Dahl:32 Debevec:32
Desmarais:32 Distefano:32 Dotsenko:32 Dudik:32 Edelman:32 Engels:32 Exner:32 Farrah:32 Finazzi:32
Foot:32 Fried:32 Furlanetto:32 Garay:32 Gehrz:32 Gibb:32 Gninenko:32 Goswami:32 Grimmett:32
Guichard:32 Hagen:32 Hariharan:32 Haxton:32 Henrich:32 Hinich:32 Hollik:32 Hosaka:32 Huynh:32
Iliadis:32 Jacobson:32 Jido:32 Kamada:32 Kasper:32 Keles:32 Khare:32 Kivshar:32 Knowles:32
Konacki:32 Korshunov:32 Kowalski:32 Krzesinski:32 Kusmartsev:32 Lancaster:32 Leach:32 Lerner:32
Lichti:32 Littlewood:32 Love:32 Luzon:32 Majumder:32 Marconi:32 Marrone:32 Mathews:32 Mdlazi:32
Menten:32 Miele:32 Mitran:32 Mohapatra:32 Moosavi:32 Muench:32 Myrzakulov:32 Narang:32 Neumaier:32
Nishi:32 Novoselov:32 Ogryzko:32 Onishi:32 Oudmaijer:32 Panagia:32 Paternostro:32 Pepino:32
Petrosky:32 Piermarocchi:32 Politis:32 Postma:32 Pretorius:32 Queiros:32 Rai:32 Rapaport:32 Rea:32
Ricciardi:32 Rix:32 Ros:32 Rudolf:32 Sagawa:32 Santiago:32 Scarpetta:32 Schnell:32 Schwope:32
Setti:32 Sharpe:32 Sidharth:32 Skryabin:32 Sokal:32 Southworth:32 Sridhar:32 Stein:32 Suematsu:32
Suter:32 Tachibana:32 Tam:32 Terashima:32 Tiong:32 Torr:32 Trivedi:32 Tumminello:32 Uranga:32
Vanko:32 Verdugo:32 Vishwanath:32 Wasilewski:32 Wenger:32 Wingerter:32 Wolter:32 Yasui:32 Zaanen:32
Zeriahi:32 Zoccali:32
"""

_FALLBACK_FORENAMES = """
David:211 Michael:190 Daniel:138 Thomas:122 John:109 Peter:107 Alexander:106 Robert:97 Martin:91
James:86 Mark:84 Paul:79 Christian:70 Eric:65 Andrew:61 Andreas:56 Richard:56 Christopher:55 Wei:55
Marco:49 Matthew:48 Nicolas:46 Andrea:45 Jan:45 Patrick:45 Brian:42 Alex:41 Benjamin:41 Jonathan:41
Stefan:41 Stephen:41 Dan:40 Steven:40 Chris:39 Jun:38 Ivan:37 Matthias:36 Vladimir:36 Francesco:35
Igor:35 Jose:35 Joseph:35 William:35 Antonio:33 Frank:33 Kevin:33 Paolo:33 Victor:33 Vincent:33
Marc:32 Roberto:32 Simon:32 Alessandro:31 Olivier:31 Sergey:31 Xin:31 Alberto:30 Charles:30
George:30 Gregory:30 Hao:30 Philippe:30 Adam:29 Carlos:29 Edward:29 Lei:29 Stefano:29 Han:28
Jian:28 Jing:28 Luca:28 Philip:28 Yang:28 Yuri:28 Anna:27 Ian:27 Jie:27 Maria:27 Michel:27 Bin:26
Jason:26 Nicholas:26 Scott:26 Alan:25 Hiroshi:25 Juan:25 Luis:25 Markus:25 Boris:24 Denis:24
Fabio:24 Ryan:24 Tao:24 Ali:23 Bruno:23 Kai:23 Michele:23 Ming:23 Peng:23 Tom:23 Zhen:23 Andrei:22
Ben:22 Pierre:22 Alexandre:21 Anthony:21 Antoine:21 Dmitry:21 Johannes:21 Joshua:21 Laura:21
Pablo:21 Rui:21 Sebastian:21 Timothy:21 Chen:20 Francisco:20 Giovanni:20 Laurent:20 Mario:20
Satoshi:20 Yong:20 Christoph:19 Feng:19 Jean:19 Mohammad:19 Samuel:19 Takeshi:19 Tobias:19
Alexey:18 Chao:18 Hans:18 Michal:18 Pavel:18 Xavier:18 Aaron:17 Adrian:17 Andrey:17 Bernard:17
Dong:17 Felix:17 Ilya:17 Jorge:17 Matteo:17 Maxim:17 Oliver:17 Rafael:17 Simone:17 Ying:17 Alain:16
Alejandro:16 Alexei:16 Daniele:16 Douglas:16 Florian:16 Jeffrey:16 Leonid:16 Mikhail:16 Pedro:16
Qiang:16 Takashi:16 Walter:16 Yan:16 Zheng:16 Amir:360 Gary:336 Karl:312 Lin:288 Jon:264 Dieter:240
Xiaoyu:240 Julian:216 Yutaka:216 Kyle:192 Sven:192 Deepak:168 Kun:168 Song:168 Clement:144
Herbert:144 Marta:144 Seung:144 Alexis:120 Eduard:120 Jakub:120 Leon:120 Norman:120 Shinya:120
Yukio:120 Anand:96 Dave:96 Gregor:96 Jiajun:96 Kenichi:96 Milan:96 Rajendra:96 Svetlana:96
Wenxuan:96 Zeyu:96 Ana:72 Casey:72 Dragomir:72 Francoise:72 Henk:72 Jaime:72 Junfeng:72 Lucia:72
Mingfei:72 Onur:72 Regina:72 Shuji:72 Timur:72 Volodymyr:72 Xiaodan:72 Yixuan:72 Zijian:72 Alice:48
Antoni:48 Aurelien:48 Bernt:48 Carles:48 Chenjie:48 Collin:48 Dawn:48 Dzmitry:48 Ersin:48 Finn:48
Gennaro:48 Graziano:48 Harm:48 Hongyuan:48 Italo:48 Jiakai:48 Jiayuan:48 Jinyuan:48 Junqi:48
Karoline:48 Khurram:48 Laurette:48 Liqun:48 Marie-Claude:48 Menta:48 Morrel:48 Nicolae:48
Patricio:48 Qianqian:48 Rami:48 Rodolfo:48 Saeed:48 Seonghoon:48 Shuaicheng:48 Somnath:48
Tae-Sun:48 Thibaut:48 Trieu:48 Vitaly:48 Willi:48 Xingang:48 Yanbo:48 Yicong:48 Yoshifumi:48
Yuliang:48 Zhangyang:48 Zhongyuan:48 Aawatif:24 Achint:24 Aharon:24 Akihiko:24 Ales:24 Alpay:24
Amjed:24 Andon:24 Anirudda:24 Anpei:24 Apoorv:24 Arlo:24 Asantha:24 Athena:24 Aviya:24 Bairui:24
Baoxiong:24 Beniamino:24 Beyza:24 Binh:24 Bob:24 Botao:24 Buck:24 Camilla:24 Celal:24 Chandradew:24
Changlong:24 Chaoqi:24 Cheng-Li:24 Chenhui:24 Chi-Wing:24 Ching-Wen:24 Chuan-Hua:24 Chung-Chi:24
Clayton:24 Corentin:24 Cuong:24 Dailan:24 Dapeng:24 Debao:24 Deming:24 Devin:24 Dimitry:24
Djalil:24 Dongli:24 Dorsa:24 Earl:24 Eilat:24 Elizeu:24 Emre:24 Ervin:24 Evans:24 Fang-Pei:24
Fartash:24 Fengran:24 Franc:24 Fumiaki:24 Gail:24 Gebremariem:24 German:24 Gianpasquale:24
Gorantla:24 Guangcan:24 Gui-Jun:24 Guofang:24 Gwanhyeong:24 Haichao:24 Hammond:24 Hans-Gerd:24
Haofei:24 Haruhiko:24 Hela:24 Hergys:24 Hiro-Fumi:24 Hoernisa:24 Hongkuan:24 Hsiao-Wen:24
Huanqia:24 Hunar:24 Hyeonjoon:24 Ianir:24 Ilpo:24 Ioav:24 Isroil:24 Jae-Joon:24 Jake:24 Jassem:24
Jeffry:24 Ji-Ren:24 Jialin:24 Jianglong:24 Jianzhi:24 Jie-Fen:24 Jin-Fu:24 Jinglong:24 Jinseok:24
Jiyuan:24 Joohyung:24 Judd:24 Junfan:24 Junwei:24 Kaare:24 Kalobaran:24 Karl-Henning:24 Katsuaki:24
Ke-Qing:24 Ken-Ya:24 Kheira:24 Kiwoon:24 Kosuke:24 Krushevska:24 Kuznyetsova:24 Kyusun:24 Lauro:24
Leopold:24 Liangchen:24 Lihong:24 Lingpeng:24 Liu-Ji:24 Loubna:24 Lung-Yih:24 Macaire:24 Majed:24
Mankei:24 Marcello:24 Marinka:24 Masachika:24 Matyas:24 Meng-Chen:24 Merico:24 Mihaela:24
Ming-Hao:24 Mingming:24 Minsu:24 Mitsuhiro:24 Morbidelli:24 Mrinmaya:24 Murielle:24 Nageswaran:24
Naoshi:24 Nathaniel:24 Nenad:24 Niki:24 Nizhankovskii:24 Nuo:24 Olimpia:24 Otto:24 Parik:24
Pavlenko:24 Penghui:24 Pichao:24 Piret:24 Pramudita:24 Priyank:24 Qianyu:24 Qingwei:24 Quanfu:24
Rafe:24 Rameen:24 Rayna:24 Rewon:24 Rishikesh:24 Rongqi:24 Royee:24 Ruiming:24 Ruofan:24 Ryutaro:24
Sahaj:24 Sambaran:24 Sanja:24 Satoki:24 Sefi:24 Seonho:24 Seungmuk:24 Shane:24 Shaocong:24 Shea:24
Shentong:24 Shigemi:24 Shing-Chi:24 Shizhe:24 Shuailin:24 Shuhuai:24 Shuqi:24 Siew-Phang:24
Sinong:24 Snigdhayan:24 Songming:24 Soumi:24 Srinadh:24 Su-In:24 Sugumi:24 Sundaram:24 Sunmin:24
Swabha:24 Tae:24 Takakazu:24 Tanmoy:24 Tatsuya:24 Thaddeus:24 Tianhe:24 Tiep:24 Titus:24 Toni:24
Troy:24 Tyson:24 Urszula:24 Vappu:24 Vibhav:24 Viorel:24 Wako:24 Wei-Cheng:24 Weiran:24 Wen-Feng:24
Wenqian:24 Wing-Kwong:24 Woong-Tae:24 Xiangdong:24 Xiao-Yong:24 Xiaotao:24 Ximei:24 Xingyi:24
Xiongkuo:24 Xuanyi:24 Xuguang:24 Yakov:24 Yangqing:24 Yanxi:24 Yarin:24 Yawen:24 Yeting:24
Yichong:24 Yingheng:24 Yipeng:24 Yoann:24 Yongjae:24 Yoshiko:24 Youngki:24 Yu-Ming:24 Yuantao:24
Yufan:24 Yukui:24 Yunhang:24 Yuu:24 Zaiping:24 Zeping:24 Zhaowei:24 Zhengjun:24 Zhewei:24 Zhile:24
Zhongjin:24 Zhuonan:24 Zikai:24 Ziying:24 Zuohui:24
"""

_FALLBACK_INSTITUTIONS = """
AEI, Golm | Arizona State University | Boston U. | CNR-BEC-INFM | Cavendish Lab. |
Columbia University, New York | Dept. of Astronomy, Univ. of Arizona | ESO, Germany | Feza
Gursey Institute, Istanbul, Turkey | Geneva Observatory, Switzerland | Hebrew U. | ICTP
Trieste | INAF, Trieste | INFN Parma | IPPP, Durham U. | Institute of Astronomy, Cambridge
| Johns Hopkins University | Kyushu Univ. | LNF INFN | Lebedev Physics Institute | MPI
Physik | McGill | NASA GSFC | Nankai U. | Obs. of Carnegie Inst. of Washington | Osserv.
Astr. di Brera | Penn State University | RWTH Aachen | SNU Korea | Seoul Nat'l Univ. |
Stanford | TPTP Naresuan U. | Tokyo Institute of Technology | U. Simon Bolivar | UC Santa
Cruz | Univ. Heidelberg, Heidelberg, Germany | Univ. of Oxford | Universitaet Bayreuth |
University of Canterbury, New Zealand | University of Leicester
"""

_FALLBACK_VOCABULARY = """
the of and to in is for with that We on The are we by as an from this be at which In can model
show have This our also results between two these models or using has it such not quantum data
present new field study than their its energy different both been method one Our find based
large into more all where mass only first system approach magnetic but used propose theory paper
number function image It some over when order use well high time properties other phase state
density structure methods observed analysis For may space distribution To systems performance
found through proposed due case learning obtained demonstrate problem training each any while
general set most states then information shown if local potential novel simple finite terms
emission effective spin These was within very three given will low single diffusion they under
result there same via temperature network small range point complex how recent introduce various
X-ray strong effect several discuss possible images provide effects without optical framework
group solutions form about linear parameters black star equation previous consider work
functions generation experiments existing equations experimental including source transition
stars evolution out state-of-the-art up dynamics code test surface observations compared current
many On investigate process interaction features rate associated random no corresponding were
formation language fields consistent solution limit give prove standard known As available type
spectrum critical spectral galaxies obtain algorithm classical those neural significant even
class parameter light representation similar Using further scale important multiple generated
allows gas matter gauge networks lattice significantly numerical velocity during higher sample
stellar conditions line values physical presence region value related derived video dark
coupling motion cluster scattering real An power behavior certain correlation wave measurements
constant describe generate electron theoretical main object size detection symmetry could decay
tasks provides across galaxy dependence shows lower dynamical around do objects By cosmological
spectra spatial derive studied simulations Models second natural hole flow better feature visual
domain initial boundary us control along them applied matrix total recently deep input
probability particles representations particle does particular larger approaches existence
sources efficient human mechanism leads massive frequency action resulting regions flux much
scalar disk bound good text vector being near relation measured long Model measure molecular
radio interactions attention construct determine thus distributions binary quality production
gravitational distance arbitrary central global momentum accuracy either ratio factor so
agreement few whose clusters thermal generalized datasets achieves additional compact graph
address task free level achieve dataset knowledge specific improve applications noise often
defined Large generative transfer scaling differential Quantum extended direct weak geometry
techniques accretion respect independent target structures nonlinear charge et close length
strongly Diffusion less dimensional background key description fundamental evidence positive
studies part points scheme search understanding role above still future design complete semantic
described constraints way masses like should made technique processes dynamic symmetric problems
Learning exact open condition relative mean loss perform expected calculations dimension called
four Gaussian coupled leading suggest neutrino estimate compute fixed report compare degree
invariant polarization outperforms full explicit among best make zero determined approximation
radiation wide external transport learn average sequence trained considered latent entropy
highly quark analyze apply continuous string nuclear dust component luminosity computational
relativistic algebra generating stable calculate presented context measurement account operators
fraction While growth research variety modeling stability induced previously means operator
pre-trained metric With statistical directly after detailed Neural At gives original cases
series expansion error able Transformer introduced change Here cosmic Language entanglement
would resolution modes reconstruction spaces shape absorption Higgs large-scale increasing
groups upper application detected developed theories physics angular classification gravity
limited generalization produce develop proof
"""

FALLBACK_PROFILE = Profile(
    origin="built-in fallback (constants fitted from the arXiv sample)",
    authors_per_paper=_int_pairs(_FALLBACK_AUTHORS_PER_PAPER),
    categories_per_paper=_int_pairs(_FALLBACK_CATEGORIES_PER_PAPER),
    title_words=_int_pairs(_FALLBACK_TITLE_WORDS),
    abstract_words=_int_pairs(_FALLBACK_ABSTRACT_WORDS),
    years=_int_pairs(_FALLBACK_YEARS),
    versions_per_paper=_int_pairs(_FALLBACK_VERSIONS_PER_PAPER),
    primary_categories=_str_pairs(_FALLBACK_PRIMARY),
    cross_lists=_str_pairs(_FALLBACK_CROSS),
    same_group_cross_list_share=0.779,
    version_gap_days=188.1,
    doi_share=0.531,
    journal_ref_share=0.45,
    comments_share=0.823,
    license_share=0.057,
    affiliation_share=0.107,
    initials_share=0.343,
    accent_share=0.016,
    collaboration_share=0.0096,
    reuse_exponent=0.6,
    reuse_offset=0.0,
    pool_per_slot=4.5036,
    surnames=_str_pairs(_FALLBACK_SURNAMES),
    novel_surname_share=0.448,
    common_surname_share=0.086,
    forenames=_str_pairs(_FALLBACK_FORENAMES),
    institutions=tuple(" ".join(i.split()) for i in _FALLBACK_INSTITUTIONS.split("|")),
    vocabulary=tuple(_FALLBACK_VOCABULARY.split()),
)


if __name__ == "__main__":
    sys.exit(main())
