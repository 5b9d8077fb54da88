"""Typed, immutable models: what the workspace says (inputs) and what the plan computes.

Inputs are made only by :mod:`generator.load`, which validates them; everything downstream
trusts these types. The :class:`Plan` is made only by :func:`generator.plan.plan`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from pathlib import Path
from typing import Literal

import msgspec

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DELIVERIES: tuple[str, ...] = ("vaginal", "assisted", "caesarean")
LEVELS: tuple[str, ...] = ("beginner", "intermediate")
CATEGORIES: tuple[str, ...] = ("core", "hip", "strength", "impact", "readiness")

Level = Literal["beginner", "intermediate"]
SessionKind = Literal["strength", "readiness", "run_walk", "rest"]
Decision = Literal["first", "progress", "repeat", "held", "step_back"]
PhaseKind = Literal["foundation", "readiness", "run_walk", "goal"]


# ---------------------------------------------------------------- content


class Dosage(msgspec.Struct, frozen=True):
    """How much of an exercise: ``sets`` of ``reps`` or of ``seconds`` (one of the two)."""

    sets: int
    reps: int | None = None
    seconds: int | None = None
    each_side: bool = False
    per: str = ""
    """Extra words after the count, e.g. ``each direction``."""

    def text(self) -> str:
        amount = f"{self.reps}" if self.reps is not None else f"{self.seconds} s"
        parts = [f"{self.sets} × {amount}" if self.sets > 1 else amount]
        if self.each_side:
            parts.append("each side")
        if self.per:
            parts.append(self.per)
        return " ".join(parts)


class Variant(msgspec.Struct, frozen=True):
    level: Level
    how_html: str
    """What this level does differently (rendered Markdown)."""
    dosage: Dosage


class Exercise(msgspec.Struct, frozen=True):
    id: str
    """The file stem under content/exercises/."""
    title: str
    category: str
    summary: str
    body_html: str
    """How to do it (the Markdown body, rendered once per build)."""
    variants: tuple[Variant, ...]
    """Beginner first; intermediate when the exercise has one."""
    equipment: tuple[str, ...] = ()
    points: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    image: str | None = None
    """Path under content/, e.g. ``media/hip-circles.svg``."""
    image_alt: str = ""
    video: str | None = None
    sources: tuple[str, ...] = ()
    file: str = ""
    target: str = ""
    """Readiness tests: what counts as a pass, e.g. ``20 each leg``."""

    def variant(self, level: str) -> Variant | None:
        for v in self.variants:
            if v.level == level:
                return v
        return self.variants[0] if self.variants else None


class Page(msgspec.Struct, frozen=True):
    id: str
    title: str
    order: int
    body_html: str
    summary: str = ""


class Site(msgspec.Struct, frozen=True):
    practice: str
    coach: str
    contact: str = ""
    language: str = "en"
    base_url: str | None = None
    """Public address of the published site, ending in ``/`` (optional)."""
    cname: str | None = None
    email: str = ""
    """The coach's e-mail address: her pages link it with ``mailto:``."""
    phone: str = ""
    """The coach's phone number: her pages link it with ``tel:``."""


class Stage(msgspec.Struct, frozen=True):
    """One run/walk stage: intervals of ``jog`` then ``walk`` filling ``main_seconds``."""

    number: int
    jog: int
    walk: int
    main_seconds: int

    @property
    def jog_seconds(self) -> int:
        """Total jogging in the main part: intervals repeat until the main part is full."""
        full, rest = divmod(self.main_seconds, self.jog + self.walk)
        return full * self.jog + min(rest, self.jog)

    @property
    def longest_jog(self) -> int:
        """The longest single jog of the main part (continuous jogging: all of it)."""
        if self.walk == 0:
            return self.main_seconds
        return min(self.jog, self.main_seconds)


class ReadinessTest(msgspec.Struct, frozen=True):
    id: str
    """An exercise id (its page explains how to do the test)."""
    title: str
    target: str


class Symptom(msgspec.Struct, frozen=True):
    id: str
    label: str
    word: str = ""
    """A word or two for sentences ("walk if you feel pain, …"); empty: the id."""


class PhaseSpec(msgspec.Struct, frozen=True):
    id: str
    title: str
    kind: PhaseKind
    summary: str
    weeks: int = 0
    """Foundation phases: relative length when the foundation is split."""
    exercises: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Per level, the exercise ids of its strength sessions."""

    def exercises_for(self, level: str) -> tuple[str, ...]:
        for lvl, ids in self.exercises:
            if lvl == level:
                return ids
        return self.exercises[0][1] if self.exercises else ()


class Protocol(msgspec.Struct, frozen=True):
    earliest_run_weeks: int
    hours_between_runs: int
    max_jog_increases_per_week: int
    strength_per_week: tuple[int, int]
    foundation_min_weeks: int
    sessions_per_stage: int
    warm_up_seconds: int
    cool_down_seconds: int
    consolidate_weeks: int
    hold_review_weeks: int
    max_plan_weeks: int
    hold_symptoms: tuple[Symptom, ...]
    readiness_tests: tuple[ReadinessTest, ...]
    stages: tuple[Stage, ...]
    phases: tuple[PhaseSpec, ...]
    rest_suggestion: str = ""
    stop_symptoms: tuple[Symptom, ...] = ()
    """A check-in with one of these stops running until a later symptom-free check-in."""
    readiness_retest_weeks: int = 2
    """After a failed readiness check, the retest comes this many weeks later."""
    break_step_back_days: int = 14
    """A break this long or longer steps the next run back one stage."""
    level_up_after_weeks: int = 6
    """A beginner moves to intermediate variants after this many weeks of run/walk without a
    hold, stop or break (never before her healed date)."""
    max_bout_increase_seconds: int = 300
    """The longest single jog grows by at most this much from one stage to the next."""

    def phase(self, kind: str) -> tuple[PhaseSpec, ...]:
        return tuple(p for p in self.phases if p.kind == kind)


class Content(msgspec.Struct, frozen=True):
    site: Site
    protocol: Protocol
    exercises: dict[str, Exercise]
    pages: tuple[Page, ...]
    media: tuple[str, ...] = ()
    """Files under content/media/, relative to content/."""
    translations: Mapping[str, Translation] = msgspec.field(default_factory=dict)
    """Per base language (``de``) that has files of its own (``dead-bug.de.md``,
    ``protocol.de.yaml``): what her pages say in it."""

    def for_language(self, tag: str) -> Content:
        """The content a client of this language reads (``de-AT`` reads the ``de`` files):
        every file in her language where there is one, the default file otherwise. Made once
        per build (see :mod:`generator.load.translations`), so choosing is a lookup."""
        if not self.translations:
            return self
        from .i18n import base_language

        found = self.translations.get(base_language(tag))
        return self if found is None else found.content


class Translation(msgspec.Struct, frozen=True):
    """The content of one more language, complete: what has no file in it falls back to the
    default files. The sets say which files it has (``postrun check`` counts the others)."""

    language: str
    """The base language, e.g. ``de``."""
    content: Content
    exercises: frozenset[str] = frozenset()
    """Exercise ids with a file of their own in this language (``ID.de.md``)."""
    pages: frozenset[str] = frozenset()
    """Page ids with a file of their own in this language (``NAME.de.md``)."""
    protocol_file: str = ""
    """``content/protocol.de.yaml`` when there is one."""
    protocol_missing: tuple[str, ...] = ()
    """The protocol's words it leaves in the default language, e.g. ``phases.core.summary``."""


# ---------------------------------------------------------------- profiles


class Goal(msgspec.Struct, frozen=True):
    label: str
    date: date | None = None


class CheckIn(msgspec.Struct, frozen=True):
    date: date
    symptoms: tuple[str, ...] = ()
    """Hold or stop symptom ids; empty when she reported none."""
    note: str = ""


class ReadinessCheck(msgspec.Struct, frozen=True):
    """The result of one readiness check the coach went through with her."""

    date: date
    failed: tuple[str, ...] = ()
    """Readiness test ids she did not pass; empty when she passed them all."""

    @property
    def passed(self) -> bool:
        return not self.failed


class Break(msgspec.Struct, frozen=True):
    """Days with no session of any kind (illness, travel, anything); both ends inclusive."""

    start: date
    end: date
    reason: str = ""


class Profile(msgspec.Struct, frozen=True):
    file: str
    name: str
    slug: str
    delivery_date: date
    delivery: str
    clearance_date: date
    start_date: date
    level: Level
    runs_per_week: int
    run_days: tuple[int, ...]
    """Weekday numbers, Monday = 0, sorted."""
    strength_days: tuple[int, ...]
    breastfeeding: bool = False
    injuries_healed_date: date | None = None
    goal: Goal | None = None
    check_ins: tuple[CheckIn, ...] = ()
    """Sorted by date."""
    coach_note_html: str = ""
    session_time: time | None = None
    """Local time her sessions start, for a timed calendar (else all-day events)."""
    timezone: str | None = None
    """IANA time zone of ``session_time``, e.g. ``Europe/London``."""
    reminder_minutes: int | None = None
    """Calendar reminder this many minutes before each session's start."""
    passphrase_env: str | None = None
    """Name of the environment variable holding her passphrase: her pages are then encrypted."""
    readiness_checks: tuple[ReadinessCheck, ...] = ()
    """Sorted by date."""
    breaks: tuple[Break, ...] = ()
    """Sorted by start date, never overlapping."""
    language: str | None = None
    """Her language tag (``es``, ``de-AT``) when it is not the practice's; see ``i18n``."""


class ProfileRef(msgspec.Struct, frozen=True):
    """What a build needs to know of a validated profile before it reads it again."""

    file: str
    slug: str
    passphrase_env: str | None = None

    @property
    def stem(self) -> str:
        return Path(self.file).stem


class Workspace(msgspec.Struct, frozen=True):
    root: Path
    content: Content
    profiles: tuple[Profile, ...]
    refs: tuple[ProfileRef, ...] = ()
    """Every valid profile, also when ``profiles`` was not kept (a large build)."""
    secret: bytes | None = None


# ---------------------------------------------------------------- the plan


class Segment(msgspec.Struct, frozen=True):
    activity: Literal["walk", "jog"]
    seconds: int
    part: Literal["warm_up", "main", "cool_down"]


class Dose(msgspec.Struct, frozen=True):
    """An exercise in a strength session, at the level she does it that day."""

    id: str
    title: str
    dosage: Dosage
    level: Level = "beginner"
    """The variant she does: beginner until her healed date, then her level (a beginner moves
    up after ``level_up_after_weeks`` of run/walk without a hold, stop or break)."""


class Session(msgspec.Struct, frozen=True):
    date: date
    kind: SessionKind
    phase: str
    exercises: tuple[Dose, ...] = ()
    stage: int | None = None
    segments: tuple[Segment, ...] = ()
    jog_seconds: int = 0
    main_seconds: int = 0
    decision: Decision | None = None
    reason: str = ""
    summary: str = ""
    """One line a person reads, e.g. ``5 min walk, then 6 × (1 min jog, 2 min walk) …``."""
    notice: str = ""
    """A plain sentence for her about this session (a level change, a rest before a key day,
    a break, a stop), shown on its card."""

    @property
    def total_seconds(self) -> int:
        return sum(s.seconds for s in self.segments)


class Phase(msgspec.Struct, frozen=True):
    id: str
    title: str
    kind: str
    summary: str
    start: date
    end: date
    """Inclusive."""


class Day(msgspec.Struct, frozen=True):
    date: date
    sessions: tuple[Session, ...]


class Week(msgspec.Struct, frozen=True):
    number: int
    start: date
    """The Monday."""
    days: tuple[Day, ...]
    phase_titles: tuple[str, ...]

    @property
    def end(self) -> date:
        return self.days[-1].date


class Hold(msgspec.Struct, frozen=True):
    start: date
    """Date of the check-in that reported symptoms."""
    end: date | None
    """Date of the later symptom-free check-in, or None while it lasts."""
    symptoms: tuple[str, ...]


class Stop(msgspec.Struct, frozen=True):
    """Running and impact stop after a check-in with a stop symptom, until a later check-in
    without symptoms; then a readiness check comes before any run."""

    start: date
    """Date of the check-in that reported a stop symptom."""
    end: date | None
    """Date of the later symptom-free check-in, or None while it lasts."""
    symptoms: tuple[str, ...]


class Note(msgspec.Struct, frozen=True):
    """Something about a plan worth saying: to her on her site, to the coach in ``check``."""

    id: str
    """What it is about, e.g. ``goal_too_soon``, ``goal_long_after``, ``paused``."""
    client: str
    """Her words, on her overview page (empty when it is for the coach only)."""
    coach: str
    """The coach's words, a ``check`` warning."""
    field: str
    """The profile field it is about (``check`` points at its line)."""
    hint: str = ""
    near: tuple[str, ...] = ()
    """Fields whose line to show when ``field`` is not in her file."""


class Plan(msgspec.Struct, frozen=True):
    profile: Profile
    earliest_run_date: date
    readiness_date: date | None
    first_run_date: date | None
    final_stage_date: date | None
    """The first session at the protocol's last stage (continuous jogging)."""
    start: date
    end: date
    phases: tuple[Phase, ...]
    sessions: tuple[Session, ...]
    weeks: tuple[Week, ...]
    holds: tuple[Hold, ...]
    readiness: tuple[ReadinessTest, ...]
    exercise_ids: tuple[str, ...]
    """Every exercise her plan uses, in first-use order."""
    notes: tuple[Note, ...] = ()
    """What her page and the coach's ``check`` say about the plan (e.g. a goal too soon)."""
    stops: tuple[Stop, ...] = ()
    breaks: tuple[Break, ...] = ()
    goal: Goal | None = None
    hold_words: str = ""
    """The protocol's hold signs in a few words, e.g. ``pain, heaviness, leakage …``."""
    stop_words: str = ""
    """The protocol's stop signs in a few words."""
