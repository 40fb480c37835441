"""The real dashboard in a real browser: charts draw, URL filters change them, screenshots.

Starts ``streamlit run dashboard/app.py`` on a seeded SQLite database and drives it with
headless Chromium (Playwright, system ``/usr/bin/chromium``). The screenshots it takes are the
ones the README shows (docs/img/). Skipped without Chromium, except in CI.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine

from tests.conftest import REPO, unavailable
from tests.dashboard.seed import seed_demo
from worker.extraction.plugins import load_event_types

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

CHROMIUM = Path(os.environ.get("EVENTWIRE_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
APP = REPO / "dashboard" / "app.py"
IMG = REPO / "docs" / "img"
STARTUP_SECONDS = 40
#: Plotly draws one ``g.trace`` per trace it renders (bars, lines, heatmaps...).
TRACES = ".js-plotly-plot g.trace"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a running dashboard on a freshly seeded demo database."""
    if not CHROMIUM.exists():
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    workdir = tmp_path_factory.mktemp("browser")
    db_url = f"sqlite:///{workdir / 'demo.db'}"
    engine = create_engine(db_url)
    seed_demo(engine)
    engine.dispose()

    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("EVENTWIRE_")},
        "EVENTWIRE_DATABASE_URL": db_url,
        "EVENTWIRE_REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens: queue depth n/a
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",  # no "Deploy" button in the screenshots
        "--server.enableStaticServing", "true",  # the Map page's base map
    ]  # fmt: skip
    log = (workdir / "streamlit.log").open("wb")
    server = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"streamlit exited with {server.returncode}: {_tail(workdir)}")
            try:
                if httpx.get(f"{base}/_stcore/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {STARTUP_SECONDS} s: {_tail(workdir)}")
            time.sleep(0.25)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _tail(workdir: Path) -> str:
    return (workdir / "streamlit.log").read_text(errors="replace")[-2000:]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module."""
    if not CHROMIUM.exists():
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _open(browser: object, url: str):  # type: ignore[no-untyped-def]
    """Open ``url`` and wait until the Overview has drawn its chart and its KPIs."""
    page = browser.new_page(viewport={"width": 1440, "height": 960})  # type: ignore[attr-defined]
    page.goto(url, wait_until="domcontentloaded")
    # SVG groups have no box of their own for Playwright's "visible": wait for "attached".
    page.wait_for_selector(TRACES, state="attached", timeout=30_000)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=30_000)
    # Let the bar transition and the type table settle before counting or shooting.
    page.wait_for_timeout(800)
    return page


def _metrics(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    return {label.strip(): value.strip() for label, value in zip(labels, values)}


def _legend(page) -> list[str]:  # type: ignore[no-untyped-def]
    # SVG text has no innerText; textContent it is.
    texts = page.locator(".js-plotly-plot .legend .traces .legendtext").all_text_contents()
    return sorted(t.strip() for t in texts)


def _number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def test_overview_draws_charts_and_url_filters_change_them(
    dashboard_url: str, browser: object
) -> None:
    IMG.mkdir(parents=True, exist_ok=True)

    page = _open(browser, dashboard_url)
    try:
        assert page.locator(".js-plotly-plot").count() >= 1
        assert page.locator(f"{TRACES} path").count() > 0  # bars are SVG paths
        all_types = _legend(page)
        all_metrics = _metrics(page)
        assert len(all_types) >= 4, all_types
        # The dashboard counts incidents (one happening once) unless ?count=reports.
        assert _number(all_metrics["Incidents"]) > 0
        assert not page.locator('[data-testid="stException"]').count()
        page.screenshot(path=str(IMG / "dashboard-overview.png"))
    finally:
        page.close()

    page = _open(browser, f"{dashboard_url}/?type=launch&country=PRK")
    try:
        launches = _legend(page)
        metrics = _metrics(page)
        assert launches == ["launch"], launches
        assert 0 < _number(metrics["Incidents"]) < _number(all_metrics["Incidents"])
        # The sidebar shows the filter taken from the URL, by the type's catalogue label.
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        label = {spec.name: spec.label for spec in load_event_types()}["launch"]
        assert label in sidebar and "PRK" in sidebar
        assert not page.locator('[data-testid="stException"]').count()
        page.screenshot(path=str(IMG / "dashboard-launches-prk.png"))
    finally:
        page.close()


def test_map_draws_countries_without_the_plotly_cdn(browser: object, dashboard_url: str) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 960})  # type: ignore[attr-defined]
    cdn_requests: list[str] = []

    def block_cdn(route) -> None:  # type: ignore[no-untyped-def]
        cdn_requests.append(route.request.url)
        route.abort()

    # As on a machine without internet: the base map must come from the dashboard itself.
    page.route("**/cdn.plot.ly/**", block_cdn)
    try:
        page.goto(f"{dashboard_url}/map", wait_until="domcontentloaded")
        page.wait_for_selector(
            ".js-plotly-plot .choroplethlocation", state="attached", timeout=30_000
        )
        countries = page.locator(".js-plotly-plot .choroplethlocation")
        assert countries.count() >= 3  # one shape per country with events (PRK, KOR, USA...)
        outlines = countries.evaluate_all("els => els.map(e => (e.getAttribute('d') || '').length)")
        assert min(outlines) > 20  # drawn from the topojson, not empty placeholders
        assert not page.locator('[data-testid="stException"]').count()
        assert cdn_requests == []
    finally:
        page.close()
