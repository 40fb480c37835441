"""Property-based: every input line is accounted for exactly once by enqueue, whatever it is."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models.engine import get_engine, session_scope
from models.migrate import upgrade
from models.tables import Article
from worker.enqueue import enqueue_articles
from worker.inputs import ReadOptions, read_inputs

texts = st.sampled_from(
    [
        "Troops paraded in the capital.",
        "  Troops paraded in the capital. ",
        "Ministers met.",
        "Ministers\x00 met.",
        "",
        "   ",
    ]
) | st.text(max_size=80)
lines = st.lists(
    st.one_of(
        st.builds(lambda t: json.dumps({"text": t}), texts),
        st.builds(
            lambda t, p: json.dumps({"text": t, "published": p}),
            texts,
            st.sampled_from(["2024-02-30", "yesterday", "2024-01-05", None]),
        ),
        st.text(max_size=30).filter(lambda s: "\n" not in s and "\r" not in s),
        st.just("{broken"),
    ),
    max_size=25,
)


@given(lines)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_enqueue_accounts_for_every_line(database_url: str, batch: list[str]) -> None:
    # Both databases: PostgreSQL refuses things SQLite stores (NUL characters, for one).
    upgrade(database_url)
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        before_ids = set(session.execute(select(Article.id)).scalars())
        before = len(before_ids)
    sent: list[list[int]] = []
    payload = "\n".join(batch).encode("utf-8")
    report = enqueue_articles(
        read_inputs(["-"], ReadOptions(max_chars=5000), stdin=io.BytesIO(payload)),
        engine=engine,
        send=sent.extend,
        batch_size=4,
    )
    non_blank = sum(1 for line in payload.splitlines() if line.strip())
    if payload.lstrip().startswith(b"{"):
        assert report.new + report.duplicate + len(report.rejected) == non_blank
    else:  # not JSONL: the whole input is one plain-text article (or one rejection)
        assert report.new + report.duplicate + len(report.rejected) == 1
    with session_scope(engine) as session:
        after = session.execute(select(func.count()).select_from(Article)).scalar_one()
    assert after - before == report.new
    sent_ids = [i for ids in sent for i in ids]
    assert len(sent_ids) == len(set(sent_ids)) == report.new
    with session_scope(engine) as session:
        assert set(sent_ids) == set(session.execute(select(Article.id)).scalars()) - before_ids
    assert len(sent) == report.messages
    assert all(0 < len(ids) <= 4 for ids in sent)
