"""Plan stage: one client's profile + the protocol -> her dated programme.

:func:`plan` is pure: no files, no clock, no randomness. Each of the protocol's rules holds by
construction (see the comments marked "Rule n"); the property tests in tests/test_plan_rules.py
throw generated profiles at it to keep it that way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import groupby

from .models import (
    CheckIn,
    Content,
    Day,
    Decision,
    Dose,
    Exercise,
    Hold,
    Phase,
    PhaseSpec,
    Plan,
    Profile,
    Protocol,
    Segment,
    Session,
    Stage,
    Week,
)

DAY = timedelta(days=1)


def plan(profile: Profile, protocol: Protocol, content: Content) -> Plan:
    """Her whole programme, from ``start_date`` to the end of the plan."""
    return _Planner(profile, protocol, content.exercises).build()


def earliest_run_date(profile: Profile, protocol: Protocol) -> date:
    """Rule 1: the latest of delivery + N weeks, clearance and healed birth injuries."""
    dates = [
        profile.delivery_date + timedelta(weeks=protocol.earliest_run_weeks),
        profile.clearance_date,
    ]
    if profile.injuries_healed_date is not None:
        dates.append(profile.injuries_healed_date)
    return max(dates)


def holds(check_ins: tuple[CheckIn, ...]) -> tuple[Hold, ...]:
    """Rule 5: a check-in with symptoms opens a hold; a later one without symptoms ends it."""
    result: list[Hold] = []
    current: Hold | None = None
    for check in check_ins:
        if check.symptoms:
            if current is None:
                current = Hold(check.date, None, check.symptoms)
            else:
                merged = tuple(dict.fromkeys((*current.symptoms, *check.symptoms)))
                current = Hold(current.start, None, merged)
        elif current is not None:
            result.append(Hold(current.start, check.date, current.symptoms))
            current = None
    if current is not None:
        result.append(current)
    return tuple(result)


def hold_on(day: date, all_holds: tuple[Hold, ...]) -> Hold | None:
    """The hold in force on ``day``: check-ins count from the day after they were made."""
    for hold in all_holds:
        if hold.start < day and (hold.end is None or day <= hold.end):
            return hold
    return None


def stage_segments(stage: Stage, protocol: Protocol) -> tuple[Segment, ...]:
    """Warm-up walk, jog/walk intervals filling the main part exactly, cool-down walk."""
    segments: list[Segment] = []
    if protocol.warm_up_seconds:
        segments.append(Segment("walk", protocol.warm_up_seconds, "warm_up"))
    left = stage.main_seconds
    while left > 0:
        jog = min(stage.jog, left)
        segments.append(Segment("jog", jog, "main"))
        left -= jog
        if left > 0 and stage.walk:
            walk = min(stage.walk, left)
            segments.append(Segment("walk", walk, "main"))
            left -= walk
    if protocol.cool_down_seconds:
        segments.append(Segment("walk", protocol.cool_down_seconds, "cool_down"))
    return tuple(segments)


def duration(seconds: int) -> str:
    """``90`` -> ``1 min 30 s``; ``300`` -> ``5 min``; ``45`` -> ``45 s``."""
    minutes, secs = divmod(seconds, 60)
    if not minutes:
        return f"{secs} s"
    return f"{minutes} min" if not secs else f"{minutes} min {secs} s"


def describe(segments: tuple[Segment, ...]) -> str:
    """A run/walk session in words, e.g. ``5 min walk, then 6 × (1 min jog, 2 min walk), …``."""
    main = [s for s in segments if s.part == "main"]
    units: list[tuple[int, int]] = []
    i = 0
    while i < len(main):
        has_walk = i + 1 < len(main) and main[i + 1].activity == "walk"
        units.append((main[i].seconds, main[i + 1].seconds if has_walk else 0))
        i += 2 if has_walk else 1
    parts = [f"{duration(s.seconds)} walk" for s in segments if s.part == "warm_up"]
    for (jog, walk), group in groupby(units):
        count = len(list(group))
        unit = f"{duration(jog)} jog" + (f", {duration(walk)} walk" if walk else "")
        parts.append(f"{count} × ({unit})" if count > 1 else unit)
    parts += [f"{duration(s.seconds)} walk" for s in segments if s.part == "cool_down"]
    if len(parts) <= 2:
        return ", then ".join(parts)
    return f"{parts[0]}, then {', '.join(parts[1:-1])}, then {parts[-1]}"


@dataclass(slots=True)
class _RunState:
    stage: int = 0
    """Index into protocol.stages of the latest run."""
    at_stage: int = 0
    """Sessions done at the current stage."""
    last_run: date | None = None
    held_since_last: bool = False


class _Planner:
    def __init__(self, profile: Profile, protocol: Protocol, exercises: Mapping[str, Exercise]):
        self.p, self.proto, self.exercises = profile, protocol, exercises
        self.holds = holds(profile.check_ins)
        self.notes: list[str] = []
        self.paused: Hold | None = None
        self.segments = [stage_segments(s, protocol) for s in protocol.stages]
        self.stage_jog = [s.jog_seconds for s in protocol.stages]

    # -- the calendar skeleton ---------------------------------------------------------------

    def build(self) -> Plan:
        p, proto = self.p, self.proto
        start = p.start_date
        earliest = earliest_run_date(p, proto)
        cap = start + timedelta(weeks=proto.max_plan_weeks) - DAY
        readiness_floor = max(earliest, start + timedelta(weeks=proto.foundation_min_weeks))
        # Rule 2: the readiness check comes before any run; a strength day keeps its strength.
        readiness: date | None = readiness_floor
        end: date | None = None
        while readiness is not None and readiness <= cap:
            hold = hold_on(readiness, self.holds)
            if hold is not None:
                if hold.end is None:
                    end = self._paused_end(hold)
                    readiness = None
                    break
                readiness = hold.end + DAY
                continue
            if readiness.weekday() in p.strength_days:
                readiness += DAY
                continue
            break
        if readiness is not None and (readiness > cap or (end is not None and readiness > end)):
            readiness = None

        runs, final_date, end = self._runs(readiness, end, cap)
        if end is None:
            end = cap
            self.notes.append(
                f"This plan reaches its longest allowed length ({proto.max_plan_weeks} weeks). "
                "Your coach will extend it."
            )
        end = min(_sunday(end), cap)
        runs = [r for r in runs if r.date <= end]
        first_run = runs[0].date if runs else None
        if self.paused is not None:
            self.notes.append(
                f"Progression is on hold since your check-in on {self.paused.start:%-d %B %Y} "
                f"({', '.join(self.paused.symptoms)}). The plan stops on {end:%-d %B %Y}; your "
                "coach will extend it once a check-in without symptoms is logged."
            )
        else:
            self._goal_notes(final_date)

        phases = self._phases(start, readiness, first_run, final_date, end)
        sessions = self._sessions(start, end, readiness, runs, phases)
        return Plan(
            profile=p,
            earliest_run_date=earliest,
            readiness_date=readiness,
            first_run_date=first_run,
            final_stage_date=final_date if final_date and final_date <= end else None,
            start=start,
            end=end,
            phases=tuple(phases),
            sessions=tuple(sessions),
            weeks=_weeks(start, end, sessions, phases),
            holds=self.holds,
            readiness=proto.readiness_tests,
            exercise_ids=_exercise_ids(sessions, proto),
            notes=tuple(self.notes),
        )

    def _paused_end(self, hold: Hold) -> date:
        """An open hold pauses the plan a few weeks after it began (never within 4 weeks)."""
        self.paused = hold
        when = hold.start + timedelta(weeks=self.proto.hold_review_weeks)
        return max(when, self.p.start_date + timedelta(days=27))

    # -- run/walk sessions -------------------------------------------------------------------

    def _runs(
        self, readiness: date | None, end: date | None, cap: date
    ) -> tuple[list[Session], date | None, date | None]:
        p, proto = self.p, self.proto
        runs: list[Session] = []
        final_date: date | None = None
        if readiness is None:
            return runs, None, end
        state = _RunState()
        increases: dict[date, int] = {}
        last_stage = len(proto.stages) - 1
        min_gap = timedelta(hours=proto.hours_between_runs)
        day = readiness + DAY
        while day <= cap and (end is None or day <= end):
            if day.weekday() not in p.run_days:
                day += DAY
                continue
            monday = day - timedelta(days=day.weekday())
            # Rule 3: 48 hours apart and at most runs_per_week in a calendar week.
            if state.last_run is not None and day - state.last_run < min_gap:
                day += DAY
                continue
            if sum(1 for r in runs if r.date >= monday) >= p.runs_per_week:
                day += DAY
                continue
            hold = hold_on(day, self.holds)
            if hold is not None and hold.end is None and end is None:
                end = self._paused_end(hold)
            if hold is not None:
                # Rule 5: no run while held before any run has set a baseline.
                if not runs:
                    day += DAY
                    continue
                stage, decision = state.stage, "held"
                reason = f"held: {' and '.join(hold.symptoms)} reported {hold.start.isoformat()}"
                state.held_since_last = True
            elif not runs:
                stage, decision, reason = 0, "first", "first run/walk"
            elif state.held_since_last:
                stage, decision = state.stage, "repeat"
                reason = "repeat: one more at this stage now that symptoms have settled"
                state.held_since_last = False
                state.at_stage = max(0, proto.sessions_per_stage - 1)
            elif state.stage == last_stage:
                stage, decision = state.stage, "repeat"
                reason = "repeat: keep enjoying the full continuous jog"
            elif state.at_stage < proto.sessions_per_stage:
                stage, decision = state.stage, "repeat"
                reason = (
                    f"repeat: session {state.at_stage + 1} of "
                    f"{proto.sessions_per_stage} at stage {state.stage + 1}"
                )
            else:
                jog_up = self.stage_jog[state.stage + 1] > self.stage_jog[state.stage]
                # Rule 4: jogging time goes up in at most N sessions of one week.
                if jog_up and increases.get(monday, 0) >= proto.max_jog_increases_per_week:
                    stage, decision = state.stage, "repeat"
                    times = proto.max_jog_increases_per_week
                    count = {1: "once", 2: "twice"}.get(times, f"{times} times")
                    reason = f"repeat: jogging time already went up {count} this week"
                else:
                    stage, decision = state.stage + 1, "progress"
                    reason = f"progress to stage {stage + 1}"
                    if jog_up:
                        increases[monday] = increases.get(monday, 0) + 1
            runs.append(self._run(day, stage, decision, reason))  # type: ignore[arg-type]
            if stage != state.stage:
                state.at_stage = 0
            state.stage = stage
            state.at_stage += 1
            state.last_run = day
            if stage == last_stage and final_date is None:
                final_date = day
                later = day + timedelta(weeks=proto.consolidate_weeks)
                goal = p.goal.date if p.goal and p.goal.date else None
                candidate = max(later, goal) if goal else later
                end = candidate if end is None else min(end, candidate)
            day += DAY
        return runs, final_date, end

    def _run(self, day: date, stage: int, decision: Decision, reason: str) -> Session:
        segments = self.segments[stage]
        return Session(
            date=day,
            kind="run_walk",
            phase="",
            stage=stage + 1,
            segments=segments,
            jog_seconds=self.stage_jog[stage],
            main_seconds=self.proto.stages[stage].main_seconds,
            decision=decision,
            reason=reason,
            summary=describe(segments),
        )

    def _goal_notes(self, final_date: date | None) -> None:
        goal = self.p.goal
        if goal is None or goal.date is None:
            return
        if final_date is None or goal.date < final_date:
            expected = f"; at the earliest on {final_date:%-d %B %Y}" if final_date else ""
            self.notes.append(
                f"Your goal, {goal.label} on {goal.date:%-d %B %Y}, comes before this plan reaches "
                f"its last stage{expected}. The plan will not rush you to meet it: talk to your "
                "coach about a later goal or a run/walk finish."
            )

    # -- phases and the rest of the week -----------------------------------------------------

    def _phases(
        self,
        start: date,
        readiness: date | None,
        first_run: date | None,
        final_date: date | None,
        end: date,
    ) -> list[Phase]:
        proto = self.proto
        phases: list[Phase] = []
        foundation_end = (readiness - DAY) if readiness else end
        specs = proto.phase("foundation")
        for spec, (a, b) in zip(specs, _split(start, foundation_end, specs), strict=False):
            phases.append(Phase(spec.id, spec.title, spec.kind, spec.summary, a, b))
        ready_spec, run_spec = proto.phase("readiness")[0], proto.phase("run_walk")[0]
        if readiness is not None:
            ready_end = (first_run - DAY) if first_run else end
            phases.append(
                Phase(
                    ready_spec.id,
                    ready_spec.title,
                    ready_spec.kind,
                    ready_spec.summary,
                    readiness,
                    ready_end,
                )
            )
        goal_specs = proto.phase("goal")
        if first_run is not None:
            run_end = end
            if final_date is not None and goal_specs and final_date <= end:
                run_end = final_date - DAY
            if run_end >= first_run:
                phases.append(
                    Phase(
                        run_spec.id,
                        run_spec.title,
                        run_spec.kind,
                        run_spec.summary,
                        first_run,
                        run_end,
                    )
                )
            if final_date is not None and goal_specs and final_date <= end:
                g = goal_specs[0]
                phases.append(Phase(g.id, g.title, g.kind, g.summary, final_date, end))
        return [ph for ph in phases if ph.start <= ph.end]

    def _spec_for(self, phase: Phase) -> PhaseSpec:
        spec = next(s for s in self.proto.phases if s.id == phase.id)
        if spec.kind == "readiness":
            # The readiness weeks keep the last foundation routine going.
            return self.proto.phase("foundation")[-1]
        return spec

    def _sessions(
        self,
        start: date,
        end: date,
        readiness: date | None,
        runs: list[Session],
        phases: list[Phase],
    ) -> list[Session]:
        p, proto = self.p, self.proto
        run_on = {r.date: r for r in runs}
        doses: dict[str, tuple[Dose, ...]] = {}
        sessions: list[Session] = []
        day = start
        phase_index = 0
        while day <= end:
            while phase_index + 1 < len(phases) and day > phases[phase_index].end:
                phase_index += 1
            phase = phases[phase_index] if phases else None
            phase_id = phase.id if phase else ""
            todays: list[Session] = []
            if day == readiness:
                todays.append(
                    Session(
                        date=day,
                        kind="readiness",
                        phase=phase_id,
                        summary=f"Readiness check: {len(proto.readiness_tests)} tests, "
                        "each without pain, leakage or heaviness.",
                    )
                )
            elif day.weekday() in p.strength_days and phase is not None:
                # Rule 6: strength on her strength days, all through the plan, at her level.
                if phase.id not in doses:
                    doses[phase.id] = self._doses(self._spec_for(phase))
                todays.append(
                    Session(
                        date=day,
                        kind="strength",
                        phase=phase_id,
                        exercises=doses[phase.id],
                        summary=f"Strength: {len(doses[phase.id])} exercises",
                    )
                )
            if day in run_on:
                todays.append(replace(run_on[day], phase=phase_id))
            if not todays:
                todays.append(
                    Session(
                        date=day,
                        kind="rest",
                        phase=phase_id,
                        summary=proto.rest_suggestion or "Rest day.",
                    )
                )
            sessions.extend(todays)
            day += DAY
        return sessions

    def _doses(self, spec: PhaseSpec) -> tuple[Dose, ...]:
        result: list[Dose] = []
        for ex_id in spec.exercises_for(self.p.level):
            exercise = self.exercises[ex_id]
            variant = exercise.variant(self.p.level)
            if variant is not None:
                result.append(Dose(ex_id, exercise.title, variant.dosage))
        return tuple(result)


def _sunday(day: date) -> date:
    return day + timedelta(days=6 - day.weekday())


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


def _weeks(
    start: date, end: date, sessions: list[Session], phases: list[Phase]
) -> tuple[Week, ...]:
    by_day: dict[date, list[Session]] = {}
    for s in sessions:
        by_day.setdefault(s.date, []).append(s)
    weeks: list[Week] = []
    monday = start - timedelta(days=start.weekday())
    number = 1
    while monday <= end:
        days = tuple(
            Day(d, tuple(by_day[d]))
            for d in (monday + timedelta(days=i) for i in range(7))
            if start <= d <= end
        )
        sunday = monday + timedelta(days=6)
        titles = tuple(ph.title for ph in phases if ph.start <= sunday and ph.end >= monday)
        weeks.append(Week(number, monday, days, titles))
        monday += timedelta(days=7)
        number += 1
    return tuple(weeks)


def _exercise_ids(sessions: list[Session], protocol: Protocol) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for s in sessions:
        for dose in s.exercises:
            seen.setdefault(dose.id, None)
    for test in protocol.readiness_tests:
        seen.setdefault(test.id, None)
    return tuple(seen)
