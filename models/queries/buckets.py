"""Time buckets (day, week, month) as SQL expressions, compiled per dialect."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from sqlalchemy import Date, DateTime, TypeDecorator
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

Bucket = Literal["day", "week", "month"]
#: Time buckets accepted by the ``*_over_time`` functions.
BUCKETS: tuple[str, ...] = ("day", "week", "month")


class _BucketStart(FunctionElement[date]):
    """Start date of the bucket containing a date/timestamp; compiled per dialect below."""

    type = Date()
    inherit_cache = True
    unit = "day"


class _DayStart(_BucketStart):
    inherit_cache = True
    unit = "day"


class _WeekStart(_BucketStart):
    """Monday of the ISO week."""

    inherit_cache = True
    unit = "week"


class _MonthStart(_BucketStart):
    inherit_cache = True
    unit = "month"


_BUCKET_CLASSES: dict[str, type[_BucketStart]] = {
    "day": _DayStart,
    "week": _WeekStart,
    "month": _MonthStart,
}


@compiles(_BucketStart, "postgresql")
def _bucket_start_pg(element: _BucketStart, compiler: SQLCompiler, **kw: Any) -> str:
    # The unit is rendered inline (never a bind parameter) so the same expression text can
    # appear in SELECT and GROUP BY.
    arg = compiler.process(element.clauses, **kw)
    (expr,) = element.clauses
    sqltype = expr.type.impl_instance if isinstance(expr.type, TypeDecorator) else expr.type
    if isinstance(sqltype, DateTime) and sqltype.timezone:
        # Bucket instants by their UTC day, whatever the session's TimeZone setting.
        return f"CAST(date_trunc('{element.unit}', {arg} AT TIME ZONE 'UTC') AS DATE)"
    return f"CAST(date_trunc('{element.unit}', CAST({arg} AS TIMESTAMP)) AS DATE)"


@compiles(_BucketStart, "sqlite")
def _bucket_start_sqlite(element: _BucketStart, compiler: SQLCompiler, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    if element.unit == "month":
        return f"date({arg}, 'start of month')"
    if element.unit == "week":
        # strftime('%w') is 0 for Sunday; step back to Monday.
        return f"date({arg}, '-' || ((CAST(strftime('%w', {arg}) AS INTEGER) + 6) % 7) || ' days')"
    return f"date({arg})"


@compiles(_BucketStart)
def _bucket_start_other(element: _BucketStart, compiler: SQLCompiler, **kw: Any) -> str:
    raise NotImplementedError(f"time buckets are not implemented for {compiler.dialect.name}")


def bucket_start(expr: ColumnElement[Any], bucket: str) -> ColumnElement[date]:
    """Return a SQL expression for the first day of the ``bucket`` containing ``expr``."""
    try:
        cls = _BUCKET_CLASSES[bucket]
    except KeyError:
        raise ValueError(f"bucket must be one of {', '.join(BUCKETS)}, not {bucket!r}") from None
    return cls(expr)
