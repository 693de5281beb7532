from pathlib import Path

import pytest

from loaders.taxonomy import Category, Taxonomy, clean_categories, is_arxiv_category, load_taxonomy


@pytest.mark.parametrize(
    "code", ["hep-ph", "cs.LG", "physics.optics", "cond-mat.str-el", "cmp-lg", "q-bio.PE"]
)
def test_arxiv_codes(code: str) -> None:
    assert is_arxiv_category(code)


@pytest.mark.parametrize("code", ["I.2.7", "68T07", "14J60 (Primary)", "G.3", "", "foo.BAR", "D.2"])
def test_non_arxiv_codes(code: str) -> None:
    assert not is_arxiv_category(code)


def test_clean_categories_puts_primary_first_and_dedups() -> None:
    assert clean_categories(["cs.LG", "cs.AI", "I.2.7", "cs.LG"], "cs.AI") == ("cs.AI", "cs.LG")


def test_builtin_fallback_needs_no_files() -> None:
    taxonomy = Taxonomy.builtin_fallback()
    assert taxonomy.lookup("cond-mat.str-el") == Category(
        "cond-mat.str-el", "cond-mat.str-el", "cond-mat", "physics", "Physics", True
    )
    assert taxonomy.lookup("math.CO").group == "math"
    assert taxonomy.lookup("eess.SP").group_name == "Electrical Engineering and Systems Science"
    assert taxonomy.lookup("zz.unknown").archive == "zz"


@pytest.mark.sample
def test_load_taxonomy(arxiv_data_dir: Path) -> None:
    taxonomy = load_taxonomy(arxiv_data_dir / "taxonomy_arxiv_base")
    assert len(taxonomy) == 184
    assert taxonomy.lookup("hep-ph") == Category(
        "hep-ph", "High Energy Physics - Phenomenology", "hep-ph", "physics", "Physics", True
    )
    assert taxonomy.lookup("cs.LG").name == "Machine Learning"
    assert taxonomy.lookup("cs.LG").group_name == "Computer Science"
    assert taxonomy.lookup("q-alg").active is False
    assert taxonomy.lookup("math-ph").group == "physics"
    assert taxonomy.lookup("new.CODE").name == "new.CODE"  # unknown codes never fail
    assert taxonomy.code_for_name("Mathematics - Combinatorics") == "math.CO"
    assert taxonomy.code_for_name("Quantum Physics") == "quant-ph"
    assert taxonomy.code_for_name("No Such Subject") is None
