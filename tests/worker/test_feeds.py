"""Feeds from a local HTTP server: parsing, hostile input, limits, page extraction, backoff."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from common.errors import InputError
from common.settings import Settings
from models.engine import make_engine, session_scope
from models.feed_repository import FeedState, backoff_delay, feed_states
from models.migrate import upgrade
from tests.feed_server import FeedServer, Route, article_html, atom, rss, serve
from worker.feeds import FeedFormatError, parse_feed, poll_feed
from worker.http_fetch import FetchError, FetchLimits, check_feed_url, fetch, make_client
from worker.watch import poll_once

#: The feed server is on 127.0.0.1: private addresses allowed, as an intranet deployment would.
LIMITS = FetchLimits(timeout=5.0, max_bytes=200_000, max_redirects=3, allow_private_addresses=True)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with serve() as running:
        yield running


def _state(url: str, **kw: object) -> FeedState:
    values: dict[str, object] = dict(
        id=1,
        url=url,
        title=None,
        etag=None,
        last_modified=None,
        last_checked=None,
        last_ok=None,
        consecutive_failures=0,
        next_attempt_at=None,
        last_error=None,
    )
    values.update(kw)
    return FeedState(**values)  # type: ignore[arg-type]


def _page(n: int, title: str) -> bytes:
    return article_html(
        title, actor=f"State{n}", day="Tuesday", nth=f"{n}th", topic=f"topic {n}", date="2023-08-01"
    )


HOSTILE_RSS = rss(
    "Hostile",
    [
        {"title": "Relative", "link": "/news/1.html", "guid": "g-1"},
        {
            "title": "Script link",
            "link": "javascript:alert(1)",
            "description": "<p>Short <b>one</b></p>",
        },
        {"title": "File link", "link": "file:///etc/passwd", "guid": "g-3"},
        {"description": "<script>alert(1)</script><p>Only a summary here.</p>"},
        {"title": "Relative", "link": "/news/1.html", "guid": "g-1"},  # listed twice
    ],
)


def test_entries_are_resolved_checked_and_keyed(server: FeedServer) -> None:
    import httpx

    url = server.url("/feeds/hostile.xml")
    title, entries = parse_feed(HOSTILE_RSS, url=url, headers=httpx.Headers())
    assert title == "Hostile"
    assert len(entries) == 4  # the repeated entry once
    relative, script, file_link, bare = entries
    assert relative.url == server.url("/news/1.html")
    assert script.url is None and script.key.startswith("text:")  # no id, no usable link
    assert script.summary == "Short one"
    assert file_link.url is None and file_link.key.startswith("id:")
    assert bare.url is None and bare.title is None
    assert bare.summary == "Only a summary here."  # the script is dropped, never run
    assert len({e.key for e in entries}) == 4


def test_atom_entries_with_dates(server: FeedServer) -> None:
    import httpx

    body = atom(
        "Atom",
        [
            {
                "id": "urn:a:1",
                "title": "One",
                "link": "one.html",
                "updated": "2023-07-30T10:00:00Z",
            },
            {"title": "No id", "link": "http://EXAMPLE.org:80/two.html#top", "summary": "<i>x</i>"},
        ],
    )
    _title, (one, two) = parse_feed(body, url=server.url("/a/atom.xml"), headers=httpx.Headers())
    assert (one.key, one.url, one.published) == (
        "id:urn:a:1",
        server.url("/a/one.html"),
        date(2023, 7, 30),
    )
    assert two.key == "link:http://example.org/two.html"  # normalised: host case, port, fragment


@pytest.mark.parametrize(
    "body",
    [b"", b"\x00\xff garbage \x89PNG", b"<html><body><p>Just a page</p></body></html>", b"<rss"],
)
def test_garbage_is_not_a_feed(body: bytes) -> None:
    import httpx

    with pytest.raises(FeedFormatError, match="not an RSS/Atom feed"):
        parse_feed(body, url="http://127.0.0.1/x", headers=httpx.Headers())


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "data:text/xml,<rss/>", "ftp://host/feed", "javascript:x", "http://"],
)
def test_only_http_feed_urls(url: str) -> None:
    with pytest.raises(InputError) as info:
        check_feed_url(url)
    assert url in str(info.value)


def test_fetch_limits(server: FeedServer) -> None:
    server.routes["/loop-a"] = Route(status=302, headers={"Location": "/loop-b"})
    server.routes["/loop-b"] = Route(status=302, headers={"Location": "/loop-a"})
    server.routes["/to-file"] = Route(status=301, headers={"Location": "file:///etc/passwd"})
    server.routes["/big"] = Route(body=b"x" * 300_000)
    server.routes["/slow"] = Route(body=b"late", delay=2.0)
    server.routes["/fail"] = Route(status=500, body=b"oops")
    server.routes["/moved"] = Route(status=301, headers={"Location": "/ok"})
    server.routes["/ok"] = Route(body=b"fine")
    with make_client(LIMITS) as client:
        with pytest.raises(FetchError, match="redirect loop"):
            fetch(client, server.url("/loop-a"), limits=LIMITS)
        with pytest.raises(FetchError, match="only http and https"):
            fetch(client, server.url("/to-file"), limits=LIMITS)
        with pytest.raises(FetchError, match="over the limit"):
            fetch(client, server.url("/big"), limits=LIMITS)
        with pytest.raises(FetchError, match="HTTP 500"):
            fetch(client, server.url("/fail"), limits=LIMITS)
        result = fetch(client, server.url("/moved"), limits=LIMITS)
        assert (result.url, result.body) == (server.url("/ok"), b"fine")
    quick = FetchLimits(timeout=0.5, max_bytes=1000, max_redirects=0, allow_private_addresses=True)
    with make_client(quick) as client:
        with pytest.raises(FetchError, match="timed out"):
            fetch(client, server.url("/slow"), limits=quick)
        with pytest.raises(FetchError, match="more than 0 redirects"):
            fetch(client, server.url("/moved"), limits=quick)


def test_poll_extracts_pages_and_falls_back_to_the_summary(server: FeedServer) -> None:
    server.routes["/feed.xml"] = Route(
        body=rss(
            "Wire",
            [
                {
                    "title": "Feed title one",
                    "link": "/p/1.html",
                    "guid": "1",
                    "pubDate": "Mon, 31 Jul 2023 09:00:00 GMT",
                },
                {
                    "title": "Gone page",
                    "link": "/p/missing.html",
                    "guid": "2",
                    "pubDate": "Sun, 30 Jul 2023 09:00:00 GMT",
                    "description": "<p>Seoul said Pyongyang fired two missiles.</p>",
                },
                {"title": "Seen already", "link": "/p/3.html", "guid": "3"},
            ],
        ),
        content_type="application/rss+xml",
        etag='"v1"',
    )
    server.routes["/p/1.html"] = Route(body=_page(1, "Page headline one"))
    with make_client(LIMITS) as client:
        outcome = poll_feed(
            _state(server.url("/feed.xml")),
            client=client,
            limits=LIMITS,
            seen_keys=lambda keys: {k for k in keys if k.endswith("3")},
            max_chars=200_000,
        )
    assert outcome.error is None and outcome.etag == '"v1"' and outcome.seen == 1
    assert server.requests_to("/p/3.html") == []  # a seen item's page is never fetched
    gone, one = (item.article for item in outcome.new_items)  # oldest first
    assert one is not None and gone is not None
    assert one.title == "Page headline one"
    assert one.published == date(2023, 8, 1)  # the page's own date wins
    assert "State1 test-fired a ballistic missile" in one.text
    assert "Home" not in one.text and "Copyright" not in one.text and "never run" not in one.text
    assert one.url == server.url("/p/1.html") and one.source == "Wire"
    assert gone.text == "Seoul said Pyongyang fired two missiles."
    assert (gone.title, gone.published) == ("Gone page", date(2023, 7, 30))


def test_conditional_get_answers_not_modified(server: FeedServer) -> None:
    server.routes["/feed.xml"] = Route(body=rss("Wire", []), etag='"v7"', last_modified="x")
    with make_client(LIMITS) as client:
        outcome = poll_feed(
            _state(server.url("/feed.xml"), etag='"v7"', last_modified="x"),
            client=client,
            limits=LIMITS,
            seen_keys=lambda keys: set(),
            max_chars=1000,
        )
    assert outcome.not_modified and outcome.error is None
    (request,) = server.requests_to("/feed.xml")
    assert request.headers["if-none-match"] == '"v7"'
    assert request.headers["if-modified-since"] == "x"


def test_backoff_doubles_up_to_the_cap() -> None:
    delays = [backoff_delay(n, base_seconds=60, max_seconds=600) for n in range(1, 7)]
    assert delays == [timedelta(seconds=s) for s in (60, 120, 240, 480, 600, 600)]
    assert backoff_delay(10_000, base_seconds=60, max_seconds=3600) == timedelta(hours=1)


def test_a_failing_feed_backs_off_and_never_stops_the_others(
    server: FeedServer, database_url: str
) -> None:
    """Stored state on both dialects: failure counted, next try pushed out, good feed stored."""
    import threading

    upgrade(database_url)
    engine = make_engine(database_url)
    server.routes["/bad.xml"] = Route(status=500)
    server.routes["/good.xml"] = Route(
        body=rss("Good", [{"title": "T", "link": "/p/1.html", "guid": "g1"}]), etag='"1"'
    )
    server.routes["/p/1.html"] = Route(body=_page(1, "One"))
    sent: list[list[int]] = []
    settings = Settings(
        database_url=database_url,
        feed_retry_seconds=120,
        batch_size=4,
        fetch_private_addresses=True,
    )
    urls = [server.url("/bad.xml"), server.url("/good.xml")]
    try:
        kwargs = dict(engine=engine, send=sent.extend, settings=settings, stop=threading.Event())
        reports = {r.url: r for r in poll_once(urls, **kwargs)}  # type: ignore[arg-type]
        assert reports[urls[0]].error == "HTTP 500 Internal Server Error"
        assert reports[urls[0]].failures == 1
        assert reports[urls[1]].new == 1 and len(sent) == 1
        with session_scope(engine) as session:
            states = {s.url: s for s in feed_states(session)}
        bad = states[urls[0]]
        assert bad.consecutive_failures == 1 and bad.last_error == "HTTP 500 Internal Server Error"
        assert bad.next_attempt_at is not None and bad.last_checked is not None
        assert bad.next_attempt_at - bad.last_checked == timedelta(seconds=120)
        assert states[urls[1]].etag == '"1"' and states[urls[1]].last_ok is not None
        # The bad feed waits out its backoff; the good one answers 304.
        again = poll_once(urls, **kwargs)  # type: ignore[arg-type]
        assert [(r.url, r.not_modified) for r in again] == [(urls[1], True)]
        assert len(server.requests_to("/bad.xml")) == 1 and len(sent) == 1
    finally:
        engine.dispose()


def _poller(database_url: str, **overrides: object):  # type: ignore[no-untyped-def]
    """``poll_once`` on the test database with the feed server allowed; returns (poll, sent,
    engine)."""
    import threading

    upgrade(database_url)
    engine = make_engine(database_url)
    values: dict[str, object] = dict(
        database_url=database_url, batch_size=4, fetch_private_addresses=True
    )
    values.update(overrides)
    settings = Settings(**values)  # type: ignore[arg-type]
    sent: list[list[int]] = []

    def poll(url: str):  # type: ignore[no-untyped-def]
        [report] = poll_once(
            [url], engine=engine, send=sent.extend, settings=settings, stop=threading.Event()
        )
        return report

    return poll, sent, engine


def _feed_state(engine, url: str) -> FeedState:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return next(s for s in feed_states(session) if s.url == url)


def test_entries_past_the_cap_are_kept_for_the_next_poll(
    server: FeedServer, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap is on new entries: the rest are unrecorded, and the next poll (a full GET, not
    a 304, since the first left entries behind) takes them; then the feed is done."""
    import worker.feeds

    monkeypatch.setattr(worker.feeds, "MAX_ENTRIES_PER_POLL", 3)
    items = [
        {"guid": f"e{n}", "title": f"Entry {n}", "description": f"<p>Story number {n}.</p>"}
        for n in range(5, 0, -1)  # newest first, as feeds list them
    ]
    server.routes["/big.xml"] = Route(body=rss("Big", items), etag='"v1"')
    url = server.url("/big.xml")
    poll, sent, engine = _poller(database_url)
    try:
        first = poll(url)
        assert (first.new, first.more, first.seen) == (3, True, 0)
        assert _feed_state(engine, url).etag is None  # entries left: no validators kept
        second = poll(url)
        assert "if-none-match" not in server.requests_to("/big.xml")[-1].headers
        assert (second.new, second.more, second.seen) == (2, False, 3)
        assert _feed_state(engine, url).etag == '"v1"'
        assert poll(url).not_modified
        with engine.connect() as conn:
            texts = [row[0] for row in conn.execute(text("SELECT text FROM article ORDER BY id"))]
        assert texts == [f"Story number {n}." for n in range(1, 6)]  # oldest first, each once
        assert sorted(i for batch in sent for i in batch) == list(range(1, 6))
    finally:
        engine.dispose()


def test_an_entry_without_text_is_retried_then_given_up(
    server: FeedServer, database_url: str
) -> None:
    """An entry whose page fails and that has no summary is not seen: the next poll tries it
    again (and stores it once the page answers); after EVENTWIRE_FEED_ITEM_ATTEMPTS failures
    it is recorded as seen. A page that answers without an article is final at once."""
    server.routes["/f.xml"] = Route(
        body=rss(
            "Bare",
            [
                {"guid": "flaky", "link": "/p/flaky.html"},
                {"guid": "dead", "link": "/p/dead.html"},
                {"guid": "blank", "link": "/p/blank.html"},
            ],
        ),
        etag='"f1"',
    )
    server.routes["/p/flaky.html"] = Route(status=503)
    server.routes["/p/dead.html"] = Route(status=500)
    server.routes["/p/blank.html"] = Route(body=b"<html><body></body></html>")
    url = server.url("/f.xml")
    poll, sent, engine = _poller(database_url, feed_item_attempts=2)
    try:
        first = poll(url)
        assert (first.new, first.retrying, first.empty, first.gave_up) == (0, 2, 1, 0)
        assert _feed_state(engine, url).etag is None  # retries pending: the next GET is full
        server.routes["/p/flaky.html"] = Route(body=_page(7, "Back again"))
        second = poll(url)
        assert (second.new, second.retrying, second.empty, second.gave_up) == (1, 0, 1, 1)
        assert second.seen == 1  # blank
        assert _feed_state(engine, url).etag == '"f1"'
        assert poll(url).not_modified
        assert [len(server.requests_to(f"/p/{p}.html")) for p in ("flaky", "dead", "blank")] == [
            2,
            2,
            1,
        ]
        with engine.connect() as conn:
            rows = {  # feedparser resolves the guids against the feed URL: keep their ends
                row[0].rsplit("/", 1)[1]: tuple(row[1:])
                for row in conn.execute(
                    text("SELECT item_key, attempts, pending, article_id IS NULL FROM feed_item")
                )
            }
        assert rows == {
            "flaky": (1, False, False),
            "dead": (2, False, True),
            "blank": (0, False, True),
        }
        assert len(sent) == 1
    finally:
        engine.dispose()
