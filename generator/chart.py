"""Part of the render stage: her progress at a glance, as an inline SVG drawn at build time.

Jogging minutes of each run/walk across her plan (one bar per run), with the times her plan
holds or stops her progress and her breaks shaded, and her goal marked. No script draws it and
no library is needed; the browser only places the "Today" marker (the build never knows
today), from the numbers on the figure. Colours come from the stylesheet (classes only), so
the chart follows light, dark and print like the rest of the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import msgspec
from markupsafe import Markup, escape

from .i18n import DEFAULT_LANGUAGE, Words, words
from .models import Plan, Session

WIDTH = 640
HEIGHT = 260
LEFT = 70
RIGHT = 14
TOP = 34
BOTTOM = 34
PLOT_W = WIDTH - LEFT - RIGHT
PLOT_H = HEIGHT - TOP - BOTTOM


class Band(msgspec.Struct, frozen=True):
    kind: str
    """``hold``, ``stop`` or ``break``."""
    start: date
    end: date
    """Inclusive."""


class Chart(msgspec.Struct, frozen=True):
    svg: Markup
    label: str
    """The chart's accessible name."""
    summary: str
    """One line saying what the chart shows."""
    start: date
    days: int
    left: int
    """Where the plot starts and how wide it is, in the SVG's own units (for app.js)."""
    width: int
    kinds: tuple[str, ...]
    """The kinds of shaded bands it shows, for the legend."""


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _minutes(seconds: int, w: Words) -> str:
    minutes = round(seconds / 60)
    return w.ngettext("%(num)s minute", "%(num)s minutes", minutes)


def bands(plan: Plan) -> tuple[Band, ...]:
    """Holds, stops and breaks of her plan, clipped to the plan's dates."""
    found: list[Band] = []
    for kind, spans in (
        ("hold", plan.holds),
        ("stop", getattr(plan, "stops", ())),
        ("break", plan.profile.breaks),
    ):
        for span in spans:
            start = max(span.start, plan.start)
            end = min(span.end or plan.end, plan.end)
            if start <= end:
                found.append(Band(kind, start, end))
    return tuple(found)


class _Scale(msgspec.Struct, frozen=True):
    """Days and jogging seconds to the SVG's own units."""

    start: date
    per_day: float
    top_minutes: int

    def x(self, day: date) -> float:
        return LEFT + (day - self.start).days * self.per_day

    def y(self, seconds: float) -> float:
        return TOP + PLOT_H - seconds / 60 / self.top_minutes * PLOT_H


def progress_chart(plan: Plan, w: Words | None = None) -> Chart | None:
    """The chart of her plan, or None when it has no run/walk; its words in ``w``'s language
    (default: postrun's own English)."""
    w = w or words(DEFAULT_LANGUAGE)
    runs = [s for s in plan.sessions if s.kind == "run_walk"]
    if not runs:
        return None
    start, end = plan.start, plan.end
    days = (end - start).days + 1
    top_minutes = max(10, -(-max(s.jog_seconds for s in runs) // 600) * 10)
    scale = _Scale(start, PLOT_W / days, top_minutes)
    shaded = bands(plan)
    label = w.gettext("Chart: minutes of jogging in each run/walk of your plan")
    today_word = escape(w.gettext("Today"))
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title" focusable="false">',
        f'<title id="chart-title">{escape(label)}</title>',
        *_band_parts(scale, shaded),
        *_grid_parts(scale, w),
        *_month_parts(scale, end, w),
        *_bar_parts(scale, runs, shaded),
        *_goal_parts(scale, plan, w),
        f'<line class="chart-axis-line" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + PLOT_H}" '
        f'y2="{TOP + PLOT_H}"/>',
        # Placed by app.js at today's date; hidden until then (and without scripts).
        f'<g class="chart-today" id="chart-today" visibility="hidden">'
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP - 4}" y2="{TOP + PLOT_H}"/>'
        f'<text class="chart-label" x="{LEFT}" y="{TOP - 10}">{today_word}</text></g>',
        "</svg>",
    ]
    return Chart(
        svg=Markup("".join(parts)),
        label=label,
        summary=_summary(plan, runs, shaded, w),
        start=start,
        days=days,
        left=LEFT,
        width=PLOT_W,
        kinds=tuple(dict.fromkeys(b.kind for b in shaded)),
    )


def _band_parts(scale: _Scale, shaded: tuple[Band, ...]) -> Iterator[str]:
    """The shaded holds, stops and breaks."""
    for band in shaded:
        x0, x1 = scale.x(band.start), scale.x(band.end + timedelta(days=1))
        yield (
            f'<rect class="chart-band chart-{band.kind}" x="{_fmt(x0)}" y="{TOP}" '
            f'width="{_fmt(max(x1 - x0, 2))}" height="{PLOT_H}"/>'
        )


def _grid_parts(scale: _Scale, w: Words) -> Iterator[str]:
    """A grid line and label every 10 minutes of jogging."""
    for minutes in range(0, scale.top_minutes + 1, 10):
        gy = _fmt(scale.y(minutes * 60))
        yield f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{gy}" y2="{gy}"/>'
        yield (
            f'<text class="chart-axis" x="{LEFT - 8}" y="{gy}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(w.minutes(minutes))}</text>'
        )


def _month_parts(scale: _Scale, end: date, w: Words) -> Iterator[str]:
    """A tick and the month's name at the first of each month of the plan."""
    start = scale.start
    month = date(start.year, start.month, 1)
    while month <= end:
        if month >= start:
            mx = _fmt(scale.x(month))
            yield (
                f'<line class="chart-tick" x1="{mx}" x2="{mx}" y1="{TOP + PLOT_H}" '
                f'y2="{TOP + PLOT_H + 5}"/>'
            )
            name = escape(w.date(month, "month_abbr"))
            yield f'<text class="chart-axis" x="{mx}" y="{HEIGHT - 6}">{name}</text>'
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _bar_parts(scale: _Scale, runs: list[Session], shaded: tuple[Band, ...]) -> Iterator[str]:
    """One bar per run/walk, as high as its jogging time (marked while held or stopped)."""
    per_day = scale.per_day
    bar = max(2.5, min(per_day * 1.4, 8.0))
    for run in runs:
        cx = scale.x(run.date) + per_day / 2
        top = scale.y(run.jog_seconds)
        held = any(b.start <= run.date <= b.end for b in shaded if b.kind != "break")
        yield (
            f'<rect class="chart-bar{" chart-bar-held" if held else ""}" '
            f'x="{_fmt(cx - bar / 2)}" y="{_fmt(top)}" width="{_fmt(bar)}" '
            f'height="{_fmt(TOP + PLOT_H - top)}"/>'
        )


def _goal_parts(scale: _Scale, plan: Plan, w: Words) -> Iterator[str]:
    """Her goal's day, when it falls inside the plan."""
    goal = plan.profile.goal
    if goal and goal.date and plan.start <= goal.date <= plan.end:
        gx = _fmt(scale.x(goal.date) + scale.per_day / 2)
        word = escape(w.gettext("Goal"))
        yield f'<line class="chart-goal" x1="{gx}" x2="{gx}" y1="{TOP - 4}" y2="{TOP + PLOT_H}"/>'
        yield (
            f'<text class="chart-label chart-goal-label" x="{gx}" y="{TOP - 10}" '
            f'text-anchor="end">{word}</text>'
        )


def _summary(plan: Plan, runs: list[Session], shaded: tuple[Band, ...], w: Words) -> str:
    first, last = runs[0], runs[-1]
    most = max(runs, key=lambda s: s.jog_seconds)

    def day(value: date) -> str:
        return w.date(value, "dayyear")

    said = [
        w.ngettext(
            "%(num)s run/walk from %(first)s to %(last)s: jogging grows from %(least)s to "
            "%(most)s",
            "%(num)s run/walks from %(first)s to %(last)s: jogging grows from %(least)s to "
            "%(most)s",
            len(runs),
            first=day(first.date),
            last=day(last.date),
            least=_minutes(first.jog_seconds, w),
            most=_minutes(most.jog_seconds, w),
        )
    ]
    names = {
        "hold": w.gettext("on hold %(start)s to %(end)s"),
        "stop": w.gettext("stopped %(start)s to %(end)s"),
        "break": w.gettext("a break %(start)s to %(end)s"),
    }
    for band in shaded:
        said.append(names[band.kind] % {"start": day(band.start), "end": day(band.end)})
    goal = plan.profile.goal
    if goal and goal.date:
        said.append(w.gettext("goal: %(goal)s on %(date)s", goal=goal.label, date=day(goal.date)))
    return "; ".join(said) + "."
