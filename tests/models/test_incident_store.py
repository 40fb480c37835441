"""Incremental linking in the database: batches in any order, reprocessed articles and a
month's end give the incidents of clustering every event at once (SQLite and PostgreSQL).

``worker.incidents.link_events`` reads only what a batch can change (the link components of
its new events and of the incidents its deleted events leave); these tests check that what
it writes is what clustering the whole store from scratch gives.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select, text

from models import incident_repository, link_groups, repository
from models.engine import session_scope
from models.records import ActorRecord, EventRecord, LinkWork, NewArticle
from models.tables import Event
from worker.incident_linking import LINK_THRESHOLD, cluster, pair_score
from worker.incidents import link_events, to_link_event

PEOPLE = [("Kim Yo Jong", "PRK"), ("Yoon Suk Yeol", "KOR"), ("Antony Blinken", "USA")]
STATES = [("North Korea", "PRK"), ("South Korea", "KOR"), ("United States", "USA")]
WORDS = "fired missile sea east launch condemned drill talks warned ballistic air storm".split()


def _records(rng: random.Random, published: date) -> list[EventRecord]:
    out = []
    for n in range(rng.randint(1, 4)):
        kind = rng.choice(["launch", "statement", "meeting", "military_exercise"])
        # Around the end of October: reports dated by publication join across the month.
        own_date = rng.random() < 0.5
        day = published - timedelta(days=rng.randint(0, 1)) if own_date else None
        name, country = rng.choice(PEOPLE if kind != "launch" else STATES)
        other, other_country = rng.choice(STATES)
        sentence = " ".join(rng.sample(WORDS, 5)) + f" {n}."
        out.append(
            EventRecord(
                type=kind,
                sentence=sentence,
                start_char=n * 100,
                end_char=n * 100 + len(sentence),
                trigger="fired",
                event_date=day,
                date_precision="day" if day else None,
                attributes={} if own_date else {"date_source": "published"},
                actors=(
                    ActorRecord(
                        name=name, role="agent", kind="person" if kind != "launch" else "state",
                        country=country,
                    ),
                    ActorRecord(name=other, role="target", kind="state", country=other_country),
                ),
            )
        )  # fmt: skip
    return out


def _corpus(seed: int, n: int = 30) -> list[tuple[str, date, list[EventRecord]]]:
    rng = random.Random(seed)
    corpus = []
    for i in range(n):
        published = date(2022, 10, 28) + timedelta(days=rng.randint(0, 7))
        corpus.append((f"article {i} of {seed}", published, _records(rng, published)))
    return corpus


def _store(engine: Engine, corpus: list[tuple[str, date, list[EventRecord]]], batch: int) -> None:
    with session_scope(engine) as session:
        added = repository.add_articles(
            session, articles=[NewArticle(text=t, published=p) for t, p, _ in corpus]
        )
    ids = [a.article_id for a in added]
    for start in range(0, len(corpus), batch):
        with session_scope(engine) as session:
            work = LinkWork()
            repository.replace_events(
                session,
                results=[(ids[i], corpus[i][2]) for i in range(start, start + batch)
                         if i < len(corpus)],
                extractor_version="test",
                link_work=work,
            )  # fmt: skip
            link_events(session, work)


def _partition(engine: Engine) -> set[frozenset[tuple[str, int]]]:
    """Stored incidents as sets of (article text, offset); checks every event has one that
    exists and every incident has events."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.text, e.start_char, e.incident_id, i.id, i.n_events FROM event e "
                "JOIN article a ON a.id = e.article_id LEFT JOIN incident i ON i.id = e.incident_id"
            )
        ).all()
        empty = conn.execute(
            text(
                "SELECT COUNT(*) FROM incident i "
                "WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.incident_id = i.id)"
            )
        ).scalar_one()
    assert rows and [r for r in rows if r[2] is None or r[3] != r[2]] == []
    assert empty == 0
    groups: dict[int, set[tuple[str, int]]] = {}
    for t, start, incident, _, _ in rows:
        groups.setdefault(incident, set()).add((t, int(start)))
    assert all(r[4] == len(groups[r[2]]) for r in rows), "n_events out of date"
    return {frozenset(g) for g in groups.values()}


def _from_scratch(engine: Engine) -> set[frozenset[tuple[str, int]]]:
    """Every stored event clustered at once, as the linker's rules define incidents."""
    with session_scope(engine) as session:
        ids = list(session.scalars(select(Event.id)))
        events = incident_repository.events_by_id(session, ids=ids)
        texts = dict(session.execute(text("SELECT id, text FROM article")).tuples().all())
    by_id = {e.id: e for e in events}
    partition = set()
    for kind in {e.type for e in events}:
        for members in cluster([to_link_event(e) for e in events if e.type == kind]):
            partition.add(
                frozenset((texts[by_id[m.ref].article_id], by_id[m.ref].start_char)
                          for m in members)
            )  # fmt: skip
    return partition


def _clear(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in ("event_mention", "event_pair", "event_actor", "event", "incident"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.exec_driver_sql("DELETE FROM article")


def test_batches_in_any_order_give_the_incidents_of_clustering_everything(
    engine: Engine,
) -> None:
    corpus = _corpus(1)
    _store(engine, corpus, batch=3)
    ordered = _partition(engine)
    assert ordered == _from_scratch(engine)
    # Reports of one happening joined, also across October's end.
    assert len(ordered) < sum(len(r) for _, _, r in corpus)
    assert any(len({t for t, _ in group}) > 1 for group in ordered)
    _clear(engine)
    shuffled = list(corpus)
    random.Random(7).shuffle(shuffled)
    _store(engine, shuffled, batch=2)
    assert _partition(engine) == ordered


def test_reprocessed_articles_relink_and_leave_no_incident_behind(engine: Engine) -> None:
    corpus = _corpus(2)
    _store(engine, corpus, batch=4)
    rng = random.Random(5)
    # Reprocess a third of the articles: some with the same events, some with fewer (an
    # extractor upgrade), in batches again.
    changed = []
    for text_, published, records in corpus:
        if rng.random() < 0.35:
            changed.append((text_, published, records[: rng.randint(0, len(records))]))
    _store(engine, changed, batch=3)
    assert _partition(engine) == _from_scratch(engine)


def test_a_launch_on_the_31st_joins_reports_published_on_the_1st(engine: Engine) -> None:
    def launch(day: date | None, offset: int) -> EventRecord:
        return EventRecord(
            type="launch",
            sentence="North Korea fired a ballistic missile toward the East Sea.",
            start_char=offset,
            end_char=offset + 60,
            trigger="fired",
            event_date=day,
            date_precision="day" if day else None,
            attributes={} if day else {"date_source": "published"},
            actors=(ActorRecord(name="North Korea", role="agent", kind="state", country="PRK"),),
        )

    corpus = [
        ("launch story", date(2023, 10, 31), [launch(date(2023, 10, 31), 0)]),
        ("next morning", date(2023, 11, 1), [launch(None, 0)]),
        ("a month later", date(2023, 12, 1), [launch(None, 0)]),
    ]
    _store(engine, corpus, batch=1)
    assert sorted(len(g) for g in _partition(engine)) == [1, 2]


def _groups_hold_every_link(engine: Engine) -> None:
    """Every event is grouped, and two events the rules link share their group."""
    with session_scope(engine) as session:
        ids = list(session.scalars(select(Event.id)))
        events = [to_link_event(e) for e in incident_repository.events_by_id(session, ids=ids)]
        group = link_groups.groups_of(session, ids=ids)
    assert set(group) == set(ids)
    for a in events:
        for b in events:
            score = pair_score(a, b)
            if a.ref < b.ref and score is not None and score >= LINK_THRESHOLD:
                assert group[a.ref] == group[b.ref], (a, b)


def _store_unlinked(engine: Engine, corpus: list[tuple[str, date, list[EventRecord]]]) -> None:
    with session_scope(engine) as session:
        added = repository.add_articles(
            session, articles=[NewArticle(text=t, published=p) for t, p, _ in corpus]
        )
        repository.replace_events(
            session,
            results=[(a.article_id, corpus[i][2]) for i, a in enumerate(added)],
            extractor_version="test",
        )


def test_kept_groups_hold_every_link_through_reprocessing(engine: Engine) -> None:
    corpus = _corpus(3)
    _store(engine, corpus, batch=3)
    _groups_hold_every_link(engine)
    # Reprocessing drops the groups' rows of the events it replaces (nothing left pointing
    # at an event that is gone), and the groups still hold every link.
    _store(engine, [(t, p, r[:1]) for t, p, r in corpus[::3]], batch=2)
    with engine.connect() as conn:
        orphans = conn.execute(
            text(
                "SELECT COUNT(*) FROM event_component c "
                "WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.id = c.event_id)"
            )
        ).scalar_one()
    assert orphans == 0
    _groups_hold_every_link(engine)
    assert _partition(engine) == _from_scratch(engine)


def test_events_stored_without_groups_are_grouped_when_reached(engine: Engine) -> None:
    """Events from before the groups (or from before the rules changed) link as before."""
    corpus = _corpus(4)
    _store(engine, corpus[:20], batch=4)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM event_component")
    _store(engine, corpus[20:], batch=3)
    assert _partition(engine) == _from_scratch(engine)


def test_events_stored_unlinked_join_the_incidents_they_link_to(engine: Engine) -> None:
    """An event stored without linking, after the events it links to were grouped, is
    linked with them once a batch reaches their group, as the whole store clustered gives."""
    corpus = _corpus(5, n=36)
    _store(engine, corpus[:12], batch=4)
    _store_unlinked(engine, corpus[12:24])
    _store(engine, corpus[24:], batch=4)
    with engine.connect() as conn:
        unlinked = conn.execute(
            text("SELECT COUNT(*) FROM event WHERE incident_id IS NULL")
        ).scalar_one()
    # Linking everything left (as link_blocks does) gives the incidents of clustering all.
    with session_scope(engine) as session:
        ids = list(session.scalars(select(Event.id).where(Event.incident_id.is_(None))))
        link_events(session, LinkWork(new_events=ids))
    assert unlinked < sum(len(r) for _, _, r in corpus[12:24])  # some were reached
    assert _partition(engine) == _from_scratch(engine)
    _groups_hold_every_link(engine)


def test_other_rules_drop_a_types_groups(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(6)
    _store(engine, corpus[:15], batch=5)
    import worker.incidents as incidents

    monkeypatch.setattr(incidents, "rules_fingerprint", lambda kind, traits, features: "other")
    _store(engine, corpus[15:], batch=5)
    with engine.connect() as conn:
        fingerprints = {r[0] for r in conn.execute(text("SELECT fingerprint FROM link_rules"))}
    assert fingerprints == {"other"}
    assert _partition(engine) == _from_scratch(engine)


def test_events_stored_unlinked_are_grouped_a_bounded_number_per_batch(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store with many unlinked events is grouped over several batches, each bounded, and
    ends with the incidents of clustering everything."""
    import worker.incidents as incidents

    monkeypatch.setattr(incidents, "STRAYS_PER_BATCH", 5)
    corpus = _corpus(7, n=30)
    _store_unlinked(engine, corpus[:20])
    with engine.connect() as conn:
        unlinked = conn.execute(text("SELECT COUNT(*) FROM event")).scalar_one()
    _store(engine, corpus[20:], batch=2)
    with engine.connect() as conn:
        grouped = conn.execute(text("SELECT COUNT(*) FROM event_component")).scalar_one()
    new = sum(len(r) for _, _, r in corpus[20:])
    # Five batches group at most 25 of them (and whatever their new events reach).
    assert new < grouped <= unlinked + new
    with session_scope(engine) as session:
        ids = list(session.scalars(select(Event.id).where(Event.incident_id.is_(None))))
        link_events(session, LinkWork(new_events=ids))
    assert _partition(engine) == _from_scratch(engine)
    _groups_hold_every_link(engine)


def test_a_batch_holds_what_its_new_events_link_to_not_their_whole_days(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: the events of a new event's candidate days are scored a part at a time and
    only those it links to are held, so a batch's working set does not grow with the events
    stored per day."""
    from worker import incident_groups, incidents

    def launch(n: int, country: str, sentence: str) -> EventRecord:
        return EventRecord(
            type="launch", sentence=sentence, start_char=0, end_char=len(sentence),
            trigger="fired", event_date=date(2023, 3, 9), date_precision="day",
            actors=(ActorRecord(name=f"State {n}", role="agent", kind="state",
                                country=country),),
        )  # fmt: skip

    # Forty launches of other states that day, none linking to another (disjoint agents and
    # words), and one report of the launch the new event tells.
    corpus = [
        (f"other {n}", date(2023, 3, 9), [launch(n, f"X{n:02d}", f"zeta{n} eta{n} theta{n}.")])
        for n in range(40)
    ]
    told = "North Korea fired a ballistic missile into the East Sea."
    corpus.append(("first report", date(2023, 3, 9), [launch(99, "PRK", told)]))
    _store(engine, corpus, batch=8)
    held: list[incident_groups.Held] = []

    class Recorded(incident_groups.Held):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            held.append(self)

    monkeypatch.setattr(incidents, "Held", Recorded)
    _store(engine, [("second report", date(2023, 3, 9), [launch(98, "PRK", told)])], batch=1)
    # The new event and the report it links to; not the other forty of its day.
    assert len(held) == 1 and len(held[0].stored) == 2
    assert len(_partition(engine)) == 41
    assert _partition(engine) == _from_scratch(engine)
