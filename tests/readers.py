"""Reader roles for tests that run ad-hoc SQL on PostgreSQL as ``eventwire db create-reader``'s.

A role belongs to the whole server, which several test runs share: each reader gets a name of
its own and is dropped (with its grants) when the test or module is done.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine

from models.reader_role import create_reader, generate_password, reader_url


@contextmanager
def reader_for(admin_url: str) -> Iterator[str]:
    """Create a reader role on ``admin_url``'s (migrated) database; yield the reader's URL."""
    name = f"eventwire_test_reader_{uuid.uuid4().hex[:10]}"
    password = generate_password()
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        create_reader(admin, name, password=password)
        yield reader_url(admin_url, name, password)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{name}'"
            )
            conn.exec_driver_sql(f'DROP OWNED BY "{name}"')
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')
        admin.dispose()


@contextmanager
def reader_env(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """``env`` for ``eventwire query --sql``: on PostgreSQL with a reader's read URL added.

    The database must be migrated already (a command has run on it).
    """
    url = env["EVENTWIRE_DATABASE_URL"]
    if not url.startswith("postgresql"):
        yield env
        return
    with reader_for(url) as read_url:
        yield {**env, "EVENTWIRE_READ_DATABASE_URL": read_url}
