"""A canonical picture of the whole graph, for "same graph" assertions."""

from __future__ import annotations

from typing import Any

from neo4j import Driver

PAPERS = """
MATCH (p:Paper)
RETURN p.arxivId AS id, properties(p) AS props,
       COLLECT { MATCH (p)<-[a:AUTHORED]-(r) RETURN [a.position, r.id, a.institutionIds]
                 ORDER BY a.position } AS authors,
       COLLECT { MATCH (p)-[t:IN_TOPIC]->(x) RETURN [x.code, t.primary] ORDER BY x.code } AS topics
ORDER BY id
"""
RESEARCHERS = """
MATCH (r:Researcher)
RETURN r.id AS id, properties(r) AS props,
       COLLECT { MATCH (r)-[f:AFFILIATED_WITH]->(i)
                 RETURN [i.id, f.works, f.firstYear, f.lastYear] ORDER BY i.id } AS affiliations
ORDER BY id
"""
OTHERS = """
MATCH (n) WHERE n:Topic OR n:Institution
RETURN labels(n) AS labels, properties(n) AS props ORDER BY labels[0], coalesce(n.code, n.id)
"""
COUNTS = """
CALL () { MATCH (n) WHERE NOT n:SchemaMigration AND NOT n:IngestCheckpoint
          RETURN labels(n)[0] AS kind, count(*) AS n
          UNION ALL
          MATCH ()-[r]->() RETURN type(r) AS kind, count(*) AS n }
RETURN kind, sum(n) AS n ORDER BY kind
"""


def counts(driver: Driver) -> dict[str, int]:
    records, _, _ = driver.execute_query(COUNTS)
    return {r["kind"]: r["n"] for r in records}


def snapshot(driver: Driver) -> dict[str, Any]:
    out: dict[str, Any] = {"counts": counts(driver)}
    for name, query in (("papers", PAPERS), ("researchers", RESEARCHERS), ("others", OTHERS)):
        records, _, _ = driver.execute_query(query)
        out[name] = [_plain(r.data()) for r in records]
    return out


def assert_same_graph(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    found = differences(expected, actual)
    assert not found, "the graphs differ:\n" + "\n".join(found)


def differences(expected: dict[str, Any], actual: dict[str, Any], limit: int = 8) -> list[str]:
    """The first ways two snapshots differ, by entity and property, for an assertion message.

    Empty when they are equal. A rare mismatch (say after a restart at an unlucky moment) can
    then be diagnosed from the test's output alone.
    """
    found: list[str] = []
    for kind in sorted(set(expected["counts"]) | set(actual["counts"])):
        was, now = expected["counts"].get(kind), actual["counts"].get(kind)
        if was != now:
            found.append(f"count of {kind}: {was} != {now}")
    for section in ("papers", "researchers", "others"):
        before = {_key(entry): entry for entry in expected[section]}
        after = {_key(entry): entry for entry in actual[section]}
        for key in sorted(set(before) | set(after)):
            if key not in after:
                found.append(f"{section} {key}: only in the first graph")
            elif key not in before:
                found.append(f"{section} {key}: only in the second graph")
            elif before[key] != after[key]:
                found.extend(_changed(f"{section} {key}", before[key], after[key]))
    if len(found) > limit:
        found = [*found[:limit], f"... and {len(found) - limit} more"]
    return found


ABSENT = "<absent>"


def _key(entry: dict[str, Any]) -> str:
    props = entry.get("props") or {}
    return str(entry.get("id") or props.get("code") or props.get("id"))


def _changed(where: str, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for field in sorted(set(before) | set(after)):
        was, now = before.get(field, ABSENT), after.get(field, ABSENT)
        if field == "props" and isinstance(was, dict) and isinstance(now, dict):
            out.extend(
                f"{where}.{name}: {was.get(name, ABSENT)!r} != {now.get(name, ABSENT)!r}"
                for name in sorted(set(was) | set(now))
                if was.get(name, ABSENT) != now.get(name, ABSENT)
            )
        elif was != now:
            out.append(f"{where}.{field}: {was!r} != {now!r}")
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        # Times of computation, not data: they differ between two runs over the same input.
        return {k: _plain(v) for k, v in value.items() if k not in {"updatedAt", "trustUpdatedAt"}}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
