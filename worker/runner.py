"""Run Dramatiq workers: in this process, or as several processes, optionally in burst mode.

Dramatiq has no burst mode, so this module adds one: a worker in burst mode stops once no
message of its queue is waiting, in flight or delayed for a retry — across every worker on
every machine, because the count comes from Redis (see :func:`worker.broker.queue_backlog`).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence

from common.settings import Settings, get_settings

logger = logging.getLogger(__name__)

#: How often a burst worker looks at the queue.
POLL_SECONDS = 0.5
#: The queue must read empty this many polls in a row: a message in the short moment between
#: being fetched and being acknowledged must not end the burst early.
EMPTY_POLLS_TO_STOP = 3


def run_worker(*, threads: int = 1, burst: bool = False, settings: Settings | None = None) -> int:
    """Consume the articles queue in this process until signalled (or drained, in burst mode).

    Returns the process exit code.
    """
    import dramatiq

    from models.migrate import upgrade
    from worker import actors  # registers the actor on the broker
    from worker.broker import queue_backlog, setup_broker
    from worker.processing import get_extractor

    settings = settings or get_settings()
    upgrade(settings.database_url)
    broker = setup_broker(settings)
    # Load spaCy before taking messages: the first batch must not pay for it under a time limit.
    get_extractor(settings.spacy_model, settings.gazetteer_dir, settings.plugin_paths)
    stop = threading.Event()

    def _on_signal(signum: int, _frame: object) -> None:
        logger.info("signal %s: stopping after the current batch", signum)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _on_signal)

    worker = dramatiq.Worker(
        broker,
        queues={actors.process_articles.queue_name},
        worker_threads=threads,
        worker_timeout=200,
    )
    worker.start()
    logger.info(
        "worker pid %d consuming %r with %d thread(s)%s",
        os.getpid(),
        settings.queue_name,
        threads,
        " (burst)" if burst else "",
    )
    empty_polls = 0
    try:
        while not stop.wait(POLL_SECONDS):
            if not burst:
                continue
            backlog = queue_backlog(broker.client, settings.queue_name)
            empty_polls = empty_polls + 1 if backlog == 0 else 0
            if empty_polls >= EMPTY_POLLS_TO_STOP:
                logger.info("queue drained; burst worker exits")
                break
    finally:
        worker.stop(timeout=60_000)
        broker.close()
    return 0


def run_processes(
    processes: int,
    *,
    threads: int = 1,
    burst: bool = False,
    extra_env: dict[str, str] | None = None,
) -> int:
    """Start ``processes`` worker processes and wait for them; signals are passed on.

    Each process loads its own spaCy pipeline: extraction is CPU-bound, so processes (not
    threads) are how a machine's cores are used.
    """
    if processes <= 1:
        return run_worker(threads=threads, burst=burst)
    cmd: Sequence[str] = [
        sys.executable,
        "-m",
        "eventwire",
        "worker",
        "--processes",
        "1",
        "--threads",
        str(threads),
    ]
    if burst:
        cmd = [*cmd, "--burst"]
    env = {**os.environ, **(extra_env or {})}
    children = [subprocess.Popen(cmd, env=env) for _ in range(processes)]

    def _forward(signum: int, _frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _forward)
    codes = [child.wait() for child in children]
    failed = [code for code in codes if code != 0]
    if failed:
        logger.error("%d worker process(es) exited with an error: %s", len(failed), failed)
        return 1
    return 0
