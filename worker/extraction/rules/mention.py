"""A mention: one accepted trigger with its roles, before mentions of a happening are merged."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Span, Token

from worker.extraction import syntax
from worker.extraction.actor_resolution import ResolvedActor
from worker.extraction.dates import ResolvedDate
from worker.extraction.types import Location
from worker.extraction.vocabulary import DATE_CARRYING_VERBS, JUDGING_VERBS, REPORTING_VERBS


@dataclass
class Mention:
    """One accepted trigger, before mentions of the same happening are merged."""

    type: str
    subtype: str | None
    trigger: Token
    sent: Span
    agents: list[ResolvedActor] = field(default_factory=list)
    targets: list[ResolvedActor] = field(default_factory=list)
    participants: list[ResolvedActor] = field(default_factory=list)
    date: ResolvedDate | None = None
    own_date: bool = False
    location: Location | None = None
    weapons: list[str] = field(default_factory=list)
    quote: str | None = None
    modality: str = "asserted"
    agent_named: bool = False
    #: In a headline or a photo caption: it repeats a happening the story tells, so it is
    #: a mention of that event, never the evidence when the body has one.
    echo: bool = False
    #: In a photo caption: a file photo may show another happening than the story's.
    caption: bool = False
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def central(self) -> bool:
        """True when the trigger reports the happening rather than refers to it: a verb in a
        main clause, or an event noun a verb of doing governs ("held talks"); an event noun
        under a verb of saying ("condemned the parade", "said the drill was a warning") only
        refers to it."""
        trigger = self.trigger
        if trigger.pos_ == "VERB":
            return trigger.dep_ in {"ROOT", "conj", "ccomp"}
        return (
            trigger.dep_ in {"nsubj", "nsubjpass", "dobj", "attr"}
            and syntax.lemma(trigger.head) in DATE_CARRYING_VERBS
            and not _inside_speech(trigger.head)
        )

    @property
    def reference(self) -> bool:
        """An event noun that refers back to a happening without a date of its own ("the
        drills marked a return to the Cold War"): a mention of the story's event of its type."""
        if self.trigger.pos_ == "VERB" or self.central:
            return False
        # A date there is the speaker's ("the premier said on Monday the drills ..."), not the
        # happening's, when a verb of saying governs the noun.
        verb = syntax.clause_verb(self.trigger)
        said = syntax.lemma(verb) in REPORTING_VERBS | JUDGING_VERBS or _inside_speech(verb)
        return said or not self.own_date

    @property
    def talked_about(self) -> bool:
        """A reference under a verb of saying or judging, or in a judgement voiced about the
        happening ("condemned the drills", "Li said the drill was a warning")."""
        verb = syntax.clause_verb(self.trigger)
        return self.reference and (
            syntax.lemma(verb) in REPORTING_VERBS | JUDGING_VERBS or _inside_speech(verb)
        )

    @property
    def score(self) -> float:
        """How good this mention is as the evidence of its happening."""
        central = self.central
        return (
            2.5 * self.own_date
            + 1.5 * central
            + bool(self.location)
            + 0.5 * bool(self.agents)
            + 0.3 * len(self.targets)
            + 0.5 * (self.trigger.pos_ == "VERB")
        )


def _inside_speech(verb: Token) -> bool:
    """True when ``verb`` is the copula of a judgement someone voiced ("Li said the drill was
    a warning"): talk about a happening, not its report ("the PLA held drills, it said")."""
    return (
        syntax.lemma(verb) == "be"
        and verb.dep_ == "ccomp"
        and syntax.lemma(verb.head) in REPORTING_VERBS | JUDGING_VERBS
    )


def unique_actors(actors: list[ResolvedActor]) -> list[ResolvedActor]:
    """``actors`` without repeats, first occurrence kept (ResolvedActor equality, not identity)."""
    out: list[ResolvedActor] = []
    for actor in actors:
        if actor not in out:
            out.append(actor)
    return out
