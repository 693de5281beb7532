"""Versioned schema migrations, applied idempotently and recorded in the graph.

Each applied migration leaves a `(:SchemaMigration {version, name, checksum, appliedAt})` node,
so analysts can see which version of the graph model a database is on. Statements use
`IF NOT EXISTS`, so a migration interrupted half-way is simply run again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import LiteralString

from neo4j import Driver

from graphdb.connection import again_if_commit_lost
from graphdb.errors import MigrationError


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[LiteralString, ...]

    @property
    def checksum(self) -> str:
        return hashlib.sha256("\n".join(self.statements).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class AppliedMigration:
    version: int
    name: str
    checksum: str
    applied_at: datetime | None


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "graph model v1: entity keys, lookup and full-text indexes",
        (
            "CREATE CONSTRAINT schema_migration_version IF NOT EXISTS "
            "FOR (m:SchemaMigration) REQUIRE m.version IS UNIQUE",
            "CREATE CONSTRAINT researcher_id IF NOT EXISTS "
            "FOR (r:Researcher) REQUIRE r.id IS UNIQUE",
            "CREATE CONSTRAINT paper_arxiv_id IF NOT EXISTS "
            "FOR (p:Paper) REQUIRE p.arxivId IS UNIQUE",
            "CREATE CONSTRAINT topic_code IF NOT EXISTS FOR (t:Topic) REQUIRE t.code IS UNIQUE",
            "CREATE CONSTRAINT institution_id IF NOT EXISTS "
            "FOR (i:Institution) REQUIRE i.id IS UNIQUE",
            "CREATE CONSTRAINT researcher_alias_id IF NOT EXISTS "
            "FOR (a:ResearcherAlias) REQUIRE a.id IS UNIQUE",
            "CREATE INDEX researcher_name_key IF NOT EXISTS FOR (r:Researcher) ON (r.nameKey)",
            "CREATE INDEX researcher_block IF NOT EXISTS FOR (r:Researcher) ON (r.block)",
            "CREATE INDEX researcher_alias_block IF NOT EXISTS "
            "FOR (a:ResearcherAlias) ON (a.block)",
            "CREATE INDEX paper_year IF NOT EXISTS FOR (p:Paper) ON (p.year)",
            "CREATE INDEX paper_doi IF NOT EXISTS FOR (p:Paper) ON (p.doi)",
            "CREATE INDEX topic_group IF NOT EXISTS FOR (t:Topic) ON (t.group)",
            "CREATE INDEX institution_ror_id IF NOT EXISTS FOR (i:Institution) ON (i.rorId)",
            "CREATE INDEX institution_name_key IF NOT EXISTS FOR (i:Institution) ON (i.nameKey)",
            # Eventually consistent: Lucene updates happen after commit, not inside it, which
            # keeps bulk loads fast; searches see a write within moments.
            "CREATE FULLTEXT INDEX paper_text IF NOT EXISTS "
            "FOR (p:Paper) ON EACH [p.title, p.abstract] "
            "OPTIONS {indexConfig: {`fulltext.eventually_consistent`: true}}",
            "CREATE FULLTEXT INDEX researcher_names IF NOT EXISTS "
            "FOR (r:Researcher) ON EACH [r.name, r.nameVariantsText] "
            "OPTIONS {indexConfig: {`fulltext.eventually_consistent`: true}}",
        ),
    ),
    Migration(
        2,
        "ingestion checkpoints",
        (
            "CREATE CONSTRAINT ingest_checkpoint_source IF NOT EXISTS "
            "FOR (c:IngestCheckpoint) REQUIRE c.source IS UNIQUE",
        ),
    ),
    Migration(
        3,
        "accounts, claims and invitations (docs/accounts.md)",
        (
            "CREATE CONSTRAINT user_id IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE",
            "CREATE CONSTRAINT user_email IF NOT EXISTS FOR (u:User) REQUIRE u.email IS UNIQUE",
            "CREATE CONSTRAINT user_oidc_subject IF NOT EXISTS "
            "FOR (u:User) REQUIRE u.oidcSubject IS UNIQUE",
            "CREATE CONSTRAINT claim_id IF NOT EXISTS FOR (c:Claim) REQUIRE c.id IS UNIQUE",
            # Only an APPROVED claim carries approvedFor (the researcher's id): at most one
            # approved claim per researcher, whatever races.
            "CREATE CONSTRAINT claim_approved_for IF NOT EXISTS "
            "FOR (c:Claim) REQUIRE c.approvedFor IS UNIQUE",
            # Only a PENDING claim carries openKey ('<user id>|<researcher id>'): one pending
            # claim per user and researcher.
            "CREATE CONSTRAINT claim_open_key IF NOT EXISTS "
            "FOR (c:Claim) REQUIRE c.openKey IS UNIQUE",
            "CREATE INDEX claim_status IF NOT EXISTS FOR (c:Claim) ON (c.status)",
            "CREATE CONSTRAINT invitation_id IF NOT EXISTS "
            "FOR (i:Invitation) REQUIRE i.id IS UNIQUE",
        ),
    ),
    Migration(
        4,
        "log-in throttles (docs/accounts.md)",
        (
            "CREATE CONSTRAINT login_throttle_key IF NOT EXISTS "
            "FOR (t:LoginThrottle) REQUIRE t.key IS UNIQUE",
            "CREATE INDEX login_throttle_updated IF NOT EXISTS "
            "FOR (t:LoginThrottle) ON (t.updatedAt)",
        ),
    ),
    Migration(
        5,
        "one account per verified ORCID iD (docs/accounts.md)",
        (
            # `verifiedOrcid` is set only while the iD is verified, like `Claim.approvedFor`.
            "CREATE CONSTRAINT user_verified_orcid IF NOT EXISTS "
            "FOR (u:User) REQUIRE u.verifiedOrcid IS UNIQUE",
        ),
    ),
)

APPLIED_QUERY: LiteralString = """
MATCH (m:SchemaMigration)
RETURN m.version AS version, m.name AS name, m.checksum AS checksum, m.appliedAt AS appliedAt
ORDER BY version
"""

RECORD_QUERY: LiteralString = """
MERGE (m:SchemaMigration {version: $version})
ON CREATE SET m.appliedAt = datetime()
SET m.name = $name, m.checksum = $checksum
"""


def fetch_applied_migrations(driver: Driver, database: str) -> list[AppliedMigration]:
    records, _, _ = driver.execute_query(APPLIED_QUERY, database_=database)
    return [
        AppliedMigration(
            version=record["version"],
            name=record["name"],
            checksum=record["checksum"],
            applied_at=record["appliedAt"].to_native() if record["appliedAt"] else None,
        )
        for record in records
    ]


def apply_migrations(
    driver: Driver, database: str, migrations: tuple[Migration, ...] = MIGRATIONS
) -> list[Migration]:
    """Apply the migrations not yet recorded; return those applied now (empty when current).

    Every statement is idempotent (IF NOT EXISTS, MERGE), so the whole step is run again if a
    commit's answer is lost with the connection.
    """
    return again_if_commit_lost(lambda: _apply(driver, database, migrations))


def _apply(driver: Driver, database: str, migrations: tuple[Migration, ...]) -> list[Migration]:
    applied = {m.version: m for m in fetch_applied_migrations(driver, database)}
    done: list[Migration] = []
    for migration in sorted(migrations, key=lambda m: m.version):
        recorded = applied.get(migration.version)
        if recorded is not None:
            if recorded.checksum != migration.checksum:
                raise MigrationError(
                    f"migration {migration.version} ({migration.name}) was applied with checksum "
                    f"{recorded.checksum} but the code now has {migration.checksum}; "
                    "add a new migration instead of editing an applied one"
                )
            continue
        # Schema statements cannot share a transaction with writes: each runs on its own.
        for statement in migration.statements:
            driver.execute_query(statement, database_=database)
        driver.execute_query(
            RECORD_QUERY,
            version=migration.version,
            name=migration.name,
            checksum=migration.checksum,
            database_=database,
        )
        done.append(migration)
    if done:
        driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
    return done
