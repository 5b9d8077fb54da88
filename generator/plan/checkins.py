"""Her check-ins read as spans: holds (Rule 5) and stops, and the breaks she logged."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from ..models import Break, CheckIn, Hold, Stop

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
