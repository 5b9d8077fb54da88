"""``content/protocol.yaml``: the rules, phases, readiness tests and run/walk stages."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import cast

from ..errors import Problems, did_you_mean
from ..models import (
    LEVELS,
    Exercise,
    PhaseKind,
    PhaseSpec,
    Protocol,
    ReadinessTest,
    Stage,
    Symptom,
)
from .fields import ID_RE, Fields, _fresh
from .read import read_mapping


def load_protocol(
    root: Path,
    problems: Problems,
    exercises: dict[str, Exercise],
    broken: frozenset[str] = frozenset(),
) -> Protocol | None:
    """``broken``: exercise files that exist but failed to load (already reported)."""
    rel = "content/protocol.yaml"
    data = read_mapping(root / rel, rel, problems)
    if data is None:
        return None
    start = len(problems.errors)
    f = Fields(data, rel, problems)
    earliest = f.integer("earliest_run_weeks", 0, 104)
    hours = f.integer("hours_between_runs", 24, 168)
    increases = f.integer("max_jog_increases_per_week", 1, 7)
    spw = f.mapping("strength_per_week", required=True)
    spw_min = spw.integer("min", 1, 7) if spw else None
    spw_max = spw.integer("max", 1, 7) if spw else None
    if spw is not None:
        spw.finish()
        if spw_min is not None and spw_max is not None and spw_min > spw_max:
            spw.error("min", f"`strength_per_week.min` ({spw_min}) is above `max` ({spw_max})")
    foundation_min = f.integer("foundation_min_weeks", 0, 52)
    per_stage = f.integer("sessions_per_stage", 1, 20)
    warm = f.integer("warm_up_seconds", 0, 3600)
    cool = f.integer("cool_down_seconds", 0, 3600)
    consolidate = f.integer("consolidate_weeks", 0, 52)
    review = f.integer("hold_review_weeks", 1, 26)
    max_weeks = f.integer("max_plan_weeks", 8, 260)
    rest = f.text("rest_suggestion")

    symptoms = _symptoms(f, "hold_symptoms", required=True)
    stop_symptoms = _symptoms(f, "stop_symptoms", required=False, taken=symptoms)
    retest = f.integer("readiness_retest_weeks", 1, 12, default=2)
    break_days = f.integer("break_step_back_days", 1, 365, default=14)
    level_up = f.integer("level_up_after_weeks", 1, 52, default=6)
    max_bout = f.integer("max_bout_increase_seconds", 30, 7200, default=300)

    tests: list[ReadinessTest] = []
    for name, line, value in f.items("readiness_tests", required=True):
        tf = f.item_fields(name, line, value)
        if tf is None:
            continue
        ex_id = tf.text("exercise", required=True)
        target = tf.text("target")
        title = tf.text("title")
        tf.finish()
        ex = exercises.get(ex_id)
        if ex_id and ex is None and ex_id not in broken:
            tf.error(
                "exercise",
                f"unknown exercise `{ex_id}`",
                did_you_mean(ex_id, exercises) or f"add content/exercises/{ex_id}.md",
            )
        elif ex is not None:
            if not (target or ex.target):
                tf.error("target", f"`{name}.target` is required (the exercise gives none)")
            tests.append(ReadinessTest(ex_id, title or ex.title, target or ex.target))

    stages: list[Stage] = []
    for name, line, value in f.items("stages", required=True):
        sf = f.item_fields(name, line, value)
        if sf is None:
            continue
        number = len(stages) + 1
        jog = sf.integer("jog", 1, 7200)
        walk = sf.integer("walk", 0, 3600)
        minutes = sf.integer("main_minutes", 1, 240)
        sf.finish()
        if jog is None or walk is None or minutes is None:
            continue
        if jog > minutes * 60:
            sf.error(
                "jog",
                f"stage {number}: one jog ({jog} s) is longer than the whole "
                f"main part ({minutes} min)",
            )
            continue
        stage = Stage(number, jog, walk, minutes * 60)
        if stages:
            prev = stages[-1]
            if stage.jog_seconds < prev.jog_seconds:
                sf.error(
                    None,
                    f"stage {number} jogs less in total "
                    f"({stage.jog_seconds} s) than stage {prev.number} "
                    f"({prev.jog_seconds} s)",
                    "stages must never reduce total jogging time; reorder or fix them",
                )
        stages.append(stage)
    if stages and len(stages) == len(f.items("stages")) and stages[-1].walk != 0:
        problems.add(
            rel,
            f.data["stages"].item_lines[-1],
            f"stages[{len(stages) - 1}]",
            f"the last stage (stage {len(stages)}) must be continuous jogging",
            "end the list with a stage that has `walk: 0`",
        )

    if max_bout is not None:
        for number, message in bout_problems(tuple(stages), max_bout):
            problems.add(
                rel,
                f.data["stages"].item_lines[number - 1],
                f"stages[{number - 1}]",
                message,
                "add a stage in between, or raise `max_bout_increase_seconds`",
            )

    phases = _phases(f, exercises, broken)
    f.finish()
    if not _fresh(problems, start):
        return None
    numbers = (
        earliest,
        hours,
        increases,
        spw_min,
        spw_max,
        foundation_min,
        per_stage,
        warm,
        cool,
        consolidate,
        review,
        max_weeks,
    )
    if any(n is None for n in numbers):
        return None
    n = cast(tuple[int, ...], numbers)
    return Protocol(
        earliest_run_weeks=n[0],
        hours_between_runs=n[1],
        max_jog_increases_per_week=n[2],
        strength_per_week=(n[3], n[4]),
        foundation_min_weeks=n[5],
        sessions_per_stage=n[6],
        warm_up_seconds=n[7],
        cool_down_seconds=n[8],
        consolidate_weeks=n[9],
        hold_review_weeks=n[10],
        max_plan_weeks=n[11],
        hold_symptoms=symptoms,
        readiness_tests=tuple(tests),
        stages=tuple(stages),
        phases=phases,
        rest_suggestion=rest,
        stop_symptoms=stop_symptoms,
        readiness_retest_weeks=retest or 2,
        break_step_back_days=break_days or 14,
        level_up_after_weeks=level_up or 6,
        max_bout_increase_seconds=max_bout or 300,
    )


def bout_problems(stages: tuple[Stage, ...], max_increase: int) -> list[tuple[int, str]]:
    """Issue #14 point 10: the longest single jog grows by at most ``max_increase`` seconds
    from one stage to the next. Returns ``(stage number, message)`` for each stage that breaks
    it (self-contained, so any loader can call it)."""
    found: list[tuple[int, str]] = []
    for prev, stage in pairwise(stages):
        grown = stage.longest_jog - prev.longest_jog
        if grown > max_increase:
            found.append((
                stage.number,
                f"stage {stage.number}'s longest jog ({stage.longest_jog} s) is "
                f"{grown} s longer than stage {prev.number}'s ({prev.longest_jog} s); "
                f"`max_bout_increase_seconds` allows {max_increase} s",
            ))
    return found


def _symptoms(
    f: Fields, key: str, required: bool, taken: tuple[Symptom, ...] = ()
) -> tuple[Symptom, ...]:
    """A list of ``{id, label}`` symptoms; ids are unique across hold and stop symptoms."""
    symptoms: list[Symptom] = []
    for name, line, value in f.items(key, required=required):
        sf = f.item_fields(name, line, value)
        if sf is None:
            continue
        sid = sf.text("id", required=True)
        label = sf.text("label", required=True)
        sf.finish()
        if sid and not ID_RE.fullmatch(sid):
            sf.error("id", f"`{name}.id` must be a short lower-case name (got {sid!r})")
        elif sid in {s.id for s in (*taken, *symptoms)}:
            sf.error("id", f"the symptom `{sid}` is listed twice")
        elif sid == "none":
            sf.error("id", "`none` is reserved for a check-in without symptoms")
        elif sid:
            symptoms.append(Symptom(sid, label))
    return tuple(symptoms)


_PHASE_ORDER = {"foundation": 0, "readiness": 1, "run_walk": 2, "goal": 3}


def _phases(
    f: Fields, exercises: dict[str, Exercise], broken: frozenset[str]
) -> tuple[PhaseSpec, ...]:
    phases: list[PhaseSpec] = []
    for name, line, value in f.items("phases", required=True):
        pf = f.item_fields(name, line, value)
        if pf is None:
            continue
        start = len(f.problems.errors)
        pid = pf.text("id", required=True)
        kind = pf.choice("kind", tuple(_PHASE_ORDER))
        title = pf.text("title", required=True)
        summary = pf.text("summary")
        weeks = pf.integer("weeks", 1, 52, default=1)
        per_level: list[tuple[str, tuple[str, ...]]] = []
        ef = pf.mapping("exercises", required=kind in ("foundation", "run_walk", "goal"))
        if ef is not None:
            for level in LEVELS:
                ids = ef.text_list(level)
                if level == "beginner" and not ids:
                    ef.error(None, f"`{ef.prefix}beginner` must list at least one exercise")
                for ex_id in ids:
                    if ex_id not in exercises and ex_id not in broken:
                        ef.error(
                            level,
                            f"unknown exercise `{ex_id}` in {ef.prefix}{level}",
                            did_you_mean(ex_id, exercises)
                            or f"add content/exercises/{ex_id}.md or fix the id",
                        )
                if ids:
                    per_level.append((level, ids))
            ef.finish(LEVELS)
        pf.finish()
        if pid and pid in {p.id for p in phases}:
            pf.error("id", f"the phase id `{pid}` is used twice")
        if kind and phases and _PHASE_ORDER[kind] < _PHASE_ORDER[phases[-1].kind]:
            pf.error(
                "kind",
                f"a {kind} phase cannot come after a {phases[-1].kind} phase",
                "order: foundation phases, readiness, run_walk, then goal",
            )
        if _fresh(f.problems, start) and kind is not None:
            phases.append(
                PhaseSpec(pid, title, cast(PhaseKind, kind), summary, weeks or 1, tuple(per_level))
            )
    kinds: list[str] = [p.kind for p in phases]
    for kind, lo, hi in (
        ("foundation", 1, 10),
        ("readiness", 1, 1),
        ("run_walk", 1, 1),
        ("goal", 0, 1),
    ):
        if not lo <= kinds.count(kind) <= hi and len(phases) == len(f.items("phases")):
            want = f"exactly {lo}" if lo == hi else f"{lo} to {hi}"
            f.error(
                "phases", f"the protocol needs {want} `{kind}` phase(s), found {kinds.count(kind)}"
            )
    return tuple(phases)
