"""Helpers to load files into the test graph, in-process or through the real CLI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from neo4j import Driver

from loaders.formats import expand_paths
from loaders.ingest import Loader, LoadReport
from loaders.quarantine import Quarantine
from scholargraph.loading import row_builder
from scholargraph.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def load_files(
    driver: Driver,
    settings: Settings,
    paths: Sequence[Path],
    quarantine: Path,
    *,
    batch_size: int = 500,
    rescan: bool = False,
    writers: int = 2,
) -> LoadReport:
    with Quarantine(quarantine) as q:
        loader = Loader(
            driver,
            "neo4j",
            row_builder(settings),
            q,
            batch_size=batch_size,
            rescan=rescan,
            writers=writers,
        )
        report = loader.load(expand_paths(paths))
    driver.execute_query("CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()")
    return report


def cli(
    args: Sequence[str], env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scholargraph.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def cli_process(args: Sequence[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scholargraph.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
