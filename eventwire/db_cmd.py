"""``eventwire db``: apply or show database migrations; create the PostgreSQL reader role."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from common.errors import ConfigurationError

#: Environment variable that gives ``create-reader`` the reader's password.
PASSWORD_ENV = "EVENTWIRE_READER_PASSWORD"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser(
        "db",
        help="database migrations (upgrade, current) and the read-only role (create-reader)",
        description="upgrade: migrate to the latest schema; current: show the revision; "
        "create-reader [NAME]: create or repair (idempotent) a PostgreSQL role that can only "
        "SELECT the documented tables and views, for EVENTWIRE_READ_DATABASE_URL. Its password "
        f"comes from ${PASSWORD_ENV}; without it a new role gets a generated one (written "
        "only to --url-file) and an existing role keeps its own.",
    )
    p.add_argument(
        "action",
        choices=("upgrade", "current", "create-reader"),
        help="upgrade | current | create-reader",
    )
    p.add_argument("name", nargs="?", default=None, help="create-reader: role name")
    p.add_argument(
        "--url-file",
        type=Path,
        help="create-reader: write the reader's full URL (with its password) to this file, "
        "readable by you only",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    from common.settings import get_settings
    from eventwire.cli_support import database
    from models.engine import redact_url
    from models.migrate import current_revision

    settings = get_settings()
    if args.name and args.action != "create-reader":
        raise ConfigurationError(f"db {args.action} takes no NAME (only create-reader does)")
    if args.action == "create-reader":
        return _create_reader(args)
    database(settings, migrate=args.action == "upgrade")
    if args.action == "upgrade":
        from worker.event_types import sync_catalogue  # the registry's types, for the dashboard

        sync_catalogue(settings)
    print(
        f"{redact_url(settings.database_url)}: revision {current_revision(settings.database_url)}"
    )
    return 0


def _write_private(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` created with mode 0600 (a secret inside)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode otherwise
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(content + "\n")


def _create_reader(args: argparse.Namespace) -> int:
    from common.settings import get_settings
    from eventwire.cli_support import database
    from models.engine import redact_url
    from models.reader_role import (
        DEFAULT_READER,
        check_role_name,
        create_reader,
        generate_password,
        reader_url,
    )

    settings = get_settings()
    name = check_role_name(args.name or DEFAULT_READER)
    password = os.environ.get(PASSWORD_ENV) or None
    engine = database(settings)  # the tables must exist before they can be granted
    if engine.dialect.name != "postgresql":
        raise ConfigurationError(
            f"create-reader needs PostgreSQL; {redact_url(settings.database_url)} is "
            f"{engine.dialect.name}, whose ad-hoc SQL is guarded without a role (docs/security.md)"
        )
    exists = _role_exists(engine, name)
    if password is None and not exists and args.url_file:
        password = generate_password()  # the URL file is where the user will find it
    setup = create_reader(engine, name, password=password, timeout_s=settings.sql_timeout)
    full_url = reader_url(settings.database_url, name, password)
    print(f"EVENTWIRE_READ_DATABASE_URL={redact_url(full_url)}")
    if args.url_file and password:
        _write_private(args.url_file, full_url)
    print(_password_note(setup.created, password, args.url_file), file=sys.stderr)
    print(
        f"reader {name} {'created' if setup.created else 'updated'}: SELECT on "
        f"{', '.join(setup.tables)}",
        file=sys.stderr,
    )
    return 0


def _role_exists(engine: object, name: str) -> bool:
    from sqlalchemy import text

    with engine.connect() as conn:  # type: ignore[attr-defined]
        return bool(
            conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).scalar()
        )


def _password_note(created: bool, password: str | None, url_file: Path | None) -> str:
    how = (
        f"set ${PASSWORD_ENV} and run `eventwire db create-reader` again to set a password "
        "you know (or ALTER ROLE ... PASSWORD in psql)"
    )
    if password and url_file:
        return f"password set; the full URL is in {url_file} (mode 0600)"
    if password and os.environ.get(PASSWORD_ENV):
        return f"password set from ${PASSWORD_ENV}; put it in place of *** above"
    if created:
        return f"password generated and not shown; {how}"
    return f"password unchanged; {how}"
