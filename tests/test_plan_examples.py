"""Example-based tests: the plans of the example profiles, and the plan's small helpers.

Pinned dates were computed once and checked by hand against the rules in design.md:

* lena-okafor: delivery Mon 2026-06-15 + 12 weeks = Mon 2026-09-07 (clearance 2026-07-27 is
  earlier; start 2026-08-03 + 3 foundation weeks = 2026-08-24 is earlier). Monday is not one of
  her strength days (tue/thu/sat), so the readiness check is 2026-09-07; her first run is the
  next run day (mon/wed/fri) after it, Wed 2026-09-09.
* priya-shah: delivery 2026-08-10 + 12 weeks = 2026-11-02, clearance 2026-09-21, injuries
  healed Fri 2026-11-20 -> earliest 2026-11-20. Her default strength days are mon/fri/sun, so
  the readiness check moves off Friday to Sat 2026-11-21. She failed the hops there (logged),
  so the retest is two weeks later, Sat 2026-12-05; first run Wed 2026-12-09 (wed/sat).
* sam-rivera: delivery Tue 2026-09-01 + 12 weeks = Tue 2026-11-24 (clearance 2026-10-13,
  start 2026-10-20 + 3 weeks = 2026-11-10 are earlier); Tuesday is not a strength day
  (mon/wed/fri) -> readiness 2026-11-24; first run Thu 2026-11-26 (tue/thu/sat).
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path

import msgspec
import pytest
from msgspec.structs import replace

from generator.load import load_workspace
from generator.models import CheckIn, Hold, Plan, Profile, Segment, Session, Stage, Workspace
from generator.plan import describe, duration, holds, plan, stage_segments

ROOT = Path(__file__).resolve().parents[1]
PHASES_IN_ORDER = ("core", "strength", "impact", "readiness", "run_walk", "goal")


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    ws, _ = load_workspace(ROOT)
    return ws


def profile_of(ws: Workspace, slug: str) -> Profile:
    return next(p for p in ws.profiles if Path(p.file).stem == slug)


def plan_of(ws: Workspace, slug: str) -> Plan:
    return plan(profile_of(ws, slug), ws.content.protocol, ws.content)


def runs_of(p: Plan) -> list[Session]:
    return [s for s in p.sessions if s.kind == "run_walk"]


# ------------------------------------------------------------------ the example profiles


class Expected(msgspec.Struct, frozen=True):
    slug: str
    earliest_run_date: date
    readiness_date: date
    first_run_date: date


EXAMPLES = [
    Expected("lena-okafor", date(2026, 9, 7), date(2026, 9, 7), date(2026, 9, 9)),
    Expected("priya-shah", date(2026, 11, 20), date(2026, 11, 21), date(2026, 12, 9)),
    Expected("sam-rivera", date(2026, 11, 24), date(2026, 11, 24), date(2026, 11, 26)),
]


@pytest.mark.parametrize("expected", EXAMPLES, ids=[e.slug for e in EXAMPLES])
def test_example_plan_starts_running_on_the_pinned_dates(
    workspace: Workspace, expected: Expected
) -> None:
    p = plan_of(workspace, expected.slug)
    assert p.earliest_run_date == expected.earliest_run_date
    assert p.readiness_date == expected.readiness_date
    assert p.first_run_date == expected.first_run_date
    readiness = [s for s in p.sessions if s.kind == "readiness"]
    assert readiness[0].date == expected.readiness_date
    first = runs_of(p)[0]
    assert first.date == expected.first_run_date
    assert (first.stage, first.decision) == (1, "first")


@pytest.mark.parametrize("expected", EXAMPLES, ids=[e.slug for e in EXAMPLES])
def test_example_plan_goes_through_every_phase_in_order(
    workspace: Workspace, expected: Expected
) -> None:
    p = plan_of(workspace, expected.slug)
    assert tuple(ph.id for ph in p.phases) == PHASES_IN_ORDER
    for before, after in itertools.pairwise(p.phases):
        assert after.start == before.end + timedelta(days=1)


def test_earliest_run_is_twelve_weeks_after_delivery_for_lena_and_sam(
    workspace: Workspace,
) -> None:
    for slug in ("lena-okafor", "sam-rivera"):
        profile = profile_of(workspace, slug)
        p = plan_of(workspace, slug)
        assert p.earliest_run_date == profile.delivery_date + timedelta(weeks=12)


def test_lena_leakage_holds_her_runs_until_the_dry_check_in(workspace: Workspace) -> None:
    p = plan_of(workspace, "lena-okafor")
    assert p.holds == (Hold(date(2026, 9, 25), date(2026, 10, 9), ("leakage",)),)
    runs = runs_of(p)
    baseline = [r for r in runs if r.date <= date(2026, 9, 25)][-1]
    held = [r for r in runs if date(2026, 9, 25) < r.date <= date(2026, 10, 9)]
    assert [r.date for r in held] == [
        date(2026, 9, 28), date(2026, 9, 30), date(2026, 10, 2),
        date(2026, 10, 5), date(2026, 10, 7), date(2026, 10, 9),
    ]
    assert baseline.stage is not None and baseline.stage > 1
    assert [r.decision for r in held] == ["step_back"] + ["held"] * 5
    for r in held:
        assert "leakage" in r.reason
        assert "25 September 2026" in r.reason
        assert r.jog_seconds <= baseline.jog_seconds
        assert r.stage == baseline.stage - 1


def test_lena_repeats_her_stage_after_the_hold_then_progresses(workspace: Workspace) -> None:
    runs = runs_of(plan_of(workspace, "lena-okafor"))
    after = [r for r in runs if r.date > date(2026, 10, 9)]
    assert after[0].date == date(2026, 10, 12)
    assert after[0].decision == "repeat"
    progress = next(r for r in after if r.decision == "progress")
    assert progress.date == date(2026, 10, 14)
    assert progress.stage == after[0].stage + 1  # type: ignore[operator]


def test_priya_does_not_run_before_her_injuries_have_healed(workspace: Workspace) -> None:
    profile = profile_of(workspace, "priya-shah")
    assert profile.injuries_healed_date == date(2026, 11, 20)
    runs = runs_of(plan_of(workspace, "priya-shah"))
    assert runs
    assert all(r.date >= date(2026, 11, 20) for r in runs)


# ------------------------------------------------------------------ describing a session

STAGE_ONE_TEXT = (
    "5 min walk, then 6 × (1 min jog, 2 min walk), 1 min jog, 1 min walk, then 5 min walk"
)


def test_stage_one_is_one_minute_jog_two_minutes_walk_for_twenty_minutes(
    workspace: Workspace,
) -> None:
    protocol = workspace.content.protocol
    segments = stage_segments(protocol.stages[0], protocol)
    assert segments == (
        Segment("walk", 300, "warm_up"),
        *[Segment(a, s, "main") for _ in range(6) for a, s in (("jog", 60), ("walk", 120))],
        Segment("jog", 60, "main"),
        Segment("walk", 60, "main"),
        Segment("walk", 300, "cool_down"),
    )
    assert sum(s.seconds for s in segments if s.part == "main") == 1200
    assert describe(segments) == STAGE_ONE_TEXT


def test_first_run_summary_reads_as_stage_one(workspace: Workspace) -> None:
    first = runs_of(plan_of(workspace, "sam-rivera"))[0]
    assert first.summary == STAGE_ONE_TEXT


def test_last_stage_is_described_as_one_continuous_jog(workspace: Workspace) -> None:
    protocol = workspace.content.protocol
    segments = stage_segments(protocol.stages[-1], protocol)
    assert describe(segments) == "5 min walk, then 30 min jog, then 5 min walk"


def test_stage_segments_without_warm_up_or_cool_down(workspace: Workspace) -> None:
    protocol = replace(workspace.content.protocol, warm_up_seconds=0, cool_down_seconds=0)
    segments = stage_segments(Stage(1, 120, 60, 400), protocol)
    assert segments == (
        Segment("jog", 120, "main"), Segment("walk", 60, "main"),
        Segment("jog", 120, "main"), Segment("walk", 60, "main"),
        Segment("jog", 40, "main"),
    )
    assert describe(segments) == "2 × (2 min jog, 1 min walk), then 40 s jog"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(45, "45 s"), (60, "1 min"), (90, "1 min 30 s"), (300, "5 min"), (1800, "30 min")],
)
def test_duration_reads_in_minutes_and_seconds(seconds: int, text: str) -> None:
    assert duration(seconds) == text


# ------------------------------------------------------------------ holds


def test_symptomatic_check_in_without_a_later_clear_one_opens_a_hold() -> None:
    check_ins = (CheckIn(date(2026, 9, 1)), CheckIn(date(2026, 9, 8), ("pain",)))
    assert holds(check_ins) == (Hold(date(2026, 9, 8), None, ("pain",)),)


def test_clear_check_in_closes_the_hold() -> None:
    check_ins = (
        CheckIn(date(2026, 9, 8), ("heaviness",)),
        CheckIn(date(2026, 9, 15)),
        CheckIn(date(2026, 9, 22)),
    )
    assert holds(check_ins) == (Hold(date(2026, 9, 8), date(2026, 9, 15), ("heaviness",)),)


def test_repeated_symptomatic_check_ins_merge_into_one_hold() -> None:
    check_ins = (
        CheckIn(date(2026, 9, 8), ("leakage",)),
        CheckIn(date(2026, 9, 15), ("pain", "leakage")),
        CheckIn(date(2026, 9, 22)),
        CheckIn(date(2026, 10, 1), ("bulge",)),
    )
    assert holds(check_ins) == (
        Hold(date(2026, 9, 8), date(2026, 9, 22), ("leakage", "pain")),
        Hold(date(2026, 10, 1), None, ("bulge",)),
    )


def test_no_symptoms_means_no_holds() -> None:
    assert holds(()) == ()
    assert holds((CheckIn(date(2026, 9, 1)), CheckIn(date(2026, 9, 8)))) == ()


# ------------------------------------------------------------------ protocol numbers matter


def test_later_earliest_run_weeks_moves_the_first_run(workspace: Workspace) -> None:
    protocol = replace(workspace.content.protocol, earliest_run_weeks=16)
    profile = profile_of(workspace, "sam-rivera")
    p = plan(profile, protocol, workspace.content)
    sixteen_weeks = profile.delivery_date + timedelta(weeks=16)
    assert p.earliest_run_date == sixteen_weeks
    assert p.first_run_date is not None
    assert p.first_run_date >= sixteen_weeks
    assert all(r.date >= sixteen_weeks for r in runs_of(p))
    default = plan_of(workspace, "sam-rivera")
    assert default.first_run_date is not None
    assert default.first_run_date < sixteen_weeks


def _gaps(p: Plan) -> list[timedelta]:
    runs = runs_of(p)
    return [b.date - a.date for a, b in itertools.pairwise(runs)]


def test_seventy_two_hours_between_runs_keeps_runs_three_days_apart(
    workspace: Workspace,
) -> None:
    protocol = replace(workspace.content.protocol, hours_between_runs=72)
    profile = replace(profile_of(workspace, "sam-rivera"), runs_per_week=2, run_days=(0, 3),
                      strength_days=(2, 5))
    p = plan(profile, protocol, workspace.content)
    assert runs_of(p)
    assert min(_gaps(p)) >= timedelta(hours=72)


def test_seventy_two_hours_between_runs_drops_runs_on_too_close_run_days(
    workspace: Workspace,
) -> None:
    """Even run days two days apart (which `load_profile` refuses under 72 h) stay 72 h apart."""
    profile = profile_of(workspace, "sam-rivera")  # tue, thu, sat
    default = plan(profile, workspace.content.protocol, workspace.content)
    assert min(_gaps(default)) == timedelta(hours=48)
    protocol = replace(workspace.content.protocol, hours_between_runs=72)
    p = plan(profile, protocol, workspace.content)
    assert runs_of(p)
    assert min(_gaps(p)) >= timedelta(hours=72)
