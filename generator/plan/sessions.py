"""Her sessions day by day: readiness checks, breaks, strength, runs and rest (Rules 6 and 9),
with the notices a stop puts on every day."""

from __future__ import annotations

from datetime import date

from msgspec.structs import replace

from ..models import Break, Phase, PhaseSpec, ReadinessCheck, Session
from .basics import DAY, hold_words, strength_words
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
        w = inputs.w
        self.eves = {d - DAY: rest for d, rest in (
            (first_check, w.gettext("Rest today, before your readiness check tomorrow.")),
            (first_run, w.gettext("Rest today, before your first run/walk tomorrow.")),
        ) if d is not None}
        """The day before a key day: the rest day's notice."""
        self.told_level = False
        self.specs: dict[str, PhaseSpec] = {}
        """Each phase's strength routine (see :func:`spec_for`)."""
        self.summaries: dict[int, str] = {}
        """A strength session's summary by its number of exercises."""
        self.rest = inputs.proto.rest_suggestion or w.gettext("Rest day.")

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
                date=day, kind="rest", phase=phase_id, summary=self._break_words(brk),
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
                summary=self.rest,
                notice=self.eves.get(day, ""),
            ))
        return self._stop_notices(day, todays)

    def _break_words(self, brk: Break) -> str:
        w = self.i.w
        until = w.date(brk.end, "date")
        if brk.reason:
            return w.gettext(
                "Break (%(reason)s): no sessions until %(date)s.", reason=brk.reason, date=until
            )
        return w.gettext("Break: no sessions until %(date)s.", date=until)

    def _strength(self, day: date, phase: Phase) -> list[Session]:
        strength, level_up = self.strength, self.strength.level_up
        level = strength.level_on(day)
        spec = self.specs.get(phase.id)
        if spec is None:
            spec = self.specs[phase.id] = spec_for(self.i.proto, phase)
        doses = strength.doses_on(day, spec, level)
        notice = ""
        if level_up is not None and day >= level_up and not self.told_level \
                and level == "intermediate":
            self.told_level = True
            notice = self.i.w.gettext(
                "Moving up: after %(weeks)s weeks of steady run/walk, from today you do the "
                "intermediate version of your exercises.",
                weeks=self.i.proto.level_up_after_weeks,
            )
        if not doses:
            return []
        summary = self.summaries.get(len(doses))
        if summary is None:
            summary = self.summaries[len(doses)] = strength_words(self.i.w, len(doses))
        return [Session(
            date=day, kind="strength", phase=phase.id, exercises=doses, summary=summary,
            notice=notice,
        )]

    def _stop_notices(self, day: date, todays: list[Session]) -> list[Session]:
        stop = hold_on(day, self.i.stops)
        if stop is None:
            return todays
        w = self.i.w
        notice = w.gettext(
            "No running and no jumping since your check-in on %(date)s (%(symptoms)s): see "
            "your GP or a pelvic-health physiotherapist, and tell your coach.",
            date=w.date(stop.start, "date"),
            symptoms=w.either([self.i.labels.get(x, x) for x in stop.symptoms]),
        )
        return [t if t.notice else replace(t, notice=notice) for t in todays]

    def _readiness_session(self, day: date, phase_id: str) -> Session:
        proto, w = self.i.proto, self.i.w
        check = self.readiness[day]
        summary = w.gettext(
            "Readiness check: %(count)s tests, each without %(signs)s.",
            count=len(proto.readiness_tests), signs=hold_words(proto, w),
        )
        reason = ""
        if check is not None and check.passed:
            reason = w.gettext("Passed: well done.")
        elif check is not None:
            titles = {t.id: t.title for t in proto.readiness_tests}
            failed = w.either([titles.get(t, t) for t in check.failed])
            retest = next((d for d in sorted(self.readiness) if d > day), None)
            if retest:
                reason = w.gettext(
                    "Not yet: %(failed)s. Your strength and impact work goes on; the retest "
                    "is on %(date)s.",
                    failed=failed, date=w.date(retest, "date"),
                )
            else:
                reason = w.gettext(
                    "Not yet: %(failed)s. Your strength and impact work goes on.",
                    failed=failed,
                )
        return Session(date=day, kind="readiness", phase=phase_id, summary=summary,
                       reason=reason)
