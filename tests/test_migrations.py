"""Migrations apply once, are recorded in the graph, and change nothing the second time."""

from __future__ import annotations

import pytest
from neo4j import Driver

from graphdb.errors import MigrationError
from graphdb.migrations import MIGRATIONS, Migration, apply_migrations, fetch_applied_migrations


def schema_snapshot(driver: Driver) -> tuple[list[str], list[str]]:
    constraints, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name"
    )
    indexes, _, _ = driver.execute_query("SHOW INDEXES YIELD name RETURN name ORDER BY name")
    return [r["name"] for r in constraints], [r["name"] for r in indexes]


def test_second_run_changes_nothing(driver: Driver) -> None:
    before = schema_snapshot(driver)
    recorded = fetch_applied_migrations(driver, "neo4j")
    assert apply_migrations(driver, "neo4j") == []
    assert schema_snapshot(driver) == before
    assert fetch_applied_migrations(driver, "neo4j") == recorded
    assert [m.version for m in recorded] == [m.version for m in MIGRATIONS]


def test_model_constraints_and_indexes_exist(driver: Driver) -> None:
    constraints, indexes = schema_snapshot(driver)
    for name in ("researcher_id", "paper_arxiv_id", "topic_code", "institution_id"):
        assert name in constraints
    for name in ("paper_text", "researcher_names", "paper_year", "researcher_name_key"):
        assert name in indexes


def test_edited_migration_is_refused(driver: Driver) -> None:
    first = MIGRATIONS[0]
    edited = Migration(first.version, first.name, (*first.statements, "RETURN 1"))
    with pytest.raises(MigrationError, match="checksum"):
        apply_migrations(driver, "neo4j", (edited,))


def test_new_migration_is_applied_and_recorded(driver: Driver) -> None:
    extra = Migration(
        999, "test-only index", ("CREATE INDEX test_only IF NOT EXISTS FOR (n:TestOnly) ON (n.x)",)
    )
    try:
        assert apply_migrations(driver, "neo4j", (*MIGRATIONS, extra)) == [extra]
        assert apply_migrations(driver, "neo4j", (*MIGRATIONS, extra)) == []
        assert 999 in [m.version for m in fetch_applied_migrations(driver, "neo4j")]
    finally:
        driver.execute_query("DROP INDEX test_only IF EXISTS")
        driver.execute_query("MATCH (m:SchemaMigration {version: 999}) DELETE m")
