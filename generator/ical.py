"""calendar.ics for one client (RFC 5545).

Part of the render stage. Every session except rest days becomes one event. UIDs come from the
client's slug and the session's kind and number (the 5th run is always ``run-5``), never from
its date, so a session that moves keeps its UID and a re-import or subscription updates events
instead of duplicating them. DTSTAMP comes from SOURCE_DATE_EPOCH (or the plan's start), and
SEQUENCE from the number of check-ins, so the same inputs give the same bytes.

Time zones (the hard part of the format) come from the ``icalendar`` library, which turns the
IANA database into VTIMEZONE blocks. The events themselves are plain property lines written
here: icalendar's general-purpose serialiser folds lines one character at a time and took a
third of a whole client's build; this writer does the same escaping and folding in a few
microseconds per event. Tests read every file back with a second, independent parser.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from .i18n import DEFAULT_LANGUAGE, N_, Words, words
from .models import Plan, Session, Site

DURATIONS = {"strength": 30 * 60, "readiness": 45 * 60}
TITLES = {"strength": N_("Strength"), "readiness": N_("Readiness check"),
          "run_walk": N_("Run/walk")}
"""Message ids: each title is written in her language."""


def uid(plan: Plan, kind: str, number: int) -> str:
    return f"{kind}-{number}-{_client_id(plan.profile.slug)}@postrun"


@lru_cache(maxsize=256)
def _client_id(slug: str) -> str:
    return hashlib.sha256(slug.encode("utf-8")).hexdigest()[:16]


# Line breaks of every kind become the escaped newline; any other control character (which
# RFC 5545 does not allow in TEXT) is dropped.
_BREAKS = re.compile("\r\n|[\r\n\v\f\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@lru_cache(maxsize=4096)
def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11); the same texts repeat across clients."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROLS.sub("", _BREAKS.sub("\\\\n", text))


def fold(line: str) -> bytes:
    """One content line, folded at 75 octets without splitting a UTF-8 character (3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data + b"\r\n"
    parts: list[bytes] = []
    start, limit = 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # never cut inside a multi-byte character
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # continuation lines start with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def fold_lines(lines: list[str]) -> bytes:
    """Content lines, each folded as :func:`fold` does, as one block of bytes: a line short
    enough never to need folding (most are) is taken as it is."""
    out = [
        line if len(line) <= 18 or (len(line) <= 75 and line.isascii()) else _folded(line)
        for line in lines
    ]
    out.append("")
    return "\r\n".join(out).encode("utf-8")


@lru_cache(maxsize=8192)
def _folded(line: str) -> str:
    """A long line folded, as text: descriptions repeat on every event of their kind."""
    return fold(line)[:-2].decode("utf-8")


@lru_cache(maxsize=8192)
def _day(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _duration(delta: timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    return f"{'-' if delta < timedelta(0) else ''}PT{minutes}M"


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE block for the years a plan covers (computed once per zone and span)."""
    from icalendar import Timezone  # only timed calendars need it; it is slow to import

    zone = Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1),
                              last_date=date(last_year, 12, 31))
    return bytes(zone.to_ical()).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _description(session: Session, plan: Plan, w: Words) -> str:
    _ = w.gettext
    if session.kind == "run_walk":
        lines = [
            session.summary,
            _("Stage %(stage)s: %(reason)s.", stage=session.stage, reason=session.reason),
        ]
        if plan.profile.breastfeeding:
            lines.append(_("Feed or pump before you go."))
        lines.append(_("Walk instead of jogging if you feel %(signs)s.", signs=plan.hold_words))
        return "\n".join(lines)
    if session.kind == "strength":
        return "\n".join(f"{d.title}: {w.dose(d.dosage)}" for d in session.exercises)
    tests = [f"{t.title}: {t.target}" for t in plan.readiness]
    return _("Each test without %(signs)s.", signs=plan.hold_words) + "\n" + "\n".join(tests)


def _when(session: Session, plan: Plan, timed: bool) -> list[str]:
    """The event's start and end: her session time in her time zone, else the whole day."""
    profile = plan.profile
    if timed:
        assert profile.session_time is not None
        start = datetime.combine(session.date, profile.session_time)
        seconds = session.total_seconds or DURATIONS.get(session.kind, 1800)
        end = start + timedelta(seconds=seconds)
        return [f"DTSTART;TZID={profile.timezone}:{start:%Y%m%dT%H%M%S}",
                f"DTEND;TZID={profile.timezone}:{end:%Y%m%dT%H%M%S}"]
    return [f"DTSTART;VALUE=DATE:{_day(session.date)}",
            f"DTEND;VALUE=DATE:{_day(session.date + timedelta(days=1))}",
            "TRANSP:TRANSPARENT"]


def _goal_event(plan: Plan, dtstamp: str, sequence: int, w: Words) -> list[str]:
    """Her goal day as an all-day event (none without a goal date)."""
    goal = plan.goal
    if goal is None or goal.date is None:
        return []
    _ = w.gettext
    return [
        "BEGIN:VEVENT",
        f"UID:{uid(plan, 'goal', 1)}",
        f"DTSTAMP:{dtstamp}",
        f"SEQUENCE:{sequence}",
        "SUMMARY:" + escape(
            _("Goal: %(goal)s", goal=goal.label) if goal.label else _("Goal day")
        ),
        f"DTSTART;VALUE=DATE:{_day(goal.date)}",
        f"DTEND;VALUE=DATE:{_day(goal.date + timedelta(days=1))}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar_ics(
    plan: Plan,
    site: Site,
    stamp: datetime | None,
    week_of: dict[date, str],
    w: Words | None = None,
) -> bytes:
    """The client's calendar, its words in ``w``'s language (default: postrun's own English).
    ``week_of`` maps a date to its week page (for the event URL)."""
    w = w or words(DEFAULT_LANGUAGE)
    _ = w.gettext
    profile = plan.profile
    # Her time zone was checked when her profile was read (a name the zone database knows).
    timed = bool(profile.timezone) and profile.session_time is not None
    name = _("Running plan · %(practice)s", practice=site.practice)
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//postrun//return-to-running plan//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    out = [fold_lines(head)]
    if timed:
        out.append(fold(f"X-WR-TIMEZONE:{profile.timezone}"))
        out.append(_vtimezone(str(profile.timezone), plan.start.year, plan.end.year + 1))
    dtstamp = _stamp(stamp or datetime.combine(plan.start, time(0, 0), tzinfo=UTC))
    sequence = len(profile.check_ins)
    counters: dict[str, int] = {}
    descriptions: dict[tuple[object, ...], str] = {}
    lines: list[str] = []
    for session in plan.sessions:
        if session.kind == "rest":
            continue
        counters[session.kind] = counters.get(session.kind, 0) + 1
        title = _(TITLES[session.kind])
        if session.kind == "run_walk":
            title = _("%(title)s · stage %(stage)s", title=title, stage=session.stage)
        # Sessions of one kind and stage share their description: written once per calendar.
        # Her plan hands the strength sessions of one kind the same tuple of exercises: known
        # by identity (the plan keeps it alive), it is neither hashed nor compared again.
        key = (session.kind, session.summary, session.stage, session.reason,
               id(session.exercises))
        description = descriptions.get(key)
        if description is None:
            description = descriptions[key] = escape(_description(session, plan, w))
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid(plan, session.kind, counters[session.kind])}",
            f"DTSTAMP:{dtstamp}",
            f"SEQUENCE:{sequence}",
            f"SUMMARY:{escape(title)}",
            f"DESCRIPTION:{description}",
        ]
        lines += _when(session, plan, timed)
        if site.base_url and session.date in week_of:
            lines.append(f"URL:{site.base_url}{profile.slug}/{week_of[session.date]}")
        if profile.reminder_minutes is not None:
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape(title)}",
                      f"TRIGGER:{_duration(timedelta(minutes=-profile.reminder_minutes))}",
                      "END:VALARM"]
        lines.append("END:VEVENT")
    lines += _goal_event(plan, dtstamp, sequence, w)
    lines.append("END:VCALENDAR")
    out.append(fold_lines(lines))
    return b"".join(out)
