"""The rows read queries return: frozen dataclasses of plain values, never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class TimeCount:
    """Events of one type in one time bucket."""

    bucket_start: date
    type: str
    count: int


@dataclass(frozen=True)
class ActorCount:
    """An actor and the number of filtered events it takes part in."""

    actor_id: int
    name: str
    country: str | None
    kind: str
    events: int


@dataclass(frozen=True)
class ActorTimeCount:
    """Events of one actor in one time bucket."""

    bucket_start: date
    actor_id: int
    name: str
    count: int


@dataclass(frozen=True)
class CountryCount:
    """Number of filtered events involving one ISO3 country."""

    country: str
    events: int


@dataclass(frozen=True)
class InteractionPair:
    """Events in which ``source`` acts (agent) on ``target`` (target).

    At ``level="country"`` the names are ISO3 codes and equal the country fields.
    """

    source: str
    source_country: str | None
    target: str
    target_country: str | None
    events: int


@dataclass(frozen=True)
class EventActorRow:
    """An actor as shown next to an event; ``str()`` gives ``Name (ISO3)``."""

    actor_id: int
    name: str
    country: str | None
    role: str

    def __str__(self) -> str:
        return f"{self.name} ({self.country})" if self.country else self.name


@dataclass(frozen=True)
class EventMentionRow:
    """One sentence of the article that reports an event: its text and character offsets.

    ``start``/``end`` index into ``article.text`` (end exclusive), as ``eventwire extract``
    gives them.
    """

    sentence: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        """``{"sentence", "start", "end"}``: a mention in ``eventwire extract``'s JSON line."""
        return {"sentence": self.sentence, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class EventRow:
    """One event with its actors by role and its article's url and title.

    ``event_day`` is the date used for filtering and ordering (the event's own date, else its
    article's publication date);
    ``location`` is ``location_name, location_country`` as one display string;
    ``mentions`` are the sentences that report it (``event_mention``), in article order.
    ``dataclasses.asdict(row)`` gives plain nested dicts (e.g. for JSON).
    """

    id: int
    article_id: int
    type: str
    subtype: str | None
    event_day: date | None
    event_date: date | None
    date_precision: str | None
    trigger: str
    sentence: str
    location_name: str | None
    location_country: str | None
    location: str | None
    modality: str
    confidence: float
    quote: str | None
    weapons: list[str]
    article_title: str | None
    article_url: str | None
    article_source: str | None
    published: date | None
    agents: list[EventActorRow] = field(default_factory=list)
    targets: list[EventActorRow] = field(default_factory=list)
    participants: list[EventActorRow] = field(default_factory=list)
    #: Every sentence reporting the event, in article order, the evidence sentence included.
    mentions: list[EventMentionRow] = field(default_factory=list)


@dataclass(frozen=True)
class EventDetail:
    """An event with the full text of its article and the sentence's offsets in it."""

    event: EventRow
    article_text: str
    start_char: int
    end_char: int
    attributes: dict[str, Any]


@dataclass(frozen=True)
class Kpis:
    """Headline numbers for the overview page.

    ``articles``/``articles_done`` count all stored articles (the filter does not apply);
    ``events`` and ``actors`` count filtered events and the distinct actors in them;
    ``last_update`` is the latest article processing time.
    """

    articles: int
    articles_done: int
    events: int
    actors: int
    last_update: datetime | None


@dataclass(frozen=True)
class FailedArticle:
    """An article whose processing failed, with the stored error."""

    id: int
    title: str | None
    url: str | None
    source: str | None
    error: str | None
    attempts: int
    updated_at: datetime | None


@dataclass(frozen=True)
class ThroughputCount:
    """Articles that finished processing (``done`` or ``failed``) in one time bucket."""

    bucket_start: date
    status: str
    count: int


@dataclass(frozen=True)
class FilterOptions:
    """Distinct values present in the database, to offer in filter widgets."""

    types: list[str]
    subtypes: list[str]
    countries: list[str]
    modalities: list[str]
    first_day: date | None
    last_day: date | None


@dataclass(frozen=True)
class ActorSummary:
    """An actor with the number of filtered events it takes part in, in total and by role."""

    actor_id: int
    name: str
    country: str | None
    kind: str
    events: int
    as_agent: int
    as_target: int
    as_participant: int


@dataclass(frozen=True)
class EventTypeInfo:
    """An event type as the dashboard shows it: name, label, chart colour, subtypes.

    ``catalogued`` is False for a type found only in stored events (its plugin never recorded
    a spec, e.g. a database older than the catalogue): it gets a neutral colour.
    """

    name: str
    label: str
    colour: str
    subtypes: tuple[str, ...]
    builtin: bool
    catalogued: bool = True
