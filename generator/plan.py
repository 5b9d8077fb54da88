"""Plan stage: one client's profile + the protocol -> her dated programme.

:func:`plan` is pure: no files, no clock, no randomness. Each of the protocol's rules holds by
construction (see the comments marked "Rule n"); the property tests in tests/test_plan_rules.py
throw generated profiles at it to keep it that way.

The plan reads her check-ins as a clinician would: a hold symptom steps her runs back one stage
until a check-in without symptoms; a stop symptom stops running and impact work until then, and
a readiness check comes before she runs again; a break (illness, travel) has no sessions; a
failed readiness check is retested; impact work and harder variants wait for her healed date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import groupby
from typing import TypeVar

from .models import (
    Break,
    CheckIn,
    Content,
    Day,
    Decision,
    Dose,
    Exercise,
    Hold,
    Level,
    Note,
    Phase,
    PhaseSpec,
    Plan,
    Profile,
    Protocol,
    ReadinessCheck,
    Segment,
    Session,
    Stage,
    Stop,
    Week,
)

DAY = timedelta(days=1)
GOAL_LONG_AFTER_WEEKS = 12
"""A goal more than this many weeks after she first reaches the last stage is "long after"."""


def plan(profile: Profile, protocol: Protocol, content: Content) -> Plan:
    """Her whole programme, from ``start_date`` to the end of the plan."""
    return _Planner(profile, protocol, content.exercises).build()


def long_date(day: date) -> str:
    """``25 September 2026`` (portable: no platform-only ``%-d``)."""
    return f"{day.day} {day:%B %Y}"


def earliest_run_date(profile: Profile, protocol: Protocol) -> date:
    """Rule 1: the latest of delivery + N weeks, clearance and healed birth injuries."""
    dates = [
        profile.delivery_date + timedelta(weeks=protocol.earliest_run_weeks),
        profile.clearance_date,
    ]
    if profile.injuries_healed_date is not None:
        dates.append(profile.injuries_healed_date)
    return max(dates)


def healed_date(profile: Profile, protocol: Protocol) -> date | None:
    """Rule 7 (healed first): no impact work and only beginner variants before this day. A
    caesarean with no healed date logged counts as healed on her earliest run date."""
    if profile.injuries_healed_date is not None:
        return profile.injuries_healed_date
    if profile.delivery == "caesarean":
        return earliest_run_date(profile, protocol)
    return None


def words(items: Iterable[str]) -> str:
    """``a, b or c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def hold_words(protocol: Protocol) -> str:
    """The protocol's hold signs in a few words, e.g. ``pain, heaviness, leakage …``: every
    page, the calendar and the plan take the symptoms' wording from here."""
    return words(s.id for s in protocol.hold_symptoms)


def stop_words(protocol: Protocol) -> str:
    return words(s.label for s in protocol.stop_symptoms)


_S = TypeVar("_S", Hold, Stop)


def _spans(
    check_ins: tuple[CheckIn, ...], counts: Callable[[str], bool], make: Callable[..., _S]
) -> tuple[_S, ...]:
    """A check-in with a symptom that ``counts`` opens a span; a later one without any
    symptom ends it; symptoms reported meanwhile are merged in."""
    result: list[_S] = []
    start: date | None = None
    symptoms: tuple[str, ...] = ()
    for check in check_ins:
        counted: tuple[str, ...] = tuple(s for s in check.symptoms if counts(s))
        if counted:
            if start is None:
                start, symptoms = check.date, counted
            else:
                symptoms = tuple(dict.fromkeys((*symptoms, *counted)))
        elif not check.symptoms and start is not None and check.date > start:
            # Only a later day's symptom-free check-in ends it (the safer reading).
            result.append(make(start, check.date, symptoms))
            start = None
    if start is not None:
        result.append(make(start, None, symptoms))
    return tuple(result)


def holds(check_ins: tuple[CheckIn, ...], stop_ids: frozenset[str] = frozenset()) -> tuple[
    Hold, ...
]:
    """Rule 5: a check-in with a hold symptom opens a hold; a later one without symptoms ends
    it. Symptoms in ``stop_ids`` open stops instead (see :func:`stops`)."""
    return _spans(check_ins, lambda s: s not in stop_ids, Hold)


def stops(check_ins: tuple[CheckIn, ...], stop_ids: frozenset[str]) -> tuple[Stop, ...]:
    """A check-in with a stop symptom opens a stop; a later one without symptoms ends it."""
    return _spans(check_ins, lambda s: s in stop_ids, Stop)


def hold_on(day: date, all_holds: Iterable[Hold | Stop]) -> Hold | Stop | None:
    """The hold (or stop) in force on ``day``: check-ins count from the day after they were
    made, up to and including the day of the symptom-free check-in."""
    for hold in all_holds:
        if hold.start < day and (hold.end is None or day <= hold.end):
            return hold
    return None


def break_on(day: date, breaks: Iterable[Break]) -> Break | None:
    for b in breaks:
        if b.start <= day <= b.end:
            return b
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
    stepped_for: Hold | None = None
    """The hold her runs already stepped back for."""
    step_back: str = ""
    """Why the next run goes one stage back (after a stop or a long break), else empty."""


class _Planner:
    def __init__(self, profile: Profile, protocol: Protocol, exercises: Mapping[str, Exercise]):
        self.p, self.proto, self.exercises = profile, protocol, exercises
        stop_ids = frozenset(s.id for s in protocol.stop_symptoms)
        self.holds = holds(profile.check_ins, stop_ids)
        self.stops = stops(profile.check_ins, stop_ids)
        self.breaks = profile.breaks
        self.labels = {s.id: s.label for s in (*protocol.hold_symptoms, *protocol.stop_symptoms)}
        self.healed = healed_date(profile, protocol)
        self.notes: list[Note] = []
        self.paused: Hold | Stop | None = None
        self.segments = [stage_segments(s, protocol) for s in protocol.stages]
        self.stage_jog = [s.jog_seconds for s in protocol.stages]
        self.readiness: dict[date, ReadinessCheck | None] = {}
        """Readiness sessions: the result the coach logged, or None for a planned check."""
        self.cap = profile.start_date + timedelta(weeks=protocol.max_plan_weeks) - DAY
        self._doses: dict[tuple[str, str, bool], tuple[Dose, ...]] = {}

    # -- the calendar skeleton ---------------------------------------------------------------

    def build(self) -> Plan:
        p, proto = self.p, self.proto
        start, cap = p.start_date, self.cap
        earliest = earliest_run_date(p, proto)
        # Rule 2: the readiness check comes first, no earlier than the earliest run date.
        floor = max(earliest, start + timedelta(weeks=proto.foundation_min_weeks))
        gate = self._gate(start, floor)
        runs, final_date, end = self._runs(gate, earliest)
        if end is None:
            end = cap
            self.notes.append(Note(
                "longest",
                f"This plan reaches its longest allowed length ({proto.max_plan_weeks} weeks). "
                "Your coach will extend it.",
                f"her plan is cut at the longest allowed length ({proto.max_plan_weeks} weeks, "
                f"until {cap})",
                "goal",
                "raise max_plan_weeks in content/protocol.yaml if she needs longer",
                ("goal", "start_date", "clearance_date"),
            ))
        end = max(min(_sunday(end), cap), start)
        runs = [r for r in runs if r.date <= end]
        self.readiness = {d: c for d, c in self.readiness.items() if start <= d <= end}
        readiness = min(self.readiness) if self.readiness else None
        first_run = runs[0].date if runs else None
        if self.paused is not None:
            self._paused_note(end)
        else:
            self._goal_notes(runs, final_date)
        if p.delivery == "caesarean" and p.injuries_healed_date is None:
            self.notes.append(Note(
                "caesarean_healed",
                "",
                "a caesarean birth with no `injuries_healed_date`: impact work and harder "
                f"variants wait until her earliest run date ({earliest}) as if her wound healed "
                "then",
                "injuries_healed_date",
                "add `injuries_healed_date:` once her wound is signed off as healed",
                ("delivery",),
            ))

        phases = self._phases(start, readiness, first_run, final_date, end)
        sessions = self._sessions(start, end, readiness, first_run, runs, phases)
        goal = p.goal
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
            stops=self.stops,
            breaks=self.breaks,
            goal=goal,
            hold_words=hold_words(proto),
            stop_words=stop_words(proto),
        )

    def _pause(self, span: Hold | Stop) -> date:
        """An open hold or stop pauses the plan a few weeks after it began (never within the
        first 4 weeks)."""
        if self.paused is None:
            self.paused = span
        when = span.start + timedelta(weeks=self.proto.hold_review_weeks)
        return max(when, self.p.start_date + timedelta(days=27))

    def _paused_note(self, end: date) -> None:
        span = self.paused
        assert span is not None
        said = words(self.labels.get(s, s) for s in span.symptoms)
        stem = self.p.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if isinstance(span, Stop):
            client = (
                f"Running and impact work stopped after your check-in on "
                f"{long_date(span.start)} ({said}). Please see your GP or a pelvic-health "
                f"physiotherapist. Your plan stops on {long_date(end)}; your coach will "
                "extend it once you have been seen and are free of symptoms."
            )
            coach = (
                f"her running is stopped since the check-in of {span.start} ({said}); her plan "
                f"stops on {end}"
            )
        else:
            client = (
                f"Progression is on hold since your check-in on {long_date(span.start)} "
                f"({said}). The plan stops on {long_date(end)}; your coach will extend it once "
                "a check-in without symptoms is logged."
            )
            coach = (
                f"her progression is on hold since the check-in of {span.start} ({said}); her "
                f"plan stops on {end}"
            )
        self.notes.append(Note(
            "stopped" if isinstance(span, Stop) else "held",
            client,
            coach,
            "check_ins",
            "when she is free of symptoms, log a check-in with `symptoms: []` "
            f"(`postrun checkin {stem} --symptoms none`): the plan then goes on",
        ))

    # -- readiness checks ----------------------------------------------------------------------

    def _blocked(self, day: date) -> bool:
        return (
            break_on(day, self.breaks) is not None
            or hold_on(day, self.holds) is not None
            or hold_on(day, self.stops) is not None
        )

    def _planned_check(self, since: date) -> date | None:
        """The first day from ``since`` for a readiness check: not a strength day (a strength
        day keeps its strength), not in a break, a hold or a stop. None when an open hold or
        stop comes first, or the plan's cap."""
        day = since
        strength = self.p.strength_days
        while day <= self.cap:
            span = hold_on(day, self.holds) or hold_on(day, self.stops)
            if span is not None and span.end is None:
                self._pause(span)
                return None
            if self._blocked(day) or day.weekday() in strength:
                day += DAY
                continue
            return day
        return None

    def _gate(self, since: date, floor: date) -> date | None:
        """Rule 5 (readiness results): the day she passes (or, planned, is expected to pass) a
        readiness check on or after ``since``. The checks the coach logged count first; after a
        failed one the retest comes ``readiness_retest_weeks`` later."""
        cursor = floor
        for check in self.p.readiness_checks:
            if check.date < since:
                continue
            self.readiness[check.date] = check
            if check.passed:
                return check.date
            cursor = max(cursor, check.date + timedelta(weeks=self.proto.readiness_retest_weeks))
        planned = self._planned_check(cursor)
        if planned is not None:
            self.readiness[planned] = None
        return planned

    # -- run/walk sessions -------------------------------------------------------------------

    def _runs(
        self, gate: date | None, earliest: date
    ) -> tuple[list[Session], date | None, date | None]:
        p, proto = self.p, self.proto
        runs: list[Session] = []
        final_date: date | None = None
        paused_end: date | None = None
        if gate is None:
            paused_end = self._pause(self.paused) if self.paused is not None else None
            return runs, None, paused_end
        goal = p.goal.date if p.goal and p.goal.date else None
        arrived: date | None = None
        """When she last arrived at the last stage (the plan ends some weeks later)."""
        state = _RunState()
        increases: dict[date, int] = {}
        last_stage = len(proto.stages) - 1
        min_gap = timedelta(hours=proto.hours_between_runs)
        # Rule 9: a day's rest between the readiness check and the first run.
        allowed = max(gate + 2 * DAY, earliest)
        day = gate + DAY

        def end_now() -> date | None:
            candidate = None
            if arrived is not None:
                later = arrived + timedelta(weeks=proto.consolidate_weeks)
                candidate = max(later, goal) if goal else later
            if paused_end is not None:
                return paused_end if candidate is None else min(candidate, paused_end)
            return candidate

        while day <= self.cap and (end_now() is None or day <= end_now()):  # type: ignore[operator]
            # Stop symptoms: no run until a symptom-free check-in, then a readiness check.
            stop = hold_on(day, self.stops)
            if isinstance(stop, Stop):
                if stop.end is None:
                    paused_end = self._pause(stop)
                    break
                gate = self._gate(stop.end, stop.end + DAY)
                if gate is None:
                    paused_end = paused_end or day
                    break
                if runs:
                    state.step_back = (
                        f"back one stage after the stop of {long_date(stop.start)}"
                    )
                allowed = max(allowed, gate + (DAY if runs else 2 * DAY))
                day = max(gate + DAY, day)
                continue
            # Rule 6 (breaks): no session inside; a long one steps the next run back.
            brk = break_on(day, self.breaks)
            if brk is not None:
                if runs and (brk.end - brk.start).days + 1 >= proto.break_step_back_days:
                    state.step_back = f"back one stage after your break ({brk.reason or 'a break'})"
                day += DAY  # day by day: a stop inside the break still counts
                continue
            if day < allowed or day.weekday() not in p.run_days:
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
            assert hold is None or isinstance(hold, Hold)
            if hold is not None and not runs:
                # Rule 5: no first run while held (nothing to step back from).
                if hold.end is None:
                    paused_end = self._pause(hold)
                    break
                day += DAY
                continue
            if hold is not None and hold.end is None and paused_end is None:
                paused_end = self._pause(hold)
                if day > paused_end:
                    break
            stage, decision, reason = self._decide(day, runs, state, hold, increases, monday)
            runs.append(self._run(day, stage, decision, reason))
            if stage != state.stage:
                state.at_stage = 0
            if stage == last_stage and (state.stage != last_stage or len(runs) == 1 or
                                        arrived is None):
                arrived = day
                if final_date is None:
                    final_date = day
            elif stage != last_stage:
                arrived = None
            state.stage = stage
            state.at_stage += 1
            state.last_run = day
            day += DAY
        return runs, final_date, end_now()

    def _decide(
        self,
        day: date,
        runs: list[Session],
        state: _RunState,
        hold: Hold | None,
        increases: dict[date, int],
        monday: date,
    ) -> tuple[int, Decision, str]:
        proto = self.proto
        last_stage = len(proto.stages) - 1
        if not runs:
            state.step_back = ""
            if hold is not None:
                state.stepped_for = hold
            return 0, "first", "first run/walk"
        if hold is not None:
            # Rule 5: a hold steps her back one stage (never below 1) until it ends.
            said = words(hold.symptoms)
            when = long_date(hold.start)
            state.held_since_last = True
            if state.stepped_for is not hold or state.step_back:
                # A break or stop during the hold steps her back once more.
                why = state.step_back or (
                    f"back one stage: {said} reported in your check-in of {when}"
                )
                state.stepped_for = hold
                state.step_back = ""
                if state.stage > 0:
                    return state.stage - 1, "step_back", why
            return state.stage, "held", f"on hold: {said} reported in your check-in of {when}"
        if state.step_back:
            why, state.step_back = state.step_back, ""
            state.held_since_last = False
            if state.stage > 0:
                return state.stage - 1, "step_back", why
            return state.stage, "repeat", f"repeat: {why.replace('back one stage ', '')}"
        if state.held_since_last:
            state.held_since_last = False
            state.at_stage = max(0, proto.sessions_per_stage - 1)
            return (
                state.stage,
                "repeat",
                "repeat: one more at this stage now that symptoms have settled",
            )
        if state.stage == last_stage:
            return state.stage, "repeat", "repeat: keep enjoying the full continuous jog"
        if state.at_stage < proto.sessions_per_stage:
            return (
                state.stage,
                "repeat",
                f"repeat: session {state.at_stage + 1} of {proto.sessions_per_stage} at stage "
                f"{state.stage + 1}",
            )
        jog_up = self.stage_jog[state.stage + 1] > self.stage_jog[state.stage]
        # Rule 4: jogging time goes up in at most N sessions of one week.
        if jog_up and increases.get(monday, 0) >= proto.max_jog_increases_per_week:
            times = proto.max_jog_increases_per_week
            count = {1: "once", 2: "twice"}.get(times, f"{times} times")
            return state.stage, "repeat", f"repeat: jogging time already went up {count} this week"
        if jog_up:
            increases[monday] = increases.get(monday, 0) + 1
        return state.stage + 1, "progress", f"progress to stage {state.stage + 2}"

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

    def _goal_notes(self, runs: list[Session], final_date: date | None) -> None:
        goal = self.p.goal
        if goal is None or goal.date is None:
            return
        stages = len(self.proto.stages)
        label = goal.label or "your goal"
        at_goal = [r for r in runs if r.date <= goal.date]
        if final_date is None or goal.date < final_date:
            if at_goal:
                where = f"stage {at_goal[-1].stage} of {stages} ({at_goal[-1].summary})"
                hers = f"By then you will be at {where}."
                coach_where = f"on the day she will be at stage {at_goal[-1].stage} of {stages}"
            else:
                hers = "By then you will not have started running yet."
                coach_where = "she will not have started running by then"
            expected = f" (at the earliest on {final_date})" if final_date else ""
            mine = f"; at the earliest on {long_date(final_date)}" if final_date else ""
            self.notes.append(Note(
                "goal_too_soon",
                f"Your goal, {label} on {long_date(goal.date)}, comes before this plan reaches "
                f"its last stage{mine}. {hers} The plan will not rush you to meet it: talk to "
                "your coach about a later goal or a run/walk finish.",
                f"her goal, {goal.label} on {goal.date}, comes before her plan reaches its last "
                f"stage{expected}: {coach_where}",
                "goal",
                "the plan will not rush her: agree a later goal date with her, or a run/walk "
                "finish",
            ))
        elif goal.date > final_date + timedelta(weeks=GOAL_LONG_AFTER_WEEKS):
            weeks = (goal.date - final_date).days // 7
            self.notes.append(Note(
                "goal_long_after",
                f"Your goal, {label} on {long_date(goal.date)}, is {weeks} weeks after you first "
                f"reach the last stage ({long_date(final_date)}). Until then your plan keeps "
                "you at that stage; ask your coach how to build towards your goal.",
                f"her goal, {goal.label} on {goal.date}, comes {weeks} weeks after her plan "
                f"reaches its last stage ({final_date}); the plan keeps her at that stage until "
                "then",
                "goal",
                "plan with her how to build beyond the last stage, or set a nearer goal",
            ))

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
            phases.append(Phase(
                ready_spec.id, ready_spec.title, ready_spec.kind, ready_spec.summary, readiness,
                ready_end,
            ))
        goal_specs = proto.phase("goal")
        if first_run is not None:
            run_end = end
            if final_date is not None and goal_specs and final_date <= end:
                run_end = final_date - DAY
            if run_end >= first_run:
                phases.append(Phase(
                    run_spec.id, run_spec.title, run_spec.kind, run_spec.summary, first_run,
                    run_end,
                ))
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

    def _level_up(self, first_run: date | None, end: date) -> date | None:
        """Rule 7: the day a beginner moves up to intermediate variants, for good: her first
        strength day after ``level_up_after_weeks`` of run/walk without a hold, stop or break
        (never before her healed date). None when she is not a beginner or it does not come
        in this plan."""
        if self.p.level != "beginner" or first_run is None:
            return None
        span = timedelta(weeks=self.proto.level_up_after_weeks)
        troubles: list[tuple[date, date]] = [(b.start, b.end) for b in self.breaks]
        spans: list[Hold | Stop] = [*self.holds, *self.stops]
        for h in spans:
            troubles.append((h.start + DAY, h.end if h.end is not None else date.max))
        day = first_run + span
        if self.healed is not None:
            day = max(day, self.healed)
        while day <= end:
            clash = [b for a, b in troubles if a <= day and b >= day - span]
            if clash:
                if max(clash) >= end:
                    return None
                day = max(day, max(clash) + DAY + span)
                continue
            if day.weekday() in self.p.strength_days:
                return day
            day += DAY
        return None

    def _level_on(self, day: date, level_up: date | None) -> Level:
        if self.healed is not None and day < self.healed:
            return "beginner"
        if hold_on(day, self.stops) is not None:
            return "beginner"
        if level_up is not None and day >= level_up:
            return "intermediate"
        return self.p.level

    def _doses_on(self, day: date, spec: PhaseSpec, level: Level) -> tuple[Dose, ...]:
        # Healed first, and stops: no impact exercise before her healed date or during a stop.
        no_impact = (self.healed is not None and day < self.healed) or (
            hold_on(day, self.stops) is not None
        )
        key = (spec.id, level, no_impact)
        found = self._doses.get(key)
        if found is None:
            result: list[Dose] = []
            for ex_id in spec.exercises_for(level):
                exercise = self.exercises[ex_id]
                if no_impact and exercise.category == "impact":
                    continue
                variant = exercise.variant(level)
                if variant is not None:
                    result.append(Dose(ex_id, exercise.title, variant.dosage, variant.level))
            found = self._doses[key] = tuple(result)
        return found

    def _sessions(
        self,
        start: date,
        end: date,
        readiness: date | None,
        first_run: date | None,
        runs: list[Session],
        phases: list[Phase],
    ) -> list[Session]:
        p, proto = self.p, self.proto
        run_on = {r.date: r for r in runs}
        level_up = self._level_up(first_run, end)
        # Rule 9: the day before the first readiness check and before the first run is rest.
        eves = {d - DAY: what for d, what in (
            (readiness, "your readiness check"), (first_run, "your first run/walk")
        ) if d is not None}
        by_day: dict[date, list[Session]] = {}
        phase_of: dict[date, Phase | None] = {}
        day = start
        phase_index = 0
        told_level = False
        while day <= end:
            while phase_index + 1 < len(phases) and day > phases[phase_index].end:
                phase_index += 1
            phase = phases[phase_index] if phases else None
            phase_of[day] = phase
            phase_id = phase.id if phase else ""
            todays: list[Session] = []
            brk = break_on(day, self.breaks)
            if day in self.readiness:
                todays.append(self._readiness_session(day, phase_id))
            elif brk is not None:
                todays.append(Session(
                    date=day, kind="rest", phase=phase_id,
                    summary=f"Break{f' ({brk.reason})' if brk.reason else ''}: no sessions "
                    f"until {long_date(brk.end)}.",
                ))
            elif day.weekday() in p.strength_days and phase is not None and day not in eves:
                # Rule 6: strength on her strength days, all through the plan.
                level = self._level_on(day, level_up)
                doses = self._doses_on(day, self._spec_for(phase), level)
                notice = ""
                if level_up is not None and day >= level_up and not told_level \
                        and level == "intermediate":
                    told_level = True
                    notice = (
                        f"Moving up: after {proto.level_up_after_weeks} weeks of steady "
                        "run/walk, from today you do the intermediate version of your "
                        "exercises."
                    )
                if doses:
                    todays.append(Session(
                        date=day, kind="strength", phase=phase_id, exercises=doses,
                        summary=f"Strength: {len(doses)} exercises", notice=notice,
                    ))
            if day in run_on and brk is None:
                todays.append(replace(run_on[day], phase=phase_id))
            if not todays:
                todays.append(Session(
                    date=day, kind="rest", phase=phase_id,
                    summary=proto.rest_suggestion or "Rest day.",
                    notice=f"Rest today, before {eves[day]} tomorrow." if day in eves else "",
                ))
            stop = hold_on(day, self.stops)
            if stop is not None:
                said = words(self.labels.get(x, x) for x in stop.symptoms)
                todays = [t if t.notice else replace(t, notice=(
                    f"No running and no jumping since your check-in on {long_date(stop.start)} "
                    f"({said}): see your GP or a pelvic-health physiotherapist, and tell your "
                    "coach."
                )) for t in todays]
            by_day[day] = todays
            day += DAY
        self._keep_strength(by_day, phase_of, level_up, eves, start, end)
        return [s for d in sorted(by_day) for s in by_day[d]]

    def _keep_strength(
        self,
        by_day: dict[date, list[Session]],
        phase_of: dict[date, Phase | None],
        level_up: date | None,
        eves: dict[date, str],
        start: date,
        end: date,
    ) -> None:
        """Rule 6: a whole week outside breaks keeps at least the protocol's minimum of
        strength sessions: one that gave way (to a readiness check, or a rest before a key
        day) moves to a free day of the same week."""
        low = self.proto.strength_per_week[0]
        monday = start - timedelta(days=start.weekday())
        while monday <= end:
            days = [monday + i * DAY for i in range(7)]
            if days[0] >= start and days[-1] <= end and not any(
                break_on(d, self.breaks) for d in days
            ):
                count = sum(1 for d in days for s in by_day[d] if s.kind == "strength")
                for d in days:
                    if count >= low:
                        break
                    phase = phase_of[d]
                    only_rest = all(s.kind == "rest" for s in by_day[d])
                    if not only_rest or d in eves or phase is None:
                        continue
                    level = self._level_on(d, level_up)
                    doses = self._doses_on(d, self._spec_for(phase), level)
                    if doses:
                        by_day[d] = [Session(
                            date=d, kind="strength", phase=phase.id, exercises=doses,
                            summary=f"Strength: {len(doses)} exercises",
                        )]
                        count += 1
            monday += timedelta(days=7)

    def _readiness_session(self, day: date, phase_id: str) -> Session:
        check = self.readiness[day]
        tests = len(self.proto.readiness_tests)
        summary = f"Readiness check: {tests} tests, each without {hold_words(self.proto)}."
        reason = ""
        if check is not None and check.passed:
            reason = "Passed: well done."
        elif check is not None:
            titles = {t.id: t.title for t in self.proto.readiness_tests}
            failed = words(titles.get(t, t) for t in check.failed)
            retest = next((d for d in sorted(self.readiness) if d > day), None)
            reason = f"Not yet: {failed}. Your strength and impact work goes on" + (
                f"; the retest is on {long_date(retest)}." if retest else "."
            )
        return Session(date=day, kind="readiness", phase=phase_id, summary=summary,
                       reason=reason)


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
