import pytest

from loaders.identifiers import InvalidArxivIdError, normalise_arxiv_id, split_dois


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0704.0001", ("0704.0001", None)),
        ("2104.12255v1", ("2104.12255", 1)),
        ("hep-th/9901001", ("hep-th/9901001", None)),
        ("hep-th/9901001v2", ("hep-th/9901001", 2)),
        ("oai:arXiv.org:0704.0001", ("0704.0001", None)),
        ("oai:arXiv.org:quant-ph/0506115", ("quant-ph/0506115", None)),
        ("http://arxiv.org/abs/2202.12139v1", ("2202.12139", 1)),
        ("https://arxiv.org/pdf/2104.12255v3.pdf", ("2104.12255", 3)),
        ("arXiv:2104.12255", ("2104.12255", None)),
        ("math.GT/0309136", ("math/0309136", None)),
        (" 0704.0001\n", ("0704.0001", None)),
    ],
)
def test_normalise_arxiv_id(raw: str, expected: tuple[str, int | None]) -> None:
    assert normalise_arxiv_id(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "0704", "0713.0001", "0808.05394", "1501.0001", "hep-th/990100", "HEP-TH/9901001", "x"],
)
def test_invalid_ids_raise_with_the_value(raw: str) -> None:
    with pytest.raises(InvalidArxivIdError, match="invalid arXiv id"):
        normalise_arxiv_id(raw)


def test_invalid_id_error_is_a_value_error() -> None:
    assert issubclass(InvalidArxivIdError, ValueError)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ()),
        ("", ()),
        ("10.1103/PhysRevD.76.013009", ("10.1103/PhysRevD.76.013009",)),
        (
            "10.1103/PhysRevC.76.024606 10.1103/PhysRevC.76.039902",
            ("10.1103/PhysRevC.76.024606", "10.1103/PhysRevC.76.039902"),
        ),
        ("10.1/a, 10.2/b;10.3/c", ("10.1/a", "10.2/b", "10.3/c")),
        ("doi:10.1/a https://doi.org/10.1/a", ("10.1/a",)),
        ("and 10.1/a", ("10.1/a",)),
    ],
)
def test_split_dois(raw: str | None, expected: tuple[str, ...]) -> None:
    assert split_dois(raw) == expected
