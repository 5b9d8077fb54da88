"""Strength work (Rules 6 and 7): her level on a day, the doses she does, moving up from
beginner, and at least the protocol's minimum of strength sessions in every whole week."""

from __future__ import annotations

from datetime import date, timedelta

from ..models import Dose, Hold, Level, Phase, PhaseSpec, Session, Stop
from .basics import DAY, strength_words
from .checkins import break_on, hold_on
from .inputs import Inputs
from .phases import spec_for


class Strength:
    """Her strength doses day by day (made once per phase, level and impact)."""

    def __init__(self, inputs: Inputs, first_run: date | None, end: date) -> None:
        self.i = inputs
        self.level_up = self._level_up(first_run, end)
        self._doses: dict[tuple[str, str, bool], tuple[Dose, ...]] = {}

    def _level_up(self, first_run: date | None, end: date) -> date | None:
        """Rule 7: the day a beginner moves up to intermediate variants, for good: her first
        strength day after ``level_up_after_weeks`` of run/walk without a hold, stop or break
        (never before her healed date). None when she is not a beginner or it does not come
        in this plan."""
        i = self.i
        if i.p.level != "beginner" or first_run is None:
            return None
        span = timedelta(weeks=i.proto.level_up_after_weeks)
        troubles: list[tuple[date, date]] = [(b.start, b.end) for b in i.breaks]
        spans: list[Hold | Stop] = [*i.holds, *i.stops]
        for h in spans:
            troubles.append((h.start + DAY, h.end if h.end is not None else date.max))
        day = first_run + span
        if i.healed is not None:
            day = max(day, i.healed)
        while day <= end:
            clash = [b for a, b in troubles if a <= day and b >= day - span]
            if clash:
                if max(clash) >= end:
                    return None
                day = max(day, max(clash) + DAY + span)
                continue
            if day.weekday() in i.p.strength_days:
                return day
            day += DAY
        return None

    def level_on(self, day: date) -> Level:
        i = self.i
        if i.healed is not None and day < i.healed:
            return "beginner"
        if hold_on(day, i.stops) is not None:
            return "beginner"
        if self.level_up is not None and day >= self.level_up:
            return "intermediate"
        return i.p.level

    def doses_on(self, day: date, spec: PhaseSpec, level: Level) -> tuple[Dose, ...]:
        i = self.i
        # Healed first, and stops: no impact exercise before her healed date or during a stop.
        no_impact = (i.healed is not None and day < i.healed) or (
            hold_on(day, i.stops) is not None
        )
        key = (spec.id, level, no_impact)
        found = self._doses.get(key)
        if found is None:
            result: list[Dose] = []
            for ex_id in spec.exercises_for(level):
                exercise = i.exercises[ex_id]
                if no_impact and exercise.category == "impact":
                    continue
                variant = exercise.variant(level)
                if variant is not None:
                    result.append(Dose(ex_id, exercise.title, variant.dosage, variant.level))
            found = self._doses[key] = tuple(result)
        return found

    def keep(
        self,
        by_day: dict[date, list[Session]],
        phase_of: dict[date, Phase | None],
        eves: dict[date, str],
        start: date,
        end: date,
    ) -> None:
        """Rule 6: a whole week outside breaks keeps at least the protocol's minimum of
        strength sessions: one that gave way (to a readiness check, or a rest before a key
        day) moves to a free day of the same week."""
        low = self.i.proto.strength_per_week[0]
        monday = start - timedelta(days=start.weekday())
        while monday <= end:
            days = [monday + i * DAY for i in range(7)]
            if days[0] >= start and days[-1] <= end and not any(
                break_on(d, self.i.breaks) for d in days
            ):
                count = sum(1 for d in days for s in by_day[d] if s.kind == "strength")
                for d in days:
                    if count >= low:
                        break
                    phase = phase_of[d]
                    only_rest = all(s.kind == "rest" for s in by_day[d])
                    if not only_rest or d in eves or phase is None:
                        continue
                    doses = self.doses_on(d, spec_for(self.i.proto, phase), self.level_on(d))
                    if doses:
                        by_day[d] = [Session(
                            date=d, kind="strength", phase=phase.id, exercises=doses,
                            summary=strength_words(self.i.w, len(doses)),
                        )]
                        count += 1
            monday += timedelta(days=7)
