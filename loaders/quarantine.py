"""The quarantine: rejected records as JSON lines, each saying where it came from and why."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import orjson

from loaders.records import RejectedRecord


class Quarantine:
    """Appends rejected records to a JSON-lines file, once each.

    A resumed load meets again the records it rejected before the crash; the (source, location)
    pairs already in the file are read at start so they are not written twice.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._seen: set[tuple[str, int]] = set()
        if path.exists():
            for line in path.read_bytes().splitlines():
                try:
                    entry = orjson.loads(line)
                    self._seen.add((entry["source"], entry[entry.get("kind", "line")]))
                except (orjson.JSONDecodeError, KeyError, TypeError):
                    continue  # a torn last line from a crash: the record comes round again
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "ab")  # noqa: SIM115 - closed in close()

    def add(self, rejected: RejectedRecord) -> None:
        self.count += 1
        key = (rejected.source, rejected.location)
        if key in self._seen:
            return
        self._seen.add(key)
        entry = {
            "source": rejected.source,
            rejected.location_kind: rejected.location,
            "kind": rejected.location_kind,
            "id": rejected.arxiv_id,
            "reason": rejected.reason,
        }
        self._file.write(orjson.dumps(entry) + b"\n")

    def sync(self) -> None:
        """Make what was written durable (called before each batch's checkpoint commits)."""
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if not self._file.closed:
            self.sync()
            self._file.close()

    def __enter__(self) -> Quarantine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
