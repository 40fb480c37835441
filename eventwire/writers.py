"""Every writer of the CLI's results: CSV, JSON lines, Parquet, and the aligned text table.

``query``, ``export``, ``dead-letters list`` and the tables of ``stats`` and ``watch --status``
write through here, so there is one cell format everywhere and what is written parses back:

- **CSV**: UTF-8, a header row; NULL is an empty cell, dates and timestamps ISO 8601, and
  every nested value (a list or a dict: actors, location, weapons, a jsonb column) is JSON
  text, which ``json.loads`` reads back.
- **JSON lines**: one object per row, keys in column order; nested values stay nested.
- **Table** (for people, not parsers): lists joined with ", ", floats to two decimals, long
  cells cut.
- **Parquet**: numbers, text, booleans, dates and timestamps keep their type; nested values
  are JSON strings, the same text as in CSV (one rule for both formats, and no Parquet
  struct whose fields would differ row to row). Columns that are NULL in the whole first
  batch are text.

Every writer takes ``columns`` and an iterable of rows (sequences in ``columns`` order) and
consumes it once, a batch at a time: rows streamed from the database are never all in memory.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from common.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa

#: Rows per Parquet row group (and per batch read from the row iterator).
BATCH_SIZE = 10_000
#: Formats a command writing to standard output offers (``query`` adds Parquet to a file).
OUTPUT_FORMATS = ("table", "csv", "jsonl")


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        # PostgreSQL's SUM/AVG give Decimal: JSON readers expect numbers, not strings.
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def to_json(value: Any) -> str:
    """``value`` as compact JSON text (UTF-8 kept readable, dates ISO, Decimals numbers)."""
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def cell_text(value: Any) -> str:
    """One value as a CSV cell: empty for NULL, ISO dates, JSON for lists and dicts."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        return to_json(value)
    return str(value)


def write_csv_to(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    """Write a header and ``rows`` as CSV to the open text stream ``out``; return the rows."""
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
        count += 1
    return count


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], path: Path | str) -> int:
    """Write a header and ``rows`` as a UTF-8 CSV file; return the rows written."""
    with Path(path).open("w", newline="", encoding="utf-8") as out:
        return write_csv_to(columns, rows, out)


def write_jsonl_to(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    """Write one JSON object per row (keys in ``columns`` order) to ``out``; return the rows."""
    count = 0
    for row in rows:
        out.write(to_json(dict(zip(columns, row))) + "\n")
        count += 1
    return count


def _table_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_table_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def write_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    out: TextIO = sys.stdout,
    *,
    max_width: int = 60,
) -> None:
    """Print rows as an aligned text table, long cells cut to ``max_width``."""
    cells = [[_table_cell(row.get(c))[:max_width] for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() + "\n")


def write_rows(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, out: TextIO = sys.stdout
) -> int:
    """Write ``rows`` (sequences in ``columns`` order) as ``csv``, ``jsonl`` or ``table``;
    return how many were written. Only ``table`` holds the rows, to align its columns."""
    if fmt == "csv":
        return write_csv_to(columns, rows, out)
    if fmt == "jsonl":
        return write_jsonl_to(columns, rows, out)
    if fmt != "table":
        raise ValueError(f"unknown output format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}")
    table = [dict(zip(columns, row)) for row in rows]
    write_table(table, columns, out)
    return len(table)


def _batches(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def _is_nested(value: Any) -> bool:
    return isinstance(value, (list, tuple, dict))


def _infer_type(values: list[Any]) -> pa.DataType:
    """The Arrow type of one column's first batch; text for nested, mixed or NULL-only."""
    import pyarrow as pa

    if any(_is_nested(v) for v in values):
        return pa.string()
    try:
        inferred = pa.array(values).type
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.string()
    return pa.string() if pa.types.is_null(inferred) else inferred


def _column_array(name: str, values: list[Any], type_: pa.DataType) -> pa.Array:
    import pyarrow as pa

    if pa.types.is_string(type_):
        values = [v if v is None or isinstance(v, str) else cell_text(v) for v in values]
    try:
        return pa.array(values, type=type_)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
        raise InputError(
            f"column {name!r} changed type part-way ({type_} first, then {exc}); "
            "CAST it to one type in the SQL, or write CSV"
        ) from None


def write_parquet(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    path: Path | str,
    *,
    schema: pa.Schema | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Write ``rows`` to a Parquet file in row groups of ``batch_size``; return the row count.

    Without ``schema`` (the result of ad-hoc SQL) each column's type is inferred from the
    first batch (see the module docstring). An empty result gives a file of text columns.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    batches = _batches(rows, batch_size)
    first = next(batches, [])
    if schema is None:
        schema = pa.schema([(c, _infer_type([r[i] for r in first])) for i, c in enumerate(columns)])
    count = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for batch in _chain_first(first, batches):
            arrays = [
                _column_array(c, [r[i] for r in batch], schema.field(c).type)
                for i, c in enumerate(columns)
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            count += len(batch)
    return count


def _chain_first(
    first: list[Sequence[Any]], rest: Iterator[list[Sequence[Any]]]
) -> Iterator[list[Sequence[Any]]]:
    if first:
        yield first
    yield from rest
