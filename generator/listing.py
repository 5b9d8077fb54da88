"""The list verb: where each client is today, one row per client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .models import Hold, Plan, Stop


@dataclass(frozen=True, slots=True)
class Row:
    slug: str
    phase: str
    next_label: str
    next_date: date | None
    last_check_in: str
    held: bool


def status(plan: Plan, today: date) -> Row:
    """One client's row, as of ``today`` (the clock enters here, never in the plan)."""
    if today < plan.start:
        phase = f"starts {plan.start.isoformat()}"
    elif today > plan.end:
        phase = f"ended {plan.end.isoformat()}"
    else:
        phase = next((p.title for p in plan.phases if p.start <= today <= p.end), "")
    upcoming: list[tuple[date, str]] = []
    if plan.readiness_date and plan.readiness_date >= today:
        upcoming.append((plan.readiness_date, "readiness check"))
    if plan.first_run_date and plan.first_run_date >= today:
        upcoming.append((plan.first_run_date, "first run"))
    next_run = next(
        (s.date for s in plan.sessions if s.kind == "run_walk" and s.date >= today), None
    )
    if next_run is not None and next_run != plan.first_run_date:
        upcoming.append((next_run, "next run"))
    when, label = min(upcoming) if upcoming else (None, "")
    past = [c for c in plan.profile.check_ins if c.date <= today]
    last = ""
    if past:
        c = past[-1]
        last = f"{c.date.isoformat()} " + (", ".join(c.symptoms) if c.symptoms else "no symptoms")
    spans: list[Hold | Stop] = [*plan.holds, *plan.stops]
    held = any(h.start <= today and (h.end is None or today < h.end) for h in spans)
    return Row(plan.profile.slug, phase, label, when, last, held)


def table(rows: list[Row]) -> str:
    """A plain-text table that lines up in any terminal."""
    head = ("CLIENT", "PHASE TODAY", "NEXT", "LAST CHECK-IN", "HELD")
    body = [
        (
            r.slug,
            r.phase,
            f"{r.next_label} {r.next_date.isoformat()}" if r.next_date else "—",
            r.last_check_in or "—",
            "HELD" if r.held else "no",
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(len(head))]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip()
        for line in (head, *body)
    )
