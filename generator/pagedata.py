"""Per-client page data: the context each of her pages is rendered with.

Only view data is prepared here (links, labels, neighbours, the chart); every rule lives in the
plan. Each function returns the context of one page (or one per page of a kind), built on the
context all her pages share (:func:`base_context`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .chart import progress_chart
from .models import Content, Page, Plan, Site
from .views import (
    Link,
    Local,
    SymptomGroup,
    clock,
    day_hrefs,
    exercise_file,
    other_variant,
    plan_id,
    webcal_url,
    week_file,
)

__all__ = [
    "base_context",
    "calendar_context",
    "exercise_contexts",
    "guide_contexts",
    "overview_context",
    "readiness_context",
    "week_contexts",
]


def base_context(
    plan: Plan,
    content: Content,
    pages: Sequence[Page],
    groups: Sequence[SymptomGroup],
    view: Local,
) -> dict[str, Any]:
    """The context every page of hers shares, in her language (``view``)."""
    _ = view.words.gettext
    return {
        "plan": plan,
        "client": plan.profile,
        "view": view,
        "nav": [
            Link("index.html", _("Overview")),
            Link("calendar.html", _("Calendar")),
            Link("readiness.html", _("Readiness")),
            *(Link(f"{p.id}.html", p.title) for p in pages),
        ],
        "weeks": plan.weeks,
        "pages": pages,
        "exercises": content.exercises,
        "plan_id": plan_id(plan),
        "day_hrefs": day_hrefs(plan),
        "symptom_groups": groups,
        "symptom_labels": {s.id: s.label for g in groups for s in g.symptoms},
        "symptom_kinds": {s.id: g.kind for g in groups for s in g.symptoms},
        "session_time": clock(plan.profile.session_time),
        "stop_labels": {s.id: s.label for s in content.protocol.stop_symptoms},
        "has_safety": any(p.id == "safety" for p in pages),
    }


def overview_context(plan: Plan, base: dict[str, Any], content: Content) -> dict[str, Any]:
    last = content.protocol.stages[-1]
    view: Local = base["view"]
    words = view.words
    final = words.gettext(
        "First %(duration)s continuous jog", duration=words.duration(last.main_seconds)
    )
    return {
        **base,
        "page_title": words.gettext("Overview"),
        "current": "index.html",
        "key_dates": view.key_dates(plan, final),
        "chart": progress_chart(plan, words),
    }


def week_contexts(plan: Plan, base: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(file name, context) of each of her week pages."""
    weeks = plan.weeks
    _ = base["view"].words.gettext
    for week in weeks:
        yield week_file(week.number), {
            **base,
            "page_title": _("Week %(number)s", number=week.number),
            "current": "",
            "week": week,
            "has_run": any(s.kind == "run_walk" for day in week.days for s in day.sessions),
            "prev_week": weeks[week.number - 2] if week.number > 1 else None,
            "next_week": weeks[week.number] if week.number < len(weeks) else None,
        }


def exercise_contexts(
    plan: Plan, base: dict[str, Any], content: Content
) -> Iterator[tuple[str, tuple[str, ...], dict[str, Any]]]:
    """(file name, shared-page key, context) of each exercise page of her plan: the same for
    every client at her level and in her language."""
    tag = base["view"].words.tag
    done = _levels_done(plan)
    for ex_id in plan.exercise_ids:
        exercise = content.exercises[ex_id]
        # The versions her plan has her do, in the order it reaches them (a beginner moving
        # up, or anyone before her healed date, does two); the other one, if she never does it.
        levels = done.get(ex_id, (plan.profile.level,))
        never = [v for v in exercise.variants if v.level not in levels]
        yield exercise_file(ex_id), ("exercise", ex_id, *levels, tag), {
            **base,
            "page_title": exercise.title,
            "current": "",
            "exercise": exercise,
            "mine": exercise.variant(levels[0]),
            "later": other_variant(exercise, levels[1]) if len(levels) > 1 else None,
            "other": never[0] if never else None,
        }


def _levels_done(plan: Plan) -> dict[str, tuple[str, ...]]:
    """Each exercise of her strength days: the levels she does it at, first one first."""
    seen: dict[str, list[str]] = {}
    for session in plan.sessions:
        for dose in session.exercises:
            levels = seen.setdefault(dose.id, [])
            if dose.level not in levels:
                levels.append(dose.level)
    return {ex_id: tuple(levels) for ex_id, levels in seen.items()}


def guide_contexts(
    plan: Plan, base: dict[str, Any], pages: Sequence[Page]
) -> Iterator[tuple[str, tuple[str, ...], dict[str, Any]]]:
    """(file name, shared-page key, context) of each guide page (content/pages)."""
    tag = base["view"].words.tag
    for page in pages:
        yield f"{page.id}.html", ("page", page.id, plan.profile.level, tag), {
            **base,
            "page_title": page.title,
            "current": f"{page.id}.html",
            "page": page,
        }


def readiness_context(plan: Plan, base: dict[str, Any]) -> dict[str, Any]:
    return {
        **base,
        "page_title": base["view"].words.gettext("Readiness checklist"),
        "current": "readiness.html",
        "readiness_session": next((s for s in plan.sessions if s.kind == "readiness"), None),
        "first_run": next((s for s in plan.sessions if s.kind == "run_walk"), None),
    }


def calendar_context(plan: Plan, base: dict[str, Any], site: Site) -> dict[str, Any]:
    return {
        **base,
        "page_title": base["view"].words.gettext("Calendar"),
        "current": "calendar.html",
        "months": list(base["view"].months(plan, base["day_hrefs"])),
        "listed": [s for s in plan.sessions if s.kind != "rest"],
        # A protected calendar is downloaded after unlocking, never subscribed to.
        "webcal_url": None
        if plan.profile.passphrase_env
        else webcal_url(site.base_url, plan.profile.slug),
    }
