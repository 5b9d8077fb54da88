"""calendar.ics for one client (RFC 5545, written with the ``icalendar`` library).

Part of the render stage. Every session except rest days becomes one event. UIDs come from the
client's slug and the session's kind and number (the 5th run is always ``run-5``), never from
its date, so a session that moves keeps its UID and a re-import or subscription updates events
instead of duplicating them. DTSTAMP comes from SOURCE_DATE_EPOCH (or the plan's start), and
SEQUENCE from the number of check-ins, so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from .models import Plan, Session, Site

DURATIONS = {"strength": 30 * 60, "readiness": 45 * 60}
TITLES = {"strength": "Strength", "readiness": "Readiness check", "run_walk": "Run/walk"}


def uid(plan: Plan, kind: str, number: int) -> str:
    client = hashlib.sha256(plan.profile.slug.encode("utf-8")).hexdigest()[:16]
    return f"{kind}-{number}-{client}@postrun"


def _description(session: Session, plan: Plan) -> str:
    if session.kind == "run_walk":
        lines = [session.summary, f"Stage {session.stage}: {session.reason}."]
        if plan.profile.breastfeeding:
            lines.append("Feed or pump before you go.")
        lines.append("Walk instead of jogging if you feel pain, heaviness or leaking.")
        return "\n".join(lines)
    if session.kind == "strength":
        return "\n".join(f"{d.title}: {d.dosage.text()}" for d in session.exercises)
    tests = [f"{t.title}: {t.target}" for t in plan.readiness]
    return "Each test without pain, leakage or heaviness.\n" + "\n".join(tests)


def calendar_ics(plan: Plan, site: Site, stamp: datetime | None, week_of: dict[date, str]) -> bytes:
    """The client's calendar. ``week_of`` maps a date to its week page (for the event URL)."""
    profile = plan.profile
    cal = Calendar()
    cal.add("prodid", "-//postrun//return-to-running plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Running plan · {site.practice}")
    zone = ZoneInfo(profile.timezone) if profile.timezone else None
    if zone is not None:
        cal.add("x-wr-timezone", profile.timezone)
    dtstamp = stamp or datetime.combine(plan.start, time(0, 0), tzinfo=UTC)
    counters: dict[str, int] = {}
    for session in plan.sessions:
        if session.kind == "rest":
            continue
        counters[session.kind] = counters.get(session.kind, 0) + 1
        event = Event()
        event.add("uid", uid(plan, session.kind, counters[session.kind]))
        event.add("dtstamp", dtstamp)
        event.add("sequence", len(profile.check_ins))
        title = TITLES[session.kind]
        if session.kind == "run_walk":
            title = f"{title} · stage {session.stage}"
        event.add("summary", title)
        event.add("description", _description(session, plan))
        if zone is not None and profile.session_time is not None:
            start = datetime.combine(session.date, profile.session_time, tzinfo=zone)
            seconds = session.total_seconds or DURATIONS.get(session.kind, 1800)
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(seconds=seconds))
        else:
            event.add("dtstart", session.date)
            event.add("dtend", session.date + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        if site.base_url and session.date in week_of:
            event.add("url", f"{site.base_url}{profile.slug}/{week_of[session.date]}")
        if profile.reminder_minutes is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", title)
            alarm.add("trigger", timedelta(minutes=-profile.reminder_minutes))
            event.add_component(alarm)
        cal.add_component(event)
    if zone is not None:
        # Only the years the plan covers: a compact VTIMEZONE that every calendar reads alike.
        cal.add_missing_timezones(
            first_date=date(plan.start.year, 1, 1), last_date=date(plan.end.year + 1, 12, 31)
        )
    return bytes(cal.to_ical())
