"""Property tests: every generated profile's plan keeps the protocol's rules.

The rules are the ones in design.md, "Rules the plan must never break". Each has its own check
function, so a failure names the rule it broke. Numbers come from the loaded protocol, except
the shape of the first run, which Rule 2 fixes (1 min jog : 2 min walk for 20 minutes).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import load_workspace
from generator.models import (
    DELIVERIES,
    LEVELS,
    CheckIn,
    Content,
    Goal,
    Plan,
    Profile,
    Protocol,
    Segment,
    Session,
)
from generator.plan import plan

ROOT = Path(__file__).resolve().parents[1]
DAY = timedelta(days=1)

# Rule 2 (design.md): the first run is 1 min jog : 2 min walk, repeated to 20 minutes.
FIRST_RUN_JOG, FIRST_RUN_WALK, FIRST_RUN_MAIN = 60, 120, 1200
FIRST_RUN_JOG_TOTAL = 420


@cache
def default_content() -> Content:
    """The workspace's real content, loaded once per test session."""
    ws, _ = load_workspace(ROOT)
    return ws.content


CONTENT = default_content()
PROTOCOL = CONTENT.protocol
SYMPTOM_IDS: tuple[str, ...] = tuple(s.id for s in PROTOCOL.hold_symptoms)


# ------------------------------------------------------------------ profiles


def _valid_run_days(count: int, min_gap_days: int) -> list[tuple[int, ...]]:
    """Weekday sets of ``count`` days whose every cyclic gap (Sun -> Mon too) is big enough."""
    result = []
    for days in itertools.combinations(range(7), count):
        gaps = [b - a for a, b in zip(days, (*days[1:], days[0] + 7), strict=True)]
        if count == 1 or min(gaps) >= min_gap_days:
            result.append(days)
    return result


RUN_DAY_SETS: dict[int, list[tuple[int, ...]]] = {n: _valid_run_days(n, 2) for n in (1, 2, 3)}


def _days(low: int, high: int) -> st.SearchStrategy[timedelta]:
    return st.integers(low, high).map(lambda n: timedelta(days=n))


@st.composite
def profiles(
    draw: st.DrawFn, symptoms: bool = True, goals: bool = True
) -> Profile:
    """A profile of the kind ``load_profile`` accepts (default protocol)."""
    delivery_date = draw(st.dates(date(2020, 1, 1), date(2030, 12, 31)))
    clearance = delivery_date + draw(_days(0, 120))
    healed = draw(st.none() | _days(0, 200).map(lambda d: delivery_date + d))
    start = max(delivery_date, clearance + draw(_days(-14, 60)))
    runs_per_week = draw(st.integers(1, 3))
    run_days = draw(st.sampled_from(RUN_DAY_SETS[runs_per_week]))
    free = [d for d in range(7) if d not in run_days]
    strength_days = tuple(sorted(draw(
        st.lists(st.sampled_from(free), min_size=2, max_size=3, unique=True)
    )))
    goal = None
    if goals and draw(st.booleans()):
        goal_date = start + draw(_days(1, 400))
        goal = Goal(draw(st.sampled_from(["parkrun 5 km", "10 km", ""])), goal_date)
    symptom_sets = st.just(())
    if symptoms:
        symptom_sets = st.just(()) | st.lists(
            st.sampled_from(SYMPTOM_IDS), min_size=1, max_size=3, unique=True
        ).map(tuple)
    last_check_in = (start + timedelta(days=300) - delivery_date).days
    check_ins = draw(st.lists(
        st.builds(CheckIn, _days(0, last_check_in).map(lambda d: delivery_date + d), symptom_sets),
        max_size=6,
    ))
    return Profile(
        file="profiles/generated.yaml",
        name="Generated Client",
        slug="generated-client",
        delivery_date=delivery_date,
        delivery=draw(st.sampled_from(DELIVERIES)),
        clearance_date=clearance,
        start_date=start,
        level=draw(st.sampled_from(LEVELS)),
        runs_per_week=runs_per_week,
        run_days=run_days,
        strength_days=strength_days,
        breastfeeding=draw(st.booleans()),
        injuries_healed_date=healed,
        goal=goal,
        check_ins=tuple(sorted(check_ins, key=lambda c: c.date)),
    )


# ------------------------------------------------------------------ helpers


def runs_of(p: Plan) -> list[Session]:
    return [s for s in p.sessions if s.kind == "run_walk"]


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def main_segments(session: Session) -> list[Segment]:
    return [s for s in session.segments if s.part == "main"]


def jog_walk_main(jog: int, walk: int, total: int) -> Iterator[Segment]:
    """``jog`` then ``walk`` seconds, alternating, cut to fill exactly ``total`` seconds."""
    left, activity = total, "jog"
    while left > 0:
        seconds = min(jog if activity == "jog" else walk, left)
        yield Segment(activity, seconds, "main")  # type: ignore[arg-type]
        left -= seconds
        activity = "walk" if activity == "jog" else "jog"


# ------------------------------------------------------------------ the rules


def check_rule1_no_run_before_earliest_date(p: Plan, profile: Profile, proto: Protocol) -> None:
    dates = [profile.delivery_date + timedelta(weeks=proto.earliest_run_weeks),
             profile.clearance_date]
    if profile.injuries_healed_date is not None:
        dates.append(profile.injuries_healed_date)
    earliest = max(dates)
    assert p.earliest_run_date == earliest
    early = [r.date for r in runs_of(p) if r.date < earliest]
    assert not early, f"runs before the earliest run date {earliest}: {early}"


def check_rule2_readiness_then_gentle_first_run(p: Plan, proto: Protocol) -> None:
    runs = runs_of(p)
    readiness = [s for s in p.sessions if s.kind == "readiness"]
    assert len(readiness) <= 1
    if not runs:
        assert p.first_run_date is None
        return
    assert len(readiness) == 1, "a plan with runs needs exactly one readiness check"
    first = runs[0]
    assert readiness[0].date < first.date
    assert p.readiness_date == readiness[0].date
    assert p.first_run_date == first.date
    warm_up = [Segment("walk", proto.warm_up_seconds, "warm_up")] if proto.warm_up_seconds else []
    cool_down = [Segment("walk", proto.cool_down_seconds, "cool_down")] if proto.cool_down_seconds \
        else []
    expected = (
        *warm_up, *jog_walk_main(FIRST_RUN_JOG, FIRST_RUN_WALK, FIRST_RUN_MAIN), *cool_down)
    assert first.segments == expected
    assert (first.stage, first.jog_seconds, first.main_seconds) == (
        1, FIRST_RUN_JOG_TOTAL, FIRST_RUN_MAIN)
    assert first.decision == "first"


def check_rule3_runs_spaced_and_capped_per_week(
    p: Plan, profile: Profile, proto: Protocol
) -> None:
    runs = runs_of(p)
    min_gap = timedelta(hours=proto.hours_between_runs)
    for a, b in itertools.pairwise(runs):
        assert b.date - a.date >= min_gap, f"runs on {a.date} and {b.date} are too close"
    per_week = Counter(monday(r.date) for r in runs)
    for week, count in per_week.items():
        assert count <= profile.runs_per_week, f"{count} runs in the week of {week}"


def check_rule4_jog_increases_per_week(p: Plan, proto: Protocol) -> None:
    increases: Counter[date] = Counter()
    for prev, run in itertools.pairwise(runs_of(p)):
        if run.jog_seconds > prev.jog_seconds:
            increases[monday(run.date)] += 1
    for week, count in increases.items():
        assert count <= proto.max_jog_increases_per_week, (
            f"jogging time went up {count} times in the week of {week}")


def check_rule5_symptoms_hold_progression(p: Plan) -> None:
    runs = runs_of(p)
    for hold in p.holds:
        before = [r for r in runs if r.date <= hold.start]
        baseline = before[-1].jog_seconds if before else 0
        for r in runs:
            if hold.start < r.date and (hold.end is None or r.date <= hold.end):
                assert r.jog_seconds <= baseline, (
                    f"run on {r.date} jogs {r.jog_seconds} s during the hold from "
                    f"{hold.start} (baseline {baseline} s)")
                assert r.decision == "held", f"run on {r.date} during a hold is {r.decision}"


def check_rule6_strength_all_through_at_her_level(
    p: Plan, profile: Profile, proto: Protocol, content: Content
) -> None:
    low, high = proto.strength_per_week
    strength = [s for s in p.sessions if s.kind == "strength"]
    per_week = Counter(monday(s.date) for s in strength)
    week = monday(p.start) if p.start.weekday() == 0 else monday(p.start) + timedelta(weeks=1)
    while week + 6 * DAY <= p.end:
        assert low <= per_week[week] <= high, (
            f"{per_week[week]} strength sessions in the week of {week}")
        week += timedelta(weeks=1)
    for s in strength:
        assert s.exercises, f"strength session on {s.date} has no exercises"
        for dose in s.exercises:
            variant = content.exercises[dose.id].variant(profile.level)
            assert variant is not None
            assert dose.dosage == variant.dosage, f"{dose.id} on {s.date} not at her level"


def check_calendar_and_session_shape(p: Plan) -> None:
    assert p.end >= p.start
    dates = [s.date for s in p.sessions]
    assert dates == sorted(dates), "sessions are not in date order"
    assert set(dates) == {p.start + n * DAY for n in range((p.end - p.start).days + 1)}, (
        "some day between start and end has no session")
    for s in p.sessions:
        assert all(seg.part in ("warm_up", "main", "cool_down") for seg in s.segments)
    for r in runs_of(p):
        assert r.date.weekday() in p.profile.run_days, f"run on {r.date} is not on a run day"
        main = main_segments(r)
        assert sum(seg.seconds for seg in main) == r.main_seconds
        assert sum(seg.seconds for seg in r.segments if seg.activity == "jog") == r.jog_seconds


def check_all_rules(profile: Profile, proto: Protocol = PROTOCOL) -> Plan:
    content = CONTENT
    p = plan(profile, proto, content)
    check_rule1_no_run_before_earliest_date(p, profile, proto)
    check_rule2_readiness_then_gentle_first_run(p, proto)
    check_rule3_runs_spaced_and_capped_per_week(p, profile, proto)
    check_rule4_jog_increases_per_week(p, proto)
    check_rule5_symptoms_hold_progression(p)
    check_rule6_strength_all_through_at_her_level(p, profile, proto, content)
    check_calendar_and_session_shape(p)
    return p


# ------------------------------------------------------------------ properties


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_every_generated_plan_keeps_all_six_rules(profile: Profile) -> None:
    p = check_all_rules(profile)
    assert plan(profile, PROTOCOL, CONTENT) == p, "plan() is not deterministic"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(symptoms=False, goals=False))
def test_symptom_free_plan_without_goal_reaches_continuous_jogging(profile: Profile) -> None:
    p = check_all_rules(profile)
    last = PROTOCOL.stages[-1]
    assert last.walk == 0
    finals = [r for r in runs_of(p) if r.stage == len(PROTOCOL.stages)]
    assert finals, "the plan never reaches the last stage"
    final = finals[0]
    assert p.final_stage_date == final.date
    assert final.jog_seconds == last.main_seconds
    assert main_segments(final) == [Segment("jog", last.main_seconds, "main")]


protocol_variants = st.builds(
    lambda **numbers: replace(PROTOCOL, **numbers),
    earliest_run_weeks=st.integers(0, 20),
    max_jog_increases_per_week=st.integers(1, 3),
    foundation_min_weeks=st.integers(0, 6),
    sessions_per_stage=st.integers(1, 4),
    warm_up_seconds=st.sampled_from([0, 120, 300]),
    cool_down_seconds=st.sampled_from([0, 300]),
    consolidate_weeks=st.integers(0, 4),
    hold_review_weeks=st.integers(1, 4),
    max_plan_weeks=st.integers(8, 100),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(), protocol_variants)
def test_rules_follow_the_protocol_numbers_when_they_change(
    profile: Profile, protocol: Protocol
) -> None:
    """With one session per stage, Rule 4's cap on jog increases really binds."""
    check_all_rules(profile, protocol)
