"""Fixtures for headless dashboard tests: seeded SQLite databases and an AppTest factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import create_engine
from sqlmodel import SQLModel
from streamlit.testing.v1 import AppTest

from common.settings import get_settings
from tests.conftest import scratch_postgres
from tests.dashboard.seed import seed_demo

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = ["overview", "actors", "events", "incidents", "map", "pipeline"]
#: Nothing listens here, so the queue depth is "n/a" quickly and deterministically.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a SQLite database seeded once with the demo data (tests only read it)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'demo.db'}"
    engine = create_engine(url)
    seed_demo(engine)
    engine.dispose()
    return url


@pytest.fixture
def postgres_demo_db() -> Iterator[str]:
    """URL of a PostgreSQL database of its own with a small demo seed, dropped afterwards."""
    with scratch_postgres("eventwire_dashboard") as url:
        engine = create_engine(url)
        seed_demo(engine, articles=20)
        engine.dispose()
        yield url
        st.cache_resource.clear()


@pytest.fixture
def empty_db(tmp_path: Path) -> str:
    """URL of a SQLite database with the tables and no rows."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = create_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., AppTest]]:
    """Factory: ``app(database_url, page="overview", redis_url=..., **query_params)``.

    Points the settings at the database, runs the app, switches to ``page`` and returns the
    rendered AppTest. Streamlit caches are cleared around each test.
    """

    def make(
        database_url: str, page: str = "overview", redis_url: str = DEAD_REDIS, **params: str
    ) -> AppTest:
        monkeypatch.setenv("EVENTWIRE_DATABASE_URL", database_url)
        monkeypatch.setenv("EVENTWIRE_REDIS_URL", redis_url)
        get_settings.cache_clear()
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update(params)
        at.run()
        if page != "overview":
            at.switch_page(f"app_pages/{page}.py").run()
        return at

    st.cache_data.clear()
    yield make
    st.cache_data.clear()
    st.cache_resource.clear()
    get_settings.cache_clear()
