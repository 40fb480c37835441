"""Who a phrase refers to: gazetteer phrases, people with their nationality, pronouns, titles.

One :class:`ArticleActors` per article keeps the in-article coreference state: full names of
people seen so far (so "Kim" is Kim Jong Un and "Patel" is Vedant Patel), the last person and the
last country-like actor in subject position (so "He slammed" is the last named speaker), and the
countries of titles ("a State Department spokesman" makes a later "spokesman Vedant Patel" USA).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from worker.extraction import syntax
from worker.extraction.components import ACTOR_SPANS
from worker.extraction.gazetteer import Entry, Gazetteer
from worker.extraction.page_structure import Dateline
from worker.extraction.vocabulary import (
    ACTOR_NOUNS,
    CIVIL_SOCIETY_BODIES,
    COMPANY_HEADS,
    DATELINE_RE,
    GOVERNMENT_NOUNS,
    GROUP_REFERENCE_NOUNS,
    GROUP_REGION_WORDS,
    HOME_BODIES,
    NONPOLITICAL_ROLES,
    OFFICIAL_TITLES,
    ORDINARY_PEOPLE,
    PERSON_PRONOUNS,
    POLITICAL_TITLES,
    POSSESSIVE_PRONOUNS,
    SPORTS_BODIES,
    THING_PRONOUNS,
    TITLE_WORDS,
)


@dataclass(frozen=True)
class ResolvedActor:
    """A resolved actor: canonical name, country code and kind."""

    name: str
    country: str | None
    kind: str


#: Short names two states share -> (the state they mean when the story names it in full, the
#: other state, whose full naming keeps them on their gazetteer entry).
SHARED_NAMES: dict[str, tuple[str, str]] = {
    "congo": ("COD", "COG"),
    "congolese": ("COD", "COG"),
}


#: Number words of "the three countries".
_NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}


#: Pronouns that may mean several states named together.
_PLURAL_PRONOUNS = frozenset({"they", "them", "their"})


def _of_a_noun(child: Token) -> bool:
    """True for an "of" phrase naming a whole ("of the region"), not a gerund ("of using")."""
    return (
        child.dep_ == "prep"
        and child.lower_ == "of"
        and any(g.dep_ == "pobj" for g in child.children)
    )


@dataclass
class ArticleActors:
    """Resolves tokens of one article to actors; keeps the article's coreference state."""

    doc: Doc
    gazetteer: Gazetteer
    #: The story's opening dateline as the page reader found it (every form, dated or not).
    page_dateline: Dateline | None = None
    people: dict[str, ResolvedActor] = field(default_factory=dict)
    name_parts: dict[str, ResolvedActor] = field(default_factory=dict)
    #: The words of every title a person's name came with in this article ("Nike Chief
    #: Executive", "Foreign Ministry spokesperson"), and whether a company was named in it.
    person_titles: dict[str, set[str]] = field(default_factory=dict)
    company_titled: set[str] = field(default_factory=set)
    #: People found in the leaders/officials gazetteers: political whatever their title.
    listed_people: set[str] = field(default_factory=set)
    title_countries: dict[str, str] = field(default_factory=dict)
    #: Bodies by the last word of their name ("Eastern Theater Command" -> "command"), so
    #: that "the command" later in the story is that body.
    body_heads: dict[str, ResolvedActor] = field(default_factory=dict)
    #: Acronyms the story defined ("South Korea's Joint Chiefs of Staff (JCS)") -> the actor.
    acronyms: dict[str, ResolvedActor] = field(default_factory=dict)
    #: States the story named together ("Britain, France and Germany"), with the position
    #: of the first, so that "the three countries" later means them.
    country_groups: list[tuple[int, list[ResolvedActor]]] = field(default_factory=list)
    #: The states or bodies of the last subject that named several ("Britain, France and
    #: Germany said ...; they urged Iran"): what "they" means while no single one followed.
    last_group: list[ResolvedActor] = field(default_factory=list)
    last_person: ResolvedActor | None = None
    last_actor: ResolvedActor | None = None
    #: Country of the dateline city ("TEHRAN, Jan 22 (Reuters) —"), if the article has one.
    dateline_country: str | None = None
    _token_entries: dict[int, tuple[Span, Entry]] = field(default_factory=dict)
    _person_spans: dict[int, Span] = field(default_factory=dict)
    #: Tokens of the article's datelines: a place that files the story, never an actor.
    _datelines: set[int] = field(default_factory=set)
    #: The article's text, joined once (Doc.text and Span.text join their tokens on every call).
    text: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.text = self.doc.text
        named_countries = set()
        spans = []
        for span in self.doc.spans.get(ACTOR_SPANS, []):
            entry = self.gazetteer.phrases.get(span.kb_id_)
            if entry is None:
                continue
            spans.append((span, entry))
            if not entry.contextual and entry.form != "demonym":
                named_countries.add(entry.country)
        datelines = self._dateline_tokens()
        self._datelines = datelines
        shared = self._shared_names(spans, named_countries)
        for span, entry in spans:
            entry = shared.get(span.text.lower(), entry)
            if entry.contextual and entry.country not in named_countries:
                continue
            if span.start in datelines:
                if self.dateline_country is None and entry.kind == "country":
                    self.dateline_country = entry.country
                continue
            for token in span:
                self._token_entries[token.i] = (span, entry)
            if entry.kind == "person" and entry.form != "surname":
                # A listed person named in full anywhere in the story is who a lone surname
                # means later, even where the parser never reaches the full name.
                actor = ResolvedActor(entry.name, entry.country, "person")
                self.listed_people.add(actor.name)
                parts = entry.name.split()
                if len(parts) > 1:
                    for part in (parts[0], parts[-1]):
                        self.name_parts.setdefault(part.lower(), actor)
        for ent in self.doc.ents:
            if ent.label_ == "PERSON":
                for token in ent:
                    self._person_spans[token.i] = ent

    def _shared_names(
        self, spans: list[tuple[Span, Entry]], named: set[str | None]
    ) -> dict[str, Entry]:
        """Names two states share, read as the one the story names in full: "Congo" and
        "Congolese" are the Democratic Republic's in a story that names it (Kinshasa, DRC)
        and not Brazzaville's."""
        out: dict[str, Entry] = {}
        for short, (full, other) in SHARED_NAMES.items():
            full_named = any(
                e.country == full and s.text.lower() not in SHARED_NAMES for s, e in spans
            )
            other_named = any(
                e.country == other and s.text.lower() not in SHARED_NAMES for s, e in spans
            )
            if full_named and not other_named and full in named:
                name = self.gazetteer.country_names.get(full, full)
                out[short] = Entry(name, full, "country", "alias")
        return out

    def _dateline_tokens(self) -> set[int]:
        """Tokens of "PARIS, May 7 (Reuters) —" prefixes: a dateline place is no actor."""
        out: set[int] = set()
        for sent in self.doc.sents:
            match = DATELINE_RE.match(self.text[sent.start_char : sent.end_char])
            if match:
                end = sent.start_char + match.end()
                out.update(t.i for t in sent if t.idx < end)
        # "SEOUL, South Korea (AP) —" gives no date, which the pattern above needs; the page
        # reader (run once per article by the extractor) knows every form of the dateline.
        dateline = self.page_dateline
        if dateline is not None:
            span = self.doc.char_span(dateline.start, dateline.end, alignment_mode="expand")
            if span is not None:
                out.update(range(span.start, span.end))
        return out

    # -- single tokens -------------------------------------------------------------------

    def entry_at(self, token: Token) -> tuple[Span, Entry] | None:
        """The gazetteer phrase covering ``token``, if any."""
        return self._token_entries.get(token.i)

    def country_of(self, token: Token) -> str | None:
        """Country named by ``token`` when it is a country/capital/demonym/institution phrase."""
        found = self.entry_at(token)
        if found and found[1].kind != "person":
            return found[1].country
        return None

    def _entry_actor(self, entry: Entry) -> ResolvedActor:
        if entry.kind == "country":
            return ResolvedActor(entry.name, entry.country, "country")
        return ResolvedActor(entry.name, entry.country, entry.kind)

    # -- people ----------------------------------------------------------------------------

    def _person(self, ent: Span) -> ResolvedActor:
        actor = self._person_actor(ent)
        self._note_person_title(actor, ent)
        return actor

    def _note_person_title(self, actor: ResolvedActor, ent: Span) -> None:
        """Remember the title words a name comes with, before it ("Tigers manager Akinobu
        Okada") or beside it ("TM Roh, president and head of Samsung's business")."""
        words = self.person_titles.setdefault(actor.name, set())
        phrase: list[Token] = []
        i = ent.start - 1
        while i >= ent.sent.start and ent.start - i <= 8:
            token = self.doc[i]
            if token.is_punct and token.text not in {"-", "’s", "'s", "."}:
                break
            if token.pos_ in {"VERB", "AUX", "ADP", "SCONJ", "CCONJ"} and token.lower_ != "of":
                break
            phrase.append(token)
            i -= 1
        head = ent.root
        if head.dep_ == "appos" and head.head.i < head.i:
            phrase += [t for left in head.head.lefts for t in left.subtree] + [head.head]
        for child in head.children:
            if child.dep_ == "appos":
                phrase += list(child.subtree)
        # The name's own words: "Archbishop Desmond Tutu", "Bosnian Serbs" (a people, named
        # by its demonym, is a group that speaks for a side).
        words.update(t.lower_ for t in (*phrase, *ent))
        if any(self.country_of(t) for t in ent):
            words.add("people")
        # A company named in the title: an organisation the gazetteer does not know as a
        # state body ("Nintendo", "Samsung's").
        if any(
            t.ent_type_ == "ORG" and self.country_of(t) is None and not self._state_words(t)
            for t in phrase
        ) or any(self._names_a_firm(t) for t in phrase):
            self.company_titled.add(actor.name)

    def _names_a_firm(self, token: Token) -> bool:
        """True when ``token`` is a name the NER left untagged that modifies a company head
        ("Emirates president Tim Clark"): no state, body or person the story knows."""
        return (
            token.pos_ == "PROPN"
            and token.ent_type_ in {"", "ORG"}
            and token.dep_ in {"compound", "nmod", "poss"}
            and token.head.lower_ in COMPANY_HEADS
            and self.country_of(token) is None
            and token.lower_ not in TITLE_WORDS | POLITICAL_TITLES | GOVERNMENT_NOUNS
            and token.lower_ not in self.acronyms
            and not self._state_words(token)
        )

    def is_armed_side(self, actor: ResolvedActor) -> bool:
        """True when ``actor`` may hold a military exercise: a political actor that is no
        group of ordinary people ("Japan residents" rehearse for earthquakes, not war)."""
        if actor.kind == "group" and actor.name.rsplit(" ", 1)[-1].lower() in ORDINARY_PEOPLE:
            return False
        return self.is_political(actor)

    def _state_words(self, token: Token) -> bool:
        """True when the organisation entity around ``token`` is named by a state's words
        ("the Army's deputy chief", "Rear Admiral" tagged as an organisation): no company."""
        start, end = token.i, token.i + 1
        while start > 0 and self.doc[start].ent_iob_ == "I":
            start -= 1
        while end < len(self.doc) and self.doc[end].ent_iob_ == "I":
            end += 1
        return any(
            t.lower_ in GOVERNMENT_NOUNS or t.lower_ in POLITICAL_TITLES
            for t in self.doc[start:end]
        )

    def is_political(self, actor: ResolvedActor) -> bool:
        """True when ``actor`` may make a statement event: a state, a body of one, an
        international body, an armed or political group, or a person with a political title
        or in the leaders/officials gazetteers; not an executive, athlete, entertainer,
        journalist, analyst or ordinary person (the gold convention)."""
        if actor.kind != "person":
            return actor.country is not None
        if actor.name in self.listed_people:
            return True
        words = self.person_titles.get(actor.name, set())
        if words & SPORTS_BODIES:
            return False  # "football federation president": a sports official
        if words & CIVIL_SOCIETY_BODIES and actor.country is None:
            return False  # "a leader of the ... human rights group": civil society
        if words & (POLITICAL_TITLES | {"people"}) and not (
            actor.name in self.company_titled and words & COMPANY_HEADS
        ):
            return True
        if words & NONPOLITICAL_ROLES or actor.name in self.company_titled:
            return False
        return actor.country is not None

    def _person_actor(self, ent: Span) -> ResolvedActor:
        text = ent.text
        for suffix in ("’s", "'s"):
            text = text.removesuffix(suffix)
        text = " ".join(text.split())
        key = text.lower()
        if key in self.people:
            return self.people[key]
        # A surname the story has already given in full ("John Morales ... Morales said") is
        # that person, before any namesake in the gazetteers (Evo Morales).
        entry = None if len(ent) == 1 and key in self.name_parts else self.gazetteer.lookup(text)
        if entry is not None and entry.kind == "person":
            actor = ResolvedActor(entry.name, entry.country, "person")
            self.listed_people.add(actor.name)
        elif len(ent) == 1 and key in self.name_parts:
            actor = self.name_parts[key]
        else:
            actor = ResolvedActor(text, self._person_country(ent), "person")
        self.people[key] = actor
        self.people[actor.name.lower()] = actor
        tokens = actor.name.split()
        if len(tokens) > 1:
            for part in (tokens[0], tokens[-1]):
                self.name_parts.setdefault(part.lower(), actor)
        return actor

    def _person_country(self, ent: Span) -> str | None:
        """Nationality from the words before a name ("Russian Defense Minister ..."), or from
        a title that names its realm ("the King of Jordan", "the Sultan of Oman")."""
        for token in ent:
            if token.lower_ == "of" and token.i > ent.start:
                for realm in self.doc[token.i + 1 : ent.end]:
                    if country := self.country_of(realm):
                        return country
        sent_start = ent.sent.start
        titles: list[str] = []
        body: str | None = None
        i = ent.start - 1
        while i >= sent_start and ent.start - i <= 8:
            token = self.doc[i]
            country = self.country_of(token)
            if country and self._names_a_body(token):
                # "Algeria's U.N. Ambassador": the state's envoy to the body, when a state
                # comes before it; the body's own official ("UN envoy Pedersen") when none.
                body = body or country
            elif country:
                self._remember_titles(titles, country)
                return country
            if token.is_punct and token.text not in {"-", "’s", "'s"}:
                break
            if token.pos_ in {"VERB", "AUX"} and token.dep_ not in {"amod", "compound"}:
                break  # "Russia and Belarus began joint Zapad drills": another clause's country
            if token.lower_ in TITLE_WORDS or token.pos_ in {"PROPN", "NOUN", "ADJ"}:
                titles.append(token.lower_)
            i -= 1
        if body is not None:
            return body
        head = ent.root
        # The name is the appositive: "France's deputy ambassador, Nathalie Broadhurst, ...".
        if head.dep_ == "appos" and head.head.i < head.i:
            title_noun = head.head
            for left in title_noun.lefts:
                for token in left.subtree:
                    country = self.country_of(token)
                    if country:
                        return country
        # Appositive after the name: "Kofi Annan, UN secretary-general".
        for child in head.children:
            if child.dep_ == "appos":
                for sub in child.subtree:
                    country = self.country_of(sub)
                    if country:
                        return country
                # "Habibollah Sayyari, the Army's deputy chief": the body the story has
                # already given a country ("The Iranian Army launched drills").
                for sub in child.subtree:
                    if (
                        sub.pos_ == "PROPN"
                        or sub.lower_ in GOVERNMENT_NOUNS
                        or sub.lower_ in self.body_heads
                    ):
                        country = self.title_countries.get(sub.lower_)
                        if country:
                            return country
        for title in titles:
            if title in self.title_countries:
                return self.title_countries[title]
        if self.dateline_country and set(titles) & OFFICIAL_TITLES:
            # Wire copy names local officials without their nationality ("Foreign Ministry
            # spokesman X" in a story filed from Tehran): the dateline supplies it.
            return self.dateline_country
        return None

    def _names_a_body(self, token: Token) -> bool:
        """True when ``token`` names an international body ("U.N.", "EU", "NATO")."""
        found = self.entry_at(token)
        return found is not None and found[1].kind == "igo"

    def _remember_titles(self, titles: list[str], country: str) -> None:
        for title in titles:
            if title in TITLE_WORDS:
                self.title_countries[title] = country

    def note_acronyms(self, sent: Span) -> None:
        """Remember "<actor phrase> (ABC)" definitions, so that "the ABC said" is that actor."""
        tokens = list(sent)
        for index in range(1, len(tokens) - 2):
            opening, short, closing = tokens[index], tokens[index + 1], tokens[index + 2]
            if opening.text != "(" or closing.text != ")":
                continue
            if not (short.is_upper and short.is_alpha and 2 <= len(short) <= 6):
                continue
            named = short.head if short.dep_ == "appos" else tokens[index - 1]
            # "South Korea's Joint Chiefs of Staff (JCS)": the body, or the state it belongs to.
            actor = self._resolve_head(named) or self._modified_noun(named)
            if actor is None or actor.kind == "person":
                continue
            # A state body ("Joint Chiefs of Staff"), not a firm named after its country
            # ("Taiwan Semiconductor Manufacturing Co (TSMC)").
            if actor.kind != "group" or named.lower_.removesuffix("s") in GOVERNMENT_NOUNS:
                self.acronyms.setdefault(short.text, actor)

    def note_titles(self, sent: Span) -> None:
        """Remember "<country> <title>" pairs of a sentence ("State Department spokesman"),
        and the bodies it names by the last word of their name ("the Eastern Theater
        Command": "the command" is that body from now on)."""
        for token in sent:
            found = self.entry_at(token)
            if (
                found is not None
                and found[1].kind not in {"person", "country"}
                and token.i == found[0].end - 1 > found[0].start
                and token.pos_ in {"NOUN", "PROPN"}
            ):
                body = self._entry_actor(found[1])
                self.body_heads[token.lower_] = body
                if body.country:
                    self.title_countries[token.lower_] = body.country
            if (token.lower_ in TITLE_WORDS or token.lower_ in GOVERNMENT_NOUNS) and (
                token.pos_ in {"NOUN", "PROPN"}
            ):
                for left in token.lefts:
                    for sub in left.subtree:
                        country = self.country_of(sub)
                        if country:
                            self.title_countries[token.lower_] = country

    def note_country_groups(self, sent: Span) -> None:
        """Remember the states a sentence names together ("Britain, France and Germany",
        "British, French and German ministers"): a later "the three countries" or "the two
        governments" refers to them."""
        for token in sent:
            if token.dep_ == "conj":
                continue  # each group once, from its first member
            conjuncts = [c for c in token.conjuncts if c.i > token.i]
            if not conjuncts:
                continue
            members: list[ResolvedActor] = []
            for member in (token, *conjuncts):
                found = self.entry_at(member)
                if found is None or found[1].kind != "country":
                    members = []
                    break
                actor = self._entry_actor(found[1])
                if actor not in members:
                    members.append(actor)
            if len(members) >= 2:
                self.country_groups.append((token.i, members))

    def _group_named_before(self, token: Token) -> list[ResolvedActor]:
        """The states "the three countries", "both governments" or "the European powers"
        refer to: the last group of that many states the story named before."""
        if token.tag_ not in {"NNS", "NNPS"} or token.lemma_.lower() not in GROUP_REFERENCE_NOUNS:
            return []
        children = list(token.children)
        if any(c.dep_ == "poss" or _of_a_noun(c) for c in children):
            return []  # "Russia's allies", "the countries of the region": not a named group
        size = None
        for child in children:
            if child.dep_ == "nummod":
                size = _NUMBER_WORDS.get(child.lower_) or (
                    int(child.text) if child.text.isdigit() else None
                )
            elif child.dep_ in {"det", "predet"} and child.lower_ == "both":
                size = 2
        regional = any(c.dep_ == "amod" and c.lower_ in GROUP_REGION_WORDS for c in children)
        if size is None and not regional:
            return []
        if not any(c.dep_ in {"det", "predet"} for c in children) and size != 2:
            return []  # "three countries abstained": new ones, not the ones named before
        for start, members in reversed(self.country_groups):
            if start < token.i and (size is None or len(members) == size):
                return members
        return []

    # -- phrases ----------------------------------------------------------------------------

    def resolve(self, token: Token, *, subject: bool = False) -> list[ResolvedActor]:
        """Actors a noun phrase headed by ``token`` refers to (its conjuncts included)."""
        if token.lower_ in _PLURAL_PRONOUNS and self.last_group:
            return list(self.last_group)
        actors: list[ResolvedActor] = []
        for head in [token, *[c for c in token.conjuncts if c.i > token.i]]:
            actor = self._resolve_head(head)
            if actor is None:
                actors += [a for a in self._group_named_before(head) if a not in actors]
            if actor is not None and actor not in actors:
                actors.append(actor)
            if actor is not None and actor.kind != "person":
                actors += [a for a in self._coordinated_nationals(head) if a not in actors]
        if subject and actors:
            sides = [a for a in actors if a.kind != "person"]
            if sides:
                self.last_group = sides if len(sides) > 1 else []
            for actor in actors:
                if actor.kind == "person":
                    self.last_person = actor
                else:
                    self.last_actor = actor
        return actors

    def _resolve_head(self, token: Token) -> ResolvedActor | None:
        if token.i in self._datelines:
            # "UNITED NATIONS (AP) — A divided U.N. Security Council rejected ...": the
            # dateline parsed as the subject, the real subject hung on it as an appositive.
            # ("Tehran, May 28, IRNA -- Sultan of Oman Haitham bin Tarik arrived": the chain
            # of appositives runs through the dateline's own words first.)
            for child in token.subtree:
                if (
                    child.dep_ == "appos"
                    and child.i not in self._datelines
                    and child.head.i in self._datelines
                ):
                    return self._resolve_head(child)
            return None
        lowered = token.lower_
        if token.pos_ == "PRON" or lowered in PERSON_PRONOUNS | THING_PRONOUNS:
            if lowered in PERSON_PRONOUNS:
                return self.last_person
            if lowered in THING_PRONOUNS:
                return self.last_actor or self.last_person
            return None
        ent = self._person_spans.get(token.i)
        if ent is not None:
            covering = self.entry_at(token)
            if (
                covering is not None
                and covering[1].kind != "person"
                and covering[0].start <= ent.start
                and covering[0].end >= ent.end
            ):
                return self._entry_actor(covering[1])
            return self._person(ent)
        found = self.entry_at(token)
        if found is not None:
            _span, entry = found
            if entry.form == "demonym" and token.pos_ in {"ADJ"} and token.dep_ == "amod":
                return None
            if (
                entry.form == "demonym"
                and token.tag_ in {"NN", "NNP", "JJ"}
                and token.dep_ in {"nsubj", "nsubjpass", "dobj", "pobj"}
                and any(c.dep_ == "det" and c.lower_ in {"the", "a", "an"} for c in token.children)
            ):
                # "the Croatian told the crowd": one person of that nationality (a player, a
                # coach), not the state; "the Russians" may still be the Russian side.
                return None
            if entry.kind == "person":
                return self._person_from_entry(entry)
            return self._entry_actor(entry)
        if (
            token.pos_ == "NOUN"
            and lowered in self.body_heads
            and any(c.dep_ == "det" and c.lower_ == "the" for c in token.children)
        ):
            return self.body_heads[lowered]  # "the command": the body named before
        if lowered in ACTOR_NOUNS or token.lemma_.lower() in ACTOR_NOUNS:
            # "Its spokesman, Lin Jian, told ...": the person named beside the title.
            for child in token.children:
                if child.dep_ == "appos" and child.i in self._person_spans:
                    return self._resolve_head(child)
            return self._modified_noun(token)
        if token.pos_ == "NOUN":
            # "Rwanda's representative, Ernest Rwamucyo, rejected ...": any title noun with
            # the person named beside it is that person.
            for child in token.children:
                if child.dep_ == "appos" and child.i in self._person_spans:
                    return self._resolve_head(child)
        if token.pos_ == "PROPN":
            # "Kenzo Oshima, the UN relief coordinator, demanded ...": a name the NER missed
            # is described by its appositive; the described body or state stands for it.
            for child in token.children:
                if child.dep_ == "appos":
                    described = self._resolve_head(child) or self._modified_noun(child)
                    if described is not None:
                        return described
            if token.text in self.acronyms:
                return self.acronyms[token.text]
            return self._named_before(token)
        return None

    def _coordinated_nationals(self, token: Token) -> list[ResolvedActor]:
        """ "Russian and Ukrainian delegations": the states of a modifier's conjuncts, each
        with its own share of the noun (the first is what :meth:`_modified_noun` found)."""
        out: list[ResolvedActor] = []
        modifiers = [c for c in token.children if c.dep_ in {"amod", "compound"}]
        # "the leaders of Japan and South Korea": the conjuncts of an "of" phrase too.
        modifiers += syntax.prep_objects(token, {"of"})
        for child in modifiers:
            for conj in child.conjuncts:
                found = self.entry_at(conj)
                if found is None or found[1].kind != "country":
                    continue
                out.append(self._share_of(found[1], token))
        return out

    def _share_of(self, entry: Entry, noun: Token) -> ResolvedActor:
        """The actor a noun modified by ``entry`` names: the body or state itself ("Russia's
        government"), or the country's group of that noun ("Russia delegations")."""
        if entry.kind != "country" or noun.lemma_.lower() in GOVERNMENT_NOUNS:
            return self._entry_actor(entry)
        return ResolvedActor(f"{entry.name} {noun.text.lower()}", entry.country, "group")

    def _named_before(self, token: Token) -> ResolvedActor | None:
        """The person a lone surname the NER missed refers to, when the story has named them
        in full before ("Yoshimasa Hayashi told ... " then "... Hayashi said")."""
        if token.is_title and token.lower_ in self.name_parts:
            return self.name_parts[token.lower_]
        return None

    def _person_from_entry(self, entry: Entry) -> ResolvedActor:
        actor = ResolvedActor(entry.name, entry.country, "person")
        self.listed_people.add(actor.name)
        self.people[entry.name.lower()] = actor
        parts = entry.name.split()
        for part in (parts[0], parts[-1]):
            self.name_parts.setdefault(part.lower(), actor)
        return actor

    def _modified_noun(self, token: Token) -> ResolvedActor | None:
        """ "Russian officials", "Poland's parliament", "rebels in the Ivory Coast"."""
        candidates: list[Token] = []
        for child in token.children:
            if child.dep_ in {"amod", "compound", "poss", "nmod", "npadvmod"} or (
                child.dep_ == "prep" and child.lower_ in {"of", "in", "from", "for"}
            ):
                candidates.extend(child.subtree)
        for candidate in candidates:
            if (
                candidate.lower_ in POSSESSIVE_PRONOUNS
                and candidate.dep_ == "poss"
                and self.last_actor is not None
            ):
                return self.last_actor
            found = self.entry_at(candidate)
            if found is None:
                continue
            entry = found[1]
            if entry.kind == "person":
                continue
            return self._share_of(entry, token)
        # A title noun without a country: the country an earlier "<country> <title>" gave it.
        country = self.title_countries.get(token.lower_)
        if country is not None:
            return ResolvedActor(
                self.gazetteer.country_names.get(country, country), country, "country"
            )
        return None

    def home_body(self, token: Token) -> bool:
        """True for a state body named without a state: "the Foreign Ministry", "The
        Department of National Defense" (a determiner or a capital letter, no possessor)."""
        return (
            token.lemma_.lower() in HOME_BODIES
            and token.tag_ in {"NN", "NNP"}
            and not any(c.dep_ == "poss" for c in token.children)
            and (
                token.is_title or any(c.dep_ == "det" and c.lower_ == "the" for c in token.children)
            )
        )

    def actors_in(
        self, tokens: list[Token] | Span, exclude: set[int] | None = None
    ) -> list[ResolvedActor]:
        """Every actor named inside ``tokens`` (gazetteer phrases and people), in order."""
        seen: list[ResolvedActor] = []
        skip = exclude or set()
        done_spans: set[int] = set()
        for token in tokens:
            if token.i in skip:
                continue
            ent = self._person_spans.get(token.i)
            found = self.entry_at(token)
            key = ent.start if ent is not None else (found[0].start if found else None)
            if key is None and token.pos_ == "PROPN":
                named = self._named_before(token)
                if named is not None and named not in seen:
                    seen.append(named)
                continue
            if key is None or key in done_spans:
                continue
            done_spans.add(key)
            actor = (
                self._resolve_head(token)
                if ent is not None
                else (
                    self._entry_actor(found[1])
                    if found and found[1].kind != "person"
                    else self._person_from_entry(found[1])
                    if found
                    else None
                )
            )
            if actor is not None and actor not in seen:
                seen.append(actor)
        return seen
