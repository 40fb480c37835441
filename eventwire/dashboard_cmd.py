"""``eventwire dashboard``: launch the Streamlit app."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the CLI."""
    p = sub.add_parser("dashboard", help="launch the Streamlit dashboard")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1", help="address to listen on")
    p.add_argument("--headless", action="store_true", help="do not open a browser")
    p.set_defaults(handler=run)


def app_path() -> Path:
    """The Streamlit entry script inside the installed ``dashboard`` package."""
    import dashboard

    return Path(dashboard.__file__).with_name("app.py")


def run(args: argparse.Namespace) -> int:
    """Replace this process with the Streamlit server (never returns on success).

    ``exec`` rather than a child process: SIGTERM/SIGINT from a service manager, docker or a
    terminal then reach Streamlit itself, and no orphaned server is left holding the port.
    """
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path()),
        "--server.port",
        str(args.port),
        "--server.address",
        args.address,
        "--browser.gatherUsageStats",
        "false",
        "--server.headless",
        "true" if args.headless else "false",
        # dashboard/static holds the Map page's base map (no CDN needed).
        "--server.enableStaticServing",
        "true",
    ]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, cmd)
    return 0  # pragma: no cover (execv does not return)
