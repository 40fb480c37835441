"""Sanctions votes: adopted, vetoed, blocked, imposed or voted; voters, targets, others."""

from __future__ import annotations

from spacy.tokens import Span, Token

from worker.extraction import syntax
from worker.extraction.actor_resolution import ResolvedActor
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention
from worker.extraction.type_folder import read_lexicon
from worker.extraction.vocabulary import DOING_VERBS

_LEXICON = read_lexicon(__file__)
SANCTION_WORDS = frozenset(_LEXICON["sanction_words"])
#: The outcome (subtype) of a sanctions vote by trigger lemma.
OUTCOMES: dict[str, str] = _LEXICON["outcomes"]
_ADOPTABLE = frozenset(_LEXICON["adoptable"])
_AGAINST_PREPS = frozenset(_LEXICON["against_preps"])
_LISTING_VERBS = frozenset(_LEXICON["listing_verbs"])
_VOTED_TEXTS = frozenset(_LEXICON["voted_texts"])


def mention_from_trigger(
    ctx: ArticleContext, trigger: Token, label_id: str, sent: Span
) -> Mention | None:
    """A sanctions-vote mention at ``trigger`` (outcome as subtype), or None when the sentence
    is not about sanctions or nobody is said to have cast the vote."""
    lemma = trigger.lemma_.lower()
    words = {t.lower_ for t in sent} | {t.lemma_.lower() for t in sent}
    if label_id != "imposed" and lemma != "veto" and not words & SANCTION_WORDS:
        return None
    verb = syntax.clause_verb(trigger)
    if label_id in {"adopted"}:
        objs = [t for o in syntax.direct_objects(trigger) for t in o.subtree]
        if not {t.lemma_.lower() for t in objs} & _ADOPTABLE:
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
        mention.agents, mention.agent_named = ctx.agents(carrier)
    else:
        mention.agents = ctx.owners_of([trigger])
        if not mention.agents and carrier.lemma_ in DOING_VERBS:
            mention.agents, mention.agent_named = ctx.agents(carrier)
    # A league or a federation "sanctioning" clubs is no sanctions event: states, their
    # bodies and international bodies impose and vote (the political-speaker test).
    mention.agents = [a for a in mention.agents if ctx.actors.is_political(a)]
    if not mention.agents:
        mention.agents = _body_met(ctx, carrier)
    if not mention.agents:
        # A vote or a block nobody is said to have cast is background, not an event.
        return None
    scope = list(carrier.subtree) if carrier is not trigger else list(trigger.subtree)
    against = _aimed_phrases(carrier, trigger, scope)
    if label_id == "imposed" and trigger.lemma_ in _LISTING_VERBS:
        against += syntax.direct_objects(trigger)
    aimed = _aimed_at_by_the_text(trigger)
    if aimed:
        # The text's own words say whom the vote is about better than a place or an
        # "embargo against Cuba" further down the sentence.
        against = aimed
    mention.targets = [a for a in ctx.actors_under(against) if a not in mention.agents]
    # "over Moscow's war in Ukraine": a reason names who is punished by its possessor only.
    heads = [carrier, trigger, *syntax.direct_objects(carrier)]
    reasons = [o for h in heads for o in syntax.prep_objects(h, {"over"})]
    mention.targets += [
        a for a in ctx.owners_of(reasons) if a not in mention.agents and a not in mention.targets
    ]
    if not mention.targets and outcome in _AIMED_OUTCOMES:
        mention.targets = _state_in_what_is_sanctioned(ctx, carrier, trigger, mention)
    target_ids = {t.i for a in against for t in a.subtree}
    agent_ids = {t.i for s in syntax.subjects(carrier) for t in s.subtree}
    others = ctx.actors.actors_in(
        [t for t in scope if t.i not in target_ids and t.i not in agent_ids]
    )
    mention.participants = [
        a for a in others if a not in mention.agents and a not in mention.targets
    ]
    return mention


#: Outcomes whose measures are aimed at someone (a tally or a veto names voters instead).
_AIMED_OUTCOMES = frozenset({"imposed", "adopted", "blocked"})


def _state_in_what_is_sanctioned(
    ctx: ArticleContext, carrier: Token, trigger: Token, mention: Mention
) -> list[ResolvedActor]:
    """With no "on"/"against" phrase, the state named inside what the measures hit: "froze
    the assets of five individuals linked to the North", "a package which bans imports of
    Russian aluminium", "sanctions on 100 tankers supplying Russia's military"."""
    objects = syntax.direct_objects(carrier) + syntax.direct_objects(trigger)
    objects += [o for h in objects for o in syntax.prep_objects(h, _AGAINST_PREPS | {"of"})]
    own = {a.country for a in mention.agents}
    # "a demand put forward by the United Arab Emirates": who proposed it is not aimed at.
    proposers = {t.i for o in objects for a in o.subtree if a.dep_ == "agent" for t in a.subtree}
    hit = [t for o in objects for t in o.subtree if t.i not in proposers]
    for actor in ctx.actors.actors_in(hit):
        if actor.country and actor.country not in own and actor.kind != "igo":
            return [ctx.country(actor.country)]
    return []


def _aimed_at_by_the_text(trigger: Token) -> list[Token]:
    """The phrases a voted text is aimed at, read from its own verbs: "a resolution
    demanding that Russia withdraw" (the demanded clause's subject), "condemning Russia's
    annexation" (what it condemns), "calling on Rwanda to pull out" (who it calls on)."""
    texts = [
        o
        for o in (*syntax.direct_objects(trigger), *syntax.subjects(trigger))
        if syntax.lemma(o) in _VOTED_TEXTS
    ]
    verbs = [c for t in texts for c in t.children if c.dep_ in {"acl", "relcl"}]
    verbs += [c for v in verbs for c in v.children if c.dep_ == "conj" and c.pos_ == "VERB"]
    heads: list[Token] = []
    for verb in verbs:
        heads += [s for c in syntax.clausal_complements(verb) for s in syntax.subjects(c)]
        heads += syntax.direct_objects(verb)
        heads += syntax.prep_objects(verb, {"on", "upon", "against"})
    return [h for h in heads if h.pos_ != "PRON"]


def _aimed_phrases(carrier: Token, trigger: Token, scope: list[Token]) -> list[Token]:
    """The objects of "on"/"against" phrases in the sanction's clause, except those inside a
    reason ("over Tehran's delivery of drones to Russia for its war against Ukraine") or a
    clause that tells something else ("responding to the attack on Israel")."""
    top = {carrier.i, trigger.i}
    out: list[Token] = []
    for token in scope:
        if token.dep_ != "pobj" or token.head.lower_ not in _AGAINST_PREPS - {"over"}:
            continue
        # "On the same day in Brussels, ministers adopted ...": "on" a day is when, and the
        # places inside the phrase are where, never whom the sanction is aimed at.
        if token.ent_type_ in {"DATE", "TIME"}:
            continue
        if not any(_detour(a) for a in _path_up(token.head, top)):
            out.append(token)
    return out


def _path_up(token: Token, top: set[int]) -> list[Token]:
    """The words from ``token`` up to (not including) the sanction's verb or trigger."""
    path: list[Token] = []
    while token.i not in top and token.head.i != token.i and len(path) < 12:
        path.append(token)
        token = token.head
    return path


def _detour(token: Token) -> bool:
    """A reason phrase or a clause of its own between a target phrase and the sanction."""
    if token.dep_ == "prep" and token.lower_ == "over":
        return True
    return token.dep_ in {"advcl", "relcl"} and token.lower_ not in _AGAINST_PREPS


#: Gatherings a body decides at ("at an extraordinary summit of ECOWAS").
_GATHERINGS = frozenset({"summit", "meeting", "session", "conference"})


def _body_met(ctx: ArticleContext, verb: Token) -> list[ResolvedActor]:
    """ "West African leaders imposed sanctions on Niger at a summit of ECOWAS": leaders
    the gazetteer cannot place decide as the body whose gathering they sit at."""
    # The gathering may hang on a verb coordinated with this one ("imposed sanctions on
    # Niger and gave the junta a week, at a summit of ECOWAS").
    verbs = [verb, *(c for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB")]
    gatherings = [
        g
        for v in verbs
        for g in syntax.prep_objects(v, {"at", "during"})
        if syntax.lemma(g) in _GATHERINGS
    ]
    bodies = [o for g in gatherings for o in syntax.prep_objects(g, {"of"})]
    bodies += [o for g in gatherings for o in g.children if o.dep_ == "poss"]
    return [a for a in ctx.resolve_all(bodies) if a.kind == "igo"]
