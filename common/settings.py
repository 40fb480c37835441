"""Settings read from ``EVENTWIRE_*`` environment variables and an optional ``.env`` file.

One settings object for the whole project (the full-stack-fastapi-template habit): the worker,
the CLI and the dashboard all read the same names.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.env import DEFAULTS, ENV_FILE, PREFIX
from common.spacy_model import default_model


class Settings(BaseSettings):
    """Runtime configuration.

    Parameters:
      database_url: SQLAlchemy URL; SQLite file by default, ``postgresql+psycopg://...`` in
        production.
      redis_url: the Dramatiq broker's Redis.
      spacy_model: installed spaCy pipeline package to load (``en_core_web_sm``, ``_md``,
        ``_lg`` ...).
      queue_name: the Dramatiq queue that carries article ids.
      batch_size: article ids per message / per ``nlp.pipe`` batch.
      max_article_chars: articles longer than this are rejected at enqueue.
      heartbeat_timeout_ms: a worker silent this long is presumed dead and its unacknowledged
        messages are redelivered to other workers.
      broker_maintenance_chance: chance (per million broker commands) that Redis housekeeping
        (redelivery, dead-letter expiry) runs; raise it in tests that kill workers.
      gazetteer_dir: optional folder of extra gazetteer/trigger files that extend the built-in
        ones (see docs/extraction.md).
      read_database_url: the URL that ad-hoc SQL (``query --sql``), ``export`` and the dashboard
        read through; on PostgreSQL a role that can only SELECT (``eventwire db
        create-reader``). Unset: ``database_url``.
      sql_timeout: seconds a read query (ad-hoc SQL, export, dashboard) may run before it is
        stopped (PostgreSQL ``statement_timeout``, a SQLite progress handler).
      feeds: feed URLs ``eventwire watch`` polls when none are given on its command line
        (separated by spaces or commas).
      feed_timeout_seconds: the most one feed or page request may take, connection to last
        byte (a server that drips bytes is cut off too).
      feed_max_bytes: largest feed document or article page read; a bigger body is an error.
      feed_max_redirects: redirects followed per request (each hop must stay http/https).
      feed_retry_seconds: wait before the first retry of a failing feed; it doubles with each
        further failure up to ``feed_retry_max_seconds``.
      feed_concurrency: feeds fetched at once by ``eventwire watch``.
      feed_item_attempts: polls that may fail to get a feed entry's text (its page cannot be
        fetched and it has no summary) before the entry is given up and recorded as seen.
      fetch_private_addresses: let ``watch`` and ``enqueue URL`` connect to loopback,
        private, link-local and other non-public addresses (an intranet deployment whose
        feeds are on private addresses); off by default, as feed contents and URLs are
        untrusted and could otherwise reach Redis, the database or a cloud metadata service.
      link_incidents: link stored events into incidents (default). ``false`` only to measure
        what linking costs (bench/throughput.py): events stored so belong to no incident until
        ``eventwire reprocess --all`` runs with linking on.
      parse: ``all`` (default) runs the tagger, parser and NER on every sentence;
        ``candidates`` only on the sentences that may hold an event and the context the rules
        read (docs/extraction.md, "What is parsed"): the same events on the gold sets, but
        slower on real news, where nearly every sentence is parsed anyway.
      plugin_dirs: folders of user event types, separated like PATH (``os.pathsep``); each
        subfolder holding a spec.json is one type (docs/extraction.md, "Add an event type").
    """

    # common.env reads a few of these fields the same way without pydantic (quick commands).
    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = DEFAULTS["database_url"]
    redis_url: str = DEFAULTS["redis_url"]
    spacy_model: str = Field(default_factory=default_model)
    queue_name: str = DEFAULTS["queue_name"]
    batch_size: int = Field(default=16, ge=1, le=1000)
    max_article_chars: int = Field(default=200_000, ge=1000)
    heartbeat_timeout_ms: int = Field(default=60_000, ge=1000)
    broker_maintenance_chance: int = Field(default=1000, ge=0, le=1_000_000)
    gazetteer_dir: str | None = None
    plugin_dirs: str = ""
    log_level: str = DEFAULTS["log_level"]
    read_database_url: str | None = None
    sql_timeout: float = Field(default=30.0, gt=0, le=86_400)
    feeds: str | None = None
    feed_timeout_seconds: float = Field(default=20.0, gt=0, le=600)
    feed_max_bytes: int = Field(default=5_000_000, ge=10_000)
    feed_max_redirects: int = Field(default=5, ge=0, le=20)
    feed_retry_seconds: int = Field(default=60, ge=1)
    feed_retry_max_seconds: int = Field(default=6 * 3600, ge=1)
    feed_concurrency: int = Field(default=4, ge=1, le=32)
    feed_item_attempts: int = Field(default=5, ge=1, le=100)
    fetch_private_addresses: bool = False
    link_incidents: bool = True
    parse: Literal["candidates", "all"] = "all"

    @property
    def read_url(self) -> str:
        """The URL read-only work uses: ``read_database_url``, else ``database_url``."""
        return self.read_database_url or self.database_url

    @property
    def plugin_paths(self) -> tuple[str, ...]:
        """``plugin_dirs`` split on ``os.pathsep``, empty entries dropped."""
        return tuple(p for p in self.plugin_dirs.split(os.pathsep) if p.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (read once)."""
    return Settings()
