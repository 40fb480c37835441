"""Plain data that the extractor takes and returns: frozen dataclasses, no spaCy objects.

These types are the contract between the extractor and everything else (CLI, worker, storage,
``../shared/eval/score.py``); :meth:`ExtractedEvent.to_dict` is the JSON line format of
``eventwire extract --format jsonl``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from common.contract import ActorKind, DatePrecision, Modality, Role
from common.dates import date_text

#: An event type's name: one of the loaded types (``plugins.load_event_types``), which the
#: extractor checks its rules' mentions against; not a closed list, since users add types.
EventType = str


@dataclass(frozen=True)
class ArticleText:
    """One article to extract from.

    Parameters:
      id: the caller's identifier, echoed as ``article_id`` on every event.
      text: the article body.
      published: publication date; relative dates ("Thursday") resolve against it.
    """

    id: str
    text: str
    published: date | None = None


@dataclass(frozen=True)
class Location:
    """Where an event happened: the place name as written and its ISO 3166 alpha-3 country."""

    name: str
    country: str | None = None


@dataclass(frozen=True)
class EventActor:
    """An actor of an event with its role.

    Parameters:
      name: canonical name ("Kim Jong Un", "North Korea", "United Nations Security Council").
      country: ISO 3166 alpha-3, or ``IGO`` for international bodies (the UN, NATO, the EU)
        and their officials, as in PLOVER; ``name`` tells the bodies apart.
      role: agent (acts, speaks, launches, votes, hosts), target (aimed at or about),
        participant (others present).
      kind: person, country, organization, igo or group.
    """

    name: str
    country: str | None
    role: Role
    kind: ActorKind = "country"


@dataclass(frozen=True)
class EventMention:
    """One sentence of the article that reports an event: its text and character offsets."""

    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class ExtractedEvent:
    """One event found in one article.

    ``start``/``end`` are character offsets of the evidence sentence in the article text;
    ``mentions`` are every sentence that reports the same happening (the headline, a caption,
    the lead, a later paraphrase or quote), in article order, the evidence sentence included.
    ``date`` is the first day of the period it names; ``date_precision`` says whether that is
    a day, a month or a year.
    """

    article_id: str
    type: EventType
    sentence: str
    start: int
    end: int
    trigger: str
    subtype: str | None = None
    date: date | None = None
    date_precision: DatePrecision | None = None
    location: Location | None = None
    actors: tuple[EventActor, ...] = ()
    weapons: tuple[str, ...] = ()
    quote: str | None = None
    modality: Modality = "asserted"
    confidence: float = 0.5
    mentions: tuple[EventMention, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def date_text(self) -> str | None:
        """The date cut to its precision: ``2023-07-27``, ``2023-07`` or ``2023``."""
        return date_text(self.date, self.date_precision)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form used by ``eventwire extract --format jsonl``."""
        return {
            "article_id": self.article_id,
            "type": self.type,
            "subtype": self.subtype,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "trigger": self.trigger,
            "date": self.date_text,
            "date_precision": self.date_precision if self.date else None,
            "location": (
                {"name": self.location.name, "country": self.location.country}
                if self.location
                else None
            ),
            "actors": [
                {"name": a.name, "country": a.country, "role": a.role, "kind": a.kind}
                for a in self.actors
            ],
            "weapons": list(self.weapons),
            "quote": self.quote,
            "modality": self.modality,
            "confidence": round(self.confidence, 3),
            "mentions": [
                {"sentence": m.sentence, "start": m.start, "end": m.end} for m in self.mentions
            ],
            "attributes": self.attributes,
        }
