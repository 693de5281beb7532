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
    surnames: tuple[str, ...]
    forenames: tuple[str, ...]
    institutions: tuple[str, ...]
    vocabulary: tuple[str, ...]


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
    slots_per_field, surnames, forenames = Counter[str](), Counter[str](), Counter[str]()
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
            if _NAME.match(author.keyname):
                surnames[author.keyname] += 1
            if _NAME.match(first) and len(first) > 2:
                forenames[first] += 1
        words.update(w for w in (record.title + " " + record.abstract).split() if _WORD.match(w))
    s, q, ratio = fit_reuse(Counter(papers_per_id.values()), slots_per_field, len(records))
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
        surnames=tuple(sorted(surnames)),
        forenames=tuple(sorted(forenames)),
        institutions=tuple(sorted(institutions)),
        vocabulary=tuple(w for w, _ in words.most_common(4000)),
    )


def _histogram(counter: Counter[int]) -> Histogram:
    return tuple(sorted(counter.items()))


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

    def __init__(self, items: Sequence[tuple[object, int]]) -> None:
        self.values = [value for value, _ in items]
        cumulative: list[int] = []
        total = 0
        for _, weight in items:
            total += weight
            cumulative.append(total)
        self.cumulative = cumulative
        self.total = total

    def draw(self, rng: random.Random) -> object:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True, slots=True)
class _PoolAuthor:
    keyname_tex: str  # as the raw `authors` string writes it
    keyname: str  # decoded, as `authors_parsed` writes it
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
        surnames = self.profile.surnames
        # (base, variant) is a bijection of the rank: two pool authors never share a surname.
        salt = sum(map(ord, research_field)) * 7919
        base = surnames[(rank + salt) % len(surnames)]
        variant = rank // len(surnames)
        surname = base + (self._syllables(research_field, variant, 1) if variant else "")
        tex, plain = surname, surname
        if (h % 1000) / 1000 < self.profile.accent_share:
            for i, char in enumerate(surname):
                if char in _ACCENTS:
                    tex = surname[:i] + _ACCENTS[char][0] + surname[i + 1 :]
                    plain = surname[:i] + _ACCENTS[char][1] + surname[i + 1 :]
                    break
        forename = self.profile.forenames[(h >> 10) % len(self.profile.forenames)]
        middle = chr(ord("A") + (h >> 30) % 26) if (h >> 20) % 10 < 3 else None
        institutions = self.profile.institutions
        institution = (
            institutions[self._institution_law.rank(((h >> 40) % 100_003) / 100_003) - 1]
            if institutions
            else None
        )
        return _PoolAuthor(tex, plain, forename, middle, institution)

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
# categories, every k-th name or word).

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
Aalto Abrosimov Advani Aichelburg Akrap Alesiani Altarazi Ampleford Anfossi Aoki Argo Arthur
Athanassoulis Awaki Badger Bak Balloccu Baraniuk Barrat Bass Baumgaertel Beckwith Bellekens
Benguria Bergweiler Bertoin Bhattacharjee Bilias Biviano Blind Bodyfelt Bolozdynya
Borcea-Pfitzmann Botella Bowe Brantut Brindza Brownell Bucci Bunichev Butko Caire Campos
Carbotte Cartin Catani Cernicharo Channuie Chelkowski Chiefari Chrien Cimasoni Climente Coley
Conroy Corring Cox Csabai Cvetic Damer Datsko Degirmenci Deminov Destexhe Dicus Ditty Doll
Doucet-Beaupre Drozdov Duine Dutordoir Eckstein Ejjeh Elsworth Ercan Espinoza Fabrizio Faraoni
Fedorov Feroz Filippenko Flamini Fontani Fournier Fregeau Frye Furukawa Galanakis Gamsa Garilli
Gazeas Georgescu Ghavami Gidaris Girard Glozman Goldberg Gonzalez-Riestra Gottlieb Grandhi
Greiter Grove Guelin Gunter Habart Haj-Ali Hammoudeh Harmand Hastings Hayes Heitmann Hensler
Hesselink Hill Hnia Holme Horodecki Hruby Hurder Ibrahim Immink Isailovic Iwanari Jaini Jauho
Jhamtani Jonker Kaaniche Kalai Kammel Kapteyn Kartashov Kaupuzs Keitel Keski-Vakkuri Khochfar
Kimmel Kiuchi Klimenko Koch Kokku Kontani Kosaka Kouvakis Krautter Krolikowski Kuhta Kuranov
Kwan Laguna Landt Lashuk Lazarov Lehoucq Leport Levison Likos Lisenfeld Logan Lotrus Lugosi
Lyakhov Mackie Mahler Makovetskii Manakul Mantile Marin Marsch Maschberger Mathur Maurya
Medicherla Melnikov Merlet Miao Mikosch Mingarelli Mitamura Moenig Momeni Monz Morita Moukouri
Mukhin Murdick Nafari Nanda Naudts Neiner Ney Nikanjam Noda Novozhilov Obraztsov Ojha Olszewski
Orefice Osterloh Ozben Palangi Paolasini Parkins Pasupat Pawellek Penarrubia Perozzi Petry Pickl
Pinzul Pleskac Polchinski Pooley Potthoff Prauzner-Bechcicki Prokhorenko Pulecka Quay Radwan Rak
Raoof Rawlings Rehermann Rennard Riazi Rimmele Rocek Roldan Rosenstein Rovenchak Ruffini
Ruthotto Saddlemyer Saint-Dizier Salti Sands Sapir Sato Sbragaglia Schekochihin Schlumprecht
Schrader Schwendner Sefusatti Senior Seybold Shang Shelikhov Shimizu Shoom Sideris Simien Site
Slepyan Soares Somiya Soubusta Spolyar Stancil Stefecka Stillinger Streuer Suganuma Suriani
Syromyatnikov Tagliaferri Talukdar Tartaglione Tejos Tesanovic Thommes Tipunin Tomasi-Gustafsson
Torok Traschen Trong Tsujii Tutis Ukawa Urzua Vakalopoulou Varea Veld Vernizzi Vijay Visinescu
Volobuev Wadsley Wapler Weidinger Werner Wiesner Winograd Wong Xu Yasuhara Yoshihashi Zach Zanon
Zenn
"""

_FALLBACK_FORENAMES = """
Aaditya Adriana Akimichi Alfons Aminul Andrivo Anne-Laure Archil Arzu Aurelien Bang Bengt
Bin-Bin Bomee Bryce Carson Changhan Cheikh Chenyan Chong-Wah Chungwei Congyue Daegene Dao-Xin
Deepak Dheera Diyi Dongyu Edgar Elias Enis Eugenia Fangcen Fenglin Frank Gabriele Gennady
Gianfranco Goutham Guenther Gustav Haiyi Hantian Haruhiko Henning Hironobu Hongjun Huaizu Hye
Ikuru Iro Jacques Jared Jelena Jiafei Jianhua Jiayan Jing-Hao Jinsung Jolien Juan-Manuel Junji
Kaican Kari Kavya Ken-Ya Kimitoshi Kouji Kuznyetsova Lauren Letizia Lijie Liping Lubos Lyudmila
Mang Mariangela Masahico Mauricio Mengru Mikami Minglun Mitchell Motohiko Myungseok Narciso
Neng-Fa Ningyu Nurten Ori Partha Peng-Shuai Pierre Prakash Qiankun Qiujie Rainer Ratbay Riccardo
Roi Rubina Ruonan Sahana Sang-Woo Satyaki Seongjin Shaker Shashank Shiding Shivam Shuchang
Shyamsunder Siran Songming Srinanda Subhra Sunghwan Szabolcs Takeru Tatsunori Thorsten Timofey
Tomoka Tshilidzi Ursula Vasudev Vishnu Wanxiang Weixuan Wenqing Wonho Xiangyu Xiaoran Xinge
Xiuyu Xumin Yangyang Yaqing Yerlan Yimin Yitang Yongjun Youngjoon Yubin Yujun Yunsu Yvonne
Zhangyang Zhengyi Zhilan
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
    surnames=tuple(_FALLBACK_SURNAMES.split()),
    forenames=tuple(_FALLBACK_FORENAMES.split()),
    institutions=tuple(" ".join(i.split()) for i in _FALLBACK_INSTITUTIONS.split("|")),
    vocabulary=tuple(_FALLBACK_VOCABULARY.split()),
)


if __name__ == "__main__":
    sys.exit(main())
