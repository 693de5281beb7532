from pathlib import Path

import pytest

from loaders.affiliations import RorIndex, RorMatch, institution_key, normalise_institution_name


def test_normalise_institution_name() -> None:
    assert normalise_institution_name("  Stanford\n  Univ.,") == "Stanford University"
    assert normalise_institution_name("Dept. of Physics, Univ. Paris 7.") == (
        "Department of Physics, University Paris 7"
    )
    assert normalise_institution_name("Universit\\`a di Roma") == "Università di Roma"


def test_institution_key() -> None:
    assert (
        institution_key("Stanford Univ.")
        == institution_key("stanford university")
        == "stanford university"
    )
    assert institution_key("Università di Roma") == "universita di roma"
    assert institution_key("A &#x0026; B") == institution_key("A & B") == "a and b"


@pytest.mark.sample
def test_ror_index_exact_matching(arxiv_data_dir: Path) -> None:
    index = RorIndex.load(arxiv_data_dir / "institutions_ror_api")
    assert index.match("Monash University") == RorMatch(
        "https://ror.org/02bfwt286", "Monash University"
    )
    assert index.match("monash university.") == RorMatch(
        "https://ror.org/02bfwt286", "Monash University"
    )
    assert index.match("Toyohashi Univ. of Tech.") == RorMatch(
        "https://ror.org/04ezg6d83", "Toyohashi University of Tech"
    )
    assert index.match("North China University of Water Resources and Electric Power") is not None
    assert index.match("Monash") is None  # no fuzzy guessing
    assert index.match("UQ") is None  # acronyms are too ambiguous to index
