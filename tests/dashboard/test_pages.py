"""Every page rendered headless (Streamlit AppTest) on a seeded, an empty and a broken DB."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from models import queries
from models.queries import EventFilter
from tests.dashboard.conftest import PAGES

App = Callable[..., AppTest]

# page -> (plotly charts, dataframes) expected on the demo database
EXPECTED = {
    "overview": (1, 1),
    "actors": (4, 1),
    "events": (0, 2),
    "incidents": (1, 3),
    "map": (1, 1),
    "pipeline": (2, 1),
}


def _texts(at: AppTest | Block, kind: str) -> str:
    return "\n".join(str(e.value) for e in getattr(at, kind))


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_charts_and_tables(app: App, demo_db: str, page: str) -> None:
    # ?event=1 and ?incident=1 open a detail on the Events and Incidents pages
    at = app(demo_db, page, event="1", incident="1")
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    charts, tables = EXPECTED[page]
    assert len(at.get("plotly_chart")) == charts
    assert len(at.dataframe) >= tables


@pytest.mark.parametrize("page", PAGES)
def test_empty_database_explains_what_to_run(app: App, empty_db: str, page: str) -> None:
    at = app(empty_db, page)
    assert not at.exception, [e.value for e in at.exception]
    assert "eventwire enqueue" in _texts(at, "info")
    assert not at.get("plotly_chart")


@pytest.mark.parametrize(("count", "label"), [(None, "Incidents"), ("reports", "Events")])
def test_overview_kpis_follow_the_filters_in_the_url(
    app: App, demo_db: str, count: str | None, label: str
) -> None:
    params = {"count": count} if count else {}
    at = app(demo_db, type="launch,statement", country="rus", bucket="month", **params)
    assert at.session_state["f_types"] == ["launch", "statement"]
    assert at.session_state["f_countries"] == ["RUS"]
    assert at.session_state["f_bucket"] == "month"
    assert at.session_state["f_count"] == (count or "incidents")
    incidents = label == "Incidents"
    filt = EventFilter(types=["launch", "statement"], countries=["RUS"], count_incidents=incidents)
    with Session(create_engine(demo_db)) as session:
        expected = queries.overview_kpis(session, filt=filt)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[label] == f"{expected.events:,}"
    assert metrics["Actors"] == f"{expected.actors:,}"
    assert metrics["Queue depth"] == "n/a"  # Redis is unreachable in this test


def test_changing_a_filter_rewrites_the_query_string(app: App, demo_db: str) -> None:
    at = app(demo_db, country="RUS")
    assert at.query_params == {"country": "RUS"}  # defaults are not written
    at.sidebar.multiselect(key="f_types").set_value(["parade"]).run()
    at.sidebar.slider(key="f_confidence").set_value(0.5).run()
    assert at.query_params == {"country": "RUS", "type": "parade", "conf": "0.5"}
    at.sidebar.button_group(key="f_count").set_value("reports").run()
    assert at.query_params == {
        "country": "RUS",
        "type": "parade",
        "conf": "0.5",
        "count": "reports",
    }
    at.sidebar.button[0].click().run()  # Reset filters
    assert at.query_params == {}


def test_bad_query_values_fall_back_to_defaults(app: App, demo_db: str) -> None:
    at = app(demo_db, since="yesterday", bucket="year", conf="x")
    assert not at.exception
    assert at.session_state["f_since"] is None
    assert at.session_state["f_bucket"] == "week"


def test_event_detail_escapes_article_html_and_marks_the_sentence(app: App, demo_db: str) -> None:
    with Session(create_engine(demo_db)) as session:
        event = queries.list_events(session, limit=1)[0]
    at = app(demo_db, "events", event=str(event.id))
    html_blocks = [m.value for m in at.markdown if m.allow_html]
    article = next(b for b in html_blocks if "eventwire-article" in b)
    assert "&lt;b&gt;Analysts&lt;/b&gt;" in article and "<b>" not in article
    assert f">{event.sentence}</mark>" in article
    assert at.query_params["event"] == str(event.id)


def test_event_detail_lists_the_mentions_escaped_with_the_evidence_marked(
    app: App, demo_db: str
) -> None:
    with Session(create_engine(demo_db)) as session:
        event = queries.list_events(session, limit=1)[0]
    lead, evidence = event.mentions  # the seed's: the article's lead line, then the evidence
    at = app(demo_db, "events", event=str(event.id))
    (expander,) = [e for e in at.expander if e.label.startswith("Mentions")]
    assert expander.label == "Mentions: 2 sentence(s) report this event"
    (listed,) = [m.value for m in expander.markdown if "eventwire-mentions" in m.value]
    assert listed.count("<li>") == 2
    assert "&lt;b&gt;Analysts&lt;/b&gt;" in listed and "<b>" not in listed  # the lead, escaped
    assert listed.index("Analysts") < listed.index(f">{evidence.sentence}</mark>")
    assert listed.count("<mark") == 1 and f"(character {evidence.start})" in listed
    assert lead.start == 0 and "(character 0)" in listed
    table = at.dataframe[0].value
    assert set(table["mentions"]) == {2}


def test_unknown_event_id_warns(app: App, demo_db: str) -> None:
    at = app(demo_db, "events", event="999999")
    assert "no event 999999" in _texts(at, "warning")


def test_unreachable_database_is_explained_with_a_masked_url(app: App) -> None:
    url = "postgresql+psycopg://analyst:s3cret@127.0.0.1:1/eventwire"
    at = app(url)
    assert not at.exception
    shown = _texts(at, "error") + _texts(at.sidebar, "caption")
    assert "Cannot reach the database" in shown
    assert "analyst:***@127.0.0.1:1/eventwire" in shown and "s3cret" not in shown


def test_query_string_password_is_masked_too(app: App) -> None:
    url = "postgresql+psycopg://analyst@127.0.0.1:1/eventwire?sslmode=disable&password=s3cret"
    at = app(url)
    shown = _texts(at, "error") + _texts(at.sidebar, "caption")
    assert "password=***" in shown and "s3cret" not in shown


def test_database_without_tables_points_to_migrations(app: App, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bare.db'}"
    at = app(url, "actors")
    assert not at.exception
    assert "eventwire db upgrade" in _texts(at, "error")


def test_queue_depth_counts_unacknowledged_dramatiq_messages(
    app: App, demo_db: str, redis_url: str, queue_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    client.hset(f"dramatiq:{queue_name}.msgs", mapping={"m1": "{}", "m2": "{}"})
    client.hset(f"dramatiq:{queue_name}.DQ.msgs", mapping={"m3": "{}"})  # delayed retry
    client.close()
    monkeypatch.setenv("EVENTWIRE_QUEUE_NAME", queue_name)
    at = app(demo_db, redis_url=redis_url)
    assert {m.label: m.value for m in at.metric}["Queue depth"] == "3"


def test_pipeline_lists_failures_with_their_error(app: App, demo_db: str) -> None:
    at = app(demo_db, "pipeline")
    failures = at.dataframe[-1].value
    assert len(failures) == 4
    assert set(failures["error"]) == {"RuntimeError: spaCy ran out of memory"}
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Failed"] == "4" and metrics["Queued"] == "1"


def test_dashboard_renders_on_postgresql(app: App, postgres_demo_db: str) -> None:
    for page in PAGES:
        at = app(postgres_demo_db, page)
        assert not at.exception, (page, [e.value for e in at.exception])
        # Events and Incidents draw charts for a selected row only (see their own tests).
        assert at.get("plotly_chart") or page in ("events", "incidents"), page
        assert at.dataframe, page


def test_inverted_date_range_is_pointed_out(app: App, demo_db: str) -> None:
    at = app(demo_db, since="2024-03-01", until="2024-02-01")
    assert "Since* is after *Until" in _texts(at.sidebar, "warning")
    assert "No events match the filters" in _texts(at, "info")
