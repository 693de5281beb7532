"""Ingestion benchmark: the batched loader vs a naive loader vs the neo4j-admin import.

    .venv/bin/python bench/ingest.py [--papers 200000] [--small 50000] [--repeats 3]

One run, on (i) every metadata file of the real sample and (ii) a synthetic Kaggle set made by
`loaders.synthetic`. Every measured load runs in a child process (its peak RSS is its own
`ru_maxrss`) against the bench server home `.scholargraph/bench-neo4j` (heap and page cache
3g, bolt 7689), started fresh, and warmed up with 6 loads of the sample, each wiped, so the
JVM's JIT is warm. The loader (a) and the naive loader (b) take turns, `--repeats` rounds on
each data set, and each reports its median, so that a slow spell of the shared machine hits
both. The server is stopped at the end. Results go to stdout and to bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphdb.connection import ConnectionInfo, open_driver  # noqa: E402
from graphdb.migrations import apply_migrations  # noqa: E402
from loaders.ingest import DEFAULT_BATCH_SIZE, DEFAULT_WRITERS  # noqa: E402
from loaders.synthetic import generator_fingerprint  # noqa: E402
from scholargraph.localneo4j import GarbageCollector, LocalNeo4j  # noqa: E402
from scholargraph.settings import load_settings  # noqa: E402

HOME = ROOT / ".scholargraph" / "bench-neo4j"
WORK = ROOT / ".scholargraph" / "bench-work"
HEAP = PAGECACHE = "3g"
# A bulk-loading server: the throughput collector (`scholargraph.localneo4j`), for every path.
GC: GarbageCollector = "parallel"
WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


def bench_server() -> LocalNeo4j:
    settings = load_settings(env_file=None)
    return LocalNeo4j(
        HOME,
        settings.cache_dir,
        settings.neo4j_version,
        heap=HEAP,
        pagecache=PAGECACHE,
        preferred_ports=(7689, 7476),
        gc=GC,
    )


def connection(server: LocalNeo4j) -> ConnectionInfo:
    state = server.read_state()
    assert state is not None
    return ConnectionInfo(state.uri, "neo4j", state.password)


# -- child side: one measured load, result as JSON on the last stdout line ----------------------


def child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("loader", "naive", "import", "parse"))
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--writers", type=int, default=DEFAULT_WRITERS)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--time-box", type=float, default=0.0)
    args = parser.parse_args(argv)

    import loaders.ingest as ingest_module
    from loaders.formats import expand_paths
    from loaders.quarantine import Quarantine
    from scholargraph.loading import row_builder

    settings = load_settings(env_file=None)
    rows = row_builder(settings)
    files = expand_paths(args.files)
    server = bench_server()
    quarantine_path = WORK / f"quarantine-{os.getpid()}.jsonl"
    result: dict[str, Any] = {"mode": args.mode}
    started = time.perf_counter()
    if args.mode == "parse":
        from loaders.formats import iter_records
        from loaders.records import PaperRecord

        papers = 0
        for path in files:
            for item in iter_records(path, rows.taxonomy):
                if isinstance(item, PaperRecord):
                    rows.paper_row(item)
                    papers += 1
        result["papers"] = papers
    elif args.mode == "import":
        from scholargraph.bulkload import import_into

        report = import_into(server, files, rows, quarantine_path=quarantine_path, work_dir=WORK)
        result.update(
            papers=report.papers,
            csv_s=report.csv_seconds,
            import_s=report.import_seconds,
            settle_s=report.settle_seconds,
        )
    else:
        with open_driver(connection(server), retry_s=180) as driver:
            apply_migrations(driver, "neo4j")
            rss_before_settle = [0.0]
            settle = _timed(ingest_module, "resolve_pending_identities", rss_before_settle)
            with Quarantine(quarantine_path) as quarantine:
                if args.mode == "loader":
                    loader = ingest_module.Loader(
                        driver,
                        "neo4j",
                        rows,
                        quarantine,
                        batch_size=args.batch_size,
                        writers=args.writers,
                    )
                    started = time.perf_counter()
                    load = loader.load(files)
                    result["papers"] = load.created + load.updated + load.unchanged + load.stale
                else:
                    started = time.perf_counter()
                    result["papers"] = _naive(driver, rows, files, args.limit, args.time_box)
            result["settle_s"] = settle[0]
            result["peak_rss_before_settle_mb"] = rss_before_settle[0]
    result["seconds"] = time.perf_counter() - started
    result["papers_per_s"] = result["papers"] / result["seconds"]
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    quarantine_path.unlink(missing_ok=True)
    print(json.dumps(result))


def _timed(module: Any, name: str, before: list[float]) -> list[float]:
    """Wrap `module.name` so the time spent in it is added to the returned cell, and the peak
    RSS reached before it is first called lands in `before`."""
    spent = [0.0]
    original: Callable[..., Any] = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        before[0] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    setattr(module, name, wrapper)
    return spent


def _naive(driver: Any, rows: Any, files: list[Path], limit: int, time_box: float) -> int:
    from graphdb.identities import resolve_pending_identities
    from graphdb.naive import write_paper_naively
    from loaders.formats import iter_records
    from loaders.records import PaperRecord

    def records() -> Iterator[PaperRecord]:
        for path in files:
            for item in iter_records(path, rows.taxonomy):
                if isinstance(item, PaperRecord):
                    yield item

    started = time.perf_counter()
    papers = 0
    for record in records():
        row = rows.paper_row(record)
        topics = rows.topic_rows(t["code"] for t in row["topics"])
        write_paper_naively(driver, "neo4j", row, topics)
        papers += 1
        if (limit and papers >= limit) or (time_box and time.perf_counter() - started > time_box):
            break
    resolve_pending_identities(driver, "neo4j")
    return papers


# -- parent side --------------------------------------------------------------------------------


def run_child(*args: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, __file__, "child", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"child {args[:2]} failed:\n{completed.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    print(f"    {_describe(args)}: {_summary(result)}", flush=True)
    return result


def _describe(args: tuple[str, ...]) -> str:
    files = [a for a in args[1:] if not a.startswith("--") and "/" in a]
    options = [a for a in args[1:] if a.startswith("--")]
    names = ",".join(Path(f).name for f in files) if len(files) < 3 else f"{len(files)} files"
    return f"{args[0]} {names} {' '.join(options)}".strip()


def _summary(result: dict[str, Any]) -> str:
    text = (
        f"{result['papers']:,} papers in {result['seconds']:.1f} s = "
        f"{result['papers_per_s']:,.0f} papers/s, peak RSS {result['peak_rss_mb']:.0f} MB"
    )
    extra = [f"{k}={result[k]:.1f}s" for k in ("settle_s", "csv_s", "import_s") if k in result]
    return text + (f" ({', '.join(extra)})" if extra else "")


def wipe(server: LocalNeo4j) -> None:
    with open_driver(connection(server)) as driver, driver.session(database="neo4j") as session:
        session.run(WIPE).consume()


WARMUPS = 6


def fresh_warm(server: LocalNeo4j, warm_files: list[str]) -> dict[str, Any]:
    """Fresh database, then `WARMUPS` loads of the sample (the first one's numbers are the
    cold ones), each wiped. Three were not enough: in the twelfth run the third load ran at
    1,358-1,397 papers/s after every fresh start, and the sample loads that followed at
    1,490-1,778; the naive loader, measured after a 200k load, always got a warm JVM."""
    server.start(fresh=True)
    cold = run_child("loader", *warm_files)
    wipe(server)
    for _ in range(WARMUPS - 1):
        run_child("loader", *warm_files)
        wipe(server)
    return cold


def median(results: list[dict[str, Any]], key: str = "papers_per_s") -> float:
    return float(statistics.median(r[key] for r in results))


def highest_rss(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the highest peak RSS: memory is quoted at its worst, not its median."""
    return max(results, key=lambda r: float(r["peak_rss_mb"]))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description="ingestion benchmark")
    parser.add_argument("--papers", type=int, default=200_000)
    parser.add_argument("--small", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--naive-records", type=int, default=5000)
    parser.add_argument("--naive-time-box", type=float, default=60.0)
    parser.add_argument("--batch-sizes", default="1000,5000")
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "arxiv")
    args = parser.parse_args()
    started = time.perf_counter()
    WORK.mkdir(parents=True, exist_ok=True)
    sample = [str(args.data_dir)]
    generator = generator_fingerprint()
    big = WORK / f"synthetic-{args.papers}-{generator}.jsonl.gz"
    small = WORK / f"synthetic-{args.small}-{generator}.jsonl.gz"
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "neo4j": {"heap": HEAP, "pagecache": PAGECACHE, "gc": GC},
        "args": vars(args) | {"data_dir": str(args.data_dir)},
        "generator": generator,
    }
    for path, n in ((big, args.papers), (small, args.small)):
        if not path.exists():
            print(f"generating {n:,} synthetic papers → {path}", flush=True)
            subprocess.run(
                [sys.executable, "-m", "loaders.synthetic", "--papers", str(n), "--seed", "1",
                 "--out", str(path), "--data-dir", str(args.data_dir)],
                check=True, cwd=ROOT,
            )  # fmt: skip
    server = bench_server()
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    try:
        print("(i) real sample", flush=True)
        print("  parse + rows only (no database)", flush=True)
        results["sample_parse"] = run_child("parse", *sample)
        print("  (a) loader: fresh server, cold first load, then warm loads", flush=True)
        results["sample_cold"] = fresh_warm(server, sample)
        # (a) and (b) take turns, round by round, so that a slow spell of the shared machine
        # (or the JVM still speeding up) hits both; each side reports its median.
        print("  (a) loader and (b) naive loader in turns (warm JVM)", flush=True)
        naive_args = (f"--limit={args.naive_records}", f"--time-box={args.naive_time_box}")
        sample_runs: dict[int, list[dict[str, Any]]] = {b: [] for b in batch_sizes}
        sample_naive: list[dict[str, Any]] = []
        for _ in range(args.repeats):
            for size in batch_sizes:
                sample_runs[size].append(run_child("loader", *sample, f"--batch-size={size}"))
                wipe(server)
            sample_naive.append(run_child("naive", *sample, *naive_args))
            wipe(server)
        results["sample_loader"] = {str(b): runs for b, runs in sample_runs.items()}
        results["sample_naive"] = sample_naive
        best_sample = max(batch_sizes, key=lambda b: median(sample_runs[b]))
        print("  experiment: loader without the two full-text indexes", flush=True)
        with open_driver(connection(server)) as driver:
            driver.execute_query("DROP INDEX paper_text IF EXISTS")  # bench only
            driver.execute_query("DROP INDEX researcher_names IF EXISTS")
        results["sample_loader_no_fulltext"] = run_child(
            "loader", *sample, f"--batch-size={best_sample}"
        )
        print("  (c) neo4j-admin import", flush=True)
        results["sample_import"] = [run_child("import", *sample) for _ in range(2)]

        print(f"(ii) synthetic {args.papers:,} papers", flush=True)
        results["synthetic_parse"] = run_child("parse", str(big))
        # The default batch size (what users get) always; the sample's winner too if it differs
        # (the sample's ranking is noisy, and a larger batch costs memory).
        sizes = sorted({DEFAULT_BATCH_SIZE, best_sample})
        loader_runs: dict[int, list[dict[str, Any]]] = {size: [] for size in sizes}
        small_runs: dict[int, list[dict[str, Any]]] = {size: [] for size in sizes}
        synthetic_naive: list[dict[str, Any]] = []
        # In turns, as for the sample: each round loads with (a) on a fresh, warmed-up server,
        # then (b) into the emptied graph; each side reports its median over the rounds.
        # The sample's loads leave the JVM cold for settling a large load: the first large load
        # on a server settles ~25 % slower than the next (50k: 9.2 s against 7.1-7.4 s, the
        # same with the store reused after a restart, with the query caches cleared, and with
        # the same collector time; ~800 methods compiled during it, ~50 during the next). So
        # the 50k load runs first in each round, and the 200k load is the warm one.
        for round_ in range(1, args.repeats + 1):
            for size in sizes:
                print(f"  round {round_}: (a) loader, batch size {size}, {args.small:,} then "
                      f"{args.papers:,} papers (fresh server, warmed up)", flush=True)  # fmt: skip
                fresh_warm(server, sample)
                small_runs[size].append(run_child("loader", str(small), f"--batch-size={size}"))
                wipe(server)
                loader_runs[size].append(run_child("loader", str(big), f"--batch-size={size}"))
            wipe(server)
            print(f"  round {round_}: (b) naive loader (warm JVM), into an empty graph",
                  flush=True)  # fmt: skip
            # No wipe after it: whatever loads next starts a fresh server (`fresh_warm`).
            synthetic_naive.append(run_child("naive", str(big), *naive_args))
        results["synthetic_loader"] = {str(b): runs for b, runs in loader_runs.items()}
        results["synthetic_naive"] = synthetic_naive
        best_big = max(loader_runs, key=lambda b: median(loader_runs[b]))
        results["synthetic_small_loader"] = small_runs[best_big]
        print("  (c) neo4j-admin import", flush=True)
        results["synthetic_import"] = run_child("import", str(big))
        results["synthetic_small_import"] = run_child("import", str(small))
    finally:
        server.stop()
    results["total_minutes"] = (time.perf_counter() - started) / 60
    out = ROOT / "bench" / "results" / "ingest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print_summary(results, best_sample, best_big)
    print(f"\nresults: {out}; total {results['total_minutes']:.1f} min")


def print_summary(results: dict[str, Any], best_sample: int, best_big: int) -> None:
    sample_loader = results["sample_loader"][str(best_sample)]
    big_loader = results["synthetic_loader"][str(best_big)]
    rows = [
        ("sample", "parse + rows only", median([results["sample_parse"]]), None),
        ("sample", "(a) loader, cold JVM, batch 1000", results["sample_cold"]["papers_per_s"],
         results["sample_cold"]),
        ("sample", f"(a) loader, warm, batch {best_sample} (median)", median(sample_loader),
         highest_rss(sample_loader)),
        ("sample", "(b) naive, warm (median)", median(results["sample_naive"]),
         highest_rss(results["sample_naive"])),
        ("sample", "(c) neo4j-admin import (median of 2)", median(results["sample_import"]),
         highest_rss(results["sample_import"])),
        ("synthetic", "parse + rows only", results["synthetic_parse"]["papers_per_s"], None),
        *(
            ("synthetic", f"(a) loader, warm, batch {size} (median)", median(runs),
             highest_rss(runs))
            for size, runs in sorted(
                (int(b), runs) for b, runs in results["synthetic_loader"].items()
            )
        ),
        ("synthetic", "(b) naive, warm (median)", median(results["synthetic_naive"]),
         highest_rss(results["synthetic_naive"])),
        ("synthetic", "(c) neo4j-admin import", results["synthetic_import"]["papers_per_s"],
         results["synthetic_import"]),
    ]  # fmt: skip
    print("\n| data | path | papers/s | peak RSS MB |\n|---|---|---:|---:|")
    for data, path, rate, raw in rows:
        rss = f"{raw['peak_rss_mb']:.0f}" if raw else "-"
        print(f"| {data} | {path} | {rate:,.0f} | {rss} |")
    for data, loader, naive, imported in (
        ("sample", median(sample_loader), median(results["sample_naive"]),
         median(results["sample_import"])),
        ("synthetic", median(big_loader), median(results["synthetic_naive"]),
         results["synthetic_import"]["papers_per_s"]),
    ):  # fmt: skip
        print(f"{data}: (a)/(b) = {loader / naive:.1f}x, (c)/(a) = {imported / loader:.1f}x")
    small = highest_rss(results["synthetic_small_loader"])
    print(
        f"{small['papers']:,} papers, (a) loader, first large load on the server (median): "
        f"{median(results['synthetic_small_loader']):,.0f} papers/s"
    )
    print(
        f"loader peak RSS: {small['papers']:,} papers {small['peak_rss_mb']:.0f} MB, "
        f"{big_loader[0]['papers']:,} papers {highest_rss(big_loader)['peak_rss_mb']:.0f} MB; "
        f"import: {results['synthetic_small_import']['peak_rss_mb']:.0f} MB vs "
        f"{results['synthetic_import']['peak_rss_mb']:.0f} MB"
    )


def _machine() -> dict[str, Any]:
    import psutil

    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": platform.processor() or platform.machine(),
    }


if __name__ == "__main__":
    main()
