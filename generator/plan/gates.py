"""Readiness checks (Rule 2 and the readiness results of Rule 5) and pauses: when an open hold
or stop stops the plan."""

from __future__ import annotations

from datetime import date, timedelta

from ..models import Hold, ReadinessCheck, Stop
from .basics import DAY
from .checkins import break_on, hold_on
from .inputs import Inputs


class Gates:
    """The readiness checks of her plan as they are found, and the span that paused it."""

    def __init__(self, inputs: Inputs) -> None:
        self.i = inputs
        self.readiness: dict[date, ReadinessCheck | None] = {}
        """Readiness sessions: the result the coach logged, or None for a planned check."""
        self.paused: Hold | Stop | None = None

    def pause(self, span: Hold | Stop) -> date:
        """An open hold or stop pauses the plan a few weeks after it began (never within the
        first 4 weeks)."""
        if self.paused is None:
            self.paused = span
        when = span.start + timedelta(weeks=self.i.proto.hold_review_weeks)
        return max(when, self.i.p.start_date + timedelta(days=27))

    def _blocked(self, day: date) -> bool:
        return (
            break_on(day, self.i.breaks) is not None
            or hold_on(day, self.i.holds) is not None
            or hold_on(day, self.i.stops) is not None
        )

    def _planned_check(self, since: date) -> date | None:
        """The first day from ``since`` for a readiness check: not a strength day (a strength
        day keeps its strength), not in a break, a hold or a stop. None when an open hold or
        stop comes first, or the plan's cap."""
        day = since
        strength = self.i.p.strength_days
        while day <= self.i.cap:
            span = hold_on(day, self.i.holds) or hold_on(day, self.i.stops)
            if span is not None and span.end is None:
                self.pause(span)
                return None
            if self._blocked(day) or day.weekday() in strength:
                day += DAY
                continue
            return day
        return None

    def gate(self, since: date, floor: date) -> date | None:
        """Rule 5 (readiness results): the day she passes (or, planned, is expected to pass) a
        readiness check on or after ``since``. The checks the coach logged count first; after a
        failed one the retest comes ``readiness_retest_weeks`` later. A planned check never
        comes before her impact practice after healing (*safer*, see :class:`Inputs`)."""
        cursor = floor if self.i.impact_ready is None else max(floor, self.i.impact_ready)
        retest = timedelta(weeks=self.i.proto.readiness_retest_weeks)
        for check in self.i.p.readiness_checks:
            if check.date < since:
                # Before this gate (say, before a stop): a failed check still sets the
                # soonest day of the next one.
                if not check.passed:
                    cursor = max(cursor, check.date + retest)
                continue
            self.readiness[check.date] = check
            if check.passed:
                return check.date
            cursor = max(cursor, check.date + retest)
        planned = self._planned_check(cursor)
        if planned is not None:
            self.readiness[planned] = None
        return planned
