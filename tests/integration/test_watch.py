"""``eventwire watch`` end to end: a local feed server, the CLI in subprocesses, real Redis and
a real database (SQLite and PostgreSQL through the ``database_url`` fixture).

Each run is a new process, so every second run is also a restart: what the first one saw must
come from the database, not from memory.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import text

from models.engine import make_engine
from tests.conftest import cli_env
from tests.feed_server import FeedServer, Route, article_html, atom, rss, serve

pytestmark = pytest.mark.integration
#: The feed server is on 127.0.0.1, which watch refuses unless told it is an intranet.
LOCAL_FEEDS = {"EVENTWIRE_FEED_TIMEOUT_SECONDS": "5", "EVENTWIRE_FETCH_PRIVATE_ADDRESSES": "true"}

RSS_ITEMS = [
    {
        "title": "Launch one",
        "link": "/rss/1.html",
        "guid": "rss-1",
        "pubDate": "Tue, 01 Aug 2023 08:00:00 GMT",
    },
    {
        "title": "Launch two",
        "link": "/rss/2.html",
        "guid": "rss-2",
        "pubDate": "Mon, 31 Jul 2023 08:00:00 GMT",
    },
]
ATOM_ENTRIES = [
    {
        "id": "urn:atom:1",
        "title": "Talks one",
        "link": "/atom/1.html",
        "updated": "2023-08-02T08:00:00Z",
    },
    {
        "id": "urn:atom:2",
        "title": "Talks two",
        "link": "/atom/2.html",
        "updated": "2023-08-03T08:00:00Z",
    },
]


def _page(path: str, title: str) -> Route:
    n = sum(map(ord, path))  # distinct text per page, so content hashes differ
    return Route(
        body=article_html(
            title, actor=f"Country{n}", day="Tuesday", nth=f"{n}th", topic=path, date="2023-08-01"
        )
    )


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with serve() as running:
        running.routes["/rss.xml"] = Route(
            body=rss("RSS wire", RSS_ITEMS), content_type="application/rss+xml", etag='"rss-v1"'
        )
        running.routes["/atom.xml"] = Route(
            body=atom("Atom wire", ATOM_ENTRIES),
            content_type="application/atom+xml",
            last_modified="Wed, 02 Aug 2023 08:00:00 GMT",
        )
        for item in RSS_ITEMS + ATOM_ENTRIES:
            running.routes[item["link"]] = _page(item["link"], item["title"])
        yield running


@pytest.fixture
def env(database_url: str, redis_url: str, queue_name: str) -> dict[str, str]:
    return cli_env(database_url, redis_url, queue_name, **LOCAL_FEEDS)


def eventwire(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "eventwire", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def queued_ids(env: dict[str, str]) -> list[int]:
    """Every article id in the test queue's messages (ids may repeat if sent twice)."""
    client = redis.Redis.from_url(env["EVENTWIRE_REDIS_URL"])
    try:
        messages = client.hvals(f"dramatiq:{env['EVENTWIRE_QUEUE_NAME']}.msgs")
    finally:
        client.close()
    return sorted(i for raw in messages for i in json.loads(raw)["args"][0])


def articles(env: dict[str, str]) -> list[tuple[int, str, str]]:
    engine = make_engine(env["EVENTWIRE_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, url, title FROM article ORDER BY id"))
            return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        engine.dispose()


def test_watch_enqueues_each_item_once_and_resumes(server: FeedServer, env: dict[str, str]) -> None:
    feeds = (server.url("/rss.xml"), server.url("/atom.xml"))
    out = ok(eventwire(env, "watch", *feeds, "--once"))
    assert f"feed {feeds[0]}: 2 new" in out and f"feed {feeds[1]}: 2 new" in out
    stored = articles(env)
    assert {(url, title) for _id, url, title in stored} == {
        (server.url(item["link"]), item["title"]) for item in RSS_ITEMS + ATOM_ENTRIES
    }
    assert queued_ids(env) == [row[0] for row in stored]

    # A new process: conditional GETs, nothing fetched or queued again.
    out = ok(eventwire(env, "watch", *feeds, "--once"))
    assert f"feed {feeds[0]}: not modified" in out and f"feed {feeds[1]}: not modified" in out
    assert server.requests_to("/rss.xml")[-1].headers["if-none-match"] == '"rss-v1"'
    assert (
        server.requests_to("/atom.xml")[-1].headers["if-modified-since"]
        == "Wed, 02 Aug 2023 08:00:00 GMT"
    )
    assert all(len(server.requests_to(i["link"])) == 1 for i in RSS_ITEMS + ATOM_ENTRIES)
    assert len(queued_ids(env)) == 4

    # The RSS feed gains one item (a new ETag): exactly that one is fetched and queued.
    new_item = {"title": "Launch three", "link": "/rss/3.html", "guid": "rss-3"}
    server.routes["/rss.xml"] = Route(body=rss("RSS wire", [new_item, *RSS_ITEMS]), etag='"rss-v2"')
    server.routes["/rss/3.html"] = _page("/rss/3.html", "Launch three")
    out = ok(eventwire(env, "watch", *feeds, "--once"))
    assert f"feed {feeds[0]}: 1 new, 0 duplicate, 0 without text, 2 seen before" in out
    assert [r.path for r in server.requests if r.path.startswith("/rss/")].count("/rss/1.html") == 1
    ids = queued_ids(env)
    assert len(ids) == 5 == len(set(ids)) == len(articles(env))
    assert articles(env)[-1][1:] == (server.url("/rss/3.html"), "Launch three")


def test_failing_feeds_are_reported_and_the_good_one_still_processed(
    server: FeedServer, sqlite_url: str, redis_url: str, queue_name: str
) -> None:
    env = cli_env(sqlite_url, redis_url, queue_name, **LOCAL_FEEDS)
    server.routes["/500.xml"] = Route(status=500, body=b"down")
    server.routes["/garbage.xml"] = Route(body=b"\x89PNG\r\n not xml <<<", content_type="text/xml")
    feeds = (server.url("/500.xml"), server.url("/garbage.xml"), server.url("/rss.xml"))
    result = eventwire(env, "watch", *feeds, "--once")
    out = ok(result)
    assert f"feed {feeds[0]}: FAILED (1 in a row): HTTP 500" in out
    assert f"feed {feeds[1]}: FAILED (1 in a row): not an RSS/Atom feed" in out
    assert f"feed {feeds[2]}: 2 new" in out
    assert "failed (1 in a row)" in result.stderr  # the log line
    assert len(queued_ids(env)) == 2

    status = eventwire(env, "watch", "--status")
    assert status.returncode == 1  # a feed is failing
    lines = {line.split()[0]: line for line in status.stdout.splitlines()[2:]}
    assert "HTTP 500" in lines[feeds[0]] and "not an RSS/Atom feed" in lines[feeds[1]]
    assert lines[feeds[2]].split()[-1] == "0"  # no failures, no error

    # Restart: the failing feeds wait out their backoff; the good one is not modified.
    out = ok(eventwire(env, "watch", *feeds, "--once"))
    assert out.strip() == f"feed {feeds[2]}: not modified"
    assert len(server.requests_to("/500.xml")) == 1


def test_non_http_feed_urls_are_refused(sqlite_url: str, redis_url: str, queue_name: str) -> None:
    env = cli_env(sqlite_url, redis_url, queue_name)
    result = eventwire(env, "watch", "file:///etc/passwd", "--once")
    assert result.returncode == 1
    assert "file:///etc/passwd" in result.stderr and "only http and https" in result.stderr


def test_feeds_on_private_addresses_are_refused_by_default(
    server: FeedServer, sqlite_url: str, redis_url: str, queue_name: str
) -> None:
    env = cli_env(sqlite_url, redis_url, queue_name, EVENTWIRE_FEED_TIMEOUT_SECONDS="5")
    feed = server.url("/rss.xml")
    result = eventwire(env, "watch", feed, "--once")
    assert f"feed {feed}: FAILED (1 in a row)" in result.stdout
    assert "at 127.0.0.1, a loopback address" in result.stdout
    assert "EVENTWIRE_FETCH_PRIVATE_ADDRESSES=true" in result.stdout
    assert server.requests == []  # refused before connecting, not after
    assert queued_ids(env) == []


def test_sigterm_stops_watch_between_polls(
    server: FeedServer, sqlite_url: str, redis_url: str, queue_name: str
) -> None:
    env = cli_env(sqlite_url, redis_url, queue_name, **LOCAL_FEEDS)
    process = subprocess.Popen(
        [sys.executable, "-m", "eventwire", "watch", server.url("/rss.xml"), "--every", "1h"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # the first poll is done: now it sleeps for an hour
        assert "2 new" in first
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert time.monotonic() - started < 10
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
