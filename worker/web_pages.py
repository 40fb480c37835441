"""An article page from the web: fetched within limits, reduced to its main text.

trafilatura finds the main text (not the menus, comments and related links), the title and
the publication date. HTML is only parsed, never rendered or executed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import httpx

from worker.http_fetch import FetchError, FetchLimits, fetch
from worker.inputs import decode_text

logger = logging.getLogger(__name__)

#: Content types read as a page; anything else (PDF, images, video) is not an article here.
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


@dataclass(frozen=True)
class PageContent:
    """What a page says: main text, and title and publication date when it states them."""

    text: str
    title: str | None = None
    published: date | None = None


def extract_page(html: str, url: str) -> PageContent | None:
    """Return the main text, title and date of an HTML page, or None when it has no main text."""
    import trafilatura  # slow to import; only watch needs it

    try:
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as exc:  # a parser crash on hostile HTML costs the page, not the feed
        logger.warning("could not extract %s: %s", url, exc)
        return None
    if document is None or not (document.text or "").strip():
        return None
    return PageContent(
        text=document.text.strip(),
        title=(document.title or "").strip() or None,
        published=_iso_date(document.date),
    )


def _iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def fetch_page(client: httpx.Client, url: str, *, limits: FetchLimits) -> PageContent | None:
    """Fetch ``url`` and extract it; None (with a log line) when that is not possible."""
    try:
        result = fetch(client, url, limits=limits)
    except FetchError as exc:
        logger.info("page %s not fetched: %s", url, exc)
        return None
    content_type = result.headers.get("content-type", "text/html").split(";")[0].strip().lower()
    if content_type and content_type not in PAGE_TYPES:
        logger.info("page %s skipped: content type %s is not a web page", url, content_type)
        return None
    try:
        html, _warnings = decode_text(result.body, url)
    except ValueError as exc:
        logger.info("page %s skipped: %s", url, exc)
        return None
    if content_type == "text/plain":
        return PageContent(text=html.strip()) if html.strip() else None
    return extract_page(html, result.url)
