"""A TCP proxy to Neo4j's Bolt port that loses the answers to some COMMITs.

The worst moment for a restart or a network failure is between a transaction's COMMIT and its
answer: the server has committed, the client cannot know, and the driver raises
`IncompleteCommit` instead of retrying. A real restart hits that window rarely; this proxy hits
it on purpose. Every `every`-th COMMIT a client sends is forwarded, the server's answer is
awaited (the transaction is then settled, normally committed) and dropped, and both
connections are cut.

With another `trigger` (bytes of a query's text, found once in it) the connection is cut on
the server's first bytes after the message carrying it is forwarded: an auto-commit
statement's answer is lost, whether it ran or not. `limit` caps the number of cuts.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType

# A COMMIT message alone in a chunk: size 2, tiny struct with no fields, signature 0x12, end.
COMMIT = b"\x00\x02\xb0\x12\x00\x00"


class CommitCutter:
    def __init__(
        self,
        upstream: tuple[str, int],
        every: int,
        *,
        trigger: bytes = COMMIT,
        limit: int | None = None,
    ) -> None:
        self.upstream = upstream
        self.every = every
        self.trigger = trigger
        self.limit = limit
        self.commits = 0  # messages carrying the trigger
        self.cuts = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._closed = False

    def __enter__(self) -> CommitCutter:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._closed = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()  # the client sees a lost connection, as it would
                continue
            cut = threading.Event()
            threading.Thread(
                target=self._to_server, args=(client, server, cut), daemon=True
            ).start()
            threading.Thread(
                target=self._to_client, args=(server, client, cut), daemon=True
            ).start()

    def _to_server(
        self, client: socket.socket, server: socket.socket, cut: threading.Event
    ) -> None:
        tail = b""
        while data := _receive(client):
            seen = tail + data
            if self.trigger in seen and self._should_cut():
                cut.set()
            tail = seen[-(len(self.trigger) - 1) :]
            try:
                server.sendall(data)
            except OSError:
                break
        _close(client, server)

    def _to_client(
        self, server: socket.socket, client: socket.socket, cut: threading.Event
    ) -> None:
        while data := _receive(server):
            if cut.is_set():  # the answer to the COMMIT: the transaction is committed
                with self._lock:
                    self.cuts += 1
                break
            try:
                client.sendall(data)
            except OSError:
                break
        _close(client, server)

    def _should_cut(self) -> bool:
        with self._lock:
            self.commits += 1
            cutting = self.commits % self.every == 0
            if cutting and self.limit is not None:
                cutting = self.commits // self.every <= self.limit
            return cutting


def _receive(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def _close(*sockets: socket.socket) -> None:
    for sock in sockets:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
