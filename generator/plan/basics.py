"""Dates and words every part of the plan shares: the earliest run date, the healed date,
portable long dates and the symptoms' wording."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from ..models import Profile, Protocol

DAY = timedelta(days=1)


def long_date(day: date) -> str:
    """``25 September 2026`` (portable: no platform-only ``%-d``)."""
    return f"{day.day} {day:%B %Y}"


def sunday(day: date) -> date:
    """The Sunday ending ``day``'s week."""
    return day + timedelta(days=6 - day.weekday())


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
    return words(s.word or s.id for s in protocol.hold_symptoms)


def stop_words(protocol: Protocol) -> str:
    return words(s.label for s in protocol.stop_symptoms)
