"""Plain records at the repository boundary: what the worker hands in, what add_articles returns.

models must not import the extractor, so the worker converts its events into these records
(``worker/records.py``); nothing here knows about spaCy or Dramatiq.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class NewArticle:
    """An article to store; stored once per distinct text.

    Parameters:
      text: the body. Its whitespace-normalised sha256 is the dedup key.
      published: publication date, when known.
      url: where the article came from.
      title: headline.
      source: outlet or feed name.
      external_id: the id the source gave it.
      language: language code, when known.
    """

    text: str
    published: date | None = None
    url: str | None = None
    title: str | None = None
    source: str | None = None
    external_id: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class ActorRecord:
    """An actor of an event, identified by kind, country and name.

    Parameters:
      name: display name ("Russia", "Kim Jong Un").
      country: ISO 3166 alpha-3 code, or None (NATO, the UN).
      kind: country, person, organisation, igo or group.
      role: the actor's part in the event: agent, target or participant.
    """

    name: str
    country: str | None
    kind: str
    role: str


@dataclass(frozen=True)
class MentionRecord:
    """One sentence of the article that reports an event.

    Parameters:
      sentence: the sentence as written.
      start_char: its offset in the article text.
      end_char: its end offset (exclusive).
    """

    sentence: str
    start_char: int
    end_char: int


@dataclass(frozen=True, kw_only=True)
class EventRecord:
    """One event to store for an article (keyword-only: it has many fields of one type).

    Parameters:
      type: event type (parade, launch, statement, ...).
      subtype: finer type, when the extractor has one.
      sentence: the evidence sentence.
      start_char: offset of the sentence in the article text.
      end_char: end offset (exclusive) of the sentence.
      trigger: the words that triggered the event.
      event_date: first day of the period the event is dated to, when dated.
      date_precision: day, month or year.
      location_name: where it happened, when known.
      location_country: ISO alpha-3 code of the location.
      weapons: weapon systems named in the sentence.
      quote: a quotation attributed in the sentence.
      modality: asserted, negated, hypothetical, planned or capability.
      confidence: 0..1.
      attributes: anything else, stored as JSON.
      actors: the actors with their roles.
      mentions: every sentence reporting the event, in article order, the evidence sentence
        included; none given stores the evidence sentence as the one mention.
    """

    type: str
    sentence: str
    start_char: int
    end_char: int
    trigger: str
    subtype: str | None = None
    event_date: date | None = None
    date_precision: str | None = None
    location_name: str | None = None
    location_country: str | None = None
    weapons: tuple[str, ...] = ()
    quote: str | None = None
    modality: str = "asserted"
    confidence: float = 0.5
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    actors: tuple[ActorRecord, ...] = ()
    mentions: tuple[MentionRecord, ...] = ()


@dataclass(frozen=True)
class AddResult:
    """What happened to one article given to ``add_articles``.

    Parameters:
      article_id: id of the stored row (the existing one for a duplicate).
      created: True when this call stored it, False when the text was already there.
      content_hash: the dedup key.
    """

    article_id: int
    created: bool
    content_hash: str


@dataclass(frozen=True)
class EventTypeRecord:
    """One entry of the event type catalogue, as ``models.catalogue.sync_event_types`` takes it.

    Parameters:
      name: the type's name as events carry it ("launch", "nuclear_test").
      label: its display name ("Launch").
      colour: ``#RRGGBB`` for charts.
      subtypes: the subtype names the type may give.
      builtin: True for the types shipped with eventwire, False for user plugins.
    """

    name: str
    label: str
    colour: str
    subtypes: tuple[str, ...] = ()
    builtin: bool = False


@dataclass
class LinkWork:
    """What a batch's ``replace_events`` leaves for the incident linker to do.

    Parameters:
      new_events: ids of the events inserted.
      old_incidents: incidents of the events deleted (their other events may link apart now,
        and an incident left without events must go).
      new_facts: what the scope rollup counts of each new event
        (``models.scope_rollup.EventFacts`` by id, its day too), as ``replace_events`` built
        them from the rows it wrote: the linker needs them and need not read them back.
    """

    new_events: list[int] = field(default_factory=list)
    old_incidents: set[int] = field(default_factory=set)
    new_facts: dict[int, Any] = field(default_factory=dict)
