"""Parades: military ones only; host-country leaders, foreign guests, occasion, weapons.

Hooks: :func:`read_sentence` keeps the sentences that report no event, and
:func:`finish_article` gives the parade the weapons they show.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span, Token

from worker.extraction import syntax
from worker.extraction.actor_resolution import ResolvedActor
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention, unique_actors
from worker.extraction.type_folder import read_lexicon
from worker.extraction.types import Location
from worker.extraction.vocabulary import DATE_CARRYING_VERBS, LAUNCHABLE, MILITARY_WORDS

_LEXICON = read_lexicon(__file__)
#: Launchable things plus armour and aircraft: a parade verb needs one or a military word.
WEAPON_NOUNS = LAUNCHABLE | frozenset(_LEXICON["armour_nouns"])
_CIVILIAN_MODIFIERS = frozenset(_LEXICON["civilian_modifiers"])
_ORGANISING_VERBS = frozenset(_LEXICON["organising_verbs"])
_OCCASION_VERBS = frozenset(_LEXICON["occasion_verbs"])
_DISPLAY_CUES = frozenset(_LEXICON["display_cues"])
_HABITUAL_CUES: list[str] = _LEXICON["habitual_cues"]
_MILITARY_OCCASIONS: list[str] = _LEXICON["military_occasions"]
_SPORTS_WORDS = frozenset(_LEXICON["sports_words"])
#: A story about a military parade names troops, weapons or a military occasion more than once.
_MILITARY_MENTIONS = 2


def mention_from_trigger(
    ctx: ArticleContext, trigger: Token, label_id: str, sent: Span
) -> Mention | None:
    """A parade mention at ``trigger``, or None for a civilian parade or a verb that marches
    nothing military. ``label_id`` is unused (one signature for every type)."""
    if trigger.pos_ == "VERB" and not any(
        t.lower_ in MILITARY_WORDS | WEAPON_NOUNS for t in trigger.subtree
    ):
        return None
    mods = {c.lower_ for c in trigger.children}
    if mods & _CIVILIAN_MODIFIERS:
        return None
    if not _military_story(ctx.text, ctx.doc):
        return None  # a title parade, a pride march, a carnival: no troops, no weapons
    words = {t.lower_ for t in sent}
    if words & _SPORTS_WORDS and not words & (MILITARY_WORDS | WEAPON_NOUNS):
        return None  # "the champions held back-to-back victory parades": a sports day
    if any(
        c.dep_ == "prep"
        and c.lower_ == "of"
        and not any(t.lower_ in MILITARY_WORDS | WEAPON_NOUNS for t in c.subtree)
        for c in trigger.children
    ):
        return None  # "a parade of 40 looks down a runway": a procession of anything
    if any(cue in ctx.text_of(sent).lower() for cue in _HABITUAL_CUES):
        return None  # "The parade is held each year to mark ...": a custom, not a report
    verb = syntax.clause_verb(trigger)
    mention = Mention("parade", None, trigger, sent)
    people: list[ResolvedActor] = []
    if verb is not trigger:
        people = ctx.resolve_all(syntax.subjects(verb), subject=True)
        people += ctx.resolve_all(syntax.prep_objects(verb, {"with", "alongside", "by"}))
        joined = [c for c in verb.children if c.dep_ == "agent"]
        people += ctx.resolve_all([p for j in joined for p in j.children])
    mention.participants = unique_actors([p for p in people if p.kind == "person"])
    if verb is not trigger and verb.lemma_ in _ORGANISING_VERBS:
        # "Beijing staged a parade": the state that stages it is its agent.
        mention.agents = unique_actors(
            [a for a in ctx.resolve_all(syntax.subjects(verb), subject=True) if a.kind != "person"]
        )
    # "In Kyiv, the ministry condemned the parade": a verb that only talks about the parade
    # says where the talking was.
    place_tokens = [trigger, verb] if syntax.lemma(verb) in DATE_CARRYING_VERBS else [trigger]
    mention.location = ctx.location(place_tokens, sent)
    if mention.location and not mention.location.country and mention.agents:
        # A parade is held at home: an unknown square or avenue is in the organiser's state.
        mention.location = Location(mention.location.name, mention.agents[0].country)
    for child in verb.children:
        if child.dep_ in {"advcl", "xcomp", "acl"} and child.lemma_ in _OCCASION_VERBS:
            objs = syntax.direct_objects(child)
            if objs:
                mention.attributes["occasion"] = " ".join(t.text for t in objs[0].subtree)
    mention.weapons = ctx.weapons(ctx.text_of(sent))
    return mention


def _military_story(text: str, doc: Doc) -> bool:
    """True when the article is about something military: it names a military occasion, or
    troops, weapons and armour at least twice and more often than sports titles and fans."""
    lowered = text.lower()
    if any(occasion in lowered for occasion in _MILITARY_OCCASIONS):
        return True
    count = sum(1 for t in doc if t.lower_ in MILITARY_WORDS or t.lower_ in WEAPON_NOUNS)
    # A sports page can say "navy blue" and "joint victory parades"; it says "fans" and
    # "champions" more often.
    sports = sum(1 for t in doc if t.lower_ in _SPORTS_WORDS)
    return count >= _MILITARY_MENTIONS and count > sports


def read_sentence(
    ctx: ArticleContext, sent: Span, found: list[Mention], notes: dict[str, Any]
) -> None:
    """Keep the sentences that report no event: they may list what was on display."""
    if not found:
        notes.setdefault("quiet", []).append(sent)


def finish_article(ctx: ArticleContext, mentions: list[Mention], notes: dict[str, Any]) -> None:
    """Give a parade the weapons that sentences without an event of their own show on it.

    Reports name a parade in one sentence and list what rolled past in the next ones
    ("Among the weapons on display were ..."): a weapon named next to a display cue in a
    sentence that reports nothing else was on show at the parade.
    """
    parades = [m for m in mentions if m.type == "parade" and m.modality == "asserted"]
    if not parades:
        return
    for sent in notes.get("quiet", []):
        if not any(syntax.lemma(t) in _DISPLAY_CUES for t in sent):
            continue
        named = ctx.weapons(ctx.text_of(sent))
        for parade in parades:
            parade.weapons += [w for w in named if w not in parade.weapons]
