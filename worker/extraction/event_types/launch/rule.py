"""Launches: something launchable is fired; weapons, count and outcome when stated.

Hooks: :func:`read_sentence` notes whose rockets each sentence names, and
:func:`finish_article` gives agentless launches the article's one launching state.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Span, Token

from worker.extraction import syntax
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention
from worker.extraction.type_folder import read_lexicon
from worker.extraction.vocabulary import LAUNCHABLE, NUCLEAR_DEVICES, NUCLEAR_WORDS

_LEXICON = read_lexicon(__file__)
#: Words of the launch sentence that state its outcome, first match wins.
_OUTCOME_CUES: list[list[str]] = _LEXICON["outcome_cues"]
_CARRYING_VERBS = frozenset(_LEXICON["carrying_verbs"])
_TESTED_LAUNCHABLE = LAUNCHABLE - frozenset(_LEXICON["untestable"])
#: "fired a missile at Dnipro", "launched attacks on Ukraine", "toward Israel": the target.
_AIM_PREPOSITIONS = frozenset(_LEXICON["aim_prepositions"])
_RISING_VERBS = frozenset(_LEXICON["rising_verbs"])
_NOT_LAUNCHED = frozenset(_LEXICON["not_launched"])
_SPACE_MODIFIERS = frozenset(_LEXICON["space_modifiers"])
_FLYING_NOUNS = frozenset(_LEXICON["flying_nouns"])
_TRADE_SHOWS = frozenset(_LEXICON["trade_shows"])


def mention_from_trigger(
    ctx: ArticleContext, trigger: Token, label_id: str, sent: Span
) -> Mention | None:
    """A launch mention at ``trigger``, or None when nothing launchable is launched."""
    verb = syntax.clause_verb(trigger)
    struck: list[Token] = []
    if label_id == "strike":
        # "Russia struck Kyiv with ballistic missiles": what was fired comes with "with",
        # what was struck is the target.
        objects = syntax.prep_objects(trigger, {"with"})
        struck = syntax.direct_objects(trigger)
    elif trigger.pos_ == "VERB":
        objects = syntax.direct_objects(trigger) or [
            c for c in trigger.children if c.dep_ == "nsubjpass"
        ]
        if not objects and trigger.dep_ == "acomp" and trigger.tag_ == "VBN":
            # "The Agni-Prime missile was last test-launched on April 3": a passive the
            # parser reads as "was" + adjective, its subject on "was".
            objects = [c for c in trigger.head.children if c.dep_ == "nsubj"]
        if trigger.lemma_ == "fire":
            objects += syntax.prep_objects(trigger, {"off"})
        if trigger.lemma_ in _RISING_VERBS:
            objects += [c for c in trigger.children if c.dep_ == "nsubj"]
            if trigger.dep_ == "relcl":  # "the Chang'e-5 mission, which lifted off on ..."
                objects.append(trigger.head)
        if trigger.dep_ == "acl" and trigger.tag_ == "VBN":
            objects.append(trigger.head)  # "a missile launched from Yemen struck ..."
    else:
        objects = [c for c in trigger.children if c.dep_ in {"compound", "amod", "nmod"}]
        objects += syntax.prep_objects(trigger, {"of"})
        if trigger.dep_ == "compound" and trigger.head.lower_ in LAUNCHABLE:
            objects.append(trigger.head)
    if any(o.lower_ in _NOT_LAUNCHED and not _spacecraft(o) for o in objects):
        return None  # "launched joint military exercises": started, not fired
    launched = [t for o in objects for t in o.subtree]
    if not launched:
        return None
    venues = syntax.prep_objects(trigger, {"at"}) + [
        v for o in objects for v in syntax.prep_objects(o, {"at"})
    ]
    if any(t.lemma_.lower() in _TRADE_SHOWS for v in venues for t in v.subtree):
        return None  # a product launched at an exhibition
    if label_id == "test" and _nuclear(trigger, objects):
        return None  # "tested a nuclear weapon", "its sixth nuclear test": no launch
    text = " ".join(t.text for t in launched)
    weapons = ctx.weapons(text)
    rising = trigger.lemma_ in _RISING_VERBS
    if not weapons and not any(
        t.lower_ in LAUNCHABLE or (rising and t.lower_ in _FLYING_NOUNS) for t in launched
    ):
        return None
    if label_id == "test" and not (
        weapons or any(t.lower_ in _TESTED_LAUNCHABLE for t in launched)
    ):
        return None
    mention = Mention("launch", None, trigger, sent, weapons=weapons)
    if _shot_down(trigger):
        # "Polish forces shot down several Russian drones": the drones' state launched them,
        # at whoever shot them down.
        shooters = ctx.agents(trigger)[0]
        mention.agents = ctx.actors_under(objects)[:1]
        mention.targets = [ctx.country(a.country) for a in shooters if a.country]
        mention.targets = [t for t in mention.targets if t not in mention.agents]
        mention.location = ctx.location([trigger, verb], sent)
        return mention
    if trigger.pos_ == "VERB":
        mention.agents, mention.agent_named = ctx.agents(trigger)
        if not mention.agents:  # "its rocket was fired", "Iran's missiles were launched"
            mention.agents = ctx.owners_of(objects)
    else:
        owners = [c for t in (trigger, *objects) for c in t.children if c.dep_ == "poss"]
        mention.agents = ctx.owners_of([trigger, *objects])
        mention.agent_named = bool(mention.agents) and all(o.pos_ != "PRON" for o in owners)
        if not mention.agents and verb is not trigger and verb.lemma_ in _CARRYING_VERBS:
            mention.agents, mention.agent_named = ctx.agents(verb)
    if not mention.agents and trigger.pos_ == "VERB":
        # "a missile launched from Yemen": the state it was fired from.
        origins = ctx.actors_under(syntax.prep_objects(trigger, {"from"}))
        mention.agents = [a for a in origins if a.kind == "country"][:1]
    if not mention.agents:
        for weapon in weapons:
            info = ctx.gazetteer.weapon_country(weapon)
            if info and info[0]:
                mention.agents = [ctx.country(info[0])]
                break
    aimed_at = (
        struck
        + syntax.prep_objects(trigger, _AIM_PREPOSITIONS)
        + [t for o in objects for t in syntax.prep_objects(o, _AIM_PREPOSITIONS)]
    )
    own = {a.country for a in mention.agents}
    mention.targets = [a for a in ctx.actors_under(aimed_at) if a.country not in own]
    lowered = ctx.text_of(sent).lower()
    for word, outcome in _OUTCOME_CUES:
        if word in lowered:
            mention.attributes["outcome"] = outcome
            break
    counts = [c for o in objects for c in o.children if c.dep_ == "nummod"]
    if counts:
        mention.attributes["count"] = counts[0].text
    mention.location = ctx.location([trigger, verb], sent)
    return mention


def _shot_down(trigger: Token) -> bool:
    """True for "shot down", "shooting down": an interception, told by its shooter."""
    return trigger.lemma_ == "shoot" and any(
        c.dep_ == "prt" and c.lower_ == "down" for c in trigger.children
    )


def _spacecraft(noun: Token) -> bool:
    """True for a "probe" that flies: a space word or a name on it ("the Chang'e-6 lunar
    probe"), not "launched a probe into the leak"."""
    return noun.lower_ in LAUNCHABLE and any(
        c.dep_ in {"amod", "compound", "nmod"}
        and (c.lower_ in _SPACE_MODIFIERS or c.pos_ == "PROPN")
        for c in noun.children
    )


def _nuclear(trigger: Token, objects: list[Token]) -> bool:
    """True when the test is of something nuclear: "nuclear" on the test itself or on the
    device tested ("tested a nuclear weapon"). "A nuclear-capable missile test" and "a
    nuclear missile test" test a missile: launches."""
    for head in (trigger, *objects):
        if not any(
            c.dep_ in {"amod", "compound"} and c.lower_ in NUCLEAR_WORDS for c in head.children
        ):
            continue
        if head is trigger and not any(c.lower_ in LAUNCHABLE for c in trigger.children):
            return True
        if head.lower_ in NUCLEAR_DEVICES:
            return True
    return False


def read_sentence(
    ctx: ArticleContext, sent: Span, found: list[Mention], notes: dict[str, Any]
) -> None:
    """Note whose rockets or missiles the sentence names ("its rocket exploded"), read now,
    while "its" still points where the sentence means it to."""
    owners = notes.setdefault("owners", [])
    owners += ctx.owners_of(t for t in sent if t.lower_ in LAUNCHABLE)


def finish_article(ctx: ArticleContext, mentions: list[Mention], notes: dict[str, Any]) -> None:
    """ "The rocket was fired at 10:44 p.m.": a passive launch with no ``by`` phrase is the
    launch of the article's one launching state, when there is exactly one; with no launch
    that names one, of the one state whose rockets or missiles the article names ("its
    rocket exploded", noted by :func:`read_sentence`)."""
    launchers = {
        tuple(sorted(str(a.country) for a in m.agents))
        for m in mentions
        if m.type == "launch" and m.agents
    }
    if len(launchers) > 1:
        return
    if launchers:
        agents = list(next(m for m in mentions if m.type == "launch" and m.agents).agents)
    else:
        owners = notes.get("owners", [])
        states = {a.country: a for a in owners if a.kind != "person" and a.country}
        if len(states) != 1:
            return
        agents = list(states.values())
    for mention in mentions:
        if mention.type == "launch" and not mention.agents:
            mention.agents = list(agents)
