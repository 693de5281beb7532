"""`scholargraph import arxiv`: build the graph offline with neo4j-admin, then settle it.

For an initial load only: the import replaces the whole database. Steps: records → CSV files
(`loaders.bulkimport`), stop the server, `neo4j-admin database import full`, start it, apply the
schema migrations (constraints and indexes are built over the imported data), and let
`graphdb.identities` settle the researchers left pending and store every trust score, as after
a transactional load.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from graphdb.bulkimport import restore_empty_lists
from graphdb.connection import ConnectionInfo, open_driver
from graphdb.identities import resolve_pending_identities
from graphdb.migrations import apply_migrations
from loaders.bulkimport import BulkReport, write_import_files
from loaders.formats import expand_paths
from loaders.quarantine import Quarantine
from loaders.rows import RowBuilder
from scholargraph.database import local_server
from scholargraph.loading import LOADER_RETRY_S, row_builder
from scholargraph.localneo4j import LocalNeo4j, LocalNeo4jError
from scholargraph.retries import counted_retries
from scholargraph.settings import Settings


class BulkImportError(RuntimeError):
    """neo4j-admin refused the import; the message carries its output."""


def import_into(
    server: LocalNeo4j,
    paths: Sequence[Path],
    rows: RowBuilder,
    *,
    quarantine_path: Path,
    database: str = "neo4j",
    work_dir: Path | None = None,
    keep_files: bool = False,
) -> BulkReport:
    """Replace `database` of the local `server` with the graph of `paths`; server left running."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    directory = Path(tempfile.mkdtemp(prefix="bulk-", dir=work_dir or server.home))
    try:
        with Quarantine(quarantine_path) as quarantine:
            files, report = write_import_files(expand_paths(paths), rows, directory, quarantine)
        if server.read_state() is None:
            server.start()  # first use: writes the config and the password
        server.stop()
        started = time.perf_counter()
        completed = server.admin(files.admin_arguments(database))
        report.import_seconds = time.perf_counter() - started
        if completed.returncode != 0:
            tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-30:])
            raise BulkImportError(f"neo4j-admin import failed:\n{tail}")
        started = time.perf_counter()
        state = server.start()
        info = ConnectionInfo(state.uri, "neo4j", state.password, database)
        with open_driver(info, retry_s=LOADER_RETRY_S) as driver:
            restore_empty_lists(driver, database, patience_s=LOADER_RETRY_S)
            apply_migrations(driver, database)
            # Every researcher is PendingBlock: settling stores each one's trust score once.
            resolve_pending_identities(driver, database)
        report.settle_seconds = time.perf_counter() - started
    finally:
        if not keep_files:
            shutil.rmtree(directory, ignore_errors=True)
    return report


def run_bulk_import(
    settings: Settings,
    paths: Sequence[Path],
    *,
    quarantine_path: Path,
    taxonomy_dir: Path | None = None,
    ror_dir: Path | None = None,
    console: Console,
) -> BulkReport:
    """Body of `scholargraph import arxiv PATH...`: the local server's database is replaced.

    Raises LocalNeo4jError (also when NEO4J_URI points at a server we do not manage),
    BulkImportError or FileNotFoundError.
    """
    if settings.uses_external_neo4j:
        raise LocalNeo4jError(
            f"NEO4J_URI is set ({settings.neo4j_uri}): neo4j-admin import needs the local "
            "server's files; use `scholargraph load arxiv` for a server not managed here."
        )
    with counted_retries(console, LOADER_RETRY_S) as retries:
        report = import_into(
            local_server(settings),
            paths,
            row_builder(settings, taxonomy_dir, ror_dir),
            quarantine_path=quarantine_path,
            database=settings.neo4j_database,
        )
    table = Table(title="import summary", show_header=False)
    table.add_row("records read", f"{report.records:,}")
    table.add_row("papers", f"{report.papers:,}")
    table.add_row(
        "later copies (replaced / unchanged / older)",
        f"{report.updated:,} / {report.unchanged:,} / {report.stale:,}",
    )
    table.add_row(
        "researchers (left to identity settling)", f"{report.researchers:,} ({report.pending:,})"
    )
    table.add_row("institutions / topics", f"{report.institutions:,} / {report.topics:,}")
    table.add_row(
        "AUTHORED / IN_TOPIC / AFFILIATED_WITH",
        f"{report.authored:,} / {report.in_topic:,} / {report.affiliated:,}",
    )
    table.add_row(
        "quarantined",
        f"{report.quarantined:,}" + (f" → {quarantine_path}" if report.quarantined else ""),
    )
    if retried := retries.summary():
        table.add_row("transactions retried", retried)
    table.add_row(
        "time (CSV / import / settle)",
        f"{report.csv_seconds:,.1f} / {report.import_seconds:,.1f} / "
        f"{report.settle_seconds:,.1f} s ({report.papers_per_second:,.0f} papers/s)",
    )
    console.print(table)
    return report
