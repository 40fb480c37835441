"""models.repository on a migrated SQLite file and a migrated PostgreSQL database."""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, event, func, select, text, update
from sqlalchemy.orm import Session
from sqlmodel import col

from models import repository as repo
from models.engine import session_scope
from models.records import ActorRecord, EventRecord, MentionRecord, NewArticle
from models.tables import Actor, Article, ArticleStatus, Event, EventActorLink, EventMention

RUS_AGENT = ActorRecord(name="Russia", country="RUS", kind="country", role="agent")
UKR_TARGET = ActorRecord(name="Ukraine", country="UKR", kind="country", role="target")
NATO = ActorRecord(name="NATO", country=None, kind="igo", role="participant")
HEADLINE = MentionRecord("N. Korea fires missile", 0, 22)
LEAD = MentionRecord("North Korea fired a missile on Monday.", 24, 62)
QUOTE = MentionRecord('"It flew 600 km," an official said.', 90, 125)


def record(type_: str = "launch", *actors: ActorRecord, **kw: Any) -> EventRecord:
    """An event record with sensible defaults."""
    values: dict[str, Any] = {
        "type": type_,
        "sentence": f"Something about a {type_}.",
        "start_char": 0,
        "end_char": 20,
        "trigger": type_,
        "actors": actors,
    }
    values.update(kw)
    return EventRecord(**values)


def add(engine: Engine, *texts: str) -> list[int]:
    """Store articles and return their ids."""
    with session_scope(engine) as s:
        return [r.article_id for r in repo.add_articles(s, articles=[NewArticle(t) for t in texts])]


def count(engine: Engine, model: type) -> int:
    """Rows in a table."""
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def event_rows(engine: Engine) -> list[tuple[Any, ...]]:
    """Every event with its actors, without ids: what must not change on a replay."""
    with Session(engine) as s:
        rows = s.execute(
            select(
                col(Event.article_id),
                col(Event.type),
                col(Event.sentence),
                col(Event.weapons),
                col(Event.attributes),
            )
        ).all()
        links = s.execute(
            select(col(Event.type), col(Actor.key), col(EventActorLink.role))
            .join(EventActorLink, col(EventActorLink.event_id) == col(Event.id))
            .join(Actor, col(Actor.id) == col(EventActorLink.actor_id))
        ).all()
    return sorted(map(tuple, rows), key=repr) + sorted(map(tuple, links))


@contextmanager
def statement_counter(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL statements the engine sends while the block runs."""
    seen: list[str] = []

    def _count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def in_threads(n: int, work: Callable[[], Any]) -> list[Any]:
    """Run ``work`` in ``n`` threads released at the same moment; re-raise any failure."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = work()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    if errors:
        raise errors[0]
    return results


# --------------------------------------------------------------------------- content hash


def test_content_hash_ignores_whitespace_layout() -> None:
    base = repo.content_hash("Russia held a parade.\nKim watched.")
    assert repo.content_hash("  Russia  held a\tparade.\r\n\n Kim watched. ") == base
    assert repo.content_hash("Russia held a parade. Kim watched.") == base
    assert len(base) == 64


def _reference_hash(text: str) -> str:
    """The dedup key as documented (and as every stored row was hashed): NFC, then
    ``" ".join(text.split())``, sha256 hex. The fast path must never differ from it."""
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


#: Every character str.split() splits on, ASCII and not, among a few letters and accents.
_HASH_ALPHABET = st.sampled_from(
    [c for c in map(chr, range(0x3001)) if c.isspace()] + list("ab é\u0301\u00e9\u2019\x00")
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_HASH_ALPHABET, max_size=40).map("".join))
def test_content_hash_matches_the_documented_normalisation(text: str) -> None:
    assert repo.content_hash(text) == _reference_hash(text)


def test_content_hash_of_rare_spaces_and_long_runs() -> None:
    samples = ("a\x1cb", "a\u3000\u3000b", "a\xa0b\n", " " * 1001 + "x" + "\t" * 7, "é \u2028 b")
    for sample in samples:
        assert repo.content_hash(sample) == _reference_hash(sample)


def test_content_hash_keeps_words_and_case() -> None:
    base = repo.content_hash("Russia held a parade.")
    assert repo.content_hash("russia held a parade.") != base
    assert repo.content_hash("Russia held aparade.") != base


def test_content_hash_unicode_normal_forms_are_one_text() -> None:
    assert repo.content_hash("Zelenskyy in Kyi\u0308v") == repo.content_hash("Zelenskyy in Kyïv")


# --------------------------------------------------------------------------- add_articles


def test_add_articles_stores_new_and_reports_duplicates(engine: Engine) -> None:
    articles = [
        NewArticle("First text.", published=date(2024, 3, 1), url="https://ex.org/1", title="A"),
        NewArticle("Second text."),
        NewArticle("  First\n text. "),  # same as the first after whitespace normalisation
        NewArticle("First text."),  # exact repeat in the same batch
    ]
    with session_scope(engine) as s:
        results = repo.add_articles(s, articles=articles)
    assert [r.created for r in results] == [True, True, False, False]
    assert results[0].article_id == results[2].article_id == results[3].article_id
    assert results[0].article_id != results[1].article_id
    assert count(engine, Article) == 2

    with session_scope(engine) as s:
        again = repo.add_articles(s, articles=[NewArticle("First   text."), NewArticle("Third.")])
    assert [r.created for r in again] == [False, True]
    assert again[0].article_id == results[0].article_id
    assert count(engine, Article) == 3

    with session_scope(engine) as s:
        stored = repo.get_articles(s, ids=[results[0].article_id])[0]
    assert stored.status == ArticleStatus.queued
    assert stored.text == "First text."  # the text is kept as given, only the hash normalises
    assert (stored.title, stored.url, stored.published) == (
        "A",
        "https://ex.org/1",
        date(2024, 3, 1),
    )
    assert stored.attempts == 0 and stored.created_at is not None


def test_add_articles_of_nothing_is_nothing(engine: Engine) -> None:
    with session_scope(engine) as s:
        assert repo.add_articles(s, articles=[]) == []


def test_add_articles_is_bulk(engine: Engine) -> None:
    texts = [f"Article number {i}." for i in range(2500)]
    with statement_counter(engine) as statements, session_scope(engine) as s:
        results = repo.add_articles(s, articles=(NewArticle(t) for t in texts))
    assert len(results) == 2500 and all(r.created for r in results)
    assert len({r.article_id for r in results}) == 2500
    ids = [r.article_id for r in results]
    assert ids == sorted(ids)  # new ids follow the input order
    # Three chunks of inserts (each one or a few batched statements); never one per row.
    assert len(statements) < 30, statements[:5]
    with statement_counter(engine) as statements, session_scope(engine) as s:
        results = repo.add_articles(s, articles=[NewArticle(t) for t in texts])
    assert not any(r.created for r in results)
    assert len(statements) < 30
    assert count(engine, Article) == 2500


def test_add_articles_clips_overlong_metadata(engine: Engine) -> None:
    with session_scope(engine) as s:
        (result,) = repo.add_articles(s, articles=[NewArticle("Text.", title="T" * 900)])
        assert len(repo.get_articles(s, ids=[result.article_id])[0].title or "") == 500


def test_concurrent_add_articles_store_each_text_once(engine: Engine) -> None:
    texts = [f"Shared article {i}." for i in range(300)]
    orders = iter([texts, texts[::-1], texts[150:] + texts[:150]])  # overlapping, in other orders
    lock = threading.Lock()

    def work() -> dict[str, int]:
        with lock:
            mine = next(orders)
        with session_scope(engine) as s:
            results = repo.add_articles(s, articles=map(NewArticle, mine))
        return {t: r.article_id for t, r in zip(mine, results)}

    first, second, third = in_threads(3, work)
    assert first == second == third
    assert count(engine, Article) == 300


# --------------------------------------------------------------------------- statuses


def test_get_articles_keeps_order_and_skips_missing(engine: Engine) -> None:
    a, _, c = add(engine, "a.", "b.", "c.")
    with session_scope(engine) as s:
        found = repo.get_articles(s, ids=[c, 999_999, a, c])
    assert [x.id for x in found] == [c, a]
    assert found[0].text == "c."  # still readable after the session closed


def test_status_transitions(engine: Engine) -> None:
    a, b, c = add(engine, "a.", "b.", "c.")
    with session_scope(engine) as s:
        repo.mark_processing(s, ids=[a, b])
        repo.mark_failed(s, article_id=b, error="ValueError: boom")
    with session_scope(engine) as s:
        repo.mark_failed(s, article_id=b, error="ValueError: again")
        assert repo.article_ids_by_status(s, statuses=[ArticleStatus.processing]) == [a]
        assert repo.article_ids_by_status(s, statuses=["failed", "queued"]) == [b, c]
        assert repo.article_ids_by_status(s, statuses=[]) == []
        failed = repo.get_articles(s, ids=[b])[0]
    assert (failed.status, failed.attempts, failed.error) == (
        ArticleStatus.failed,
        2,
        "ValueError: again",
    )
    with session_scope(engine) as s:
        repo.set_status(s, ids=[a, b, c], status=ArticleStatus.queued)
        assert repo.article_ids_by_status(s, statuses=list(ArticleStatus)) == [a, b, c]
        assert repo.article_ids_by_status(s, statuses=[ArticleStatus.queued]) == [a, b, c]
    with session_scope(engine) as s, pytest.raises(ValueError):
        repo.set_status(s, ids=[a], status="finished")


def test_find_stuck_articles_by_age(engine: Engine) -> None:
    old, recent, done = add(engine, "old.", "recent.", "done.")
    long_ago = datetime.now(timezone.utc) - timedelta(hours=3)
    with session_scope(engine) as s:
        repo.mark_processing(s, ids=[recent])
        repo.replace_events(s, results=[(done, [])], extractor_version="t")
        s.execute(
            update(Article).where(col(Article.id).in_([old, done])).values(updated_at=long_ago)
        )
    stuck = [ArticleStatus.queued, ArticleStatus.processing]
    with session_scope(engine) as s:
        assert repo.find_stuck_articles(s, statuses=stuck, older_than=None) == [old, recent]
        assert repo.find_stuck_articles(s, statuses=stuck, older_than=timedelta(hours=1)) == [old]
        assert repo.find_stuck_articles(s, statuses=stuck, older_than=timedelta(hours=5)) == []
        assert repo.find_stuck_articles(s, statuses=["done"], older_than=timedelta(0)) == [done]


# --------------------------------------------------------------------------- events


def test_replace_events_stores_events_actors_and_marks_done(engine: Engine) -> None:
    a, b = add(engine, "a.", "b.")
    results = [
        (
            a,
            [
                record(
                    "launch",
                    RUS_AGENT,
                    UKR_TARGET,
                    weapons=("Iskander", "Kh-101"),
                    attributes={"when": date(2024, 3, 1), "n": 2},
                    event_date=date(2024, 3, 1),
                    date_precision="day",
                    modality="asserted",
                    confidence=0.9,
                ),
                record("statement", UKR_TARGET),
            ],
        ),
        (b, [record("exercise", NATO, RUS_AGENT)]),
    ]
    with session_scope(engine) as s:
        assert repo.replace_events(s, results=results, extractor_version="rules-1") == 3
    assert (count(engine, Event), count(engine, EventActorLink), count(engine, Actor)) == (3, 5, 3)
    with session_scope(engine) as s:
        arts = repo.get_articles(s, ids=[a, b])
        launch = s.scalars(select(Event).where(col(Event.type) == "launch")).one()
        keys = sorted(s.scalars(select(col(Actor.key))))
    assert all(x.status == ArticleStatus.done for x in arts)
    assert all(x.processed_at is not None and x.extractor_version == "rules-1" for x in arts)
    assert launch.weapons == ["Iskander", "Kh-101"]
    assert launch.attributes == {"when": "2024-03-01", "n": 2}  # dates become ISO text
    assert (launch.event_date, launch.confidence, launch.extractor_version) == (
        date(2024, 3, 1),
        0.9,
        "rules-1",
    )
    assert keys == ["country|rus|russia", "country|ukr|ukraine", "igo||nato"]


def test_replace_events_twice_gives_the_same_rows(engine: Engine) -> None:
    (a,) = add(engine, "a.")
    results = [(a, [record("launch", RUS_AGENT, UKR_TARGET), record("parade", RUS_AGENT)])]
    with session_scope(engine) as s:
        repo.replace_events(s, results=results, extractor_version="v1")
    before = event_rows(engine)
    with session_scope(engine) as s:
        repo.replace_events(s, results=results, extractor_version="v1")
    assert event_rows(engine) == before
    assert (count(engine, Event), count(engine, EventActorLink), count(engine, Actor)) == (2, 3, 2)


def test_replace_events_replaces_old_events(engine: Engine) -> None:
    a, b = add(engine, "a.", "b.")
    with session_scope(engine) as s:
        repo.replace_events(
            s,
            results=[(a, [record("launch", RUS_AGENT), record("parade")]), (b, [record("x")])],
            extractor_version="v1",
        )
    with session_scope(engine) as s:
        assert repo.replace_events(s, results=[(a, [])], extractor_version="v2") == 0
    with Session(engine) as s:
        assert s.scalars(select(col(Event.type))).all() == ["x"]  # b untouched
        assert s.scalar(select(col(Article.extractor_version)).where(col(Article.id) == a)) == "v2"
    assert count(engine, EventActorLink) == 0
    assert count(engine, Actor) == 1  # actors are kept: other events may name them


def test_replace_events_failure_rolls_back_the_batch(engine: Engine) -> None:
    (a,) = add(engine, "a.")
    with session_scope(engine) as s:
        repo.replace_events(s, results=[(a, [record("launch")])], extractor_version="v1")
    with pytest.raises(Exception), session_scope(engine) as s:  # noqa: B017 (any DB error)
        repo.replace_events(
            s, results=[(a, [record("x" * 100)])], extractor_version="v2"
        )  # type too long for VARCHAR(32) on PostgreSQL...
        raise RuntimeError("...and on SQLite, which does not check lengths")
    with Session(engine) as s:
        assert s.scalars(select(col(Event.type))).all() == ["launch"]


def test_replace_events_skips_missing_articles_and_last_entry_wins(engine: Engine) -> None:
    (a,) = add(engine, "a.")
    results = [(a, [record("first")]), (123_456, [record("ghost")]), (a, [record("second")])]
    with session_scope(engine) as s:
        assert repo.replace_events(s, results=results, extractor_version="v") == 1
    with Session(engine) as s:
        assert s.scalars(select(col(Event.type))).all() == ["second"]


def test_replace_events_deduplicates_links_and_is_bulk(engine: Engine) -> None:
    ids = add(engine, *[f"article {i}." for i in range(200)])
    twice = record("launch", RUS_AGENT, RUS_AGENT, UKR_TARGET, mentions=(HEADLINE, LEAD, QUOTE))
    results = [(i, [twice, record("parade", NATO)]) for i in ids]
    with statement_counter(engine) as statements, session_scope(engine) as s:
        assert repo.replace_events(s, results=results, extractor_version="v") == 400
    assert len(statements) < 40, len(statements)
    assert (count(engine, Event), count(engine, EventActorLink), count(engine, Actor)) == (
        400,
        600,
        3,
    )
    assert count(engine, EventMention) == 800  # 200 x (3 + 1), in one INSERT per 1000


def mentions_by_type(engine: Engine) -> dict[str, list[tuple[int, int, int, str]]]:
    """Every event's mentions (ordinal, start, end, sentence) in stored order, by event type."""
    with Session(engine) as s:
        rows = s.execute(
            select(
                col(Event.type),
                col(EventMention.ordinal),
                col(EventMention.start_char),
                col(EventMention.end_char),
                col(EventMention.sentence),
            )
            .join(EventMention, col(EventMention.event_id) == col(Event.id))
            .order_by(col(Event.type), col(EventMention.ordinal))
        ).all()
    found: dict[str, list[tuple[int, int, int, str]]] = {}
    for type_, *mention in rows:
        found.setdefault(type_, []).append(tuple(mention))  # type: ignore[arg-type]
    return found


def test_replace_events_stores_mentions_in_order_and_replaces_them(engine: Engine) -> None:
    (a,) = add(engine, "mentions article.")
    launch = record("launch", RUS_AGENT, sentence=LEAD.sentence, start_char=24, end_char=62,
                    mentions=(HEADLINE, LEAD, QUOTE))  # fmt: skip
    with session_scope(engine) as s:
        repo.replace_events(s, results=[(a, [launch, record("parade")])], extractor_version="v1")
    assert mentions_by_type(engine) == {
        "launch": [
            (0, 0, 22, "N. Korea fires missile"),
            (1, 24, 62, "North Korea fired a missile on Monday."),
            (2, 90, 125, '"It flew 600 km," an official said.'),
        ],
        # No mentions given: the evidence sentence is the one mention.
        "parade": [(0, 0, 20, "Something about a parade.")],
    }
    # Redelivery: the same input leaves the same mentions, not twice as many.
    with session_scope(engine) as s:
        repo.replace_events(s, results=[(a, [launch, record("parade")])], extractor_version="v1")
    assert count(engine, EventMention) == 4
    # A new run replaces them: fewer mentions, in the new order.
    relaunch = record("launch", RUS_AGENT, mentions=(QUOTE, HEADLINE))
    with session_scope(engine) as s:
        repo.replace_events(s, results=[(a, [relaunch])], extractor_version="v2")
    assert mentions_by_type(engine) == {
        "launch": [(0, 90, 125, QUOTE.sentence), (1, 0, 22, HEADLINE.sentence)]
    }


def test_mentions_are_deleted_with_their_event_and_article(engine: Engine) -> None:
    a, b = add(engine, "first mentions article.", "second mentions article.")
    with session_scope(engine) as s:
        repo.replace_events(
            s,
            results=[
                (a, [record("launch", mentions=(HEADLINE, LEAD))]),
                (b, [record("parade", mentions=(QUOTE,))]),
            ],
            extractor_version="v1",
        )
    with session_scope(engine) as s:
        s.execute(text("DELETE FROM event WHERE type = 'launch'"))  # ON DELETE CASCADE
    assert mentions_by_type(engine) == {"parade": [(0, 90, 125, QUOTE.sentence)]}
    with session_scope(engine) as s:
        s.execute(text("DELETE FROM article"))  # article -> event -> event_mention
    assert count(engine, EventMention) == 0


def test_actor_upsert_one_row_per_key(engine: Engine) -> None:
    a, b = add(engine, "a.", "b.")
    variants = [
        ActorRecord(name="Kim Jong Un", country="PRK", kind="person", role="agent"),
        ActorRecord(name="kim  jong   un", country="prk", kind="person", role="target"),
    ]
    other = ActorRecord(name="Kim Jong Un", country=None, kind="person", role="agent")
    with session_scope(engine) as s:
        repo.replace_events(s, results=[(a, [record("launch", *variants)])], extractor_version="v")
    with session_scope(engine) as s:
        repo.replace_events(
            s, results=[(b, [record("x", variants[1], other)])], extractor_version="v"
        )
    with Session(engine) as s:
        actors = s.execute(select(col(Actor.key), col(Actor.name), col(Actor.country))).all()
    assert sorted(tuple(r) for r in actors) == [
        ("person|prk|kim jong un", "Kim Jong Un", "PRK"),  # the first spelling stored wins
        ("person||kim jong un", "Kim Jong Un", None),
    ]


def test_concurrent_replace_events_leave_one_set_of_events(engine: Engine) -> None:
    ids = add(engine, "a.", "b.", "c.")
    results = [(i, [record("launch", RUS_AGENT, UKR_TARGET), record("parade", NATO)]) for i in ids]

    def work() -> int:
        with session_scope(engine) as s:
            return repo.replace_events(s, results=results, extractor_version="v")

    assert in_threads(3, work) == [6, 6, 6]
    assert (count(engine, Event), count(engine, EventActorLink), count(engine, Actor)) == (6, 9, 3)


def test_session_scope_rolls_back_on_error(engine: Engine) -> None:
    with pytest.raises(ZeroDivisionError), session_scope(engine) as s:
        repo.add_articles(s, articles=[NewArticle("doomed.")])
        1 / 0  # noqa: B018
    assert count(engine, Article) == 0
    with Session(engine) as s:
        assert s.execute(text("SELECT 1")).scalar() == 1
