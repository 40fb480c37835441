"""Dependency-tree helpers: the clause of a trigger, its subjects and objects, its modality."""

from __future__ import annotations

import itertools

from spacy.tokens import Span, Token

from worker.extraction import vocabulary as vocab

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
OBJECT_DEPS = frozenset({"dobj", "dative", "attr", "oprd", "obj"})
NEGATING_HEADS = vocab.words("negating_heads")
PLANNING_HEADS = vocab.words("planning_heads")
DECISION_HEADS = vocab.words("decision_heads")
DECIDED_TRIGGERS = vocab.words("decided_triggers")
SCHEDULING_VERBS = vocab.words("scheduling_verbs")
SPEECH_COMPLEMENTS = vocab.words("speech_complements")
DECLINING_VERBS = vocab.words("declining_verbs")
UNNEGATED_TRIGGERS = vocab.words("unnegated_triggers")
CAPABILITY_WORDS = vocab.words("capability_words")
CAPABILITY_ADJECTIVES = vocab.words("capability_adjectives")
CAPABILITY_VERBS = vocab.words("capability_verbs")
ESTIMATING_VERBS = vocab.words("estimating_verbs")
HABIT_ADVERBS = vocab.words("habit_adverbs")
HYPOTHETICAL_MARKS = vocab.words("hypothetical_marks")
FUTURE_AUX = vocab.words("future_aux")
CONDITIONAL_AUX = vocab.words("conditional_aux")
NEGATIVE_DETS = vocab.words("negative_dets")
OBJECT_TAKING_APPEAL_VERBS = vocab.words("object_taking_appeal_verbs")
#: Lemmas the small English pipeline gets wrong for verbs that matter here.
LEMMA_FIXES: dict[str, str] = vocab.table("lemma_fixes")


def lemma(token: Token) -> str:
    """The token's lemma, lower-cased, with known lemmatizer slips mended ("staged" -> "stag")."""
    value = token.lemma_.lower()
    return LEMMA_FIXES.get(value, value)


def clause_verb(token: Token) -> Token:
    """The verb a trigger belongs to: itself for verbs, the governing verb for nouns."""
    current = token
    for _ in range(4):
        if current.pos_ in {"VERB", "AUX"}:
            return current
        if current.head.i == current.i:  # the root (Token objects are new on each access)
            return current
        current = current.head
    return token


#: Subjects of a reported clause that name no speaker ("said it was routine").
_IMPERSONAL_SUBJECTS = frozenset({"it", "this", "that"})


def _reporter_does_it(verb: Token) -> bool:
    """True when the parser hangs on the reported clause what the reporter does:
    "Polyanskiy said the U.S. had blocked the council, accusing Washington of ..." (a
    participle) and "Lin said it was a routine arrangement and urged other countries ..." (a
    verb joined to a clause whose "it" is the thing talked about)."""
    head = verb.head
    if head.dep_ != "ccomp" or head.head.lemma_ not in vocab.REPORTING_VERBS:
        return False
    if verb.dep_ == "advcl" and verb.tag_ == "VBG":
        return True
    return (
        verb.dep_ == "conj"
        and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children)
        and all(
            c.lower_ in _IMPERSONAL_SUBJECTS
            for c in head.children
            if c.dep_ in {"nsubj", "nsubjpass"}
        )
    )


def subject_levels(verb: Token, *, speech: bool = False) -> list[list[Token]]:
    """Subject heads of ``verb`` and, level by level, of the clauses it hangs off.

    "marking the first visits" has no subject of its own; the clause it modifies does. The
    caller takes the first level whose subjects name actors. ``speech``: ``verb`` is a speech
    act, whose participle on a speech noun speaks for who issued the noun.
    """
    levels: list[list[Token]] = []
    if _reporter_does_it(verb):
        reporters = [c for c in verb.head.head.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if reporters:
            levels.append(reporters)
    current = verb
    for _ in range(5):
        found = [c for c in current.children if c.dep_ in {"nsubj", "nsubjpass", "csubj"}]
        # The small parser makes "The Red Cross operating in Iraq said" a clausal subject
        # headed by "operating": the actor is that clause's own subject.
        found = [
            inner
            for c in found
            for inner in ([g for g in c.children if g.dep_ == "nsubj"] if c.pos_ == "VERB" else [])
            or [c]
        ]
        if found:
            levels.append(found)
        if (
            current.dep_
            not in {"conj", "xcomp", "advcl", "ccomp", "pcomp", "acl", "relcl", "prep", "acomp"}
            or current.head.i == current.i
        ):
            break
        if (
            current.dep_ == "xcomp"
            and current.head.lemma_ in OBJECT_TAKING_APPEAL_VERBS
            and any(c.dep_ == "dobj" for c in current.head.children)
        ):
            break
        if current.dep_ in {"acl", "relcl"} and current.head.pos_ in {"NOUN", "PROPN"}:
            levels.append([current.head])
            issuer = _issuer_of_speech(current) if speech else None
            if issuer is None:
                break
            # "Japan issued an emergency alert urging residents to take cover": who issued
            # the alert says what it urges.
            current = issuer
            continue
        head = current.head
        if (
            current.dep_ != "ccomp"
            and head.lemma_ in vocab.PARTICIPLE_REPORTING_VERBS
            # "Speaking to the visiting president, Netanyahu said ...": a participle before
            # the reporter is the reporter's own doing.
            and current.i > head.i
        ):
            # "X sent a message, KCNA reported, praising ...": the participle belongs to the
            # reported clause, not to the reporter.
            for reported in (c for c in head.children if c.dep_ == "ccomp"):
                inner = [c for c in reported.children if c.dep_ in {"nsubj", "csubj"}]
                if inner:
                    levels.append(inner)
        current = head
    return levels


def _issuer_of_speech(participle: Token) -> Token | None:
    """The verb whose object is the speech noun a participle hangs on ("issued" for "issued
    an alert urging ..."; "said" for "said in a statement condemning ..."), or None."""
    noun = participle.head
    if participle.dep_ != "acl" or noun.lemma_.lower() not in vocab.SPEECH_NOUNS:
        return None
    governor = noun.head
    if noun.dep_ == "pobj" and governor.dep_ == "prep":
        governor = governor.head
    if noun.dep_ in {"dobj", "pobj"} and governor.pos_ in {"VERB", "AUX"}:
        return governor
    return None


def subjects(verb: Token) -> list[Token]:
    """The nearest subject heads of ``verb`` (see :func:`subject_levels`)."""
    levels = subject_levels(verb)
    return levels[0] if levels else []


def passive_agents(verb: Token) -> list[Token]:
    """The ``by`` objects of a passive verb ("was indicted by the court")."""
    out: list[Token] = []
    for child in verb.children:
        if child.dep_ == "agent":
            out.extend(c for c in child.children if c.dep_ == "pobj")
    return out


def is_passive(verb: Token) -> bool:
    """True for passive clauses ("has been accused") and past participles modifying a noun
    ("the missile, launched from Astrakhan", "missiles fired by Russia"): their subject is
    never a higher clause's ("Ukraine's air force said the missile, launched ...")."""
    if (
        verb.dep_ == "acl"
        and verb.tag_ == "VBN"
        # "allegations Moscow has denied": a perfect with a subject of its own is active.
        and not any(c.dep_ in {"nsubj", "aux"} for c in verb.children)
    ):
        return True
    return any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)


def direct_objects(verb: Token) -> list[Token]:
    """Object heads of ``verb``."""
    return [c for c in verb.children if c.dep_ in OBJECT_DEPS]


def prep_objects(token: Token, preps: frozenset[str] | set[str]) -> list[Token]:
    """Objects of the given prepositions under ``token`` ("with Kim", "on Beijing")."""
    out: list[Token] = []
    for child in token.children:
        if child.dep_ in {"prep", "agent", "dative"} and child.lower_ in preps:
            out.extend(c for c in child.children if c.dep_ in {"pobj", "pcomp"})
        elif child.dep_ == "prt" and child.lower_ in preps:
            out.extend(c for c in token.children if c.dep_ == "dobj")
    return out


def clausal_complements(verb: Token) -> list[Token]:
    """ccomp/xcomp children ("said that ...", "urged X to ...")."""
    return [c for c in verb.children if c.dep_ in {"ccomp", "xcomp"}]


def _aux(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ in {"aux", "auxpass"}}


def has_negation(token: Token) -> bool:
    """True when ``token`` is negated ("not", "never", "no one")."""
    return _has_negation(token)


def _has_negation(token: Token) -> bool:
    if any(c.dep_ == "neg" for c in token.children):
        return True
    return any(c.dep_ in {"det", "advmod"} and c.lower_ in NEGATIVE_DETS for c in token.children)


_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP"})


def _reached_from_actor(chain: list[Token], head: Token) -> bool:
    """True when the chain reaches ``head`` from its subject or its passive agent ("the
    measures were agreed by ministers meeting in Luxembourg"): the meeting is who agreed,
    not what was agreed to."""
    for previous, token in itertools.pairwise(chain):
        if token.i == head.i:
            by = previous if previous.dep_ in {"agent", "prep"} else previous.head
            return previous.dep_ in {"nsubj", "nsubjpass"} or (
                by.dep_ in {"agent", "prep"} and by.lower_ == "by"
            )
    return False


def modality(trigger: Token, *, stop_at: Token | None = None) -> str:
    """asserted, negated, hypothetical, planned or capability for the event of ``trigger``.

    Walks from the trigger up through the clauses that embed it, stopping at a reporting verb
    (``stop_at``) so that "X said it will launch" is planned, but "X said" itself is not.
    """
    verb = clause_verb(trigger)
    chain: list[Token] = [trigger] if trigger.i != verb.i else []
    current = verb
    for _ in range(6):
        chain.append(current)
        if (stop_at is not None and current.i == stop_at.i) or current.head.i == current.i:
            break
        if current.dep_ not in {
            "xcomp",
            "ccomp",
            "advcl",
            "conj",
            "relcl",
            "acl",
            "pcomp",
            "pobj",
            "prep",
            "dobj",
            "nsubj",
            "nsubjpass",
            "amod",
        }:
            break
        if current.dep_ == "ccomp" and current.head.lemma_ in vocab.MODALITY_REPORTING_VERBS:
            break
        current = current.head
    if trigger.lemma_ in DECLINING_VERBS and any(
        c.dep_ == "xcomp" and c.lemma_ in SPEECH_COMPLEMENTS for c in trigger.children
    ):
        return "negated"  # "declined to comment" says nothing
    if trigger.pos_ == "NOUN" and any(
        c.dep_ in {"amod", "compound"} and c.lower_ in vocab.PENDING_MODIFIERS
        for c in trigger.children
    ):
        return "planned"  # "a possible visit", "the upcoming summit"
    own_tense = False
    for previous, token in zip([None, *chain], chain):
        # "did not travel to Kuala Lumpur and joined the summit virtually": a conjoined verb
        # with a tense of its own is outside the other verb's negation.
        own_tense = own_tense or (
            previous is not None and previous.dep_ == "conj" and previous.tag_ in _FINITE_TAGS
        )
        if _has_negation(token) and not own_tense:
            return "negated"
        if (
            previous is not None
            and previous.i == trigger.i
            and previous.dep_ == "dobj"
            and token.lemma_ in vocab.ABSENCE_VERBS
        ):
            return "negated"  # "skipped last year's summit"
        # "refused to meet" did not meet; an adverbial beside "avoided" still happened.
        if (
            previous is not None
            and previous.dep_ == "xcomp"
            and token.lemma_ in NEGATING_HEADS
            and trigger.lemma_ not in UNNEGATED_TRIGGERS
        ):
            return "negated"
    for token in chain[:3]:
        subj = [c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if any(_has_negation(s) for s in subj):
            return "negated"
        if any(c.dep_ == "advmod" and c.lower_ == "yet" for c in token.children) and any(
            c.dep_ == "xcomp" for c in token.children
        ):
            return "negated"  # "talks had yet to begin"
    for token in chain:
        if (
            token.dep_ == "xcomp"
            and token.head.pos_ == "ADJ"
            and token.head.lower_ not in vocab.ORDINAL_ADJECTIVES
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
        ):
            return "hypothetical"  # "is welcome to visit the port": an offer, no visit
        if token.tag_ in {"VBZ", "VBP"} and any(
            c.dep_ == "mark" and c.lower_ in vocab.FUTURE_TIME_MARKS for c in token.children
        ):
            return "planned"  # "weeks before Seoul hosts the summit": still to come
    for token in chain:
        if any(c.dep_ == "mark" and c.lower_ in HYPOTHETICAL_MARKS for c in token.children):
            return "hypothetical"
        if (token.dep_ == "pobj" and token.head.lower_ == "case") or (
            token.dep_ == "prep"
            and token.lower_ == "in"
            and any(c.lower_ == "case" for c in token.children)
        ):
            return "hypothetical"
    if any(t is not trigger and t.lemma_ in ESTIMATING_VERBS for t in chain):
        return "capability"  # "estimates North Korea has launched six ICBMs": an estimate
    for previous, token in zip([None, *chain], chain[:3]):
        aux = _aux(token)
        if aux & {"can"} or token.lemma_ in CAPABILITY_ADJECTIVES:
            return "capability"
        if aux & {"could"} and token.lemma_ in CAPABILITY_VERBS:
            return "capability"
        if aux & CONDITIONAL_AUX or aux & {"could"}:
            return "hypothetical"
        if aux & FUTURE_AUX:
            return "planned"
        if (
            token is not trigger
            and token.lemma_ in PLANNING_HEADS
            and token.i < trigger.i
            # "agreed at a summit": the summit is where they agreed, not what they plan
            # ("preparing for a launch" is the plan).
            and not (previous is not None and _sets_the_scene(previous))
            and not _reached_from_actor(chain, token)
            # "agreed to impose sanctions": agreeing is the sanctions decision itself.
            and not (token.lemma_ in DECISION_HEADS and trigger.lemma_ in DECIDED_TRIGGERS)
        ):
            return "planned"
        if token is not trigger and token.lemma_ in CAPABILITY_WORDS:
            return "capability"
    for token in chain[1:4]:
        if token.lemma_ == "be" and any(
            c.dep_ == "acomp" and c.lemma_ in PLANNING_HEADS and c.i < trigger.i
            for c in token.children
        ):
            return "planned"  # "Witkoff is due in Moscow later this week for talks"
    for token in chain[:2]:
        if _present(token) and any(
            c.dep_ == "advmod" and c.lower_ in HABIT_ADVERBS for c in token.children
        ):
            # "typically holds parades to mark anniversaries": a habit, as general as a
            # capability, not one happening.
            return "capability"
        if _tally_over_a_period(token):
            return "capability"
    head = trigger.head
    if (
        trigger.tag_ == "NNS"
        and trigger.dep_ == "nsubj"
        and head.tag_ in {"VBZ", "VBP"}
        and not any(c.dep_ == "det" for c in trigger.children)
    ):
        # "Iran's satellite launches defy Resolution 2231": launches in general, judged in the
        # present, as general as a habit; no one happening.
        return "capability"
    if (
        trigger.dep_ == "nsubjpass"
        and head.lemma_ in SCHEDULING_VERBS
        and not _has_negation(head)
        and "have" not in {c.lemma_ for c in head.children if c.dep_ == "aux"}
    ):
        return "planned"  # "Taiwan's annual Han Kuang exercises are scheduled for July"
    return "asserted"


def _present(verb: Token) -> bool:
    """True for a verb in the present: "holds", "hold", "are staged"."""
    if verb.tag_ in {"VBZ", "VBP"}:
        return True
    return verb.tag_ == "VBN" and any(
        c.dep_ == "auxpass" and c.tag_ in {"VBZ", "VBP"} for c in verb.children
    )


def setting_modality(trigger: Token) -> str | None:
    """The modality of the verb an event noun's prepositional phrases hang on, when it is
    planned or hypothetical: "are expected to meet on the sidelines of the G20 summit next
    month" sets the summit beside a planned meeting, no more than planned itself."""
    if trigger.pos_ != "NOUN":
        return None
    current = trigger
    for _ in range(6):
        if current.dep_ not in {"pobj", "prep"} or current.head.i == current.i:
            return None
        current = current.head
        if current.pos_ in {"VERB", "AUX"}:
            found = modality(current)
            return found if found in {"planned", "hypothetical"} else None
    return None


#: Prepositions that set where or when a clause happened, never what it plans.
_SETTING_PREPS = frozenset({"at", "during", "amid", "after", "following"})


def _sets_the_scene(link: Token) -> bool:
    """True when ``link`` is, or is the object of, a preposition of setting ("at a summit")."""
    prep = link.head if link.dep_ == "pobj" else link
    return prep.dep_ == "prep" and prep.lower_ in _SETTING_PREPS


#: Spans of time a tally is counted over ("in recent years", "since 2012", "so far this year").
_PERIOD_NOUNS = frozenset({"years", "decades", "months", "year", "decade"})
_TALLY_WORDS = frozenset({"several", "many", "dozens", "hundreds", "numerous", "multiple"})


def _tally_over_a_period(verb: Token) -> bool:
    """ "Iran has launched several satellites in recent years", "has fired more than 100
    missiles since 2022": a count of happenings over a span of time is background, as an
    estimate is, not one happening."""
    if "have" not in {c.lemma_ for c in verb.children if c.dep_ == "aux"} or verb.tag_ != "VBN":
        return False
    if any(c.tag_ == "VBD" for c in verb.children if c.dep_ == "aux"):
        return False  # "had launched": the past perfect tells one earlier happening
    counted = any(
        t.lower_ in _TALLY_WORDS or (t.like_num and t.i > 0 and t.text not in {"1", "one"})
        for o in verb.children
        if o.dep_ == "dobj"
        for t in o.subtree
    )
    period = any(
        p.lower_ == "since" or any(t.lower_ in _PERIOD_NOUNS for t in p.subtree)
        for p in verb.children
        if p.dep_ == "prep"
    )
    return counted and period


def in_span(token: Token, span: Span) -> bool:
    """True when ``token`` lies inside ``span``."""
    return span.start <= token.i < span.end
