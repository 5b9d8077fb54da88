"""Dates and words every part of the plan shares: the earliest run date, the healed date,
portable long dates and the symptoms' wording."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from ..i18n import NP_, Words
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


SYMPTOM_IDS = (
    NP_("symptom", "pain"), NP_("symptom", "heaviness"), NP_("symptom", "leakage"),
    NP_("symptom", "urgency"), NP_("symptom", "doming"),
)
"""The default protocol's hold signs as ids: when a protocol gives no ``word`` for one, the
id is the word, looked up in her language's catalog (context ``symptom``)."""


def symptom_word(word: str, w: Words | None) -> str:
    """A symptom id or word in her language (the catalog knows the default protocol's)."""
    return w.pgettext("symptom", word) if w is not None else word


def hold_words(protocol: Protocol, w: Words | None = None) -> str:
    """The protocol's hold signs in a few words, e.g. ``pain, heaviness, leakage …``: every
    page, the calendar and the plan take the symptoms' wording from here."""
    said = [s.word or symptom_word(s.id, w) for s in protocol.hold_symptoms]
    return w.either(said) if w is not None else words(said)


def stop_words(protocol: Protocol, w: Words | None = None) -> str:
    said = [s.label for s in protocol.stop_symptoms]
    return w.either(said) if w is not None else words(said)


def strength_words(w: Words, count: int) -> str:
    """``Strength: 4 exercises``, a strength session's summary."""
    return w.ngettext("Strength: %(num)s exercise", "Strength: %(num)s exercises", count)
