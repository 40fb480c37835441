"""The event type catalogue: sync_event_types upserts, event_type_catalogue reads (both
dialects)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from common.errors import EventwireError
from models import queries as q
from models.catalogue import sync_event_types
from models.engine import session_scope
from models.records import EventTypeRecord
from models.tables import Article, Event

LAUNCH = EventTypeRecord("launch", "Launch", "#ef553b", ("missile", "satellite"), builtin=True)
PROTEST = EventTypeRecord("protest", "Protest", "#123456", (), builtin=False)


def test_sync_inserts_then_updates_in_place(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert sync_event_types(session, specs=[LAUNCH, PROTEST]) == 2
    renamed = EventTypeRecord("protest", "Street protest", "#654321", ("march",), builtin=False)
    with session_scope(engine) as session:
        sync_event_types(session, specs=[renamed])
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT name, label, colour, subtypes, builtin FROM event_type ORDER BY name")
        ).all()
    # Upper-cased colour; subtypes as JSON text; launch kept although the second sync lacked it.
    assert [tuple(r) for r in rows] == [
        ("launch", "Launch", "#EF553B", '["missile", "satellite"]', True),
        ("protest", "Street protest", "#654321", '["march"]', False),
    ]


def test_a_bad_colour_is_refused_with_the_type_named(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(EventwireError, match=r"'riot'.*#RRGGBB"):
        sync_event_types(session, specs=[EventTypeRecord("riot", "Riot", "red")])


def test_catalogue_adds_uncatalogued_event_types_in_a_neutral_colour(engine: Engine) -> None:
    with session_scope(engine) as session:
        sync_event_types(session, specs=[LAUNCH])
        article = Article(content_hash="h" * 64, text="x")
        session.add(article)
        session.flush()
        for kind in ("launch", "cyber_attack"):
            session.add(
                Event(
                    article_id=article.id,
                    type=kind,
                    sentence="s",
                    start_char=0,
                    end_char=1,
                    trigger="t",
                )
            )
    with session_scope(engine) as session:
        found = q.event_type_catalogue(session)
    assert [t.name for t in found] == ["cyber_attack", "launch"]
    cyber, launch = found
    assert (cyber.label, cyber.colour, cyber.catalogued) == (
        "Cyber attack",
        q.NEUTRAL_COLOUR,
        False,
    )
    assert (launch.label, launch.colour, launch.subtypes, launch.builtin) == (
        "Launch",
        "#EF553B",
        ("missile", "satellite"),
        True,
    )


def test_catalogue_is_empty_on_an_empty_database(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert q.event_type_catalogue(session) == []
