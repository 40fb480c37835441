"""A deterministic demo database for dashboard tests and screenshots.

``python -m tests.dashboard.seed sqlite:///demo.db`` fills a database (tables created with
``SQLModel.metadata.create_all``) with ~60 articles and their events over twelve weeks,
linked into incidents by the worker's linker; every event has two mentions, the article's
lead line and its evidence sentence.
"""

from __future__ import annotations

import random
import sys
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import Engine, create_engine, select
from sqlmodel import Session, SQLModel

from common.incident_keys import block_key
from models.catalogue import sync_event_types
from models.tables import Actor, Article, ArticleStatus, Event, EventActorLink, EventMention
from worker.event_types import event_type_records
from worker.extraction.plugins import load_event_types
from worker.incidents import link_blocks

ACTORS = [
    ("Russia", "RUS", "country"), ("Ukraine", "UKR", "country"),
    ("United States", "USA", "country"), ("China", "CHN", "country"),
    ("North Korea", "PRK", "country"), ("Kim Jong Un", "PRK", "person"),
    ("Iran", "IRN", "country"), ("NATO", None, "igo"), ("France", "FRA", "country"),
    ("UN Security Council", None, "igo"),
]  # fmt: skip
TYPES = ["parade", "launch", "statement", "sanctions_vote", "meeting", "military_exercise"]
MODALITIES = ["asserted"] * 7 + ["planned", "hypothetical", "negated"]
START = date(2024, 1, 1)


def _id(row: Article | Actor | Event) -> int:
    assert row.id is not None, "flush() first"
    return row.id


def seed_demo(engine: Engine, *, articles: int = 60, seed: int = 7) -> None:
    """Create the tables and insert ``articles`` articles with 1-3 events each."""
    rng = random.Random(seed)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        # The type catalogue, as the worker and `db upgrade` write it: labels and colours.
        sync_event_types(session, specs=event_type_records(load_event_types()))
        actors = [
            Actor(key=f"{kind}|{country or ''}|{name.lower()}", name=name, country=country,
                  kind=kind)
            for name, country, kind in ACTORS
        ]  # fmt: skip
        session.add_all(actors)
        session.flush()
        for i in range(articles):
            day = START + timedelta(days=rng.randrange(84))
            specs = []
            for _ in range(rng.randint(1, 3)):
                agent, target = rng.sample(actors, 2)
                type_ = rng.choice(TYPES)
                words = type_.replace("_", " ")
                specs.append(
                    (agent, target, type_, f"{agent.name} held a {words} aimed at {target.name}.")
                )
            text = (
                f"Report {i}. <b>Analysts</b> & observers reacted on {day:%d %B}.\n\n"
                + " ".join(spec[3] for spec in specs)
                + " Officials said more would follow."
            )
            status = ArticleStatus.failed if i % 15 == 14 else ArticleStatus.done
            finished = datetime.combine(day, datetime.min.time(), timezone.utc) + timedelta(
                hours=12
            )
            article = Article(
                content_hash=f"demo-{i}", title=f"Demo report {i}", text=text,
                url=f"https://news.example/{i}", source="demo", published=day, status=status,
                processed_at=finished if status == ArticleStatus.done else None,
                updated_at=finished,
                error="RuntimeError: spaCy ran out of memory" if status == "failed" else None,
            )  # fmt: skip
            session.add(article)
            session.flush()
            if status == ArticleStatus.failed:
                continue
            for agent, target, type_, sentence in specs:
                start = text.index(sentence)
                event = Event(
                    article_id=_id(article), type=type_, sentence=sentence, start_char=start,
                    end_char=start + len(sentence), trigger=type_.split("_")[0],
                    event_date=day if rng.random() > 0.2 else None,
                    location_country=rng.choice([None, agent.country, target.country]),
                    modality=rng.choice(MODALITIES), confidence=round(rng.uniform(0.3, 1), 2),
                    weapons=["Hwasong-18"] if type_ == "launch" else [],
                    quote="We will respond." if type_ == "statement" else None,
                    incident_block=block_key(type_, day, "day"),
                )  # fmt: skip
                session.add(event)
                session.flush()
                # Mentions as the extractor gives them: the lead (with markup to escape),
                # then the evidence sentence.
                lead = text.split("\n", 1)[0]
                for ordinal, (begin, end) in enumerate(((0, len(lead)), (start, event.end_char))):
                    session.add(
                        EventMention(
                            event_id=_id(event), ordinal=ordinal, start_char=begin, end_char=end,
                            sentence=text[begin:end],
                        )
                    )  # fmt: skip
                session.add(EventActorLink(event_id=_id(event), actor_id=_id(agent), role="agent"))
                session.add(
                    EventActorLink(event_id=_id(event), actor_id=_id(target), role="target")
                )
        session.add(
            Article(content_hash="demo-queued", text="waiting", status=ArticleStatus.queued)
        )
        session.flush()
        # Incidents as the worker links them: the same sentence in two articles of one week
        # is one happening reported twice.
        blocks = session.execute(select(Event.incident_block).distinct()).scalars()
        link_blocks(session, [b for b in blocks if b])
        session.commit()


if __name__ == "__main__":
    demo = create_engine(sys.argv[1] if len(sys.argv) > 1 else "sqlite:///demo.db")
    seed_demo(demo)
    demo.dispose()
