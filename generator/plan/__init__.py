"""Plan stage: one client's profile + the protocol -> her dated programme.

:func:`plan` is pure: no files, no clock, no randomness. Each of the protocol's rules holds by
construction (see the comments marked "Rule n"); the property tests in tests/test_plan_rules.py
throw generated profiles at it to keep it that way.

The plan reads her check-ins as a clinician would: a hold symptom steps her runs back one stage
until a check-in without symptoms; a stop symptom stops running and impact work until then, and
a readiness check comes before she runs again; a break (illness, travel) has no sessions; a
failed readiness check is retested; impact work and harder variants wait for her healed date,
and a planned readiness check waits for the impact phase's weeks of practice after it.

The rooms: ``basics`` (dates and words), ``checkins`` (holds, stops, breaks), ``stages``
(segments and their words), ``inputs`` (what a plan is made from), ``gates`` (readiness checks
and pauses), ``runs`` (run/walk sessions), ``phases`` (phases and weeks), ``strength`` (levels
and doses), ``sessions`` (day by day), ``notes`` (what she and her coach are told).
"""

from __future__ import annotations

from datetime import timedelta

from ..i18n import Words
from ..models import Content, Note, Plan, Profile, Protocol
from .basics import (
    DAY,
    earliest_run_date,
    healed_date,
    hold_words,
    long_date,
    stop_words,
    sunday,
    words,
)
from .checkins import break_on, hold_on, holds, stops
from .gates import Gates
from .inputs import Inputs, read_inputs
from .notes import (
    GOAL_LONG_AFTER_WEEKS,
    caesarean_note,
    goal_notes,
    longest_note,
    paused_note,
)
from .phases import exercise_ids, plan_phases, plan_weeks
from .runs import plan_runs
from .sessions import daily_sessions
from .stages import describe, duration, stage_segments

__all__ = [
    "DAY",
    "GOAL_LONG_AFTER_WEEKS",
    "break_on",
    "describe",
    "duration",
    "earliest_run_date",
    "healed_date",
    "hold_on",
    "hold_words",
    "holds",
    "long_date",
    "plan",
    "stage_segments",
    "stop_words",
    "stops",
    "words",
]


def plan(
    profile: Profile, protocol: Protocol, content: Content, w: Words | None = None
) -> Plan:
    """Her whole programme, from ``start_date`` to the end of the plan; what it says to her
    in ``w``'s language (default: postrun's own English; the coach's notes are English)."""
    return _plan(read_inputs(profile, protocol, content.exercises, w))


def _plan(i: Inputs) -> Plan:
    p, proto = i.p, i.proto
    start, cap = p.start_date, i.cap
    earliest = earliest_run_date(p, proto)
    # Rule 2: the readiness check comes first, no earlier than the earliest run date.
    floor = max(earliest, start + timedelta(weeks=proto.foundation_min_weeks))
    gates = Gates(i)
    runs = plan_runs(i, gates, gates.gate(start, floor), earliest)
    notes: list[Note] = []
    end = runs.end
    if end is None:
        end = cap
        notes.append(longest_note(proto, cap, i.w))
    end = max(min(sunday(end), cap), start)
    kept = [r for r in runs.sessions if r.date <= end]
    readiness = {d: c for d, c in gates.readiness.items() if start <= d <= end}
    readiness_date = min(readiness) if readiness else None
    first_run = kept[0].date if kept else None
    final_date = runs.final_date
    if gates.paused is not None:
        notes.append(paused_note(p, i.labels, gates.paused, end, i.w))
    else:
        notes.extend(goal_notes(p.goal, len(proto.stages), kept, final_date, i.w))
    if p.delivery == "caesarean" and p.injuries_healed_date is None:
        notes.append(caesarean_note(earliest, readiness_date))
    phases = plan_phases(proto, start, readiness_date, first_run, final_date, end)
    sessions = daily_sessions(i, readiness, start, end, kept, phases)
    return Plan(
        profile=p,
        earliest_run_date=earliest,
        readiness_date=readiness_date,
        first_run_date=first_run,
        final_stage_date=final_date if final_date and final_date <= end else None,
        start=start,
        end=end,
        phases=tuple(phases),
        sessions=tuple(sessions),
        weeks=plan_weeks(start, end, sessions, phases),
        holds=i.holds,
        readiness=proto.readiness_tests,
        exercise_ids=exercise_ids(sessions, proto),
        notes=tuple(notes),
        stops=i.stops,
        breaks=i.breaks,
        goal=p.goal,
        hold_words=hold_words(proto, i.w),
        stop_words=stop_words(proto, i.w),
    )
