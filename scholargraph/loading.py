"""Wiring for loads and harvests: settings → driver, taxonomy, ROR index, progress, report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from graphdb.connection import open_driver
from graphdb.institutions import link_ror_organisations
from graphdb.migrations import apply_migrations
from loaders.affiliations import RorIndex
from loaders.formats import expand_paths
from loaders.harvest import Harvester, HarvestOptions
from loaders.ingest import DEFAULT_BATCH_SIZE, DEFAULT_WRITERS, Loader, LoadReport, count_records
from loaders.quarantine import Quarantine
from loaders.ror import read_ror_files, unambiguous
from loaders.rows import RowBuilder
from loaders.taxonomy import Taxonomy, load_taxonomy
from scholargraph.database import connection_info
from scholargraph.progress import record_progress
from scholargraph.retries import counted_retries
from scholargraph.settings import Settings

# A Neo4j restart mid-load is waited out this long before the load gives up.
LOADER_RETRY_S = 180.0


def row_builder(
    settings: Settings, taxonomy_dir: Path | None = None, ror_dir: Path | None = None
) -> RowBuilder:
    taxonomy_dir = taxonomy_dir or settings.data_dir / "taxonomy_arxiv_base"
    ror_dir = ror_dir or settings.data_dir / "institutions_ror_api"
    taxonomy = (
        load_taxonomy(taxonomy_dir)
        if (taxonomy_dir / "arXiv_category_def.json").exists()
        else Taxonomy.builtin_fallback()
    )
    ror = RorIndex.load(ror_dir) if ror_dir.is_dir() else None
    return RowBuilder(taxonomy, ror)


def run_load(
    settings: Settings,
    paths: Sequence[Path],
    *,
    quarantine_path: Path,
    batch_size: int = DEFAULT_BATCH_SIZE,
    writers: int = DEFAULT_WRITERS,
    progress: bool = True,
    taxonomy_dir: Path | None = None,
    ror_dir: Path | None = None,
    rescan: bool = False,
    console: Console,
) -> LoadReport:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    files = expand_paths(paths)
    target = connection_info(settings)
    rows = row_builder(settings, taxonomy_dir, ror_dir)
    with (
        open_driver(target, retry_s=LOADER_RETRY_S) as driver,
        Quarantine(quarantine_path) as quarantine,
        record_progress(console, enabled=progress) as bar,
        counted_retries(console, LOADER_RETRY_S) as retries,
    ):
        apply_migrations(driver, target.database)
        total = sum(count_records(f) or 0 for f in files) if progress else None
        task = bar.add_task(f"loading {len(files)} files", total=total or None)
        loader = Loader(
            driver,
            target.database,
            rows,
            quarantine,
            batch_size=batch_size,
            writers=writers,
            on_progress=lambda n: bar.advance(task, n),
            rescan=rescan,
        )
        report = loader.load(files)
    print_report(console, report, quarantine_path, "load", retries.summary())
    return report


def run_harvest(
    settings: Settings,
    *,
    endpoint: str,
    from_date: str | None,
    until: str | None,
    set_spec: str | None,
    max_pages: int | None,
    quarantine_path: Path,
    progress: bool,
    console: Console,
    min_interval_s: float = 3.0,
    max_retries: int = 8,
    connect_timeout_s: float = 15.0,
) -> LoadReport:
    target = connection_info(settings)
    rows = row_builder(settings)
    options = HarvestOptions(
        endpoint=endpoint,
        from_date=from_date,
        until=until,
        set_spec=set_spec,
        max_pages=max_pages,
        min_interval_s=min_interval_s,
        max_retries=max_retries,
    )
    with (
        open_driver(target, retry_s=LOADER_RETRY_S) as driver,
        Quarantine(quarantine_path) as quarantine,
        record_progress(console, enabled=progress) as bar,
        counted_retries(console, LOADER_RETRY_S) as retries,
    ):
        apply_migrations(driver, target.database)
        task = bar.add_task(f"harvesting {endpoint}", total=None)
        harvester = Harvester(
            driver,
            target.database,
            rows,
            quarantine,
            on_total=lambda n: bar.update(task, total=n),
            on_progress=lambda n: bar.advance(task, n),
            connect_timeout_s=connect_timeout_s,
        )
        report = harvester.harvest(options)
    print_report(console, report, quarantine_path, "harvest", retries.summary())
    return report


def print_report(
    console: Console, report: LoadReport, quarantine: Path, what: str, retried: str = ""
) -> None:
    table = Table(title=f"{what} summary", show_header=False)
    table.add_row("files" if what == "load" else "pages", f"{report.files:,}")
    if report.files_skipped:
        table.add_row("files already loaded (skipped)", f"{report.files_skipped:,}")
    table.add_row("records read", f"{report.records:,}")
    if report.resumed_past:
        table.add_row("resumed past (already committed)", f"{report.resumed_past:,}")
    table.add_row("loaded (new papers)", f"{report.created:,}")
    table.add_row("updated", f"{report.updated:,}")
    table.add_row("unchanged", f"{report.unchanged:,}")
    if report.stale:
        table.add_row("older copies ignored", f"{report.stale:,}")
    table.add_row(
        "quarantined",
        f"{report.quarantined:,}" + (f" → {quarantine}" if report.quarantined else ""),
    )
    if report.identities is not None and report.identities.merged:
        table.add_row("name variants merged", f"{report.identities.merged:,}")
    if retried:
        table.add_row("transactions retried", retried)
    table.add_row("time", f"{report.seconds:,.1f} s ({report.papers_per_second:,.0f} papers/s)")
    console.print(table)


@dataclass(frozen=True, slots=True)
class RorReport:
    organisations: int
    with_domains: int
    matched_organisations: int
    institutions: int
    domains_added: int
    domains_removed: int


def run_ror_load(settings: Settings, paths: Sequence[Path], console: Console) -> RorReport:
    """Link Institution nodes to ROR records (ids, names, mail domains), read in place."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    organisations = unambiguous(read_ror_files(paths))
    rows = [
        {
            "rorId": o.ror_id,
            "name": o.name,
            "keys": list(o.name_keys),
            "acronyms": list(o.acronyms),
            "domains": list(o.domains),
        }
        for o in organisations
    ]
    target = connection_info(settings)
    with open_driver(target) as driver:
        apply_migrations(driver, target.database)
        links = link_ror_organisations(driver, target.database, rows)
    report = RorReport(
        organisations=len(organisations),
        with_domains=sum(1 for o in organisations if o.domains),
        matched_organisations=len({link.ror_id for link in links}),
        institutions=len({link.institution_id for link in links}),
        domains_added=sum(link.domains_added for link in links),
        domains_removed=sum(link.domains_removed for link in links),
    )
    table = Table(title="ROR load", show_header=False)
    table.add_row("ROR organisations read", str(report.organisations))
    table.add_row("... with mail domains", str(report.with_domains))
    table.add_row("... matched to institutions", str(report.matched_organisations))
    table.add_row("institutions linked", str(report.institutions))
    table.add_row("mail domains added", str(report.domains_added))
    table.add_row("mail domains ROR no longer lists, removed", str(report.domains_removed))
    console.print(table)
    return report
