"""Property tests: every generated profile's plan keeps the protocol's rules.

The rules are the ones in design.md, "Rules the plan must never break". Each has its own check
function, so a failure names the rule it broke. Numbers come from the loaded protocol, except
the shape of the first run, which Rule 2 fixes (1 min jog : 2 min walk for 20 minutes).
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec.structs import replace

from generator.load import load_workspace
from generator.models import (
    DELIVERIES,
    LEVELS,
    Break,
    CheckIn,
    Content,
    Goal,
    Plan,
    Profile,
    Protocol,
    ReadinessCheck,
    Segment,
    Session,
)
from generator.plan import healed_date, hold_on, plan

from .conftest import THOROUGH

# Fast by default (the whole suite stays within minutes); POSTRUN_THOROUGH=1 runs many more
# (tests/conftest.py loads the matching hypothesis profile).


def examples(fast: int, thorough: int) -> int:
    return thorough if THOROUGH else fast


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
STOP_IDS: tuple[str, ...] = tuple(s.id for s in PROTOCOL.stop_symptoms)
TEST_IDS: tuple[str, ...] = tuple(t.id for t in PROTOCOL.readiness_tests)


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
    draw: st.DrawFn, symptoms: bool = True, goals: bool = True, clinical: bool = True
) -> Profile:
    """A profile of the kind ``load_profile`` accepts (default protocol): check-ins with hold
    and stop symptoms, breaks and readiness results when ``clinical``."""
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
        ids = SYMPTOM_IDS + (STOP_IDS if clinical else ())
        symptom_sets = st.just(()) | st.lists(
            st.sampled_from(ids), min_size=1, max_size=3, unique=True
        ).map(tuple)
    last_check_in = (start + timedelta(days=300) - delivery_date).days
    check_ins = draw(st.lists(
        st.builds(CheckIn, _days(0, last_check_in).map(lambda d: delivery_date + d), symptom_sets),
        max_size=6,
    ))
    breaks: list[Break] = []
    checks: list[ReadinessCheck] = []
    if clinical:
        cursor = start
        for _ in range(draw(st.integers(0, 2))):
            b_start = cursor + draw(_days(0, 200))
            b_end = b_start + draw(_days(0, 30))
            breaks.append(Break(b_start, b_end, draw(st.sampled_from(["illness", "travel", ""]))))
            cursor = b_end + timedelta(days=1)
        checks = draw(st.lists(
            st.builds(
                ReadinessCheck,
                _days(0, 250).map(lambda d: start + d),
                st.lists(st.sampled_from(TEST_IDS), max_size=2, unique=True).map(tuple),
            ),
            max_size=3,
            unique_by=lambda c: c.date,
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
        readiness_checks=tuple(sorted(checks, key=lambda c: c.date)),
        breaks=tuple(breaks),
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


def failed_checks(profile: Profile) -> set[date]:
    return {c.date for c in profile.readiness_checks if c.failed}


def check_rule2_readiness_then_gentle_first_run(
    p: Plan, proto: Protocol, profile: Profile
) -> None:
    runs = runs_of(p)
    readiness = [s.date for s in p.sessions if s.kind == "readiness"]
    if not runs:
        assert p.first_run_date is None
        return
    before = [d for d in readiness if d < runs[0].date]
    assert before, "a plan with runs needs a readiness check before the first run"
    assert before[-1] not in failed_checks(profile), "first run after a failed readiness check"
    first = runs[0]
    assert p.readiness_date == readiness[0]
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
    """A hold steps her runs back one stage (never below 1) from the last run on or before its
    check-in, and no run during it jogs longer than before it."""
    runs = runs_of(p)
    for hold in p.holds:
        before = [r for r in runs if r.date <= hold.start]
        baseline = before[-1].jog_seconds if before else 0
        top = max(1, before[-1].stage - 1) if before and before[-1].stage else 1
        for r in runs:
            if hold.start < r.date and (hold.end is None or r.date <= hold.end):
                assert before, f"run on {r.date} during a hold with no run before it"
                assert r.jog_seconds <= baseline, (
                    f"run on {r.date} jogs {r.jog_seconds} s during the hold from "
                    f"{hold.start} (baseline {baseline} s)")
                assert r.stage is not None and r.stage <= top, (
                    f"run on {r.date} at stage {r.stage} during the hold from {hold.start}: "
                    f"not stepped back from stage {top + 1}")
                assert r.decision in ("held", "step_back"), (
                    f"run on {r.date} during a hold is {r.decision}")


def check_level(
    p: Plan, profile: Profile, proto: Protocol, day: date, level: str
) -> None:
    """Healed first (beginner variants before her healed date and during a stop); a beginner
    moves up only after N weeks of run/walk without a hold, stop or break."""
    healed = healed_date(profile, proto)
    if (healed is not None and day < healed) or hold_on(day, p.stops) is not None:
        assert level == "beginner", f"{level} variants on {day}, before healing or in a stop"
        return
    if profile.level == "intermediate" or level == "beginner":
        assert level == profile.level or profile.level == "beginner"
        return
    first_up = min(
        s.date for s in p.sessions for d in s.exercises if d.level == "intermediate"
    )
    if day != first_up:
        return  # once moved up, she stays up
    span = timedelta(weeks=proto.level_up_after_weeks)
    assert p.first_run_date is not None and day >= p.first_run_date + span, (
        f"moved up on {day}, less than {proto.level_up_after_weeks} weeks after the first run")
    window = [day - span + n * DAY for n in range(span.days + 1)]
    for d in window:
        assert hold_on(d, (*p.holds, *p.stops)) is None, f"moved up on {day}: held on {d}"
        assert not any(b.start <= d <= b.end for b in p.breaks), f"moved up on {day}: break {d}"


def in_break(p: Plan, day: date) -> bool:
    return any(b.start <= day <= b.end for b in p.breaks)


def check_rule6_strength_all_through_at_her_level(
    p: Plan, profile: Profile, proto: Protocol, content: Content
) -> None:
    low, high = proto.strength_per_week
    strength = [s for s in p.sessions if s.kind == "strength"]
    per_week = Counter(monday(s.date) for s in strength)
    week = monday(p.start) if p.start.weekday() == 0 else monday(p.start) + timedelta(weeks=1)
    while week + 6 * DAY <= p.end:
        if not any(in_break(p, week + n * DAY) for n in range(7)):
            assert low <= per_week[week] <= high, (
                f"{per_week[week]} strength sessions in the week of {week}")
        week += timedelta(weeks=1)
    for s in strength:
        assert s.exercises, f"strength session on {s.date} has no exercises"
        for dose in s.exercises:
            check_level(p, profile, proto, s.date, dose.level)
            variant = content.exercises[dose.id].variant(dose.level)
            assert variant is not None and variant.level == dose.level
            assert dose.dosage == variant.dosage, f"{dose.id} on {s.date} not at its level"


def check_stops(p: Plan, profile: Profile, content: Content) -> None:
    """A stop symptom: no run and no impact work until a symptom-free check-in, then a
    readiness check before the next run, which is one stage below the last before the stop."""
    runs = runs_of(p)
    readiness = [s.date for s in p.sessions if s.kind == "readiness"]
    for stop in p.stops:
        inside = [r.date for r in runs if hold_on(r.date, (stop,)) is not None]
        assert not inside, f"runs during the stop from {stop.start}: {inside}"
        for s in p.sessions:
            if hold_on(s.date, (stop,)) is not None:
                impact = [d.id for d in s.exercises if content.exercises[d.id].category == "impact"]
                assert not impact, f"impact work on {s.date} during a stop: {impact}"
        if stop.end is None:
            continue
        after = [r for r in runs if r.date > stop.end]
        if not after:
            continue
        assert any(stop.end <= d < after[0].date for d in readiness), (
            f"no readiness check between the stop's end {stop.end} and the run on "
            f"{after[0].date}")
        before = [r for r in runs if r.date <= stop.start]
        if before and before[-1].stage:
            assert after[0].stage is not None
            assert after[0].stage <= max(1, before[-1].stage - 1), (
                f"after the stop, the run on {after[0].date} is at stage {after[0].stage}")


def check_healed_first(p: Plan, profile: Profile, proto: Protocol, content: Content) -> None:
    healed = healed_date(profile, proto)
    if healed is None:
        return
    for s in p.sessions:
        if s.date < healed:
            impact = [d.id for d in s.exercises if content.exercises[d.id].category == "impact"]
            assert not impact, f"impact work on {s.date}, before her healed date {healed}"
            assert all(d.level == "beginner" for d in s.exercises)


def impact_weeks(proto: Protocol, content: Content) -> int:
    """The weeks (weights) of the foundation phases that hold impact exercises."""
    return sum(
        spec.weeks
        for spec in proto.phase("foundation")
        if any(
            content.exercises[ex_id].category == "impact"
            for level in LEVELS
            for ex_id in spec.exercises_for(level)
        )
    )


def check_impact_practice_before_readiness(
    p: Plan, profile: Profile, proto: Protocol, content: Content
) -> None:
    """*Safer* (healed first): a planned readiness check comes at least the impact phase's
    weeks after her healed date, so she has practised landing before the tests' hops. A check
    the coach logged is her call."""
    healed = healed_date(profile, proto)
    if healed is None:
        return
    ready = healed + timedelta(weeks=impact_weeks(proto, content))
    logged = {c.date for c in profile.readiness_checks}
    for s in p.sessions:
        if s.kind == "readiness" and s.date not in logged:
            assert s.date >= ready, (
                f"readiness check on {s.date}, before {impact_weeks(proto, content)} weeks of "
                f"impact practice after her healed date {healed}")


def check_readiness_results(p: Plan, profile: Profile, proto: Protocol) -> None:
    """After a failed check, no run before a passed or retest check; a planned retest comes
    readiness_retest_weeks later."""
    failed = failed_checks(profile)
    logged = {c.date for c in profile.readiness_checks}
    readiness = [s.date for s in p.sessions if s.kind == "readiness"]
    for r in runs_of(p):
        last = [d for d in readiness if d < r.date]
        assert last and last[-1] not in failed, (
            f"run on {r.date} follows the failed readiness check of {last[-1] if last else None}")
    for day in sorted(failed):
        later = [d for d in readiness if d > day]
        if later and later[0] not in logged:
            assert later[0] >= day + timedelta(weeks=proto.readiness_retest_weeks), (
                f"retest on {later[0]} too soon after the failed check of {day}")


def check_breaks(p: Plan, profile: Profile, proto: Protocol) -> None:
    logged = {c.date for c in profile.readiness_checks}
    runs = runs_of(p)
    for s in p.sessions:
        if in_break(p, s.date) and s.date not in logged:
            assert s.kind == "rest", f"a {s.kind} session on {s.date}, inside a break"
    for b in p.breaks:
        if (b.end - b.start).days + 1 < proto.break_step_back_days:
            continue
        before = [r for r in runs if r.date < b.start]
        after = [r for r in runs if r.date > b.end]
        if before and after and before[-1].stage:
            assert after[0].stage is not None
            assert after[0].stage <= max(1, before[-1].stage - 1), (
                f"after the break {b.start}–{b.end} the run on {after[0].date} is at stage "
                f"{after[0].stage}, not one below {before[-1].stage}")


def check_pelvic_floor_throughout(p: Plan) -> None:
    for s in p.sessions:
        if s.kind == "strength":
            assert "pelvic-floor-contractions" in {d.id for d in s.exercises}, (
                f"no pelvic-floor work in the strength session of {s.date}")


def check_rest_before_key_days(p: Plan) -> None:
    for key in (p.readiness_date, p.first_run_date):
        if key is None or key - DAY < p.start:
            continue
        eve = [s.kind for s in p.sessions if s.date == key - DAY]
        assert eve == ["rest"], f"the day before {key} carries {eve}"


def check_goal(p: Plan, profile: Profile) -> None:
    assert p.goal == profile.goal
    goal = profile.goal
    ids = {n.id for n in p.notes}
    if goal is None or goal.date is None or "held" in ids or "stopped" in ids:
        return
    final = p.final_stage_date
    if final is None or goal.date < final:
        assert "goal_too_soon" in ids, "a goal before the last stage has no note"
    for n in p.notes:
        assert n.coach and n.field


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
    check_rule2_readiness_then_gentle_first_run(p, proto, profile)
    check_rule3_runs_spaced_and_capped_per_week(p, profile, proto)
    check_rule4_jog_increases_per_week(p, proto)
    check_rule5_symptoms_hold_progression(p)
    check_rule6_strength_all_through_at_her_level(p, profile, proto, content)
    check_calendar_and_session_shape(p)
    check_stops(p, profile, content)
    check_healed_first(p, profile, proto, content)
    check_impact_practice_before_readiness(p, profile, proto, content)
    check_readiness_results(p, profile, proto)
    check_breaks(p, profile, proto)
    check_rest_before_key_days(p)
    check_goal(p, profile)
    if proto is PROTOCOL:
        check_pelvic_floor_throughout(p)
    return p


# ------------------------------------------------------------------ properties


@settings(max_examples=examples(int(os.environ.get("POSTRUN_EXAMPLES", 100)), 3000))
@given(profiles())
def test_every_generated_plan_keeps_all_six_rules(profile: Profile) -> None:
    p = check_all_rules(profile)
    assert plan(profile, PROTOCOL, CONTENT) == p, "plan() is not deterministic"


@settings(max_examples=examples(40, 800))
@given(profiles(symptoms=False, goals=False, clinical=False))
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
    readiness_retest_weeks=st.integers(1, 4),
    break_step_back_days=st.integers(1, 30),
    level_up_after_weeks=st.integers(1, 10),
)


@settings(max_examples=examples(50, 800))
@given(profiles(), protocol_variants)
def test_rules_follow_the_protocol_numbers_when_they_change(
    profile: Profile, protocol: Protocol
) -> None:
    """With one session per stage, Rule 4's cap on jog increases really binds."""
    check_all_rules(profile, protocol)


def test_healed_at_twelve_weeks_practises_impact_before_the_readiness_check() -> None:
    """A caesarean healed on the day of her earliest run: the readiness check waits for the
    impact phase's weeks of practice after healing, and she does impact work in them."""
    delivery = date(2026, 3, 2)
    healed = delivery + timedelta(weeks=12)
    profile = Profile(
        file="profiles/generated.yaml",
        name="Generated Client",
        slug="generated-client",
        delivery_date=delivery,
        delivery="caesarean",
        clearance_date=delivery + timedelta(weeks=6),
        start_date=delivery + timedelta(weeks=6),
        level="beginner",
        runs_per_week=3,
        run_days=(0, 2, 4),
        strength_days=(1, 3, 5),
        breastfeeding=False,
        injuries_healed_date=healed,
    )
    p = check_all_rules(profile)
    weeks = impact_weeks(PROTOCOL, CONTENT)
    assert weeks >= 1
    assert p.earliest_run_date == healed
    assert p.readiness_date is not None
    assert p.readiness_date >= healed + timedelta(weeks=weeks)
    impact_days = [
        s.date for s in p.sessions
        if healed <= s.date < p.readiness_date
        and any(CONTENT.exercises[d.id].category == "impact" for d in s.exercises)
    ]
    assert len(impact_days) >= 2 * weeks, impact_days


def test_a_failed_check_before_a_stop_still_spaces_the_retest_after_it() -> None:
    """Found by the property test: a failed readiness check, then a stop that ends later. The
    plan checks her readiness again after the stop, but never sooner than the retest weeks
    after the failed check (it used to plan one 11 days after it)."""
    failed = date(2020, 8, 31)
    profile = Profile(
        file="profiles/generated.yaml",
        name="Generated Client",
        slug="generated-client",
        delivery_date=date(2020, 1, 1),
        delivery="vaginal",
        clearance_date=date(2020, 1, 1),
        start_date=date(2020, 2, 20),
        level="beginner",
        runs_per_week=1,
        run_days=(0,),
        strength_days=(1, 2, 3),
        breastfeeding=False,
        goal=Goal(label="parkrun 5 km", date=date(2020, 2, 21)),
        check_ins=(CheckIn(date(2020, 1, 1), ("pain", "bulge")), CheckIn(date(2020, 9, 9), ())),
        readiness_checks=(ReadinessCheck(date(2020, 2, 20), ()),
                          ReadinessCheck(date(2020, 7, 29), ()),
                          ReadinessCheck(failed, ("test-walk",))),
    )
    p = check_all_rules(profile)
    retest = failed + timedelta(weeks=PROTOCOL.readiness_retest_weeks)
    planned = [s.date for s in p.sessions if s.kind == "readiness" and s.date > failed]
    assert planned and planned[0] >= retest, planned
