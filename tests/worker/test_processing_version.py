"""Processing stamps every article and event with the extractor version that produced it.

This replaces a test that only checked the version string had three dot-separated parts: what
matters is that the stored rows say which rules made them (``reprocess`` and analysts rely on
it after an upgrade), and that re-processing with a new version replaces the stamp.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from common.settings import get_settings
from models import repository
from models.engine import make_engine, session_scope
from models.migrate import upgrade
from models.records import NewArticle
from models.tables import Article, Event
from tests.conftest import SEED_ARTICLE
from worker import processing
from worker.extraction import EXTRACTOR_VERSION

TEXT = (
    "North Korea launched two ballistic missiles on Thursday, South Korea's military said. "
    "The United States condemned the launch."
)


def test_processed_rows_carry_the_extractor_version(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    settings = get_settings()
    extractor = processing.get_extractor(settings.spacy_model, settings.gazetteer_dir)
    text = SEED_ARTICLE.read_text(encoding="utf-8") if SEED_ARTICLE.exists() else TEXT
    try:
        with session_scope(engine) as session:
            (added,) = repository.add_articles(session, articles=[NewArticle(text=text)])
            # An earlier run by older rules: its stamp must be replaced, not kept.
            repository.replace_events(session, results=[(added.article_id, [])],
                                      extractor_version="0.0.0-old")  # fmt: skip
        outcome = processing.process_batch(
            [added.article_id], engine=engine, extractor=extractor, batch_size=4
        )
        assert outcome.done == [added.article_id] and outcome.events > 0
        with Session(engine) as session:
            article = session.get(Article, added.article_id)
            assert article is not None and article.extractor_version == EXTRACTOR_VERSION
            versions = set(session.scalars(select(col(Event.extractor_version))))
        assert versions == {EXTRACTOR_VERSION}
    finally:
        engine.dispose()
