"""View data for the templates: date tags, session marks and labels, links, key dates and
month grids. Part of the render stage: nothing here decides anything, it lays out what the plan
computed so that the templates only show it.
"""

from __future__ import annotations

import json
import re
from calendar import Calendar
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache

from markupsafe import Markup, escape

from .models import Exercise, Plan, Protocol, Segment, Session, Site, Symptom, Variant


@lru_cache(maxsize=8192)
def iso(value: date) -> str:
    """``2026-11-24``: written several times for every day of every page."""
    return value.isoformat()


@lru_cache(maxsize=8192)
def short_day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b}"


@lru_cache(maxsize=8192)
def long_date(value: date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


@lru_cache(maxsize=8192)
def short_date(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


_TIME_FORMATS: dict[str, Callable[[date], str]] = {
    "day": short_day,
    "long": long_date,
    "short": short_date,
    "dayyear": lambda d: f"{short_day(d)} {d.year}",
}


@lru_cache(maxsize=8192)
def time_tag(value: date, style: str = "day") -> Markup:
    """``<time datetime="2026-11-24">Tue 24 Nov</time>``: dates are written on every page."""
    return Markup(f'<time datetime="{value.isoformat()}">{_TIME_FORMATS[style](value)}</time>')


@lru_cache(maxsize=16)
def mark(kind: str) -> Markup:
    """The letter/icon of a session kind: decoration beside its written label."""
    return Markup(f'<span class="mark mark-{kind}" aria-hidden="true">{KIND_ICONS[kind]}</span>')


@lru_cache(maxsize=16)
def kind_label(kind: str) -> Markup:
    return mark(kind) + Markup(f' <span class="kind-name">{escape(KIND_LABELS[kind])}</span>')


@lru_cache(maxsize=256)
def segments_json(segments: tuple[Segment, ...]) -> str:
    """A run's segments for the interval timer (compact keys: activity, seconds, part)."""
    return json.dumps(
        [{"a": g.activity, "s": g.seconds, "p": g.part} for g in segments], separators=(",", ":")
    )


@lru_cache(maxsize=256)
def part_seconds(segments: tuple[Segment, ...], part: str) -> int:
    return sum(g.seconds for g in segments if g.part == part)


@dataclass(frozen=True, slots=True)
class Link:
    href: str
    label: str


def week_file(number: int) -> str:
    return f"week-{number:02d}.html"


def exercise_file(ex_id: str) -> str:
    return f"exercise-{ex_id}.html"


KIND_LABELS = {
    "strength": "Strength",
    "readiness": "Readiness check",
    "run_walk": "Run/walk",
    "rest": "Rest or cross-train",
}
KIND_ICONS = {"strength": "S", "readiness": "✓", "run_walk": "R", "rest": "·"}
DECISION_LABELS = {
    "first": "First run",
    "progress": "Step up",
    "repeat": "Repeat",
    "held": "On hold",
    "step_back": "Step back",
}


def other_variant(exercise: Exercise, level: str) -> Variant | None:
    for variant in exercise.variants:
        if variant.level == level:
            return variant
    return None


def webcal_url(base_url: str | None, slug: str) -> str | None:
    """The subscription address of her calendar, when the practice publishes a base_url."""
    if not base_url:
        return None
    return "webcal://" + base_url.split("://", 1)[1] + f"{slug}/calendar.ics"


def plan_id(plan: Plan) -> str:
    """Names this plan in the browser's storage: a new plan start gets fresh ticks."""
    return f"{plan.profile.slug}:{plan.start.isoformat()}"


@dataclass(frozen=True, slots=True)
class KeyDate:
    label: str
    date: date
    href: str


def key_dates(plan: Plan, final_label: str) -> list[KeyDate]:
    def week_of(day: date) -> str:
        for week in plan.weeks:
            if week.days and week.days[0].date <= day <= week.days[-1].date:
                return week_file(week.number)
        return "calendar.html"

    result = [
        KeyDate("Plan starts", plan.start, week_of(plan.start)),
        KeyDate("Earliest day to run", plan.earliest_run_date, week_of(plan.earliest_run_date)),
    ]
    if plan.readiness_date:
        result.append(KeyDate("Readiness check", plan.readiness_date, week_of(plan.readiness_date)))
    if plan.first_run_date:
        result.append(KeyDate("First run/walk", plan.first_run_date, week_of(plan.first_run_date)))
    if plan.final_stage_date:
        result.append(KeyDate(final_label, plan.final_stage_date, week_of(plan.final_stage_date)))
    goal = plan.profile.goal
    if goal and goal.date:
        result.append(KeyDate(f"Goal: {goal.label}", goal.date, week_of(goal.date)))
    return sorted(result, key=lambda k: k.date)


@dataclass(frozen=True, slots=True)
class CalendarCell:
    """One day of a month grid, laid out as data: the template only places these strings
    (a cell per day of every month is the site's most repeated piece)."""

    date: date | None
    sessions: tuple[Session, ...]
    href: str
    iso: str
    time: Markup
    """The day's number, with its written date for screen readers."""
    classes: str
    """`` has-<kind>`` for each session of the day."""
    marks: Markup
    """The sessions' marks and written labels, one a line."""


EMPTY_CELL = CalendarCell(None, (), "", "", Markup(""), "", Markup(""))


@lru_cache(maxsize=4096)
def _cell_time(value: date) -> Markup:
    return Markup(
        f'<time class="cal-num" datetime="{value.isoformat()}"><span class="visually-hidden">'
        f'{escape(short_day(value))}</span><span aria-hidden="true">{value.day}</span></time>'
    )


@lru_cache(maxsize=256)
def _cell_kinds(kinds: tuple[str, ...]) -> tuple[str, Markup]:
    classes = "".join(f" has-{k}" for k in kinds)
    marks = []
    for kind in kinds:
        label = Markup('<span class="visually-hidden">: %s</span>') % KIND_LABELS[kind]
        marks.append(label if kind == "rest" else Markup('<span class="cal-mark">') + mark(kind)
                     + label + Markup("</span>"))
    return classes, Markup("\n            ").join(marks)


def calendar_cell(day: date, sessions: tuple[Session, ...], href: str) -> CalendarCell:
    classes, marks = _cell_kinds(tuple(s.kind for s in sessions))
    return CalendarCell(day, sessions, href, day.isoformat(), _cell_time(day), classes, marks)


@dataclass(frozen=True, slots=True)
class Month:
    title: str
    id: str
    rows: tuple[tuple[CalendarCell, ...], ...]


def months(plan: Plan) -> Iterator[Month]:
    by_day: dict[date, tuple[Session, ...]] = {}
    href: dict[date, str] = {}
    for week in plan.weeks:
        for day in week.days:
            by_day[day.date] = day.sessions
            href[day.date] = f"{week_file(week.number)}#d{day.date.isoformat()}"
    cal = Calendar(firstweekday=0)
    year, month = plan.start.year, plan.start.month
    while (year, month) <= (plan.end.year, plan.end.month):
        rows = []
        for dates in cal.monthdatescalendar(year, month):
            rows.append(
                tuple(
                    calendar_cell(d, by_day.get(d, ()), href.get(d, ""))
                    if d.month == month
                    else EMPTY_CELL
                    for d in dates
                )
            )
        first = date(year, month, 1)
        yield Month(f"{first:%B %Y}", f"m{first:%Y-%m}", tuple(rows))
        month += 1
        if month > 12:
            year, month = year + 1, 1


@dataclass(frozen=True, slots=True)
class SymptomGroup:
    """The protocol's hold or stop symptoms: each kind has its own advice after a run."""

    kind: str
    """``hold`` (repeat the stage, tell the coach) or ``stop`` (stop running, see a clinician)."""
    symptoms: tuple[Symptom, ...]


def symptom_groups(protocol: Protocol) -> tuple[SymptomGroup, ...]:
    groups = (("hold", protocol.hold_symptoms), ("stop", protocol.stop_symptoms))
    return tuple(SymptomGroup(kind, found) for kind, found in groups if found)


@dataclass(frozen=True, slots=True)
class CoachLinks:
    email_href: str
    phone_href: str


def coach_links(site: Site) -> CoachLinks:
    """``mailto:`` and ``tel:`` addresses of the coach (empty when site.yaml has none)."""
    email = f"mailto:{site.email}" if site.email else ""
    phone = "tel:" + re.sub(r"[^0-9+]", "", site.phone) if site.phone else ""
    return CoachLinks(email, phone)


def clock(value: time | None) -> str:
    """Her session time as written on her pages, ``07:30`` (empty when she has none)."""
    return f"{value:%H:%M}" if value is not None else ""
