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
from ..yamltree import YMap
from .fields import ID_RE, Fields, _fresh
from .read import read_mapping
from .schema import PROTOCOL

_NUMBERS = (
    "earliest_run_weeks",
    "hours_between_runs",
    "max_jog_increases_per_week",
    "foundation_min_weeks",
    "sessions_per_stage",
    "warm_up_seconds",
    "cool_down_seconds",
    "consolidate_weeks",
    "hold_review_weeks",
    "max_plan_weeks",
    "readiness_retest_weeks",
    "break_step_back_days",
    "level_up_after_weeks",
    "max_bout_increase_seconds",
)


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
    spec = PROTOCOL.field
    numbers: dict[str, int | None] = {key: f.read(spec(key)) for key in _NUMBERS[:3]}
    strength = _strength_per_week(f)
    numbers.update({key: f.read(spec(key)) for key in _NUMBERS[3:]})
    rest = f.read(spec("rest_suggestion"))
    symptoms = _symptoms(f, "hold_symptoms")
    stop_symptoms = _symptoms(f, "stop_symptoms", taken=symptoms)
    tests = _readiness_tests(f, exercises, broken)
    stages = _stages(f, numbers["max_bout_increase_seconds"])
    phases = _phases(f, exercises, broken)
    f.finish(PROTOCOL.names)
    if not _fresh(problems, start) or strength is None:
        return None
    if any(n is None for n in numbers.values()):
        return None
    return Protocol(
        **cast(dict[str, int], numbers),
        strength_per_week=strength,
        hold_symptoms=symptoms,
        readiness_tests=tests,
        stages=stages,
        phases=phases,
        rest_suggestion=rest,
        stop_symptoms=stop_symptoms,
    )


def _strength_per_week(f: Fields) -> tuple[int, int] | None:
    spec = PROTOCOL.field("strength_per_week")
    spw = f.read(spec)
    if spw is None:
        return None
    low, high = spw.read(spec.field("min")), spw.read(spec.field("max"))
    spw.finish(spec.names)
    if low is None or high is None:
        return None
    if low > high:
        spw.error("min", f"`strength_per_week.min` ({low}) is above `max` ({high})")
        return None
    return low, high


def _readiness_tests(
    f: Fields, exercises: dict[str, Exercise], broken: frozenset[str]
) -> tuple[ReadinessTest, ...]:
    spec = PROTOCOL.field("readiness_tests")
    tests: list[ReadinessTest] = []
    for name, line, value in f.read(spec):
        tf = f.item_fields(name, line, value)
        if tf is None:
            continue
        ex_id = tf.read(spec.field("exercise"))
        target = tf.read(spec.field("target"))
        title = tf.read(spec.field("title"))
        tf.finish(spec.names)
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
    return tuple(tests)


def _stages(f: Fields, max_bout: int | None) -> tuple[Stage, ...]:
    """The run/walk stages: none jogs less in total than the one before, the longest jog
    grows by at most ``max_bout`` seconds a stage, and the last is continuous."""
    spec = PROTOCOL.field("stages")
    items = f.read(spec)
    stages: list[Stage] = []
    for name, line, value in items:
        sf = f.item_fields(name, line, value)
        if sf is None:
            continue
        number = len(stages) + 1
        jog, walk, minutes = (sf.read(spec.field(k)) for k in ("jog", "walk", "main_minutes"))
        sf.finish(spec.names)
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
        if stages and stage.jog_seconds < stages[-1].jog_seconds:
            prev = stages[-1]
            sf.error(
                None,
                f"stage {number} jogs less in total "
                f"({stage.jog_seconds} s) than stage {prev.number} "
                f"({prev.jog_seconds} s)",
                "stages must never reduce total jogging time; reorder or fix them",
            )
        stages.append(stage)
    if stages and len(stages) == len(items) and stages[-1].walk != 0:
        f.problems.add(
            f.file,
            items[-1][1],
            f"stages[{len(stages) - 1}]",
            f"the last stage (stage {len(stages)}) must be continuous jogging",
            "end the list with a stage that has `walk: 0`",
        )
    if max_bout is not None and len(stages) == len(items):
        for number, message in bout_problems(tuple(stages), max_bout):
            f.problems.add(
                f.file,
                items[number - 1][1],
                f"stages[{number - 1}]",
                message,
                "add a stage in between, or raise `max_bout_increase_seconds`",
            )
    return tuple(stages)


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


def _symptoms(f: Fields, key: str, taken: tuple[Symptom, ...] = ()) -> tuple[Symptom, ...]:
    """A list of ``{id, label}`` symptoms; ids are unique across hold and stop symptoms."""
    spec = PROTOCOL.field(key)
    symptoms: list[Symptom] = []
    for name, line, value in f.read(spec):
        sf = f.item_fields(name, line, value)
        if sf is None:
            continue
        sid = sf.read(spec.field("id"))
        label = sf.read(spec.field("label"))
        word = sf.read(spec.field("word"))
        sf.finish(spec.names)
        if sid and not sf.matches(spec.field("id"), sid):
            sf.error("id", f"`{name}.id` must be a short lower-case name (got {sid!r})")
        elif sid in {s.id for s in (*taken, *symptoms)}:
            sf.error("id", f"the symptom `{sid}` is listed twice")
        elif sid == "none":
            sf.error("id", "`none` is reserved for a check-in without symptoms")
        elif sid:
            symptoms.append(Symptom(sid, label, word))
    return tuple(symptoms)


_PHASE_ORDER = {"foundation": 0, "readiness": 1, "run_walk": 2, "goal": 3}


def _phases(
    f: Fields, exercises: dict[str, Exercise], broken: frozenset[str]
) -> tuple[PhaseSpec, ...]:
    spec = PROTOCOL.field("phases")
    items = f.read(spec)
    phases: list[PhaseSpec] = []
    for index, line, value in items:
        pf = f.item_fields(_phase_name(index, value), line, value)
        if pf is None:
            continue
        start = len(f.problems.errors)
        pid, kind, title, summary, weeks = (
            pf.read(spec.field(k)) for k in ("id", "kind", "title", "summary", "weeks")
        )
        if pid and not pf.matches(spec.field("id"), pid):
            pf.error("id", f"`{pf.prefix}id` must be a short lower-case name (got {pid!r})")
        ef = pf.read(spec.field("exercises"), required=kind in ("foundation", "run_walk", "goal"))
        per_level = _phase_exercises(ef, exercises, broken) if ef is not None else ()
        pf.finish(spec.names)
        if pid and pid in {p.id for p in phases}:
            pf.error("id", f"the phase id `{pid}` is used twice")
        if kind and phases and _PHASE_ORDER[kind] < _PHASE_ORDER[phases[-1].kind]:
            pf.error(
                "kind",
                f"phase `{pid}`: a {kind} phase cannot come after a {phases[-1].kind} phase",
                "order: foundation phases, readiness, run_walk, then goal",
            )
        if _fresh(f.problems, start) and kind is not None:
            phases.append(PhaseSpec(pid, title, cast(PhaseKind, kind), summary, weeks, per_level))
    kinds: list[str] = [p.kind for p in phases]
    for kind, lo, hi in (
        ("foundation", 1, 10),
        ("readiness", 1, 1),
        ("run_walk", 1, 1),
        ("goal", 0, 1),
    ):
        if not lo <= kinds.count(kind) <= hi and len(phases) == len(items):
            want = f"exactly {lo}" if lo == hi else f"{lo} to {hi}"
            f.error(
                "phases", f"the protocol needs {want} `{kind}` phase(s), found {kinds.count(kind)}"
            )
    return tuple(phases)


def _phase_name(index_name: str, value: object) -> str:
    """``phases[core]`` rather than ``phases[0]``: a coach finds a phase by its id."""
    pid = value.get("id") if isinstance(value, YMap) else None
    if isinstance(pid, str) and ID_RE.fullmatch(pid.strip()):
        return f"phases[{pid.strip()}]"
    return index_name


def _phase_exercises(
    ef: Fields, exercises: dict[str, Exercise], broken: frozenset[str]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each level's strength session: known exercise ids, the beginner's never empty."""
    spec = PROTOCOL.field("phases").field("exercises")
    per_level: list[tuple[str, tuple[str, ...]]] = []
    for level in LEVELS:
        ids = ef.read(spec.field(level))
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
    ef.finish(spec.names)
    return tuple(per_level)
