"""Wire copies, searched by the workers: found across batches and processes, with and without
a process's cache, on both databases, by four processes at once on PostgreSQL; shingles hash
alike in every process."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time
from typing import Any

import pytest
from sqlalchemy import select

from models import repository
from models.engine import make_engine, session_scope
from models.migrate import upgrade
from models.tables import Article, ArticleBand
from worker import enqueue, wire_copies
from worker.inputs import InputArticle
from worker.wire_copies import BAND_BASE, BANDS, ShingleCache, jaccard, record_copies, shingles

SENTENCES = [
    f"Officials in {city} said on {day} that the {thing} would {verb} before the end of the "
    f"month, according to a statement from the {office}."
    for city, day, thing, verb, office in zip(
        ["Seoul", "Tokyo", "Paris", "Lagos", "Lima", "Oslo", "Cairo", "Quito", "Hanoi", "Riga"],
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"] * 2,
        [
            "treaty",
            "budget",
            "inquiry",
            "exercise",
            "summit",
            "tariff",
            "election",
            "launch",
            "ceasefire",
            "visit",
        ],
        [
            "be signed",
            "be debated",
            "resume",
            "end",
            "open",
            "be lifted",
            "be held",
            "proceed",
            "hold",
            "go ahead",
        ],
        [
            "ministry",
            "palace",
            "council",
            "navy",
            "cabinet",
            "agency",
            "court",
            "army",
            "party",
            "embassy",
        ],
    )
]


def _story(first: int, count: int = 6) -> str:
    return "\n".join(SENTENCES[(first + k) % len(SENTENCES)] for k in range(count))


ORIGINAL = _story(0)
#: A new headline, the last paragraph trimmed: Jaccard with the original about 0.7.
COPY = "WIRE: TREATY TALKS\n" + "\n".join(ORIGINAL.split("\n")[:5])
#: A copy of the copy (another headline): its original is the first article.
COPY_OF_COPY = "UPDATE 1-TREATY\n" + "\n".join(COPY.split("\n")[1:])
UNRELATED = "The harvest festival drew crowds to the valley towns for a third straight year."


def _articles(*texts: str, first: int = 0) -> list[InputArticle]:
    return [
        InputArticle(text=t, origin=f"t{i}", external_id=f"t{i}")
        for i, t in enumerate(texts, start=first)
    ]


def _copies(url: str) -> dict[str, str | None]:
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = session.execute(select(Article.id, Article.external_id, Article.copy_of)).all()
    engine.dispose()
    by_id = {r.id: r.external_id for r in rows}
    return {r.external_id: by_id.get(r.copy_of) for r in rows}


def _search(url: str, external_ids: list[str]) -> None:
    """One worker transaction: the copy search of these articles (by external id)."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = session.execute(
            select(Article.id, Article.text).where(Article.external_id.in_(external_ids))
        ).all()
        wire_copies.find_copies(session, [(r.id, r.text) for r in rows])
    engine.dispose()


def test_enqueue_leaves_copies_to_the_workers_who_find_them_across_batches(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert jaccard(shingles(ORIGINAL), shingles(COPY)) > 0.6
    upgrade(database_url)
    engine = make_engine(database_url)
    send = lambda batches: None  # noqa: E731
    monkeypatch.setattr(enqueue, "STORE_CHUNK", 1)
    enqueue.enqueue_articles(
        _articles(ORIGINAL, UNRELATED, COPY, COPY_OF_COPY), engine=engine, send=send, batch_size=4
    )
    engine.dispose()
    assert set(_copies(database_url).values()) == {None}  # enqueue stores, nothing more
    # One article per batch: every comparison goes through the stored bands and the cache.
    monkeypatch.setattr(wire_copies, "_worker_cache", None)
    for external_id in ("t0", "t1", "t2"):
        _search(database_url, [external_id])
    # Another worker process (no cache of the first): the stored bands find the original.
    monkeypatch.setattr(wire_copies, "_worker_cache", None)
    _search(database_url, ["t3"])
    expected = {"t0": None, "t1": None, "t2": "t0", "t3": "t0"}
    assert _copies(database_url) == expected
    # A redelivered batch (or `eventwire reprocess`) searches nothing again.
    _search(database_url, ["t0", "t1", "t2", "t3"])
    assert _copies(database_url) == expected


def _search_slowly(url: str, external_id: str, start: Any) -> None:
    """A worker's copy search of one article, started with the others (``start``: a
    barrier), its transaction held open a while after it as extraction would."""
    start.wait(timeout=60)
    engine = make_engine(url)
    with session_scope(engine) as session:
        row = session.execute(
            select(Article.id, Article.text).where(Article.external_id == external_id)
        ).one()
        repository.mark_processing(session, ids=[row.id])
        wire_copies.find_copies(session, [(row.id, row.text)])
        time.sleep(0.5)
    engine.dispose()


def test_four_workers_searching_copies_of_one_story_at_once_find_one_original(
    postgres_url: str,
) -> None:
    """Four processes, each handed a different copy of one story at the same moment: the
    copy searches take turns, so one is the original and three are its copies."""
    upgrade(postgres_url)
    engine = make_engine(postgres_url)
    variants = (ORIGINAL, COPY, COPY_OF_COPY, "BREAKING\n" + ORIGINAL)
    enqueue.enqueue_articles(
        _articles(*variants), engine=engine, send=lambda batches: None, batch_size=4
    )
    engine.dispose()
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(len(variants))
    workers = [
        context.Process(target=_search_slowly, args=(postgres_url, f"t{k}", start))
        for k in range(len(variants))
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * len(variants)
    copies = _copies(postgres_url)
    originals = [k for k, v in copies.items() if v is None]
    assert len(originals) == 1, copies
    assert {v for v in copies.values() if v is not None} == set(originals)


def test_copy_of_a_copy_points_at_the_first_original_within_one_chunk(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        ids = []
        for text in (ORIGINAL, COPY, COPY_OF_COPY, UNRELATED):
            article = Article(content_hash=str(len(ids)), text=text)
            session.add(article)
            session.flush()
            ids.append(article.id)
        originals = record_copies(
            session, list(zip(ids, (ORIGINAL, COPY, COPY_OF_COPY, UNRELATED)))
        )
        bands = session.execute(select(ArticleBand.band)).scalars().all()
    engine.dispose()
    assert originals == {ids[1]: ids[0], ids[2]: ids[0]}
    assert set(bands) == set(range(BAND_BASE, BAND_BASE + BANDS))


def test_the_cache_changes_nothing_but_the_work(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    texts = [_story(k, 4 + k % 3) for k in range(10)] + [COPY, COPY_OF_COPY, ORIGINAL]
    results = []
    for name, cache in (("none", None), ("cache", ShingleCache()), ("tiny", ShingleCache(1, 1))):
        url = f"sqlite:///{tmp_path / name}.db"
        upgrade(url)
        engine = make_engine(url)
        found: dict[int, int] = {}
        for number, text in enumerate(texts):
            with session_scope(engine) as session:
                article = Article(content_hash=str(number), text=text)
                session.add(article)
                session.flush()
                found |= record_copies(session, [(article.id, text)], cache)
        engine.dispose()
        results.append(found)
    assert results[0] == results[1] == results[2]
    assert results[0]  # the stories overlap: some are copies of others


def test_shingles_are_the_same_in_every_process() -> None:
    code = (
        "import json; from worker.wire_copies import shingles; "
        f"print(json.dumps(shingles({ORIGINAL!r}).tolist()))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    assert json.loads(outputs.pop()) == shingles(ORIGINAL).tolist()


def test_shingles_are_the_same_when_the_word_cache_fills(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = shingles(ORIGINAL)
    # A cache that empties itself in the middle of every text: the words of that text that
    # were cached before must still be hashed.
    monkeypatch.setattr(wire_copies, "_MAX_CACHED_WORDS", 8)
    monkeypatch.setattr(wire_copies, "_word_hashes", {})
    for text in (ORIGINAL, COPY, UNRELATED, ORIGINAL):
        shingles(text)
    assert shingles(ORIGINAL).tolist() == expected.tolist()
