"""plan.json: one client's plan in the documented, stable shape (schema 1; see README).

Part of the render stage; a script or another tool reads this instead of the HTML pages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from .models import Plan


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
                    "level": d.level,
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
        elif s.kind == "readiness" and s.reason:
            item["result"] = s.reason
        if s.notice:
            item["notice"] = s.notice
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
        "notes": [n.client for n in plan.notes if n.client],
        "sessions": sessions,
        "stops": [
            {"start": h.start.isoformat(), "end": _iso(h.end), "symptoms": list(h.symptoms)}
            for h in plan.stops
        ],
        "breaks": [
            {"start": b.start.isoformat(), "end": b.end.isoformat(), "reason": b.reason}
            for b in plan.breaks
        ],
        "goal": {"label": plan.goal.label, "date": _iso(plan.goal.date)} if plan.goal else None,
    }


def plan_json_bytes(plan: Plan) -> bytes:
    """plan.json's bytes: compact UTF-8 JSON, exactly what ``json.dumps(...,
    ensure_ascii=False, separators=(",", ":"))`` writes, made by msgspec's C encoder (several
    times faster)."""
    return msgspec.json.encode(plan_json(plan)) + b"\n"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
