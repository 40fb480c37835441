"""Statements: a speaker, a stance (subtype), targets and the verbatim quote."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from spacy.tokens import Span, Token

from worker.extraction import syntax
from worker.extraction.actor_resolution import ResolvedActor
from worker.extraction.event_types.statement import voted_texts
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention
from worker.extraction.type_folder import SPEC_FILE, read_lexicon
from worker.extraction.vocabulary import (
    GOVERNMENT_NOUNS,
    GROUP_NOUNS,
    NEUTRAL,
    QUOTE_RE,
    REPORTING_VERBS,
    STANCE_CUES,
    TITLE_WORDS,
)

_LEXICON = read_lexicon(__file__)
_HABITUAL_ADVERBS = frozenset(_LEXICON["habitual_adverbs"])
_GREETING_VERBS = frozenset(_LEXICON["greeting_verbs"])
_GUESTS = frozenset(_LEXICON["guest_nouns"])
#: The stance subtypes a statement may carry (spec.json's subtypes: the gold guide's list).
STATEMENT_SUBTYPES = frozenset(
    json.loads(Path(__file__).with_name(SPEC_FILE).read_text())["subtypes"]
)
SUBTYPE_ALIASES: dict[str, str] = _LEXICON["subtype_aliases"]
LEMMA_SUBTYPES: dict[str, str] = _LEXICON["lemma_subtypes"]
PEOPLE_NOUNS = frozenset(_LEXICON["people_nouns"])
_NEEDS_OBJECT = frozenset(_LEXICON["needs_object"])
_NEEDS_WORDS = frozenset(_LEXICON["needs_words"])
_CONDITIONAL_VERBS = frozenset(_LEXICON["conditional_verbs"])
_CONDITION_MARKS = frozenset(_LEXICON["condition_marks"])
_THREAT_VERBS = frozenset(_LEXICON["threat_verbs"])
_BLAMING_VERBS = frozenset(_LEXICON["blaming_verbs"])
_NAMING_VERBS = frozenset(_LEXICON["naming_verbs"])
_AUDIENCE_VERBS = frozenset(_LEXICON["audience_verbs"])
_AUDIENCE_NOUNS = frozenset(_LEXICON["audience_nouns"])
_REASON_MARKS = frozenset(_LEXICON["reason_marks"])
_DRAFT_NOUNS = frozenset(_LEXICON["draft_nouns"])
_UNSPOKEN_PARTICLES: dict[str, list[str]] = _LEXICON["unspoken_particles"]
_BOTH_SIDES_NOUNS = frozenset(_LEXICON["both_sides_nouns"])
#: Set on a mention aimed at "both sides": :func:`finish_article` names them.
BOTH_SIDES = "both_sides"


def mention_from_trigger(
    ctx: ArticleContext, trigger: Token, label_id: str, sent: Span
) -> Mention | None:
    """A statement mention at ``trigger`` with ``label_id`` as its stance (or the stance of
    its words for plain speech verbs), or None without a speaker or anything said."""
    if trigger.pos_ not in {"VERB", "ADJ"} or trigger.dep_ in {"amod", "compound"}:
        return None
    if any(
        c.dep_ == "prt" and c.lower_ in _UNSPOKEN_PARTICLES.get(trigger.lemma_, ())
        for c in trigger.children
    ):
        return None  # "called off their annual drills": a deed, not a speech
    if (
        trigger.dep_ == "advcl"
        and trigger.tag_ == "VBG"
        and label_id == NEUTRAL
        and trigger.head.lemma_ in REPORTING_VERBS
        and trigger.i < trigger.head.i
    ):
        return None  # "Speaking to reporters, Netanyahu said ...": the frame of what he said
    if (
        trigger.dep_ == "acl"
        and trigger.tag_ == "VBN"
        and label_id != NEUTRAL
        and not any(c.dep_ in {"nsubj", "aux"} for c in trigger.children)
    ):
        return None  # "Polish forces, backed by Dutch jets": who stood with whom, no speech
    agents, named = ctx.agents(trigger, speech=True)
    if ctx.sports_page and _teams_speak(trigger):
        return None  # "Ivory Coast celebrate Afcon triumph": a country's team, not its state
    # Only political speakers make statements: a coach's or a chief executive's "warned" is
    # no world-affairs event (the gold convention).
    agents = [a for a in agents if ctx.actors.is_political(a)]
    if not agents:
        return None
    if any(c.dep_ == "advmod" and c.lower_ in _HABITUAL_ADVERBS for c in trigger.children):
        return None  # "has long slammed U.S.-led drills": a habit, no one utterance
    if any(
        c.dep_ == "prep" and c.lower_ == "in" and any(g.lower_ == "past" for g in c.children)
        for c in trigger.children
    ):
        return None  # "has threatened in the past to fire missiles": a habit too
    if (
        trigger.lemma_ in _TEXT_VERBS
        and any(o.lemma_.lower() in _VOTED_TEXTS for o in syntax.direct_objects(trigger))
        and not any(a.kind == "person" for a in agents)
    ):
        # "the Assembly rejected two amendments": a vote, not an utterance; an ambassador
        # "rejected the text as politicised" speaks.
        return None
    if (
        trigger.lemma_ in _VOTING_STANCES
        and any(o.lemma_.lower() in _VOTED_TEXTS for o in syntax.direct_objects(trigger))
        and any(t.lemma_.lower() in {"vote", "abstain"} for t in sent)
    ):
        # "Russia and China supported the draft, while nine members voted against it": a
        # tally of the vote, not a speech.
        return None
    if any(
        s.lemma_.lower() in _VOTED_TEXTS or (s.lower_ == "it" and _text_before(s))
        for s in syntax.subjects(trigger) + syntax.subjects(sent.root)
    ):
        return None  # "It declares the referendums invalid": the resolution's words
    if trigger.lemma_ == "call" and not syntax.clausal_complements(trigger):
        called = syntax.prep_objects(trigger, {"on", "upon"})
        if called and any(a.kind == "person" for a in ctx.resolve_all(called)):
            return None  # "called on Vice-President Han Zheng during the visit": a visit
    if _describes_a_text(trigger):
        return None  # "a resolution demanding a ceasefire": the text's words, not a speaker's
    if _background_reason(trigger):
        return None  # "unlikely, as China and Russia have opposed ...": a standing position
    quote = _quote(ctx.text_of(sent))
    objects = syntax.direct_objects(trigger)
    if syntax.is_passive(trigger):
        # "was welcomed on the tarmac by Ramaphosa": the guest is the passive's subject.
        objects += syntax.subjects(trigger)
    if trigger.lemma_ in _GREETING_VERBS and (
        any(a.kind == "person" for a in ctx.resolve_all(objects))
        or any(o.lower_ in TITLE_WORDS or o.lower_ in _GUESTS for o in objects)
    ):
        return None  # "welcomed the Sultan at the palace": the visit's ceremony
    complements = syntax.clausal_complements(trigger)
    if label_id == NEUTRAL and not (quote or complements or objects):
        return None
    if label_id == NEUTRAL and trigger.lemma_ in _NAMING_VERBS and not objects:
        return None
    if trigger.lemma_ in _NAMING_VERBS and any(
        c.dep_ == "dobj" and c.lower_ == "what" for c in trigger.children
    ):
        return None  # "what Moscow calls its special operation": a name, not a statement
    if trigger.lemma_ in _NEEDS_WORDS and not (quote or complements):
        return None  # "added 93 entities to its trade restriction list"
    if trigger.lemma_ in _NEEDS_OBJECT and not (objects or complements):
        return None
    if (
        trigger.lemma_ in _NEEDS_OBJECT
        and trigger.dep_ == "ccomp"
        and trigger.head.lemma_ in REPORTING_VERBS
        and any(c.dep_ == "nsubj" and c.pos_ != "PRON" for c in trigger.children)
    ):
        return None  # '"Russia seeks to eliminate the panel," Wood said': what Wood said
    if label_id == NEUTRAL and trigger.dep_ in {"relcl", "acl", "pcomp", "advcl"} and not quote:
        return None  # "vessels it said were involved": an aside, not a statement
    if trigger.lemma_ in _AUDIENCE_VERBS:
        objects = [o for o in objects if not _audience(ctx, o)]
    targets, target_heads = _targets(ctx, trigger, objects, complements)
    targets = [t for t in targets if t not in agents]
    both_sides = _both_sides(objects + syntax.prep_objects(trigger, {"on", "upon", "to", "with"}))
    if both_sides:
        targets = []  # whatever else the sentence names, the appeal is to the two sides
    if (
        trigger.lemma_ in _BLAMING_VERBS
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
    # A speaker's own state is no target ("Zhang said China was disappointed with the
    # veto" is aimed at the veto's author): left without one, the statement is aimed at the
    # story's event (article_passes.target_the_story).
    # Rebels, an opposition or a leader facing their own people keep their state's targets
    # (domestic politics); a state's own name is never what its officials speak about.
    agent_countries = {a.country for a in agents}
    if any(t.country not in agent_countries for t in targets):
        targets = [t for t in targets if t.country not in agent_countries]
    elif not any(a.kind == "group" for a in agents):
        targets = [t for t in targets if t.kind in {"person", "group"}]
    subtype = label_id
    if label_id in {NEUTRAL, "issue"}:
        subtype = _stance(quote or ctx.text_of(sent)) or NEUTRAL
    if trigger.lemma_ in _THREAT_VERBS:
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
    if both_sides:
        mention.attributes[BOTH_SIDES] = True
    return mention


def _teams_speak(trigger: Token) -> bool:
    """True when the speaker is named by a bare place name ("Ivory Coast", "Morocco"), with
    no title or body beside it: on a sports page, that is a team."""
    subjects = syntax.subjects(trigger)
    return bool(subjects) and all(
        s.pos_ == "PROPN"
        and s.ent_type_ in {"GPE", "LOC", "NORP", ""}
        and not any(c.dep_ in {"compound", "amod", "poss"} and c.pos_ == "NOUN" for c in s.children)
        for s in subjects
    )


def _both_sides(heads: list[Token]) -> bool:
    """True when a phrase is "both sides", "the two countries", "both parties": the story's
    two sides, named elsewhere in the article."""
    return any(
        syntax.lemma(head) in _BOTH_SIDES_NOUNS
        and head.tag_ == "NNS"
        and any(c.lower_ in {"both", "two"} for c in head.children)
        for head in heads
    )


def finish_article(ctx: ArticleContext, mentions: list[Mention], notes: dict[str, Any]) -> None:
    """Targets only the whole article tells: the two sides an appeal to "both sides" means
    (:func:`_aim_at_both_sides`), and the drafters of a text a speaker judges
    (:func:`voted_texts.aim_at_drafters`). ``notes`` is unused."""
    _aim_at_both_sides(ctx, mentions)
    voted_texts.aim_at_drafters(ctx, mentions)


def _aim_at_both_sides(ctx: ArticleContext, mentions: list[Mention]) -> None:
    """ "Fidan urged both sides to seize the opportunity": an appeal to both sides is aimed at
    the two states the article's events name most often, the speaker's own left out (in a
    story of talks between Russia and Ukraine, Russia and Ukraine)."""
    appeals = [m for m in mentions if m.type == "statement" and m.attributes.get(BOTH_SIDES)]
    if not appeals:
        return
    named: Counter[str] = Counter()
    actors: dict[str, ResolvedActor] = {}
    for mention in mentions:
        for actor in (*mention.agents, *mention.targets, *mention.participants):
            if actor.country and actor.kind != "igo":
                named[actor.country] += 1
                actors.setdefault(actor.country, ctx.country(actor.country))
    for mention in appeals:
        own = {a.country for a in mention.agents}
        sides = [code for code, _ in named.most_common() if code not in own][:2]
        if len(sides) == 2:
            mention.targets = [actors[code] for code in sides]


#: Texts a body votes on: rejecting one is a vote (a proposal or a plan is rejected by a
#: speaker).
_VOTED_TEXTS = voted_texts.VOTED_TEXTS
#: Stances toward a text that, told beside a vote, are how the speaker voted.
_VOTING_STANCES = frozenset({"support", "back", "oppose", "endorse", "favour", "favor"})
_TEXT_VERBS = frozenset(
    "adopt veto pass approve reject block table draft submit circulate vote sponsor".split()
)


def _text_before(pronoun: Token) -> bool:
    """True when "it" opens a sentence that follows one whose subject is a voted text ("The
    resolution passed 143 to 5. It declares ...")."""
    sent = pronoun.sent
    for _ in range(2):  # the parser may cut a long tally off as a sentence of its own
        if sent.start == 0:
            return False
        sent = pronoun.doc[sent.start - 1].sent
        subjects = [t for t in sent if t.dep_ in {"nsubj", "nsubjpass"}]
        if subjects:
            return any(t.lemma_.lower() in _VOTED_TEXTS for t in subjects)
    return False


def _describes_a_text(trigger: Token) -> bool:
    """True when a participle without a subject of its own tells what a voted text says
    ("adopted a resolution demanding that Russia withdraw ..., calling for ...")."""
    if trigger.dep_ in {"acl", "relcl"} and trigger.head.lemma_.lower() in _DRAFT_NOUNS:
        return True
    if trigger.tag_ != "VBG" or any(c.dep_ in {"nsubj", "nsubjpass"} for c in trigger.children):
        return False
    for ancestor in list(trigger.ancestors)[:4]:
        if ancestor.lemma_.lower() in _DRAFT_NOUNS:
            return True
        if ancestor.lemma_.lower() in _TEXT_VERBS and any(
            c.dep_ in {"dobj", "nsubjpass"} and c.lemma_.lower() in _DRAFT_NOUNS
            for c in ancestor.children
        ):
            return True
    return False


def _background_reason(trigger: Token) -> bool:
    """True for a stance in the perfect that gives the reason for something else."""
    return (
        trigger.dep_ == "advcl"
        and any(c.dep_ == "mark" and c.lower_ in _REASON_MARKS for c in trigger.children)
        and any(c.dep_ == "aux" and c.lemma_ == "have" for c in trigger.children)
    )


def _audience(ctx: ArticleContext, noun: Token) -> bool:
    """True when ``noun`` names listeners ("told the council", "briefed reporters"): an
    assembly, the press, or an international body sitting as one."""
    if noun.lemma_.lower() in _AUDIENCE_NOUNS:
        return True
    return any(a.kind == "igo" for a in ctx.resolve_all([noun]))


def _targets(
    ctx: ArticleContext, trigger: Token, objects: list[Token], complements: list[Token]
) -> tuple[list[ResolvedActor], list[Token]]:
    """Who the statement is aimed at, and the phrases that name them (objects, the subject of
    a passive), for the accuse/blame check."""
    target_heads: list[Token] = []
    if syntax.is_passive(trigger):
        target_heads = [c for c in trigger.children if c.dep_ == "nsubjpass"]
    target_heads += objects
    targets = ctx.resolve_all(target_heads)
    if not targets and trigger.lemma_ not in _BLAMING_VERBS:
        targets = ctx.actors_under(objects)
    if not targets and trigger.lemma_ in _BLAMING_VERBS:
        # "accused Chinese coast guard vessels of malicious acts": the state whose ships,
        # troops or officials they are.
        targets = [a for h in target_heads for a in _nationals(ctx, h)]
    preps = {"on", "upon", "to", "against", "with", "at"}
    if not targets:
        # "condemned X for Y": the reason is no target when X is one already.
        preps |= {"about", "for", "from", "over"}
    targets += [
        a for a in ctx.actors_under(syntax.prep_objects(trigger, preps)) if a not in targets
    ]
    if not targets:
        for comp in complements:
            subjects = _named_subjects(comp)
            others = syntax.direct_objects(comp)
            others += syntax.prep_objects(comp, {"with", "to", "on", "against", "from"})
            # "demanded that the US cancel plans to sell arms to Taiwan" is aimed at the US:
            # the clause's subject when it names an actor, else what the clause acts on.
            for group in (subjects, others):
                for head in group:
                    # The first actor a phrase names is what it is about; the rest is detail.
                    found = ctx.actors_under([head])[:1] or _nationals(ctx, head)[:1]
                    if group is others:
                        # "a violation of U.N. Security Council resolutions": a body named in
                        # what the clause acts on is the rule's source, not who is spoken of.
                        found = [a for a in found if a.kind != "igo"]
                    targets += [a for a in found if a not in targets]
                if targets:
                    break
    if not targets and trigger.lemma_ in _CONDITIONAL_VERBS:
        for head in _condition_subjects(trigger, complements):
            targets += [a for a in ctx.actors_under([head])[:1] if a not in targets]
    return targets, target_heads


def _nationals(ctx: ArticleContext, head: Token) -> list[ResolvedActor]:
    """States a phrase names only by nationality ("the Chinese ships' dangerous maneuvers",
    "the U.S. destroyer"): a demonym modifying the head or its possessor."""
    modifiers = [c for c in head.children if c.dep_ in {"amod", "compound", "poss"}]
    modifiers += [g for c in modifiers if c.dep_ == "poss" for g in c.children]
    codes = dict.fromkeys(code for m in modifiers if (code := ctx.actors.country_of(m)))
    return [ctx.country(code) for code in codes]


def _condition_subjects(trigger: Token, complements: list[Token]) -> list[Token]:
    """Subjects of the "if"/"unless" clauses of a threat or of what it threatens to do
    ("threatened to launch an offensive unless Baghdad accepted")."""
    subjects: list[Token] = []
    for head in (trigger, *complements):
        for clause in head.children:
            if clause.dep_ == "advcl" and any(
                m.dep_ == "mark" and m.lower_ in _CONDITION_MARKS for m in clause.children
            ):
                subjects += _named_subjects(clause)
    return subjects


def _quote(text: str) -> str | None:
    """The longest quotation of three words or more in the sentence."""
    quotes = [m.group(1).strip(" ,.") for m in QUOTE_RE.finditer(text)]
    quotes = [q for q in quotes if len(q.split()) >= 3]
    return max(quotes, key=len) if quotes else None


def _stance(text: str) -> str | None:
    """The first stance whose cue words occur in ``text``, else None."""
    lowered = text.lower()
    for stance, cues in STANCE_CUES:
        if any(cue in lowered for cue in cues):
            return stance
    return None


def _named_subjects(clause: Token) -> list[Token]:
    """The clause's subjects that are not pronouns (a pronoun says nothing on its own here)."""
    return [c for c in clause.children if c.dep_ in {"nsubj", "nsubjpass"} and c.pos_ != "PRON"]
