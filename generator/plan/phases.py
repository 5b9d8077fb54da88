"""Phases (foundation, readiness, run/walk, goal) and the calendar weeks of her plan."""

from __future__ import annotations

from datetime import date, timedelta

from ..models import Day, Phase, PhaseSpec, Protocol, Session, Week
from .basics import DAY


def plan_phases(
    proto: Protocol,
    start: date,
    readiness: date | None,
    first_run: date | None,
    final_date: date | None,
    end: date,
) -> list[Phase]:
    """Her phases in order, each a span of days; empty ones left out."""
    phases: list[Phase] = []
    foundation_end = (readiness - DAY) if readiness else end
    specs = proto.phase("foundation")
    for spec, (a, b) in zip(specs, _split(start, foundation_end, specs), strict=False):
        phases.append(_phase(spec, a, b))
    if readiness is not None:
        ready_end = (first_run - DAY) if first_run else end
        phases.append(_phase(proto.phase("readiness")[0], readiness, ready_end))
    goal_specs = proto.phase("goal")
    if first_run is not None:
        reached = final_date is not None and bool(goal_specs) and final_date <= end
        run_end = final_date - DAY if reached and final_date is not None else end
        if run_end >= first_run:
            phases.append(_phase(proto.phase("run_walk")[0], first_run, run_end))
        if reached and final_date is not None:
            phases.append(_phase(goal_specs[0], final_date, end))
    return [ph for ph in phases if ph.start <= ph.end]


def _phase(spec: PhaseSpec, start: date, end: date) -> Phase:
    return Phase(spec.id, spec.title, spec.kind, spec.summary, start, end)


def spec_for(proto: Protocol, phase: Phase) -> PhaseSpec:
    """The protocol's phase whose strength routine a day of ``phase`` follows."""
    spec = next(s for s in proto.phases if s.id == phase.id)
    if spec.kind == "readiness":
        # The readiness weeks keep the last foundation routine going.
        return proto.phase("foundation")[-1]
    return spec


def _split(start: date, end: date, specs: tuple[PhaseSpec, ...]) -> list[tuple[date, date]]:
    """Share [start, end] between foundation phases in whole weeks, by their ``weeks`` weight.

    Leftover days (a start mid-week) go to the first phase, so later phases end on the eve
    of the readiness check. With fewer weeks than phases, the first phases get one week each.
    """
    days = (end - start).days + 1
    if days <= 0 or not specs:
        return []
    weeks = days // 7
    if weeks < len(specs):
        counts = [1] * max(weeks, 1) + [0] * (len(specs) - max(weeks, 1))
        extra_days = days - 7 * max(weeks, 1) if weeks else days - 7
    else:
        total = sum(s.weeks for s in specs)
        spare = weeks - len(specs)
        shares = [spare * s.weeks / total for s in specs]
        counts = [1 + int(x) for x in shares]
        left = weeks - sum(counts)
        order = sorted(range(len(specs)), key=lambda i: (-(shares[i] - int(shares[i])), i))
        for i in order[:left]:
            counts[i] += 1
        extra_days = days - 7 * weeks
    result: list[tuple[date, date]] = []
    cursor = start
    for i, count in enumerate(counts):
        if count == 0:
            break
        length = 7 * count + (extra_days if i == 0 else 0)
        last = min(cursor + timedelta(days=length - 1), end)
        result.append((cursor, last))
        cursor = last + DAY
    if result and result[-1][1] < end:
        result[-1] = (result[-1][0], end)
    return result


def plan_weeks(
    start: date, end: date, sessions: list[Session], phases: list[Phase]
) -> tuple[Week, ...]:
    """Her plan as calendar weeks (Monday to Sunday), each with the titles of its phases."""
    by_day: dict[date, list[Session]] = {}
    for s in sessions:
        by_day.setdefault(s.date, []).append(s)
    weeks: list[Week] = []
    monday = start - timedelta(days=start.weekday())
    number = 1
    while monday <= end:
        sunday = monday + timedelta(days=6)
        day, last, week = max(monday, start), min(sunday, end), []
        while day <= last:
            week.append(Day(day, tuple(by_day[day])))
            day += DAY
        days = tuple(week)
        titles = tuple(ph.title for ph in phases if ph.start <= sunday and ph.end >= monday)
        weeks.append(Week(number, monday, days, titles))
        monday += timedelta(days=7)
        number += 1
    return tuple(weeks)


def exercise_ids(sessions: list[Session], protocol: Protocol) -> tuple[str, ...]:
    """Every exercise her plan uses, in order of first use, then the readiness tests."""
    seen: dict[str, None] = {}
    for s in sessions:
        for dose in s.exercises:
            seen.setdefault(dose.id, None)
    for test in protocol.readiness_tests:
        seen.setdefault(test.id, None)
    return tuple(seen)
