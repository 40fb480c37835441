"""The packaged migrations as files: where they are and their head, read without Alembic or
SQLAlchemy (``eventwire stats`` checks the schema with the database driver alone)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

#: The folder holding env.py and versions/.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

#: ``revision = "0009"`` and ``down_revision = "0008"`` lines of a migration file.
_REVISION_LINE = re.compile(r'^(down_revision|revision)\b[^=]*=\s*["\']([^"\']+)["\']', re.M)


@lru_cache(maxsize=1)
def packaged_head() -> str | None:
    """The latest packaged revision, read from the files' text without importing Alembic.

    Every command migrates on start; importing Alembic and loading every migration only to
    find nothing to do cost stats and the other quick commands a third of a second. None
    when the files cannot be read that simply (then ``models.migrate.upgrade`` asks Alembic).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((k, v) for k, v in _REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            return None
        revisions.add(found["revision"])
        if "down_revision" in found:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None
