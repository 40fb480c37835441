"""A few string settings read as :class:`common.settings.Settings` reads them, without pydantic.

``eventwire stats`` and the logging set-up of every command need a URL or a level, and
importing pydantic-settings costs them about 0.15 s. These helpers follow its rules for plain
string fields: an ``EVENTWIRE_<NAME>`` environment variable (the name in any case; the last
one wins), else the same key in ``.env`` of the working directory (read with python-dotenv,
as pydantic-settings does), else the default, which ``Settings`` takes from :data:`DEFAULTS`
too. A test compares the two on the same environments.
"""

from __future__ import annotations

import os

PREFIX = "EVENTWIRE_"
ENV_FILE = ".env"
#: Defaults of the string settings read here (``Settings`` uses the same).
DEFAULTS: dict[str, str] = {
    "database_url": "sqlite:///eventwire.db",
    "redis_url": "redis://127.0.0.1:6379/0",
    "queue_name": "articles",
    "log_level": "INFO",
}


def _last_match(items: dict[str, str | None], wanted: str) -> str | None:
    found = None
    for key, value in items.items():
        if key.lower() == wanted and value is not None:
            found = value
    return found


def setting(name: str) -> str:
    """The value ``Settings`` gives the string setting ``name`` (a key of :data:`DEFAULTS`)."""
    wanted = (PREFIX + name).lower()
    value = _last_match(dict(os.environ), wanted)
    if value is None and os.path.isfile(ENV_FILE):
        from dotenv import dotenv_values

        value = _last_match(dotenv_values(ENV_FILE, encoding="utf-8"), wanted)
    return DEFAULTS[name] if value is None else value
