"""Read articles from what users hand to ``eventwire enqueue``/``extract``.

Files (.txt/.md), folders (recursively), JSONL (one article object per line), ``-`` for
standard input and http(s) URLs all become a stream of :class:`InputArticle` or
:class:`Rejection`. Reading streams: a 1 GB JSONL file is never held in memory, and a bad line
rejects only itself, with its line number.
"""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from worker.text_decoding import decode_text

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})


@dataclass(frozen=True)
class InputArticle:
    """An article read from input, not yet stored.

    Parameters:
      text: the article body (non-empty).
      origin: where it came from, for messages: ``path``, ``path:line`` or a URL.
      published, url, title, source, external_id: metadata when the input gave it.
      warnings: things the user should know that did not stop the article (e.g. a decoding
        fallback).
    """

    text: str
    origin: str
    published: date | None = None
    url: str | None = None
    title: str | None = None
    source: str | None = None
    external_id: str | None = None
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Rejection:
    """An input that could not be accepted, and why (one line, for the user)."""

    origin: str
    reason: str


ReadResult = InputArticle | Rejection


@dataclass
class ReadProgress:
    """How far reading has got, in bytes, for a progress line with an ETA.

    Parameters:
      total_bytes: size of all inputs, or None when some cannot be known in advance
        (standard input, URLs).
      bytes_read: bytes consumed so far (updated while the stream is read).
    """

    total_bytes: int | None = None
    bytes_read: int = 0

    @property
    def fraction(self) -> float | None:
        """Share of the input read so far (0-1), None when the total is unknown."""
        if not self.total_bytes:
            return None
        return min(self.bytes_read / self.total_bytes, 1.0)


@dataclass(frozen=True)
class ReadOptions:
    """Defaults applied to inputs that do not carry their own metadata.

    Parameters:
      published: publication date for plain-text inputs (JSONL lines may override it).
      source: source name for inputs without one.
      max_chars: articles longer than this are rejected (documented limit, never a hang).
      fetch_private_addresses: URL inputs may lead to non-public addresses
        (``EVENTWIRE_FETCH_PRIVATE_ADDRESSES``; see :mod:`worker.address_guard`).
    """

    published: date | None = None
    source: str | None = None
    max_chars: int = 200_000
    fetch_private_addresses: bool = False


def parse_date(value: Any) -> date | None:
    """Parse ``YYYY-MM-DD`` (or a longer ISO timestamp) into a date; None/"" give None.

    Raises:
      ValueError: with a message naming the bad value.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"published must be a YYYY-MM-DD string, got {value!r}")
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise ValueError(f"published {value!r} is not a date in YYYY-MM-DD form") from None


def _check_text(text: str, origin: str, options: ReadOptions) -> str | None:
    """Return why ``text`` is not acceptable, or None when it is."""
    if not text.strip():
        return "empty text"
    if len(text) > options.max_chars:
        return (
            f"article is {len(text):,} characters, over the limit of {options.max_chars:,} "
            "(EVENTWIRE_MAX_ARTICLE_CHARS); split it into articles"
        )
    return None


def _text_article(
    data: bytes, origin: str, options: ReadOptions, *, url: str | None = None
) -> ReadResult:
    try:
        text, warnings = decode_text(data, origin)
    except ValueError as exc:
        return Rejection(origin, str(exc))
    problem = _check_text(text, origin, options)
    if problem:
        return Rejection(origin, problem)
    return InputArticle(
        text=text.strip(),
        origin=origin,
        published=options.published,
        url=url,
        source=options.source,
        warnings=warnings,
    )


def article_from_record(record: Any, origin: str, options: ReadOptions) -> ReadResult:
    """Turn one JSON object ``{"id","text","published","url","title","source"}`` into an article."""
    if not isinstance(record, dict):
        return Rejection(origin, f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        return Rejection(origin, 'missing "text" (a string) in the JSON object')
    warnings: tuple[str, ...] = ()
    if "\x00" in text:
        # JSON can escape NUL ("\u0000"); PostgreSQL cannot store it, and it is never prose.
        text = _without_nul(text)
        warnings = (f"{origin}: NUL characters removed from the text",)
    problem = _check_text(text, origin, options)
    if problem:
        return Rejection(origin, problem)
    try:
        published = parse_date(record.get("published")) or options.published
    except ValueError as exc:
        return Rejection(origin, str(exc))
    external_id = record.get("id")
    return InputArticle(
        text=text.strip(),
        origin=origin,
        published=published,
        url=_optional_str(record.get("url")),
        title=_optional_str(record.get("title")),
        source=_optional_str(record.get("source")) or options.source,
        external_id=None if external_id is None else _without_nul(str(external_id)),
        warnings=warnings,
    )


def _optional_str(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = _without_nul(value)
    return value if value.strip() else None


def _without_nul(value: str) -> str:
    return value.replace("\x00", "")


#: Stands for "orjson refused the line".
_STANDARD = object()


def _standard_reading_differs(record: Any) -> bool:
    """Whether a line must be read again with the standard library's json: orjson refused
    it (it refuses a byte-order mark, a lone surrogate escape, NaN, and words its errors
    its own way), it is no object, or a value that reaches the article or its messages is
    a float (orjson reads integers past 64 bits as floats). So what is accepted, what is
    stored and every message stay as they were."""
    if type(record) is not dict:
        return True
    return type(record.get("id")) is float or type(record.get("published")) is float


def read_jsonl_stream(
    stream: BinaryIO, origin: str, options: ReadOptions, progress: ReadProgress | None = None
) -> Iterator[ReadResult]:
    """Yield one result per non-blank line of a JSONL byte stream, line by line."""
    for number, raw in enumerate(stream, start=1):
        if progress is not None:
            progress.bytes_read += len(raw)
        where = f"{origin}:{number}"
        if not raw.strip():
            continue
        try:
            record = orjson.loads(raw)  # a third of json.loads' time on news articles
        except orjson.JSONDecodeError:
            record = _STANDARD
        if _standard_reading_differs(record):
            try:
                record = json.loads(raw.decode("utf-8-sig"))
            except UnicodeDecodeError as exc:
                yield Rejection(where, f"line is not valid UTF-8 (byte {exc.start})")
                continue
            except json.JSONDecodeError as exc:
                yield Rejection(where, f"malformed JSON: {exc.msg} at column {exc.colno}")
                continue
        yield article_from_record(record, where, options)


def read_url(url: str, options: ReadOptions, *, timeout: float = 20.0) -> ReadResult:
    """Fetch one article over http(s) within the limits untrusted servers need; HTML pages
    are reduced to their main text, and their title and publication date are kept (the
    page's date wins over ``--published``, which is for inputs without one)."""
    # Imported here: only URL inputs need them (and web_pages imports this module).
    from worker.http_fetch import FetchError, FetchLimits, make_client
    from worker.web_pages import load_page

    limits = FetchLimits(
        timeout=timeout,
        max_bytes=options.max_chars * 8,
        allow_private_addresses=options.fetch_private_addresses,
    )
    try:
        with make_client(limits) as client:
            page = load_page(client, url, limits=limits)
    except FetchError as exc:
        return Rejection(url, str(exc))
    problem = _check_text(page.text, url, options)
    if problem:
        return Rejection(url, problem)
    return InputArticle(
        text=page.text,
        origin=url,
        published=page.published or options.published,
        url=url,
        title=page.title,
        source=options.source,
    )


def _is_url(spec: str) -> bool:
    return spec.startswith(("http://", "https://"))


def _read_path(
    path: Path, options: ReadOptions, progress: ReadProgress | None = None
) -> Iterator[ReadResult]:
    origin = str(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        with path.open("rb") as stream:
            yield from read_jsonl_stream(stream, origin, options, progress)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Rejection(origin, f"cannot read: {exc.strerror or exc}")
        return
    if progress is not None:
        progress.bytes_read += len(data)
    yield _text_article(data, origin, options)


def _walk_folder(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        # A folder's README describes the folder; it is not an article.
        if path.name.upper().startswith("README"):
            continue
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES:
            yield path


def _read_stdin(stdin: BinaryIO, options: ReadOptions) -> Iterator[ReadResult]:
    # Standard input is JSONL when its first non-blank byte opens an object, else one article.
    buffered: Any = stdin if hasattr(stdin, "peek") else io.BufferedReader(stdin)  # type: ignore[arg-type]
    head = buffered.peek(4096)[:4096].lstrip()
    if head.startswith(b"{"):
        yield from read_jsonl_stream(buffered, "<stdin>", options)
    else:
        yield _text_article(buffered.read(), "<stdin>", options)


def input_bytes(specs: Iterable[str]) -> int | None:
    """Total size of the files behind ``specs``; None if standard input or a URL is among them."""
    total = 0
    for spec in specs:
        if spec == "-" or _is_url(spec):
            return None
        path = Path(spec)
        files = _walk_folder(path) if path.is_dir() else [path] if path.is_file() else []
        for file in files:
            try:
                total += file.stat().st_size
            except OSError:
                continue  # reported as a rejection when it is read
    return total


def read_inputs(
    specs: Iterable[str],
    options: ReadOptions,
    *,
    stdin: BinaryIO | None = None,
    progress: ReadProgress | None = None,
) -> Iterator[ReadResult]:
    """Yield articles and rejections for every input spec, in order, streaming.

    Parameters:
      specs: file paths, folder paths, http(s) URLs or ``-`` for standard input.
      options: defaults for metadata and the size limit.
      stdin: the byte stream behind ``-`` (defaults to ``sys.stdin.buffer``).
      progress: updated with the bytes of local files read (see :func:`input_bytes`).
    """
    for spec in specs:
        if spec == "-":
            yield from _read_stdin(stdin or sys.stdin.buffer, options)
        elif _is_url(spec):
            yield read_url(spec, options)
        else:
            path = Path(spec)
            if path.is_dir():
                found = False
                for file in _walk_folder(path):
                    found = True
                    yield from _read_path(file, options, progress)
                if not found:
                    yield Rejection(spec, "folder holds no .txt, .md or .jsonl files")
            elif path.is_file():
                yield from _read_path(path, options, progress)
            elif path.exists():
                yield Rejection(spec, "not a regular file or folder")
            else:
                yield Rejection(spec, "no such file or folder")
