"""Repairs after an offline `neo4j-admin database import` (`loaders.bulkimport`).

neo4j-admin cannot store an empty array (an empty CSV cell means "no property"), while the
transactional writer (`graphdb.ingest`) stores `[]`; these statements restore the empty lists,
so both paths end in the same graph (a test compares them).
"""

from __future__ import annotations

from typing import LiteralString

from neo4j import Driver

from graphdb.connection import again_while_unavailable

RESTORE_EMPTY_PAPER_LISTS: LiteralString = """
MATCH (p:Paper) WHERE p.versions IS NULL OR p.dois IS NULL
CALL (p) {
  SET p.versions = coalesce(p.versions, []),
      p.versionDates = CASE WHEN p.versions IS NULL THEN [] ELSE p.versionDates END,
      p.dois = coalesce(p.dois, [])
} IN TRANSACTIONS OF 10000 ROWS
"""

RESTORE_EMPTY_INSTITUTION_IDS: LiteralString = """
MATCH ()-[a:AUTHORED]->() WHERE a.institutionIds IS NULL
CALL (a) {
  SET a.institutionIds = []
} IN TRANSACTIONS OF 20000 ROWS
"""


def restore_empty_lists(driver: Driver, database: str, *, patience_s: float = 180.0) -> None:
    """Give imported papers and AUTHORED edges the empty lists the writer would have stored.

    Each statement commits as it goes and touches only what still lacks its list, so one that
    loses its connection half-way (a restart) is run again and finishes the rest.
    """
    for query in (RESTORE_EMPTY_PAPER_LISTS, RESTORE_EMPTY_INSTITUTION_IDS):

        def run(query: LiteralString = query) -> None:
            with driver.session(database=database) as session:
                session.run(query).consume()

        again_while_unavailable(run, patience_s=patience_s)
