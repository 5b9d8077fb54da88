"""Render stage: a Plan (and the shared content) -> {relative path: bytes}.

Templates are compiled once and static assets read once per :class:`Renderer`; per client only
her pages are rendered. Templates only show what the plan computed: anything a template needs
beyond plain fields is prepared here as view data (grids, labels, links), never rules.
"""

from __future__ import annotations

import hashlib
import json
from calendar import Calendar
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup, escape

from . import __version__
from .ical import calendar_ics
from .models import Content, Exercise, Plan, Segment, Session, Workspace
from .plan import duration

ASSETS = ("assets/style.css", "assets/app.js", "assets/icon.svg")
RESERVED_PAGE_IDS = frozenset({"index", "readiness", "calendar", "plan", "404"})

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; base-uri 'none'; "
    "form-action 'none'"
)


def _bytecode_cache(folder: Path | None) -> BytecodeCache | None:
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # no cache is slower, never wrong
    return FileSystemBytecodeCache(str(folder))


def default_templates() -> Path:
    """The templates shipped with postrun (inside the wheel, or the repository's own)."""
    here = Path(__file__).resolve().parent
    packaged = here / "defaults" / "templates"
    return packaged if packaged.is_dir() else here.parent / "templates"


@lru_cache(maxsize=8192)
def _day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b}"


@lru_cache(maxsize=8192)
def _long_date(value: date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


@lru_cache(maxsize=8192)
def _short_date(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


_TIME_FORMATS: dict[str, Callable[[date], str]] = {
    "day": _day,
    "long": _long_date,
    "short": _short_date,
    "dayyear": lambda d: f"{_day(d)} {d.year}",
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
}


class Renderer:
    """Everything shared by all clients of one build: templates, assets, content pages."""

    def __init__(
        self,
        workspace: Workspace,
        stamp: datetime | None = None,
        bytecode_dir: Path | None = None,
    ) -> None:
        """``stamp`` is the build's timestamp for calendar DTSTAMPs (from SOURCE_DATE_EPOCH);
        ``bytecode_dir`` keeps compiled templates between builds (a one-client rebuild would
        otherwise spend half its time compiling them)."""
        self.workspace = workspace
        self.stamp = stamp
        self.content: Content = workspace.content
        loaders = []
        own = workspace.root / "templates"
        if own.is_dir():
            loaders.append(FileSystemLoader(str(own)))
        loaders.append(FileSystemLoader(str(default_templates())))
        self.loader = ChoiceLoader(loaders)
        env = Environment(
            loader=self.loader,
            autoescape=select_autoescape(
                enabled_extensions=("html",), default_for_string=False, default=False
            ),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=_bytecode_cache(bytecode_dir),
        )
        env.filters.update(
            day=_day, long_date=_long_date, short_date=_short_date, duration=duration
        )
        env.globals.update(
            site=self.content.site,
            kind_labels=KIND_LABELS,
            kind_icons=KIND_ICONS,
            decision_labels=DECISION_LABELS,
            csp=CSP,
            version=__version__,
            week_file=week_file,
            exercise_file=exercise_file,
            shared_card=self._shared_card,
            time_tag=time_tag,
            mark=mark,
            kind_label=kind_label,
            segments_json=segments_json,
            part_seconds=part_seconds,
        )
        self._cards: dict[tuple[Any, ...], Any] = {}
        self._shared_pages: dict[tuple[str, ...], bytes] = {}
        self._shared_ids: dict[int, bytes] = {}
        self.env = env
        self.templates = {
            name: env.get_template(f"{name}.html")
            for name in (
                "overview",
                "week",
                "exercise",
                "readiness",
                "calendar",
                "page",
                "root",
                "404",
            )
        }
        self.manifest_template = env.get_template("manifest.webmanifest")
        self.sw_template = env.get_template("sw.js")
        self.assets = {path: self._share(self._asset(path)) for path in ASSETS}
        self.media = {
            rel: self._share((workspace.root / "content" / rel).read_bytes())
            for rel in self.content.media
        }
        self.pages = [p for p in self.content.pages if p.id not in RESERVED_PAGE_IDS]

    def _shared_card(self, session: Session, card: Any, level: int = 3) -> Any:
        """A session card that is the same for every client (strength, readiness, rest): made
        once per build and reused; run/walk cards carry her dates and log, so are made each
        time. ``card`` is the template's own macro, so overriding the template still works."""
        if session.kind == "run_walk":
            return card(session, level)
        key = (session.kind, session.exercises, session.summary, level)
        html = self._cards.get(key)
        if html is None:
            html = self._cards[key] = card(session, level)
        return html

    def _asset(self, rel: str) -> bytes:
        for search in self.loader.loaders:
            assert isinstance(search, FileSystemLoader)
            for folder in search.searchpath:
                path = Path(folder) / rel
                if path.is_file():
                    return path.read_bytes()
        raise FileNotFoundError(rel)

    # ------------------------------------------------------------------ the site root

    def root_files(self) -> dict[str, bytes]:
        ctx: dict[str, Any] = {
            "nav": [],
            "page_title": self.content.site.practice,
            "client": None,
            "current": "",
        }
        return {
            "index.html": self._html("root", ctx),
            "404.html": self._html("404", {**ctx, "page_title": "Page not found"}),
            "robots.txt": b"User-agent: *\nDisallow: /\n",
            ".nojekyll": b"",
        }

    # ------------------------------------------------------------------ one client

    def client_files(self, plan: Plan) -> dict[str, bytes]:
        """Every file of one client's folder, relative to ``site/<slug>/``."""
        exercises = self.content.exercises
        nav = [
            Link("index.html", "Overview"),
            Link("calendar.html", "Calendar"),
            Link("readiness.html", "Readiness"),
            *(Link(f"{p.id}.html", p.title) for p in self.pages),
        ]
        base: dict[str, Any] = {
            "plan": plan,
            "client": plan.profile,
            "nav": nav,
            "weeks": plan.weeks,
            "pages": self.pages,
            "exercises": exercises,
            "plan_id": plan_id(plan),
            "day_hrefs": {
                d.date: f"{week_file(w.number)}#d{d.date.isoformat()}"
                for w in plan.weeks
                for d in w.days
            },
            "symptom_labels": {s.id: s.label for s in self.content.protocol.hold_symptoms},
            "has_safety": any(p.id == "safety" for p in self.pages),
        }
        files: dict[str, bytes] = {}
        last = self.content.protocol.stages[-1]
        key_dates = _key_dates(plan, f"First {duration(last.main_seconds)} continuous jog")
        files["index.html"] = self._html(
            "overview",
            {
                **base,
                "page_title": "Overview",
                "current": "index.html",
                "key_dates": key_dates,
            },
        )
        for week in plan.weeks:
            files[week_file(week.number)] = self._html(
                "week",
                {
                    **base,
                    "page_title": f"Week {week.number}",
                    "current": "",
                    "week": week,
                    "prev_week": plan.weeks[week.number - 2] if week.number > 1 else None,
                    "next_week": plan.weeks[week.number] if week.number < len(plan.weeks) else None,
                },
            )
        other_level = "intermediate" if plan.profile.level == "beginner" else "beginner"
        level = plan.profile.level
        for ex_id in plan.exercise_ids:
            exercise = exercises[ex_id]
            files[exercise_file(ex_id)] = self._shared_html(
                ("exercise", ex_id, level),
                "exercise",
                {
                    **base,
                    "page_title": exercise.title,
                    "current": "",
                    "exercise": exercise,
                    "mine": exercise.variant(level),
                    "other": _other_variant(exercise, other_level),
                },
            )
        files["readiness.html"] = self._html(
            "readiness",
            {
                **base,
                "page_title": "Readiness checklist",
                "current": "readiness.html",
                "symptoms": self.content.protocol.hold_symptoms,
                "readiness_session": next(
                    (s for s in plan.sessions if s.kind == "readiness"), None
                ),
                "first_run": next((s for s in plan.sessions if s.kind == "run_walk"), None),
            },
        )
        files["calendar.html"] = self._html(
            "calendar",
            {
                **base,
                "page_title": "Calendar",
                "current": "calendar.html",
                "months": list(_months(plan)),
                "listed": [s for s in plan.sessions if s.kind != "rest"],
                # A protected calendar is downloaded after unlocking, never subscribed to.
                "webcal_url": None
                if plan.profile.passphrase_env
                else webcal_url(self.content.site.base_url, plan.profile.slug),
            },
        )
        for page in self.pages:
            files[f"{page.id}.html"] = self._shared_html(
                ("page", page.id, level),
                "page",
                {
                    **base,
                    "page_title": page.title,
                    "current": f"{page.id}.html",
                    "page": page,
                },
            )
        week_of = {d.date: week_file(w.number) for w in plan.weeks for d in w.days}
        files["calendar.ics"] = calendar_ics(plan, self.content.site, self.stamp, week_of)
        files["plan.json"] = plan_json_bytes(plan)
        files["manifest.webmanifest"] = self.manifest_template.render(base).encode("utf-8")
        files.update(self.assets)
        for ex_id in plan.exercise_ids:
            image = exercises[ex_id].image
            if image is not None:
                files[image] = self.media[image]
        precache = sorted(files)
        digest = hashlib.sha256()
        for name in precache:
            data = files[name]
            digest.update(b"%d:%s\0%d:" % (len(name), name.encode("utf-8"), len(data)) + data)
        files["sw.js"] = self.sw_template.render(
            {
                **base,
                "precache": precache,
                "cache_name": f"postrun-{plan.profile.slug}-{digest.hexdigest()[:16]}",
            }
        ).encode("utf-8")
        return files

    def is_shared(self, data: bytes) -> bool:
        """Whether these bytes are one of the build's shared files (the same object for every
        client: assets, media, exercise and guide pages), so a writer may link, not copy."""
        return self._shared_ids.get(id(data)) is data

    def _share(self, data: bytes) -> bytes:
        self._shared_ids[id(data)] = data
        return data

    def _shared_html(self, key: tuple[str, ...], name: str, context: dict[str, Any]) -> bytes:
        """A page that is the same for every client at her level (an exercise, a guide): made
        once per build. It must not show her name, so the layout says "Your plan" there."""
        page = self._shared_pages.get(key)
        if page is None:
            page = self._html(name, {**context, "shared": True})
            self._shared_pages[key] = self._share(page)
        return page

    def _html(self, name: str, context: dict[str, Any]) -> bytes:
        return self.templates[name].render(context).encode("utf-8")


def _other_variant(exercise: Exercise, level: str) -> Any:
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


def _key_dates(plan: Plan, final_label: str) -> list[KeyDate]:
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
    date: date | None
    sessions: tuple[Session, ...]
    href: str


@dataclass(frozen=True, slots=True)
class Month:
    title: str
    id: str
    rows: tuple[tuple[CalendarCell, ...], ...]


def _months(plan: Plan) -> Iterator[Month]:
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
                    CalendarCell(d, by_day.get(d, ()), href.get(d, ""))
                    if d.month == month
                    else CalendarCell(None, (), "")
                    for d in dates
                )
            )
        first = date(year, month, 1)
        yield Month(f"{first:%B %Y}", f"m{first:%Y-%m}", tuple(rows))
        month += 1
        if month > 12:
            year, month = year + 1, 1


def plan_json(plan: Plan) -> dict[str, Any]:
    """The plan in the documented, stable shape (schema 1; see README)."""
    sessions: list[dict[str, Any]] = []
    for s in plan.sessions:
        item: dict[str, Any] = {"date": s.date.isoformat(), "kind": s.kind, "phase": s.phase}
        if s.kind == "strength":
            item["exercises"] = [
                {
                    "id": d.id,
                    "sets": d.dosage.sets,
                    "reps": d.dosage.reps,
                    "seconds": d.dosage.seconds,
                    "each_side": d.dosage.each_side,
                }
                for d in s.exercises
            ]
        elif s.kind == "run_walk":
            item.update(
                {
                    "stage": s.stage,
                    "segments": [
                        {"activity": g.activity, "seconds": g.seconds, "part": g.part}
                        for g in s.segments
                    ],
                    "jog_seconds": s.jog_seconds,
                    "main_seconds": s.main_seconds,
                    "decision": s.decision,
                    "reason": s.reason,
                }
            )
        elif s.kind == "rest":
            item["suggestion"] = s.summary
        sessions.append(item)
    profile = plan.profile
    return {
        "schema": 1,
        "client": {"name": profile.name, "slug": profile.slug},
        "earliest_run_date": plan.earliest_run_date.isoformat(),
        "readiness_date": _iso(plan.readiness_date),
        "first_run_date": _iso(plan.first_run_date),
        "final_stage_date": _iso(plan.final_stage_date),
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "phases": [
            {"id": p.id, "title": p.title, "start": p.start.isoformat(), "end": p.end.isoformat()}
            for p in plan.phases
        ],
        "holds": [
            {"start": h.start.isoformat(), "end": _iso(h.end), "symptoms": list(h.symptoms)}
            for h in plan.holds
        ],
        "readiness": [{"id": t.id, "title": t.title, "target": t.target} for t in plan.readiness],
        "notes": list(plan.notes),
        "sessions": sessions,
    }


def plan_json_bytes(plan: Plan) -> bytes:
    # Compact: the C encoder is ten times faster than the indenting one.
    return (json.dumps(plan_json(plan), ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
