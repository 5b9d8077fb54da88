"""The progress chart on her overview: drawn at build time from the plan, nothing decided."""

from __future__ import annotations

from datetime import date

from msgspec.structs import replace

from generator.chart import progress_chart
from generator.load import load_workspace
from generator.models import Break, Hold, Plan
from generator.plan import plan

from .conftest import Workspace


def _sam(workspace: Workspace) -> Plan:
    ws, _ = load_workspace(workspace())
    sam = next(p for p in ws.profiles if p.name == "Sam Rivera")
    return plan(sam, ws.content.protocol, ws.content)


def test_one_bar_per_run_shaded_holds_and_breaks_and_a_summary(workspace: Workspace) -> None:
    base = _sam(workspace)
    runs = [s for s in base.sessions if s.kind == "run_walk"]
    chart = progress_chart(base)
    assert chart is not None
    svg = str(chart.svg)
    assert svg.count('class="chart-bar') == len(runs)
    assert 'role="img"' in svg and 'aria-labelledby="chart-title"' in svg
    assert "chart-hold" not in svg and chart.kinds == ()
    assert chart.summary.startswith(f"{len(runs)} run/walks from Thu 26 Nov 2026")
    assert progress_chart(base) == chart, "the same plan gives the same chart"

    # A hold still open and a break, both clipped to the plan's own dates.
    profile = replace(base.profile, breaks=(Break(date(2026, 12, 20), date(2026, 12, 27)),))
    held = replace(
        base, profile=profile, holds=(Hold(date(2027, 1, 10), None, ("leakage",)),)
    )
    shaded = progress_chart(held)
    assert shaded is not None and shaded.kinds == ("hold", "break")
    text = str(shaded.svg)
    assert text.count("chart-band chart-hold") == 1 and text.count("chart-band chart-break") == 1
    assert "chart-bar chart-bar-held" in text
    assert "on hold Sun 10 Jan 2027 to Sun 7 Mar 2027" in shaded.summary
    assert "a break Sun 20 Dec 2026 to Sun 27 Dec 2026" in shaded.summary


def test_no_chart_without_a_run(workspace: Workspace) -> None:
    base = _sam(workspace)
    foundation = replace(base, sessions=tuple(s for s in base.sessions if s.kind != "run_walk"))
    assert progress_chart(foundation) is None
