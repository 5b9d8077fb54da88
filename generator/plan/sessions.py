"""Her sessions day by day: readiness checks, breaks, strength, runs and rest (Rules 6 and 9),
with the notices a stop puts on every day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..models import Phase, ReadinessCheck, Session
from .basics import DAY, hold_words, long_date, words
from .checkins import break_on, hold_on
from .inputs import Inputs
from .phases import spec_for
from .strength import Strength


def daily_sessions(
    inputs: Inputs,
    readiness: dict[date, ReadinessCheck | None],
    start: date,
    end: date,
    runs: list[Session],
    phases: list[Phase],
) -> list[Session]:
    """Every session from ``start`` to ``end`` in date order (a rest day has one too)."""
    return _Days(inputs, readiness, runs, end).sessions(start, end, phases)


class _Days:
    def __init__(
        self,
        inputs: Inputs,
        readiness: dict[date, ReadinessCheck | None],
        runs: list[Session],
        end: date,
    ) -> None:
        self.i, self.readiness = inputs, readiness
        self.run_on = {r.date: r for r in runs}
        first_run = runs[0].date if runs else None
        first_check = min(readiness) if readiness else None
        self.strength = Strength(inputs, first_run, end)
        # Rule 9: the day before the first readiness check and before the first run is rest.
        self.eves = {d - DAY: what for d, what in (
            (first_check, "your readiness check"), (first_run, "your first run/walk")
        ) if d is not None}
        self.told_level = False

    def sessions(self, start: date, end: date, phases: list[Phase]) -> list[Session]:
        by_day: dict[date, list[Session]] = {}
        phase_of: dict[date, Phase | None] = {}
        day = start
        phase_index = 0
        while day <= end:
            while phase_index + 1 < len(phases) and day > phases[phase_index].end:
                phase_index += 1
            phase = phases[phase_index] if phases else None
            phase_of[day] = phase
            by_day[day] = self._day(day, phase)
            day += DAY
        self.strength.keep(by_day, phase_of, self.eves, start, end)
        return [s for d in sorted(by_day) for s in by_day[d]]

    def _day(self, day: date, phase: Phase | None) -> list[Session]:
        phase_id = phase.id if phase else ""
        todays: list[Session] = []
        brk = break_on(day, self.i.breaks)
        if day in self.readiness:
            todays.append(self._readiness_session(day, phase_id))
        elif brk is not None:
            todays.append(Session(
                date=day, kind="rest", phase=phase_id,
                summary=f"Break{f' ({brk.reason})' if brk.reason else ''}: no sessions "
                f"until {long_date(brk.end)}.",
            ))
        elif day.weekday() in self.i.p.strength_days and phase is not None \
                and day not in self.eves:
            # Rule 6: strength on her strength days, all through the plan.
            todays.extend(self._strength(day, phase))
        if day in self.run_on and brk is None:
            todays.append(replace(self.run_on[day], phase=phase_id))
        if not todays:
            todays.append(Session(
                date=day, kind="rest", phase=phase_id,
                summary=self.i.proto.rest_suggestion or "Rest day.",
                notice=f"Rest today, before {self.eves[day]} tomorrow." if day in self.eves
                else "",
            ))
        return self._stop_notices(day, todays)

    def _strength(self, day: date, phase: Phase) -> list[Session]:
        strength, level_up = self.strength, self.strength.level_up
        level = strength.level_on(day)
        doses = strength.doses_on(day, spec_for(self.i.proto, phase), level)
        notice = ""
        if level_up is not None and day >= level_up and not self.told_level \
                and level == "intermediate":
            self.told_level = True
            notice = (
                f"Moving up: after {self.i.proto.level_up_after_weeks} weeks of steady "
                "run/walk, from today you do the intermediate version of your exercises."
            )
        if not doses:
            return []
        return [Session(
            date=day, kind="strength", phase=phase.id, exercises=doses,
            summary=f"Strength: {len(doses)} exercises", notice=notice,
        )]

    def _stop_notices(self, day: date, todays: list[Session]) -> list[Session]:
        stop = hold_on(day, self.i.stops)
        if stop is None:
            return todays
        said = words(self.i.labels.get(x, x) for x in stop.symptoms)
        notice = (
            f"No running and no jumping since your check-in on {long_date(stop.start)} "
            f"({said}): see your GP or a pelvic-health physiotherapist, and tell your coach."
        )
        return [t if t.notice else replace(t, notice=notice) for t in todays]

    def _readiness_session(self, day: date, phase_id: str) -> Session:
        proto = self.i.proto
        check = self.readiness[day]
        tests = len(proto.readiness_tests)
        summary = f"Readiness check: {tests} tests, each without {hold_words(proto)}."
        reason = ""
        if check is not None and check.passed:
            reason = "Passed: well done."
        elif check is not None:
            titles = {t.id: t.title for t in proto.readiness_tests}
            failed = words(titles.get(t, t) for t in check.failed)
            retest = next((d for d in sorted(self.readiness) if d > day), None)
            reason = f"Not yet: {failed}. Your strength and impact work goes on" + (
                f"; the retest is on {long_date(retest)}." if retest else "."
            )
        return Session(date=day, kind="readiness", phase=phase_id, summary=summary,
                       reason=reason)
