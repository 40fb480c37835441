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
from worker.text_decoding import decode_text

logger = logging.getLogger(__name__)

#: Content types read as a page; anything else (PDF, images, video) is not an article here.
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


class NotAnArticle(FetchError):
    """The page was fetched but holds no article (not a web page, undecodable, no main text):
    trying again would give the same answer, unlike a network error or a 5xx."""


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


def load_page(client: httpx.Client, url: str, *, limits: FetchLimits) -> PageContent:
    """Fetch ``url`` and extract it; :class:`FetchError` says why when that is not possible
    (:class:`NotAnArticle` when the page was had but is no article)."""
    result = fetch(client, url, limits=limits)
    content_type = result.headers.get("content-type", "text/html").split(";")[0].strip().lower()
    if content_type and content_type not in PAGE_TYPES:
        raise NotAnArticle(f"content type {content_type!r} is not a web page (text or HTML)")
    try:
        html, _warnings = decode_text(result.body, url)
    except ValueError as exc:
        raise NotAnArticle(str(exc)) from None
    if content_type == "text/plain":
        page: PageContent | None = PageContent(text=html.strip()) if html.strip() else None
    else:
        page = extract_page(html, result.url)
    if page is None:
        raise NotAnArticle("no article text found on the page")
    return page


def fetch_page(
    client: httpx.Client, url: str, *, limits: FetchLimits
) -> tuple[PageContent | None, bool]:
    """Like :func:`load_page`, but never raises: ``(page, fetched)``, where ``page`` is None
    (with a log line) when the page cannot be used (a feed item falls back to its summary)
    and ``fetched`` says whether the page was had at all (False: worth trying again)."""
    try:
        return load_page(client, url, limits=limits), True
    except NotAnArticle as exc:
        logger.info("page %s not used: %s", url, exc)
        return None, True
    except FetchError as exc:
        logger.info("page %s not fetched: %s", url, exc)
        return None, False


def fragment_text(html: str) -> str:
    """The visible text of an HTML fragment (a feed entry's summary or title), white space
    folded; scripts and styles dropped."""
    import lxml.etree
    import lxml.html  # trafilatura's parser, installed with it

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return " ".join(html.split())
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    return " ".join(root.text_content().split())
