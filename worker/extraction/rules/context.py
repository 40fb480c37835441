"""What the event rules ask about one article: its entities, actors in roles, places, weapons.

One :class:`ArticleContext` per article. It owns the article's :class:`ArticleActors`, whose
coreference state advances as sentences are read, so every rule must resolve actors through
the same context and in reading order.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from worker.extraction import syntax
from worker.extraction.actor_resolution import ArticleActors, ResolvedActor
from worker.extraction.gazetteer import Gazetteer
from worker.extraction.page_structure import Dateline
from worker.extraction.rules.mention import unique_actors
from worker.extraction.types import Location
from worker.extraction.vocabulary import (
    GOVERNMENT_NOUNS,
    MILITARY_WORDS,
    PLACE_NOUNS,
    POSSESSIVE_PRONOUNS,
    SPORTS_PAGE_WORDS,
    STATIVE_PASSIVES,
    WEAPON_NAME_RE,
)


@lru_cache(maxsize=8)
def _prefix_patterns(prefixes: tuple[str, ...]) -> list[re.Pattern[str]]:
    """One compiled pattern per weapon-family prefix, in gazetteer order (compiled once)."""
    return [re.compile(rf"\b({re.escape(p)}[\w-]*)", re.IGNORECASE) for p in prefixes]


#: Sports words a page must use, at least, to read as a sports page.
_SPORTS_PAGE_MIN = 4


class ArticleContext:
    """The parsed article, its gazetteer and its actors, with the lookups the rules share."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer, dateline: Dateline | None = None) -> None:
        self.doc = doc
        self.gazetteer = gazetteer
        self.actors = ArticleActors(doc, gazetteer, page_dateline=dateline)
        self.text = self.actors.text
        self._sports_page: bool | None = None
        # Span.ents walks every entity of the Doc on each call; the rules ask per sentence
        # many times, so index the entities by sentence once.
        self._ents_by_sent: dict[int, list[Span]] = {}
        for sent in doc.sents:
            self._ents_by_sent[sent.start] = []
        sent_starts = sorted(self._ents_by_sent)
        for ent in doc.ents:
            start = sent_starts[bisect_right(sent_starts, ent.start) - 1]
            self._ents_by_sent[start].append(ent)

    @property
    def sports_page(self) -> bool:
        """True when the article reads as a sports page: sports words at least four times and
        more often than military and government words (read once per article)."""
        if self._sports_page is None:
            sports = sum(1 for t in self.doc if t.lower_ in SPORTS_PAGE_WORDS)
            state = sum(
                1 for t in self.doc if t.lower_ in MILITARY_WORDS or t.lower_ in GOVERNMENT_NOUNS
            )
            self._sports_page = sports >= _SPORTS_PAGE_MIN and sports > state
        return self._sports_page

    def text_of(self, span: Span) -> str:
        """``span.text``, sliced from the article's text."""
        return self.text[span.start_char : span.end_char]

    def ents(self, sent: Span) -> list[Span]:
        """The named entities of a sentence (from the index built once per article)."""
        return self._ents_by_sent.get(sent.start, [])

    # -- actors -------------------------------------------------------------------------------

    def resolve_all(self, tokens: list[Token], *, subject: bool = False) -> list[ResolvedActor]:
        """The actors the phrases headed by ``tokens`` name, in order, without repeats."""
        out: list[ResolvedActor] = []
        for token in tokens:
            for actor in self.actors.resolve(token, subject=subject):
                if actor not in out:
                    out.append(actor)
        return out

    def actors_under(
        self, tokens: list[Token], exclude: set[int] | None = None
    ) -> list[ResolvedActor]:
        """Each token's actor, or when it names none, the actors anywhere in its subtree."""
        out: list[ResolvedActor] = []
        for token in tokens:
            resolved = self.actors.resolve(token)
            if resolved:
                out.extend(a for a in resolved if a not in out)
                continue
            for actor in self.actors.actors_in(list(token.subtree), exclude):
                if actor not in out:
                    out.append(actor)
        return out

    def agents(self, verb: Token, *, speech: bool = False) -> tuple[list[ResolvedActor], bool]:
        """Who does ``verb``, and whether they are named (not only a pronoun); ``speech``:
        ``verb`` is a speech act ("issued an alert urging ...": the issuer urges)."""
        if syntax.is_passive(verb):
            by = syntax.passive_agents(verb)
            if by:
                return self.resolve_all(by, subject=True), True
            if syntax.lemma(verb) in STATIVE_PASSIVES:
                # "Israel is opposed to the plan": a stance, held by the subject.
                holders = [c for c in verb.children if c.dep_ == "nsubjpass"]
                return self.resolve_all(holders, subject=True), True
            return [], False
        own = [c for c in verb.children if c.dep_ == "nsubj" and c.pos_ in {"NOUN", "PROPN"}]
        for level in syntax.subject_levels(verb, speech=speech):
            if any(t.dep_ == "nsubjpass" for t in level):
                continue
            agents = self.resolve_all(level, subject=True)
            if agents:
                return agents, all(t.pos_ != "PRON" for t in level)
            # "In Kyiv, the Foreign Ministry condemned ...": the place gives the ministry's state.
            if any(t.lemma_.lower() in GOVERNMENT_NOUNS for t in level):
                for place in syntax.prep_objects(verb, {"in"}):
                    country = self.actors.country_of(place)
                    if country:
                        return [self.country(country)], True
                # "The Department of National Defense said ..." in a story filed from Manila:
                # wire copy names its own country's bodies without the country.
                home = self.actors.dateline_country
                if home and any(self.actors.home_body(t) for t in level):
                    return [self.country(home)], True
            if own and verb.dep_ == "conj" and level == own:
                # "North Korea has slammed the drills, and experts said ...": a coordinated
                # clause with a subject of its own never borrows the other clause's.
                return [], False
        return [], False

    def possessor(self, owner: Token) -> list[ResolvedActor]:
        """Who "its"/"their" or a named possessor is: the nearest actor named before it."""
        if owner.lower_ in POSSESSIVE_PRONOUNS:
            before = self.actors.actors_in(list(owner.sent)[: owner.i - owner.sent.start])
            countries = [a for a in before if a.kind != "person"]
            if countries:
                return [countries[-1]]
        return self.actors.resolve(owner)

    def owners_of(self, tokens: Iterable[Token]) -> list[ResolvedActor]:
        """Who the possessives on ``tokens`` name ("Iran's missiles", "its rocket"), once each."""
        return unique_actors(
            [
                actor
                for token in tokens
                for owner in token.children
                if owner.dep_ == "poss"
                for actor in self.possessor(owner)
            ]
        )

    def country(self, code: str) -> ResolvedActor:
        """The country actor for an ISO code (the code itself when the gazetteer lacks it)."""
        return ResolvedActor(self.gazetteer.country_names.get(code, code), code, "country")

    # -- places -------------------------------------------------------------------------------

    def location(self, tokens: list[Token], sent: Span) -> Location | None:
        """Where the event of ``tokens`` happened: their in/at/from... phrase, else the
        sentence's first place entity after "in"/"at"."""
        for token in tokens:
            for pobj in syntax.prep_objects(token, {"in", "at", "from", "near", "off", "over"}):
                loc = self.place(pobj)
                if loc is not None:
                    return loc
        for ent in self.ents(sent):
            if ent.label_ in {"GPE", "LOC", "FAC"} and any(
                t.head.lower_ in {"in", "at"} for t in ent
            ):
                return self.place(ent.root)
        return None

    def place(self, token: Token) -> Location | None:
        """The place ``token`` names: a gazetteer country or a place entity, else None."""
        found = self.actors.entry_at(token)
        if found is not None and found[1].kind == "country":
            return Location(found[0].text, found[1].country)
        if token.ent_type_ in {"GPE", "LOC", "FAC"}:
            ent = next((e for e in self.ents(token.sent) if e.start <= token.i < e.end), None)
            if ent is not None:
                name = ent.text.removeprefix("the ").strip()
                entry = self.gazetteer.lookup(name)
                country = (
                    entry.country
                    if entry
                    else self.gazetteer.place_country(name) or self._country_within(token)
                )
                return Location(name, country)
        if token.pos_ == "NOUN" and token.lemma_.lower() in PLACE_NOUNS:
            # "arrived in the Laotian capital", "Bahrain's capital": the country's word says
            # where, though the place itself is not named.
            for child in token.children:
                if child.dep_ in {"amod", "compound", "poss"}:
                    country = self.actors.country_of(child)
                    if country is not None:
                        return Location(self.text_of(token.doc[child.i : token.i + 1]), country)
        return None

    def _country_within(self, token: Token) -> str | None:
        """The country a place phrase names around an unknown place: "the Great Hall of the
        People in Beijing", "the Vostochny Cosmodrome in Russia's Far East", "Kazan, Russia"."""
        # The entity may swallow the phrase ("the Great Hall of the People in Beijing" is one
        # FAC): every word of the place's subtree is read, the head's own entry excepted.
        for other in token.subtree:
            country = self.actors.country_of(other)
            if country is not None:
                return country
        return None

    # -- weapons ------------------------------------------------------------------------------

    def weapons(self, text: str) -> list[str]:
        """Weapon names in ``text``: hyphenated designators and known weapon families."""
        names = []
        for match in WEAPON_NAME_RE.finditer(text):
            name = match.group(1)
            known = self.gazetteer.weapon_country(name) is not None or re.search(r"-\d", name)
            if known and self.gazetteer.lookup(name) is None and name not in names:
                names.append(name)
        for pattern in _prefix_patterns(tuple(self.gazetteer.weapon_prefixes)):
            for match in pattern.finditer(text):
                name = match.group(1)
                if name[0].isupper() and name not in names and not any(name in n for n in names):
                    names.append(name)
        return names
