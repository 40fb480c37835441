"""The Incidents page and the count switch, headless on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, func, select
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from models import queries
from models.queries import EventFilter
from models.tables import Event, Incident

App = Callable[..., AppTest]


def _busiest_incident(url: str) -> tuple[int, int]:
    """(id, reports) of the incident with the most reports (ties: lowest id)."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            row = (
                session.connection()
                .execute(
                    select(Incident.id, Incident.n_events).order_by(
                        Incident.n_events.desc(),  # type: ignore[attr-defined]
                        Incident.id,
                    )
                )
                .first()
            )
    finally:
        engine.dispose()
    return int(row[0]), int(row[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> str:
    """The demo database on each dialect."""
    name = "demo_db" if request.param == "sqlite" else "postgres_demo_db"
    return str(request.getfixturevalue(name))


def test_incident_list_counts_incidents_not_reports(app: App, any_db: str) -> None:
    at = app(any_db, "incidents", modality="")  # every modality: all incidents
    assert not at.exception, [e.value for e in at.exception]
    engine = create_engine(any_db)
    with Session(engine) as session:
        conn = session.connection()
        incidents = conn.execute(select(func.count()).select_from(Incident)).scalar_one()
        linked = conn.execute(select(func.count(func.distinct(Event.incident_id)))).scalar_one()
        reports = conn.execute(select(func.count()).select_from(Event)).scalar_one()
        shown = queries.count_incidents(session, filt=EventFilter(modalities=()))
    engine.dispose()
    assert shown == incidents == linked < reports  # the demo has happenings reported twice
    caption = "\n".join(c.value for c in at.caption)
    assert f"of {incidents:,}" in caption
    assert len(at.dataframe[0].value) == min(50, incidents)
    assert "Select a row" in "\n".join(i.value for i in at.info)


def test_incident_detail_shows_coverage_sources_and_escaped_evidence(app: App, any_db: str) -> None:
    incident_id, n_reports = _busiest_incident(any_db)
    assert n_reports >= 2
    at = app(any_db, "incidents", modality="", incident=str(incident_id))
    assert not at.exception, [e.value for e in at.exception]
    assert f"Incident {incident_id}" in "\n".join(s.value for s in at.subheader)
    assert len(at.get("plotly_chart")) == 1  # coverage over time
    sources = at.dataframe[2].value
    assert sources["reports"].sum() == n_reports
    evidence = [m.value for m in at.markdown if m.allow_html and "eventwire-article" in m.value]
    assert len(evidence) == n_reports
    for block in evidence:
        assert ("<mark" in block and "<b>" not in block and "&lt;b&gt;" in block) or (
            "Analysts" not in block
        )
    at.segmented_control(key="incident_coverage_per").set_value("hour").run()
    assert not at.exception
    assert "per hour" in at.get("plotly_chart")[0].proto.spec


def test_count_switch_changes_every_count_on_the_overview(app: App, demo_db: str) -> None:
    engine = create_engine(demo_db)
    with Session(engine) as session:
        by_type = {
            unit: queries.event_type_counts(
                session, filt=EventFilter(modalities=(), count_incidents=unit == "incidents")
            )
            for unit in ("incidents", "reports")
        }
    engine.dispose()
    assert sum(by_type["incidents"].values()) < sum(by_type["reports"].values())
    for unit, label in (("incidents", "Incidents"), ("reports", "Events")):
        at = app(demo_db, modality="", count=unit)
        table = at.dataframe[0].value
        assert dict(zip(table["type"], table["events"])) == by_type[unit]
        assert label in {m.label for m in at.metric}


def test_unknown_incident_warns(app: App, demo_db: str) -> None:
    at = app(demo_db, "incidents", incident="999999")
    assert "no incident 999999" in "\n".join(w.value for w in at.warning)
