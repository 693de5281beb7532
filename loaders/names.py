"""Author names: TeX decoding, splitting raw author strings, and keys for identity blocking.

Splitting follows arXiv's own convention (the one behind the OAI `arXiv` format), so the
Kaggle `authors` strings and the OAI author elements yield the same authors:
"A (X), B and C (Y)" gives A→X, B→Y, C→Y because an affiliation applies back to the
preceding authors that have none; "A (1,2), B (2) ((1) X, (2) Y)" resolves the numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

from loaders.records import Author

# Only these TeX fragments are decoded; running latex2text over whole strings would also
# rewrite "%", "~", "--" and ``quotes'', which are ordinary text in names and affiliations.
_TEX_FRAGMENT = re.compile(
    r"""
      \{\\[^{}]*\}                                    # {\"o}  {\aa}  {\'E}
    | \\[`'^"~=.]\ ?(?:\{[^{}]*\}|\\?[A-Za-z])         # \'a  \'{e}  \"{\i}  \'\i
    | \\[cvuHkrdbt](?:\{[^{}]*\}|\ [A-Za-z])          # \c{c}  \v{s}  \c c
    | \\(?:ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i|j)(?![A-Za-z])(?:\{\}|\ )?   # \ss  \o  \l{}
    """,
    re.VERBOSE,
)
_LATEX = LatexNodes2Text()
_COLLECTIVE_WORD = re.compile(r"\b(?:collaborations?|consortium|group|team)\b", re.IGNORECASE)
_COLLABORATION = re.compile(
    _COLLECTIVE_WORD.pattern + r"|^(?:for|on behalf of) the\b", re.IGNORECASE
)
# A TeX accent cut off from its letter by a bad split: "Dmitrašinovi\'" + "c".
_DANGLING_ACCENT = re.compile(r"\\[`'^\"~=.]$")
_LEADING_FOR = re.compile(r"^(?:for|on behalf of)\s+", re.IGNORECASE)
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_SUFFIXES = {"jr": "Jr", "sr": "Sr", "ii": "II", "iii": "III", "iv": "IV"}
# Surname particles, as in arXiv's own author parser (matched case-insensitively).
_PARTICLES = frozenset(
    {"van", "der", "de", "la", "von", "del", "della", "da", "mac", "ter", "dem", "di"}
)
_ET_AL = re.compile(r"(?:^|[\s,]+)et\.?\s*al\.?$", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:,|;|:|&|\band\b)\s*")
_NUMBER_REFS = re.compile(r"\d+(?:\s*(?:,|and|&)\s*\d+)*")
_NUMBERED_BLOCK = re.compile(r"^\s*\(\d+\)")
_FOLD = str.maketrans(
    {"ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "ı": "i"}
)  # fmt: skip


def normalise_whitespace(text: str) -> str:
    """Collapse line breaks, indentation and runs of spaces to single spaces; strip."""
    return " ".join(text.split())


def decode_tex(text: str) -> str:
    """Turn TeX accents into Unicode ("Bal\\'azs" → "Balázs"), leaving other text alone."""
    if "\\" not in text:
        return text
    return _TEX_FRAGMENT.sub(lambda match: _decode_fragment(match.group(0)), text)


@lru_cache(maxsize=4096)
def _decode_fragment(fragment: str) -> str:
    # The same few hundred accent fragments recur across millions of names.
    return str(_LATEX.latex_to_text(fragment))


def ascii_fold(text: str) -> str:
    """Strip accents and map letters NFKD cannot decompose (ø, ß, ł …) to ASCII."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def is_collaboration_name(text: str) -> bool:
    return _COLLABORATION.search(text) is not None


def name_key(author: Author) -> tuple[str, str]:
    """(folded keyname, first forename initial) — a blocking key, not an identity proof."""
    if author.is_collaboration:
        return _fold_key(_LEADING_THE.sub("", author.name)), ""
    initial = next((c for c in ascii_fold(author.forenames or "").lower() if c.isalnum()), "")
    return _fold_key(author.keyname), initial


def _fold_key(text: str) -> str:
    return "".join(c for c in ascii_fold(text).lower() if c.isalnum())


def build_author(
    keyname: str | None,
    forenames: str | None,
    suffix: str | None = None,
    affiliations: Sequence[str] = (),
) -> Author | None:
    """Make an `Author` from structured parts (OAI elements, Kaggle `authors_parsed`).

    Repairs what the sources get wrong: TeX accents, stray commas ("Heath,"), an "et al"
    parsed as a name ("A. Abulencia et" + "al."), collaborations split into forenames and
    keyname ("for the Belle" + "Collaboration"). Returns None when nothing name-like is left.
    """
    if forenames and keyname and _DANGLING_ACCENT.search(forenames.rstrip()):
        return parse_display_name(forenames.rstrip() + keyname.strip(), affiliations)
    key = _clean_part(keyname)
    fore = _clean_part(forenames)
    if not any(c.isalnum() for c in key + fore):
        # OAI pages contain authors named ":", "-" or "." left over from bad splits.
        return None
    affils = _clean_affiliations(affiliations)
    if key.lower().rstrip(".") == "al" and (fore.lower() == "et" or fore.lower().endswith(" et")):
        return parse_display_name(fore[:-2], affils)
    if not key:
        return parse_display_name(fore, affils) if fore else None
    full = f"{fore} {key}".strip()
    if is_collaboration_name(full):
        return _collaboration(full)
    suffix_text = _SUFFIXES.get(_clean_part(suffix).lower().rstrip("."))
    return _person(key, _normalise_forenames(fore) or None, suffix_text, affils)


def parse_display_name(text: str, affiliations: Sequence[str] = ()) -> Author | None:
    """Split "Forenames Keyname Suffix" (Atom, dmarx, raw strings) into an `Author`."""
    cleaned = _ET_AL.sub("", normalise_whitespace(decode_tex(text))).strip(" ,;")
    if not cleaned:
        return None
    if is_collaboration_name(cleaned):
        return _collaboration(cleaned)
    affiliations = _clean_affiliations(affiliations)
    main, _, after_comma = cleaned.partition(",")
    tokens = re.sub(r"\.(?=[A-Z])", ". ", main).split()
    suffix = _SUFFIXES.get(after_comma.strip().lower().rstrip("."))
    if suffix is None and len(tokens) > 1:
        suffix = _SUFFIXES.get(tokens[-1].lower().rstrip("."))
        if suffix is not None:
            tokens.pop()
    if not tokens:
        return None
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower() in _PARTICLES:
        start -= 1
    keyname = " ".join(tokens[start:])
    forenames = " ".join(tokens[:start]) or None
    return _person(keyname, _normalise_forenames(forenames or "") or None, suffix, affiliations)


def _person(
    keyname: str, forenames: str | None, suffix: str | None, affiliations: Sequence[str]
) -> Author:
    name = " ".join(part for part in (forenames, keyname, suffix) if part)
    return Author(name, keyname, forenames, suffix, tuple(affiliations), False)


def _collaboration(text: str) -> Author:
    name = _LEADING_FOR.sub("", text)
    name = _LEADING_THE.sub("The ", name)
    if _COLLECTIVE_WORD.search(name) is None:
        # "for the CDF" split off "for the CDF and D0 Collaborations".
        name = f"{name} Collaboration"
    return Author(name, name, None, None, (), True)


def _clean_part(text: str | None) -> str:
    return normalise_whitespace(decode_tex(text)).strip(" ,;") if text else ""


def _clean_affiliations(affiliations: Sequence[str]) -> tuple[str, ...]:
    if not affiliations:
        # Most authors have none: this is called for every author, twice for Kaggle lines.
        return ()
    cleaned = (normalise_whitespace(decode_tex(a)) for a in affiliations)
    return tuple(dict.fromkeys(a for a in cleaned if a))


def _normalise_forenames(forenames: str) -> str:
    # "D.V." → "D. V." and "C. -P." → "C.-P." so both sources spell initials alike.
    spaced = re.sub(r"\.(?=[A-Z])", ". ", forenames)
    return re.sub(r"\.\s+-", ".-", spaced)


@dataclass(slots=True)
class _Piece:
    name: str = ""
    groups: list[str] = field(default_factory=list)


def split_author_string(text: str) -> list[Author]:
    """Split a raw arXiv author string ("A, B (X) and C") into authors with affiliations."""
    pieces, numbered = _tokenise(normalise_whitespace(decode_tex(text)))
    authors: list[Author] = []
    for piece in pieces:
        affiliations = _piece_affiliations(piece.groups, numbered)
        suffix = _SUFFIXES.get(piece.name.strip().lower().rstrip("."))
        if suffix is not None and authors and not authors[-1].is_collaboration:
            previous = authors[-1]
            authors[-1] = _person(
                previous.keyname, previous.forenames, suffix, previous.affiliations + affiliations
            )
            continue
        author = parse_display_name(piece.name, affiliations)
        if author is None:
            # "et al (for the Belle Collaboration)": the bracket names a co-author.
            author = next(
                (_collaboration(g) for g in piece.groups if is_collaboration_name(g)), None
            )
        if author is not None:
            authors.append(author)
    return _back_propagate(authors)


def _tokenise(text: str) -> tuple[list[_Piece], dict[str, str]]:
    pieces = [_Piece()]
    numbered: dict[str, str] = {}
    depth, start, chunk_start = 0, 0, 0
    for index, char in enumerate(text):
        if char == "(":
            if depth == 0:
                _add_text(pieces, text[chunk_start:index])
                start = index + 1
            depth += 1
        elif char == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                group = text[start:index].strip()
                if _NUMBERED_BLOCK.match(group):
                    numbered.update(_numbered_affiliations(group))
                elif group:
                    pieces[-1].groups.append(group)
                chunk_start = index + 1
    # An unbalanced "(" swallows the rest; keep it as text rather than losing authors.
    _add_text(pieces, text[chunk_start:] if depth == 0 else text[chunk_start:].replace("(", " "))
    return [p for p in pieces if p.name.strip() or p.groups], numbered


def _add_text(pieces: list[_Piece], chunk: str) -> None:
    parts = _SEPARATOR.split(chunk)
    pieces[-1].name += parts[0]
    pieces.extend(_Piece(name=part) for part in parts[1:])


def _numbered_affiliations(block: str) -> dict[str, str]:
    parts = re.split(r"\((\d+)\)", block)
    found: dict[str, str] = {}
    for number, body in zip(parts[1::2], parts[2::2], strict=True):
        cleaned = re.sub(r"\s*(?:,|;|\band)\s*$", "", body.strip())
        if cleaned:
            found[number] = cleaned
    return found


def _piece_affiliations(groups: list[str], numbered: dict[str, str]) -> tuple[str, ...]:
    affiliations: list[str] = []
    for group in groups:
        if _NUMBER_REFS.fullmatch(group):
            affiliations.extend(numbered[n] for n in re.findall(r"\d+", group) if n in numbered)
        else:
            affiliations.append(group)
    return tuple(dict.fromkeys(affiliations))


def _back_propagate(authors: list[Author]) -> list[Author]:
    # arXiv convention: "A, B (X)" means both A and B are at X.
    last: tuple[str, ...] = ()
    result: list[Author] = []
    for author in reversed(authors):
        if author.is_collaboration:
            pass
        elif author.affiliations:
            last = author.affiliations
        elif last:
            author = _person(author.keyname, author.forenames, author.suffix, last)
        result.append(author)
    result.reverse()
    return result
