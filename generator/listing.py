"""The list verb: where each client is today, one row per client."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import msgspec

from .errors import Problem, Problems
from .load import MarkdownRenderer, load_profile, load_workspace, profile_paths, read_mapping
from .models import Hold, Plan, Stop, Workspace
from .plan import plan as make_plan


class Row(msgspec.Struct, frozen=True):
    slug: str
    phase: str
    next_label: str
    next_date: date | None
    last_check_in: str
    held: bool
    problem: str = ""
    """Why this client's profile cannot be read (a broken row), else empty."""
    stopped: bool = False
    """Held by a stop symptom (running stops until a symptom-free check-in)."""
    name: str = ""


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
    def open_on(span: Hold | Stop) -> bool:
        return span.start <= today and (span.end is None or today < span.end)

    stopped = any(open_on(s) for s in plan.stops)
    held = stopped or any(open_on(h) for h in plan.holds)
    return Row(
        plan.profile.slug, phase, label, when, last, held, stopped=stopped,
        name=plan.profile.name,
    )


class Listing(msgspec.Struct, frozen=True):
    workspace: Workspace
    rows: tuple[Row, ...]
    plans: dict[str, Plan]
    """Slug → plan, for the rows that are not broken."""
    problems: tuple[Problem, ...]
    """Warnings, and the errors of the broken profiles."""


def clients(root: Path, today: date) -> Listing:
    """Every client that can be read, and a broken row for each profile that cannot: one bad
    file does not hide the others (content and protocol must be sound, or nobody has a plan)."""
    workspace, loaded = load_workspace(root, frozenset())
    problems = Problems()
    problems.extend(loaded)
    content = workspace.content
    render = MarkdownRenderer()
    rows: list[Row] = []
    plans: dict[str, Plan] = {}
    for path in profile_paths(root):
        rel = f"profiles/{path.name}"
        own = Problems()
        data = read_mapping(path, rel, own)
        profile = None
        if data is not None:
            profile = load_profile(
                data, path.stem, rel, own, content.protocol, render, workspace.secret
            )
        problems.extend(own)
        if profile is None or own.errors:
            first = own.errors[0] if own.errors else Problem(rel, None, None, "cannot be read")
            rows.append(Row(rel, "", "", None, "", False, first.format()))
            continue
        client_plan = make_plan(profile, content.protocol, content)
        plans[profile.slug] = client_plan
        rows.append(status(client_plan, today))
    return Listing(workspace, tuple(rows), plans, tuple(problems))


def table(rows: list[Row]) -> str:
    """A plain-text table that lines up in any terminal."""
    head = ("CLIENT", "PHASE TODAY", "NEXT", "LAST CHECK-IN", "HELD")
    body = [
        (r.slug, "BROKEN: see `postrun check`", "—", "—", "—")
        if r.problem
        else (
            r.slug,
            r.phase,
            f"{r.next_label} {r.next_date.isoformat()}" if r.next_date else "—",
            r.last_check_in or "—",
            "STOP" if r.stopped else "HELD" if r.held else "no",
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(len(head))]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip()
        for line in (head, *body)
    )
