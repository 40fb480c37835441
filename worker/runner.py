"""Run Dramatiq workers: in this process, or as several processes, optionally in burst mode.

Dramatiq has no burst mode, so this module adds one: a worker in burst mode stops once no
message of its queue is waiting, in flight or delayed for a retry — across every worker on
every machine, because the count comes from Redis (see :func:`common.queue.work_outstanding`)
— and no ``eventwire enqueue`` is still sending to it (:mod:`worker.enqueue_announce`), so a
burst worker may be started before or beside the enqueue that feeds it.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import threading
from types import FrameType

from common.settings import Settings, get_settings

logger = logging.getLogger(__name__)

#: How often a burst worker looks at the queue (two HLENs in one round trip: cheap). Every
#: poll's wait is wall time both cores sit idle at the end of a burst.
POLL_SECONDS = 0.05
#: The queue must read empty this many polls in a row. One would do: Dramatiq keeps a message
#: in the counted hashes from its send until its acknowledgement, and a retry is queued (in
#: the delay hash) before the failed message is acknowledged; the second read is a margin.
EMPTY_POLLS_TO_STOP = 2
#: How long (ms) Dramatiq's threads wait for work before looking again, which is also how
#: long stopping them can take. A long-running worker keeps Dramatiq's 200 ms (an idle
#: consumer polls Redis at most that often); a burst worker stops as soon as the queue is
#: drained, so waiting there is idle time added to every burst.
WORKER_TIMEOUT_MS = 200
BURST_WORKER_TIMEOUT_MS = 50


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


def run_worker(
    *,
    threads: int = 1,
    burst: bool = False,
    settings: Settings | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Consume the articles queue in this process until signalled (or drained, in burst mode).

    The schema must already be current: the front door (``eventwire worker``, or the
    ``migrate`` service of docker compose) migrates before workers start. ``stop`` is the
    event of signal handlers already installed (forked workers install theirs first thing);
    without it, this installs them. Returns the process exit code.
    """
    stop = stop or _stop_on_signals()
    import dramatiq

    from common.queue import work_outstanding
    from worker import tasks  # registers the actor on the broker
    from worker.broker import setup_broker

    settings = settings or get_settings()
    # The dashboard learns the types (user plugins included) from the catalogue, not from us.
    # Written once by whoever loads the pipeline: run_processes does it before forking.
    if _load_pipeline(settings, stop) is None:
        return 0
    broker = setup_broker(settings)
    if stop.is_set():
        broker.close()
        return 0

    worker = dramatiq.Worker(
        broker,
        queues={tasks.process_articles.queue_name},
        worker_threads=threads,
        worker_timeout=BURST_WORKER_TIMEOUT_MS if burst else WORKER_TIMEOUT_MS,
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
            backlog = work_outstanding(broker.client, settings.queue_name)
            empty_polls = empty_polls + 1 if backlog == 0 else 0
            if empty_polls >= EMPTY_POLLS_TO_STOP:
                logger.info("queue drained; burst worker exits")
                break
    finally:
        worker.stop(timeout=60_000)
        broker.close()
    return 0


#: Pipelines loaded in this process (a forked worker finds its parent's here).
_loaded: set[tuple[str, str | None, tuple[str, ...]]] = set()


def _load_pipeline(settings: Settings, stop: threading.Event) -> object | None:
    """Record the event-type catalogue and load spaCy, once per process (and its forks).

    Loading comes before taking messages: the first batch must not pay for it under a time
    limit. Returns the extractor, or None when a signal arrived meanwhile.
    """
    from worker.event_types import sync_catalogue
    from worker.processing import get_extractor

    key = (settings.spacy_model, settings.gazetteer_dir, settings.plugin_paths)
    if key not in _loaded:
        sync_catalogue(settings)
    extractor = get_extractor(*key)
    _loaded.add(key)
    return None if stop.is_set() else extractor


#: The signals a worker stops on, and that run_processes forwards to its children.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _child_main(threads: int, burst: bool) -> None:
    """Entry point of one worker process forked by :func:`run_processes`.

    The parent blocks the stop signals around the fork; the child installs its own handlers
    and only then unblocks them, so a signal is never handled by the parent's code here.
    """
    stop = _stop_on_signals()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    raise SystemExit(run_worker(threads=threads, burst=burst, stop=stop))


def run_processes(processes: int, *, threads: int = 1, burst: bool = False) -> int:
    """Start ``processes`` worker processes and wait for them; SIGINT/SIGTERM are passed on.

    Extraction is CPU-bound, so processes (not threads) are how a machine's cores are used.
    The spaCy pipeline is loaded once, here, and the workers are forked after it: they share
    its memory copy-on-write and take their first message about a second after the command
    starts, instead of each importing everything and loading the model again (5 s or more
    for two processes on two cores). Nothing that must not cross a fork exists yet at that
    point: no Dramatiq broker (each child creates its own), no open Redis socket, and the
    database pools of the parent are forgotten in the children (:mod:`models.engine`).
    """
    stop = _stop_on_signals()
    settings = get_settings()
    if _load_pipeline(settings, stop) is None:
        return 0
    if processes <= 1:
        return run_worker(threads=threads, burst=burst, settings=settings, stop=stop)
    # Imported once for all children too; the broker itself is created by each child.
    import worker.broker  # noqa: F401

    context = multiprocessing.get_context("fork")
    children = [
        context.Process(
            target=_child_main,
            args=(threads, burst),
            name=f"eventwire-worker-{n}",
        )
        for n in range(processes)
    ]

    def _forward(signum: int, _frame: FrameType | None) -> None:
        for child in children:
            if child.pid is not None and child.exitcode is None:
                os.kill(child.pid, signum)

    # Blocked while forking: a signal arriving now is handled once every child can take it.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        if stop.is_set():  # signalled since the pipeline loaded: start nobody
            return 0
        for sig in STOP_SIGNALS:
            signal.signal(sig, _forward)
        # Objects alive now (the pipeline above all) are never collected: the collector
        # would otherwise write to their pages and copy them into every child.
        gc.freeze()
        for child in children:
            child.start()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    for child in children:
        child.join()
    failed = [child.exitcode for child in children if child.exitcode != 0]
    if failed:
        logger.error("%d worker process(es) exited with an error: %s", len(failed), failed)
        return 1
    return 0
