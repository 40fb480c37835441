"""Rules for phenomena of real news (extractor 0.5): one utterance per speaker side, dates told
relative to the story's day, offers and requests that are not events, and who a surname or a
titled appositive names.

Every text is written for these tests (none is copied from a gold file), published on Friday
2024-03-15 (see conftest.PUBLISHED) unless a case says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from worker.extraction import ExtractedEvent, asserted_only

Extract = Callable[..., list[ExtractedEvent]]


def _of(events: list[ExtractedEvent], type_: str) -> list[ExtractedEvent]:
    return [e for e in asserted_only(events) if e.type == type_]


def _codes(event: ExtractedEvent, role: str) -> set[str | None]:
    return {a.country for a in event.actors if a.role == role}


# -- one utterance ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # An official's words that his state protested: one utterance.
        "Chief Cabinet Secretary Taro Kono told a press conference that Japan had lodged a "
        "strong protest with Pyongyang.",
        # A spokesman saying his government is concerned.
        "US State Department spokesman Matthew Miller said Washington was deeply concerned "
        "about the strikes.",
        # The leader's act as the state's own media reports it.
        "North Korean leader Kim Jong Un congratulated the scientists on the launch, KCNA said.",
    ],
)
def test_a_state_inside_its_officials_words_is_one_statement(extract: Extract, text: str) -> None:
    statements = _of(extract(text), "statement")
    assert len(statements) == 1, [(e.trigger, e.actors) for e in statements]


def test_coordinated_clauses_of_one_side_stay_two_statements(extract: Extract) -> None:
    text = (
        "Washington has accused Iran of arming the rebels, and on Thursday a State Department "
        "spokesman condemned Tehran for the attack on the ship."
    )
    assert len(_of(extract(text), "statement")) == 2


def test_speakers_of_two_countries_stay_two_statements(extract: Extract) -> None:
    text = "Seoul said Pyongyang had threatened to retaliate against the drills."
    statements = _of(extract(text), "statement")
    assert {c for e in statements for c in _codes(e, "agent")} >= {"KOR"}


def test_a_coordinated_clause_keeps_its_own_non_actor_subject(extract: Extract) -> None:
    text = (
        "North Korea condemned the drills on Monday, and analysts said it could respond "
        "with more launches."
    )
    statements = _of(extract(text), "statement")
    assert all(e.trigger != "said" for e in statements), [e.trigger for e in statements]


def test_what_a_state_calls_something_is_a_name_not_a_statement(extract: Extract) -> None:
    text = 'Minsk expressed full support for what Moscow calls its "special military operation".'
    statements = _of(extract(text), "statement")
    assert all(_codes(e, "agent") != {"RUS"} for e in statements)


@pytest.mark.parametrize(
    ("text", "subtype"),
    [
        ("Former Russian President Dmitry Medvedev mocked the summit on Telegram.", "condemn"),
        ("Britain's ambassador regretted Moscow's use of the veto.", "condemn"),
        ("Iranian officials termed the strike an act of aggression.", None),
        ("Chinese state media celebrated the launch as a national triumph.", "praise"),
    ],
)
def test_stance_verbs_of_mockery_regret_naming_and_celebration(
    extract: Extract, text: str, subtype: str | None
) -> None:
    [statement] = _of(extract(text), "statement")
    assert subtype is None or statement.subtype == subtype


# -- targets ---------------------------------------------------------------------------------


def test_a_speakers_own_state_is_no_target(extract: Extract) -> None:
    text = (
        "North Korea fired a ballistic missile on Thursday. French President Emmanuel Macron "
        "said France would deliver more air defence systems to its partners in Asia."
    )
    statement = _of(extract(text), "statement")[0]
    assert "FRA" not in _codes(statement, "target")


def test_rebels_keep_their_own_states_target(extract: Extract) -> None:
    text = "Rwandan rebels demanded the removal of the Rwandan government."
    statement = _of(extract(text), "statement")[0]
    assert _codes(statement, "target") == {"RWA"}


def test_the_audience_of_a_speech_is_no_target(extract: Extract) -> None:
    text = (
        "Iran launched a satellite on Tuesday. Britain's ambassador told the Security Council "
        "that the launch defied its resolutions."
    )
    statement = _of(extract(text), "statement")[0]
    assert "IGO" not in _codes(statement, "target")
    assert _codes(statement, "target") == {"IRN"}


# -- who is named ----------------------------------------------------------------------------


def test_a_ministers_surname_alone_is_not_a_namesake(extract: Extract) -> None:
    # Son (a footballer here) is also a Vietnamese minister's surname: without his full name
    # in the story, the minister is not meant.
    text = '"Today I am a legend of this club," Son said after the final.'
    assert _of(extract(text), "statement") == []


def test_a_surname_refers_to_the_listed_person_named_earlier(extract: Extract) -> None:
    text = (
        "North Korea launched a missile on Friday. Japan's top spokesman Yoshimasa Hayashi "
        'spoke to reporters. "We strongly protest this launch," Hayashi said.'
    )
    statements = _of(extract(text), "statement")
    assert any(
        a.name == "Yoshimasa Hayashi" and a.role == "agent" for e in statements for a in e.actors
    )


def test_a_title_with_a_named_appositive_is_that_person(extract: Extract) -> None:
    text = "Rwanda's representative, Ernest Rwamucyo, rejected the report as one-sided."
    statement = _of(extract(text), "statement")[0]
    assert _codes(statement, "agent") == {"RWA"}


def test_a_dateline_without_a_date_names_no_actor(extract: Extract) -> None:
    text = (
        "SEOUL, South Korea (AP) — North Korean leader Kim Jong Un told a visiting Russian "
        "official that his country will support Moscow's position, state media said Thursday."
    )
    for event in extract(text):
        assert "KOR" not in _codes(event, "agent")


# -- not events ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "type_"),
    [
        # An offer is no visit.
        ('"Whoever needs a reminder is welcome to visit the port," the minister added.', "meeting"),
        # Talks that have yet to begin.
        ("Officials said price negotiations with the supplier had yet to begin.", "meeting"),
        # A present tense after "before" is still to come.
        ("The parade came weeks before South Korea hosts the APEC summit in Gyeongju.", "meeting"),
        # A requested meeting has not taken place.
        ("Ukraine has requested an emergency meeting of the U.N. Security Council.", "meeting"),
    ],
)
def test_offers_pending_and_requested_happenings_are_not_asserted(
    extract: Extract, text: str, type_: str
) -> None:
    assert _of(extract(text), type_) == []


def test_a_conjoined_verb_with_its_own_tense_escapes_the_negation(extract: Extract) -> None:
    text = (
        "Prime Minister Narendra Modi did not travel to Jakarta and joined the summit talks "
        "with ASEAN leaders by video."
    )
    events = extract(text)
    assert all(e.modality != "negated" for e in events if e.type == "meeting")


def test_meeting_ministers_who_agreed_measures_is_no_plan(extract: Extract) -> None:
    text = "The measures were agreed by EU foreign ministers meeting in Luxembourg on Monday."
    meetings = [e for e in extract(text) if e.type == "meeting"]
    assert meetings and meetings[0].modality == "asserted"


@pytest.mark.parametrize(
    "text",
    [
        "Japan froze the assets of four North Korean organisations on Friday.",
        "The U.S. Commerce Department added 12 Chinese companies to its entity list on Friday.",
    ],
)
def test_asset_freezes_and_entity_listings_are_sanctions(extract: Extract, text: str) -> None:
    assert _of(extract(text), "sanctions_vote")


# -- dates -----------------------------------------------------------------------------------


def test_an_earlier_test_with_a_date_of_its_own_is_another_launch(extract: Extract) -> None:
    text = (
        "India successfully test-fired an Agni-Prime missile from a rail-based launcher. "
        "The missile was earlier tested from a road-mobile launcher in April 2022."
    )
    launches = _of(extract(text), "launch")
    assert len(launches) == 2
    assert "successfully test-fired" in launches[0].sentence


def test_a_date_told_relative_to_the_story_is_a_side_step(extract: Extract) -> None:
    text = (
        "China launched three astronauts to its space station on Thursday. The spacecraft "
        "lifted off from Jiuquan in the afternoon. At a press conference a day earlier, a space "
        "agency spokesman said a foreign astronaut would fly next year."
    )
    events = asserted_only(extract(text))
    launch = next(e for e in events if e.type == "launch")
    assert launch.date == date(2024, 3, 14)


def test_a_date_in_a_nouns_name_dates_that_other_happening(extract: Extract) -> None:
    text = (
        "Houthi rebels fired a missile at central Israel on Sunday. Their spokesman warned "
        "that Israel should expect more operations as the anniversary of the October 7 "
        "attack approaches."
    )
    statement = _of(extract(text), "statement")[0]
    assert statement.date == date(2024, 3, 10)


def test_a_sentence_opening_date_with_a_time_zone_note_is_the_events(extract: Extract) -> None:
    text = "Late Thursday (U.S. time), the U.S. Treasury sanctioned eight North Korean agents."
    sanction = _of(extract(text), "sanctions_vote")[0]
    assert sanction.date == date(2024, 3, 14)


# -- traps of real pages ---------------------------------------------------------------------


def test_a_stance_given_as_a_reason_is_background(extract: Extract) -> None:
    text = (
        "A new Security Council resolution is unlikely, as China and Russia have opposed any "
        "further punitive measures."
    )
    assert _of(extract(text), "statement") == []


def test_sports_and_fashion_parades_are_no_military_parades(extract: Extract) -> None:
    sports = (
        "Title parade draws crowds\n"
        "Hundreds of thousands of fans lined the streets on Thursday as the league champions "
        "held a victory parade in navy blue buses.\n"
        "The team's joint parade with the cup winners followed a record season."
    )
    fashion = (
        "The label unveiled its collection on Monday in a disused power station, sending a "
        "parade of 40 looks down a runway lined with army surplus tents and tanks of water."
    )
    assert _of(extract(sports), "parade") == []
    assert _of(extract(fashion), "parade") == []


def test_a_caption_alone_is_a_file_photo_not_the_storys_event(extract: Extract) -> None:
    text = (
        "Russia strikes Dnipro with new missile\n"
        "A missile is displayed during Russia's military parade. (Reuters file photo)\n"
        "KYIV, Nov 21 (Reuters) - Russia fired a new ballistic missile at the city of Dnipro "
        "on Thursday, Ukraine's air force said."
    )
    events = extract(text)
    assert [e for e in events if e.type == "parade"] == []
    assert _of(events, "launch")


# -- meetings with different counterparts ------------------------------------------------------


def test_talks_with_one_side_after_meeting_another_are_two_meetings(extract: Extract) -> None:
    text = (
        "Kim Jong Un held talks with Dmitry Medvedev on Friday, after meeting Li Qiang a day "
        "earlier."
    )
    assert len(_of(extract(text), "meeting")) == 2


def test_separate_calls_with_two_sides_are_two_meetings(extract: Extract) -> None:
    text = (
        "Chinese Foreign Minister Wang Yi held separate phone talks on Saturday with India "
        "and Pakistan."
    )
    meetings = _of(extract(text), "meeting")
    assert sorted(c for e in meetings for c in _codes(e, "target")) == ["IND", "PAK"]


def test_the_end_of_a_span_is_not_the_happenings_date(extract: Extract) -> None:
    text = (
        "Philippine and US forces began their annual Balikatan drills on Monday. Some 9,000 "
        "American and 5,000 Filipino troops are taking part in the drills, which run until "
        "May 9."
    )
    assert len(_of(extract(text), "military_exercise")) == 1


# -- speakers and sides of the sports and business pages -------------------------------------


def test_a_sports_federation_president_is_no_political_speaker(extract: Extract) -> None:
    text = (
        "Former Spanish football federation president Luis Rubiales said he would appeal the ban."
    )
    assert _of(extract(text), "statement") == []


def test_an_infinitive_statement_takes_the_mood_of_its_verb(extract: Extract) -> None:
    text = "Putin will use the summit to argue that efforts to isolate Russia have failed."
    assert _of(extract(text), "statement") == []


def test_a_skipped_summit_did_not_involve_the_skipper(extract: Extract) -> None:
    text = "Putin skipped last year's BRICS summit in Johannesburg."
    assert _of(extract(text), "meeting") == []


def test_an_exercise_without_a_side_takes_the_storys_or_is_dropped(extract: Extract) -> None:
    story = (
        "Russia and Belarus began their joint Zapad exercises on Friday. The last Zapad drills, "
        "held in September 2021, involved some 200,000 troops."
    )
    exercises = _of(extract(story), "military_exercise")
    assert len(exercises) == 2 and all(_codes(e, "agent") for e in exercises)
    carnival = (
        'Members of the drum section rehearsed every night in what one called "military drills".'
    )
    assert _of(extract(carnival), "military_exercise") == []


# -- meetings and texts ----------------------------------------------------------------------


def test_a_speech_to_a_summit_is_no_new_meeting(extract: Extract) -> None:
    text = (
        "President Bola Tinubu told the summit that the coup plotters must return to their "
        "barracks. Hours before the summit, the junta's spokesman accused the bloc of "
        "planning an intervention."
    )
    assert _of(extract(text), "meeting") == []


def test_a_summit_of_a_body_is_that_bodys_meeting(extract: Extract) -> None:
    text = (
        "West African leaders imposed sanctions on Niger on Sunday at an extraordinary summit "
        "of ECOWAS in Abuja."
    )
    meetings = _of(extract(text), "meeting")
    assert meetings and _codes(meetings[0], "agent")


def test_what_a_voted_text_demands_is_no_statement(extract: Extract) -> None:
    text = (
        "The UN General Assembly on Thursday adopted a resolution demanding that Russia "
        "withdraw its troops, calling for a just and lasting peace."
    )
    assert _of(extract(text), "statement") == []
    assert _of(extract(text), "sanctions_vote")


def test_a_lunar_probe_is_launched_an_inquiry_probe_is_not(extract: Extract) -> None:
    assert _of(extract("China launched the Chang'e-6 lunar probe on Friday."), "launch")
    assert _of(extract("Police launched a probe into the leak on Friday."), "launch") == []


def test_countries_of_a_body_are_that_body(extract: Extract) -> None:
    text = "European Union countries on Monday adopted a 14th package of sanctions against Russia."
    sanction = _of(extract(text), "sanctions_vote")[0]
    assert _codes(sanction, "agent") == {"EUR"} or _codes(sanction, "agent") == {"IGO"}


def test_a_planned_happening_does_not_date_the_story(extract: Extract) -> None:
    text = (
        "EU adopts new sanctions package\n"
        "The EU is also expected to open accession talks with Ukraine on Tuesday.\n"
        "Ukraine's president thanked the EU for the package."
    )
    statement = _of(extract(text), "statement")[0]
    assert statement.date == date(2024, 3, 15)


def test_a_bare_institution_takes_the_country_it_was_named_with(extract: Extract) -> None:
    text = (
        "China's Defence Ministry confirmed the launch on Wednesday. The ministry said the "
        "launch was part of the force's annual training plan and condemned foreign criticism."
    )
    statements = _of(extract(text), "statement")
    assert any(
        "The ministry said" in e.sentence and _codes(e, "agent") == {"CHN"} for e in statements
    )


def test_an_obligation_is_not_a_meeting(extract: Extract) -> None:
    text = "Under the new procedure, the 193-member assembly must now meet within 10 days."
    assert _of(extract(text), "meeting") == []


def test_a_body_rejecting_amendments_votes_it_does_not_speak(extract: Extract) -> None:
    text = "The General Assembly rejected two amendments proposed by Belarus before the vote."
    assert _of(extract(text), "statement") == []
    assert _of(extract("Iran rejected Iraq's proposal for a ceasefire."), "statement")


def test_a_participle_after_a_reported_clause_is_the_reporters(extract: Extract) -> None:
    text = (
        "Russia's deputy ambassador Dmitry Polyanskiy said the U.S. had once again blocked the "
        "council, accusing Washington of giving Israel a free hand."
    )
    statements = _of(extract(text), "statement")
    assert statements and all(_codes(e, "agent") == {"RUS"} for e in statements)


def test_reactions_in_a_story_without_an_event_target_the_dateline_state(
    extract: Extract,
) -> None:
    text = (
        "LIBREVILLE, Aug 30 (Reuters) - Army officers in Gabon seized power on Wednesday.\n"
        "France condemned the coup and called for the election result to be respected."
    )
    statement = _of(extract(text), "statement")[0]
    assert _codes(statement, "target") == {"GAB"}


def test_what_another_side_seeks_inside_a_quote_is_the_speakers_words(extract: Extract) -> None:
    text = (
        '"Russia seeks to eliminate the panel\'s mandate," deputy US ambassador Robert Wood '
        "told the council."
    )
    statements = _of(extract(text), "statement")
    assert len(statements) == 1 and _codes(statements[0], "agent") == {"USA"}


def test_an_unplaced_spokesman_reporting_his_states_stance_is_one_statement(
    extract: Extract,
) -> None:
    text = (
        "France condemned the coup and said it wanted the election result respected, "
        "government spokesman Olivier Veran told reporters."
    )
    assert len(_of(extract(text), "statement")) == 1


@pytest.mark.parametrize(
    ("text", "agents"),
    [
        # A mission that lifted off, told in a relative clause.
        (
            "China's Chang'e-5 mission, which lifted off on Nov. 24, 2020, brought back samples.",
            {"CHN"},
        ),
        # A participle: the missile launched, from where.
        ("A surface-to-surface missile launched from Yemen struck an open area.", {"YEM"}),
    ],
)
def test_launches_told_in_participles_and_relative_clauses(
    extract: Extract, text: str, agents: set[str]
) -> None:
    launch = _of(extract(text), "launch")[0]
    assert _codes(launch, "agent") == agents


def test_agreeing_a_sanctions_package_imposes_it(extract: Extract) -> None:
    text = (
        "Ambassadors of the 27 EU member states on Thursday agreed a 14th package of sanctions "
        "against Russia."
    )
    assert _of(extract(text), "sanctions_vote")


def test_a_judgement_about_drills_in_a_story_without_them_is_no_exercise(
    extract: Extract,
) -> None:
    text = (
        "Taiwan's premier criticised Beijing on Monday. Command spokesman Li Xi said the drill "
        "was a stern warning to separatist forces."
    )
    assert _of(extract(text), "military_exercise") == []
    reported = "The PLA held naval drills near Taiwan on Sunday, the command said."
    assert _of(extract(reported), "military_exercise")


def test_two_leaders_signing_an_agreement_met(extract: Extract) -> None:
    text = (
        "In Warsaw, Zelensky and Polish Prime Minister Donald Tusk signed a bilateral security "
        "agreement on Monday."
    )
    assert _of(extract(text), "meeting")
    assert _of(extract("Japan signed a deal on Monday to buy 40 jets."), "meeting") == []


def test_talks_with_two_people_of_one_country_are_two_meetings(extract: Extract) -> None:
    text = (
        "US Secretary of State Antony Blinken met Chinese President Xi Jinping in Beijing on "
        "Friday. Earlier in the day, Blinken held talks with Chinese Foreign Minister Wang Yi."
    )
    assert len(_of(extract(text), "meeting")) == 2


def test_an_acronym_the_story_defined_names_its_body(extract: Extract) -> None:
    text = (
        "SEOUL, Oct. 31 (Yonhap) -- North Korea fired an ICBM on Thursday, South Korea's Joint "
        "Chiefs of Staff (JCS) said.\n"
        '"We strongly condemn the launch as a clear provocation," the JCS said.'
    )
    statements = _of(extract(text), "statement")
    assert statements and _codes(statements[0], "agent") == {"KOR"}
    firm = (
        "Taiwan Semiconductor Manufacturing Co (TSMC) posted record profits. TSMC met "
        "investors in Taipei and reiterated its forecast."
    )
    assert _of(extract(firm), "statement") == [] and _of(extract(firm), "meeting") == []


def test_who_reacts_to_a_drill_does_not_hold_it(extract: Extract) -> None:
    text = (
        "North Korea fired at least 23 missiles on Wednesday in protest at the drills by the "
        "United States and South Korea."
    )
    for exercise in _of(extract(text), "military_exercise"):
        assert "PRK" not in _codes(exercise, "agent")


@pytest.mark.parametrize(
    ("text", "type_"),
    [
        ("Preparations are under way for a possible visit by the Indian prime minister to "
         "Washington.", "meeting"),
        ("China has the capacity to launch dozens of satellites a year.", "launch"),
        ("The upcoming summit of ASEAN leaders will be held in Vientiane.", "meeting"),
    ],
)  # fmt: skip
def test_possible_upcoming_and_capable_happenings_are_not_asserted(
    extract: Extract, text: str, type_: str
) -> None:
    assert _of(extract(text), type_) == []


# -- targets of statements told of a happening -------------------------------------------


def test_a_statement_told_of_a_veto_is_aimed_at_who_vetoed(extract: Extract) -> None:
    text = (
        "Russia vetoed a draft resolution on Mali sanctions at the Security Council on "
        "Thursday. The British ambassador said the veto would embolden the armed groups in "
        "Mali. Germany called the veto irresponsible."
    )
    statements = _of(extract(text), "statement")
    assert [_codes(s, "target") for s in statements] == [{"RUS"}, {"RUS"}]


def test_a_side_speaking_of_its_own_sanctions_is_aimed_at_their_target(
    extract: Extract,
) -> None:
    text = (
        "Britain imposed sanctions on 50 Russian companies on Monday. Foreign Secretary David "
        "Lammy said the package would cut the revenues of Ukraine's invaders."
    )
    [statement] = _of(extract(text), "statement")
    assert _codes(statement, "target") == {"RUS"}


def test_a_general_remark_about_sanctions_keeps_its_own_target(extract: Extract) -> None:
    text = (
        "Russia vetoed a draft resolution on Mali sanctions at the Security Council on "
        "Thursday. Russian Ambassador Vassily Nebenzia said sanctions must not become a "
        "means of pressure on Mali."
    )
    statements = _of(extract(text), "statement")
    assert _codes(statements[-1], "target") == {"MLI"}


def test_a_statement_is_aimed_at_the_states_its_words_name(extract: Extract) -> None:
    # No object, no event noun: who it is spoken about is in what was said.
    text = (
        "Azerbaijan's Defence Ministry denied shelling the village, claiming that an Armenian "
        "drone had started the fire."
    )
    [statement] = _of(extract(text), "statement")
    assert _codes(statement, "target") == {"ARM"}


def test_a_that_clause_the_parser_hangs_on_a_noun_is_still_what_was_said(
    extract: Extract,
) -> None:
    text = (
        "Chinese Ambassador Fu Cong told the council before the vote that the United States "
        "was trying to isolate Cuba."
    )
    [statement] = _of(extract(text), "statement")
    assert _codes(statement, "target") >= {"USA"}
    assert "IGO" not in _codes(statement, "target")


def test_a_member_of_a_bloc_speaks_of_the_state_the_bloc_acts_on(extract: Extract) -> None:
    text = (
        "The African Union imposed sanctions on Guinea on Tuesday after the coup. "
        "Senegal's President Macky Sall told the summit that the soldiers must return to "
        "their barracks."
    )
    [statement] = _of(extract(text), "statement")
    assert _codes(statement, "target") == {"GIN"}


# -- whom a sanction or a voted text is aimed at ----------------------------------------------


def test_a_reason_names_the_punished_only_by_its_possessor(extract: Extract) -> None:
    text = (
        "Canada on Tuesday imposed sanctions on Belarus's state airline over Minsk's support "
        "for Moscow's war against Ukraine."
    )
    [sanction] = _of(extract(text), "sanctions_vote")
    assert _codes(sanction, "target") == {"BLR"}


def test_a_clause_of_its_own_names_no_target(extract: Extract) -> None:
    text = (
        "Australia imposed sanctions on Iran's drone makers on Friday, responding to Tehran's "
        "strikes on Iraq."
    )
    [sanction] = _of(extract(text), "sanctions_vote")
    assert _codes(sanction, "target") == {"IRN"}


def test_a_voted_text_is_aimed_at_who_its_words_demand_of(extract: Extract) -> None:
    text = (
        "The UN General Assembly on Thursday adopted a resolution demanding that Armenia "
        "withdraw its troops from the border and calling for sanctions talks."
    )
    [vote] = _of(extract(text), "sanctions_vote")
    assert _codes(vote, "target") == {"ARM"}


def test_a_bare_year_after_in_dates_an_earlier_happening(extract: Extract) -> None:
    text = "Pakistan test-fired an Ababeel missile on Friday. The Ababeel was first tested in 2017."
    launches = _of(extract(text), "launch")
    assert sorted(e.date.isoformat()[:4] for e in launches if e.date) == ["2017", "2024"]


def test_a_month_a_span_runs_until_does_not_move_the_story(extract: Extract) -> None:
    text = (
        "Some 40,000 troops are to take part in the drills, which will run until May. "
        "Polish Defence Minister Wladyslaw Kosiniak-Kamysz said the drills were a message "
        "to Moscow."
    )
    [statement] = _of(extract(text), "statement")
    assert statement.date is not None and statement.date.isoformat() == "2024-03-15"


def test_a_year_in_the_background_does_not_date_the_story(extract: Extract) -> None:
    text = (
        "It will be the largest drill since Autumn Forge in 1988. Russian Deputy Foreign "
        "Minister Sergei Ryabkov told reporters that the drills were a provocation."
    )
    [statement] = _of(extract(text), "statement")
    assert statement.date is not None and statement.date.isoformat() == "2024-03-15"


def test_a_past_perfect_happening_does_not_date_the_story(extract: Extract) -> None:
    text = (
        "The bloc had imposed sanctions on Guinea on March 2. Senegal's "
        "President Macky Sall told fellow leaders that the junta must hand over power."
    )
    statements = _of(extract(text), "statement")
    assert [s.date.isoformat() for s in statements if s.date] == ["2024-03-15"]


def test_where_a_span_was_to_end_does_not_date_the_story(extract: Extract) -> None:
    text = (
        "The drills were due to end Tuesday. Japanese Defence Minister Gen Nakatani "
        "told reporters that the drills were a provocation."
    )
    [statement] = _of(extract(text), "statement")
    assert statement.date is not None and statement.date.isoformat() == "2024-03-15"


# -- habits and tallies are no happenings -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Pakistan typically holds military parades to mark Pakistan Day.",
        "China has launched dozens of satellites since 2020, state media said.",
        "Iran has fired several ballistic missiles in recent years.",
    ],
)
def test_a_habit_or_a_tally_over_a_period_is_no_happening(extract: Extract, text: str) -> None:
    events = [e for e in asserted_only(extract(text)) if e.type != "statement"]
    assert events == [], [(e.type, e.trigger) for e in events]


def test_a_count_without_a_period_is_still_a_happening(extract: Extract) -> None:
    text = "North Korea has fired two ballistic missiles into the sea, Seoul said."
    assert len(_of(extract(text), "launch")) == 1


# -- exercises ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "agents"),
    [
        # Whoever acts inside a drill nobody else is said to hold holds it.
        (
            "Kazakh and Uzbek troops rehearsed repelling an incursion during the exercises "
            "on Wednesday.",
            {"KAZ", "UZB"},
        ),
        # A named exercise in a story about forces needs no military word of its own.
        (
            "Indonesian troops were on alert on Monday.\n\nIndonesia and Australia are "
            "holding the Super Garuda Shield exercise through Friday.",
            {"IDN", "AUS"},
        ),
    ],
)
def test_exercises_held_in_a_clause_or_named_in_a_military_story(
    extract: Extract, text: str, agents: set[str]
) -> None:
    [exercise] = _of(extract(text), "military_exercise")
    assert _codes(exercise, "agent") == agents


def test_leaders_at_a_blocs_summit_decide_as_the_bloc(extract: Extract) -> None:
    text = (
        "Southern African leaders on Saturday suspended aid to Lesotho and imposed sanctions "
        "on its army chiefs, at an extraordinary summit of the African Union in Maputo."
    )
    [sanction] = _of(extract(text), "sanctions_vote")
    assert _codes(sanction, "agent") == {"IGO"}


def test_a_statement_naming_only_a_rulebook_body_is_about_the_story(extract: Extract) -> None:
    text = (
        "Iran launched a ballistic missile on Tuesday. Japanese Prime Minister Shigeru Ishiba "
        "said it was a clear violation of United Nations Security Council resolutions."
    )
    [statement] = _of(extract(text), "statement")
    assert _codes(statement, "target") == {"IRN"}


# -- the host of a meeting --------------------------------------------------------------------


def test_the_host_of_a_bilateral_meeting_is_its_target(extract: Extract) -> None:
    # The host is named first and the venue names its country only inside the place phrase.
    text = (
        "Saudi Crown Prince Mohammed bin Salman met Turkish President Recep Tayyip Erdogan at "
        "the Al-Yamamah Palace in Riyadh on Monday."
    )
    [meeting] = _of(extract(text), "meeting")
    assert _codes(meeting, "agent") == {"TUR"}
    assert _codes(meeting, "target") == {"SAU"}
    assert meeting.location is not None and meeting.location.country == "SAU"


def test_a_summit_of_three_states_has_no_host_target(extract: Extract) -> None:
    text = (
        "Indonesian President Joko Widodo, Malaysian Prime Minister Anwar Ibrahim and "
        "Thai Prime Minister Srettha Thavisin held talks at the Merdeka Palace in Jakarta on "
        "Monday."
    )
    [meeting] = _of(extract(text), "meeting")
    assert _codes(meeting, "agent") == {"IDN", "MYS", "THA"}
    assert _codes(meeting, "target") == set()


def test_a_city_the_gazetteer_holds_as_a_place_gives_the_hosts_country(extract: Extract) -> None:
    text = "German Chancellor Olaf Scholz met Chinese Premier Li Qiang in Tianjin on Monday."
    [meeting] = _of(extract(text), "meeting")
    assert meeting.location is not None and meeting.location.country == "CHN"
    assert _codes(meeting, "agent") == {"DEU"}
    assert _codes(meeting, "target") == {"CHN"}


def test_a_meeting_told_from_both_sides_is_one_meeting(extract: Extract) -> None:
    text = (
        "Erdogan greeted Aliyev at the airport, and the two leaders toured the port.\n\n"
        "Azerbaijani President Ilham Aliyev and Turkish President Recep Tayyip Erdogan held "
        "talks at the Dolmabahce Palace in Istanbul on Friday."
    )
    [meeting] = _of(extract(text), "meeting")
    assert _codes(meeting, "agent") == {"AZE"}
    assert _codes(meeting, "target") == {"TUR"}


@pytest.mark.parametrize(
    ("text", "agent", "target"),
    [
        # The counterpart hangs on the means of the call.
        (
            "Saudi Foreign Minister Faisal bin Farhan spoke by telephone with Iranian Foreign "
            "Minister Abbas Araghchi on Thursday, urging calm.",
            "SAU",
            "IRN",
        ),
        # Travelling for talks takes part in them.
        (
            "Kenyan President William Ruto flew to Addis Ababa on Monday for talks with "
            "Ethiopian Prime Minister Abiy Ahmed.",
            "KEN",
            "ETH",
        ),
        # A title that names its realm gives the person's country.
        (
            "The Sultan of Oman met Iranian President Masoud Pezeshkian in Tehran on Sunday.",
            "OMN",
            "IRN",
        ),
    ],
)
def test_who_met_whom_in_calls_trips_and_royal_titles(
    extract: Extract, text: str, agent: str, target: str
) -> None:
    [meeting] = _of(extract(text), "meeting")
    assert _codes(meeting, "agent") == {agent}
    assert _codes(meeting, "target") == {target}


def test_congo_is_the_democratic_republic_in_a_story_that_names_it(extract: Extract) -> None:
    text = (
        "Fighting flared near Goma in the Democratic Republic of Congo on Monday. Angola "
        "condemned the attacks on Congolese troops and urged Rwanda to respect Congo's borders."
    )
    [statement] = _of(extract(text), "statement")
    assert "COG" not in _codes(statement, "target")
    assert "COD" in _codes(statement, "target") | {a.country for a in statement.actors}


def test_congo_stays_brazzaville_without_the_democratic_republic(extract: Extract) -> None:
    text = "Angola condemned the attack on Congolese troops near Brazzaville on Monday."
    [statement] = _of(extract(text), "statement")
    assert "COD" not in {a.country for a in statement.actors}


# -- who acts: datelines, participles, headlines -------------------------------------------


def test_a_joint_dateline_names_no_launcher(extract: Extract) -> None:
    text = (
        "KYIV/MOSCOW, March 15 (Reuters) - Russia fired a ballistic missile at the Ukrainian "
        "city of Dnipro on Friday."
    )
    [launch] = _of(extract(text), "launch")
    assert _codes(launch, "agent") == {"RUS"}
    assert _codes(launch, "target") == {"UKR"}


def test_a_participle_takes_no_subject_from_the_reporting_clause(extract: Extract) -> None:
    text = (
        "Ukraine's air force said the missile, launched from Russia's Astrakhan region at dawn, "
        "was fired together with seven cruise missiles."
    )
    launches = _of(extract(text), "launch")
    assert launches and all("UKR" not in _codes(e, "agent") for e in launches)


def test_a_perfect_relative_clause_keeps_its_subject(extract: Extract) -> None:
    text = (
        "Washington has accused North Korea of supplying missiles to Russia, allegations both "
        "Moscow and Pyongyang have denied."
    )
    subtypes = sorted(e.subtype or "" for e in _of(extract(text), "statement"))
    assert subtypes == ["accuse", "deny"]


def test_a_headline_adds_no_side_the_story_does_not_name(extract: Extract) -> None:
    # Headlines parse worst: the whole "Prince Faisal meets Raisi" became one "person".
    text = (
        "Prince Faisal meets Raisi in Tehran\n\n"
        "Saudi Foreign Minister Prince Faisal bin Farhan held talks with Iranian President "
        "Ebrahim Raisi in Tehran on Saturday."
    )
    [meeting] = _of(extract(text), "meeting")
    assert [a.name for a in meeting.actors if a.role == "agent"] == ["Prince Faisal bin Farhan"]


def test_two_states_acting_in_one_sentence_are_two_events(extract: Extract) -> None:
    text = (
        "The European Union adopted a new package of sanctions against Russia on Friday, and "
        "Britain announced its own measures."
    )
    sanctions = _of(extract(text), "sanctions_vote")
    assert sorted(tuple(sorted(_codes(e, "agent"))) for e in sanctions) == [("GBR",), ("IGO",)]
    assert all(_codes(e, "target") == {"RUS"} for e in sanctions)


def test_a_judgement_of_the_storys_drill_is_a_statement(extract: Extract) -> None:
    text = (
        "China's military held large-scale drills around Taiwan on Monday. Command spokesman "
        "Li Xi said the drill was a stern warning to separatist forces."
    )
    statements = _of(extract(text), "statement")
    assert [e.sentence[:16] for e in statements] == ["Command spokesma"]
    assert len(_of(extract(text), "military_exercise")) == 1


# -- texts, courtesy calls and welcomes ------------------------------------------------------


def test_an_ambassador_rejecting_a_text_speaks(extract: Extract) -> None:
    text = (
        "Russia's Ambassador Vassily Nebenzia rejected the text as politicized, accusing the "
        "United States of pressuring other delegations."
    )
    assert len(_of(extract(text), "statement")) == 1


def test_what_the_adopted_text_declares_is_no_statement(extract: Extract) -> None:
    text = (
        "The UN General Assembly on Wednesday adopted a resolution condemning Russia's "
        "annexation of four regions of Ukraine.\n"
        "The text, entitled Territorial integrity of Ukraine, was adopted by a recorded vote of "
        "143 in favour to five against (Belarus, North Korea, Nicaragua, Russia, Syria), with 35 "
        "abstentions.\n"
        "It declares that the so-called referendums organized in the four regions have no "
        "validity under international law and calls on all States not to recognize any "
        "alteration of the regions' status."
    )
    assert _of(extract(text), "statement") == []


def test_calling_on_an_official_is_a_visit_not_an_appeal(extract: Extract) -> None:
    text = "Indian adviser Ajit Doval also called on Chinese Vice-President Han Zheng in Beijing."
    assert _of(extract(text), "statement") == []


def test_a_guest_welcomed_on_arrival_is_no_statement(extract: Extract) -> None:
    text = (
        "Chinese President Xi Jinping landed in Pretoria on Monday and was welcomed on the "
        "tarmac by President Cyril Ramaphosa."
    )
    assert _of(extract(text), "statement") == []


# -- strikes, product launches, coast guards ----------------------------------------------


def test_striking_a_city_with_missiles_is_a_launch_at_it(extract: Extract) -> None:
    text = "Russia struck Kyiv with ballistic missiles and drones overnight, killing 12 people."
    [launch] = _of(extract(text), "launch")
    assert _codes(launch, "agent") == {"RUS"} and _codes(launch, "target") == {"UKR"}
    assert _of(extract("Israel hit Hamas positions with airstrikes on Friday."), "launch") == []


def test_a_drone_launched_at_a_trade_show_is_a_product(extract: Extract) -> None:
    text = (
        "Taichung-based AeroLink Robotics Corp yesterday launched a long-endurance drone at "
        "the Taipei Aerospace and Defense Technology Exhibition."
    )
    assert _of(extract(text), "launch") == []


def test_a_coast_guard_accusing_foreign_ships_is_a_statement(extract: Extract) -> None:
    text = (
        "Taiwan's coast guard accused Chinese coast guard vessels operating near the Matsu "
        "islands of malicious acts."
    )
    [statement] = _of(extract(text), "statement")
    assert _codes(statement, "agent") == {"TWN"} and _codes(statement, "target") == {"CHN"}


# -- exercises that last, live fire, schedules ---------------------------------------------


def test_a_live_fire_exercise_is_no_fire_drill(extract: Extract) -> None:
    text = (
        "The South Korean and U.S. air forces kicked off a four-day combined live-fire exercise "
        "over waters off the west coast on Monday."
    )
    [exercise] = _of(extract(text), "military_exercise")
    assert {"KOR", "USA"} <= _codes(exercise, "agent")


def test_a_scheduled_exercise_is_planned(extract: Extract) -> None:
    text = "Taiwan's annual Han Kuang exercises are scheduled for July."
    assert _of(extract(text), "military_exercise") == []
    assert [e.modality for e in extract(text)] == ["planned"]


def test_reports_of_an_exercise_on_consecutive_days_are_one_exercise(extract: Extract) -> None:
    text = (
        "China's military held live-fire drills in the East China Sea on Wednesday. "
        "The exercises began on Tuesday without prior announcement, with army and navy units "
        "closing in on Taiwan from several directions."
    )
    [exercise] = _of(extract(text), "military_exercise")
    assert _codes(exercise, "agent") == {"CHN"}
    assert len(exercise.mentions) == 2


def test_a_quote_two_sentences_after_its_paraphrase_is_the_same_utterance(
    extract: Extract,
) -> None:
    text = (
        "Foreign Minister Wang Yi said on Friday that China would keep supporting talks. "
        "The meeting lasted two hours. "
        '"Dialogue is the only way out of the crisis," Wang said.'
    )
    [statement] = _of(extract(text), "statement")
    assert len(statement.mentions) == 2


def test_quotes_of_two_people_of_one_state_stay_two_statements(extract: Extract) -> None:
    text = (
        "Foreign Minister Wang Yi condemned the sanctions on Friday. "
        '"We will study the measures carefully," said Chinese Commerce Minister Wang Wentao.'
    )
    assert len(_of(extract(text), "statement")) == 2


def test_a_quote_closed_by_he_added_goes_on_with_the_utterance(extract: Extract) -> None:
    text = (
        '"We carry out this training to keep our deterrent credible," NATO Secretary General '
        "Mark Rutte said in a statement. "
        '"It also sends a clear signal to any potential adversary that we will defend all '
        'allies against all threats," he added.'
    )
    [statement] = _of(extract(text), "statement")
    assert len(statement.mentions) == 2


def test_a_fragment_cut_off_a_quote_goes_on_with_the_utterance(extract: Extract) -> None:
    text = (
        "U.S. President Donald Trump rebuked Russian President Vladimir Putin, saying on "
        'social media that he was "not happy" with the strikes on Kyiv.\n'
        '"Not necessary, and very bad timing. Vladimir, STOP!" he wrote, urging Moscow to get '
        "a peace deal done."
    )
    [statement] = _of(extract(text), "statement")
    assert statement.subtype == "condemn"


def test_an_envoy_due_in_a_capital_for_talks_is_a_planned_meeting(extract: Extract) -> None:
    text = "Special envoy Steve Witkoff is due in Moscow later this week for talks with Putin."
    assert [e.modality for e in extract(text) if e.type == "meeting"] == ["planned"]


def test_the_croatian_telling_the_crowd_is_a_person_not_the_state(extract: Extract) -> None:
    text = (
        '"We are not finished, this is only the beginning," the Croatian told the crowd from '
        "the top deck of the bus."
    )
    assert _of(extract(text), "statement") == []
    # "the Russians" may still be the Russian side.
    assert _of(extract("The Russians warned Kyiv on Friday against new strikes."), "statement")


def test_who_judges_an_exercise_does_not_join_its_holders(extract: Extract) -> None:
    text = (
        "Russia and Belarus on Friday launched joint military exercises near the Polish "
        "border. Polish Prime Minister Donald Tusk said the drills were very aggressive."
    )
    [exercise] = _of(extract(text), "military_exercise")
    assert _codes(exercise, "agent") == {"RUS", "BLR"}


def test_a_past_edition_of_the_storys_exercise_is_held_by_the_same_side(
    extract: Extract,
) -> None:
    text = (
        "Russia and Belarus on Friday launched joint military exercises near the Polish "
        "border. Polish Prime Minister Donald Tusk said the drills were very aggressive. "
        "The last Zapad drills, held in September 2021, involved some 200,000 troops."
    )
    exercises = _of(extract(text), "military_exercise")
    assert [e.sentence[:8] for e in exercises] == ["Russia a", "The last"]
    assert all(_codes(e, "agent") == {"RUS", "BLR"} for e in exercises)


def test_a_statement_about_nationals_is_aimed_at_their_state(extract: Extract) -> None:
    text = (
        "The Philippine Department of Foreign Affairs said on Tuesday that the Chinese ships' "
        "dangerous maneuvers had endangered Filipino personnel."
    )
    [statement] = _of(extract(text), "statement")
    assert _codes(statement, "target") == {"CHN"}


def test_a_visit_to_another_host_is_its_own_meeting(extract: Extract) -> None:
    text = (
        "President Cyril Ramaphosa hosted Chinese President Xi Jinping on a state visit in "
        "Pretoria on Tuesday. Indian Prime Minister Narendra Modi travelled on to Athens on "
        "Friday, the first visit to Greece by an Indian prime minister in 40 years."
    )
    meetings = _of(extract(text), "meeting")
    assert len(meetings) == 2
    assert [_codes(e, "target") for e in meetings][-1] == {"GRC"}


def test_a_chain_of_quotes_stays_in_one_statement(extract: Extract) -> None:
    text = (
        "Foreign Minister Wang Yi condemned the sanctions on Friday. "
        '"We will study the measures carefully," Wang said. '
        '"We will respond in due course," he added.'
    )
    [statement] = _of(extract(text), "statement")
    assert len(statement.mentions) == 3


# -- extractor 0.7.1 ---------------------------------------------------------------------------


def test_what_was_agreed_at_a_summit_happened_there(extract: Extract) -> None:
    # The summit is where the leaders agreed (not a plan), and agreeing to widen sanctions is
    # the sanctions decision itself; both on the day the agreeing is told.
    text = (
        "European Union leaders agreed at a summit in Brussels on Wednesday to widen the "
        "bloc's sanctions on Iranian drone makers."
    )
    events = extract(text)
    [meeting] = _of(events, "meeting")
    [sanctions] = _of(events, "sanctions_vote")
    assert meeting.date == sanctions.date == date(2024, 3, 13)
    assert _codes(sanctions, "target") == {"IRN"}


def test_agreeing_to_hold_talks_stays_a_plan(extract: Extract) -> None:
    assert _of(extract("The two sides agreed on Monday to hold talks in Geneva."), "meeting") == []


def test_calling_off_drills_is_no_statement(extract: Extract) -> None:
    text = "Seoul and Washington called off their spring drills on Monday."
    assert _of(extract(text), "statement") == []


def test_a_date_that_owns_another_noun_does_not_date_the_clause(extract: Extract) -> None:
    text = "Ahead of next week's summit in Madrid, NATO envoys met in Brussels on Tuesday."
    [meeting] = _of(extract(text), "meeting")
    assert meeting.date == date(2024, 3, 12)


def test_a_speech_is_dated_by_its_own_day_not_the_plan_it_announces(extract: Extract) -> None:
    text = (
        "Japan will hold its largest naval drill in years next week, Defence Minister Minoru "
        "Kihara said on Thursday."
    )
    [statement] = _of(extract(text), "statement")
    assert statement.date == date(2024, 3, 14)


def test_a_quote_after_an_event_of_another_type_goes_on_with_the_same_speaker(
    extract: Extract,
) -> None:
    # The visit between the paraphrase and the quote does not make the quote a new utterance.
    text = (
        "Foreign Minister Wang Yi praised Pakistan's support on Friday. Wang met Pakistani "
        "Foreign Minister Ishaq Dar in Beijing. "
        '"Our friendship is as firm as a rock," Wang said.'
    )
    [statement] = _of(extract(text), "statement")
    assert len(statement.mentions) == 2


def test_a_quote_with_the_stance_of_its_paraphrase_is_the_same_utterance(
    extract: Extract,
) -> None:
    text = (
        "Zelensky thanked the United States in a post on X on Friday. "
        '"Thank you America, thank you for your support," he wrote.'
    )
    [statement] = _of(extract(text), "statement")
    assert len(statement.mentions) == 2


def test_an_appeal_joined_to_a_reported_it_clause_is_the_reporters(extract: Extract) -> None:
    text = (
        "Australia said on Thursday that the launch was a provocation. Chinese Foreign "
        "Ministry spokesman Lin Jian said it was a routine arrangement and urged other "
        "countries not to over-interpret it."
    )
    statements = _of(extract(text), "statement")
    assert [_codes(e, "agent") for e in statements] == [{"AUS"}, {"CHN"}]


def test_speaking_to_a_visitor_frames_what_the_reporter_said(extract: Extract) -> None:
    text = (
        "Speaking later to visiting Cypriot President Nikos Christodoulides, Netanyahu said "
        'the Houthis had acted on the orders of "their patron, Iran."'
    )
    [statement] = _of(extract(text), "statement")
    assert _codes(statement, "agent") == {"ISR"}
    assert "CYP" not in _codes(statement, "target")


def test_preparing_for_a_launch_stays_a_plan(extract: Extract) -> None:
    text = "North Korea is preparing for a satellite launch in the coming days, Seoul said."
    assert _of(extract(text), "launch") == []


def test_an_officer_titled_by_the_storys_army_speaks_for_its_state(extract: Extract) -> None:
    # "Rear Admiral" tagged as an organisation is no company, and "the Army" is the one the
    # story has given a country.
    text = (
        "The Iranian Army launched large-scale joint military drills on Thursday. Rear Admiral "
        "Habibollah Sayyari, the Army's deputy chief for coordination, called on the United "
        "States to withdraw its forces from the region."
    )
    [statement] = _of(extract(text), "statement")
    assert _codes(statement, "agent") == {"IRN"}


def test_a_standfirst_retells_the_storys_statement(extract: Extract) -> None:
    text = (
        "Russia vetoes US resolution at the Security Council\n"
        "Moscow says the US-drafted text was 'hypocritical' and would give Israel a green "
        "light to attack Rafah.\n"
        "Published On 22 Mar 2024\n"
        "Russia vetoed a United States-drafted resolution at the UN Security Council on Friday. "
        "Eleven members of the council voted for the text, and Guyana abstained. "
        "The draft called for an immediate ceasefire tied to a deal to free hostages. "
        'Russia\'s UN Ambassador Vasily Nebenzia said the draft was "exceptionally politicised" '
        "and accused Washington of misleading the world.\n"
    )
    [statement] = _of(extract(text), "statement")
    assert len(statement.mentions) == 2


@pytest.mark.parametrize(
    "text",
    [
        "The air forces of Japan and Australia held their first joint fighter training on Tuesday.",
        "The Pacific Fleet of the Russian Navy conducted operations called Ocean-2024 in the Sea "
        "of Japan on Tuesday.",
    ],
)
def test_joint_training_and_operations_named_by_year_are_exercises(
    extract: Extract, text: str
) -> None:
    assert len(_of(extract(text), "military_exercise")) == 1


def test_an_operation_named_without_a_year_is_no_exercise(extract: Extract) -> None:
    text = "Israel launched an operation dubbed Rising Lion against Iran's nuclear sites on Friday."
    assert _of(extract(text), "military_exercise") == []


# -- extractor 0.7.2: votes, appeals to both sides, bodies named again -----------------------


def test_a_tally_is_the_vote_told_before_it_though_a_headline_tells_it_too(
    extract: Extract,
) -> None:
    text = (
        "Moscow vetoes UN resolution on arms embargo\n"
        "UNITED NATIONS (AP) — Russia on Thursday vetoed a U.N. Security Council resolution "
        "that would have renewed an arms embargo on Sudan.\n"
        "The vote in the 15-member council was 12 in favour, with Russia voting against and "
        "China and Pakistan abstaining.\n"
        "Britain's ambassador said the veto was shameful."
    )
    votes = _of(extract(text), "sanctions_vote")
    assert len(votes) == 1, [(e.sentence, e.subtype) for e in votes]
    assert votes[0].subtype == "vetoed"
    assert _codes(votes[0], "agent") == {"RUS"}
    assert "IGO" not in _codes(votes[0], "target")


def test_the_day_a_package_is_adopted_on_names_no_target(extract: Extract) -> None:
    text = (
        "On the same day in Brussels, EU foreign ministers formally adopted the bloc's 16th "
        "sanctions package."
    )
    (vote,) = _of(extract(text), "sanctions_vote")
    assert "BEL" not in _codes(vote, "target")


def test_an_appeal_to_both_sides_is_aimed_at_the_storys_two_sides(extract: Extract) -> None:
    text = (
        "Indian and Pakistani troops exchanged fire along the Line of Control on Thursday, "
        "India's army said.\n"
        "Pakistan accused India of violating the ceasefire.\n"
        "Chinese Foreign Ministry spokesperson Lin Jian urged both sides to exercise restraint."
    )
    statements = [e for e in _of(extract(text), "statement") if _codes(e, "agent") == {"CHN"}]
    assert len(statements) == 1
    assert _codes(statements[0], "target") == {"IND", "PAK"}


def test_coordinated_nationalities_name_each_state(extract: Extract) -> None:
    text = "Russian and Ukrainian delegations met in Istanbul on Friday for direct talks."
    (meeting,) = _of(extract(text), "meeting")
    assert {"RUS", "UKR"} <= _codes(meeting, "agent")


def test_saying_the_storys_drills_are_not_aimed_at_anyone_is_a_denial(extract: Extract) -> None:
    text = (
        "The Philippines and Australia began joint naval drills in the South China Sea on "
        "Monday.\n"
        "The Philippine Department of National Defense said the drills were not directed at "
        "any country."
    )
    statements = _of(extract(text), "statement")
    assert [(e.subtype, _codes(e, "agent")) for e in statements] == [("deny", {"PHL"})]


def test_a_body_named_again_by_its_last_word_keeps_its_state(extract: Extract) -> None:
    text = (
        "China's Eastern Theater Command launched drills around Taiwan on Tuesday.\n"
        "Senior Colonel Shi Yi, a spokesperson for the command, warned Taipei against further "
        "provocations.\n"
        "The command described the drills as a stern warning to separatist forces."
    )
    statements = _of(extract(text), "statement")
    assert len(statements) == 2
    assert all(_codes(e, "agent") == {"CHN"} for e in statements), [
        (e.sentence, e.actors) for e in statements
    ]


def test_a_tally_of_another_text_two_sentences_on_is_another_vote(extract: Extract) -> None:
    text = (
        "UNITED NATIONS (AFP) — Russia on Wednesday vetoed a Security Council resolution that "
        "would have renewed UN sanctions on Mali for a year.\n"
        "Thirteen of the council's 15 members voted for the text, while China abstained.\n"
        "A rival Russian draft that would have ended the sanctions panel failed, with only "
        "Russia voting in favour."
    )
    votes = _of(extract(text), "sanctions_vote")
    assert len(votes) == 2, [(e.sentence, e.subtype) for e in votes]


@pytest.mark.parametrize(
    "text",
    [
        # An airline's president, the NER tagging nothing: a company head.
        "Emirates president Tim Clark criticised the US planemaker, saying he was fed up with "
        "the delays.",
        # A leader of a human rights group: civil society, not a political speaker.
        "Taty Almeida, a leader of the Mothers of Plaza de Mayo human rights group, condemned "
        "the spending.",
    ],
)
def test_heads_of_firms_and_rights_groups_make_no_statements(extract: Extract, text: str) -> None:
    assert _of(extract(text), "statement") == []


def test_a_regional_president_still_speaks(extract: Extract) -> None:
    text = "Puntland President Said Abdullahi Deni condemned the attack on the port."
    assert len(_of(extract(text), "statement")) == 1


def test_drones_shot_down_were_launched_by_their_state_at_the_shooter(extract: Extract) -> None:
    text = (
        "Polish forces, backed by Dutch F-35 jets, shot down several Russian drones that "
        "entered the country's airspace overnight."
    )
    events = extract(text)
    (launch,) = _of(events, "launch")
    assert _codes(launch, "agent") == {"RUS"}
    assert _codes(launch, "target") == {"POL"}
    # "backed by Dutch jets" is who stood with whom, not a statement.
    assert _of(events, "statement") == []


def test_supporting_a_draft_beside_a_vote_is_the_tally(extract: Extract) -> None:
    text = (
        "Russia, China, Pakistan and Algeria supported the draft, while the United States, "
        "Britain and France voted against it."
    )
    events = extract(text)
    assert _of(events, "statement") == []
    assert len(_of(events, "sanctions_vote")) == 1


def test_a_schools_president_warning_a_league_makes_no_statement(extract: Extract) -> None:
    text = (
        '"We will appeal, and we warn the league that this will not be forgotten," the '
        "school's president, Marcos Vianna, told reporters."
    )
    assert _of(extract(text), "statement") == []


def test_judging_a_draft_speaks_of_its_drafters(extract: Extract) -> None:
    text = (
        "UNITED NATIONS (Reuters) - Russia and China on Friday vetoed a United States-drafted "
        "resolution at the UN Security Council that called for a ceasefire in Gaza.\n"
        "China's envoy Zhang Jun said the draft dodged the most central issue.\n"
        "Algeria's ambassador, Amar Bendjama, said the text sent a message that would allow "
        "the killing of Palestinians to continue."
    )
    statements = _of(extract(text), "statement")
    assert [(_codes(e, "agent"), _codes(e, "target")) for e in statements] == [
        ({"CHN"}, {"USA"}),
        ({"DZA"}, {"USA"}),
    ]


def test_a_drafter_judging_the_vote_on_its_text_speaks_of_the_vetoer(extract: Extract) -> None:
    text = (
        "UNITED NATIONS, Feb 20 (Reuters) - The United States on Tuesday vetoed an "
        "Algerian-drafted resolution that would have demanded a humanitarian ceasefire.\n"
        "Algeria's U.N. Ambassador Amar Bendjama said a vote against the draft was an "
        "endorsement of collective punishment."
    )
    events = extract(text)
    (vote,) = _of(events, "sanctions_vote")
    # The dateline's "UNITED NATIONS" files the story; it casts no veto.
    assert _codes(vote, "agent") == {"USA"}
    (statement,) = _of(events, "statement")
    assert _codes(statement, "agent") == {"DZA"}
    assert _codes(statement, "target") == {"USA"}


def test_a_tally_is_not_the_story_reactions_are_aimed_at(extract: Extract) -> None:
    text = (
        "The council demanded that Yemen's Houthi rebels stop attacking ships in the Red Sea.\n"
        "The resolution was adopted with 11 votes in favour, while Russia, China, Algeria and "
        "Mozambique abstained.\n"
        "British Defence Secretary Grant Shapps said London was ready to take action alongside "
        "allies."
    )
    statements = [e for e in _of(extract(text), "statement") if _codes(e, "agent") == {"GBR"}]
    assert len(statements) == 1
    assert not _codes(statements[0], "target") & {"RUS", "CHN", "DZA", "MOZ"}


def test_a_think_tank_fellow_makes_no_statement(extract: Extract) -> None:
    text = (
        '"The trust deficit will not vanish in one meeting," warned Ananya Rao, a fellow at a '
        "New Delhi-based think tank."
    )
    assert _of(extract(text), "statement") == []


def test_a_body_hung_on_the_dateline_still_casts_the_vote(extract: Extract) -> None:
    text = (
        "UNITED NATIONS (AP) — A divided U.N. Security Council on Friday rejected a resolution "
        "that would have kept sanctions relief in place for Iran.\n"
        "The vote was 4-9 with two abstentions. Russia, China, Pakistan and Algeria supported "
        "the draft, while the United States, Britain and France voted against it."
    )
    votes = _of(extract(text), "sanctions_vote")
    assert len(votes) == 1, [(e.sentence, e.subtype) for e in votes]
    assert _codes(votes[0], "agent") == {"IGO"}
    assert votes[0].subtype == "blocked"


def test_a_body_named_without_its_state_is_the_datelines(extract: Extract) -> None:
    text = (
        "MANILA (AP) — The Philippines and Australia began joint naval drills in the South "
        "China Sea on Monday.\n"
        "The Department of National Defense condemned China's warnings against the drills."
    )
    statements = _of(extract(text), "statement")
    assert [_codes(e, "agent") for e in statements] == [{"PHL"}]


def test_the_place_a_ministry_speaks_in_comes_before_the_dateline(extract: Extract) -> None:
    text = (
        "MOSCOW (AP) — Russia held its Victory Day parade on Red Square on Thursday.\n"
        "In Kyiv, the Foreign Ministry condemned the parade as a cynical display."
    )
    statements = _of(extract(text), "statement")
    assert [_codes(e, "agent") for e in statements] == [{"UKR"}]


def test_adding_entities_to_a_list_is_no_speech(extract: Extract) -> None:
    text = (
        "WASHINGTON (Reuters) - Separately, the Commerce Department added 93 entities in "
        "Russia, China and Turkey to its trade restriction list."
    )
    assert _of(extract(text), "statement") == []


@pytest.mark.parametrize(
    "text",
    [
        # A habit told in the passive present.
        "Military parades are usually staged on major anniversaries such as the founding of "
        "the party.",
        # A visit only being considered.
        "Officials said a visit by the president to Beijing was being considered for later "
        "this year.",
        # A threat made "in the past": a habit, not one utterance.
        "Pyongyang has threatened in the past to fire missiles over Japan.",
        # A summit that sets a planned meeting is no more than planned itself.
        "The ministers are expected to meet on the sidelines of the G20 summit next month.",
    ],
)
def test_habits_and_plans_are_no_events(extract: Extract, text: str) -> None:
    assert asserted_only(extract(text)) == [], [
        (e.type, e.trigger) for e in asserted_only(extract(text))
    ]


def test_a_day_after_a_clock_time_dates_the_launch(extract: Extract) -> None:
    text = (
        "North Korea fired a ballistic missile at 6:50 a.m. Thursday (2150 GMT Wednesday), "
        "the Joint Chiefs of Staff said."
    )
    (launch,) = _of(extract(text, published=date(2024, 5, 3)), "launch")
    assert launch.date == date(2024, 5, 2)
    assert launch.sentence == text


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # The parser hangs "yesterday" on the tag "the ministry said"; it dates the drills.
        (
            "China's military held drills around Taiwan yesterday, the defence ministry said.",
            date(2024, 3, 14),
        ),
        # Inspecting a launch drill carries the drill's date.
        (
            "Kim Jong Un inspected a missile launch drill on March 12, KCNA reported.",
            date(2024, 3, 12),
        ),
    ],
)
def test_dates_that_the_parser_hangs_elsewhere(extract: Extract, text: str, day: date) -> None:
    events = asserted_only(extract(text))
    assert events and all(e.date == day for e in events), [(e.type, e.date) for e in events]


def test_the_head_of_an_intergovernmental_agency_speaks(extract: Extract) -> None:
    text = (
        '"This is a historic day for Europe," European Space Agency chief Josef Aschbacher '
        "told reporters, hailing the flight as a success."
    )
    (statement,) = _of(extract(text), "statement")
    assert _codes(statement, "agent") == {"IGO"}


def test_a_speaker_going_on_without_a_subject_is_one_utterance(extract: Extract) -> None:
    text = (
        "Russia's deputy ambassador Dmitry Polyanskiy said Moscow agreed that the conflict "
        "required a swift resolution, but argued that only direct talks could bring a "
        "ceasefire."
    )
    assert len(_of(extract(text), "statement")) == 1


def test_a_launch_the_parser_reads_as_was_plus_adjective(extract: Extract) -> None:
    text = "The Agni-Prime missile was last test-launched on April 3 from Abdul Kalam island."
    (launch,) = _of(extract(text), "launch")
    assert _codes(launch, "agent") == {"IND"}


def test_an_operation_named_with_a_lettered_year_is_an_exercise(extract: Extract) -> None:
    text = (
        "The Chinese military launched operations called Strait Thunder-2025A around Taiwan "
        "on Tuesday."
    )
    (exercise,) = _of(extract(text), "military_exercise")
    assert _codes(exercise, "agent") == {"CHN"}


def test_a_countrys_team_on_a_sports_page_makes_no_statement(extract: Extract) -> None:
    text = (
        "Senegal celebrated their Afcon title with a trophy parade through Dakar on Monday, a "
        "day after beating Egypt on penalties in the final.\n"
        "The team's coach said the title belonged to the fans, and the squad thanked the "
        "supporters who filled the stadium.\n"
        "President Macky Sall congratulated the players on their historic win."
    )
    statements = _of(extract(text), "statement")
    # The president's congratulations are a political speaker's; the team's are not.
    assert [_codes(e, "agent") for e in statements] == [{"SEN"}]
    assert all(e.sentence.startswith("President Macky Sall") for e in statements)


def test_a_strike_only_allowed_is_no_launch(extract: Extract) -> None:
    text = (
        "Kim said the decision of Western countries to allow Kyiv to strike Russian territory "
        "with their long-range missiles amounted to direct intervention."
    )
    assert _of(extract(text), "launch") == []


@pytest.mark.parametrize(
    ("text", "target"),
    [
        (
            "Japan also froze the assets of four organizations and five individuals linked to "
            "North Korea, Chief Cabinet Secretary Hirokazu Matsuno said.",
            "PRK",
        ),
        (
            "On Wednesday, the US State Department announced sanctions on the state-owned "
            "National Development Complex, which it says oversees Pakistan's ballistic missile "
            "programme.",
            "PAK",
        ),
    ],
)
def test_sanctions_are_aimed_at_the_state_in_what_they_hit(
    extract: Extract, text: str, target: str
) -> None:
    (vote,) = _of(extract(text), "sanctions_vote")
    assert _codes(vote, "target") == {target}


def test_who_proposed_a_blocked_text_is_not_its_target(extract: Extract) -> None:
    text = (
        "The United States cast another veto on Dec. 8, blocking a demand for a ceasefire put "
        "forward by the United Arab Emirates."
    )
    for vote in _of(extract(text), "sanctions_vote"):
        assert "ARE" not in _codes(vote, "target")


def test_an_agency_after_the_date_ends_a_dateline(extract: Extract) -> None:
    text = (
        "Tehran, May 28, IRNA -- Sultan of Oman Haitham bin Tarik arrived in Tehran on Sunday "
        "at the head of a high-ranking delegation for an official visit."
    )
    (visit,) = _of(extract(text, published=date(2023, 5, 28)), "meeting")
    assert _codes(visit, "agent") == {"OMN"}
    assert _codes(visit, "target") == {"IRN"}


def test_a_capital_named_by_its_countrys_word_hosts_the_visit(extract: Extract) -> None:
    text = "Singh arrived in the Laotian capital on Wednesday on a three-day visit."
    (visit,) = _of(extract(text), "meeting")
    assert _codes(visit, "target") == {"LAO"}


@pytest.mark.parametrize(
    "text",
    [
        "Russia's Pacific Fleet held a surprise combat readiness inspection on Monday.",
        "Australian, Japanese and US warships conducted a maritime cooperative activity in the "
        "South China Sea on Sunday.",
    ],
)
def test_readiness_inspections_and_cooperative_activities_are_exercises(
    extract: Extract, text: str
) -> None:
    assert len(_of(extract(text), "military_exercise")) == 1


def test_leaders_of_two_states_name_both(extract: Extract) -> None:
    text = "The foreign ministers of India and China met in Moscow on Thursday."
    (meeting,) = _of(extract(text), "meeting")
    assert _codes(meeting, "agent") == {"IND", "CHN"}


def test_a_visit_only_offered_by_invitation_is_no_meeting(extract: Extract) -> None:
    text = "Modi declined an invitation to visit Pakistan."
    assert _of(extract(text), "meeting") == []


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Japan briefly issued an emergency alert urging residents of Okinawa to take cover.",
            "JPN",
        ),
        ("The White House put out a statement calling on Israel to allow more aid.", "USA"),
    ],
)
def test_who_issues_a_statement_says_what_it_urges(
    extract: Extract, text: str, speaker: str
) -> None:
    (statement,) = _of(extract(text), "statement")
    assert _codes(statement, "agent") == {speaker}


# -- extractor 0.7.3: days the story is not at --------------------------------------------------


def test_a_day_still_to_come_does_not_move_the_story(extract: Extract) -> None:
    text = (
        "The officers said their leader would be sworn in on Monday.\n\n"
        "The African Union condemned the seizure of power."
    )
    (condemnation,) = [
        e for e in _of(extract(text, date(2023, 8, 31)), "statement") if e.subtype == "condemn"
    ]
    assert condemnation.date == date(2023, 8, 31)


def test_the_day_of_the_storys_own_happening_still_dates(extract: Extract) -> None:
    text = (
        "Iran put three satellites into orbit on Sunday, state media said.\n\n"
        "In a joint statement on Jan. 20, three European powers said an earlier launch was "
        "of concern.\n\n"
        "There was no immediate comment from Washington on Sunday's launch, which Tehran "
        "defended as peaceful."
    )
    events = _of(extract(text, date(2024, 1, 28)), "statement")
    defended = [e for e in events if "defended" in e.sentence]
    assert defended and defended[0].date == date(2024, 1, 28)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # State media announce the morning after: the launch was the day before the report.
        (
            "North Korea said on Wednesday it had successfully placed a reconnaissance "
            "satellite into orbit.",
            date(2023, 11, 21),
        ),
        # Another state's military tells its own launch the same day.
        (
            "China's military said Wednesday it had test-launched an intercontinental ballistic "
            "missile into the Pacific.",
            date(2023, 11, 22),
        ),
        # Others detecting a launch tell its day.
        (
            "South Korea's military said it had detected a ballistic missile fired by North "
            "Korea on Monday.",
            date(2023, 11, 20),
        ),
    ],
)
def test_a_launch_told_by_its_own_state_media_is_dated_the_day_before(
    extract: Extract, text: str, day: date
) -> None:
    (launch,) = _of(extract(text, date(2023, 11, 22)), "launch")
    assert launch.date == day


@pytest.mark.parametrize(
    "text",
    [
        "Britain, France and Germany triggered the return of U.N. sanctions on Thursday.\n\n"
        "Russia's ambassador denounced the move, accusing the three countries of choosing "
        "blackmail over diplomacy.",
        "Britain, France and Germany triggered the return of U.N. sanctions on Thursday.\n\n"
        "Iran condemned the European countries for the decision.",
    ],
)
def test_the_three_countries_are_the_ones_named_together_before(
    extract: Extract, text: str
) -> None:
    (statement,) = [e for e in _of(extract(text), "statement") if e.subtype in {"condemn"}]
    assert {"GBR", "FRA", "DEU"} <= _codes(statement, "target")


def test_a_group_needs_the_same_number(extract: Extract) -> None:
    text = (
        "Britain, France and Germany triggered the return of U.N. sanctions on Thursday.\n\n"
        "Iran's envoy thanked the two countries that opposed the move."
    )
    (thanks,) = _of(extract(text), "statement")
    assert not {"GBR", "FRA", "DEU"} & _codes(thanks, "target")


def test_they_after_a_joint_statement_are_all_its_speakers(extract: Extract) -> None:
    text = (
        "Britain, France and Germany said the launch was of concern, and they urged Iran to "
        "stop all activities related to missiles."
    )
    (statement,) = _of(extract(text), "statement")
    assert _codes(statement, "agent") == {"GBR", "FRA", "DEU"}


def test_one_speaker_of_a_joint_statement_going_on_alone_is_his_own(extract: Extract) -> None:
    text = (
        "Olaf Scholz, Emmanuel Macron and Mario Draghi visited Kyiv on Thursday.\n\n"
        "At a joint news conference, the leaders of France, Germany and Italy said they "
        "supported candidate status for Ukraine.\n\n"
        '"Ukraine belongs to the European family," Scholz told reporters.'
    )
    statements = _of(extract(text), "statement")
    assert any(e.sentence.startswith('"Ukraine belongs') for e in statements)


@pytest.mark.parametrize(
    ("text", "subtype"),
    [
        (
            "Chinese President Xi Jinping spoke with U.S. President Joe Biden by phone on Tuesday.",
            "call",
        ),
        (
            "Indian Prime Minister Narendra Modi spoke to Volodymyr Zelensky on the phone on "
            "Monday.",
            "call",
        ),
        (
            "French President Emmanuel Macron and Vladimir Putin last spoke in September 2022.",
            "meeting",
        ),
    ],
)
def test_two_sides_speaking_together_met(extract: Extract, text: str, subtype: str) -> None:
    (meeting,) = _of(extract(text), "meeting")
    assert meeting.subtype == subtype
    assert len(_codes(meeting, "agent") | _codes(meeting, "target")) == 2


@pytest.mark.parametrize(
    "text",
    [
        "U.S. Secretary of State Antony Blinken spoke to reporters in Tokyo on Monday.",
        "Russian Foreign Minister Sergei Lavrov and Antony Blinken spoke at the Security Council "
        "session on Friday.",
    ],
)
def test_speaking_to_reporters_or_at_a_session_is_no_meeting(extract: Extract, text: str) -> None:
    assert _of(extract(text), "meeting") == []


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "The U.S. Indo-Pacific Command condemned the launches and urged Pyongyang to "
            "refrain from further destabilising acts.",
            "USA",
        ),
        (
            "The U.S. 7th Fleet said the destroyer's transit was lawful and called the Chinese "
            "account false.",
            "USA",
        ),
        (
            "The Operational Command of the Polish Armed Forces called the incursion an "
            "unprecedented act of aggression.",
            "POL",
        ),
        ("Indian government sources termed the launch a reckless act of provocation.", "IND"),
    ],
)
def test_a_states_command_fleet_or_sources_speak_for_it(
    extract: Extract, text: str, speaker: str
) -> None:
    (statement,) = _of(extract(text), "statement")
    assert _codes(statement, "agent") == {speaker}


def test_a_span_between_two_days_dates_no_single_day(extract: Extract) -> None:
    text = (
        "Polish officials said their airspace had been violated 19 times between 11:30 pm on "
        "Tuesday and 6:30 am on Wednesday, calling it an act of aggression."
    )
    (statement,) = _of(extract(text, date(2025, 9, 10)), "statement")
    assert statement.date == date(2025, 9, 10)


@pytest.mark.parametrize(
    "text",
    [
        "North Korea's missile launches violate U.N. Security Council resolutions, Japan said.",
        "The United States has said that Iran's satellite launches defy Resolution 2231.",
    ],
)
def test_launches_judged_in_general_are_no_launch_but_the_judgement_is(
    extract: Extract, text: str
) -> None:
    events = extract(text)
    assert _of(events, "launch") == []
    assert len(_of(events, "statement")) == 1


def test_disputing_a_claim_is_a_denial(extract: Extract) -> None:
    text = "The Israeli military disputed the claim that the missile was hypersonic."
    (statement,) = _of(extract(text), "statement")
    assert statement.subtype == "deny"
