"""Redacting secrets from service URLs before they are logged or shown.

One function for every room (CLI messages, logs, the dashboard's sidebar): database and Redis
URLs may carry a password in the user part *and* in the query string (``?password=``,
``&sslpassword=``, ``?token=``). Pure string work (no SQLAlchemy), so it never raises.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

#: Query-string keys whose values are secrets: password, sslpassword, passfile, secret,
#: token, api_key, sslkey, auth...
SECRET_KEYS = re.compile(r"pass|secret|token|key|auth|credential", re.IGNORECASE)
MASK = "***"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
# Fallback for text that is not a URL: whatever sits between "user:" and "@".
_USERINFO = re.compile(r"(?<=:)[^:/@\s]+(?=@)")


def _redact_query(query: str) -> str:
    parts = []
    for item in query.split("&"):
        key, sep, _value = item.partition("=")
        parts.append(f"{key}={MASK}" if sep and SECRET_KEYS.search(key) else item)
    return "&".join(parts)


def redact_url(url: Any) -> str:
    """Return ``url`` with its password and secret query values replaced by ``***``.

    Works for any ``scheme://user:password@host/path?query`` URL (SQLAlchemy, Redis, HTTP),
    accepts a SQLAlchemy ``URL`` object as well as text, keeps everything else as written
    (query order included), and never raises: text that is not a URL has whatever sits
    between ``user:`` and ``@`` hidden.
    """
    render = getattr(url, "render_as_string", None)
    text = render(hide_password=True) if callable(render) else str(url)
    if not _SCHEME.match(text):
        return _USERINFO.sub(MASK, text)
    try:
        parts = urlsplit(text)
    except ValueError:
        return _USERINFO.sub(MASK, text)
    # Edit the text in place rather than re-joining the parts: urlunsplit would turn
    # ``sqlite:///x.db`` (an empty host) into ``sqlite:/x.db``.
    scheme_end = text.index("://") + 3
    head, rest = text[:scheme_end], text[scheme_end:]
    if "@" in parts.netloc:
        userinfo, host = parts.netloc.rsplit("@", 1)
        if ":" in userinfo:
            redacted = f"{userinfo.split(':', 1)[0]}:{MASK}@{host}"
            rest = rest.replace(parts.netloc, redacted, 1)
    if parts.query:
        rest = rest.replace(f"?{parts.query}", f"?{_redact_query(parts.query)}", 1)
    return head + rest
