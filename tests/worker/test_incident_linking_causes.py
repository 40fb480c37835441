"""The linker's rules for the general causes of the gold set's splits and merges (issue 12).

Pure logic, no database: each test builds the reports of one cause (as the extractor gives
them on the incident gold set) and checks the rule, and the near misses that must stay
apart around it.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from models.incident_repository import BlockEvent
from tests.worker.link_events import link_event
from worker.incident_linking import (
    CLASS_PENALTY,
    LINK_THRESHOLD,
    LinkEvent,
    TypeTraits,
    cluster,
    pair_score,
)
from worker.incidents import to_link_event

EXERCISE = TypeTraits(window=6)
MEETING = TypeTraits(symmetric_roles=True)


def _event(ref: int, sentence: str, **kw: object) -> LinkEvent:
    return link_event(ref, sentence, date(2022, 11, 3), **kw)


def _score(a: LinkEvent, b: LinkEvent) -> float:
    """The pair score of two events the rules do not rule apart."""
    score = pair_score(a, b)
    assert score is not None
    return score


def _partition(events: list[LinkEvent]) -> set[frozenset[int]]:
    return {frozenset(e.ref for e in c) for c in cluster(events)}


def _any_order(events: list[LinkEvent]) -> set[frozenset[int]]:
    """The partition, checked to be the same in five shuffled orders."""
    expected = _partition(events)
    for seed in range(5):
        shuffled = list(events)
        random.Random(seed).shuffle(shuffled)
        assert _partition(shuffled) == expected
    return expected


def test_two_clusters_of_one_happening_merge_when_later_reports_link_both() -> None:
    """The greedy pass left one launch in two incidents when its first two reports (in the
    canonical order) scored under the threshold and later ones joined either (the
    Hwasong-18 launch of 2023-07-12: 10 reports, two incidents)."""
    # A slip of the extractor ("N. Korea" read as a person) leaves the first report without
    # an agent country: with the second, the day alone (2.0) is under the threshold.
    first = _event(1, "alpha bravo charlie delta", agent_countries=frozenset())
    second = _event(2, "echo foxtrot golf hotel")
    both = _event(3, "alpha bravo echo foxtrot")
    assert _score(first, second) < LINK_THRESHOLD
    assert _score(both, first) >= LINK_THRESHOLD
    assert _score(both, second) >= LINK_THRESHOLD
    assert _any_order([first, second, both]) == {frozenset({1, 2, 3})}


def test_one_report_telling_two_happenings_does_not_chain_them() -> None:
    """A launch and the reply it drew, one sentence telling both: merging clusters needs the
    clusters to agree as wholes (mean pair score), not one report linking both."""
    barrage = "fired at least 23 missiles including one that crossed the maritime border"
    reply = "fighter jets fired three air-to-ground missiles north of the border in response"
    north = [_event(i, barrage, day=date(2022, 11, 2)) for i in (1, 2)]
    south = [
        _event(i, reply, day=date(2022, 11, 2), agent_countries=frozenset({"KOR"})) for i in (3, 4)
    ]
    told_together = _event(5, f"{barrage} {reply}", day=date(2022, 11, 2))
    assert _score(told_together, north[0]) >= LINK_THRESHOLD
    assert _score(told_together, south[0]) >= LINK_THRESHOLD
    partition = _any_order([*north, *south, told_together])
    assert frozenset({3, 4}) in partition
    assert len(partition) == 2


def test_meetings_sharing_one_side_with_someone_else_on_the_other_are_two() -> None:
    """Blinken with Wang Yi, then with Xi, one afternoon in Beijing: the same day, place,
    countries and words are not one meeting when each names someone the other does not."""
    met = "met in Beijing on Monday on the second day of a rare visit"
    wang = _event(
        1,
        met,
        type="meeting",
        traits=MEETING,
        day=date(2023, 6, 19),
        agent_countries=frozenset({"USA"}),
        agent_people=frozenset({"antony blinken"}),
        target_countries=frozenset({"CHN"}),
        target_people=frozenset({"wang yi"}),
        location_country="CHN",
    )
    xi = replace(wang, ref=2, target_people=frozenset({"xi jinping"}))
    xi_and_wang = replace(wang, ref=3, target_people=frozenset({"xi jinping", "wang yi"}))
    xi_only_named_once = replace(
        wang,
        ref=4,
        agent_people=frozenset(),
        target_countries=frozenset(),
        target_people=frozenset({"xi jinping"}),
    )
    assert pair_score(wang, xi) is None
    # Naming fewer people is not naming someone else.
    assert _score(xi, xi_and_wang) >= LINK_THRESHOLD
    assert _score(xi, xi_only_named_once) >= LINK_THRESHOLD


def test_launches_told_by_disjoint_missile_classes_stay_apart() -> None:
    """The ICBM of 2022-11-03 and the two SRBMs an hour later from the same province: one
    state, day and place; the range classes the reports name tell them apart."""
    kw = {"location_country": "PRK"}
    icbm = _event(
        1,
        "North Korea fired a long-range ballistic missile, presumed to be an "
        "ICBM, from the Sunan area of Pyongyang",
        **kw,
    )
    srbms = _event(
        2,
        "About an hour later, the North fired two short-range ballistic "
        "missiles from the Kaechon area",
        **kw,
    )
    icbm_again = _event(3, "The ICBM launched from Sunan appeared to have failed", **kw)
    srbms_again = _event(4, "The two short-range missiles flew about 330 km from Kaechon", **kw)
    assert icbm.classes == frozenset({"long"}) and srbms.classes == frozenset({"short"})
    # Disjoint classes cost CLASS_PENALTY, as disjoint weapons do; other types read none.
    untyped = [replace(e, type="other") for e in (icbm, srbms)]
    assert _score(*untyped) - _score(icbm, srbms) == CLASS_PENALTY
    assert _score(icbm, srbms) < LINK_THRESHOLD
    assert _any_order([icbm, srbms, icbm_again, srbms_again]) == {
        frozenset({1, 3}),
        frozenset({2, 4}),
    }
    # A barrage of several types: a class shared is no penalty, a report without one joins.
    barrage = _event(5, "fired short-range ballistic missiles and cruise missiles")
    cruise = _event(6, "fired cruise missiles into the sea")
    assert _score(barrage, cruise) >= LINK_THRESHOLD
    # Only launches read classes: a statement may name any missile.
    said = _event(7, "condemned the ICBM launch", type="statement")
    assert said.classes == frozenset()


def test_reports_of_an_exercise_days_apart_in_its_span_join() -> None:
    """Vigilant Storm: "began on Monday" (10-31) and Wednesday's "ongoing drills" (11-02),
    both dated by publication; within an exercise's window the date score falls with the
    gap instead of dropping to a neighbouring day's 0.5."""
    kw = {
        "type": "military_exercise",
        "traits": EXERCISE,
        "inferred": True,
        "agent_countries": frozenset({"KOR", "USA"}),
    }
    began = _event(
        1,
        "South Korea and the United States began their largest-ever combined "
        "air exercise on Monday, mobilizing around 240 warplanes",
        day=date(2022, 10, 31),
        **kw,
    )
    ongoing = _event(
        2,
        "North Korea fired missiles as it protested ongoing large-scale "
        "military drills between the United States and South Korea",
        day=date(2022, 11, 2),
        **kw,
    )
    assert _any_order([began, ongoing]) == {frozenset({1, 2})}
    days = [date(2022, 11, 1), date(2022, 11, 2), date(2022, 11, 6)]
    scores = [_score(began, replace(began, ref=3, day=d)) for d in days]
    assert scores[0] > scores[1] > scores[2]
    # At the window's edge the dates weigh as a neighbouring day's: the agents alone do not
    # join two drills of the same allies six days apart.
    edge = replace(ongoing, ref=4, day=date(2022, 11, 6))
    assert _score(began, edge) < LINK_THRESHOLD
    # A one-day happening keeps its rule: reports two days apart are not one launch.
    launch = [replace(e, type="launch", traits=TypeTraits()) for e in (began, ongoing)]
    assert pair_score(*launch) is None


def _stored(
    event_id: int,
    actors: tuple[tuple[str, str, str, str | None], ...],
    day: date,
    sentence: str,
    date_source: str | None = None,
) -> BlockEvent:
    return BlockEvent(
        id=event_id,
        type="parade",
        subtype=None,
        sentence=sentence,
        start_char=0,
        event_date=day,
        day=day,
        date_precision="day",
        location_name="Moscow",
        location_country="RUS",
        weapons=(),
        modality="asserted",
        date_source=date_source,
        article_id=event_id,
        content_hash=f"hash-{event_id}",
        published=day,
        source=None,
        copy_of=None,
        actors=actors,
    )


def test_a_report_without_agents_is_compared_by_its_participants() -> None:
    """The 2023 Victory Day parade: Reuters has Putin present ("as he marked the victory
    with a parade"), the other reports have him lead it; the parade of 2024 stays apart."""
    putin = ("Vladimir Putin", "person", "RUS")
    present = to_link_event(
        _stored(
            1,
            (("participant", *putin),),
            date(2023, 5, 10),
            "Putin said Western elites had unleashed a real war as he marked the Soviet victory "
            "with a pared-back parade on Red Square",
            date_source="published",
        )
    )
    led = to_link_event(
        _stored(
            2,
            (("agent", *putin),),
            date(2023, 5, 9),
            "A military parade dedicated to the 78th anniversary of the Victory took place on Red "
            "Square on Tuesday",
            date_source="published",
        )
    )
    assert present.agent_countries == frozenset({"RUS"})
    assert present.agent_people == frozenset({"vladimir putin"})
    assert _any_order([present, led]) == {frozenset({1, 2})}
    # Participants stand in only for missing agents: a guest at a parade is not its host.
    hosted = to_link_event(
        _stored(
            3,
            (("agent", "Moscow", "place", "RUS"), ("participant", "Xi Jinping", "person", "CHN")),
            date(2023, 5, 9),
            "The parade in Moscow",
        )
    )
    assert hosted.agent_people == frozenset()
    next_year = replace(led, ref=4, day=date(2024, 5, 9))
    last_years = replace(led, ref=5, day=date(2023, 1, 1), precision="year", inferred=True)
    assert pair_score(led, next_year) is None
    assert pair_score(next_year, last_years) is None
    assert len(_any_order([present, led, next_year, last_years])) == 3


def test_a_states_launches_of_one_week_stay_apart() -> None:
    """SRBMs on Wednesday 07-19, cruise missiles on Saturday 07-22, SRBMs on Monday 07-24:
    reports a day late by publication, a report of the 24th naming the other two as
    background; three incidents, with the cluster merges too."""
    srbm = "fired two short-range ballistic missiles toward the East Sea"
    cruise = "fired several cruise missiles into the Yellow Sea early Saturday"
    background = f"{srbm} late Monday, days after it {cruise} and {srbm} on Wednesday"
    events = [
        _event(1, f"{srbm} early Wednesday", day=date(2023, 7, 19)),
        _event(
            2,
            f"The statement came a day after the North {srbm}",
            day=date(2023, 7, 20),
            inferred=True,
        ),
        _event(3, cruise, day=date(2023, 7, 22)),
        _event(4, cruise, day=date(2023, 7, 23), inferred=True),
        _event(5, background, day=date(2023, 7, 24)),
        _event(6, f"{srbm} late Monday", day=date(2023, 7, 25), inferred=True),
    ]
    assert _any_order(events) == {frozenset({1, 2}), frozenset({3, 4}), frozenset({5, 6})}
