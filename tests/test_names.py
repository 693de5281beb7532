import pytest

from loaders.names import (
    build_author,
    decode_tex,
    name_key,
    normalise_whitespace,
    parse_display_name,
    split_author_string,
)
from loaders.records import Author


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        ("Bal\\'azs", "Balázs"),
        ('{\\"o}sterreich', "österreich"),
        ('M\\"uller', "Müller"),
        ("Fran\\c{c}ois", "François"),
        ("Fran\\c cois", "François"),
        ("Dmitra\\v{s}inovi\\'c", "Dmitrašinović"),
        ("\\o rsted", "ørsted"),
        ("{\\O}rsted", "Ørsted"),
        ("Stra\\ss e", "Straße"),
        ('{\\aa}ngstr{\\"o}m', "ångström"),
        ("Ram\\'{\\i}rez", "Ramírez"),
        ("\\l{}ukasz", "łukasz"),
        ("Jos\\'e", "José"),
    ],
)
def test_decode_tex_accents(tex: str, text: str) -> None:
    assert decode_tex(tex) == text


@pytest.mark.parametrize(
    "plain",
    [
        "Csaba Balázs",
        "Russian Research Centre ``Kurchatov Institute''",
        "100% of A~B -- C",
        "{Braced} text",
        "$\\alpha$-decay",  # math is not an accent: left alone
    ],
)
def test_decode_tex_leaves_other_text_alone(plain: str) -> None:
    assert decode_tex(plain) == plain


def test_normalise_whitespace() -> None:
    assert (
        normalise_whitespace("  Calculation of\n  LHC energies \t") == "Calculation of LHC energies"
    )


def _names(authors: list[Author]) -> list[str]:
    return [a.name for a in authors]


def test_split_simple_list_with_tex() -> None:
    authors = split_author_string("C. Bal\\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan")
    assert _names(authors) == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]
    assert [a.keyname for a in authors] == ["Balázs", "Berger", "Nadolsky", "Yuan"]
    assert authors[3].forenames == "C.-P."


def test_split_and_separators() -> None:
    assert _names(split_author_string("Ileana Streinu and Louis Theran")) == [
        "Ileana Streinu",
        "Louis Theran",
    ]
    assert _names(split_author_string("D.V. Shetty, S.J. Yennello, and G.A. Souliotis")) == [
        "D. V. Shetty",
        "S. J. Yennello",
        "G. A. Souliotis",
    ]


def test_split_numbered_affiliations() -> None:
    raw = (
        "A. S. Mishchenko (1 and 2) and N. Nagaosa (1 and 3) ((1) CREST, Japan\n"
        "  Science and Technology Agency, (2) Russian Research Centre ``Kurchatov\n"
        "  Institute'', (3) The University of Tokyo)"
    )
    first, second = split_author_string(raw)
    assert first.affiliations == (
        "CREST, Japan Science and Technology Agency",
        "Russian Research Centre ``Kurchatov Institute''",
    )
    assert second.affiliations == (
        "CREST, Japan Science and Technology Agency",
        "The University of Tokyo",
    )


def test_split_plain_affiliations_apply_back_to_preceding_authors() -> None:
    raw = "A. A. Schekochihin (Oxford), S. C. Cowley (Culham), W. Dorland\n  (Maryland)"
    assert [a.affiliations for a in split_author_string(raw)] == [
        ("Oxford",),
        ("Culham",),
        ("Maryland",),
    ]
    shared = split_author_string("Xiaolin Li, Li Zhang and Hongjie Dai (Stanford University.)")
    assert [a.affiliations for a in shared] == [("Stanford University.",)] * 3
    assert split_author_string("V. M. Biryukov (Serpukhov, IHEP)")[0].affiliations == (
        "Serpukhov, IHEP",
    )


def test_split_drops_et_al_and_detects_collaborations() -> None:
    babar = split_author_string("The BABAR Collaboration, B. Aubert, et al")
    assert _names(babar) == ["The BABAR Collaboration", "B. Aubert"]
    assert babar[0].is_collaboration and babar[0].keyname == "The BABAR Collaboration"
    assert not babar[1].is_collaboration
    assert _names(split_author_string("CLEO Collaboration: T. K. Pedlar, et al")) == [
        "CLEO Collaboration",
        "T. K. Pedlar",
    ]
    belle = split_author_string("L.M. Zhang, et al (for the Belle Collaboration)")
    assert _names(belle) == ["L. M. Zhang", "The Belle Collaboration"]
    phobos = split_author_string("B.Alver, et al, the PHOBOS Collaboration")
    assert _names(phobos) == ["B. Alver", "The PHOBOS Collaboration"]
    cdf = split_author_string("A. Abulencia et al. (CDF Collaboration)")
    assert _names(cdf) == ["A. Abulencia"]


def test_split_suffixes() -> None:
    authors = split_author_string("Robert W. Heath Jr., Neal J. Evans II and John Smith, Jr.")
    assert [(a.keyname, a.suffix) for a in authors] == [
        ("Heath", "Jr"),
        ("Evans", "II"),
        ("Smith", "Jr"),
    ]
    assert authors[0].name == "Robert W. Heath Jr"


def test_split_particles_join_the_keyname() -> None:
    authors = split_author_string("M. De Napoli, A. van der Berg")
    assert [a.keyname for a in authors] == ["De Napoli", "van der Berg"]


def test_build_author_repairs_source_quirks() -> None:
    heath = build_author("Heath,", "Robert W.", "Jr")
    assert heath is not None and heath.keyname == "Heath" and heath.name == "Robert W. Heath Jr"
    et_al = build_author("al.", "A. Abulencia et", "", ["CDF Collaboration"])
    assert et_al is not None and et_al.name == "A. Abulencia"
    assert et_al.affiliations == ("CDF Collaboration",)
    belle = build_author("Collaboration", "for the Belle")
    assert belle is not None and belle.is_collaboration and belle.name == "The Belle Collaboration"
    assert build_author(":", None) is None
    yuan = build_author("Yuan", "C. -P.")
    assert yuan is not None and yuan.name == "C.-P. Yuan"
    sudha = build_author("Sudha", None)
    assert sudha is not None and sudha.forenames is None and sudha.name == "Sudha"
    accent = build_author("c", "V. Dmitra\\v{s}inovi\\'")
    assert accent is not None and accent.keyname == "Dmitrašinović"


def test_parse_display_name() -> None:
    author = parse_display_name("Adrian Del Maestro", ["UBC"])
    assert author == Author("Adrian Del Maestro", "Del Maestro", "Adrian", None, ("UBC",), False)
    assert parse_display_name("Madonna") == Author("Madonna", "Madonna", None, None, (), False)
    assert parse_display_name("  ") is None


def test_name_key_blocks_spelling_variants() -> None:
    a = parse_display_name("C. Balázs")
    b = parse_display_name("Csaba Bal\\'azs")
    c = parse_display_name("Ole Ørsted-Hansen")
    assert a is not None and b is not None and c is not None
    assert name_key(a) == name_key(b) == ("balazs", "c")
    assert name_key(c) == ("orstedhansen", "o")
    one = split_author_string("The BABAR Collaboration")[0]
    two = split_author_string("BABAR Collaboration")[0]
    assert name_key(one) == name_key(two) == ("babarcollaboration", "")
