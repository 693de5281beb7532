"""Opening data files (gzip transparently) and streaming XML elements with bounded memory."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO, cast

from lxml import etree

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

GZIP_MAGIC = b"\x1f\x8b"
# What a cut-off or corrupt input raises while being read: lxml on bad XML, gzip/zlib on a
# truncated or damaged compressed stream.
READ_ERRORS: tuple[type[Exception], ...] = (
    etree.XMLSyntaxError,
    EOFError,
    zlib.error,
    gzip.BadGzipFile,
)


@contextmanager
def open_binary(path: Path) -> Iterator[BinaryIO]:
    """Open `path` for binary reading, decompressing gzip whatever the file is named."""
    with path.open("rb") as raw:
        magic = raw.read(2)
        raw.seek(0)
        if magic == GZIP_MAGIC:
            yield cast(BinaryIO, _GunzipReader(raw))
        else:
            yield raw


_CHUNK = 1 << 16


class _GunzipReader(io.RawIOBase):
    """Gzip decompression that hands out every byte it could decompress before a break.

    `gzip.GzipFile` (and `io.BufferedReader` over any raw stream) raise EOFError for a
    truncated file and drop the bytes already decompressed in that call. Here reads are
    short instead: data reaches the parser first and the error comes on the next read, so
    every record before the truncation point is still parsed. Concatenated gzip members are
    supported.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._inflater = zlib.decompressobj(wbits=31)
        self._pending = b""
        self._member_open = True
        self._done = False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        while not self._pending and not self._done:
            self._inflate_next_chunk()
        limit = len(self._pending) if size is None or size < 0 else size
        data, self._pending = self._pending[:limit], self._pending[limit:]
        return data

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        while b"\n" not in self._pending and not self._done:
            self._inflate_next_chunk(keep_pending=True)
        end = self._pending.find(b"\n") + 1 or len(self._pending)
        if size is not None and size >= 0:
            end = min(end, size)
        line, self._pending = self._pending[:end], self._pending[end:]
        return line

    def _inflate_next_chunk(self, keep_pending: bool = False) -> None:
        chunk = self._raw.read(_CHUNK)
        if not chunk:
            self._done = True
            if self._member_open:
                raise EOFError("compressed file ended before the end-of-stream marker was reached")
            return
        pieces = [self._pending] if keep_pending else []
        while chunk:
            if self._inflater.eof:
                self._inflater = zlib.decompressobj(wbits=31)
            pieces.append(self._inflater.decompress(chunk))
            chunk = self._inflater.unused_data if self._inflater.eof else b""
        self._pending = b"".join(pieces)
        self._member_open = not self._inflater.eof


def read_head(path: Path, size: int = 4096) -> bytes:
    """The first `size` decompressed bytes (less if the file is shorter or truncated)."""
    with open_binary(path) as stream:
        try:
            return stream.read(size)
        except (EOFError, zlib.error, gzip.BadGzipFile):
            return b""


def local_name(element: etree._Element) -> str:
    """The tag without its namespace: arXiv files disagree about namespaces (see SOURCES.md)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def child(element: etree._Element, name: str) -> etree._Element | None:
    for node in element:
        if local_name(node) == name:
            return node
    return None


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [node for node in element if local_name(node) == name]


def text_of(element: etree._Element | None) -> str | None:
    """All text inside `element`, or None when absent or blank."""
    if element is None:
        return None
    # Leaf elements (nearly all fields) skip the itertext() generator.
    text = "".join(str(t) for t in element.itertext()) if len(element) else element.text or ""
    return text if text.strip() else None


def child_text(element: etree._Element, name: str) -> str | None:
    return text_of(child(element, name))


class Fields:
    """The children of one element grouped by local name in a single pass.

    Records are read field by field; scanning the children once instead of once per field
    roughly halves XML parsing time.
    """

    __slots__ = ("_by_name",)

    def __init__(self, element: etree._Element) -> None:
        self._by_name: dict[str, list[etree._Element]] = {}
        for node in element:
            tag = node.tag
            if isinstance(tag, str):
                self._by_name.setdefault(tag.rpartition("}")[2], []).append(node)

    def first(self, name: str) -> etree._Element | None:
        found = self._by_name.get(name)
        return found[0] if found else None

    def all(self, name: str) -> list[etree._Element]:
        return self._by_name.get(name, [])

    def text(self, name: str) -> str | None:
        return text_of(self.first(name))


def iter_elements(stream: IO[bytes], names: frozenset[str]) -> Iterator[etree._Element]:
    """Yield each completed element whose local name is in `names`, then free it.

    The caller must finish with an element before asking for the next one: it is cleared
    and its already-seen siblings deleted, so memory stays flat however long the file is.
    Read errors (truncation, bad XML, bad gzip) propagate to the caller, which knows how
    many records it had and can report where the file broke.
    """
    tags = [f"{{*}}{name}" for name in sorted(names)]
    context = etree.iterparse(
        stream, events=("end",), tag=tags, huge_tree=True, resolve_entities=False, no_network=True
    )
    for _event, element in context:
        yield element
        element.clear(keep_tail=False)
        parent = element.getparent()
        while element.getprevious() is not None and parent is not None:
            del parent[0]
