"""A local OAI-PMH endpoint that replays real arXiv ListRecords pages.

Pages are served in order through their own resumptionTokens (the last page's token is
emptied, ending the list); `fail_first` requests answer 503 with a Retry-After header, as
arXiv does when a harvester comes too fast; a `from` later than every datestamp in the pages
answers the OAI error noRecordsMatch.
"""

from __future__ import annotations

import gzip
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

TOKEN = re.compile(rb"<resumptionToken([^>]*)>([^<]*)</resumptionToken>")
NO_RECORDS = b"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2018-06-18T00:00:00Z</responseDate>
<request verb="ListRecords">http://127.0.0.1/oai2</request>
<error code="noRecordsMatch">No records match</error>
</OAI-PMH>
"""


@dataclass
class FakeOai:
    pages: list[bytes]
    fail_first: int = 0
    retry_after: str = "1"
    requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    def page_for(self, query: dict[str, str]) -> bytes | None:
        token = query.get("resumptionToken")
        if token is None:
            since = query.get("from", "")
            stamps = re.findall(rb"<datestamp>([^<]+)</datestamp>", b"".join(self.pages))
            if not since or since <= min(stamps).decode():
                return self.pages[0]
            return self.changed_since(since)
        for index, page in enumerate(self.pages[:-1]):
            match = TOKEN.search(page)
            if match and match.group(2).decode() == token:
                return self.pages[index + 1]
        return None

    def changed_since(self, since: str) -> bytes:
        """One page with the records whose datestamp is on or after `since` (OAI: inclusive)."""
        records = [
            record
            for page in self.pages
            for record in re.findall(rb"<record>.*?</record>", page, re.S)
            if re.search(rb"<datestamp>([^<]+)</datestamp>", record).group(1).decode() >= since  # type: ignore[union-attr]
        ]
        if not records:
            return NO_RECORDS
        head = self.pages[0][: self.pages[0].index(b"<ListRecords>") + len(b"<ListRecords>")]
        return head + b"".join(records) + b"</ListRecords></OAI-PMH>"


def load_pages(folder: Path, count: int) -> list[bytes]:
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(folder.glob("*.xml.gz"))[:count]]
    total = str(sum(len(re.findall(rb"<record>", p)) for p in pages)).encode()

    def fix(page: bytes, last: bool) -> bytes:
        def replace(match: re.Match[bytes]) -> bytes:
            attributes = re.sub(rb'completeListSize="\d+"', b'completeListSize="' + total + b'"',
                                match.group(1))  # fmt: skip
            return (
                b"<resumptionToken"
                + attributes
                + b">"
                + (b"" if last else match.group(2))
                + (b"</resumptionToken>")
            )

        return TOKEN.sub(replace, page)

    return [fix(page, i == len(pages) - 1) for i, page in enumerate(pages)]


@contextmanager
def serve(fake: FakeOai) -> Iterator[FakeOai]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
            fake.requests.append(query)
            if len(fake.requests) <= fake.fail_first:
                self.send_response(503)
                self.send_header("Retry-After", fake.retry_after)
                self.end_headers()
                return
            body = fake.page_for(query)
            if body is None:
                self.send_response(400)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/oai2"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
