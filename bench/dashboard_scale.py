"""Time the dashboard's queries on a PostgreSQL database of one million events.

Not a test: run it by hand when models/queries or the indexes change.

    .venv/bin/python bench/dashboard_scale.py --repeat 3             # 1M events, then drop
    .venv/bin/python bench/dashboard_scale.py --events 200000 --keep
    .venv/bin/python bench/dashboard_scale.py --reuse --scenario "country USA" --page actors

It creates the database ``eventwire_scale`` next to the one in ``--admin-url`` (autocommit
``CREATE DATABASE``), builds the schema with the migrations, generates articles, actors, events
and agent/target/participant links in SQL (``INSERT ... SELECT generate_series``: no Python
round trips, about two minutes for 1M events; the links and agent-target pairs carry the
copies of event and actor columns that models.repository.replace_events writes; the incident
rollup, ``event_country`` and the scope rollup, after the words of the actors' names,
come from their rebuilds), runs
VACUUM ANALYZE, then times every query the dashboard pages run, with the default filter and
with typical ones (``--scenario``, repeatable, picks some; ``--page`` likewise). It prints a
table and writes ``bench/results/dashboard_scale.json``. The database is dropped at the end
unless ``--keep``; ``--reuse`` times a kept one again without refilling it.

Each query's wall time (first run and median) comes with the median CPU time of the database
side (the PostgreSQL server process of the session, read from ``/proc`` when the server runs
on this machine; SQLite, this process), and the result records the load average: on a shared
machine the wall time is mostly waiting for a core, the CPU time is what a query costs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scratch_db import create_database, drop_database  # noqa: E402

from common.settings import get_settings  # noqa: E402
from dashboard.data import connect_args as dashboard_connect_args  # noqa: E402
from models import queries  # noqa: E402
from models.engine import make_read_engine  # noqa: E402
from models.queries import EventFilter  # noqa: E402
from models.queries import incidents as incident_queries  # noqa: E402

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DB_NAME = "eventwire_scale"
RESULTS = ROOT / "bench" / "results" / "dashboard_scale.json"
FIRST_DAY = date(2024, 1, 1)
DAYS = 730

#: Countries with a weight: the skew of real coverage (a few countries dominate).
COUNTRIES = (
    "USA RUS UKR CHN ISR IRN PRK GBR FRA DEU TUR IND PAK SYR IRQ JPN KOR SAU YEM AFG "
    "BLR POL ITA ESP CAN AUS BRA MEX VEN EGY LBN PSE SDN ETH NGA ZAF KEN QAT ARE TWN"
).split()
TYPES = ("statement", "meeting", "military_exercise", "launch", "sanctions_vote", "parade")
PERSON_NAMES = ("Kim", "Ivanov", "Smith", "Zhang", "Cohen", "Rahimi", "Dubois", "Müller",
                "Kaya", "Sharma")  # fmt: skip


def _sql_array(values: tuple[str, ...] | list[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]"


def _countries_sql() -> str:
    return _sql_array(COUNTRIES)


def _links_sql(role: str, picks: str) -> str:
    """Insert one ``role`` link per row of ``picks`` (event columns and the actor id ``pick``).

    The link's copies of the event's day, type, modality and location and of the actor's
    country are filled as models.repository.replace_events fills them. (``OFFSET 0`` keeps
    the subquery from being flattened, which could draw ``random()`` once per use of ``pick``.)
    """
    return f"""INSERT INTO event_actor (event_id, actor_id, role, day, type, modality,
                location_country, incident_id, actor_country)
            SELECT p.id, p.pick, '{role}', p.day, p.type, p.modality, p.location_country,
                   p.incident_id,
                   ac.country
            FROM ({picks} OFFSET 0) p JOIN actor ac ON ac.id = p.pick"""


def _rollup(conn: Connection) -> None:
    """The incident rollup (migration 0010) of the incidents generated: the worker keeps it
    as it links, data written by SQL gets it from models.incident_rollup.rebuild."""
    from models.incident_rollup import rebuild

    with Session(bind=conn) as session:
        rebuild(session)
        session.flush()


def _event_countries(conn: Connection) -> None:
    """The countries each event involves (migration 0011), as replace_events writes them."""
    from models.event_countries import rebuild

    with Session(bind=conn) as session:
        rebuild(session)
        session.flush()


def _actor_words(conn: Connection) -> None:
    """The words of the actors' names (migration 0014), as models.repository writes them with
    each new actor: the scope rollup's word scopes are counted from them."""
    from models.actor_words import name_words

    actors = conn.execute(text("SELECT id, name FROM actor")).all()
    words = [{"w": w, "a": i} for i, name in actors for w in sorted(name_words(name))]
    if words:
        conn.execute(text("INSERT INTO actor_word (word, actor_id) VALUES (:w, :a)"), words)


def _scope_rollup(conn: Connection) -> None:
    """The scope rollup (migration 0012), as replace_events and the linker keep it."""
    from models.scope_rollup import rebuild

    with Session(bind=conn) as session:
        rebuild(session)
        session.flush()


def _steps(events: int) -> list[tuple[str, str | Callable[[Connection], None]]]:
    """(label, SQL or function of the connection) steps that fill the database with
    ``events`` events."""
    articles = max(1, events // 4)
    countries = _countries_sql()
    n_c = len(COUNTRIES)
    people = _sql_array(list(PERSON_NAMES))
    # Power-law picks: floor(n * random()^k) favours the first entries of a list.
    pick_country = f"({countries})[1 + floor({n_c} * power(random(), 2.2))::int]"
    n_actors = n_c + 1000 + 200
    return [
        ("seed", "SELECT setseed(0.42)"),
        (
            "actors (countries)",
            f"""INSERT INTO actor (key, name, country, kind)
            SELECT 'country|' || lower(c) || '|' || lower(c), c, c, 'country'
            FROM unnest({countries}) AS c""",
        ),
        (
            "actors (people)",
            f"""INSERT INTO actor (key, name, country, kind)
            SELECT 'person|' || c || '|' || n, n, c, 'person' FROM (
              SELECT g, {pick_country} AS c,
                     ({people})[1 + g % {len(PERSON_NAMES)}] || ' ' || g AS n
              FROM generate_series(1, 1000) g) s""",
        ),
        (
            "actors (organisations)",
            f"""INSERT INTO actor (key, name, country, kind)
            SELECT 'org|' || coalesce(c, '') || '|org ' || g, 'Organisation ' || g, c,
                   CASE WHEN g % 5 = 0 THEN 'igo' ELSE 'org' END FROM (
              SELECT g, CASE WHEN g % 4 = 0 THEN NULL ELSE {pick_country} END AS c
              FROM generate_series(1, 200) g) s""",
        ),
        (
            "articles",
            f"""INSERT INTO article (content_hash, title, url, source, published, language, text,
                status, attempts, created_at, updated_at, processed_at, error)
            SELECT md5(g::text), 'Article ' || g, 'https://news.example/' || g,
                   (ARRAY['wire', 'daily', 'herald', 'post'])[1 + g % 4],
                   DATE '{FIRST_DAY}' + floor(random() * {DAYS})::int, 'en',
                   'Text of article ' || g, st, 1, now(), now(),
                   CASE WHEN st = 'done' THEN now() - (g % 1000) * interval '1 hour' END,
                   CASE WHEN st = 'failed' THEN 'RuntimeError: synthetic failure' END
            FROM (SELECT g, CASE WHEN g % 100 = 0 THEN 'failed'
                                 WHEN g % 211 = 0 THEN 'queued' ELSE 'done' END AS st
                  FROM generate_series(1, {articles}) g) s""",
        ),
        (
            "events",
            f"""INSERT INTO event (article_id, type, subtype, sentence, start_char, end_char,
                trigger, event_date, day, date_precision, location_name, location_country, weapons,
                quote, modality, confidence, attributes, extractor_version, created_at,
                incident_id, incident_block)
            SELECT a.id, t.type,
                   CASE WHEN t.type = 'statement' THEN
                     (ARRAY['condemn', 'support', 'warn', 'threaten', 'call'])[1 + g % 5]
                        WHEN t.type = 'sanctions_vote' THEN
                     (ARRAY['adopted', 'blocked', 'vetoed'])[1 + g % 3] END,
                   'Sentence ' || g || ' about a ' || t.type || '.', 0, 20, t.type,
                   CASE WHEN r2 < 0.15 THEN NULL ELSE a.published - (g % 3) END,
                   CASE WHEN r2 < 0.15 THEN a.published ELSE a.published - (g % 3) END,
                   CASE WHEN r2 < 0.15 THEN NULL ELSE 'day' END,
                   CASE WHEN r3 < 0.6 THEN 'Place ' || (g % 500) END,
                   CASE WHEN r3 < 0.6 THEN {pick_country} END,
                   CASE WHEN t.type = 'launch' THEN '["Hwasong-18"]'::jsonb
                        ELSE '[]'::jsonb END,
                   CASE WHEN t.type = 'statement' AND g % 3 = 0 THEN 'We will respond.' END,
                   CASE WHEN r4 < 0.8 THEN 'asserted' WHEN r4 < 0.88 THEN 'planned'
                        WHEN r4 < 0.94 THEN 'hypothetical' WHEN r4 < 0.97 THEN 'negated'
                        ELSE 'capability' END,
                   round((0.3 + 0.7 * random())::numeric, 2), '{{}}'::jsonb, 'bench', now(),
                   -- About 2.3 reports per incident: one happening per type, day and g % 100
                   -- (a hash as its id, grouped into incident rows below; collisions merge,
                   -- never across types: the type is the id's last three bits, as the
                   -- linker never puts two types in one incident).
                   (abs(hashtext((a.published - (g % 3)) || ':' || (g % 100))) % 268435456) * 8
                     + array_position({_sql_array(TYPES)}, t.type),
                   t.type || '|' || to_char(a.published - (g % 3), 'YYYY-MM')
            FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4
                  FROM generate_series(1, {events}) g) s
            JOIN article a ON a.id = 1 + (g % {articles})
            CROSS JOIN LATERAL (SELECT CASE
                   WHEN r1 < 0.38 THEN 'statement' WHEN r1 < 0.58 THEN 'meeting'
                   WHEN r1 < 0.70 THEN 'military_exercise' WHEN r1 < 0.80 THEN 'launch'
                   WHEN r1 < 0.90 THEN 'sanctions_vote' ELSE 'parade' END AS type) t""",
        ),
        (
            "incidents",
            """INSERT INTO incident (id, key, block, type, subtype, event_date, date_precision,
                day, first_day, last_day, location_name, location_country, actors, weapons,
                modality, first_seen, last_seen, n_events, n_articles, n_sources)
            SELECT incident_id, 'bench|' || incident_id, min(incident_block), min(type),
                   min(subtype), min(event_date), 'day', min(day), min(day), max(day),
                   min(location_name), min(location_country),
                   jsonb_build_object('agent', jsonb_build_array('Actor ' || incident_id % 997)),
                   '[]'::jsonb, min(modality), min(day), max(day), count(*),
                   count(DISTINCT article_id), least(4, count(DISTINCT article_id))
            FROM event GROUP BY incident_id""",
        ),
        (
            "links (agents)",
            _links_sql(
                "agent",
                f"""SELECT e.*, 1 + floor({n_actors} * power(random(), 2.5))::int AS pick
                FROM event e""",
            ),
        ),
        (
            "links (targets)",
            _links_sql(
                "target",
                f"""SELECT * FROM (
                  SELECT e.*, 1 + floor({n_actors} * power(random(), 2.5))::int AS pick,
                         ea.actor_id AS agent_id
                  FROM event e JOIN event_actor ea ON ea.event_id = e.id AND ea.role = 'agent'
                  WHERE random() < 0.7 OFFSET 0) s
                WHERE pick <> agent_id""",
            ),
        ),
        (
            "links (participants)",
            _links_sql(
                "participant",
                f"""SELECT e.*, 1 + floor({n_actors} * random())::int AS pick FROM event e
                WHERE type IN ('meeting', 'military_exercise') AND random() < 0.5""",
            ),
        ),
        (
            "pairs (agent x target)",
            """INSERT INTO event_pair (event_id, agent_id, target_id, day, type, modality,
                agent_country, target_country, incident_id)
            SELECT a.event_id, a.actor_id, t.actor_id, a.day, a.type, a.modality,
                   a.actor_country, t.actor_country, a.incident_id
            FROM event_actor a
            JOIN event_actor t ON t.event_id = a.event_id AND t.role = 'target'
            WHERE a.role = 'agent'""",
        ),
        ("actor words", _actor_words),
        ("incident rollup", _rollup),
        ("event countries", _event_countries),
        # After event_country and actor_word, which it reads.
        ("scope rollup", _scope_rollup),
        # VACUUM too: it sets the visibility map, so index-only scans are index-only, as on a
        # database autovacuum has seen (ANALYZE alone leaves every row a heap fetch).
        ("vacuum analyze", "VACUUM ANALYZE"),
    ]


def create_schema(url: str) -> str:
    """Create tables (and views) with the migrations, else with ``create_all``; say which."""
    try:
        from models.migrate import upgrade
    except ImportError:
        from sqlmodel import SQLModel

        engine = create_engine(url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        return "SQLModel.metadata.create_all"
    upgrade(url)
    return "models.migrate.upgrade"


def fill(engine: Engine, events: int) -> dict[str, float]:
    """Generate the data; return seconds per step."""
    timings: dict[str, float] = {}
    with engine.connect() as conn:
        # ANALYZE cannot run in a transaction block on some versions; autocommit throughout.
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("SET maintenance_work_mem = '256MB'")
        # The generating INSERTs take minutes: no statement timeout, whatever the server,
        # database or role sets by default (the dashboard's applies to the timed queries only).
        conn.exec_driver_sql("SET statement_timeout = 0")
        for label, step in _steps(events):
            started = time.perf_counter()
            if callable(step):
                step(conn)
            else:
                conn.execute(text(step))
            timings[label] = time.perf_counter() - started
            print(f"  {label:<24} {timings[label]:7.1f} s", flush=True)
    return timings


#: Tables copied to SQLite, parents first (what the pages read; mentions are not generated).
COPIED_TABLES = (
    "article", "actor", "actor_word", "event", "incident", "event_actor", "event_pair",
    "incident_facet", "incident_count", "event_country", "scope_count",
)  # fmt: skip


def copy_to_sqlite(source: Engine, path: Path, chunk: int = 20_000) -> float:
    """Copy the generated rows into a new migrated SQLite file at ``path``; return seconds.

    SQLite has no ``generate_series`` nor ``power()`` in every build, so the same data is
    copied rather than generated again: both dialects are timed on identical rows.
    """
    from sqlmodel import SQLModel

    started = time.perf_counter()
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    create_schema(url)
    target = create_engine(url)
    try:
        with source.connect() as src, target.connect() as dst:
            # A scratch copy: no journal, no fsync (as fast as SQLite writes).
            dst.exec_driver_sql("PRAGMA journal_mode=OFF")
            dst.exec_driver_sql("PRAGMA synchronous=OFF")
            for name in COPIED_TABLES:
                table = SQLModel.metadata.tables[name]
                rows = src.execution_options(stream_results=True, yield_per=chunk).execute(
                    table.select().order_by(*table.primary_key.columns)
                )
                copied = 0
                for part in rows.partitions():
                    dst.execute(table.insert(), [dict(r._mapping) for r in part])
                    copied += len(part)
                dst.commit()
                print(f"  sqlite {name:<18} {copied:>9,} rows", flush=True)
            dst.exec_driver_sql("ANALYZE")
            dst.commit()
    finally:
        target.dispose()
    return time.perf_counter() - started


def _scenarios(last_day: date) -> dict[str, EventFilter]:
    return {
        "default": EventFilter(),
        # The dashboard counts incidents unless the sidebar says "reports".
        "count incidents": EventFilter(count_incidents=True),
        "launch+PRK, incidents": EventFilter(
            types=("launch",), countries=("PRK",), count_incidents=True
        ),
        "country USA, incidents": EventFilter(countries=("USA",), count_incidents=True),
        "launch+PRK": EventFilter(types=("launch",), countries=("PRK",)),
        "last 90 days": EventFilter(since=last_day - timedelta(days=90), until=last_day),
        "all modalities": EventFilter(modalities=()),
        # The most frequent country: the country filter at its least selective.
        "country USA": EventFilter(countries=("USA",)),
        "actor~kim, all modalities": EventFilter(actor="kim", modalities=()),
        # The dashboard counts incidents unless told otherwise: the same views counted so.
        "launch, incidents": EventFilter(types=("launch",), count_incidents=True),
        "last 90 days, incidents": EventFilter(
            since=last_day - timedelta(days=90), until=last_day, count_incidents=True
        ),
        "all modalities, incidents": EventFilter(modalities=(), count_incidents=True),
        "actor~kim, all mod., incidents": EventFilter(
            actor="kim", modalities=(), count_incidents=True
        ),
    }


def _page_queries(filt: EventFilter) -> dict[str, dict[str, Callable[[Session], Any]]]:
    """What each page asks the database for, in the order it asks (see dashboard/app_pages)."""

    top5: list[int] = []

    def timeline(s: Session) -> Any:
        # The page's picker defaults to the first five of the top 50, which the page already
        # has (cached): look them up once, so the median times the timeline query alone.
        if not top5:
            top5.extend(a.actor_id for a in queries.top_actors(s, filt=filt, limit=5))
        return queries.actor_counts_over_time(s, filt=filt, bucket="week", actor_ids=top5)

    def incident_detail(s: Session) -> Any:
        # One incident as its page shows it: summary, reports, evidence (any incident).
        first = incident_queries.list_incidents(s, filt=filt, limit=1)
        if not first:
            return None
        incident_id = first[0].id
        return (
            incident_queries.get_incident(s, incident_id=incident_id),
            incident_queries.incident_reports(s, incident_id=incident_id),
            incident_queries.incident_evidence(s, incident_id=incident_id, limit=50),
        )

    def detail(s: Session) -> Any:
        # The page shows the row the user selected; any id does.
        return queries.get_event_detail(s, event_id=1)

    return {
        "sidebar": {"filter_options": queries.filter_options},
        "overview": {
            "overview_kpis": lambda s: queries.overview_kpis(s, filt=filt),
            "event_counts_over_time(week)": lambda s: queries.event_counts_over_time(
                s, filt=filt, bucket="week"
            ),
            "event_type_counts": lambda s: queries.event_type_counts(s, filt=filt),
        },
        "actors": {
            "count_events": lambda s: queries.count_events(s, filt=filt),
            # One query serves the bar chart (head(limit)) and the timeline's candidates.
            "top_actors(50)": lambda s: queries.top_actors(s, filt=filt, limit=50),
            "country_counts": lambda s: queries.country_counts(s, filt=filt),
            "interaction_pairs(60, actor)": lambda s: queries.interaction_pairs(
                s, filt=filt, limit=60
            ),
            "actor_counts_over_time(top 5)": timeline,
        },
        "events": {
            "count_events": lambda s: queries.count_events(s, filt=filt),
            "list_events(50)": lambda s: queries.list_events(s, filt=filt, limit=50),
            "list_events(50, page 100)": lambda s: queries.list_events(
                s, filt=filt, limit=50, offset=4950
            ),
            "get_event_detail": detail,
        },
        "map": {"country_counts": lambda s: queries.country_counts(s, filt=filt)},
        "incidents": {
            "count_incidents": lambda s: queries.count_incidents(s, filt=filt),
            "list_incidents(50)": lambda s: incident_queries.list_incidents(s, filt=filt, limit=50),
            "list_incidents(50, sources)": lambda s: incident_queries.list_incidents(
                s, filt=filt, limit=50, order="sources"
            ),
            "list_incidents(50, page 100)": lambda s: incident_queries.list_incidents(
                s, filt=filt, limit=50, offset=4950
            ),
            "incident detail": incident_detail,
        },
        "pipeline": {
            "article_status_counts": queries.article_status_counts,
            "throughput_over_time(week)": lambda s: queries.throughput_over_time(s, bucket="week"),
            "failed_articles(100)": lambda s: queries.failed_articles(s, limit=100),
        },
    }


def _cpu_clock(session: Session) -> Callable[[], float] | None:
    """Milliseconds of CPU used so far by what runs the session's queries, or None.

    On a machine shared with other work the wall time of a query is mostly waiting for a
    core; the CPU time is what the query costs. SQLite runs in this process: its CPU time.
    PostgreSQL: the server process of the session, read from ``/proc`` (when the server runs
    on this machine and its processes are readable; else None).
    """
    if session.get_bind().dialect.name == "sqlite":
        return lambda: time.process_time() * 1000
    pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    stat = Path(f"/proc/{pid}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def backend_ms() -> float:
        # utime and stime, fields 14 and 15, after the parenthesised command name.
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / tick

    try:
        backend_ms()
    except OSError:
        return None
    return backend_ms


def time_queries(
    engine: Engine,
    repeat: int,
    scenarios: list[str] | None = None,
    pages: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Run every page's queries under every scenario; return one record per query.

    ``scenarios`` and ``pages`` restrict the run to those names (all when ``None``). Each
    record has the first and median wall time and, where it can be read (see
    :func:`_cpu_clock`), the median CPU time of the database's side (10 ms resolution).
    """
    with Session(engine) as session:
        last = queries.filter_options(session).last_day or FIRST_DAY + timedelta(days=DAYS)
    records = []
    for scenario, filt in _scenarios(last).items():
        if scenarios and scenario not in scenarios:
            continue
        for page, calls in _page_queries(filt).items():
            if scenario != "default" and page in ("sidebar", "pipeline"):
                continue  # these ignore the event filter
            if pages and page not in pages:
                continue
            for name, call in calls.items():
                times, cpu = [], []
                for _ in range(repeat):
                    with Session(engine) as session:
                        clock = _cpu_clock(session)
                        cpu_started = clock() if clock else 0.0
                        started = time.perf_counter()
                        try:
                            call(session)
                        except OperationalError as exc:  # statement_timeout: record, go on
                            print(f"  {name}: {str(exc.orig).splitlines()[0]}", flush=True)
                        times.append((time.perf_counter() - started) * 1000)
                        if clock:
                            cpu.append(clock() - cpu_started)
                cpu_ms = round(statistics.median(cpu), 1) if cpu else None
                records.append(
                    {
                        "scenario": scenario,
                        "page": page,
                        "query": name,
                        "first_ms": round(times[0], 1),
                        "median_ms": round(statistics.median(times), 1),
                        "cpu_ms": cpu_ms,
                    }
                )
                print(
                    f"  {scenario:<26} {page:<9} {name:<38} {times[0]:8.1f} "
                    f"{statistics.median(times):8.1f} {'-' if cpu_ms is None else cpu_ms:>8}",
                    flush=True,
                )
    return records


def page_totals(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sum of median times per (scenario, page); the sidebar query counts on every page."""
    sidebar = sum(r["median_ms"] for r in records if r["page"] == "sidebar")
    sidebar_cpu = sum(r.get("cpu_ms") or 0.0 for r in records if r["page"] == "sidebar")
    totals: dict[tuple[str, str], float] = {}
    cpu: dict[tuple[str, str], float | None] = {}
    for r in records:
        if r["page"] != "sidebar":
            key = (r["scenario"], r["page"])
            totals[key] = totals.get(key, 0.0) + r["median_ms"]
            known = cpu.get(key, 0.0)
            cpu[key] = None if known is None or r.get("cpu_ms") is None else known + r["cpu_ms"]
    return [
        {
            "scenario": s,
            "page": p,
            "total_ms": round(ms, 1),
            "with_sidebar_ms": round(ms + sidebar),
            "cpu_with_sidebar_ms": None if cpu[s, p] is None else round(cpu[s, p] + sidebar_cpu),
        }
        for (s, p), ms in totals.items()
    ]


def _time_and_print(
    engine: Engine, args: argparse.Namespace
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Time every page on ``engine``, print the queries and page totals, return both."""
    print(f"  {'scenario':<26} {'page':<9} {'query':<38} {'first':>8} {'median':>8} {'cpu':>8}")
    records = time_queries(engine, args.repeat, args.scenario, args.page)
    totals = page_totals(records)
    print("\npage totals (median ms; sidebar filter_options added; then its CPU ms):")
    for t in totals:
        scenario, page, cpu = t["scenario"], t["page"], t["cpu_with_sidebar_ms"]
        print(
            f"  {scenario:<26} {page:<9} {t['total_ms']:8.1f} {t['with_sidebar_ms']:6}"
            f" {'-' if cpu is None else cpu:>6}"
        )
    return records, totals


def main(argv: list[str] | None = None) -> int:
    """Build the database, time the queries, write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--admin-url", default=ADMIN_URL, help="an existing PostgreSQL database")
    parser.add_argument("--name", default=DB_NAME, help="database to create (dropped first)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query (median shown)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="time an existing --name database, do not fill it"
    )
    parser.add_argument(
        "--scenario",
        action="append",
        choices=list(_scenarios(FIRST_DAY)),
        help="time only this filter scenario (repeatable; default: all)",
    )
    parser.add_argument(
        "--page",
        action="append",
        choices=list(_page_queries(EventFilter())),
        help="time only this page's queries (repeatable; default: all)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--sqlite",
        type=Path,
        help="also time the pages on a SQLite copy at this path (made from the PostgreSQL "
        "database, unless it exists and --reuse is given)",
    )
    args = parser.parse_args(argv)

    url = args.admin_url.rsplit("/", 1)[0] + f"/{args.name}"
    fill_times: dict[str, float] = {}
    schema = "existing"
    if not args.reuse:
        url = create_database(args.admin_url, args.name)
        schema = create_schema(url)
        print(f"schema by {schema}; generating {args.events:,} events", flush=True)
    # The dashboard's own engine settings (work_mem, jit, the EVENTWIRE_SQL_TIMEOUT statement
    # timeout, as dashboard.data.engine makes it): time what it runs.
    engine = make_read_engine(
        url, get_settings().sql_timeout, connect_args=dashboard_connect_args(url)
    )
    try:
        if not args.reuse:
            # Filled through a plain engine: no dashboard statement timeout on the generator.
            filler = create_engine(url)
            try:
                fill_times = fill(filler, args.events)
            finally:
                filler.dispose()
        with engine.connect() as conn:
            counts = {
                t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in (
                    "article",
                    "actor",
                    "event",
                    "event_actor",
                    "event_pair",
                    "incident",
                    "scope_count",
                )
            }
        print("rows:", counts, flush=True)
        load_before = os.getloadavg()
        records, totals = _time_and_print(engine, args)
        result: dict[str, Any] = {
            # The machine's load average (1, 5, 15 minutes) before and after the timing.
            "load_average": {"before": load_before, "after": os.getloadavg()},
            "events": counts["event"],
            "rows": counts,
            "schema": schema,
            "fill_seconds": {k: round(v, 1) for k, v in fill_times.items()},
            "repeat": args.repeat,
            "python": platform.python_version(),
            "queries": records,
            "page_totals": totals,
        }
        if args.sqlite:
            if not (args.reuse and args.sqlite.exists()):
                seconds = copy_to_sqlite(create_engine(url), args.sqlite)
                result["fill_seconds"]["sqlite copy"] = round(seconds, 1)
            lite = make_read_engine(f"sqlite:///{args.sqlite}", get_settings().sql_timeout)
            try:
                print(f"SQLite copy {args.sqlite}:", flush=True)
                lite_records, lite_totals = _time_and_print(lite, args)
            finally:
                lite.dispose()
            result["sqlite"] = {"queries": lite_records, "page_totals": lite_totals}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.out}")
    finally:
        engine.dispose()
        if not args.keep and not args.reuse:
            drop_database(args.admin_url, args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
