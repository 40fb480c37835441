"""Fetch one URL from the open web with the limits untrusted servers need.

Feeds and the pages they link to are written by strangers: every request here has a total
deadline (not only a per-read timeout, so a server dripping one byte a second is cut off), a
cap on the body after decompression (so a gzip bomb stops at the cap), and redirects followed
by hand, each hop checked to be http(s) and a loop detected. Nothing fetched is executed.
Connections go only to public addresses unless ``allow_private_addresses`` is set: the check
and the pinning of the connection to the checked address are in :mod:`worker.address_guard`,
under every request and every redirect hop.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from common.errors import EventwireError, InputError
from common.urls import redact_url
from worker.address_guard import BlockedAddressError, GuardedBackend, GuardedTransport

#: Schemes a feed, a page or a redirect may use; file:, data:, ftp:, javascript: ... are refused.
WEB_SCHEMES = frozenset({"http", "https"})
USER_AGENT = "eventwire-watch/0.1"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class FetchError(EventwireError):
    """A request that failed (network, status, size, redirects, scheme); the message says why."""


@dataclass(frozen=True)
class FetchLimits:
    """Bounds of one request.

    Parameters:
      timeout: seconds from the first connection to the last byte, redirects included.
      max_bytes: largest body accepted (after decompression).
      max_redirects: redirects followed before giving up.
      allow_private_addresses: connect to loopback, private, link-local ... addresses too
        (``EVENTWIRE_FETCH_PRIVATE_ADDRESSES``, for intranet deployments); off, such an
        address is refused, whether the URL names it or a host name resolves to it.
    """

    timeout: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    allow_private_addresses: bool = False


@dataclass(frozen=True)
class FetchResult:
    """A response read in full (or a 304).

    Parameters:
      url: the URL finally answered (after redirects).
      status: HTTP status (200-299, or 304 for a conditional request that found no change).
      headers: the final response's headers.
      body: its bytes (empty for a 304).
    """

    url: str
    status: int
    headers: httpx.Headers
    body: bytes


def web_url(url: str) -> str | None:
    """Return why ``url`` is not an http(s) URL with a host, or None when it is."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme.lower() not in WEB_SCHEMES:
        scheme = parts.scheme or "no scheme"
        return f"{scheme}: URLs are not fetched; only http and https are"
    if not parts.hostname:
        return "no host name"
    return None


def check_feed_url(url: str) -> str:
    """Return ``url`` stripped if it is a usable feed URL.

    Raises:
      InputError: naming the URL and what is wrong with it.
    """
    problem = web_url(url)
    if problem:
        raise InputError(f"feed URL {url!r} refused: {problem}. Give an http:// or https:// URL.")
    return url.strip()


def make_client(limits: FetchLimits, *, trusted_hosts: tuple[str, ...] = ()) -> httpx.Client:
    """An HTTP client for :func:`fetch`: redirects off (they are followed and checked there),
    connections through the address guard.

    ``trusted_hosts`` are connected to without the address check (see
    :class:`worker.address_guard.GuardedBackend`); only tests set it. Proxies from the
    environment (``HTTP_PROXY`` ...) are not used: through a proxy the guard would see the
    proxy's address, not the one the URL leads to.
    """
    backend = GuardedBackend(
        allow_private=limits.allow_private_addresses, trusted_hosts=trusted_hosts
    )
    return httpx.Client(
        timeout=httpx.Timeout(limits.timeout),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
        transport=GuardedTransport(backend),
        trust_env=False,
    )


def fetch(
    client: httpx.Client,
    url: str,
    *,
    limits: FetchLimits,
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """GET ``url`` within ``limits``; 2xx and 304 are results, anything else a :class:`FetchError`.

    Raises:
      FetchError: with a one-line reason (HTTP status, timeout, too large, redirect loop,
        redirect to a non-http scheme, a non-public address, network error).
    """
    deadline = time.monotonic() + limits.timeout
    seen = {url}
    current = url
    for _hop in range(limits.max_redirects + 1):
        problem = web_url(current)
        if problem:
            raise FetchError(f"{current}: {problem}")
        try:
            with client.stream("GET", current, headers=headers) as response:
                if response.status_code == 304:
                    return FetchResult(current, 304, response.headers, b"")
                if response.status_code in REDIRECT_STATUSES:
                    location = response.headers.get("location", "")
                    if not location:
                        raise FetchError(f"HTTP {response.status_code} without a Location")
                    current = urljoin(current, location)
                    if current in seen:
                        raise FetchError(f"redirect loop at {current}")
                    seen.add(current)
                    continue
                if not response.is_success:
                    raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}")
                body = _read_capped(response, limits, deadline)
                return FetchResult(current, response.status_code, response.headers, body)
        except BlockedAddressError as exc:
            raise FetchError(f"{redact_url(current)}: {exc}") from None
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {limits.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from None
    raise FetchError(f"more than {limits.max_redirects} redirects")


def _read_capped(response: httpx.Response, limits: FetchLimits, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(
            f"body of {int(declared):,} bytes is over the limit of {limits.max_bytes:,}"
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchError(f"body over the limit of {limits.max_bytes:,} bytes")
        if time.monotonic() > deadline:
            raise FetchError(f"timed out after {limits.timeout:g} s (body still arriving)")
        chunks.append(chunk)
    return b"".join(chunks)
