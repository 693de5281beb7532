"""API benchmark: the researcher page through the API vs one hand-written Cypher query.

    .venv/bin/python bench/api.py [--papers 200000] [--requests 40] [--seconds 20]
        [--warmup-seconds 30] [--reuse]

One run, on a graph holding the real sample plus a synthetic set (`loaders.synthetic`, made to
follow the sample's distributions), compares for prolific (100+ works) and ordinary researchers:

  (a) the GraphQL API over HTTP (uvicorn, one worker, DataLoaders on);
  (b) the best hand-written single Cypher query returning the same data through the driver
      (it ranks the research graph in Cypher too, as the API does; filling the slice from the
      ranked candidates is the same Python for both): the limit;
  (c) the same API with DataLoaders switched off (SCHOLARGRAPH_DATALOADERS=0): every load is
      its own query, as if each resolver queried Neo4j itself (no batching, no per-request
      cache, no look-ahead).

It checks that (a) and (b) return the same page, prints p50/p95 of each, the ratios, and the
requests/s of (a) with 16 concurrent clients. The bench server home is
`.scholargraph/bench-api-neo4j` (bolt 7690); results also go to bench/results/api.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphdb.connection import ConnectionInfo, open_driver  # noqa: E402
from graphdb.graphslice import (  # noqa: E402
    MAX_OWN_PAPERS,
    neighbourhood_from_lists,
)
from graphdb.migrations import apply_migrations  # noqa: E402
from loaders.synthetic import generator_fingerprint  # noqa: E402
from resolvers.graphslice import build_slice  # noqa: E402
from scholargraph.localneo4j import LocalNeo4j  # noqa: E402
from scholargraph.settings import load_settings  # noqa: E402

HOME = ROOT / ".scholargraph" / "bench-api-neo4j"
API = "http://127.0.0.1:8091/graphql"
UNBATCHED = "http://127.0.0.1:8092/graphql"
WORK = ROOT / ".scholargraph" / "bench-work"
MARKER = "MATCH (m:BenchDataset {name: $name}) RETURN count(m) AS n"
CONTEXT_LIMIT = 60  # the research graph of PAGE

PAGE = """
query Page($id: ID!) {
  researcher(id: $id) {
    id name nameVariants
    affiliation { name }
    worksCount followersCount topicsCount collaboratorsCount closeCollaboratorsCount
    trust { score label verificationLevel claimed }
    topics(first: 5) { topic { code name } worksCount }
    closeCollaborators(first: 10) { researcher { name } sharedWorksCount firstYear lastYear }
    works(first: 100) {
      totalCount
      edges { node { arxivId title year kind venue authors { name } topics { code } } }
    }
    context(limit: 60) { truncated nodes { id kind label weight } edges { source target kind } }
  }
}
"""

# The same page as one statement: what a developer tuning one query by hand would write.
HANDWRITTEN = """
MATCH (r:Researcher {id: $id})
CALL (r) {
  MATCH (r)-[:AUTHORED]->(p:Paper)
  RETURN count(p) AS worksCount, min(p.year) AS firstYear, max(p.year) AS lastYear
}
CALL (r) {
  MATCH (r)-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(c:Researcher)
  WITH c, count(p) AS shared, min(p.year) AS fy, max(p.year) AS ly
  ORDER BY shared DESC, ly DESC
  WITH collect({c: c, shared: shared, firstYear: fy, lastYear: ly}) AS byCount
  WITH byCount, byCount[9] AS last
  CALL (byCount, last) {
    UNWIND byCount[..10 + size([x IN byCount[10..] WHERE x.shared = last.shared
      AND (x.lastYear = last.lastYear OR x.lastYear IS NULL AND last.lastYear IS NULL)])] AS x
    WITH x ORDER BY x.shared DESC, x.lastYear DESC, x.c.name, x.c.id LIMIT 10
    RETURN collect({name: x.c.name, shared: x.shared, firstYear: x.firstYear,
                    lastYear: x.lastYear}) AS top
  }
  RETURN size(byCount) AS collaborators,
         size([x IN byCount WHERE x.shared >= 2]) AS close, top
}
CALL (r) {
  MATCH (r)-[:AUTHORED]->(:Paper)-[:IN_TOPIC]->(t:Topic)
  WITH t, count(*) AS n ORDER BY n DESC, t.code
  RETURN count(t) AS topicsCount, collect({code: t.code, name: t.name, works: n})[..5] AS topics
}
CALL (r) {
  MATCH (r)-[:AUTHORED]->(p:Paper)
  WITH p ORDER BY p.firstSubmitted DESC, p.arxivId DESC LIMIT 100
  RETURN collect({
    arxivId: p.arxivId, title: p.title, year: p.year, venue: coalesce(p.journalRef, 'arXiv'),
    authors: COLLECT { MATCH (p)<-[a:AUTHORED]-(x:Researcher) RETURN x.name ORDER BY a.position },
    topics: COLLECT { MATCH (p)-[t:IN_TOPIC]->(x:Topic)
                      RETURN x.code ORDER BY t.primary DESC, x.code }
  }) AS worksPage
}
CALL (r) {
  MATCH (r)-[:AUTHORED]->(p:Paper)
  WITH p ORDER BY p.firstSubmitted DESC, p.arxivId DESC LIMIT $maxOwn
  WITH r, collect(p) AS own
  CALL (own) {
    UNWIND range(0, size(own) - 1) AS i
    WITH i, own[i] AS p
    MATCH (p)<-[:AUTHORED]-(x:Researcher)
    WITH x, collect(DISTINCT i) AS slots
    RETURN collect({x: x, slots: slots}) AS signers
  }
  WITH r, own, signers, [s IN signers WHERE s.x = r] AS me,
    [s IN signers WHERE s.x <> r] AS people
  CALL (people) {
    UNWIND people AS s
    WITH s ORDER BY size(s.slots) DESC, s.x.id LIMIT $places
    WITH s, s.x AS x
    RETURN collect([x.id, x.name, size(s.slots), size(s.slots), s.slots, COLLECT {
      MATCH (x)-[a:AFFILIATED_WITH]->(i:Institution) RETURN [i.id, a.works]
    }]) AS hoodPeople
  }
  CALL (r, own) {
    UNWIND range(0, size(own) - 1) AS i
    WITH i, own[i] AS p
    WITH i, p, COUNT { (p)<-[:AUTHORED]-(x:Researcher) WHERE x <> r } AS ring
    ORDER BY CASE WHEN ring > 10 THEN 10 ELSE ring END DESC, coalesce(p.year, 0) DESC, p.arxivId
    LIMIT $places
    RETURN collect([i, p.arxivId, p.title, p.year, true, ring]) AS hoodPapers
  }
  CALL (own) {
    UNWIND range(0, size(own) - 1) AS i
    WITH i, own[i] AS p
    MATCH (p)-[:IN_TOPIC]->(t:Topic)
    WITH t, collect(DISTINCT i) AS slots ORDER BY size(slots) DESC, t.code
    RETURN count(*) AS topicCount, collect([t.code, t.name, size(slots), 0, slots]) AS hoodTopics
  }
  CALL (r, signers) {
    UNWIND signers AS s
    WITH s.x AS x
    MATCH (x)-[a:AFFILIATED_WITH]->(i:Institution)
    WITH i, sum(CASE WHEN x = r THEN 2 ELSE 1 END
                * CASE WHEN a.works > 1 THEN a.works ELSE 1 END) AS weight
    ORDER BY weight DESC, i.id
    RETURN count(*) AS institutionCount, collect([i.id, i.name, weight]) AS hoodInstitutions
  }
  RETURN hoodPeople, hoodPapers, hoodTopics[..$places] AS hoodTopics,
    hoodInstitutions[..$places] AS hoodInstitutions,
    [size(own), size(people), topicCount, institutionCount] AS hoodTotals,
    [s IN me | s.slots][0] AS hoodCenterSlots,
    CASE WHEN size(me) = 0 THEN [] ELSE COLLECT {
      MATCH (r)-[a:AFFILIATED_WITH]->(i:Institution) RETURN [i.id, a.works]
    } END AS hoodCenterAffiliations
}
RETURN r.id AS id, r.name AS name, r.nameVariants AS nameVariants,
       worksCount, firstYear, lastYear, collaborators, close, top, topicsCount, topics, COLLECT {
         MATCH (r)-[a:AFFILIATED_WITH]->(i:Institution)
         RETURN i.name ORDER BY a.lastYear DESC, a.works DESC, i.name
       }[0] AS affiliation,
       COUNT { (r)<-[:FOLLOWS]-() } AS followers,
       coalesce(r.verificationLevel, 1) AS level,
       hoodPeople, hoodPapers, hoodTopics, hoodInstitutions, hoodTotals, hoodCenterSlots,
       hoodCenterAffiliations, worksPage
"""


def bench_server() -> LocalNeo4j:
    settings = load_settings(env_file=None)
    return LocalNeo4j(
        HOME,
        settings.cache_dir,
        settings.neo4j_version,
        heap="3g",
        pagecache="3g",
        preferred_ports=(7690, 7477),
    )


def connection(server: LocalNeo4j) -> ConnectionInfo:
    state = server.read_state()
    assert state is not None
    return ConnectionInfo(state.uri, "neo4j", state.password)


def prepare_graph(server: LocalNeo4j, papers: int, reuse: bool) -> None:
    server.start(fresh=not reuse)
    info = connection(server)
    name = f"sample+synthetic-{papers}"
    with open_driver(info) as driver:
        apply_migrations(driver, info.database)
        if driver.execute_query(MARKER, name=name).records[0]["n"]:
            print(f"graph {name} already loaded")
            return
    WORK.mkdir(parents=True, exist_ok=True)
    # Shared with bench/ingest.py; named after the generator's source, never stale.
    synthetic = WORK / f"synthetic-{papers}-{generator_fingerprint()}.jsonl.gz"
    if not synthetic.exists():
        print(f"generating {papers:,} synthetic papers -> {synthetic}")
        _run(
            [
                sys.executable,
                "-m",
                "loaders.synthetic",
                "--papers",
                str(papers),
                "--seed",
                "1",
                "--out",
                str(synthetic),
            ]
        )
    env = _env(info)
    data = str(load_settings(env_file=None).data_dir)
    for source in (data, str(synthetic)):
        print(f"loading {source}")
        started = time.perf_counter()
        _run(
            [
                sys.executable,
                "-m",
                "scholargraph.cli",
                "load",
                "arxiv",
                source,
                "--no-progress",
                "--quarantine",
                str(WORK / "api-quarantine.jsonl"),
            ],
            env,
        )
        print(f"  {time.perf_counter() - started:,.0f} s")
    with open_driver(info) as driver:
        driver.execute_query("CREATE (:BenchDataset {name: $name})", name=name)


def pick_researchers(info: ConnectionInfo) -> dict[str, list[str]]:
    with open_driver(info) as driver:
        records = driver.execute_query(
            """
            MATCH (r:Researcher) WHERE NOT r.isCollaboration
            WITH r, COUNT { (r)-[:AUTHORED]->() } AS works
            RETURN r.id AS id, works ORDER BY works DESC, r.id
            """
        ).records
    prolific = [r["id"] for r in records if r["works"] >= 100][:5]
    ordinary = [r["id"] for r in records if 3 <= r["works"] <= 8][:: max(1, len(records) // 50)][:5]
    return {"prolific (100+ works)": prolific, "ordinary (3-8 works)": ordinary}


def _env(info: ConnectionInfo, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(NEO4J_URI=info.uri, NEO4J_USER=info.user, NEO4J_PASSWORD=info.password, **extra)
    return env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def start_api(info: ConnectionInfo, port: int, dataloaders: bool) -> subprocess.Popen[bytes]:
    env = _env(
        info, SCHOLARGRAPH_DATALOADERS="1" if dataloaders else "0", SCHOLARGRAPH_QUERY_TIMEOUT="60"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "scholargraph.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the API did not start")


def api_call(client: httpx.Client, url: str, rid: str) -> dict[str, Any]:
    response = client.post(url, json={"query": PAGE, "variables": {"id": rid}})
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]["researcher"]  # type: ignore[no-any-return]


def handwritten_call(driver: Any, rid: str) -> dict[str, Any]:
    record = driver.execute_query(
        HANDWRITTEN, id=rid, maxOwn=MAX_OWN_PAPERS, places=CONTEXT_LIMIT - 1
    ).records[0]
    row: dict[str, Any] = record.data()
    # Lists into named tuples, as the API's neighbourhood query does.
    hood = neighbourhood_from_lists(
        row["id"],
        row["name"],
        row["hoodPapers"],
        row["hoodPeople"],
        row["hoodTopics"],
        row["hoodInstitutions"],
        row["hoodTotals"],
        row["hoodCenterSlots"],
        row["hoodCenterAffiliations"],
    )
    row["context"] = build_slice(hood, CONTEXT_LIMIT)
    return row


def same_page(api: dict[str, Any], hand: dict[str, Any]) -> bool:
    works_api = [
        (
            e["node"]["arxivId"],
            [a["name"] for a in e["node"]["authors"]],
            [t["code"] for t in e["node"]["topics"]],
        )
        for e in api["works"]["edges"]
    ]
    works_hand = [(w["arxivId"], w["authors"], w["topics"]) for w in hand["worksPage"]]
    return (
        api["worksCount"] == hand["worksCount"]
        and works_api == works_hand
        and (
            [(c["researcher"]["name"], c["sharedWorksCount"]) for c in api["closeCollaborators"]]
            == [(c["name"], c["shared"]) for c in hand["top"]]
        )
        and ([n["id"] for n in api["context"]["nodes"]] == [n.id for n in hand["context"].nodes])
    )


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def throughput(url: str, ids: list[str], clients: int, seconds: float) -> dict[str, float]:
    done = 0
    failures = 0
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=120) as client:

        async def worker(offset: int) -> None:
            nonlocal done, failures
            i = offset
            while time.monotonic() < deadline:
                rid = ids[i % len(ids)]
                i += 1
                response = await client.post(url, json={"query": PAGE, "variables": {"id": rid}})
                if response.status_code == 200 and "errors" not in response.json():
                    done += 1
                else:
                    failures += 1

        started = time.monotonic()
        await asyncio.gather(*(worker(k) for k in range(clients)))
        elapsed = time.monotonic() - started
    return {"requests_per_s": done / elapsed, "requests": done, "failures": failures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--warmup-seconds", type=float, default=30.0, help="per group, before timing"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the loaded bench graph")
    parser.add_argument("--keep-server", action="store_true")
    args = parser.parse_args()
    server = bench_server()
    prepare_graph(server, args.papers, args.reuse)
    info = connection(server)
    groups = pick_researchers(info)
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "papers_synthetic": args.papers,
        "groups": {},
    }
    api = start_api(info, 8091, dataloaders=True)
    unbatched = start_api(info, 8092, dataloaders=False)
    try:
        with httpx.Client(timeout=300) as client, open_driver(info) as driver:
            for group, ids in groups.items():
                if not ids:
                    print(f"no researchers in group {group!r} at this size; skipped")
                    continue
                a: list[float] = []
                b: list[float] = []
                c: list[float] = []
                agree = all(
                    same_page(api_call(client, API, rid), handwritten_call(driver, rid))
                    for rid in ids
                )
                calls = {
                    rid: (
                        partial(api_call, client, API, rid),
                        partial(handwritten_call, driver, rid),
                        partial(api_call, client, UNBATCHED, rid),
                    )
                    for rid in ids
                }
                # Warm every path: a freshly started Neo4j keeps compiling its queries for a
                # while, and (c), with ~35x more queries per page, would warm up sooner.
                warm_until = time.monotonic() + args.warmup_seconds
                while True:  # at least one pass
                    for api_page, hand_page, slow_page in calls.values():
                        api_page(), hand_page(), slow_page()
                    if time.monotonic() >= warm_until:
                        break
                # Interleaved rounds: on a shared machine, drift then hits (a), (b) and (c)
                # alike instead of whichever happened to run during a slow spell.
                slow_every = 4
                for round_ in range(args.requests):
                    for api_page, hand_page, slow_page in calls.values():
                        a.append(timed(api_page))
                        b.append(timed(hand_page))
                        if round_ % slow_every == 0:
                            c.append(timed(slow_page))
                results["groups"][group] = {
                    "researchers": ids,
                    "same_data": agree,
                    "api": {"p50": p(a, 0.5), "p95": p(a, 0.95)},
                    "handwritten": {"p50": p(b, 0.5), "p95": p(b, 0.95)},
                    "no_dataloaders": {"p50": p(c, 0.5), "p95": p(c, 0.95)},
                }
            every = [rid for ids in groups.values() for rid in ids]
            results["throughput_16_clients"] = asyncio.run(throughput(API, every, 16, args.seconds))
    finally:
        api.terminate()
        unbatched.terminate()
        if not args.keep_server:
            server.stop()
    print_summary(results)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "api.json").write_text(json.dumps(results, indent=2))


def print_summary(results: dict[str, Any]) -> None:
    print(f"\nResearcher page, {results['papers_synthetic']:,} synthetic papers + the sample")
    print(
        f"{'group':24} {'(a) API':>16} {'(b) one Cypher':>16} {'(c) no loaders':>16} "
        f"{'a/b p50':>8} {'c/a p50':>8}  same data"
    )
    for group, r in results["groups"].items():
        a, b, c = r["api"], r["handwritten"], r["no_dataloaders"]
        print(
            f"{group:24} {a['p50']:7.1f}/{a['p95']:7.1f} {b['p50']:7.1f}/{b['p95']:7.1f} "
            f"{c['p50']:7.1f}/{c['p95']:7.1f} {a['p50'] / b['p50']:8.2f} "
            f"{c['p50'] / a['p50']:8.2f}  {r['same_data']}"
        )
    t = results["throughput_16_clients"]
    print(
        f"(ms, p50/p95)   16 concurrent clients on (a): {t['requests_per_s']:.1f} requests/s "
        f"({t['requests']} requests, {t['failures']} failures)"
    )


if __name__ == "__main__":
    main()
