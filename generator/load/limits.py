"""Bounds on what one workspace may ask for, checked before anything is planned or written.

Every input file is bounded on its own (:mod:`.read`, :mod:`..yamltree`, :mod:`.markup`);
this module bounds what they make together: the size of one client's plan, estimated from the
protocol alone so that ``check`` refuses a protocol that would make an absurd site.
"""

from __future__ import annotations

import math

from ..errors import Problem
from ..models import Protocol

MAX_PLAN_STEPS = 100_000
"""Most interval steps (jog, walk, warm-up, cool-down) in one client's whole plan."""
MAX_PLAN_EXERCISES = 20_000
"""Most exercise entries in one client's strength sessions over her whole plan."""


def plan_size_problem(protocol: Protocol, file: str = "content/protocol.yaml") -> Problem | None:
    """A problem when the protocol could make a plan too large to publish (None when fine).

    The estimate is an upper bound: the longest plan (``max_plan_weeks``), as many runs a
    week as ``hours_between_runs`` allows, each at the stage with the most intervals, and
    the most strength sessions a week at the phase with the most exercises.
    """
    weeks = protocol.max_plan_weeks
    runs_per_week = min(7, math.ceil(7 * 24 / protocol.hours_between_runs))
    steps_per_run = max(
        (2 * math.ceil(s.main_seconds / max(1, s.jog + s.walk)) + 2 for s in protocol.stages),
        default=0,
    )
    steps = weeks * runs_per_week * steps_per_run
    if steps > MAX_PLAN_STEPS:
        return Problem(
            file,
            None,
            "stages",
            f"this protocol could make plans of some {steps:,} run/walk steps for one client "
            f"(the limit is {MAX_PLAN_STEPS:,}), far too large a site to publish",
            "use fewer, longer intervals in the stages (a larger `jog` + `walk`), "
            "or a smaller `max_plan_weeks`",
        )
    per_session = max(
        (len(ids) for phase in protocol.phases for _, ids in phase.exercises), default=0
    )
    entries = weeks * protocol.strength_per_week[1] * per_session
    if entries > MAX_PLAN_EXERCISES:
        return Problem(
            file,
            None,
            "phases",
            f"this protocol could make plans of some {entries:,} exercise entries for one "
            f"client (the limit is {MAX_PLAN_EXERCISES:,}), far too large a site to publish",
            "list fewer exercises per strength session, or a smaller `max_plan_weeks`",
        )
    return None
