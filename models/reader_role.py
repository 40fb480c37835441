"""The PostgreSQL reader role: logs in, SELECTs the documented tables and views, nothing else.

``eventwire db create-reader`` calls :func:`create_reader`, which is idempotent: run again it
resets the role's attributes, drops memberships it should not have, and grants SELECT again
on the tables and views that exist now. Future tables and views created by the role that ran
it (the one that runs migrations) are covered too, by ``ALTER DEFAULT PRIVILEGES``; run it
again after migrating as another role.

What the role gets: LOGIN; CONNECT on this database; USAGE on the ``public`` schema; SELECT on
the tables of :mod:`models.tables` and on every view in ``public``. What it is denied:
superuser, CREATEDB, CREATEROLE, REPLICATION, BYPASSRLS; membership in any role; CREATE on
every schema (revoked from PUBLIC where PUBLIC had it, as PostgreSQL before 15 gives it on
``public``) and TEMPORARY on the database (revoked from PUBLIC, granted back to the role that
ran this). Its sessions default to read-only transactions and ``statement_timeout``, so a BI
tool connecting with it directly is bounded as well.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from common.errors import ConfigurationError

logger = logging.getLogger(__name__)

DEFAULT_READER = "eventwire_reader"
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_SCHEMA = "public"


@dataclass(frozen=True)
class ReaderSetup:
    """What :func:`create_reader` did.

    Parameters:
      name: the role.
      created: True when the role did not exist before.
      password_set: True when the password was set (given, or generated for a new role).
      tables: the tables and views it may SELECT.
    """

    name: str
    created: bool
    password_set: bool
    tables: tuple[str, ...]


def generate_password() -> str:
    """A strong random password (32 URL-safe characters, about 190 bits)."""
    return secrets.token_urlsafe(24)


def check_role_name(name: str) -> str:
    """Return ``name`` if it is a plain lower-case PostgreSQL identifier, else raise."""
    if not _ROLE_NAME.match(name):
        raise ConfigurationError(
            f"{name!r} is not a usable role name: use lower-case letters, digits and _ "
            "(at most 63, not starting with a digit), e.g. eventwire_reader"
        )
    return name


def _quote_literal(conn: Connection, value: str) -> str:
    # Passwords go into ALTER ROLE, which takes no bind parameters: let the server quote it.
    return str(conn.execute(text("SELECT quote_literal(:v)"), {"v": value}).scalar())


def _documented_tables(conn: Connection) -> tuple[str, ...]:
    from models.tables import SQLModel

    tables = sorted(SQLModel.metadata.tables)
    views = conn.execute(
        text("SELECT table_name FROM information_schema.views WHERE table_schema = :s"),
        {"s": _SCHEMA},
    ).scalars()
    existing = set(
        conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": _SCHEMA}
        ).scalars()
    )
    return (*[t for t in tables if t in existing], *sorted(views))


def _set_attributes(conn: Connection, name: str, password: str | None, timeout_s: float) -> None:
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT"
    if password is not None:
        attributes += f" PASSWORD {_quote_literal(conn, password)}"
    conn.exec_driver_sql(f'ALTER ROLE "{name}" WITH {attributes}')
    database = conn.exec_driver_sql("SELECT current_database()").scalar()
    for setting, value in (
        ("default_transaction_read_only", "on"),
        ("statement_timeout", str(max(1, round(timeout_s * 1000)))),
    ):
        conn.exec_driver_sql(
            f'ALTER ROLE "{name}" IN DATABASE "{database}" SET {setting} = {value}'
        )


def _drop_memberships(conn: Connection, name: str) -> None:
    granted = conn.execute(
        text(
            "SELECT g.rolname FROM pg_auth_members m "
            "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member "
            "WHERE r.rolname = :n"
        ),
        {"n": name},
    ).scalars()
    for group in granted:
        logger.warning("revoking membership of %s in %s: a reader belongs to no role", name, group)
        conn.exec_driver_sql(f'REVOKE "{group}" FROM "{name}"')


def _deny_create(conn: Connection, name: str) -> None:
    """No CREATE on any schema, no temporary tables; from PUBLIC too where PUBLIC had them."""
    database = conn.exec_driver_sql("SELECT current_database()").scalar()
    schemas = conn.execute(
        text(
            "SELECT nspname FROM pg_namespace "
            "WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
        )
    ).scalars()
    for schema in schemas:
        conn.exec_driver_sql(f'REVOKE CREATE ON SCHEMA "{schema}" FROM "{name}"')
        if conn.execute(
            text("SELECT has_schema_privilege(:n, :s, 'CREATE')"), {"n": name, "s": schema}
        ).scalar():
            logger.warning(
                "revoking CREATE on schema %s from PUBLIC (readers must not create)", schema
            )
            conn.exec_driver_sql(f'REVOKE CREATE ON SCHEMA "{schema}" FROM PUBLIC')
    conn.exec_driver_sql(f'REVOKE TEMPORARY ON DATABASE "{database}" FROM "{name}"')
    if conn.execute(
        text("SELECT has_database_privilege(:n, current_database(), 'TEMPORARY')"), {"n": name}
    ).scalar():
        conn.exec_driver_sql(f'REVOKE TEMPORARY ON DATABASE "{database}" FROM PUBLIC')
        conn.exec_driver_sql(f'GRANT TEMPORARY ON DATABASE "{database}" TO CURRENT_USER')


def create_reader(
    engine: Engine,
    name: str = DEFAULT_READER,
    *,
    password: str | None = None,
    timeout_s: float = 30.0,
) -> ReaderSetup:
    """Create or repair the reader role ``name`` on ``engine``'s database (idempotent).

    ``password`` is set when given; a new role without one gets :func:`generate_password`'s,
    which the caller cannot learn: give one to be able to log in. An existing role keeps its
    password when none is given. Run as a role that may create roles and owns the tables.

    Raises:
      ConfigurationError: not PostgreSQL, or a bad role name.
    """
    if engine.dialect.name != "postgresql":
        raise ConfigurationError(
            "a reader role exists on PostgreSQL only; SQLite ad-hoc SQL is guarded by a "
            "read-only file handle and an authorizer instead (docs/security.md)"
        )
    check_role_name(name)
    with engine.begin() as conn:
        # Two create-reader runs at once would race on CREATE ROLE: take turns.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:n))"), {"n": f"reader:{name}"})
        exists = bool(
            conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).scalar()
        )
        if not exists:
            conn.exec_driver_sql(f'CREATE ROLE "{name}"')
            password = password or generate_password()
        _set_attributes(conn, name, password, timeout_s)
        _drop_memberships(conn, name)
        _deny_create(conn, name)
        database = conn.exec_driver_sql("SELECT current_database()").scalar()
        conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO "{name}"')
        conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{_SCHEMA}" TO "{name}"')
        tables = _documented_tables(conn)
        for table in tables:
            conn.exec_driver_sql(f'GRANT SELECT ON "{_SCHEMA}"."{table}" TO "{name}"')
        conn.exec_driver_sql(
            f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{_SCHEMA}" GRANT SELECT ON TABLES TO "{name}"'
        )
        conn.exec_driver_sql(f"COMMENT ON ROLE \"{name}\" IS 'eventwire reader: SELECT only'")
    logger.info("reader role %s %s", name, "created" if not exists else "updated")
    return ReaderSetup(name, not exists, password is not None, tables)


def reader_url(admin_url: str, name: str, password: str | None) -> str:
    """The URL of ``admin_url``'s database as ``name`` (password ``***`` when not given)."""
    from sqlalchemy.engine import make_url

    url = make_url(admin_url).set(username=name, password=password or "***")
    return url.render_as_string(hide_password=False)
