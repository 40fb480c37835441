"""Writes of the pipeline: store articles once, move them through their statuses, replace events.

Every function takes a session first and keyword-only arguments after it, does its work in
bulk statements (not one round trip per row) and leaves the commit to the caller
(:func:`models.engine.session_scope`). All of it runs on SQLite and PostgreSQL and stays
correct when several processes write at once: inserts that may collide use
``INSERT .. ON CONFLICT DO NOTHING`` on the unique key and then read the winner back.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from common.batching import batched
from common.dates import event_day
from common.incident_keys import block_key
from models import scope_rollup
from models.actor_words import name_words
from models.records import (
    ActorRecord,
    AddResult,
    EventRecord,
    LinkWork,
    MentionRecord,
    NewArticle,
)
from models.tables import (
    Actor,
    ActorWord,
    Article,
    ArticleStatus,
    Event,
    EventActorLink,
    EventCountry,
    EventMention,
    EventPair,
    utcnow,
)

__all__ = [
    "AddResult",
    "actor_key",
    "add_articles",
    "article_ids_by_status",
    "content_hash",
    "find_stuck_articles",
    "get_articles",
    "mark_failed",
    "mark_processing",
    "replace_events",
    "set_languages",
    "set_status",
]

logger = logging.getLogger(__name__)


#: pg_advisory_xact_lock key held by add_articles until the transaction ends.
ADD_ARTICLES_LOCK_KEY = 0x65776164645F6172  # "ewadd_ar"
#: Ids per ``IN (...)`` list: far below SQLite's 32766 bound parameters and kind to planners.
IN_CHUNK = 1000

_article: Table = SQLModel.metadata.tables[Article.__tablename__]
_actor: Table = SQLModel.metadata.tables[Actor.__tablename__]
_actor_word: Table = SQLModel.metadata.tables[ActorWord.__tablename__]
_event: Table = SQLModel.metadata.tables[Event.__tablename__]
_link: Table = SQLModel.metadata.tables[EventActorLink.__tablename__]
_pair: Table = SQLModel.metadata.tables[EventPair.__tablename__]
_mention: Table = SQLModel.metadata.tables[EventMention.__tablename__]
_country: Table = SQLModel.metadata.tables[EventCountry.__tablename__]


# --------------------------------------------------------------------------- helpers


def _unique_ids(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(int(i) for i in ids))


def _clip(value: str | None, table: Table, column: str) -> str | None:
    """Cut free text to its column's length: PostgreSQL would fail the whole batch on it."""
    length = getattr(table.c[column].type, "length", None)
    if value is None or length is None or len(value) <= length:
        return value
    return value[:length]


def _cut(value: str | None, length: int) -> str | None:
    """:func:`_clip` with the length known: add_articles cuts five values per article."""
    return value if value is None or len(value) <= length else value[:length]


def _insert(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An ``INSERT`` for the session's dialect, so ``on_conflict_do_nothing`` is available."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"the repository does not support {dialect}")


def _status_value(status: ArticleStatus | str) -> str:
    return ArticleStatus(status).value


# --------------------------------------------------------------------------- articles


#: Every character ``str.split()`` splits on (so the hash below matches ``" ".join(text.split())``).
_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(
    map(chr, (*range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000))
)
#: Its ASCII ones, each mapped to a space, for ``bytes.translate``.
_ASCII_SPACES = bytes.maketrans(
    (ascii_spaces := "".join(c for c in _SPACES if c.isascii())).encode(), b" " * len(ascii_spaces)
)
#: Its others, rare in prose: a text holding one takes the general path.
_WIDE_SPACES = tuple(c for c in _SPACES if not c.isascii())


def _has_wide_space(text: str) -> bool:
    # 18 substring searches take a third of one regex pass's time; a loop, as any() over a
    # generator takes half as long again.
    for space in _WIDE_SPACES:  # noqa: SIM110
        if space in text:
            return True
    return False


def content_hash(text: str) -> str:
    """Return the dedup key of an article text: sha256 (hex) of its normalised form.

    The text is NFC-normalised and every run of whitespace becomes one space, leading and
    trailing whitespace dropped; so re-wrapped or re-indented copies of a text are the same.
    """
    if not text.isascii():  # ASCII is NFC already; most articles are, and enqueue hashes each
        text = unicodedata.normalize("NFC", text)
        if _has_wide_space(text):
            return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()
    # The same result as " ".join(text.split()) without a string object per word (that was
    # half of an enqueue's hashing): whitespace bytes become spaces, runs of them one.
    data = text.encode("utf-8").translate(_ASCII_SPACES)
    while b"  " in data:
        data = data.replace(b"  ", b" ")
    return hashlib.sha256(data.strip(b" ")).hexdigest()


def add_articles(session: Session, *, articles: Iterable[NewArticle]) -> list[AddResult]:
    """Store the articles whose text is not stored yet; return one result per input, in order.

    A text already in the database, or earlier in the same batch, is not stored again: its
    result carries the existing id and ``created=False``. Safe against another process adding
    the same text at the same moment (the unique hash decides, nobody fails); on PostgreSQL
    concurrent calls take turns (an advisory lock held until commit: keep the transaction
    short). New ids follow the input order. Over-long title, url, source, external_id and
    language values are cut to their column's length.
    """
    items = list(articles)
    if not items:
        return []
    hashes = [content_hash(a.text) for a in items]
    first: dict[str, NewArticle] = {}
    for digest, article in zip(hashes, items):
        first.setdefault(digest, article)

    now = utcnow()
    # One tuple per new text, in _COPIED_COLUMNS order, cut to the columns' lengths.
    url, title, source, external_id, language = _ARTICLE_LENGTHS
    rows = [
        (
            digest,
            a.text,
            a.published,
            _cut(a.url, url),
            _cut(a.title, title),
            _cut(a.source, source),
            _cut(a.external_id, external_id),
            _cut(a.language, language),
        )
        for digest, a in first.items()
    ]
    if session.get_bind().dialect.name == "postgresql":
        # Two batches sharing texts in different orders would each wait for a row the other
        # inserted: a deadlock. Batches are serialised instead (SQLite has one writer anyway);
        # ids keep following the input order.
        session.execute(select(func.pg_advisory_xact_lock(ADD_ARTICLES_LOCK_KEY)))
        ids = _insert_articles_by_copy(session, rows, now)
    else:
        ids = _insert_articles_sqlite(session, rows, now)
    created = set(ids)
    missing = [digest for digest in first if digest not in ids]
    for hash_chunk in batched(missing, IN_CHUNK):
        found = session.execute(
            select(_article.c.content_hash, _article.c.id).where(
                _article.c.content_hash.in_(hash_chunk)
            )
        )
        ids.update({r.content_hash: r.id for r in found})
    if lost := [digest for digest in first if digest not in ids]:
        raise RuntimeError(f"{len(lost)} article(s) neither inserted nor found; retry the batch")

    results: list[AddResult] = []
    for digest in hashes:
        is_new = digest in created
        created.discard(digest)  # a repeat later in the batch is a duplicate
        results.append(AddResult(article_id=ids[digest], created=is_new, content_hash=digest))
    logger.debug("add_articles: %d given, %d new", len(items), sum(r.created for r in results))
    return results


#: Columns of an incoming article row, in the order of the tuples add_articles builds.
_COPIED_COLUMNS = (
    "content_hash", "text", "published", "url", "title", "source", "external_id", "language",
)  # fmt: skip
#: Lengths of the article's url, title, source, external_id and language columns (cut to
#: them by add_articles: looking them up per value was a tenth of an enqueue).
_ARTICLE_LENGTHS = tuple(
    int(_article.c[c].type.length)  # type: ignore[attr-defined]
    for c in ("url", "title", "source", "external_id", "language")
)
#: PostgreSQL types of the COPYed columns: id, _COPIED_COLUMNS, status, attempts, timestamps.
_COPY_TYPES = (
    "int4", "varchar", "text", "date", "varchar", "varchar", "varchar", "varchar", "varchar",
    "varchar", "int4", "timestamptz", "timestamptz",
)  # fmt: skip
#: Rows per multi-row ``INSERT`` on SQLite: 12 parameters each, far below its 32,766.
SQLITE_INSERT_ROWS = 500


def _insert_articles_sqlite(
    session: Session, rows: list[tuple[Any, ...]], now: datetime
) -> dict[str, int]:
    """SQLite: multi-row ``INSERT .. ON CONFLICT DO NOTHING RETURNING`` through the driver.

    The same statement SQLAlchemy's bulk insert sends, without its per-value processing
    (most of an enqueue's time before): dates and timestamps are written in SQLAlchemy's own
    SQLite formats (its bind processors, once per call), so they read back alike. Returns
    content hash -> id of the rows inserted; ids follow the input order.
    """
    dialect = session.get_bind().dialect
    day = _article.c.published.type.dialect_impl(dialect).bind_processor(dialect)
    stamp = _article.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    when = stamp(now) if stamp else now
    tail = (ArticleStatus.queued.value, 0, when, when)
    columns = ", ".join((*_COPIED_COLUMNS, "status", "attempts", "created_at", "updated_at"))
    one = "(" + ", ".join(["?"] * (len(_COPIED_COLUMNS) + len(tail))) + ")"
    raw = session.connection().connection.driver_connection
    ids: dict[str, int] = {}
    cursor = raw.cursor()  # type: ignore[union-attr]
    try:
        for chunk in batched(rows, SQLITE_INSERT_ROWS):
            values: list[Any] = []
            for row in chunk:
                values.extend(row)
                if day is not None and row[2] is not None:
                    values[-6] = day(row[2])
                values.extend(tail)
            cursor.execute(
                f"INSERT INTO article ({columns}) VALUES {', '.join([one] * len(chunk))} "
                "ON CONFLICT (content_hash) DO NOTHING RETURNING id, content_hash",
                values,
            )
            ids.update({digest: article_id for article_id, digest in cursor.fetchall()})
    finally:
        cursor.close()
    return ids


def _insert_articles_by_copy(
    session: Session, rows: list[tuple[Any, ...]], now: datetime
) -> dict[str, int]:
    """PostgreSQL: find which texts are stored by their hashes, then COPY the others straight
    into ``article`` with ids drawn from its sequence.

    A multi-row ``INSERT`` carries 13 parameters per article, and psycopg and the server
    spend most of an enqueue parsing them; COPY streams the rows instead. Texts already
    stored are never sent (only their hashes are), so a re-run of a large input costs little.
    This is safe only under add_articles' advisory lock, which every insert of an article
    takes: nobody can add a text between the check and the COPY. Returns content hash -> id
    of the rows inserted; ids follow the input order.
    """
    if not rows:
        return {}
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur:  # type: ignore[union-attr]
        cur.execute(
            "SELECT content_hash FROM article WHERE content_hash = ANY(%s)", ([r[0] for r in rows],)
        )
        stored = {digest for (digest,) in cur.fetchall()}
        new = [row for row in rows if row[0] not in stored]
        if not new:
            return {}
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence('article', 'id')) FROM generate_series(1, %s)",
            (len(new),),
        )
        ids = sorted(article_id for (article_id,) in cur.fetchall())
        columns = ", ".join(_COPIED_COLUMNS)
        tail = (ArticleStatus.queued.value, 0, now, now)
        copy_sql = (
            f"COPY article (id, {columns}, status, attempts, created_at, updated_at) "
            "FROM STDIN (FORMAT BINARY)"
        )
        with cur.copy(copy_sql) as copy:
            # Binary rows: the texts go as they are, neither escaped by psycopg (newlines,
            # tabs, backslashes) nor unescaped by the server.
            copy.set_types(_COPY_TYPES)
            for article_id, row in zip(ids, new):
                copy.write_row((article_id, *row, *tail))
    return {row[0]: article_id for article_id, row in zip(ids, new)}


def get_articles(session: Session, *, ids: Iterable[int]) -> list[Article]:
    """Return the articles with these ids in the order given; ids not found are left out."""
    wanted = _unique_ids(ids)
    found: dict[int, Article] = {}
    for chunk in batched(wanted, IN_CHUNK):
        for article in session.scalars(select(Article).where(Article.id.in_(chunk))):  # type: ignore[union-attr]
            found[int(article.id)] = article  # type: ignore[arg-type]
    return [found[i] for i in wanted if i in found]


def _update_articles(session: Session, ids: Iterable[int], **values: Any) -> None:
    values.setdefault("updated_at", utcnow())
    for chunk in batched(sorted(_unique_ids(ids)), IN_CHUNK):
        session.execute(update(_article).where(_article.c.id.in_(chunk)).values(**values))


def mark_processing(session: Session, *, ids: Iterable[int]) -> None:
    """Mark articles as being processed now (``updated_at`` tells since when)."""
    _update_articles(session, ids, status=ArticleStatus.processing)


def set_languages(session: Session, *, languages: Mapping[int, str]) -> None:
    """Record the detected language of each article (id -> code)."""
    if languages:
        session.execute(
            update(_article)
            .where(_article.c.id == bindparam("article"))
            .values(language=bindparam("code")),
            [
                {"article": article_id, "code": _clip(code, _article, "language")}
                for article_id, code in sorted(languages.items())
            ],
        )


def mark_failed(session: Session, *, article_id: int, error: str) -> None:
    """Mark one article failed with ``error`` and count the attempt."""
    _update_articles(
        session,
        [article_id],
        status=ArticleStatus.failed,
        error=error,
        attempts=_article.c.attempts + 1,
    )


def set_status(session: Session, *, ids: Iterable[int], status: ArticleStatus | str) -> None:
    """Set the status of articles (e.g. back to ``queued`` before re-sending them)."""
    _update_articles(session, ids, status=ArticleStatus(_status_value(status)))


def article_ids_by_status(
    session: Session, *, statuses: Iterable[ArticleStatus | str]
) -> list[int]:
    """Return the ids of articles in any of ``statuses``, ascending."""
    wanted = [ArticleStatus(_status_value(s)) for s in statuses]
    if not wanted:
        return []
    stmt = select(_article.c.id).where(_article.c.status.in_(wanted)).order_by(_article.c.id)
    return [int(i) for i in session.scalars(stmt)]


def find_stuck_articles(
    session: Session,
    *,
    statuses: Iterable[ArticleStatus | str],
    older_than: timedelta | None,
) -> list[int]:
    """Return ids of articles in ``statuses`` not touched for ``older_than`` (None: any age).

    "Touched" is ``updated_at``: set when the article was stored, marked processing or
    failed, or finished.
    """
    wanted = [ArticleStatus(_status_value(s)) for s in statuses]
    if not wanted:
        return []
    stmt = select(_article.c.id).where(_article.c.status.in_(wanted))
    if older_than is not None:
        stmt = stmt.where(_article.c.updated_at <= utcnow() - older_than)
    return [int(i) for i in session.scalars(stmt.order_by(_article.c.id))]


# --------------------------------------------------------------------------- events


def actor_key(actor: ActorRecord) -> str:
    """Return the unique key of an actor: ``kind|country|name``, lower-cased.

    Whitespace in the name is collapsed, so "Kim  Jong Un" and "kim jong un" are one actor.
    """
    name = " ".join(actor.name.split())
    return f"{actor.kind.strip()}|{(actor.country or '').strip()}|{name}".lower()


def _upsert_actors(
    session: Session, actors: Iterable[ActorRecord]
) -> dict[str, tuple[int, str | None, frozenset[str]]]:
    """Insert the actors not stored yet, with the words of their names (``actor_word``);
    return ``{key: (id, stored country, words)}`` for all of them.

    The stored country is the one of whoever inserted the actor first, which is what the
    links copy into ``event_actor.actor_country``; the words are those of the stored name.
    """
    by_key: dict[str, ActorRecord] = {}
    for actor in actors:
        by_key.setdefault(actor_key(actor), actor)
    if not by_key:
        return {}
    # Sorted keys: two transactions inserting overlapping actors lock them in the same order,
    # so they wait for each other instead of deadlocking.
    keys = sorted(by_key)
    rows = [
        {
            "key": key,
            "name": _clip(" ".join(by_key[key].name.split()), _actor, "name"),
            "country": by_key[key].country,
            "kind": by_key[key].kind,
        }
        for key in keys
    ]
    stmt = _insert(session, _actor).on_conflict_do_nothing(index_elements=["key"])
    for row_chunk in batched(rows, IN_CHUNK):
        session.execute(stmt, list(row_chunk))
    ids: dict[str, tuple[int, str | None, frozenset[str]]] = {}
    a = _actor.c
    for key_chunk in batched(keys, IN_CHUNK):
        found = session.execute(select(a.key, a.id, a.country, a.name).where(a.key.in_(key_chunk)))
        ids.update({r.key: (int(r.id), r.country, name_words(r.name)) for r in found})
    # The words of every actor of the batch, stored ones too (a few rows per article, each
    # kept once by the key): an actor inserted by a concurrent transaction gets them either way.
    words = [
        {"word": w, "actor_id": actor_id}
        for actor_id, _, names in sorted(ids.values())
        for w in sorted(names)
    ]
    stmt = _insert(session, _actor_word).on_conflict_do_nothing(index_elements=["word", "actor_id"])
    for word_chunk in batched(words, IN_CHUNK):
        session.execute(stmt, list(word_chunk))
    return ids


def _insert_returning_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in bulk and return their ids in the order of ``rows``."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLAlchemy can only keep RETURNING in parameter order on SQLite by sending one row
        # per statement. Not needed: this transaction holds SQLite's single write lock, and
        # a rowid table numbers the rows of an INSERT in VALUES order, each above the last.
        stmt = insert(table).returning(table.c.id)
        return sorted(int(i) for i in session.scalars(stmt, rows))
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(i) for i in session.scalars(stmt, rows)]


def _mentions_of(record: EventRecord) -> tuple[MentionRecord, ...]:
    """The record's mentions; its evidence sentence alone when it brings none.

    Every stored event then has at least one mention, as migration 0009 backfills them.
    """
    if record.mentions:
        return record.mentions
    return (MentionRecord(record.sentence, record.start_char, record.end_char),)


#: Columns of an event_mention row, in COPY order.
_MENTION_COLUMNS = ("event_id", "ordinal", "start_char", "end_char", "sentence")


def _insert_mentions(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert event_mention rows: by COPY on PostgreSQL, in bulk INSERTs on SQLite.

    Every event has a mention or more, so this is one of the batch's largest inserts. On
    PostgreSQL, executemany INSERTs of them took 7% of the time replace_events spends on a
    batch and COPY takes 4% (bench/store_rate.py, 400 articles, 6,400 mentions). Nothing can
    conflict (the events are new), so COPY goes straight into the table.
    """
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        for chunk in batched(rows, IN_CHUNK):
            session.execute(insert(_mention), list(chunk))
        return
    raw = session.connection().connection.driver_connection
    columns = ", ".join(_MENTION_COLUMNS)
    cursor = raw.cursor()  # type: ignore[union-attr]
    with cursor, cursor.copy(f"COPY event_mention ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(tuple(row[c] for c in _MENTION_COLUMNS))


def _event_row(
    article_id: int,
    record: EventRecord,
    extractor_version: str,
    now: datetime,
    published: date | None = None,
) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "type": record.type,
        "subtype": record.subtype,
        "sentence": record.sentence,
        "start_char": record.start_char,
        "end_char": record.end_char,
        "trigger": _clip(record.trigger, _event, "trigger"),
        "event_date": record.event_date,
        # The event day: its own date, else the article's publication date.
        "day": event_day(record.event_date, published),
        "date_precision": record.date_precision,
        "location_name": _clip(record.location_name, _event, "location_name"),
        "location_country": record.location_country,
        "weapons": list(record.weapons),
        "quote": record.quote,
        "modality": record.modality,
        "confidence": float(record.confidence),
        "attributes": dict(record.attributes),
        "extractor_version": extractor_version,
        "created_at": now,
        "incident_block": block_key(
            record.type, event_day(record.event_date, published), record.date_precision
        ),
    }


def replace_events(
    session: Session,
    *,
    results: Sequence[tuple[int, Sequence[EventRecord]]],
    extractor_version: str,
    link_work: LinkWork | None = None,
) -> int:
    """Replace the events of a batch of articles and mark those articles done.

    For every ``(article_id, events)`` pair, in the caller's transaction: earlier events of
    the article (and their actor links and mentions) are deleted, the new ones inserted with
    their mentions in order, their actors added unless known, and the article marked ``done``
    with ``processed_at`` and ``extractor_version``. Running it again with the same input
    leaves the same rows, so a redelivered message does no harm. Articles that no longer
    exist are skipped. When an article appears twice, its last entry wins. Returns the number
    of events inserted; ``link_work`` (when given) collects the new events' ids and the
    incidents of the deleted ones, for ``worker.incidents.link_events``.
    """
    latest: dict[int, Sequence[EventRecord]] = {}
    for article_id, records in results:
        latest[int(article_id)] = records
    if not latest:
        return 0

    # Lock the article rows first, in id order (PostgreSQL; SQLite serialises all writers):
    # a second worker given the same article waits here, then sees and deletes our events
    # rather than adding its own next to them.
    # The publication dates come along: an event without a date of its own is placed there.
    published: dict[int, date | None] = {}
    for chunk in batched(sorted(latest), IN_CHUNK):
        stmt = (
            select(_article.c.id, _article.c.published)
            .where(_article.c.id.in_(chunk))
            .order_by(_article.c.id)
            .with_for_update()
        )
        published.update({int(r.id): r.published for r in session.execute(stmt)})
    existing = set(published)
    if skipped := sorted(set(latest) - existing):
        logger.warning("replace_events: articles not in the database, skipped: %s", skipped)
    article_ids = sorted(existing)
    if not article_ids:
        return 0

    # The scope rollup (models.scope_rollup): what the events replaced and their incidents
    # count for now; the difference is applied once the new events are written.
    conn = session.connection()
    replaced = scope_rollup.facts_of(conn, "article_id", article_ids)
    old_incidents = {f.incident_id for f in replaced if f.incident_id is not None}
    before = scope_rollup.event_counts(replaced) + scope_rollup.incident_counts(
        scope_rollup.facts_of(conn, "incident_id", old_incidents)
    )
    if link_work is not None:
        link_work.old_incidents.update(old_incidents)
    for chunk in batched(article_ids, IN_CHUNK):
        old_events = select(_event.c.id).where(_event.c.article_id.in_(chunk))
        session.execute(delete(_pair).where(_pair.c.event_id.in_(old_events)))
        session.execute(delete(_mention).where(_mention.c.event_id.in_(old_events)))
        session.execute(delete(_link).where(_link.c.event_id.in_(old_events)))
        session.execute(delete(_country).where(_country.c.event_id.in_(old_events)))
        session.execute(delete(_event).where(_event.c.article_id.in_(chunk)))

    pairs = [(aid, record) for aid in article_ids for record in latest[aid]]
    actor_ids = _upsert_actors(session, (a for _, record in pairs for a in record.actors))

    now = utcnow()
    event_ids: list[int] = []
    for pair_chunk in batched(pairs, IN_CHUNK):
        rows = [
            _event_row(aid, record, extractor_version, now, published[aid])
            for aid, record in pair_chunk
        ]
        event_ids.extend(_insert_returning_ids(session, _event, rows))
    if link_work is not None:
        link_work.new_events.extend(event_ids)

    mention_rows = [
        {
            "event_id": event_id,
            "ordinal": ordinal,
            "start_char": mention.start_char,
            "end_char": mention.end_char,
            "sentence": mention.sentence,
        }
        for event_id, (_, record) in zip(event_ids, pairs)
        for ordinal, mention in enumerate(_mentions_of(record))
    ]
    _insert_mentions(session, mention_rows)

    # Each link carries copies of its event's day, type, modality and location and of its
    # actor's country (see models.tables.EventActorLink).
    links: dict[tuple[int, int, str], dict[str, Any]] = {}
    for event_id, (aid, record) in zip(event_ids, pairs):
        day = event_day(record.event_date, published[aid])
        for actor in record.actors:
            actor_id, actor_country, _ = actor_ids[actor_key(actor)]
            links[(event_id, actor_id, actor.role)] = {
                "event_id": event_id,
                "actor_id": actor_id,
                "role": actor.role,
                "day": day,
                "type": record.type,
                "modality": record.modality,
                "location_country": record.location_country,
                "actor_country": actor_country,
            }
    link_rows = list(links.values())
    for link_chunk in batched(link_rows, IN_CHUNK):
        session.execute(_insert(session, _link), list(link_chunk))

    # Every agent of an event paired with every target of it (models.tables.EventPair).
    targets: dict[int, list[dict[str, Any]]] = {}
    for link in link_rows:
        if link["role"] == "target":
            targets.setdefault(link["event_id"], []).append(link)
    pair_rows = [
        {
            "event_id": agent["event_id"],
            "agent_id": agent["actor_id"],
            "target_id": target["actor_id"],
            "day": agent["day"],
            "type": agent["type"],
            "modality": agent["modality"],
            "agent_country": agent["actor_country"],
            "target_country": target["actor_country"],
        }
        for agent in link_rows
        if agent["role"] == "agent"
        for target in targets.get(agent["event_id"], ())
    ]
    for pair_chunk in batched(pair_rows, IN_CHUNK):
        session.execute(_insert(session, _pair), list(pair_chunk))

    # The countries each event involves (models.tables.EventCountry): its location and its
    # actors' countries, once each.
    country_rows: dict[tuple[int, str], dict[str, Any]] = {}
    for event_id, (aid, record) in zip(event_ids, pairs):
        involved = {record.location_country} | {actor_ids[actor_key(a)][1] for a in record.actors}
        for country in sorted(c for c in involved if c):
            country_rows[(event_id, country)] = {
                "event_id": event_id,
                "country": country,
                "day": event_day(record.event_date, published[aid]),
                "type": record.type,
                "modality": record.modality,
                "location_country": record.location_country,
            }
    for country_chunk in batched(list(country_rows.values()), IN_CHUNK):
        session.execute(_insert(session, _country), list(country_chunk))

    # The new events' counters from the rows just written (no query), and the incidents that
    # lost events as they are now (the linker moves the new events into incidents later).
    facts = {
        event_id: scope_rollup.EventFacts(
            record.type, record.modality, day=event_day(record.event_date, published[aid])
        )
        for event_id, (aid, record) in zip(event_ids, pairs)
    }
    words = {actor_id: names for actor_id, _, names in actor_ids.values()}
    for link in link_rows:
        facts[link["event_id"]].actors.add(link["actor_id"])
        facts[link["event_id"]].words.update(words[link["actor_id"]])
    for pair in pair_rows:
        facts[pair["event_id"]].pairs.add((pair["agent_id"], pair["target_id"]))
    for event_id, country in country_rows:
        facts[event_id].countries.add(country)
    after = scope_rollup.event_counts(facts.values()) + scope_rollup.incident_counts(
        scope_rollup.facts_of(conn, "incident_id", old_incidents)
    )
    scope_rollup.apply(conn, scope_rollup.difference(after, before))
    if link_work is not None:
        link_work.new_facts.update(facts)

    _update_articles(
        session,
        article_ids,
        status=ArticleStatus.done,
        processed_at=now,
        updated_at=now,
        extractor_version=extractor_version,
        error=None,
    )
    logger.debug(
        "replace_events: %d articles, %d events, %d links, %d mentions",
        len(article_ids),
        len(pairs),
        len(links),
        len(mention_rows),
    )
    return len(pairs)
