"""Run Dramatiq workers: in this process, or as several processes, optionally in burst mode.

Dramatiq has no burst mode, so this module adds one: a worker in burst mode stops once no
message of its queue is waiting, in flight or delayed for a retry — across every worker on
every machine, because the count comes from Redis (see :func:`worker.broker.queue_backlog`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from types import FrameType

from common.settings import Settings, get_settings

logger = logging.getLogger(__name__)

#: How often a burst worker looks at the queue.
POLL_SECONDS = 0.5
#: The queue must read empty this many polls in a row: a message in the short moment between
#: being fetched and being acknowledged must not end the burst early.
EMPTY_POLLS_TO_STOP = 3


def _stop_on_signals() -> threading.Event:
    """Install SIGINT/SIGTERM handlers that set (and return) a stop event.

    Installed before spaCy loads, so a signal during the slow start still ends the process
    cleanly (exit code 0) instead of killing it mid-import.
    """
    stop = threading.Event()

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %s: stopping after the current batch", signum)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _on_signal)
    return stop


def run_worker(*, threads: int = 1, burst: bool = False, settings: Settings | None = None) -> int:
    """Consume the articles queue in this process until signalled (or drained, in burst mode).

    The schema must already be current: the front door (``eventwire worker``, or the
    ``migrate`` service of docker compose) migrates before workers start. Returns the process
    exit code.
    """
    stop = _stop_on_signals()
    import dramatiq

    from worker import tasks  # registers the actor on the broker
    from worker.broker import queue_backlog, setup_broker
    from worker.event_types import sync_catalogue
    from worker.processing import get_extractor

    settings = settings or get_settings()
    # The dashboard learns the types (user plugins included) from the catalogue, not from us.
    sync_catalogue(settings)
    broker = setup_broker(settings)
    # Load spaCy before taking messages: the first batch must not pay for it under a time limit.
    get_extractor(settings.spacy_model, settings.gazetteer_dir, settings.plugin_paths)
    if stop.is_set():
        broker.close()
        return 0

    worker = dramatiq.Worker(
        broker,
        queues={tasks.process_articles.queue_name},
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


def _child_main(threads: int, burst: bool, log_level: str) -> None:
    """Entry point of one worker process started by :func:`run_processes`."""
    # A spawned interpreter starts with no logging configuration: repeat the parent's.
    logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    raise SystemExit(run_worker(threads=threads, burst=burst))


def run_processes(processes: int, *, threads: int = 1, burst: bool = False) -> int:
    """Start ``processes`` worker processes and wait for them; SIGINT/SIGTERM are passed on.

    Each process loads its own spaCy pipeline: extraction is CPU-bound, so processes (not
    threads) are how a machine's cores are used. The children are started with
    multiprocessing's ``spawn`` method, running :func:`run_worker` directly (not the CLI
    again), so no Dramatiq broker, Redis socket or database pool is inherited across a fork.
    """
    if processes <= 1:
        return run_worker(threads=threads, burst=burst)
    context = multiprocessing.get_context("spawn")
    log_level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
    children = [
        context.Process(
            target=_child_main,
            args=(threads, burst, log_level),
            name=f"eventwire-worker-{n}",
        )
        for n in range(processes)
    ]

    def _forward(signum: int, _frame: FrameType | None) -> None:
        for child in children:
            if child.pid is not None and child.exitcode is None:
                os.kill(child.pid, signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _forward)
    for child in children:
        child.start()
    for child in children:
        child.join()
    failed = [child.exitcode for child in children if child.exitcode != 0]
    if failed:
        logger.error("%d worker process(es) exited with an error: %s", len(failed), failed)
        return 1
    return 0
