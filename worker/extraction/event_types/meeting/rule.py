"""Meetings and visits: who met whom, and the host country of a visit."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from spacy.tokens import Span, Token

from worker.extraction import syntax
from worker.extraction.actor_resolution import ResolvedActor
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention, unique_actors
from worker.extraction.type_folder import read_lexicon
from worker.extraction.vocabulary import DATE_CARRYING_VERBS, REPORTING_VERBS

_LEXICON = read_lexicon(__file__)
_UNMET_OBJECTS = frozenset(_LEXICON["unmet_objects"])
_LIGHT_VERBS = frozenset(_LEXICON["light_verbs"])
_HOSTING_VERBS = frozenset(_LEXICON["hosting_verbs"])
_HOSTED_OBJECTS = frozenset(_LEXICON["hosted_objects"])
_TOPIC_PREPS = frozenset(_LEXICON["topic_preps"])
_TAKING_PART = DATE_CARRYING_VERBS | _LIGHT_VERBS | frozenset(_LEXICON["taking_part_verbs"])
#: "separate talks with A and B" are two meetings.
_SEPARATE_WORDS = frozenset({"separate", "individual", "respective"})


def _named_subject(verb: Token) -> bool:
    """True when the clause has a proper-noun subject (a name we could not place)."""
    return any(
        c.dep_ == "nsubj" and (c.pos_ == "PROPN" or c.ent_type_ == "PERSON") for c in verb.children
    )


#: "condemned the attack after a video call": the clause's subject took part in the meeting
#: it tells as done; "before the summit" and "ahead of the talks" say nothing of that.
_TAKING_PART_PREPS = frozenset({"after", "during", "at", "following"})


def _after_it(noun: Token) -> bool:
    """True when ``noun`` is the object of a preposition that places its clause's subject in
    the meeting ("after a video call", "at the summit")."""
    return noun.dep_ == "pobj" and noun.head.lower_ in _TAKING_PART_PREPS


#: What a call goes through ("spoke by phone", "on the telephone", "via video link").
_CALL_MEANS = frozenset({"phone", "telephone", "video", "videoconference", "link", "call"})


def _spoke_together(
    ctx: ArticleContext, trigger: Token, agents: list[ResolvedActor]
) -> tuple[str, list[ResolvedActor]] | None:
    """ "Xi spoke with Biden by phone", "Modi spoke to Zelensky on the phone", "Macron and
    Putin last spoke in 2022": two political sides speaking together met (a call when it went
    through a phone or a video link), and who spoke with whom; None for a speaker addressing
    reporters, a crowd or a session ("spoke to reporters", "spoke at the U.N.")."""
    means = syntax.prep_objects(trigger, {"by", "over", "on", "via", "in"})
    call = any(syntax.lemma(m) in _CALL_MEANS for m in means)
    preps = {"with", "to"} if call else {"with"}
    partners = ctx.resolve_all(syntax.prep_objects(trigger, preps))
    partners += ctx.resolve_all([o for m in means for o in syntax.prep_objects(m, {"with"})])
    own = {a.country for a in agents if ctx.actors.is_political(a)}
    partners = [
        p for p in partners if ctx.actors.is_political(p) and p.country and p.country not in own
    ]
    if partners:
        return ("call" if call else "meeting"), partners
    # "Biden and Xi spoke for two hours": coordinated sides of two states, speaking to no
    # one else and saying nothing reported ("X and Y spoke at the summit" is two speeches).
    sides = {a.country for a in agents if ctx.actors.is_political(a) and a.country}
    addressed = syntax.prep_objects(trigger, {"to", "at", "before", "about"})
    said = any(c.dep_ in {"ccomp", "xcomp"} for c in trigger.children)
    if len(sides) >= 2 and not addressed and not said:
        return ("call" if call else "meeting"), []
    return None


def mention_from_trigger(
    ctx: ArticleContext, trigger: Token, label_id: str, sent: Span
) -> Mention | None:
    """A meeting mention at ``trigger``, or None when no side of it is an actor or the word
    means something else ("meet the deadline", "protested over the visit")."""
    verb = syntax.clause_verb(trigger)
    lemma = trigger.lemma_.lower()
    if trigger.pos_ == "VERB":
        agents, named = ctx.agents(trigger)
        objects = syntax.direct_objects(trigger)
        targets = ctx.resolve_all(objects)
        if (
            lemma in _HOSTING_VERBS
            and not any(a.kind in {"person", "country"} for a in targets)
            and not any(o.lower_ in _HOSTED_OBJECTS for o in objects)
        ):
            return None
        if lemma in {"talk"} and not syntax.prep_objects(trigger, {"with", "to"}):
            return None
        if label_id == "spoke":
            spoken = _spoke_together(ctx, trigger, agents)
            if spoken is None:
                return None
            label_id, targets = spoken
        if lemma == "meet" and any(syntax.lemma(o) in _UNMET_OBJECTS for o in objects):
            return None  # "meet the demands / the deadline" is no meeting
        # "visited/arrived in Amman" names the host; "met in Seoul" only the venue.
        preps = {"with", "to", "in", "between"} if label_id == "visit" else {"with", "between"}
        targets += ctx.resolve_all(syntax.prep_objects(trigger, preps))
        # "spoke by telephone with Sharif": the counterpart hangs on the means.
        means = syntax.prep_objects(trigger, {"by", "over", "on"})
        targets += ctx.resolve_all([o for m in means for o in syntax.prep_objects(m, {"with"})])
    else:
        if lemma == "talk" and trigger.tag_ != "NNS":
            return None
        if trigger.dep_ == "pobj" and trigger.head.lower_ in _TOPIC_PREPS:
            return None  # "protested over the visit": the visit is a topic, told elsewhere
        # The clause's subject takes part only when its verb does the meeting ("Kim held
        # talks", "leaders attended the summit"); "Tinubu told the summit", "hours before the
        # summit, the spokesman accused ..." name a speaker, not a side of the meeting.
        agents, named = (
            ctx.agents(verb)
            if verb is not trigger
            and (
                syntax.lemma(verb) in _TAKING_PART
                or (_after_it(trigger) and syntax.lemma(verb) not in REPORTING_VERBS)
            )
            else ([], False)
        )
        owners = [c for c in trigger.children if c.dep_ in {"poss", "compound", "amod"}]
        agents += [a for a in ctx.resolve_all(owners) if a not in agents]
        if label_id != "visit":
            # "an extraordinary summit of ECOWAS": the body that meets.
            of = syntax.prep_objects(trigger, {"of"})
            agents += [a for a in ctx.resolve_all(of) if a not in agents]
        by = syntax.prep_objects(trigger, {"by"})
        agents += [a for a in ctx.resolve_all(by) if a not in agents]
        # As for verbs: "a visit to/in Amman" names the host, "talks in the Kremlin" a venue.
        preps = {"with", "to", "between", "in"} if label_id == "visit" else {"with", "between"}
        targets = ctx.actors_under(syntax.prep_objects(trigger, preps))
        if trigger.dep_ == "compound":  # "a mediation mission between Syria and the PLO"
            sides = syntax.prep_objects(trigger.head, {"between", "with"})
            targets += [a for a in ctx.actors_under(sides) if a not in targets]
        if verb is not trigger:
            targets += [
                a for a in ctx.resolve_all(syntax.prep_objects(verb, {"with"})) if a not in targets
            ]
            if trigger.dep_ == "dobj" and trigger.head.i == verb.i and verb.lemma_ in _LIGHT_VERBS:
                # "paid a visit to Moscow", "gave a warm welcome to Brazil's president"
                guests = ctx.actors_under(syntax.prep_objects(verb, {"to"}))
                targets += [a for a in guests if a not in targets]
    # A company meeting its investors, a club in talks with a sponsor: diplomacy needs a
    # political side (the same test as a statement's speaker).
    agents = [a for a in agents if ctx.actors.is_political(a)]
    targets = [a for a in targets if ctx.actors.is_political(a)]
    if not agents and not targets:
        return None
    if label_id == "signed" and len({a.country for a in (*agents, *targets)} - {None}) < 2:
        return None  # "Japan signed a deal to buy jets": a signing is a meeting of two sides
    mention = Mention("meeting", label_id, trigger, sent, agent_named=named)
    mention.agents = unique_actors(agents)
    mention.targets = [t for t in unique_actors(targets) if t not in mention.agents]
    if not mention.agents and mention.targets and not _named_subject(verb):
        # "Talks with Biden were held": the only actor named is the side that met.
        # With a subject we cannot place ("Kishida held talks with Biden") the named
        # partner stays a target rather than becoming the wrong agent.
        mention.agents, mention.targets = mention.targets, []
    mention.location = ctx.location([trigger, verb], sent)
    if (
        mention.location
        and not mention.targets
        and mention.location.country
        and all(a.country != mention.location.country for a in mention.agents)
        and label_id == "visit"
    ):
        mention.targets = [ctx.country(mention.location.country)]
    _host_is_the_target(mention)
    return mention


def _host_is_the_target(mention: Mention) -> None:
    """ "Xi met Blinken in Beijing", "Putin and Kim held talks at the cosmodrome in Russia's
    Far East": when the meeting takes place in the country of one side and another side came
    from one other state, the host is the target and the visitors are the agents, whoever the
    sentence names first (the gold convention: the host of a visit is its target)."""
    host = mention.location.country if mention.location else None
    sides = [*mention.agents, *mention.targets]
    if host is None or not any(a.country == host for a in mention.agents):
        return
    visitors = [a for a in sides if a.country and a.country != host]
    if len({a.country for a in visitors}) != 1 or any(a.kind == "igo" for a in visitors):
        return  # a summit of three or more states has no one host and guest
    mention.targets = unique_actors([a for a in sides if a.country == host])
    mention.agents = unique_actors(visitors)


def finish_article(ctx: ArticleContext, mentions: list[Mention], notes: dict[str, Any]) -> None:
    """ "Wang held separate phone conversations with Doval and Dar": one call per
    counterpart. ``ctx`` and ``notes`` are unused (one signature for every type)."""
    index = 0
    while index < len(mentions):
        mention = mentions[index]
        sides = {t.country for t in mention.targets if t.country}
        if (
            mention.type == "meeting"
            and len(sides) > 1
            and any(c.lower_ in _SEPARATE_WORDS for c in mention.trigger.children)
        ):
            calls = [
                replace(mention, targets=[t for t in mention.targets if t.country == side])
                for side in sorted(sides)
            ]
            mentions[index : index + 1] = calls
            index += len(calls)
        else:
            index += 1
