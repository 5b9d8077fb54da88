"""View data for the templates: date tags, session marks and labels, links, key dates and
month grids. Part of the render stage: nothing here decides anything, it lays out what the plan
computed so that the templates only show it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, time, timedelta
from functools import lru_cache

import msgspec
from markupsafe import Markup, escape

from .i18n import N_, Words, words
from .models import (
    Exercise,
    Plan,
    Protocol,
    Segment,
    Session,
    Site,
    Symptom,
    Variant,
)


@lru_cache(maxsize=8192)
def iso(value: date) -> str:
    """``2026-11-24``: written several times for every day of every page."""
    return value.isoformat()


_SEGMENT_VIEWS: dict[tuple[int, str], tuple[tuple[Segment, ...], str | int]] = {}


def _by_segments(segments: tuple[Segment, ...], what: str) -> str | int:
    """A view of a run's segments, remembered by the tuple's identity: her plan hands every
    run of a stage the same tuple, and hashing or comparing one visits every segment."""
    key = (id(segments), what)
    found = _SEGMENT_VIEWS.get(key)
    if found is not None and found[0] is segments:
        return found[1]
    if what == "json":
        value: str | int = json.dumps(
            [{"a": g.activity, "s": g.seconds, "p": g.part} for g in segments],
            separators=(",", ":"),
        )
    else:
        value = sum(g.seconds for g in segments if g.part == what)
    if len(_SEGMENT_VIEWS) >= 1024:
        _SEGMENT_VIEWS.clear()  # old clients' tuples: let them go
    _SEGMENT_VIEWS[key] = (segments, value)
    return value


def segments_json(segments: tuple[Segment, ...]) -> str:
    """A run's segments for the interval timer (compact keys: activity, seconds, part)."""
    return str(_by_segments(segments, "json"))


def part_seconds(segments: tuple[Segment, ...], part: str) -> int:
    """Seconds of one part of a run (``warm_up``, ``main``, ``cool_down``)."""
    return int(_by_segments(segments, part))


class Link(msgspec.Struct, frozen=True):
    href: str
    label: str


def week_file(number: int) -> str:
    return f"week-{number:02d}.html"


def exercise_file(ex_id: str) -> str:
    return f"exercise-{ex_id}.html"


KIND_LABELS = {
    "strength": N_("Strength"),
    "readiness": N_("Readiness check"),
    "run_walk": N_("Run/walk"),
    "rest": N_("Rest or cross-train"),
}
KIND_ICONS = {"strength": "S", "readiness": "✓", "run_walk": "R", "rest": "·"}
DECISION_LABELS = {
    "first": N_("First run"),
    "progress": N_("Step up"),
    "repeat": N_("Repeat"),
    "held": N_("On hold"),
    "step_back": N_("Step back"),
}
LEVEL_LABELS = {"beginner": N_("Beginner"), "intermediate": N_("Intermediate")}
"""Message ids (English); :class:`Local` holds them in her language."""


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


class KeyDate(msgspec.Struct, frozen=True):
    label: str
    date: date
    href: str


class CalendarCell(msgspec.Struct):
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


class Month(msgspec.Struct, frozen=True):
    title: str
    id: str
    rows: tuple[tuple[CalendarCell, ...], ...]


class SymptomGroup(msgspec.Struct, frozen=True):
    """The protocol's hold or stop symptoms: each kind has its own advice after a run."""

    kind: str
    """``hold`` (repeat the stage, tell the coach) or ``stop`` (stop running, see a clinician)."""
    symptoms: tuple[Symptom, ...]


def symptom_groups(protocol: Protocol) -> tuple[SymptomGroup, ...]:
    groups = (("hold", protocol.hold_symptoms), ("stop", protocol.stop_symptoms))
    return tuple(SymptomGroup(kind, found) for kind, found in groups if found)


class CoachLinks(msgspec.Struct, frozen=True):
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


class Local:
    """The view pieces written in one language (dates, labels, key dates, month grids): one
    per language and build, each date and label made once (these are written on every day of
    every page)."""

    def __init__(self, words: Words) -> None:
        self.words = words
        _ = words.gettext
        self.kind_labels = {kind: _(label) for kind, label in KIND_LABELS.items()}
        self.decision_labels = {key: _(label) for key, label in DECISION_LABELS.items()}
        self.level_labels = {key: _(label) for key, label in LEVEL_LABELS.items()}
        self.weekdays = tuple(zip(words.weekdays("abbreviated"), words.weekdays(), strict=True))
        """(Mon, Monday) … (Sun, Sunday): the month grids' column heads."""
        # The pieces written on every day of every page: each made once, and looked up by
        # C-level caches (a filter call that hits costs no Python frame).
        self.short_day = lru_cache(maxsize=None)(self._short_day)
        self.long_date = lru_cache(maxsize=None)(self._long_date)
        self.short_date = lru_cache(maxsize=None)(self._short_date)
        self.month_title = lru_cache(maxsize=None)(self._month_title)
        self.time_tag = lru_cache(maxsize=None)(self._time_tag)
        self.kind_label = lru_cache(maxsize=None)(self._kind_label)
        self.kind_icons = {
            **KIND_ICONS,
            # The letters are messages too (German writes K for Kraft).
            "strength": words.pgettext("session mark", "S"),
            "run_walk": words.pgettext("session mark", "R"),
        }
        self.mark = lru_cache(maxsize=None)(self._mark)
        self.duration = lru_cache(maxsize=None)(words.duration)
        self.dose_text = lru_cache(maxsize=None)(words.dose)
        self._cell_times: dict[date, Markup] = {}
        self._cell_kinds: dict[tuple[str, ...], tuple[str, Markup]] = {}

    def _short_day(self, value: date) -> str:
        return self.words.date(value, "day")

    def _long_date(self, value: date) -> str:
        return self.words.date(value, "long")

    def _short_date(self, value: date) -> str:
        return self.words.date(value, "short")

    def _month_title(self, value: date) -> str:
        return self.words.date(value, "month")

    def _time_tag(self, value: date, style: str = "day") -> Markup:
        """``<time datetime="2026-11-24">Tue 24 Nov</time>``: dates are on every page."""
        text = escape(self.words.date(value, style))
        return Markup(f'<time datetime="{value.isoformat()}">{text}</time>')

    def _mark(self, kind: str) -> Markup:
        """The letter/icon of a session kind: decoration beside its written label."""
        return Markup(
            f'<span class="mark mark-{kind}" aria-hidden="true">{self.kind_icons[kind]}</span>'
        )

    def _kind_label(self, kind: str) -> Markup:
        return self.mark(kind) + Markup(
            f' <span class="kind-name">{escape(self.kind_labels[kind])}</span>'
        )

    def level_label(self, level: str) -> str:
        return self.level_labels.get(level, level)

    def key_dates(self, plan: Plan, final_label: str) -> list[KeyDate]:
        _ = self.words.gettext

        def week_of(day: date) -> str:
            for week in plan.weeks:
                if week.days and week.days[0].date <= day <= week.days[-1].date:
                    return week_file(week.number)
            return "calendar.html"

        result = [
            KeyDate(_("Plan starts"), plan.start, week_of(plan.start)),
            KeyDate(_("Earliest day to run"), plan.earliest_run_date,
                    week_of(plan.earliest_run_date)),
        ]
        if plan.readiness_date:
            result.append(
                KeyDate(_("Readiness check"), plan.readiness_date, week_of(plan.readiness_date))
            )
        if plan.first_run_date:
            result.append(
                KeyDate(_("First run/walk"), plan.first_run_date, week_of(plan.first_run_date))
            )
        if plan.final_stage_date:
            result.append(
                KeyDate(final_label, plan.final_stage_date, week_of(plan.final_stage_date))
            )
        goal = plan.profile.goal
        if goal and goal.date:
            result.append(
                KeyDate(_("Goal: %(goal)s", goal=goal.label), goal.date, week_of(goal.date))
            )
        return sorted(result, key=lambda k: k.date)

    def _cell_time(self, value: date) -> Markup:
        found = self._cell_times.get(value)
        if found is None:
            found = self._cell_times[value] = Markup(
                f'<time class="cal-num" datetime="{value.isoformat()}"><span '
                f'class="visually-hidden">{escape(self.short_day(value))}</span><span '
                f'aria-hidden="true">{value.day}</span></time>'
            )
        return found

    def _kinds(self, kinds: tuple[str, ...]) -> tuple[str, Markup]:
        found = self._cell_kinds.get(kinds)
        if found is None:
            classes = "".join(f" has-{k}" for k in kinds)
            marks = []
            for kind in kinds:
                label = Markup('<span class="visually-hidden">: %s</span>') % (
                    self.kind_labels[kind]
                )
                marks.append(label if kind == "rest" else Markup('<span class="cal-mark">')
                             + self.mark(kind) + label + Markup("</span>"))
            found = self._cell_kinds[kinds] = (classes, Markup("\n            ").join(marks))
        return found

    def calendar_cell(self, day: date, sessions: tuple[Session, ...], href: str) -> CalendarCell:
        classes, marks = self._kinds(tuple(s.kind for s in sessions))
        return CalendarCell(
            day, sessions, href, day.isoformat(), self._cell_time(day), classes, marks
        )

    def months(self, plan: Plan, hrefs: dict[date, str] | None = None) -> Iterator[Month]:
        """Her months as grids of cells; ``hrefs`` links each of her days to its week page
        (the pages' shared ``day_hrefs``, made here when not given)."""
        by_day = {day.date: day.sessions for week in plan.weeks for day in week.days}
        href = hrefs if hrefs is not None else day_hrefs(plan)
        cell = self.calendar_cell
        year, month = plan.start.year, plan.start.month
        while (year, month) <= (plan.end.year, plan.end.month):
            rows = [
                tuple(
                    cell(d, by_day.get(d, ()), href.get(d, "")) if d is not None else EMPTY_CELL
                    for d in dates
                )
                for dates in _month_dates(year, month)
            ]
            first = date(year, month, 1)
            yield Month(self.month_title(first), f"m{first:%Y-%m}", tuple(rows))
            month += 1
            if month > 12:
                year, month = year + 1, 1


def day_hrefs(plan: Plan) -> dict[date, str]:
    """Each of her days, linked to its place on its week page."""
    return {
        d.date: f"{week_file(w.number)}#d{d.date.isoformat()}" for w in plan.weeks for d in w.days
    }


@lru_cache(maxsize=128)
def _month_dates(year: int, month: int) -> tuple[tuple[date | None, ...], ...]:
    """The weeks (Monday first) of a month's grid; None for the days of other months."""
    first = date(year, month, 1)
    day = first - timedelta(days=first.weekday())  # the Monday of its first row
    weeks: list[tuple[date | None, ...]] = []
    while day.month == month or day < first:
        row = (day + timedelta(days=i) for i in range(7))
        weeks.append(tuple(d if d.month == month else None for d in row))
        day += timedelta(days=7)
    return tuple(weeks)


@lru_cache(maxsize=16)
def local(tag: str) -> Local:
    """The :class:`Local` of a language tag, made once per process."""
    return Local(words(tag))
