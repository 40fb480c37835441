"""Shared fixtures: real Redis and PostgreSQL (skipped when absent, except in CI)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REDIS_URL = os.environ.get("EVENTWIRE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES_URL = os.environ.get(
    "EVENTWIRE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REPO = Path(__file__).resolve().parents[1]
SEED_DIR = REPO.parent / "shared" / "seed"
SEED_ARTICLE = SEED_DIR / "parade-article.txt"
SAMPLE_DIR = REPO / "data" / "sample"


def cli_env(database_url: str, redis_url: str, queue_name: str, **extra: str) -> dict[str, str]:
    """Environment for ``eventwire`` subprocesses pointed at a test's own services."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("EVENTWIRE_")},
        "EVENTWIRE_DATABASE_URL": database_url,
        "EVENTWIRE_REDIS_URL": redis_url,
        "EVENTWIRE_QUEUE_NAME": queue_name,
        "EVENTWIRE_BATCH_SIZE": "4",
        **extra,
    }


def unavailable(reason: str) -> None:
    """Skip locally, fail in CI: CI must run every integration test for real."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Every test starts from default settings with no stray EVENTWIRE_* from the environment."""
    from common.settings import get_settings

    for name in list(os.environ):
        if name.startswith("EVENTWIRE_") and not name.startswith("EVENTWIRE_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env or eventwire.db from the checkout leaks in
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def queue_name() -> str:
    """A queue of its own, so tests never consume each other's messages."""
    return f"test-articles-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def redis_url(queue_name: str) -> Iterator[str]:
    """A real Redis; the test's own queue keys are removed afterwards.

    Nothing is flushed: several test runs (and workers) may share one Redis, and each test
    works on a queue of its own (``queue_name``).
    """
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis not reachable at {REDIS_URL}: {exc}")
    yield REDIS_URL
    keys = list(client.scan_iter(match=f"dramatiq:{queue_name}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite database file."""
    return f"sqlite:///{tmp_path / 'eventwire-test.db'}"


@contextmanager
def scratch_postgres(prefix: str = "eventwire_it") -> Iterator[str]:
    """Create a PostgreSQL database of its own, yield its URL, drop it afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        from models.engine import redact_url

        unavailable(f"PostgreSQL not reachable at {redact_url(POSTGRES_URL)}: {exc.orig}")
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        from models.engine import get_engine

        get_engine.cache_clear()  # pooled connections would keep the database alive
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database created for this test and dropped after it."""
    with scratch_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")
