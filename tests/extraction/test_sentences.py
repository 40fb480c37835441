"""Sentence cases, one per rule: event types, actors, modality and dates.

Every sentence is written for these tests (none is copied from a gold file), published on
Friday 2024-03-15 (see conftest.PUBLISHED).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from tests.extraction.conftest import PUBLISHED
from worker.extraction import ExtractedEvent, asserted_only

Extract = Callable[..., list[ExtractedEvent]]


def _one(events: list[ExtractedEvent], type_: str) -> ExtractedEvent:
    found = [e for e in events if e.type == type_]
    assert found, f"no {type_} event in {[e.type for e in events]}"
    return found[0]


def _codes(event: ExtractedEvent, role: str) -> set[str | None]:
    return {a.country for a in event.actors if a.role == role}


@pytest.mark.parametrize(
    ("text", "type_", "agents", "targets"),
    [
        ("Iran fired two ballistic missiles into the Gulf of Oman.", "launch", {"IRN"}, set()),
        (
            "Pakistan test-fired a Shaheen-3 missile from a range in Sindh.",
            "launch",
            {"PAK"},
            set(),
        ),
        (
            "Beijing staged a huge military parade in Tiananmen Square to mark the anniversary.",
            "parade",
            {"CHN"},
            set(),
        ),
        (
            "The Japanese prime minister met his Australian counterpart in Canberra.",
            "meeting",
            {"JPN"},
            {"AUS"},
        ),
        ("Moscow hosted the Iranian president for two days of talks.", "meeting", {"RUS"}, {"IRN"}),
        (
            "The Vietnamese delegation arrived in Seoul for a three-day visit.",
            "meeting",
            {"VNM"},
            {"KOR"},
        ),
        (
            "China vetoed a Security Council resolution on Myanmar.",
            "sanctions_vote",
            {"CHN"},
            {"MMR"},
        ),
        (
            "The European Union imposed sanctions on Belarusian officials.",
            "sanctions_vote",
            {"IGO"},
            {"BLR"},
        ),
        (
            "The United States and South Korea began joint military drills near the border.",
            "military_exercise",
            {"USA", "KOR"},
            set(),
        ),
        (
            "Russian and Chinese warships held naval exercises in the Sea of Japan.",
            "military_exercise",
            {"RUS", "CHN"},
            set(),
        ),
        (
            "Germany condemned the bombing of the consulate in the strongest terms.",
            "statement",
            {"DEU"},
            set(),
        ),
    ],
)
def test_event_types(
    extract: Extract, text: str, type_: str, agents: set[str], targets: set[str]
) -> None:
    event = _one(extract(text), type_)
    assert event.modality == "asserted"
    assert _codes(event, "agent") == agents
    assert targets <= _codes(event, "target")


@pytest.mark.parametrize(
    ("text", "subtype", "agent", "target"),
    [
        ("Germany condemned the bombing of the consulate.", "condemn", "DEU", None),
        (
            "The Indian foreign ministry accused Islamabad of harbouring militants.",
            "accuse",
            "IND",
            "PAK",
        ),
        (
            "Brazil warned Venezuela against any incursion across the frontier.",
            "warn",
            "BRA",
            "VEN",
        ),
        (
            "The French president praised Kenya for leading the police mission.",
            "praise",
            "FRA",
            "KEN",
        ),
        ("Turkey urged Sweden to act against the militant groups.", "appeal", "TUR", "SWE"),
        ("The Kremlin denied that its soldiers had entered the village.", "deny", "RUS", None),
        ("Ukraine demanded the immediate withdrawal of Russian forces.", "demand", "UKR", "RUS"),
        ("Israel rejected the truce proposal put forward by Egypt.", "reject", "ISR", "EGY"),
        (
            "North Korea threatened to retaliate against any provocation by Seoul.",
            "threaten",
            "PRK",
            "KOR",
        ),
        (
            "China lodged a formal protest with Tokyo over the shrine ceremony.",
            "condemn",
            "CHN",
            "JPN",
        ),
    ],
)
def test_statement_stances(
    extract: Extract, text: str, subtype: str, agent: str, target: str | None
) -> None:
    event = _one(extract(text), "statement")
    assert event.subtype == subtype
    assert _codes(event, "agent") == {agent}
    if target:
        assert target in _codes(event, "target")


def test_statement_keeps_the_quote(extract: Extract) -> None:
    event = _one(
        extract(
            '"We will never surrender an inch of our waters," the Philippine defense '
            "secretary said."
        ),
        "statement",
    )
    assert event.quote == "We will never surrender an inch of our waters"
    assert _codes(event, "agent") == {"PHL"}


@pytest.mark.parametrize(
    ("text", "name", "country", "kind"),
    [
        # title + nationality
        (
            "Brazilian Foreign Minister Tomas Verlaine condemned the coup.",
            "Tomas Verlaine",
            "BRA",
            "person",
        ),
        # known leader without a title
        ("Vladimir Putin praised the workers of the shipyard.", "Vladimir Putin", "RUS", "person"),
        # ministries and seats of government
        ("The State Department condemned the arrest of the journalist.", None, "USA", None),
        ("The Kremlin rejected the accusations as baseless.", None, "RUS", None),
        # capitals as metonyms, far from the usual suspects
        ("Nairobi condemned the raid on its embassy.", "Kenya", "KEN", "country"),
        ("Ulaanbaatar welcomed the decision of the court.", "Mongolia", "MNG", "country"),
        # demonyms
        ("Paraguayan officials condemned the smuggling ring.", None, "PRY", None),
        # international bodies: code IGO (PLOVER's convention), told apart by their names
        (
            "NATO condemned the cyberattack on the alliance's servers.",
            "North Atlantic Treaty Organization",
            "IGO",
            "igo",
        ),
        (
            "The European Union condemned the execution of the activist.",
            "European Union",
            "IGO",
            "igo",
        ),
        (
            "The UN Security Council condemned the attack on the peacekeepers.",
            "United Nations Security Council",
            "IGO",
            "igo",
        ),
    ],
)
def test_actor_resolution(
    extract: Extract, text: str, name: str | None, country: str, kind: str | None
) -> None:
    agents = [a for e in extract(text) for a in e.actors if a.role == "agent"]
    assert agents, "no agent found"
    assert agents[0].country == country
    if name:
        assert agents[0].name == name
    if kind:
        assert agents[0].kind == kind


def test_coreference_short_names_and_pronouns(extract: Extract) -> None:
    text = (
        "Chilean Foreign Minister Rosa Almendra arrived in Lima on Monday. "
        "Almendra praised Peru for its help after the floods. "
        "She also warned smugglers that the border would stay closed."
    )
    statements = [e for e in extract(text) if e.type == "statement"]
    assert len(statements) == 2
    for event in statements:
        assert [(a.name, a.country) for a in event.actors if a.role == "agent"] == [
            ("Rosa Almendra", "CHL")
        ]


def test_the_north_is_north_korea(extract: Extract) -> None:
    text = (
        "North Korea fired a cruise missile on Tuesday. "
        "Seoul condemned the North for the latest provocation."
    )
    event = _one(extract(text), "statement")
    assert _codes(event, "target") == {"PRK"}


@pytest.mark.parametrize(
    ("text", "type_", "modality"),
    [
        ("Iran fired a missile into the sea.", "launch", "asserted"),
        ("Iran did not launch any missile during the standoff.", "launch", "negated"),
        ("North Korea plans to launch a reconnaissance satellite by April.", "launch", "planned"),
        ("North Korea will launch another satellite next month.", "launch", "planned"),
        (
            "Seoul will respond forcefully if Pyongyang fires a missile at its territory.",
            "launch",
            "hypothetical",
        ),
        (
            "Iran has missiles that can be launched at targets across the region.",
            "launch",
            "capability",
        ),
    ],
)
def test_modality(extract: Extract, text: str, type_: str, modality: str) -> None:
    events = [e for e in extract(text) if e.type == type_]
    if modality == "capability" and not events:
        return  # dropping a capability claim is as good as labelling it
    assert events, f"no {type_} event"
    assert events[0].modality == modality
    assert (asserted_only(events) == events) == (modality == "asserted")


def test_capability_sentence_is_no_asserted_launch(extract: Extract) -> None:
    events = extract("Analysts believe the new rocket can reach any city in Europe.")
    assert asserted_only(events) == []


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("Iran fired a missile on Tuesday.", "2024-03-12", "day"),
        ("Iran fired a missile on Friday.", "2024-03-15", "day"),  # same day as publication
        ("Iran fired a missile today.", "2024-03-15", "day"),
        ("Iran fired a missile yesterday.", "2024-03-14", "day"),
        ("Iran fired a missile last week.", "2024-03", "month"),
        ("Iran fired a missile last month.", "2024-02", "month"),
        ("Iran fired a missile last year.", "2023", "year"),
        ("Iran fired a missile earlier this month.", "2024-03", "month"),
        ("Iran fired a missile on March 3.", "2024-03-03", "day"),
        ("Iran fired a missile on 3 March 2024.", "2024-03-03", "day"),
        ("Iran fired a missile on 2024-03-03.", "2024-03-03", "day"),
        ("Iran fired a missile last October.", "2023-10", "month"),
        ("Iran fired a missile in early March.", "2024-03", "month"),
        # a past event in a month after publication belongs to the previous year
        ("Iran fired a missile on December 30.", "2023-12-30", "day"),
    ],
)
def test_dates(extract: Extract, text: str, expected: str, precision: str) -> None:
    event = _one(extract(text), "launch")
    assert event.date_text == expected
    assert event.date_precision == precision
    assert event.date is not None and event.date <= date(2024, 3, 15)


def test_an_undated_event_takes_the_publication_day_and_says_so(extract: Extract) -> None:
    event = _one(extract("Iran fired a missile into the sea."), "launch")
    assert event.date == PUBLISHED and event.attributes["date_source"] == "published"
    assert _one(extract("Iran fired a missile into the sea.", None), "launch").date is None


def test_reactions_take_the_story_date_not_the_last_date_named(extract: Extract) -> None:
    text = (
        "North Korea fired a ballistic missile on Wednesday. "
        "The launch was its first since the attacks of October 7 last year. "
        "Japan condemned the launch."
    )
    [statement] = [e for e in extract(text) if e.type == "statement"]
    launch = _one(extract(text), "launch")
    assert statement.date == launch.date and statement.attributes["date_source"] == "context"


def test_mentions_of_one_happening_are_merged(extract: Extract) -> None:
    text = (
        "Kenya condemned Somalia on Tuesday for the border raid. "
        '"This raid is an outrage against our people," the Kenyan foreign minister said.'
    )
    statements = [e for e in extract(text) if e.type == "statement"]
    # One utterance told twice (a paraphrase, then its quote): one event, two mentions.
    [statement] = statements
    assert statement.sentence.startswith("Kenya condemned")
    assert [m.sentence[:6] for m in statement.mentions] == ["Kenya ", '"This ']
    assert statement.quote == "This raid is an outrage against our people"
    assert statement.date_text == "2024-03-12"


def test_a_quote_with_a_stance_of_its_own_stays_a_statement(extract: Extract) -> None:
    text = (
        "Kenya condemned Somalia on Tuesday for the border raid. "
        '"We will retaliate if our soldiers are attacked again," the Kenyan foreign minister '
        "warned."
    )
    statements = [e for e in extract(text) if e.type == "statement"]
    assert len(statements) == 2


def test_other_mentions_of_one_happening_are_merged(extract: Extract) -> None:
    text = (
        "North Korea fired a Hwasong-18 missile on Wednesday. "
        "The launch of the Hwasong-18 was the third this year, officials said."
    )
    launches = [e for e in extract(text) if e.type == "launch"]
    assert len(launches) == 1
    assert launches[0].date_text == "2024-03-13"
    assert launches[0].weapons == ("Hwasong-18",)


def test_confidence_is_a_probability(extract: Extract) -> None:
    events = extract("China vetoed a Security Council resolution on Myanmar on Thursday.")
    assert events and all(0.0 < e.confidence < 1.0 for e in events)


def test_statement_about_an_event_targets_its_agent(extract: Extract) -> None:
    text = (
        "Pakistan tested a Ghauri missile on Tuesday. "
        "India's foreign ministry condemned the test on Wednesday."
    )
    event = _one(extract(text), "statement")
    assert _codes(event, "agent") == {"IND"}
    assert _codes(event, "target") == {"PAK"}


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # the name is the appositive of a possessed title
        ("Chile's deputy ambassador, Marta Oyarzun, condemned the blockade.", "CHL"),
        # a name the NER misses, described by its appositive
        ("Tadeusz Wrobel, the NATO liaison officer, condemned the drone incursion.", "IGO"),
        # a local official without nationality in a datelined story
        (
            "NAIROBI, March 14 (eventwire) — Interior Minister Omondi Wekesa condemned the raid.",
            "KEN",
        ),
        # a leader named by surname alone
        ("Modi condemned the attack on the embassy.", "IND"),
    ],
)
def test_speaker_countries(extract: Extract, text: str, country: str) -> None:
    event = _one(extract(text), "statement")
    assert _codes(event, "agent") == {country}


def test_two_stances_of_one_speaker_in_one_sentence_are_one_utterance(extract: Extract) -> None:
    # The gold convention: "He slammed ... and warned ..." is one utterance, one event (two
    # would double what the dashboard counts); it is aimed at what each of its verbs aims at.
    events = extract("Cuba rejected the report and accused Washington of lying.")
    [statement] = [e for e in events if e.type == "statement"]
    assert statement.subtype == "reject"
    assert _codes(statement, "target") == {"USA"}


def test_two_speakers_in_one_sentence_stay_two_statements(extract: Extract) -> None:
    events = extract(
        "Japan condemned the launch, while China urged restraint by all sides on Friday."
    )
    assert sorted(_codes(e, "agent").pop() for e in events if e.type == "statement") == [
        "CHN",
        "JPN",
    ]


def test_event_noun_under_a_judging_verb_is_no_new_event(extract: Extract) -> None:
    events = extract("Britain accused Moscow of using its veto to protect the junta.")
    assert [e.type for e in events] == ["statement"]


def test_distant_votes_stay_apart(extract: Extract) -> None:
    text = (
        "China vetoed a Security Council resolution on sanctions against Myanmar on Tuesday. "
        "Twelve members voted in favour. "
        "Diplomats said the text had been negotiated for weeks. "
        "In June the Security Council voted to renew the sanctions on Libya."
    )
    votes = [e for e in extract(text) if e.type == "sanctions_vote"]
    assert len(votes) == 2
    assert {a.country for a in votes[0].actors if a.role == "agent"} == {"CHN"}


def test_stance_held_in_a_passive(extract: Extract) -> None:
    event = _one(extract("Hungary is opposed to the new sanctions package."), "statement")
    assert (event.subtype, _codes(event, "agent")) == ("reject", {"HUN"})


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        # the speaker refuses for itself: a rejection
        ("Mexico said it would not meet the smugglers' demands.", True),
        # a third party's absence, attributed: no statement, no meeting
        ("The Dutch premier did not attend the summit in Rome, Italian officials said.", False),
    ],
)
def test_said_with_a_negated_event(extract: Extract, text: str, statement: bool) -> None:
    events = asserted_only(extract(text))
    assert [e.subtype for e in events if e.type == "statement"] == (["reject"] if statement else [])
    assert not [e for e in events if e.type == "meeting"]


@pytest.mark.parametrize(
    ("text", "agent", "target"),
    [
        (
            "Turkey threatened to close its airspace unless Greece withdrew the frigates.",
            "TUR",
            "GRC",
        ),
        ("Venezuela warned that it would cut oil exports if Colombia sent troops.", "VEN", "COL"),
        ("Pakistan vowed to respond if India crossed the line of control again.", "PAK", "IND"),
    ],
)
def test_a_threat_targets_whoever_must_meet_its_condition(
    extract: Extract, text: str, agent: str, target: str
) -> None:
    event = _one(extract(text), "statement")
    assert _codes(event, "agent") == {agent}
    assert _codes(event, "target") == {target}


def test_a_conditional_threat_keeps_a_named_target(extract: Extract) -> None:
    event = _one(
        extract("Iran threatened Israel with retaliation if the United States struck again."),
        "statement",
    )
    assert _codes(event, "target") == {"ISR"}


@pytest.mark.parametrize(
    ("text", "targets"),
    [
        ("Egypt launched a mediation effort between Israel and Hamas on Sunday.", {"ISR"}),
        ("Norway began a mediation mission between Colombia and Venezuela.", {"COL", "VEN"}),
        (
            "Macron gave a warm welcome on Thursday to the Brazilian delegation.",
            {"BRA"},
        ),
    ],
)
def test_meeting_sides_named_on_the_noun_it_modifies_or_on_a_light_verb(
    extract: Extract, text: str, targets: set[str]
) -> None:
    event = _one(extract(text), "meeting")
    assert targets <= _codes(event, "target")


def test_a_passive_launch_of_a_possessed_missile_is_its_owners(extract: Extract) -> None:
    event = _one(
        extract("Iran's missiles were launched at dawn from a base near Tabriz."), "launch"
    )
    assert _codes(event, "agent") == {"IRN"}


def test_an_agentless_launch_is_the_one_state_whose_rocket_the_article_names(
    extract: Extract,
) -> None:
    text = (
        "North Korea's attempt to put a satellite into orbit ended in failure when its rocket "
        "exploded shortly after lift-off.\n"
        "The rocket was fired at about 10:44 p.m. on Monday from the Sohae launch site."
    )
    launches = [e for e in extract(text) if e.type == "launch"]
    assert launches and all(_codes(e, "agent") == {"PRK"} for e in launches)


def test_an_agentless_launch_stays_agentless_when_rockets_of_two_states_are_named(
    extract: Extract,
) -> None:
    text = (
        "Russia's missiles and Ukraine's drones have hit power plants for months.\n"
        "A rocket was fired at the city on Monday night."
    )
    launches = [e for e in extract(text) if e.type == "launch"]
    assert launches and all(not _codes(e, "agent") for e in launches)


def test_the_venue_of_talks_is_no_side_of_them(extract: Extract) -> None:
    event = _one(
        extract("Putin held talks in the Kremlin with Belarusian President Alexander Lukashenko."),
        "meeting",
    )
    assert _codes(event, "target") == {"BLR"}


@pytest.mark.parametrize(
    ("text", "agents", "target"),
    [
        (
            "South Korea staged air drills on Tuesday in response to North Korea's missile launch.",
            {"KOR"},
            "PRK",
        ),
        (
            "The United States and Japan held naval drills aimed at China in the East China Sea.",
            {"USA", "JPN"},
            "CHN",
        ),
    ],
)
def test_an_exercise_targets_whom_it_answers_or_is_aimed_at(
    extract: Extract, text: str, agents: set[str], target: str
) -> None:
    event = _one(extract(text), "military_exercise")
    assert _codes(event, "agent") == agents
    assert _codes(event, "target") == {target}


def test_a_drill_told_as_a_response_targets_the_earlier_launcher(extract: Extract) -> None:
    text = (
        "North Korea fired two ballistic missiles into the sea on Monday.\n"
        "South Korea's air force responded on Tuesday by staging an attack formation drill "
        "involving 20 fighter jets."
    )
    event = _one(extract(text), "military_exercise")
    assert _codes(event, "agent") == {"KOR"}
    assert _codes(event, "target") == {"PRK"}


def test_a_launch_told_as_a_retaliation_targets_the_earlier_drill(extract: Extract) -> None:
    text = (
        "The United States and South Korea held large-scale military drills last week.\n"
        "North Korea retaliated on Monday by firing two ballistic missiles into the sea."
    )
    launch = _one(extract(text), "launch")
    assert _codes(launch, "agent") == {"PRK"}
    assert _codes(launch, "target") == {"USA", "KOR"}


def test_a_reaction_to_the_sanctions_targets_the_story_s_main_event(extract: Extract) -> None:
    text = (
        "The European Union on Monday imposed sanctions on Iran Air over drone deliveries.\n"
        "Last Friday, the U.S. Treasury Department blacklisted 16 shipping companies.\n"
        "Iran's foreign ministry condemned the sanctions as illegal."
    )
    statement = _one(extract(text), "statement")
    assert [(a.name, a.country) for a in statement.actors if a.role == "target"] == [
        ("European Union", "IGO")
    ]


def test_two_international_bodies_stay_two_sides(extract: Extract) -> None:
    # Both are reported as IGO; the rules keep their own codes, so the target is not
    # dropped as the speaker's own side.
    event = _one(
        extract("NATO criticised the European Union for its decision to cut defence spending."),
        "statement",
    )
    roles = [(a.name, a.country, a.role) for a in event.actors]
    assert roles == [
        ("North Atlantic Treaty Organization", "IGO", "agent"),
        ("European Union", "IGO", "target"),
    ]


def test_a_demand_is_aimed_at_the_subject_of_what_it_demands(extract: Extract) -> None:
    event = _one(
        extract("China demanded that the United States cancel plans to sell missiles to Taiwan."),
        "statement",
    )
    assert _codes(event, "agent") == {"CHN"}
    assert _codes(event, "target") == {"USA"}


@pytest.mark.parametrize(
    "text",
    [
        "Russia fired a new ballistic missile at the Ukrainian city of Dnipro on Thursday.",
        "Russia launched missiles on Ukraine on Monday morning.",
    ],
)
def test_a_launch_is_aimed_at_what_it_was_fired_at(extract: Extract, text: str) -> None:
    launch = _one(extract(text), "launch")
    assert _codes(launch, "target") == {"UKR"}


def test_what_a_reaction_says_about_the_launch_aims_it_at_the_launcher(extract: Extract) -> None:
    text = (
        "North Korea fired a ballistic missile on Monday. "
        "Japanese Prime Minister Shigeru Ishiba said the launches threatened regional peace."
    )
    [statement] = [e for e in extract(text) if e.type == "statement"]
    assert _codes(statement, "target") == {"PRK"}


@pytest.mark.parametrize(
    "text",
    [
        "Hundreds of thousands of fans lined the streets on Thursday as the Tigers held a "
        "victory parade through Osaka.",
        "The parade, first held in 1996, is the highlight of Vienna Pride.",
        "Qanat Labs met investors in Riyadh last month to raise money.",
    ],
)
def test_civic_parades_customs_and_company_meetings_are_no_events(
    extract: Extract, text: str
) -> None:
    assert [e for e in extract(text) if e.type in {"parade", "meeting"}] == []


def test_a_military_parade_is_still_a_parade(extract: Extract) -> None:
    text = "Russia held its Victory Day parade on Red Square on Thursday with troops and tanks."
    assert _one(extract(text), "parade").modality == "asserted"


def test_an_estimate_is_no_launch(extract: Extract) -> None:
    text = "She said Washington estimates North Korea has launched at least six ICBMs this year."
    assert [e for e in extract(text) if e.type == "launch" and e.modality == "asserted"] == []


def test_a_reaction_naming_the_drills_is_a_mention_of_them_not_a_new_exercise(
    extract: Extract,
) -> None:
    text = (
        "China's military staged large-scale drills around Taiwan on Monday. "
        "Taiwan's premier said the drills caused great disturbance to the region."
    )
    [exercise] = [e for e in extract(text) if e.type == "military_exercise"]
    assert len(exercise.mentions) == 2


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("A Long March-2F rocket carrying the Shenzhou-20 spacecraft lifted off from Jiuquan "
         "on Thursday.", "launch"),
        ("An unarmed Minuteman III intercontinental ballistic missile roared out of a silo "
         "at Vandenberg on Tuesday.", "launch"),
        ("The Guards put Iran's first military satellite, Noor-1, into orbit in April 2020.",
         "launch"),
        ("Chinese Foreign Minister Wang Yi held separate phone conversations on Saturday with "
         "Indian National Security Adviser Ajit Doval.", "meeting"),
        ("The European Union imposed asset freezes and travel bans on 15 more officials.",
         "sanctions_vote"),
    ],
)  # fmt: skip
def test_how_real_news_words_launches_calls_and_sanctions(
    extract: Extract, text: str, kind: str
) -> None:
    assert _one(extract(text), kind).modality == "asserted"


def test_a_reaction_naming_no_one_is_aimed_at_the_story_event(extract: Extract) -> None:
    text = (
        "North Korea fired a ballistic missile into the sea on Thursday. "
        "Japan's top government spokesman told a press conference that Tokyo had lodged a "
        "strong protest through diplomatic channels."
    )
    [statement] = [e for e in extract(text) if e.type == "statement"]
    assert _codes(statement, "target") == {"PRK"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Russia and Belarus on Friday launched joint military exercises that will include "
         "planning for the use of nuclear weapons.", "launch"),
        ("Barcelona, Aston Villa and Lyon were also sanctioned by Uefa on Friday.",
         "sanctions_vote"),
        ("North Korea has long slammed U.S.-led drills as invasion rehearsals.", "statement"),
        ("President Ebrahim Raisi officially welcomed the Sultan at the Saadabad Palace.",
         "statement"),
    ],
)  # fmt: skip
def test_near_misses_of_real_news(extract: Extract, text: str, kind: str) -> None:
    assert [e for e in extract(text) if e.type == kind and e.modality == "asserted"] == []
