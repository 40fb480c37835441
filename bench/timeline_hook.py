"""Timestamps of the phases of an ``eventwire`` command, for ``bench/timeline.py``.

Not part of eventwire: ``bench/timeline.py`` runs the CLI through :func:`run_cli`, which wraps
a few functions of the worker (pipeline load, each batch and its extract and store steps, the
burst worker's run) so that every process appends ``{"pid", "event", "t", "cpu"}`` lines to the
file named by ``EVENTWIRE_TIMELINE``: wall-clock time (comparable across processes) and the
process's own CPU seconds (user + system) at that moment. Forked workers inherit the wrappers.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any


def mark(event: str, **extra: Any) -> None:
    """Append one event line (one ``write`` on an O_APPEND file: processes do not interleave)."""
    path = os.environ.get("EVENTWIRE_TIMELINE")
    if not path:
        return
    times = os.times()
    # This thread's own CPU and run-queue wait (ns): wall - CPU - wait = time it slept
    # (locks, I/O, polls) rather than waited for a core taken by another process.
    with open("/proc/thread-self/schedstat") as f:
        ran_ns, waited_ns, _ = (int(x) for x in f.read().split())
    line = json.dumps(
        {
            "pid": os.getpid(),
            "event": event,
            "t": time.time(),
            "cpu": times.user + times.system,
            "run": ran_ns / 1e9,
            "wait": waited_ns / 1e9,
            **extra,
        }
    )
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def _wrap(module: Any, name: str, event: str, size: Callable[..., int] | None = None) -> None:
    """Replace ``module.name`` with a version that marks ``event start`` and ``event end``."""
    original = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        extra = {"n": size(*args, **kwargs)} if size else {}
        mark(f"{event} start", **extra)
        try:
            return original(*args, **kwargs)
        finally:
            mark(f"{event} end", **extra)

    setattr(module, name, wrapper)


def install() -> None:
    """Wrap the worker's phases (imports the worker modules, as the command would anyway)."""
    import worker.processing as processing
    import worker.runner as runner

    _wrap(runner, "_load_pipeline", "load")
    _wrap(runner, "run_worker", "run_worker")
    _wrap(processing, "process_batch", "batch", size=lambda ids, **_: len(ids))
    _wrap(processing, "_extract_isolated", "extract")
    _wrap(processing, "store_batch", "store")
    _wrap(processing, "find_copies", "copies")
    _wrap(processing.repository, "mark_processing", "marking")
    _wrap(processing.repository, "get_articles", "reading")

    import common.queue as queue
    import worker.broker as broker

    # The burst worker's poll: common.queue.work_outstanding, or (before it) queue_backlog
    # imported from worker.broker.
    module, name = (
        (queue, "work_outstanding")
        if hasattr(queue, "work_outstanding")
        else (
            broker,
            "queue_backlog",
        )
    )
    outstanding = getattr(module, name)

    def polled(client: Any, queue_name: str) -> int:
        n = outstanding(client, queue_name)
        mark("poll", n=n)
        return n

    setattr(module, name, polled)


def run_cli(argv: list[str]) -> int:
    """``eventwire ARGV`` with the timeline marks (the worker's phases only for ``worker``)."""
    mark("cli start")
    if argv and argv[0] == "worker":
        install()
    from eventwire import main

    try:
        return main(argv)
    finally:
        mark("cli end")


if __name__ == "__main__":
    sys.exit(run_cli(sys.argv[1:]))
