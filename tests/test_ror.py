"""ROR mail domains: the sample's ROR records (read in place) link institutions by ROR id or
normalised name and give them mail domains, and a claim is then proved by a mail at one."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from neo4j import Driver

from graphdb.claims import SET_INSTITUTION_DOMAINS
from loaders.ror import parse_organisation, read_ror_files, ror_records, unambiguous
from scholargraph.settings import Settings
from tests.accounts_api import Api, data, gql, kaggle, make_admin, outbox_mails, sign_up
from tests.accounts_api import api as api  # re-exported fixture
from tests.loading import cli, load_files
from tests.test_claims import REQUEST, VERIFY, claim

MONASH = "https://ror.org/02bfwt286"
WOLLONGONG = "https://ror.org/00jtmb277"


def ror_dir(arxiv_data_dir: Path) -> Path:
    return arxiv_data_dir / "institutions_ror_api"


def test_ror_records_of_the_sample(arxiv_data_dir: Path) -> None:
    organisations = {o.ror_id: o for o in read_ror_files([ror_dir(arxiv_data_dir)])}
    assert len(organisations) == 21  # 20 searched + 1 retrieved; the pairs file has none
    monash = organisations[MONASH]
    assert (monash.name, monash.domains, monash.status) == (
        "Monash University",
        ("monash.edu",),
        "active",
    )
    uow = organisations[WOLLONGONG]
    assert uow.name_keys == ("university of wollongong", "wollongong university")
    assert uow.acronyms == ("UOW",) and uow.domains == ("uow.edu.au",)
    # Every organisation of the sample yields a mail domain from its website.
    assert all(o.domains for o in organisations.values())


def test_record_shapes_and_ambiguous_names() -> None:
    record: dict[str, object] = {
        "id": "https://ror.org/000000001",
        "names": [
            {"value": "Univ. of Somewhere", "types": ["ror_display", "label"]},
            {"value": "Somewhere University", "types": ["alias"]},
            {"value": "US", "types": ["acronym"]},
        ],
        "domains": ["Somewhere.EDU", "not a domain"],
        "links": [{"type": "website", "value": "https://www.cs.somewhere.edu/home"}],
    }
    twin: dict[str, object] = {
        **record,
        "id": "https://ror.org/000000002",
        "domains": [],
        "links": [],
    }
    twin["names"] = [{"value": "Somewhere University", "types": ["ror_display"]}]
    assert ror_records([record]) == [record]
    assert ror_records(record) == [record]
    assert ror_records({"hits": {"hits": [{"_source": record}]}}) == [record]
    assert ror_records([{"affiliation": "x", "ror_ids": ["y"]}]) == []
    parsed = parse_organisation(record)
    assert parsed is not None
    assert parsed.name_keys == ("university of somewhere", "somewhere university")
    assert parsed.domains == ("somewhere.edu", "cs.somewhere.edu")
    assert parsed.acronyms == ("US",)
    twin_parsed = parse_organisation(twin)
    assert twin_parsed is not None
    # A name two organisations share picks neither.
    first, second = unambiguous([parsed, twin_parsed])
    assert first.name_keys == ("university of somewhere",)
    assert second.name_keys == ()


def test_load_ror_links_institutions_by_name(
    arxiv_data_dir: Path,
    clean_graph: Driver,
    settings: Settings,
    cli_env: dict[str, str],
    tmp_path: Path,
) -> None:
    source = tmp_path / "papers.jsonl"
    source.write_text(
        kaggle(
            "2101.00001",
            [
                ("Lovelace", "Ada", "Monash Univ."),
                ("Hopper", "Grace", "Wollongong University"),
                ("Turing", "Alan", "Bletchley Park"),
            ],
            2020,
        )
        + "\n"
    )
    # Loaded without the ROR folder, so no institution is linked at ingestion.
    load_files(clean_graph, replace(settings, data_dir=tmp_path), [source], tmp_path / "q.jsonl")
    clean_graph.execute_query(
        "MATCH (i:Institution {nameKey: 'monash university'}) SET i.domains = ['med.monash.edu']"
    )
    result = cli(["load", "ror", str(ror_dir(arxiv_data_dir))], cli_env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "institutions linked" in result.stdout + result.stderr

    def institutions() -> dict[str, tuple[str | None, list[str] | None]]:
        records = clean_graph.execute_query(
            "MATCH (i:Institution) RETURN i.nameKey AS key, i.rorId AS ror, i.domains AS domains"
        ).records
        return {r["key"]: (r["ror"], r["domains"]) for r in records}

    linked = institutions()
    assert linked == {
        "monash university": (MONASH, ["med.monash.edu", "monash.edu"]),  # admin's kept
        "wollongong university": (WOLLONGONG, ["uow.edu.au"]),
        "bletchley park": (None, None),
    }
    again = cli(["load", "ror"], cli_env)  # idempotent; the data dir's ROR folder by default
    assert again.returncode == 0, again.stderr + again.stdout
    assert institutions() == linked

    # A later ROR release moves Monash to another domain: the one ROR added goes, the
    # administrator's stays, and the new one comes.
    release = tmp_path / "ror-next.json"
    monash_next = {
        "id": MONASH,
        "names": [{"value": "Monash University", "types": ["ror_display", "label"]}],
        "domains": ["monash.edu.au"],
        "links": [],
    }
    release.write_text(json.dumps([monash_next]))
    moved = cli(["load", "ror", str(release)], cli_env)
    assert moved.returncode == 0, moved.stderr + moved.stdout
    assert institutions()["monash university"] == (MONASH, ["med.monash.edu", "monash.edu.au"])
    assert "no longer lists, removed" in moved.stdout + moved.stderr

    # An administrator's list (setInstitutionDomains) is theirs: ROR never removes from it.
    [monash_id] = clean_graph.execute_query(
        "MATCH (i:Institution {rorId: $ror}) RETURN i.id AS id", ror=MONASH
    ).records
    clean_graph.execute_query(
        SET_INSTITUTION_DOMAINS, institutionId=monash_id["id"], domains=["monash.edu.au"]
    )
    release.write_text(json.dumps([{**monash_next, "domains": ["monash.edu"]}]))
    assert cli(["load", "ror", str(release)], cli_env).returncode == 0
    assert institutions()["monash university"] == (MONASH, ["monash.edu.au", "monash.edu"])

    missing = cli(["load", "ror", str(tmp_path / "nope")], cli_env)
    assert missing.returncode == 1 and "no such file" in missing.stdout + missing.stderr


def test_a_claim_proved_at_a_ror_mail_domain(
    api: Api,
    arxiv_data_dir: Path,
    clean_graph: Driver,
    settings: Settings,
    cli_env: dict[str, str],
    tmp_path: Path,
) -> None:
    source = tmp_path / "papers.jsonl"
    source.write_text(
        "\n".join(
            kaggle(f"2101.{i:05d}", [("Lovelace", "Ada", "Monash University")], 2015 + i)
            for i in range(3)
        )
        + "\n"
    )
    load_files(clean_graph, settings, [source], tmp_path / "q.jsonl")  # ROR id at ingestion
    [ada] = clean_graph.execute_query(
        "MATCH (r:Researcher)-[:AFFILIATED_WITH]->(i:Institution {rorId: $ror}) "
        "RETURN r.id AS id, i.domains AS domains",
        ror=MONASH,
    ).records
    assert ada["domains"] is None
    user, _ = sign_up(api, "Ada"), make_admin(api)
    claim_id = claim(api, user, f"Researcher:{ada['id']}")["claim"]["id"]
    before = gql(api, REQUEST, user.token, id=claim_id, email="ada.lovelace@monash.edu")
    assert before["data"]["requestClaimVerification"]["code"] == "EMAIL_NOT_LINKED"

    result = cli(["load", "ror", str(ror_dir(arxiv_data_dir))], cli_env)
    assert result.returncode == 0, result.stderr + result.stdout
    sent = data(gql(api, REQUEST, user.token, id=claim_id, email="ada.lovelace@monash.edu"))
    assert sent["requestClaimVerification"]["linkedVia"] == "Monash University"
    [mail] = [m for m in outbox_mails(api) if m["data"]["claimId"] == claim_id]
    verified = data(gql(api, VERIFY, user.token, id=claim_id, token=mail["data"]["token"]))
    assert verified["verifyClaimEmail"]["claim"]["status"] == "APPROVED"
    assert verified["verifyClaimEmail"]["claim"]["method"] == "EMAIL"
