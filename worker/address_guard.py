"""Which network addresses eventwire may connect to when it fetches from the open web.

Feed contents and user URLs are untrusted, so a URL must not make eventwire reach what only
the machine can reach: loopback services (Redis, PostgreSQL, the dashboard), the private
network, a cloud's metadata service at 169.254.169.254. The check and the connection are one
step here: :class:`GuardedBackend` is the httpcore network backend under the HTTP client; it
resolves the host name once (``getaddrinfo``), refuses the connection when any address is
not public, and then connects to one of the addresses it checked, never to a name. A DNS
answer that changes between the check and the connection (DNS rebinding) therefore cannot
slip through, and every redirect hop, being a new connection, is checked the same way. TLS
still verifies the certificate against the URL's host name (httpcore passes it as SNI), and
the Host header is the URL's, so virtual hosts work as before.

``EVENTWIRE_FETCH_PRIVATE_ADDRESSES=true`` lifts the refusal, for intranet deployments whose
feeds live on private addresses (and for tests serving feeds from 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Iterable

import httpcore
import httpx

from common.errors import EventwireError

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: The setting that allows private addresses, named in every refusal.
ALLOW_SETTING = "EVENTWIRE_FETCH_PRIVATE_ADDRESSES"
#: NAT64's well-known prefix: its addresses stand for the IPv4 address in their last 32 bits.
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


class BlockedAddressError(EventwireError):
    """A connection refused because the host resolves to a non-public address.

    A :class:`worker.http_fetch.FetchError` is raised from it with the URL in front.
    """


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` may not be connected to (``"loopback"``, ``"private"`` ...), or None.

    IPv6 addresses that carry an IPv4 address (``::ffff:127.0.0.1``, 6to4, NAT64) are judged
    by that IPv4 address, since that is where the packets end up.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = refusal(embedded)
            return f"{inner} (as {embedded})" if inner else None
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        # What is left and not global: shared address space (100.64.0.0/10) and the like.
        ("not globally routable", not address.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses ``host`` resolves to for TCP, in the resolver's order, without repeats.

    Raises:
      httpcore.ConnectError: when the name does not resolve (httpx reports it as usual).
    """
    literal = host.strip("[]")  # IPv6 literals may arrive in URL brackets
    try:
        infos = socket.getaddrinfo(literal, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
    found: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        # The scope of a link-local IPv6 address ("fe80::1%eth0") is not part of the address.
        found[ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])] = None
    return list(found)


def check_addresses(host: str, addresses: Iterable[IPAddress]) -> None:
    """Refuse the connection when any address of ``host`` is not public.

    Any, not all: a name that resolves to one public and one private address could be
    connected to the private one on a retry, so it is refused outright.

    Raises:
      BlockedAddressError: naming the host, the address, why, and the setting that allows it.
    """
    for address in addresses:
        reason = refusal(address)
        if reason:
            raise BlockedAddressError(
                f"refused to connect to {host} at {address}, a {reason} address: eventwire "
                f"fetches only from public addresses. Set {ALLOW_SETTING}=true to allow "
                "private ones (an intranet deployment)."
            )


class GuardedBackend(httpcore.NetworkBackend):
    """An httpcore network backend that connects only to checked addresses.

    Parameters:
      allow_private: connect to any address (``EVENTWIRE_FETCH_PRIVATE_ADDRESSES``); the name
        is still resolved once and the connection made to what was resolved.
      trusted_hosts: host names (as in URLs) connected to without the check; for tests that
        must reach a local server on a first hop, never set from untrusted input.
    """

    def __init__(self, *, allow_private: bool = False, trusted_hosts: Iterable[str] = ()) -> None:
        self._inner = httpcore.SyncBackend()
        self._allow_private = allow_private
        self._trusted = frozenset(h.lower() for h in trusted_hosts)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve ``host``, check every address, then connect to the first that answers."""
        addresses = resolve(host, port)
        if not (self._allow_private or host.lower() in self._trusted):
            check_addresses(host, addresses)
        error: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                # The checked address itself, so nothing is resolved again after the check.
                return self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                logger.debug("connect to %s (%s) failed: %s", host, address, exc)
                error = exc
        if error is None:
            raise httpcore.ConnectError(f"{host} resolved to no address")
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        """Refused: web fetches never go through a local socket."""
        raise BlockedAddressError(f"refused to connect to the local socket {path}")

    def sleep(self, seconds: float) -> None:
        """Sleep as the default backend does (used by httpcore's connect retries)."""
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport with its connection pool on a :class:`GuardedBackend`.

    httpx builds the pool in ``__init__`` without a way to pass a network backend, so the
    pool is rebuilt here with the same TLS context and limits; everything else (request and
    response mapping, errors) is httpx's. The tests that fetch from 127.0.0.1 with the
    default setting prove the backend is the one in use.
    """

    def __init__(self, backend: GuardedBackend) -> None:
        super().__init__()
        limits = httpx.Limits()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )
