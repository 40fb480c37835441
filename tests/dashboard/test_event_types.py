"""The dashboard offers and colours event types from the catalogue, plugin types included."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from models.catalogue import sync_event_types
from models.records import EventTypeRecord
from models.tables import Article, Event
from tests.dashboard.seed import seed_demo

App = Callable[..., AppTest]
PROTEST = EventTypeRecord("protest", "Street protest", "#123456", ("march",), builtin=False)


@pytest.fixture
def plugin_db(tmp_path: Path) -> str:
    """The demo data plus a catalogued user type (protest) and an uncatalogued one (riot)."""
    url = f"sqlite:///{tmp_path / 'plugins.db'}"
    engine = create_engine(url)
    seed_demo(engine, articles=10)
    with Session(engine) as session:
        sync_event_types(session, specs=[PROTEST])
        article = Article(
            content_hash="p" * 64, text="Thousands marched.", published=date(2024, 2, 1)
        )
        session.add(article)
        session.flush()
        for kind in ("protest", "riot"):
            session.add(
                Event(article_id=article.id, type=kind, sentence="Thousands marched.",
                      start_char=0, end_char=18, trigger="marched", event_date=date(2024, 2, 1))
            )  # fmt: skip
        session.commit()
    engine.dispose()
    return url


def test_type_filter_offers_catalogue_and_event_types_with_labels(app: App, plugin_db: str) -> None:
    at = app(plugin_db)
    widget = at.sidebar.multiselect(key="f_types")
    # Streamlit shows the formatted labels: the catalogue's label, else one made from the name.
    assert {"Street protest", "Riot", "Launch"} <= set(widget.options)
    # Its events are not linked into incidents (no worker ran): count reports.
    at = app(plugin_db, type="protest", count="reports")
    assert at.session_state["f_types"] == ["protest"]
    assert {m.label: m.value for m in at.metric}["Events"] == "1"


def test_overview_chart_uses_the_catalogue_colour(app: App, plugin_db: str) -> None:
    at = app(plugin_db, count="reports")
    (chart,) = at.get("plotly_chart")
    figure = json.loads(chart.proto.spec)
    colours = {trace["name"]: trace["marker"]["color"] for trace in figure["data"]}
    assert colours["protest"] == "#123456"
    assert colours["riot"] == "#9CA3AF"  # no catalogue row: neutral grey
