"""`scholargraph demo`: Neo4j up, schema applied, data loaded, the API served.

Data, in order of preference: the real arXiv sample (SCHOLARGRAPH_DATA_DIR) when present; else
a small live OAI-PMH harvest of recent arXiv records; else generated data following the
sample's distributions. Re-running is cheap: checkpoints make finished files a no-op.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from rich.console import Console

from graphdb.connection import open_driver
from graphdb.migrations import apply_migrations
from loaders.formats import expand_paths
from loaders.harvest import HarvestError
from scholargraph.database import connection_info, local_server
from scholargraph.loading import run_harvest, run_load
from scholargraph.settings import Settings

DEMO_ENDPOINT = "https://export.arxiv.org/oai2"
GENERATED_PAPERS = 3000


def prepare_demo(settings: Settings, console: Console) -> str:
    """Start Neo4j (unless NEO4J_URI is set), migrate, load data; return what was loaded."""
    if not settings.uses_external_neo4j:
        server = local_server(settings)
        console.print(f"[bold]1/3[/bold] Neo4j {settings.neo4j_version} in {server.home}")
        state = server.start()
        console.print(f"     ready at {state.uri}")
    else:
        console.print(f"[bold]1/3[/bold] using Neo4j at {settings.neo4j_uri}")
    target = connection_info(settings)
    with open_driver(target) as driver:
        applied = apply_migrations(driver, target.database)
    console.print(f"[bold]2/3[/bold] schema migrations: {len(applied)} applied, rest current")
    quarantine = settings.home / "demo-quarantine.jsonl"
    files = expand_paths([settings.data_dir]) if settings.data_dir.is_dir() else []
    if files:
        console.print(f"[bold]3/3[/bold] loading the arXiv sample from {settings.data_dir}")
        run_load(settings, [settings.data_dir], quarantine_path=quarantine, console=console)
        return f"arXiv sample ({len(files)} files)"
    console.print(f"[bold]3/3[/bold] no sample at {settings.data_dir}; trying a live harvest")
    try:
        since = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()
        run_harvest(
            settings,
            endpoint=DEMO_ENDPOINT,
            from_date=since,
            until=None,
            set_spec="cs",
            max_pages=1,
            quarantine_path=quarantine,
            progress=True,
            console=console,
            min_interval_s=0,
            max_retries=1,
            connect_timeout_s=5.0,
        )
        return f"live OAI-PMH harvest (cs, since {since})"
    except (HarvestError, httpx.HTTPError, OSError) as error:
        console.print(f"     harvest unavailable ({error}); generating data instead")
    return _load_generated(settings, quarantine, console)


def _load_generated(settings: Settings, quarantine: Path, console: Console) -> str:
    from loaders.synthetic import generate, load_profile

    out = settings.home / "demo" / f"synthetic-{GENERATED_PAPERS}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists():
        generate(out, GENERATED_PAPERS, seed=1, profile=load_profile(settings.data_dir))
    run_load(settings, [out], quarantine_path=quarantine, console=console)
    return f"generated data ({GENERATED_PAPERS:,} papers)"
