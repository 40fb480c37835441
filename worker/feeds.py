"""Poll one RSS/Atom feed: conditional GET, parse, and turn each new entry into an article.

Everything in a feed is untrusted: links are resolved against the feed's URL and followed
only when they are http(s); entries without a link or an id still get a stable key; the page
behind each new entry is fetched within limits and reduced to its main text, and when that
fails the entry's own summary and title stand in. Nothing here writes to the database: the
caller (:mod:`worker.watch`) decides which keys were seen and stores what comes back.

What a poll leaves for later is found again by the next one, because only what it stores is
seen: entries past the per-poll cap, entries not reached before a stop, and entries whose
text could not be had this time (``NewItem.failed``, recorded as pending and retried a
bounded number of times). Such a poll is ``complete=False``, and the caller then keeps no
validators, so the next poll is a full GET rather than a 304 that would hide those entries.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from models.feed_repository import FeedState
from models.tables import utcnow
from worker.http_fetch import FetchError, FetchLimits, fetch, web_url
from worker.inputs import InputArticle
from worker.web_pages import PageContent, fetch_page, fragment_text

logger = logging.getLogger(__name__)

#: New entries taken in one poll: a feed with more is read in part (oldest first) and the rest
#: left for the next polls, so a hostile feed of 100,000 entries cannot make one poll fetch
#: 100,000 pages.
MAX_ENTRIES_PER_POLL = 500
#: Keys longer than this are replaced by their hash (the column holds 500 characters).
MAX_KEY_CHARS = 400


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a parsed feed, reduced to what eventwire uses.

    Parameters:
      key: stable identity within the feed (id, else normalised link, else content hash).
      url: the entry's link resolved against the feed URL, None unless it is http(s).
      title, summary: text of the entry (summary or content, HTML reduced to text).
      published: the entry's publication (or update) date.
    """

    key: str
    url: str | None
    title: str | None
    summary: str | None
    published: date | None


@dataclass(frozen=True)
class NewItem:
    """An entry not seen before and the article made from it (None when it had no text).

    ``failed``: it had no text because its page could not be fetched (network, timeout,
    HTTP error) or it has no page; it is not seen yet and is tried again next poll. An entry
    whose page was fetched but holds no article is not ``failed``: retrying would not help.
    """

    entry: FeedEntry
    article: InputArticle | None
    failed: bool = False


@dataclass
class PollOutcome:
    """What one poll of one feed found.

    Parameters:
      feed: the feed's state before the poll.
      checked_at: when the poll started.
      error: why the poll failed, or None.
      not_modified: the server answered 304 (nothing changed since the validators).
      etag, last_modified: validators of this response, to send next time.
      title: the feed's title.
      new_items: entries not seen before, oldest first, with their articles.
      seen: entries of the feed already recorded.
      complete: every new entry of the feed is in ``new_items`` (False when the per-poll cap
        or a stop left some for the next poll).
    """

    feed: FeedState
    checked_at: datetime
    error: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    new_items: list[NewItem] = field(default_factory=list)
    seen: int = 0
    complete: bool = True


class FeedFormatError(FetchError):
    """The body is not an RSS/Atom feed (garbage, HTML, a bozo feed without entries)."""


def normalise_link(url: str) -> str:
    """A link's identity: scheme and host lower-cased, default port and fragment dropped."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    scheme = parts.scheme.lower()
    if port and (scheme, port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


def _hashed(prefix: str, text: str) -> str:
    return f"{prefix}:{hashlib.sha256(text.encode('utf-8', 'replace')).hexdigest()}"


def _entry_date(entry: Any) -> date | None:
    for name in ("published_parsed", "updated_parsed"):
        parsed = entry.get(name)
        if parsed:
            try:
                return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
            except (ValueError, AttributeError):
                continue
    return None


def _entry_text(entry: Any) -> str | None:
    """The longest of the entry's content and summary, as plain text."""
    candidates = [c.get("value", "") for c in entry.get("content") or [] if isinstance(c, dict)]
    candidates.append(entry.get("summary") or "")
    texts = [fragment_text(html) for html in candidates if isinstance(html, str) and html]
    best = max(texts, key=len, default="")
    return best or None


def _entry_title(entry: Any) -> str | None:
    title = entry.get("title")
    if not isinstance(title, str):
        return None
    text = fragment_text(title) if "<" in title else " ".join(title.split())
    return text or None


def parse_entry(entry: Any, feed_url: str) -> FeedEntry:
    """Reduce one feedparser entry to a :class:`FeedEntry` (links resolved and checked)."""
    raw_link = entry.get("link")
    url: str | None = None
    if isinstance(raw_link, str) and raw_link.strip():
        resolved = urljoin(feed_url, raw_link.strip())
        url = resolved if web_url(resolved) is None else None
    title = _entry_title(entry)
    summary = _entry_text(entry)
    raw_id = entry.get("id")
    if isinstance(raw_id, str) and raw_id.strip():
        key = "id:" + raw_id.strip()
    elif url:
        key = "link:" + normalise_link(url)
    else:
        key = _hashed("text", f"{title or ''}\n{summary or ''}")
    if len(key) > MAX_KEY_CHARS:
        key = _hashed("long", key)
    return FeedEntry(key=key, url=url, title=title, summary=summary, published=_entry_date(entry))


def parse_feed(
    body: bytes, *, url: str, headers: httpx.Headers
) -> tuple[str | None, list[FeedEntry]]:
    """Parse an RSS/Atom document; return its title and entries (document order).

    Raises:
      FeedFormatError: when the body is not a feed, or is broken and holds no entries.
    """
    import feedparser  # only watch needs it

    # A stream, never bytes or str: feedparser treats a string as a URL or a file name to open.
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={
            "content-location": url,  # base for relative links
            "content-type": headers.get("content-type", "application/xml"),
        },
    )
    entries = list(parsed.get("entries") or [])
    if parsed.get("bozo") and not entries:
        reason = parsed.get("bozo_exception")
        raise FeedFormatError(f"not an RSS/Atom feed ({reason or 'unreadable'})")
    if not entries and not parsed.get("version"):
        raise FeedFormatError("not an RSS/Atom feed (no feed element)")
    if parsed.get("bozo"):
        logger.warning("feed %s is malformed but readable: %s", url, parsed.get("bozo_exception"))
    title = parsed.get("feed", {}).get("title")
    feed_entries: list[FeedEntry] = []
    keys: set[str] = set()
    for entry in entries:
        item = parse_entry(entry, url)
        if item.key not in keys:  # a feed listing an entry twice yields it once
            keys.add(item.key)
            feed_entries.append(item)
    return (title if isinstance(title, str) and title.strip() else None), feed_entries


def conditional_headers(feed: FeedState) -> dict[str, str]:
    """``If-None-Match``/``If-Modified-Since`` from the feed's last good response."""
    headers = {
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
    }
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    return headers


def item_article(
    entry: FeedEntry, page: PageContent | None, *, source: str | None, max_chars: int
) -> InputArticle | None:
    """The article an entry becomes: its page's main text, else its summary, else its title."""
    text = (page.text if page else None) or entry.summary or entry.title
    if not text or not text.strip():
        return None
    title = (page.title if page else None) or entry.title
    return InputArticle(
        text=text.strip()[:max_chars],
        origin=entry.url or entry.key,
        published=(page.published if page else None) or entry.published,
        url=entry.url,
        title=title,
        source=source,
    )


def poll_feed(
    feed: FeedState,
    *,
    client: httpx.Client,
    limits: FetchLimits,
    seen_keys: Callable[[Sequence[str]], set[str]],
    max_chars: int,
    should_stop: Callable[[], bool] = lambda: False,
) -> PollOutcome:
    """Poll one feed and fetch the pages of its new entries; never raises for feed problems.

    Parameters:
      feed: the feed's stored state (URL and validators).
      client: from :func:`worker.http_fetch.make_client`.
      limits: timeout, size cap and redirects of every request.
      seen_keys: returns which of the given entry keys are recorded already.
      max_chars: longest article text kept (EVENTWIRE_MAX_ARTICLE_CHARS).
      should_stop: checked between page fetches, so a signal is not held up by a long feed.
    """
    outcome = PollOutcome(feed=feed, checked_at=utcnow())
    try:
        result = fetch(client, feed.url, limits=limits, headers=conditional_headers(feed))
        outcome.etag = result.headers.get("etag") or feed.etag
        outcome.last_modified = result.headers.get("last-modified") or feed.last_modified
        if result.status == 304:
            outcome.not_modified = True
            return outcome
        outcome.title, entries = parse_feed(result.body, url=result.url, headers=result.headers)
    except FetchError as exc:
        outcome.error = str(exc)
        return outcome
    except Exception as exc:  # a parser bug on hostile input fails this feed, not the others
        logger.exception("feed %s could not be read", feed.url)
        outcome.error = f"{type(exc).__name__}: {exc}"
        return outcome
    seen = seen_keys([e.key for e in entries])
    outcome.seen = sum(e.key in seen for e in entries)
    # Feeds list newest first; store oldest first so article ids follow publication order.
    new = list(reversed([e for e in entries if e.key not in seen]))
    if len(new) > MAX_ENTRIES_PER_POLL:
        # The cap is on new entries, not on the feed: the seen ones at its top must not
        # hide the rest forever. Those left out are unrecorded, so the next poll takes them.
        logger.warning(
            "feed %s has %d new entries; %d are read now, the rest in the next polls",
            feed.url,
            len(new),
            MAX_ENTRIES_PER_POLL,
        )
        new = new[:MAX_ENTRIES_PER_POLL]
        outcome.complete = False
    source = outcome.title or urlsplit(feed.url).hostname
    for entry in new:
        if should_stop():
            outcome.complete = False  # unrecorded entries are found again next time
            break
        page, fetched = fetch_page(client, entry.url, limits=limits) if entry.url else (None, False)
        article = item_article(entry, page, source=source, max_chars=max_chars)
        outcome.new_items.append(NewItem(entry, article, failed=article is None and not fetched))
    return outcome
