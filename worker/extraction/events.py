"""Turn one parsed article into events: validate triggers, find roles, dates, places, merge.

Triggers come from ``data/triggers.jsonl`` (span_ruler); each type has a validator here that
checks the trigger's syntax (a launch needs something launchable, a statement needs a speaker)
and fills the roles from the dependency tree. Mentions of the same happening are merged.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from spacy.tokens import Doc, Span, Token

from worker.extraction import syntax
from worker.extraction.actors import GOVERNMENT_NOUNS, GROUP_NOUNS, ActorRef, ArticleActors
from worker.extraction.components import TRIGGER_SPANS
from worker.extraction.dates import ResolvedDate, resolve
from worker.extraction.gazetteer import Gazetteer
from worker.extraction.types import Location

LAUNCHABLE = frozenset(
    "missile missiles rocket rockets satellite satellites icbm icbms irbm irbms slbm slbms "
    "projectile projectiles warhead warheads spacecraft probe weapon weapons drone drones "
    "launcher vehicle booster".split()
)
WEAPON_NOUNS = LAUNCHABLE | frozenset("tank tanks artillery howitzers jets bombers".split())
REPORTING_VERBS = frozenset(
    {
        "say",
        "report",
        "tell",
        "announce",
        "add",
        "quote",
        "state",
        "cite",
        "show",
        "acknowledge",
        "admit",
        "confirm",
        "claim",
    }
)
NEUTRAL = "neutral"
#: The stance subtypes a statement may carry (the gold annotation guide's list).
STATEMENT_SUBTYPES = frozenset(
    {"condemn", "accuse", "warn", "praise", "appeal", "deny", "demand", "reject", "threaten"}
    | {NEUTRAL}
)
# Trigger ids that name a manner of speaking rather than a stance: a protest or a complaint
# disapproves of its target, which is what "condemn" means to the dashboards.
SUBTYPE_ALIASES = {"protest": "condemn", "issue": NEUTRAL}
# Verbs that share a trigger pattern with protests but take another stance.
LEMMA_SUBTYPES = {"object": "reject", "apologize": NEUTRAL, "apologise": NEUTRAL, "sue": "accuse"}
SANCTION_WORDS = frozenset(
    "resolution resolutions sanction sanctions council draft measure measures embargo action "
    "veto un u.n. mandate statement proposal".split()
)
MILITARY_WORDS = frozenset(
    "military joint naval navy air army troops forces warships war live-fire combat marines "
    "soldiers amphibious missile defense defence nuclear drills exercises fighter jets "
    "warplanes submarines artillery tanks aircraft carrier".split()
)
CIVIL_EXERCISE = frozenset(
    {
        "fire",
        "evacuation",
        "earthquake",
        "tabletop",
        "democracy",
        "power",
        "restraint",
        "influence",
        "caution",
        "right",
        "rights",
        "option",
    }
)
#: "TEHRAN, Jan 22 (Reuters) —": a dateline names the publication day, not an event's.
DATELINE_RE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z .'-]+,\s*)?[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s*"
    r"\([^)]{1,40}\)\s*[—–-]"
)
QUOTE_RE = re.compile(r"[“\"]([^”\"]{3,})(?:[”\"]|$)")
WEAPON_NAME_RE = re.compile(r"\b([A-Z][A-Za-z]+(?:-[A-Z0-9][A-Za-z0-9]*)+|[A-Z]{2,}-\d+[A-Z]?)\b")
STANCE_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "warn",
        (
            "warn",
            "will never tolerate",
            "countermeasure",
            "retaliat",
            "consequences",
            "threat",
            "will not hesitate",
            "no room",
        ),
    ),
    (
        "condemn",
        (
            "unlawful",
            "illegal",
            "detrimental",
            "condemn",
            "aggression",
            "provocation",
            "reckless",
            "destabiliz",
            "violation",
        ),
    ),
    (
        "praise",
        (
            "firm support",
            "solidarity",
            "friendship",
            "appreciat",
            "welcome",
            "congratulat",
            "praise",
            "common interests",
        ),
    ),
    ("appeal", ("urge", "call on", "must ", "should ", "encourage", "we ask")),
    ("deny", ("deny", "denies", "false", "groundless", "baseless", "no evidence")),
)
#: Verbs whose subject performs the noun they govern ("cast a veto", "held talks").
DOING_VERBS = frozenset(
    {
        "cast",
        "use",
        "exercise",
        "wield",
        "employ",
        "hold",
        "conduct",
        "stage",
        "carry",
        "make",
        "impose",
        "take",
        "issue",
        "have",
        "win",
        "lose",
    }
)
#: Verbs that carry the date of the event noun they govern ("the parade was held Thursday").
DATE_CARRYING_VERBS = DOING_VERBS | frozenset(
    {
        "pay",
        "begin",
        "start",
        "end",
        "open",
        "close",
        "wrap",
        "kick",
        "launch",
        "resume",
        "conclude",
        "attend",
        "host",
        "be",
        "mark",
        "go",
        "come",
        "fail",
        "succeed",
        "follow",
        "take",
        "get",
        "review",
        "view",
        "watch",
        "preside",
        "witness",
        "oversee",
        "observe",
    }
)
#: Nouns for people and bodies that can be accused or blamed without being named.
PEOPLE_NOUNS = frozenset(
    {
        "elite",
        "country",
        "nation",
        "sponsor",
        "power",
        "state",
        "ally",
        "enemy",
        "neighbor",
        "neighbour",
        "west",
        "regime",
        "government",
    }
)
OUTCOMES = {
    "veto": "vetoed",
    "block": "blocked",
    "thwart": "blocked",
    "stall": "blocked",
    "obstruct": "blocked",
    "adopt": "adopted",
    "pass": "adopted",
    "approve": "adopted",
    "endorse": "adopted",
    "renew": "adopted",
    "extend": "adopted",
    "vote": "voted",
    "abstain": "voted",
    "sanction": "imposed",
    "blacklist": "imposed",
}


@dataclass
class Mention:
    """One accepted trigger, before mentions of the same happening are merged."""

    type: str
    subtype: str | None
    trigger: Token
    sent: Span
    agents: list[ActorRef] = field(default_factory=list)
    targets: list[ActorRef] = field(default_factory=list)
    participants: list[ActorRef] = field(default_factory=list)
    date: ResolvedDate | None = None
    own_date: bool = False
    location: Location | None = None
    weapons: list[str] = field(default_factory=list)
    quote: str | None = None
    modality: str = "asserted"
    agent_named: bool = False
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> float:
        """How good this mention is as the evidence of its happening."""
        trigger = self.trigger
        if trigger.pos_ == "VERB":
            central = trigger.dep_ in {"ROOT", "conj", "ccomp"}
        else:
            # An event noun is reported when a verb of doing governs it ("held talks"), and
            # only referred to under a verb of saying ("condemned the parade").
            central = (
                trigger.dep_ in {"nsubj", "nsubjpass", "dobj", "attr"}
                and syntax.lemma(trigger.head) in DATE_CARRYING_VERBS
            )
        return (
            2.5 * self.own_date
            + 1.5 * central
            + bool(self.location)
            + 0.5 * bool(self.agents)
            + 0.3 * len(self.targets)
            + 0.5 * (self.trigger.pos_ == "VERB")
        )


# "stag": the small English lemmatizer's lemma of "staged".
#: Event nouns a statement may be about, and the event type they refer back to.
REFERRED_EVENT_NOUNS = {
    "parade": "parade",
    "launch": "launch",
    "test": "launch",
    "firing": "launch",
    "veto": "sanctions_vote",
    "vote": "sanctions_vote",
    "sanction": "sanctions_vote",
    "measure": "sanctions_vote",
    "decision": "sanctions_vote",
    "resolution": "sanctions_vote",
    "drill": "military_exercise",
    "exercise": "military_exercise",
    "visit": "meeting",
    "summit": "meeting",
    "criticism": "statement",
    "accusation": "statement",
    "allegation": "statement",
    "remark": "statement",
    "comment": "statement",
    "threat": "statement",
}
#: Words saying that weapons were shown (at a parade), not used.
DISPLAY_CUES = frozenset(
    {"display", "showcase", "show", "unveil", "feature", "roll", "parade", "exhibit", "among"}
)
PARADE_ORGANISING_VERBS = frozenset(
    {"stage", "stag", "hold", "organize", "organise", "host", "put", "throw"}
)


#: Objects of "meet" that make it "satisfy", not "hold a meeting".
UNMET_OBJECTS = frozenset(
    "demand need target deadline expectation requirement condition criterion goal standard "
    "obligation challenge threshold cost payment quota".split()
)
#: Passive forms that state the subject's own stance ("is opposed to", "is determined to").
STATIVE_PASSIVES = frozenset({"oppose", "determine", "commit", "resolve"})
#: Verbs of judging: an event noun below one is what is judged, not a new report of it.
JUDGING_VERBS = frozenset(
    {"accuse", "blame", "condemn", "criticize", "criticise", "denounce", "deplore", "praise"}
)


def _judged(noun: Token) -> bool:
    """True when an event noun sits in a clause under a verb of judging, past a gerund or
    clause ("accused Moscow of using its veto"); "condemned the launch" keeps the launch's
    own rule, which already treats it as a reference."""
    current = noun.head
    for _ in range(6):
        if current.dep_ in {"ROOT"} or current.head is current:
            return False
        if current.pos_ == "VERB" and current.dep_ in {"pcomp", "advcl", "ccomp", "xcomp"}:
            return syntax.lemma(current.head) in JUDGING_VERBS or (
                current.head.pos_ == "ADP" and syntax.lemma(current.head.head) in JUDGING_VERBS
            )
        current = current.head
    return False


def _named_subject(verb: Token) -> bool:
    """True when the clause has a proper-noun subject (a name we could not place)."""
    return any(
        c.dep_ == "nsubj" and (c.pos_ == "PROPN" or c.ent_type_ == "PERSON") for c in verb.children
    )


def _unique(actors: list[ActorRef]) -> list[ActorRef]:
    out: list[ActorRef] = []
    for actor in actors:
        if actor not in out:
            out.append(actor)
    return out


def _governor(ent: Span) -> Token:
    """The word a date hangs off, through its preposition ("acknowledged on Tuesday")."""
    head = ent.root.head
    while head.dep_ == "prep" and head.head is not head:
        head = head.head
    return head


class ArticleExtractor:
    """Extracts the events of one parsed article."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer, published: date | None) -> None:
        self.doc = doc
        self.gaz = gazetteer
        self.published = published
        self.actors = ArticleActors(doc, gazetteer)
        self.context_date: ResolvedDate | None = None
        # Span.ents walks every entity of the Doc on each call; the rules ask per sentence
        # many times, so index the entities by sentence once.
        self._ents_by_sent: dict[int, list[Span]] = {}
        for sent in doc.sents:
            self._ents_by_sent[sent.start] = []
        sent_starts = sorted(self._ents_by_sent)
        for ent in doc.ents:
            start = sent_starts[bisect_right(sent_starts, ent.start) - 1]
            self._ents_by_sent[start].append(ent)
        self._dates_by_sent: dict[int, list[tuple[Span, ResolvedDate]]] = {}

    def _ents(self, sent: Span) -> list[Span]:
        """The named entities of a sentence (from the index built once per article)."""
        return self._ents_by_sent.get(sent.start, [])

    # -- dates ------------------------------------------------------------------------------

    def _date_entities(self, sent: Span) -> list[tuple[Span, ResolvedDate]]:
        cached = self._dates_by_sent.get(sent.start)
        if cached is None:
            cached = self._dates_by_sent[sent.start] = self._find_date_entities(sent)
        return cached

    def _find_date_entities(self, sent: Span) -> list[tuple[Span, ResolvedDate]]:
        found = []
        dateline = DATELINE_RE.match(sent.text)
        dateline_end = sent.start_char + dateline.end() if dateline else -1
        for ent in self._ents(sent):
            if ent.end_char <= dateline_end:
                continue
            if ent.label_ not in {"DATE", "TIME"}:
                continue
            # A dateline ("July 28 (UPI) —") is the publication date, not an event's.
            after = self.doc[ent.end] if ent.end < len(self.doc) else None
            if ent.start == sent.start and after is not None and after.text in {"(", "—", "-"}:
                continue
            resolved = resolve(ent.text, self.published)
            if resolved is not None:
                found.append((ent, resolved))
        return found

    def _date_for(
        self, trigger: Token, verb: Token, sent: Span, future: bool
    ) -> tuple[ResolvedDate | None, bool]:
        dated = self._date_entities(sent)
        if trigger.pos_ != "VERB" and syntax.lemma(verb) not in DATE_CARRYING_VERBS:
            # "urged Xi on Monday to use his visit": the date is the urging's, not the visit's.
            own = {t.i for t in trigger.subtree}
            dated = [(ent, r) for ent, r in dated if ent.root.i in own]
            if not dated:
                return self.context_date, False
        attached = []
        loose = []
        for ent, resolved in dated:
            if future:
                resolved = resolve(ent.text, self.published, future=True) or resolved
            ancestors = set(a.i for a in ent.root.ancestors)
            if (
                trigger.i in ancestors
                or verb.i in ancestors
                or ent.root.head.i in {trigger.i, verb.i}
            ):
                attached.append(resolved)
                continue
            head = _governor(ent)
            if head.lemma_ in REPORTING_VERBS and head.i != verb.i:
                continue
            loose.append((abs(ent.start - trigger.i), resolved))
        if attached:
            return attached[0], True
        if loose:
            return min(loose, key=lambda x: x[0])[1], True
        return self.context_date, False

    def _update_context_date(self, sent: Span) -> None:
        for ent, resolved in self._date_entities(sent):
            head = _governor(ent)
            if head.lemma_ in REPORTING_VERBS:
                continue
            if resolved.precision == "day" or self.context_date is None:
                self.context_date = resolved

    # -- places -----------------------------------------------------------------------------

    def _location(self, tokens: list[Token], sent: Span) -> Location | None:
        for token in tokens:
            for pobj in syntax.prep_objects(token, {"in", "at", "from", "near", "off", "over"}):
                loc = self._place(pobj)
                if loc is not None:
                    return loc
        for ent in self._ents(sent):
            if ent.label_ in {"GPE", "LOC", "FAC"} and any(
                t.head.lower_ in {"in", "at"} for t in ent
            ):
                return self._place(ent.root)
        return None

    def _place(self, token: Token) -> Location | None:
        found = self.actors.entry_at(token)
        if found is not None and found[1].kind == "country":
            return Location(found[0].text, found[1].country)
        if token.ent_type_ in {"GPE", "LOC", "FAC"}:
            ent = next((e for e in self._ents(token.sent) if e.start <= token.i < e.end), None)
            if ent is not None:
                name = ent.text.removeprefix("the ").strip()
                entry = self.gaz.lookup(name)
                return Location(name, entry.country if entry else None)
        return None

    # -- actors -------------------------------------------------------------------------------

    def _resolve_all(self, tokens: list[Token], *, subject: bool = False) -> list[ActorRef]:
        out: list[ActorRef] = []
        for token in tokens:
            for actor in self.actors.resolve(token, subject=subject):
                if actor not in out:
                    out.append(actor)
        return out

    def _actors_under(self, tokens: list[Token], exclude: set[int] | None = None) -> list[ActorRef]:
        out: list[ActorRef] = []
        for token in tokens:
            resolved = self.actors.resolve(token)
            if resolved:
                out.extend(a for a in resolved if a not in out)
                continue
            for actor in self.actors.actors_in(list(token.subtree), exclude):
                if actor not in out:
                    out.append(actor)
        return out

    def _agents(self, verb: Token) -> tuple[list[ActorRef], bool]:
        if syntax.is_passive(verb):
            by = syntax.passive_agents(verb)
            if by:
                return self._resolve_all(by, subject=True), True
            if syntax.lemma(verb) in STATIVE_PASSIVES:
                # "Israel is opposed to the plan": a stance, held by the subject.
                holders = [c for c in verb.children if c.dep_ == "nsubjpass"]
                return self._resolve_all(holders, subject=True), True
            return [], False
        for level in syntax.subject_levels(verb):
            if any(t.dep_ == "nsubjpass" for t in level):
                continue
            agents = self._resolve_all(level, subject=True)
            if agents:
                return agents, all(t.pos_ != "PRON" for t in level)
            # "In Kyiv, the Foreign Ministry condemned ...": the place gives the ministry's state.
            if any(t.lemma_.lower() in GOVERNMENT_NOUNS for t in level):
                for place in syntax.prep_objects(verb, {"in"}):
                    country = self.actors.country_of(place)
                    if country:
                        name = self.gaz.country_names.get(country, country)
                        return [ActorRef(name, country, "country")], True
        return [], False

    def _possessor(self, owner: Token) -> list[ActorRef]:
        """Who "its"/"their" or a named possessor is: the nearest actor named before it."""
        if owner.lower_ in {"its", "their"}:
            before = self.actors.actors_in(list(owner.sent)[: owner.i - owner.sent.start])
            countries = [a for a in before if a.kind != "person"]
            if countries:
                return [countries[-1]]
        return self.actors.resolve(owner)

    # -- weapons ------------------------------------------------------------------------------

    def _weapons(self, text: str) -> list[str]:
        names = []
        for match in WEAPON_NAME_RE.finditer(text):
            name = match.group(1)
            known = self.gaz.weapon_country(name) is not None or re.search(r"-\d", name)
            if known and self.gaz.lookup(name) is None and name not in names:
                names.append(name)
        for prefix in self.gaz.weapon_prefixes:
            for match in re.finditer(rf"\b({re.escape(prefix)}[\w-]*)", text, re.IGNORECASE):
                name = match.group(1)
                if name[0].isupper() and name not in names and not any(name in n for n in names):
                    names.append(name)
        return names

    # -- type validators ---------------------------------------------------------------------

    def _launch(self, trigger: Token, label_id: str, sent: Span) -> Mention | None:
        verb = syntax.clause_verb(trigger)
        if trigger.pos_ == "VERB":
            objects = syntax.direct_objects(trigger) or [
                c for c in trigger.children if c.dep_ == "nsubjpass"
            ]
            if trigger.lemma_ == "fire":
                objects += syntax.prep_objects(trigger, {"off"})
        else:
            objects = [c for c in trigger.children if c.dep_ in {"compound", "amod", "nmod"}]
            objects += syntax.prep_objects(trigger, {"of"})
            if trigger.dep_ == "compound" and trigger.head.lower_ in LAUNCHABLE:
                objects.append(trigger.head)
        launched = [t for o in objects for t in o.subtree]
        if not launched:
            return None
        text = " ".join(t.text for t in launched)
        weapons = self._weapons(text)
        if not weapons and not any(t.lower_ in LAUNCHABLE for t in launched):
            return None
        if label_id == "test" and not (
            weapons or any(t.lower_ in LAUNCHABLE - {"vehicle"} for t in launched)
        ):
            return None
        mention = Mention("launch", None, trigger, sent, weapons=weapons)
        if trigger.pos_ == "VERB":
            mention.agents, mention.agent_named = self._agents(trigger)
        else:
            owners = [c for c in trigger.children if c.dep_ == "poss"]
            owners += [c for o in objects for c in o.children if c.dep_ == "poss"]
            mention.agents = _unique([a for o in owners for a in self._possessor(o)])
            mention.agent_named = bool(mention.agents) and all(o.pos_ != "PRON" for o in owners)
            if (
                not mention.agents
                and verb is not trigger
                and verb.lemma_ in {"conduct", "carry", "stage", "make", "hold", "perform"}
            ):
                mention.agents, mention.agent_named = self._agents(verb)
        if not mention.agents:
            for weapon in weapons:
                info = self.gaz.weapon_country(weapon)
                if info and info[0]:
                    country = info[0]
                    mention.agents = [
                        ActorRef(self.gaz.country_names.get(country, country), country, "country")
                    ]
                    break
        lowered = sent.text.lower()
        for word, outcome in (
            ("fail", "failed"),
            ("explod", "failed"),
            ("crash", "failed"),
            ("success", "succeeded"),
            ("into orbit", "succeeded"),
        ):
            if word in lowered:
                mention.attributes["outcome"] = outcome
                break
        counts = [c for o in objects for c in o.children if c.dep_ == "nummod"]
        if counts:
            mention.attributes["count"] = counts[0].text
        mention.location = self._location([trigger, verb], sent)
        return mention

    def _parade(self, trigger: Token, sent: Span) -> Mention | None:
        if trigger.pos_ == "VERB" and not any(
            t.lower_ in MILITARY_WORDS | WEAPON_NOUNS for t in trigger.subtree
        ):
            return None
        mods = {c.lower_ for c in trigger.children}
        if mods & {"pride", "gay", "fashion", "carnival", "christmas", "thanksgiving"}:
            return None
        verb = syntax.clause_verb(trigger)
        mention = Mention("parade", None, trigger, sent)
        people: list[ActorRef] = []
        if verb is not trigger:
            people = self._resolve_all(syntax.subjects(verb), subject=True)
            people += self._resolve_all(syntax.prep_objects(verb, {"with", "alongside", "by"}))
            joined = [c for c in verb.children if c.dep_ == "agent"]
            people += self._resolve_all([p for j in joined for p in j.children])
        mention.participants = _unique([p for p in people if p.kind == "person"])
        if verb is not trigger and verb.lemma_ in PARADE_ORGANISING_VERBS:
            # "Beijing staged a parade": the state that stages it is its agent.
            mention.agents = _unique(
                [
                    a
                    for a in self._resolve_all(syntax.subjects(verb), subject=True)
                    if a.kind != "person"
                ]
            )
        # "In Kyiv, the ministry condemned the parade": a verb that only talks about the parade
        # says where the talking was.
        place_tokens = [trigger, verb] if syntax.lemma(verb) in DATE_CARRYING_VERBS else [trigger]
        mention.location = self._location(place_tokens, sent)
        if mention.location and not mention.location.country and mention.agents:
            # A parade is held at home: an unknown square or avenue is in the organiser's state.
            mention.location = Location(mention.location.name, mention.agents[0].country)
        for child in verb.children:
            if child.dep_ in {"advcl", "xcomp", "acl"} and child.lemma_ in {
                "mark",
                "commemorate",
                "celebrate",
                "honor",
                "honour",
            }:
                objs = syntax.direct_objects(child)
                if objs:
                    mention.attributes["occasion"] = " ".join(t.text for t in objs[0].subtree)
        mention.weapons = self._weapons(sent.text)
        return mention

    def _meeting(self, trigger: Token, label_id: str, sent: Span) -> Mention | None:
        verb = syntax.clause_verb(trigger)
        lemma = trigger.lemma_.lower()
        if trigger.pos_ == "VERB":
            agents, named = self._agents(trigger)
            objects = syntax.direct_objects(trigger)
            targets = self._resolve_all(objects)
            if (
                lemma in {"receive", "welcome", "greet", "host"}
                and not any(a.kind in {"person", "country"} for a in targets)
                and not any(
                    o.lower_ in {"delegation", "summit", "talks", "visit", "guests"}
                    for o in objects
                )
            ):
                return None
            if lemma in {"talk"} and not syntax.prep_objects(trigger, {"with", "to"}):
                return None
            if lemma == "meet" and any(syntax.lemma(o) in UNMET_OBJECTS for o in objects):
                return None  # "meet the demands / the deadline" is no meeting
            # "visited/arrived in Amman" names the host; "met in Seoul" only the venue.
            preps = {"with", "to", "in", "between"} if label_id == "visit" else {"with", "between"}
            targets += self._resolve_all(syntax.prep_objects(trigger, preps))
        else:
            if lemma == "talk" and trigger.tag_ != "NNS":
                return None
            if trigger.dep_ == "pobj" and trigger.head.lower_ in {
                "over",
                "about",
                "against",
                "without",
            }:
                return None  # "protested over the visit": the visit is a topic, told elsewhere
            if lemma == "meeting" and not any(
                t.lower_ in {"with", "between", "held", "hold", "had"} for t in sent
            ):
                pass
            agents, named = self._agents(verb) if verb is not trigger else ([], False)
            owners = [c for c in trigger.children if c.dep_ in {"poss", "compound", "amod"}]
            agents += [a for a in self._resolve_all(owners) if a not in agents]
            by = syntax.prep_objects(trigger, {"by"})
            agents += [a for a in self._resolve_all(by) if a not in agents]
            targets = self._actors_under(
                syntax.prep_objects(trigger, {"with", "to", "between", "in"})
            )
            if verb is not trigger:
                targets += [
                    a
                    for a in self._resolve_all(syntax.prep_objects(verb, {"with"}))
                    if a not in targets
                ]
        if not agents and not targets:
            return None
        mention = Mention("meeting", label_id, trigger, sent, agent_named=named)
        mention.agents = _unique(agents)
        mention.targets = [t for t in _unique(targets) if t not in mention.agents]
        if not mention.agents and mention.targets and not _named_subject(verb):
            # "Talks with Biden were held": the only actor named is the side that met.
            # With a subject we cannot place ("Kishida held talks with Biden") the named
            # partner stays a target rather than becoming the wrong agent.
            mention.agents, mention.targets = mention.targets, []
        mention.location = self._location([trigger, verb], sent)
        if (
            mention.location
            and not mention.targets
            and mention.location.country
            and all(a.country != mention.location.country for a in mention.agents)
            and label_id == "visit"
        ):
            country = mention.location.country
            mention.targets = [
                ActorRef(self.gaz.country_names.get(country, country), country, "country")
            ]
        return mention

    def _sanctions(self, trigger: Token, label_id: str, sent: Span) -> Mention | None:
        lemma = trigger.lemma_.lower()
        words = {t.lower_ for t in sent} | {t.lemma_.lower() for t in sent}
        if label_id != "imposed" and lemma != "veto" and not words & SANCTION_WORDS:
            return None
        verb = syntax.clause_verb(trigger)
        if label_id in {"adopted"}:
            objs = [t for o in syntax.direct_objects(trigger) for t in o.subtree]
            if not {t.lemma_.lower() for t in objs} & {
                "resolution",
                "sanction",
                "measure",
                "draft",
                "mandate",
                "embargo",
            }:
                return None
        if label_id == "blocked":
            objs = [t for o in syntax.direct_objects(trigger) for t in o.subtree]
            if not objs:
                return None
        outcome = OUTCOMES.get(lemma, "imposed" if label_id == "imposed" else label_id)
        mention = Mention("sanctions_vote", outcome, trigger, sent)
        mention.attributes["outcome"] = outcome
        carrier = trigger if trigger.pos_ == "VERB" else verb
        if trigger.pos_ == "VERB":
            mention.agents, mention.agent_named = self._agents(carrier)
        else:
            owners = [c for c in trigger.children if c.dep_ == "poss"]
            mention.agents = _unique([a for o in owners for a in self._possessor(o)])
            if not mention.agents and carrier.lemma_ in DOING_VERBS:
                mention.agents, mention.agent_named = self._agents(carrier)
        if not mention.agents:
            # A vote or a block nobody is said to have cast is background, not an event.
            return None
        scope = list(carrier.subtree) if carrier is not trigger else list(trigger.subtree)
        against = []
        for token in scope:
            if token.dep_ == "pobj" and token.head.lower_ in {
                "against",
                "on",
                "over",
                "targeting",
                "upon",
            }:
                against.append(token)
        if label_id == "imposed" and trigger.lemma_ in {"sanction", "blacklist"}:
            against += syntax.direct_objects(trigger)
        mention.targets = [a for a in self._actors_under(against) if a not in mention.agents]
        target_ids = {t.i for a in against for t in a.subtree}
        agent_ids = {t.i for s in syntax.subjects(carrier) for t in s.subtree}
        others = self.actors.actors_in(
            [t for t in scope if t.i not in target_ids and t.i not in agent_ids]
        )
        mention.participants = [
            a for a in others if a not in mention.agents and a not in mention.targets
        ]
        return mention

    def _exercise(self, trigger: Token, sent: Span) -> Mention | None:
        if trigger.pos_ != "NOUN":
            return None
        mods = {c.lower_ for c in trigger.children} | {trigger.head.lower_}
        if mods & CIVIL_EXERCISE:
            return None
        words = {t.lower_ for t in sent}
        if not (
            words & MILITARY_WORDS or trigger.lemma_ in {"wargame"} or trigger.lower_ == "games"
        ):
            return None
        verb = syntax.clause_verb(trigger)
        agents: list[ActorRef] = []
        named = False
        if verb is not trigger:
            subj = syntax.subjects(verb)
            agents, named = self._agents(verb)
            for s in subj:
                agents += [a for a in self.actors.actors_in(list(s.subtree)) if a not in agents]
        agents += [
            a
            for a in self.actors.actors_in(
                [
                    t
                    for c in trigger.children
                    if c.dep_ in {"compound", "amod", "nmod", "poss"}
                    for t in c.subtree
                ]
            )
            if a not in agents
        ]
        partners = syntax.prep_objects(trigger, {"with", "between", "involving"})
        if verb is not trigger:
            partners += syntax.prep_objects(verb, {"with"})
        participants = [a for a in self._actors_under(partners) if a not in agents]
        if not agents and not participants:
            return None
        mention = Mention("military_exercise", None, trigger, sent, agent_named=named)
        mention.agents = agents or participants
        mention.participants = participants if agents else []
        mention.location = self._location([trigger, verb], sent)
        return mention

    def _statement(self, trigger: Token, label_id: str, sent: Span) -> Mention | None:
        if trigger.pos_ not in {"VERB", "ADJ"} or trigger.dep_ in {"amod", "compound"}:
            return None
        agents, named = self._agents(trigger)
        if not agents:
            return None
        quote = self._quote(sent)
        objects = syntax.direct_objects(trigger)
        complements = syntax.clausal_complements(trigger)
        if label_id == NEUTRAL and not (quote or complements or objects):
            return None
        if label_id == NEUTRAL and trigger.lemma_ in {"call", "describe"} and not objects:
            return None
        if trigger.lemma_ in {
            "support",
            "back",
            "endorse",
            "defend",
            "press",
            "push",
            "seek",
            "ask",
        } and not (objects or complements):
            return None
        if label_id == NEUTRAL and trigger.dep_ in {"relcl", "acl", "pcomp", "advcl"} and not quote:
            return None  # "vessels it said were involved": an aside, not a statement
        passive = syntax.is_passive(trigger)
        target_heads: list[Token] = []
        if passive:
            target_heads = [c for c in trigger.children if c.dep_ == "nsubjpass"]
        target_heads += objects
        targets = self._resolve_all(target_heads)
        if not targets and trigger.lemma_ not in {"accuse", "blame"}:
            targets = self._actors_under(objects)
        preps = {"on", "upon", "to", "against", "with", "at"}
        if not targets:
            # "condemned X for Y": the reason is no target when X is one already.
            preps |= {"about", "for", "from", "over"}
        targets += [
            a for a in self._actors_under(syntax.prep_objects(trigger, preps)) if a not in targets
        ]
        if not targets:
            for comp in complements:
                inner = [
                    c
                    for c in comp.children
                    if c.dep_ in {"nsubj", "nsubjpass"} and c.pos_ != "PRON"
                ]
                inner += syntax.direct_objects(comp)
                inner += syntax.prep_objects(comp, {"with", "to", "on", "against", "from"})
                for head in inner:
                    # The first actor a clause names is what it is about; the rest is detail.
                    found = self._actors_under([head])[:1]
                    targets += [a for a in found if a not in targets]
        targets = [t for t in targets if t not in agents]
        if (
            trigger.lemma_ in {"accuse", "blame"}
            and not targets
            and not any(
                o.pos_ == "PROPN"
                or o.ent_type_ in {"NORP", "GPE", "ORG", "PERSON"}
                or o.lemma_.lower() in PEOPLE_NOUNS | GOVERNMENT_NOUNS | GROUP_NOUNS
                or o.lower_ in GROUP_NOUNS
                for o in target_heads
            )
        ):
            return None  # blaming "a suspected fault" is no statement about an actor
        agent_countries = {a.country for a in agents}
        if any(t.country not in agent_countries for t in targets):
            targets = [t for t in targets if t.country not in agent_countries]
        subtype = label_id
        if label_id in {NEUTRAL, "issue"}:
            subtype = self._stance(quote or sent.text) or NEUTRAL
        if trigger.lemma_ in {"threaten", "vow", "swear"}:
            subtype = "threaten"
        if subtype == NEUTRAL and any(
            syntax.has_negation(comp)
            and any(c.dep_ == "nsubj" and c.pos_ == "PRON" for c in comp.children)
            for comp in complements
        ):
            subtype = "reject"  # "said it would not meet the demands": refusing for itself
        subtype = LEMMA_SUBTYPES.get(trigger.lemma_, SUBTYPE_ALIASES.get(subtype, subtype))
        if subtype not in STATEMENT_SUBTYPES:
            subtype = NEUTRAL
        mention = Mention(
            "statement",
            subtype,
            trigger,
            sent,
            agents=agents,
            targets=targets,
            quote=quote,
            agent_named=named,
        )
        return mention

    def _quote(self, sent: Span) -> str | None:
        quotes = [m.group(1).strip(" ,.") for m in QUOTE_RE.finditer(sent.text)]
        quotes = [q for q in quotes if len(q.split()) >= 3]
        return max(quotes, key=len) if quotes else None

    @staticmethod
    def _stance(text: str) -> str | None:
        lowered = text.lower()
        for stance, cues in STANCE_CUES:
            if any(cue in lowered for cue in cues):
                return stance
        return None

    # -- the article ------------------------------------------------------------------------

    def mentions(self) -> list[Mention]:
        """Every accepted trigger mention of the article, in order."""
        triggers: dict[int, list[Span]] = {}
        for span in self.doc.spans.get(TRIGGER_SPANS, []):
            triggers.setdefault(span.start, []).append(span)
        for spans in triggers.values():
            # "announced ... measures" is a sanctions trigger before it is a speech verb.
            spans.sort(key=len, reverse=True)
        out: list[Mention] = []
        display_sents: list[Span] = []
        for sent in self.doc.sents:
            self.actors.note_titles(sent)
            for ent in self._ents(sent):
                if ent.label_ == "PERSON":
                    self.actors.resolve(ent.root)
            for root in (t for t in sent if t.dep_ == "ROOT"):
                self._resolve_all(syntax.subjects(root), subject=True)
            found: list[Mention] = []
            for start in range(sent.start, sent.end):
                for span in triggers.get(start, []):
                    mention = self._validate(span, sent)
                    if mention is not None:
                        found.append(mention)
                        break
            for mention in found:
                stop = mention.trigger if mention.type == "statement" else None
                mention.modality = syntax.modality(mention.trigger, stop_at=stop)
            found = self._drop_attributions(found)
            for mention in found:
                verb = syntax.clause_verb(mention.trigger)
                mention.date, mention.own_date = self._date_for(
                    mention.trigger, verb, sent, future=mention.modality == "planned"
                )
            out.extend(found)
            self._update_context_date(sent)
            if not found:
                display_sents.append(sent)
        self._add_displayed_weapons(out, display_sents)
        self._target_referred_events(out)
        self._agents_of_agentless_launches(out)
        return out

    @staticmethod
    def _agents_of_agentless_launches(mentions: list[Mention]) -> None:
        """ "The rocket was fired at 10:44 p.m.": a passive launch with no ``by`` phrase is the
        launch of the article's one launching state, when there is exactly one."""
        launchers = {
            tuple(sorted(str(a.country) for a in m.agents))
            for m in mentions
            if m.type == "launch" and m.agents
        }
        if len(launchers) != 1:
            return
        source = next(m for m in mentions if m.type == "launch" and m.agents)
        for mention in mentions:
            if mention.type == "launch" and not mention.agents:
                mention.agents = list(source.agents)

    @staticmethod
    def _target_referred_events(mentions: list[Mention]) -> None:
        """ "Kyiv condemned the parade": a statement about an event targets who did it.

        A statement with no actor as target whose object is an event noun ("the launch",
        "the sanctions", "the criticism", "the decision") is aimed at the agents of the latest
        earlier event of that kind in the article.
        """
        for index, mention in enumerate(mentions):
            if mention.type != "statement" or mention.targets:
                continue
            objects = syntax.direct_objects(mention.trigger) or syntax.prep_objects(
                mention.trigger, {"on", "against", "over", "about"}
            )
            kinds = {REFERRED_EVENT_NOUNS.get(syntax.lemma(o)) for o in objects} - {None}
            if not kinds:
                continue
            own = {a.country for a in mention.agents}
            for earlier in reversed(mentions[:index]):
                if earlier.type in kinds and earlier.modality == "asserted" and earlier.agents:
                    mention.targets = [a for a in earlier.agents if a.country not in own]
                    if mention.targets:
                        break

    def _add_displayed_weapons(self, mentions: list[Mention], sents: list[Span]) -> None:
        """Give a parade the weapons that sentences without an event of their own show on it.

        Reports name a parade in one sentence and list what rolled past in the next ones
        ("Among the weapons on display were ..."): a weapon named next to a display cue in a
        sentence that reports nothing else was on show at the parade.
        """
        parades = [m for m in mentions if m.type == "parade" and m.modality == "asserted"]
        if not parades:
            return
        for sent in sents:
            if not any(syntax.lemma(t) in DISPLAY_CUES for t in sent):
                continue
            for parade in parades:
                parade.weapons += [w for w in self._weapons(sent.text) if w not in parade.weapons]

    def _validate(self, span: Span, sent: Span) -> Mention | None:
        trigger = span.root if len(span) > 1 else span[0]
        if len(span) > 1 and span[0].pos_ == "VERB":
            trigger = span[0]
        label, label_id = span.label_, span.id_
        if label != "statement" and trigger.pos_ == "NOUN" and _judged(trigger):
            return None  # "accused Moscow of using its veto": the veto is told elsewhere
        if label == "launch":
            return self._launch(trigger, label_id, sent)
        if label == "parade":
            return self._parade(trigger, sent)
        if label == "meeting":
            mention = self._meeting(trigger, label_id, sent)
            if mention is None and trigger.lemma_ == "welcome":
                return self._statement(trigger, "praise", sent)
            return mention
        if label == "sanctions_vote":
            return self._sanctions(trigger, label_id, sent)
        if label == "military_exercise":
            return self._exercise(trigger, sent)
        if label == "statement":
            return self._statement(trigger, label_id, sent)
        return None

    @staticmethod
    def _drop_attributions(found: list[Mention]) -> list[Mention]:
        """Fold a sentence's statement triggers that share a speaker into one statement.

        "X said Y happened" reports Y: a neutral speech verb whose clause holds another event
        is an attribution, not a statement of its own.
        """
        kept: list[Mention] = []
        for mention in found:
            if (
                mention.type == "statement"
                and not mention.quote
                and mention.subtype in {NEUTRAL, *dict(STANCE_CUES)}
                and mention.trigger.lemma_ in REPORTING_VERBS | {"add", "note", "state"}
            ):
                inner = {t.i for t in mention.trigger.subtree}
                reported = [
                    o
                    for o in found
                    if o is not mention
                    and o.trigger.i in inner
                    and o.type != "statement"
                    and o.modality in {"asserted", "negated"}
                ]
                speaker = {a.country for a in mention.agents}
                if any(
                    o.modality == "negated"
                    and speaker & {a.country for a in o.agents}
                    and any(
                        t.pos_ == "PRON" for t in syntax.subjects(syntax.clause_verb(o.trigger))
                    )
                    for o in reported
                ):
                    # "The U.S. said it would not meet the demands": refusing for oneself is
                    # a rejection, not the report of a fact.
                    mention.subtype = "reject"
                elif reported:
                    continue
            same = next(
                (
                    k
                    for k in kept
                    if k.type == "statement" == mention.type
                    and k.agents == mention.agents
                    # Two stances in one sentence are two utterances (the gold convention);
                    # a plain "said" beside a stance is the same one.
                    and NEUTRAL in (k.subtype, mention.subtype)
                ),
                None,
            )
            if same is not None:
                coordinated = mention.trigger in same.trigger.conjuncts or (
                    mention.trigger.dep_ == "advcl" and mention.trigger.head is same.trigger
                )
                if coordinated:
                    same.targets = _unique(same.targets + mention.targets)
                if same.subtype == NEUTRAL and mention.subtype != NEUTRAL:
                    same.subtype = mention.subtype
                same.quote = same.quote or mention.quote
                continue
            twin = next((k for k in kept if k.type == mention.type != "statement"), None)
            if twin is not None:
                if mention.score > twin.score:
                    twin.trigger, twin.subtype = mention.trigger, mention.subtype
                twin.agents = _unique(twin.agents + mention.agents)
                twin.targets = _unique(twin.targets + mention.targets)
                twin.participants = _unique(twin.participants + mention.participants)
                twin.weapons = list(dict.fromkeys(twin.weapons + mention.weapons))
                continue
            kept.append(mention)
        return ArticleExtractor._fold_embedded(kept)

    @staticmethod
    def _fold_embedded(kept: list[Mention]) -> list[Mention]:
        """A statement verb inside what a speaker said is content, not a second statement.

        "Patel called on Beijing to encourage Pyongyang ..." is one appeal; "Kang spoke,
        calling the event ..." is one speech. The embedded verb has no subject of its own; its
        targets serve the outer statement when that has none.
        """
        statements = [m for m in kept if m.type == "statement"]
        dropped: set[int] = set()
        for inner in statements:
            has_subject = any(c.dep_ in {"nsubj", "nsubjpass"} for c in inner.trigger.children)
            if has_subject or inner.trigger.dep_ == "conj":
                continue
            outer = next(
                (
                    o
                    for o in statements
                    if o is not inner
                    and id(o) not in dropped
                    and inner.trigger in o.trigger.subtree
                    and o.agents == inner.agents
                ),
                None,
            )
            if outer is None:
                continue
            if not outer.targets:
                outer.targets = inner.targets
            if outer.subtype == NEUTRAL:
                outer.subtype = inner.subtype
            outer.quote = outer.quote or inner.quote
            dropped.add(id(inner))
        return [m for m in kept if id(m) not in dropped]
