"""Cutting a stream into batches of at most ``size`` items (itertools.batched before 3.12)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[tuple[T, ...]]:
    """Yield tuples of ``size`` items (the last one shorter), reading ``items`` lazily.

    ``itertools.batched`` on Python 3.12+, the same behaviour on 3.10/3.11.
    """
    if size < 1:
        raise ValueError("batch size must be at least 1")
    if sys.version_info >= (3, 12):
        from itertools import batched as _batched

        yield from _batched(items, size)
        return
    iterator = iter(items)
    while batch := tuple(islice(iterator, size)):
        yield batch
