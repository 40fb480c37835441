"""The incident linker's rules (no database): near misses apart, reports together, any order."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest

from common.incident_keys import block_key
from tests.worker.link_events import link_event
from worker.event_types import incident_traits
from worker.incident_linking import (
    LINK_THRESHOLD,
    LinkEvent,
    TypeTraits,
    cluster,
    content_words,
    pair_score,
    window_days,
)

#: As the built-in specs say (tested below against the registry).
SPEECH = TypeTraits(speech=True)
EXERCISE = TypeTraits(window=6)
MEETING = TypeTraits(symmetric_roles=True)


def _event(ref: int, sentence: str, **kw: object) -> LinkEvent:
    return link_event(ref, sentence, date(2023, 7, 12), **kw)


ICBM = "North Korea fired an intercontinental ballistic missile toward the East Sea on Wednesday."


def test_reports_of_one_launch_join_and_a_launch_a_week_later_does_not() -> None:
    a = _event(1, ICBM, weapons=frozenset({"hwasong-18"}))
    b = _event(2, "North Korea test-fired a Hwasong-18 ICBM on Wednesday, Seoul said.")
    later = _event(3, "North Korea fired two short-range ballistic missiles toward the East Sea.",
                   day=date(2023, 7, 19))  # fmt: skip
    assert pair_score(a, b) is not None and pair_score(a, b) >= 3  # type: ignore[operator]
    assert pair_score(a, later) is None
    assert sorted(len(c) for c in cluster([a, b, later])) == [1, 2]


def test_a_month_dated_report_joins_the_day_dated_launch_of_its_month() -> None:
    day = _event(1, ICBM, weapons=frozenset({"hwasong-18"}))
    month = _event(2, "It fired a Hwasong-18 earlier this month.", day=date(2023, 7, 1),
                   precision="month", weapons=frozenset({"hwasong-18"}))  # fmt: skip
    other_month = replace(month, ref=3, day=date(2023, 6, 1))
    assert [len(c) for c in cluster([month, day])] == [2]
    assert pair_score(day, other_month) is None
    assert block_key("launch", date(2023, 7, 12), "day") == block_key(
        "launch", date(2023, 7, 1), "month"
    )


def test_two_officials_reacting_to_one_launch_are_two_incidents() -> None:
    said = "condemned the launch as a grave provocation on Wednesday"
    a = _event(1, said, type="statement", agent_people=frozenset({"yoon suk yeol"}),
               agent_countries=frozenset({"KOR"}), traits=SPEECH)  # fmt: skip
    b = replace(a, ref=2, agent_people=frozenset({"han duck-soo"}))
    c = replace(a, ref=3, order_key=("article-009", "0", "statement"),
                agent_people=frozenset({"yoon"}))  # fmt: skip
    assert pair_score(a, b) is None
    assert pair_score(a, c) is not None
    assert sorted(len(g) for g in cluster([a, b, c])) == [1, 2]


def test_the_partition_does_not_depend_on_the_order() -> None:
    rng = random.Random(3)
    events = []
    for i in range(40):
        day = date(2023, 7, 10 + rng.randrange(4))
        events.append(
            _event(
                i,
                f"North Korea fired missile number {rng.randrange(3)} into the sea",
                day=day,
                inferred=rng.random() < 0.3,
                weapons=frozenset({rng.choice(["hwasong-18", "kn-23", "cruise"])}),
            )
        )
    expected = {frozenset(e.ref for e in c) for c in cluster(events)}
    for seed in range(5):
        shuffled = list(events)
        random.Random(seed).shuffle(shuffled)
        assert {frozenset(e.ref for e in c) for c in cluster(shuffled)} == expected
    assert 1 < len(expected) < len(events)


def test_a_report_naming_the_wrong_agent_country_can_still_join_its_launch() -> None:
    """Disjoint agent countries veto statements only; other types pay a penalty."""
    north = _event(1, ICBM, weapons=frozenset({"hwasong-18"}))
    slip = _event(2, ICBM, agent_countries=frozenset({"KOR"}), weapons=frozenset({"hwasong-18"}))
    other_day = replace(slip, ref=3, day=date(2023, 7, 14))
    assert [len(c) for c in cluster([north, slip])] == [2]
    assert pair_score(north, other_day) is None
    said = replace(north, ref=4, type="statement", traits=SPEECH)
    assert pair_score(said, replace(slip, ref=5, type="statement")) is None


def test_reports_of_a_multi_day_exercise_dated_by_publication_join() -> None:
    drill = "South Korea and the United States staged the Vigilant Storm combined air drill."
    kw = {
        "type": "military_exercise",
        "agent_countries": frozenset({"KOR", "USA"}),
        "traits": EXERCISE,
    }
    monday = _event(1, drill, inferred=True, day=date(2022, 11, 1), **kw)  # type: ignore[arg-type]
    thursday = replace(monday, ref=2, day=date(2022, 11, 4))
    weeks_later = replace(monday, ref=3, day=date(2022, 11, 21))
    assert pair_score(monday, thursday) is not None
    assert pair_score(monday, weeks_later) is None
    launch = replace(monday, ref=4, type="launch", traits=TypeTraits())
    launched = replace(thursday, type="launch", traits=TypeTraits())
    assert pair_score(launch, launched) is None  # a launch is one day


def _every_cluster(events: list[LinkEvent]) -> list[list[LinkEvent]]:
    """The linker's rule scoring every cluster (no candidate index): the reference."""
    from worker.incident_linking import LINK_THRESHOLD, _merge_linked, _rank

    clusters: list[list[LinkEvent]] = []
    linked: set[tuple[int, int]] = set()
    for event in sorted(events, key=_rank):
        best, best_score = None, LINK_THRESHOLD
        reached = []
        for index, members in enumerate(clusters):
            scores = [pair_score(event, m) for m in members]
            if any(s is None for s in scores):
                continue
            top = max(s for s in scores if s is not None)
            if top >= LINK_THRESHOLD:
                reached.append(index)
            if top >= best_score:
                best, best_score = index, top
        if best is None:
            clusters.append([event])
        else:
            clusters[best].append(event)
            linked.update((min(i, best), max(i, best)) for i in reached if i != best)
    merged = _merge_linked(clusters, linked)
    return [sorted(c, key=lambda e: e.order_key) for c in merged]


def test_candidate_index_gives_the_partition_of_scoring_every_cluster() -> None:
    rng = random.Random(3)
    words = ["missile", "launch", "condemn", "talks", "drill", "sea", "east", "icbm", "warn"]
    people = ["kim jong un", "kim yo jong", "yoon suk yeol", "antony blinken", "wang yi"]
    for kind in ("statement", "launch", "military_exercise"):
        events = []
        for i in range(300):
            precision = rng.choice(["day", "day", "day", None, "month"])
            events.append(
                _event(
                    i,
                    " ".join(rng.sample(words, 4)),
                    type=kind,
                    traits={"statement": SPEECH, "military_exercise": EXERCISE}.get(
                        kind, TypeTraits()
                    ),
                    order_key=(f"{rng.getrandbits(32):08x}", str(i), kind),
                    day=date(2023, 7, 1 if precision == "month" else rng.randint(1, 31)),
                    precision=precision,
                    inferred=rng.random() < 0.5,
                    agent_countries=frozenset(rng.sample(["PRK", "KOR", "USA", "CHN"], 1))
                    if rng.random() < 0.8
                    else frozenset(),
                    agent_people=frozenset(rng.sample(people, 1))
                    if rng.random() < 0.6
                    else frozenset(),
                )
            )
        expected = [[e.ref for e in c] for c in _every_cluster(events)]
        assert [[e.ref for e in c] for c in cluster(events)] == expected
        assert len(expected) < len(events)  # some reports joined: the test can fail


def test_the_linker_reads_each_types_traits_from_its_spec() -> None:
    traits = incident_traits()
    assert traits["military_exercise"] == EXERCISE
    assert traits["statement"] == SPEECH
    assert traits["meeting"] == MEETING
    assert traits["launch"] == TypeTraits()


def test_reports_a_day_apart_across_a_months_end_join() -> None:
    """A launch read as the 31st and the next morning's reports dated by publication."""
    launch = _event(1, ICBM, day=date(2023, 10, 31))
    morning = _event(2, ICBM, day=date(2023, 11, 1), inferred=True)
    read_as_the_1st = replace(morning, ref=3, inferred=False)
    assert [len(c) for c in cluster([morning, launch])] == [2]
    assert pair_score(launch, read_as_the_1st) is None  # both days read from the sentence
    # Candidates are looked up on the neighbouring days, whichever month they are in.
    assert date(2023, 11, 1) in window_days(launch)
    assert date(2023, 10, 31) in window_days(morning)


def test_window_days_cover_every_pair_the_dates_allow() -> None:
    rng = random.Random(9)
    events = []
    for i in range(200):
        precision = rng.choice(["day", "day", "month", "year", None])
        day = date(2023, rng.choice([1, 2, 12]), rng.randint(1, 28))
        if precision == "month":
            day = day.replace(day=1)
        elif precision == "year":
            day = date(day.year, 1, 1)
        events.append(
            _event(i, ICBM, type="military_exercise", traits=EXERCISE, day=day,
                   precision=precision, inferred=rng.random() < 0.5)
        )  # fmt: skip
    for a in events:
        for b in events:
            if pair_score(a, b) is not None:
                assert b.day in window_days(a)


def test_a_meetings_two_sides_are_compared_whichever_is_named_first() -> None:
    met = "met in Jakarta on the sidelines of the ASEAN meetings"
    blinken_met_wang = _event(
        1, met, type="meeting", traits=MEETING,
        agent_countries=frozenset({"USA"}), agent_people=frozenset({"antony blinken"}),
        target_countries=frozenset({"CHN"}), target_people=frozenset({"wang yi"}),
    )  # fmt: skip
    wang_met_blinken = replace(
        blinken_met_wang, ref=2,
        words=content_words("held talks in Jakarta with the US secretary of state"),
        agent_countries=frozenset({"CHN"}), agent_people=frozenset({"wang yi"}),
        target_countries=frozenset({"USA"}), target_people=frozenset({"antony blinken"}),
    )  # fmt: skip
    with_qin = replace(blinken_met_wang, ref=3, target_people=frozenset({"qin gang"}))
    assert [len(c) for c in cluster([blinken_met_wang, wang_met_blinken])] == [2]
    # One side shared, someone else on the other: another meeting.
    assert pair_score(blinken_met_wang, with_qin) is None
    one_sided = [replace(e, traits=TypeTraits()) for e in (blinken_met_wang, wang_met_blinken)]
    assert pair_score(*one_sided) < LINK_THRESHOLD  # type: ignore[operator]


def test_a_statement_only_attributed_to_a_state_weighs_less_against_a_named_speaker() -> None:
    said = "accused Ukraine of a drone attack on the Kremlin"
    putin = _event(1, said, type="statement", traits=SPEECH, agent_countries=frozenset({"RUS"}),
                   agent_people=frozenset({"vladimir putin"}))  # fmt: skip
    kremlin = replace(putin, ref=2, agent_people=frozenset())
    peskov = replace(putin, ref=3, agent_people=frozenset({"vladimir putin"}))
    # Without the speaker's name: no +2 for the shared speaker, and the penalty of 1.
    assert pair_score(putin, kremlin) == pytest.approx(
        pair_score(putin, peskov) - 2 - 1  # type: ignore[operator]
    )


def _reference_date_score(a: LinkEvent, b: LinkEvent) -> float | None:
    """The date rule as first written (on dates, before the ordinal fast path)."""

    def period(e: LinkEvent) -> str:
        if e.day is None:
            return "none"
        return e.precision if e.precision in ("year", "month") else "day"

    pa, pb = period(a), period(b)
    if pa == "none" or pb == "none":
        return 0.0 if pa == pb else None
    assert a.day is not None and b.day is not None
    if pa == "year" or pb == "year":
        return 0.0 if pa == pb and a.day.year == b.day.year else None
    if pa == "month" or pb == "month":
        return 0.5 if (a.day.year, a.day.month) == (b.day.year, b.day.month) else None
    gap = abs((a.day - b.day).days)
    window = max(a.traits.window, b.traits.window)
    if gap == 0:
        return 2.0
    if gap <= window and (a.inferred or b.inferred):
        return max(0.5, 2.0 * (1 - gap / (window + 1)))
    if gap == 1 and (a.inferred or b.inferred):
        return 0.5
    return None


def test_date_score_fast_path_agrees_with_the_rule_on_dates() -> None:
    from worker.incident_linking import _date_score

    rng = random.Random(3)
    days = [None, date(2023, 6, 30), date(2023, 7, 1), date(2023, 7, 2), date(2023, 7, 8),
            date(2023, 7, 31), date(2023, 8, 1), date(2024, 1, 1)]  # fmt: skip
    events = [
        _event(
            i,
            ICBM,
            day=rng.choice(days),
            precision=rng.choice(["day", "month", "year", None]),
            inferred=rng.random() < 0.5,
            traits=rng.choice([TypeTraits(), EXERCISE]),
        )
        for i in range(120)
    ]
    outcomes = set()
    for a in events:
        for b in events:
            expected = _reference_date_score(a, b)
            assert _date_score(a, b) == expected, (a, b)
            outcomes.add(expected)
    # Every branch was met (an exercise: 1 and 2 days apart score 2 * (1 - 1/7), 2 * (1 - 2/7)).
    assert outcomes == {None, 0.0, 0.5, 2.0, 2.0 * (1 - 1 / 7), 2.0 * (1 - 2 / 7)}


def _random_statements(rng: random.Random, n: int) -> list[LinkEvent]:
    """Events of one day of every kind of speaker: states, people, both sides of a meeting."""
    people = ["kim jong un", "kim yo jong", "yoon suk yeol", "antony blinken", "wang yi"]
    countries = ["PRK", "KOR", "USA", "CHN"]
    words = ["missile", "launch", "condemn", "talks", "drill", "sea", "east", "icbm", "warn"]
    events = []
    for i in range(n):
        kind, traits = rng.choice(
            [("statement", SPEECH), ("meeting", MEETING), ("launch", TypeTraits()),
             ("talks", TypeTraits(speech=True, symmetric_roles=True))]
        )  # fmt: skip
        events.append(
            _event(
                i,
                " ".join(rng.sample(words, 4)),
                type=kind,
                traits=traits,
                order_key=(f"{rng.getrandbits(32):08x}", str(i), kind),
                agent_countries=frozenset(rng.sample(countries, rng.randrange(3))),
                target_countries=frozenset(rng.sample(countries, rng.randrange(2))),
                agent_people=frozenset(rng.sample(people, rng.randrange(2))),
            )
        )
    return events


def test_speakers_of_disjoint_countries_never_score() -> None:
    # The linker's scan skips such pairs without scoring them (worker.incident_groups).
    rng = random.Random(5)
    events = _random_statements(rng, 160)
    skipped = 0
    for a in events:
        for b in events:
            if a.type != b.type or a.speakers is None or b.speakers is None:
                continue
            if a.speakers.isdisjoint(b.speakers):
                skipped += 1
                assert pair_score(a, b) is None, (a, b)
    assert skipped > 100  # the rule was met


def test_kept_pair_scores_give_the_same_incidents() -> None:
    # Clustering with the scores kept from earlier calls (as the worker does between batches:
    # groups come back with new reports) gives what scoring every pair again gives.
    rng = random.Random(9)
    events = _random_statements(rng, 240)
    scores: dict[tuple[int, int], float | None] = {}
    for size in (60, 120, 180, 240):
        some = rng.sample(events, size)
        fresh = [[e.ref for e in c] for c in cluster(some)]
        assert [[e.ref for e in c] for c in cluster(some, scores)] == fresh
    assert scores and all(
        scores[(a.serial, b.serial)] == pair_score(a, b)
        for a in events
        for b in events
        if (a.serial, b.serial) in scores
    )
