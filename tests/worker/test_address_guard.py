"""Server-side request forgery: untrusted URLs never reach non-public addresses.

Requests go to a real local server (127.0.0.1) through the real client; name resolution is
replaced only where a test needs a name that resolves somewhere chosen (``getaddrinfo``).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from tests.feed_server import FeedServer, Route, serve
from worker.address_guard import refusal
from worker.http_fetch import FetchError, FetchLimits, fetch, make_client

GUARDED = FetchLimits(timeout=5.0, max_bytes=100_000, max_redirects=3)
INTRANET = FetchLimits(
    timeout=5.0, max_bytes=100_000, max_redirects=3, allow_private_addresses=True
)
SETTING = "EVENTWIRE_FETCH_PRIVATE_ADDRESSES=true"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with serve() as running:
        running.routes["/ok"] = Route(body=b"fine", content_type="text/plain")
        yield running


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names the test makes resolve to chosen addresses (others resolve as usual); each
    lookup of a chosen name is counted in ``calls``."""
    real = socket.getaddrinfo
    names: dict[str, list[str]] = {"calls": []}

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in names:
            names["calls"].append(host)
            return [
                (
                    socket.AF_INET6 if ":" in address else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (address, port),
                )
                for address in names[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return names


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.5.6.7", "loopback"),
        ("::1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("fe80::1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not globally routable"),  # carrier-grade NAT
        ("::ffff:127.0.0.1", "loopback (as 127.0.0.1)"),  # IPv4-mapped IPv6
        ("::ffff:169.254.169.254", "link-local (as 169.254.169.254)"),
        ("::ffff:10.0.0.1", "private (as 10.0.0.1)"),
        ("2002:7f00:1::", "loopback (as 127.0.0.1)"),  # 6to4
        ("64:ff9b::a00:1", "private (as 10.0.0.1)"),  # NAT64
    ],
)
def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    assert refusal(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


def test_a_url_to_127_0_0_1_is_refused_by_default(server: FeedServer) -> None:
    url = server.url("/ok")
    with make_client(GUARDED) as client, pytest.raises(FetchError) as raised:
        fetch(client, url, limits=GUARDED)
    message = str(raised.value)
    assert message.startswith(f"{url}: refused to connect to 127.0.0.1 at 127.0.0.1")
    assert "a loopback address" in message and SETTING in message
    assert server.requests == []  # refused before connecting
    with make_client(INTRANET) as client:  # the setting on: an intranet deployment
        assert fetch(client, url, limits=INTRANET).body == b"fine"


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://[::1]:{port}/ok", "::1"),
        ("http://0.0.0.0:{port}/ok", "0.0.0.0"),
        ("http://[::ffff:127.0.0.1]:{port}/ok", "::ffff:7f00:1"),
        ("http://2130706433:{port}/ok", "127.0.0.1"),  # 127.0.0.1 as one decimal number
        ("http://10.255.255.1/", "10.255.255.1"),
    ],
)
def test_literal_non_public_addresses_are_refused(
    server: FeedServer, url: str, address: str
) -> None:
    port = server.url("").rsplit(":", 1)[1]
    with make_client(GUARDED) as client, pytest.raises(FetchError, match="refused") as raised:
        fetch(client, url.format(port=port), limits=GUARDED)
    assert f"at {address}, a " in str(raised.value) and SETTING in str(raised.value)
    assert server.requests == []


def test_a_public_looking_name_resolving_to_loopback_is_refused(
    server: FeedServer, resolver: dict[str, list[str]]
) -> None:
    resolver["news.example.com"] = ["127.0.0.1"]
    resolver["mixed.example.com"] = ["93.184.216.34", "10.0.0.7"]  # one bad address is enough
    port = server.url("").rsplit(":", 1)[1]
    with make_client(GUARDED) as client:
        with pytest.raises(FetchError, match=r"news\.example\.com at 127\.0\.0\.1, a loopback"):
            fetch(client, f"http://news.example.com:{port}/ok", limits=GUARDED)
        with pytest.raises(FetchError, match=r"mixed\.example\.com at 10\.0\.0\.7, a private"):
            fetch(client, f"http://mixed.example.com:{port}/ok", limits=GUARDED)
    assert server.requests == []


def test_a_redirect_to_a_private_address_is_refused(
    server: FeedServer, resolver: dict[str, list[str]]
) -> None:
    """The first hop is trusted (it stands for a public site); its redirects are checked."""
    port = server.url("").rsplit(":", 1)[1]
    resolver["intranet.example.com"] = ["127.0.0.1"]
    server.routes["/to-name"] = Route(
        status=302, headers={"Location": f"http://intranet.example.com:{port}/ok"}
    )
    server.routes["/to-metadata"] = Route(
        status=301, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with make_client(GUARDED, trusted_hosts=("127.0.0.1",)) as client:
        assert fetch(client, server.url("/ok"), limits=GUARDED).body == b"fine"  # first hop ok
        with pytest.raises(FetchError) as raised:
            fetch(client, server.url("/to-name"), limits=GUARDED)
        assert str(raised.value).startswith(f"http://intranet.example.com:{port}/ok: refused")
        assert "at 127.0.0.1, a loopback address" in str(raised.value)
        with pytest.raises(FetchError, match=r"169\.254\.169\.254, a link-local address"):
            fetch(client, server.url("/to-metadata"), limits=GUARDED)
    assert [r.path for r in server.requests] == ["/ok", "/to-name", "/to-metadata"]


def test_the_connection_goes_to_the_address_checked(
    server: FeedServer, resolver: dict[str, list[str]]
) -> None:
    """One lookup per connection and the socket opened to its answer (nothing resolves the
    name again after the check, so DNS rebinding has no second answer to swap in); the Host
    header is still the URL's."""
    port = server.url("").rsplit(":", 1)[1]
    resolver["pinned.example.com"] = ["127.0.0.1"]  # no real DNS knows this name
    with make_client(INTRANET) as client:
        result = fetch(client, f"http://pinned.example.com:{port}/ok", limits=INTRANET)
    assert result.body == b"fine"
    assert resolver["calls"] == ["pinned.example.com"]
    (request,) = server.requests
    assert request.headers["host"] == f"pinned.example.com:{port}"
