"""What one plan is made from, read once: her profile, the protocol, the exercises, and the
spans and dates derived from her check-ins and birth."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import msgspec

from ..i18n import DEFAULT_LANGUAGE, Words, words
from ..models import LEVELS, Break, Exercise, Hold, Profile, Protocol, Segment, Stop
from .basics import DAY, healed_date
from .checkins import holds, stops
from .stages import stage_table


class Inputs(msgspec.Struct, frozen=True):
    p: Profile
    proto: Protocol
    exercises: Mapping[str, Exercise]
    holds: tuple[Hold, ...]
    stops: tuple[Stop, ...]
    breaks: tuple[Break, ...]
    labels: Mapping[str, str]
    """Symptom id -> the words she reads."""
    healed: date | None
    segments: tuple[tuple[Segment, ...], ...]
    """Each stage's segments."""
    summaries: tuple[str, ...]
    """Each stage's segments in words (her language)."""
    stage_jog: tuple[int, ...]
    cap: date
    """The last day the plan may reach (``max_plan_weeks``)."""
    impact_ready: date | None
    """No planned readiness check before this day: her healed date plus the weeks of the
    foundation phases with impact work, so she practises landing before the tests' hops."""
    w: Words
    """Her language: every sentence the plan writes for her (coach notes stay English)."""


def read_inputs(
    profile: Profile,
    protocol: Protocol,
    exercises: Mapping[str, Exercise],
    w: Words | None = None,
) -> Inputs:
    w = w or words(DEFAULT_LANGUAGE)
    stop_ids = frozenset(s.id for s in protocol.stop_symptoms)
    healed = healed_date(profile, protocol)
    weeks = impact_weeks(protocol, exercises)
    segments, summaries = stage_table(
        protocol.stages, protocol.warm_up_seconds, protocol.cool_down_seconds, w
    )
    return Inputs(
        p=profile,
        proto=protocol,
        exercises=exercises,
        holds=holds(profile.check_ins, stop_ids),
        stops=stops(profile.check_ins, stop_ids),
        breaks=profile.breaks,
        labels={s.id: s.label for s in (*protocol.hold_symptoms, *protocol.stop_symptoms)},
        healed=healed,
        segments=segments,
        summaries=summaries,
        w=w,
        stage_jog=tuple(s.jog_seconds for s in protocol.stages),
        cap=profile.start_date + timedelta(weeks=protocol.max_plan_weeks) - DAY,
        impact_ready=healed + timedelta(weeks=weeks) if healed is not None else None,
    )


def impact_weeks(protocol: Protocol, exercises: Mapping[str, Exercise]) -> int:
    """The weeks of the foundation phases whose sessions hold an exercise of category
    ``impact`` (at either level): the impact practice she needs after healing."""
    return sum(
        spec.weeks
        for spec in protocol.phase("foundation")
        if any(
            ex_id in exercises and exercises[ex_id].category == "impact"
            for level in LEVELS
            for ex_id in spec.exercises_for(level)
        )
    )
