"""A local HTTP server on 127.0.0.1 serving feeds and article pages for the watch tests.

Each path answers what its :class:`Route` says; ETag and Last-Modified are honoured (304 on a
match), and every request's headers are kept so tests can assert conditional GETs were sent.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Request:
    """One request the server received."""

    path: str
    headers: dict[str, str]


class FeedServer:
    """The routes and request log behind a running server (see :func:`serve`)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.base = ""
        self.lock = threading.Lock()

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return self.base + path

    def requests_to(self, path: str) -> list[Request]:
        """Requests received for ``path``, oldest first."""
        with self.lock:
            return [r for r in self.requests if r.path == path]


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            with server.lock:
                server.requests.append(
                    Request(self.path, {k.lower(): v for k, v in self.headers.items()})
                )
                route = server.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.delay:
                time.sleep(route.delay)
            unchanged = (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified
            )
            status = 304 if unchanged and route.status == 200 else route.status
            self.send_response(status)
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            for name, value in route.headers.items():
                self.send_header(name, value)
            body = b"" if status == 304 else route.body
            if status != 304:
                self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The client may hang up on purpose (size cap, timeout).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    return Handler


@contextmanager
def serve() -> Iterator[FeedServer]:
    """Run a server on an ephemeral port of 127.0.0.1 for the duration of the block."""
    state = FeedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- content

_SENTENCES = (
    "{actor} test-fired a ballistic missile into the sea on {day}, officials in Seoul said.",
    "The launch was the {nth} this year and drew a swift condemnation from Washington.",
    "Analysts said the missile flew about 600 kilometres before splashing down.",
    "Foreign ministers of the region are due to meet next week to discuss the {topic}.",
)


def article_html(title: str, *, actor: str, day: str, nth: str, topic: str, date: str) -> bytes:
    """A news page: navigation and footer around an article of four paragraphs."""
    sentences = [s.format(actor=actor, day=day, nth=nth, topic=topic) for s in _SENTENCES]
    # Each paragraph leads with its own sentence, then the whole story: enough main text for
    # trafilatura, and distinct per article (the article's fields are in every sentence).
    paragraphs = "".join(f"<p>{escape(s)} {escape(' '.join(sentences))}</p>" for s in sentences)
    return (
        "<!doctype html><html><head>"
        f"<title>{escape(title)} | Example News</title>"
        f'<meta property="article:published_time" content="{date}T08:00:00Z">'
        f'<meta property="og:title" content="{escape(title)}">'
        "<script>document.write('never run')</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{escape(title)}</h1>{paragraphs}</article>"
        "<footer>Copyright Example News</footer></body></html>"
    ).encode()


def rss(title: str, items: list[dict[str, str]]) -> bytes:
    """An RSS 2.0 document; each item takes title, link, guid, pubDate, description if given."""
    parts = []
    for item in items:
        fields = "".join(
            f"<{name}>{escape(item[name])}</{name}>"
            for name in ("title", "link", "guid", "pubDate", "description")
            if name in item
        )
        parts.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.org/</link>"
        f"<description>test</description>{''.join(parts)}</channel></rss>"
    ).encode()


def atom(title: str, entries: list[dict[str, str]]) -> bytes:
    """An Atom document; each entry takes id, title, link, updated, summary if given."""
    parts = []
    for entry in entries:
        fields = ""
        if "id" in entry:
            fields += f"<id>{escape(entry['id'])}</id>"
        if "title" in entry:
            fields += f"<title>{escape(entry['title'])}</title>"
        if "link" in entry:
            fields += f'<link rel="alternate" href="{escape(entry["link"])}"/>'
        if "updated" in entry:
            fields += f"<updated>{entry['updated']}</updated>"
        if "summary" in entry:
            fields += f'<summary type="html">{escape(entry["summary"])}</summary>'
        parts.append(f"<entry>{fields}</entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:{escape(title)}</id>"
        f"<updated>2023-08-01T00:00:00Z</updated>{''.join(parts)}</feed>"
    ).encode()


def http_date(timestamp: float) -> str:
    """An HTTP date (for Last-Modified)."""
    return formatdate(timestamp, usegmt=True)
