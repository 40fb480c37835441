"""SIGTERM and SIGINT stop ``eventwire dashboard`` and ``eventwire worker`` with nothing left over.

Real processes, real Redis: the commands run as a service manager or docker would run them,
and afterwards the port must be closed and every child process gone.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import cli_env

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc for children")


def _descendants(pid: int) -> set[int]:
    """Every live process whose parent chain leads to ``pid``."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after it.
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[0] != "Z":
            alive.add(pid)
    return alive


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _stop(proc: subprocess.Popen[bytes], sig: signal.Signals, timeout: float = 90) -> int:
    proc.send_signal(sig)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"the process ignored {sig.name} for {timeout:.0f} s") from None


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_dashboard_stops_on_signal_and_frees_its_port(
    sig: signal.Signals, sqlite_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    env = cli_env(sqlite_url, "redis://127.0.0.1:6379/15", "unused", HOME=str(tmp_path))
    cmd = [sys.executable, "-m", "eventwire", "dashboard", "--port", str(port), "--headless"]
    log = (tmp_path / "dashboard.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: _port_open(port) or proc.poll() is not None, 90, "the dashboard's port")
        assert proc.poll() is None, (tmp_path / "dashboard.log").read_text()
        children = _descendants(proc.pid)
        _stop(proc, sig)
        _wait(lambda: not _port_open(port), 10, "the port to close")
        _wait(lambda: not _alive(children), 10, f"children {children} to exit")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_worker_processes_stop_cleanly_on_signal(
    sig: signal.Signals, sqlite_url: str, redis_url: str, queue_name: str, tmp_path: Path
) -> None:
    env = cli_env(sqlite_url, redis_url, queue_name)
    cmd = [sys.executable, "-m", "eventwire", "worker", "--processes", "2"]
    log_path = tmp_path / "worker.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        # Both children must be consuming (spaCy loaded, Dramatiq running) before the signal.
        _wait(
            lambda: log_path.read_text().count("consuming") >= 2 or proc.poll() is not None,
            240,
            "two worker processes to start consuming",
        )
        assert proc.poll() is None, log_path.read_text()
        children = _descendants(proc.pid)
        assert len(children) >= 2, children
        code = _stop(proc, sig)
        assert code == 0, log_path.read_text()
        _wait(lambda: not _alive(children), 10, f"children {children} to exit")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
