"""Run/walk sessions (Rules 3, 4, 5, 6 and 9): which days she runs, at which stage, and why.

:func:`plan_runs` walks day by day from her passed readiness check. Holds step her back one
stage, a stop ends running until a symptom-free check-in and a new readiness check, a long
break steps her back; she progresses after ``sessions_per_stage`` sessions at a stage.
"""

from __future__ import annotations

from datetime import date, timedelta

import msgspec

from ..i18n import Words
from ..models import Break, Decision, Hold, Session, Stop
from .basics import DAY, symptom_word
from .checkins import break_on, hold_on
from .gates import Gates
from .inputs import Inputs


class _RunState(msgspec.Struct):
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
    repeat_instead: str = ""
    """The same reason when she is at stage 1 already and repeats it instead."""


class Runs(msgspec.Struct):
    sessions: list[Session] = msgspec.field(default_factory=list)
    final_date: date | None = None
    """The day she first reaches the last stage."""
    end: date | None = None
    """Where the runs end the plan (some weeks after the last stage, or a pause), if they do."""


def plan_runs(inputs: Inputs, gates: Gates, gate: date | None, earliest: date) -> Runs:
    """Her run/walk sessions after the readiness check she passes on ``gate`` (None: none)."""
    if gate is None:
        paused_end = gates.pause(gates.paused) if gates.paused is not None else None
        return Runs(end=paused_end)
    return _RunLoop(inputs, gates, gate, earliest).walk()


class _RunLoop:
    def __init__(self, inputs: Inputs, gates: Gates, gate: date, earliest: date) -> None:
        p = inputs.p
        self.i, self.gates = inputs, gates
        self.runs: list[Session] = []
        self.final_date: date | None = None
        self.paused_end: date | None = None
        self.goal = p.goal.date if p.goal and p.goal.date else None
        self.arrived: date | None = None
        """When she last arrived at the last stage (the plan ends some weeks later)."""
        self.state = _RunState()
        self.increases: dict[date, int] = {}
        self.last_stage = len(inputs.proto.stages) - 1
        self.min_gap = timedelta(hours=inputs.proto.hours_between_runs)
        # Rule 9: a day's rest between the readiness check and the first run.
        self.allowed = max(gate + 2 * DAY, earliest)
        self.start = gate + DAY

    def walk(self) -> Runs:
        day: date | None = self.start
        while day is not None and day <= self.i.cap:
            end = self.end_now()
            if end is not None and day > end:
                break
            day = self._step(day)
        return Runs(self.runs, self.final_date, self.end_now())

    def end_now(self) -> date | None:
        candidate = None
        if self.arrived is not None:
            later = self.arrived + timedelta(weeks=self.i.proto.consolidate_weeks)
            candidate = max(later, self.goal) if self.goal else later
        if self.paused_end is not None:
            return self.paused_end if candidate is None else min(candidate, self.paused_end)
        return candidate

    def _step(self, day: date) -> date | None:
        """Look at one day: the next day to look at, or None when the runs end here."""
        # Stop symptoms: no run until a symptom-free check-in, then a readiness check.
        stop = hold_on(day, self.i.stops)
        if isinstance(stop, Stop):
            return self._after_stop(day, stop)
        # Rule 6 (breaks): no session inside; a long one steps the next run back.
        brk = break_on(day, self.i.breaks)
        if brk is not None:
            self._break(brk)
            return day + DAY  # day by day: a stop inside the break still counts
        if not self._may_run(day):
            return day + DAY
        hold = hold_on(day, self.i.holds)
        assert hold is None or isinstance(hold, Hold)
        if hold is not None and not self.runs:
            # Rule 5: no first run while held (nothing to step back from).
            if hold.end is None:
                self.paused_end = self.gates.pause(hold)
                return None
            return day + DAY
        if hold is not None and hold.end is None and self.paused_end is None:
            self.paused_end = self.gates.pause(hold)
            if day > self.paused_end:
                return None
        self._run_on(day, hold)
        return day + DAY

    def _after_stop(self, day: date, stop: Stop) -> date | None:
        if stop.end is None:
            self.paused_end = self.gates.pause(stop)
            return None
        gate = self.gates.gate(stop.end, stop.end + DAY)
        if gate is None:
            self.paused_end = self.paused_end or day
            return None
        if self.runs:
            w = self.i.w
            when = w.date(stop.start, "date")
            self.state.step_back = w.gettext(
                "back one stage after the stop of %(date)s", date=when
            )
            self.state.repeat_instead = w.gettext("repeat: after the stop of %(date)s", date=when)
        self.allowed = max(self.allowed, gate + (DAY if self.runs else 2 * DAY))
        return max(gate + DAY, day)

    def _break(self, brk: Break) -> None:
        if self.runs and (brk.end - brk.start).days + 1 >= self.i.proto.break_step_back_days:
            w = self.i.w
            reason = brk.reason or w.gettext("a break")
            self.state.step_back = w.gettext(
                "back one stage after your break (%(reason)s)", reason=reason
            )
            self.state.repeat_instead = w.gettext(
                "repeat: after your break (%(reason)s)", reason=reason
            )

    def _may_run(self, day: date) -> bool:
        """One of her run days, late enough, and Rule 3: 48 hours apart and at most
        runs_per_week in a calendar week."""
        p, state = self.i.p, self.state
        if day < self.allowed or day.weekday() not in p.run_days:
            return False
        if state.last_run is not None and day - state.last_run < self.min_gap:
            return False
        monday = day - timedelta(days=day.weekday())
        this_week = 0  # runs are in date order: count back from the latest
        for run in reversed(self.runs):
            if run.date < monday:
                break
            this_week += 1
        return this_week < p.runs_per_week

    def _run_on(self, day: date, hold: Hold | None) -> None:
        state, last_stage = self.state, self.last_stage
        monday = day - timedelta(days=day.weekday())
        stage, decision, reason = self._decide(hold, monday)
        self.runs.append(self._run(day, stage, decision, reason))
        if stage != state.stage:
            state.at_stage = 0
        if stage == last_stage and (
            state.stage != last_stage or len(self.runs) == 1 or self.arrived is None
        ):
            self.arrived = day
            if self.final_date is None:
                self.final_date = day
        elif stage != last_stage:
            self.arrived = None
        state.stage = stage
        state.at_stage += 1
        state.last_run = day

    def _decide(self, hold: Hold | None, monday: date) -> tuple[int, Decision, str]:
        state = self.state
        if not self.runs:
            state.step_back = ""
            if hold is not None:
                state.stepped_for = hold
            return 0, "first", self.i.w.gettext("first run/walk")
        if hold is not None:
            return self._held(hold)
        if state.step_back:
            why, state.step_back = state.step_back, ""
            state.held_since_last = False
            if state.stage > 0:
                return state.stage - 1, "step_back", why
            return state.stage, "repeat", state.repeat_instead
        if state.held_since_last:
            state.held_since_last = False
            state.at_stage = max(0, self.i.proto.sessions_per_stage - 1)
            return (
                state.stage,
                "repeat",
                self.i.w.gettext("repeat: one more at this stage now that symptoms have settled"),
            )
        return self._onwards(monday)

    def _held(self, hold: Hold) -> tuple[int, Decision, str]:
        """Rule 5: a hold steps her back one stage (never below 1) until it ends."""
        state = self.state
        w = self.i.w
        said = w.either([symptom_word(s, w) for s in hold.symptoms])
        when = w.date(hold.start, "date")
        state.held_since_last = True
        if state.stepped_for is not hold or state.step_back:
            # A break or stop during the hold steps her back once more.
            why = state.step_back or w.gettext(
                "back one stage: %(symptoms)s reported in your check-in of %(date)s",
                symptoms=said, date=when,
            )
            state.stepped_for = hold
            state.step_back = ""
            if state.stage > 0:
                return state.stage - 1, "step_back", why
        return state.stage, "held", w.gettext(
            "on hold: %(symptoms)s reported in your check-in of %(date)s",
            symptoms=said, date=when,
        )

    def _onwards(self, monday: date) -> tuple[int, Decision, str]:
        """No hold, no step back: repeat the stage or progress (Rule 4)."""
        state, proto, w = self.state, self.i.proto, self.i.w
        if state.stage == self.last_stage:
            return state.stage, "repeat", w.gettext("repeat: keep enjoying the full continuous jog")
        if state.at_stage < proto.sessions_per_stage:
            return (
                state.stage,
                "repeat",
                w.gettext(
                    "repeat: session %(number)s of %(count)s at stage %(stage)s",
                    number=state.at_stage + 1, count=proto.sessions_per_stage,
                    stage=state.stage + 1,
                ),
            )
        jog_up = self.i.stage_jog[state.stage + 1] > self.i.stage_jog[state.stage]
        # Rule 4: jogging time goes up in at most N sessions of one week.
        if jog_up and self.increases.get(monday, 0) >= proto.max_jog_increases_per_week:
            return state.stage, "repeat", _went_up(w, proto.max_jog_increases_per_week)
        if jog_up:
            self.increases[monday] = self.increases.get(monday, 0) + 1
        return state.stage + 1, "progress", w.gettext(
            "progress to stage %(stage)s", stage=state.stage + 2
        )

    def _run(self, day: date, stage: int, decision: Decision, reason: str) -> Session:
        segments = self.i.segments[stage]
        return Session(
            date=day,
            kind="run_walk",
            phase="",
            stage=stage + 1,
            segments=segments,
            jog_seconds=self.i.stage_jog[stage],
            main_seconds=self.i.proto.stages[stage].main_seconds,
            decision=decision,
            reason=reason,
            summary=self.i.summaries[stage],
        )


def _went_up(w: Words, times: int) -> str:
    """Why a run repeats its stage: jogging time went up ``times`` times this week already."""
    if times == 1:
        return w.gettext("repeat: jogging time already went up once this week")
    if times == 2:
        return w.gettext("repeat: jogging time already went up twice this week")
    return w.ngettext(
        "repeat: jogging time already went up %(num)s time this week",
        "repeat: jogging time already went up %(num)s times this week",
        times,
    )
