"""What every query module shares: the Core tables it selects from and how rows come back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import SQLModel

from common.contract import ROLES
from models.tables import (
    Actor,
    Article,
    Event,
    EventActorLink,
    EventCountry,
    EventMention,
    EventPair,
)

# Core tables rather than the SQLModel classes: the queries are Core statements.
article = SQLModel.metadata.tables[Article.__tablename__]
event = SQLModel.metadata.tables[Event.__tablename__]
actor = SQLModel.metadata.tables[Actor.__tablename__]
link = SQLModel.metadata.tables[EventActorLink.__tablename__]
pair = SQLModel.metadata.tables[EventPair.__tablename__]
mention = SQLModel.metadata.tables[EventMention.__tablename__]
event_country = SQLModel.metadata.tables[EventCountry.__tablename__]

#: The date an event is placed at: its own date, else its article's publication date
#: (stored in ``event.day`` by the repository, and copied into ``event_actor.day``).
EVENT_DAY = event.c.day


def fetch_all(session: Session, stmt: Any) -> Sequence[Row[Any]]:
    """Run a Core statement on the session's connection and return all rows."""
    # The session's connection: same transaction, no ORM, and no SQLModel
    # ``Session.execute`` deprecation warning.
    return session.connection().execute(stmt).all()


def distinct_values(session: Session, column: Any) -> list[Any]:
    """Distinct non-null values of an indexed column, by skipping through its index.

    A recursive "loose index scan": each step asks the index for the smallest value above
    the last one, so a column with ten values costs ten index probes, not a pass over a
    million rows.
    """
    seed = select(func.min(column).label("v")).cte("distinct_values", recursive=True)
    step = select(select(func.min(column)).where(column > seed.c.v).scalar_subquery())
    values = seed.union_all(step.where(seed.c.v.is_not(None)))
    stmt = select(values.c.v).where(values.c.v.is_not(None))
    return list(session.connection().execute(stmt).scalars())


def as_date(value: Any) -> date | None:
    """A date from a date or ISO text (SQLite returns some computed dates as text)."""
    # min()/max() over coalesce() lose the Date type on SQLite and come back as text.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def check_role(role: str) -> str:
    """Return ``role`` when it is one of :data:`ROLES`, else raise ``ValueError``."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return role


class unindexed(FunctionElement[Any]):
    """A column SQLite must not read through an index: ``+column`` there, the column elsewhere.

    For ``GROUP BY``: SQLite would rather walk an index in the grouped column's order than
    sort, even when that means looking up every row to test the WHERE clause; the per-type
    counts of a million events took 4.4 s that way instead of 0.5 s from the covering
    (modality, day, type) index and a sort (bench/dashboard_scale.py --sqlite).
    """

    inherit_cache = True
    name = "unindexed"


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.clauses, **kw)


@compiles(unindexed)
def _unindexed_other(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)
