"""A run/walk stage as timed segments, and in words."""

from __future__ import annotations

from functools import lru_cache
from itertools import groupby

from ..i18n import DEFAULT_LANGUAGE, Words, words
from ..models import Protocol, Segment, Stage


def stage_segments(stage: Stage, protocol: Protocol) -> tuple[Segment, ...]:
    """Warm-up walk, jog/walk intervals filling the main part exactly, cool-down walk."""
    return _segments(stage, protocol.warm_up_seconds, protocol.cool_down_seconds)


def _segments(stage: Stage, warm_up: int, cool_down: int) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    if warm_up:
        segments.append(Segment("walk", warm_up, "warm_up"))
    left = stage.main_seconds
    while left > 0:
        jog = min(stage.jog, left)
        segments.append(Segment("jog", jog, "main"))
        left -= jog
        if left > 0 and stage.walk:
            walk = min(stage.walk, left)
            segments.append(Segment("walk", walk, "main"))
            left -= walk
    if cool_down:
        segments.append(Segment("walk", cool_down, "cool_down"))
    return tuple(segments)


@lru_cache(maxsize=32)
def stage_table(
    stages: tuple[Stage, ...], warm_up: int, cool_down: int, w: Words
) -> tuple[tuple[tuple[Segment, ...], ...], tuple[str, ...]]:
    """Each stage's segments and their words, made once per protocol and language (the same
    for every client: a plan only looks them up)."""
    segments = tuple(_segments(s, warm_up, cool_down) for s in stages)
    return segments, tuple(describe(s, w) for s in segments)


def duration(seconds: int) -> str:
    """``90`` -> ``1 min 30 s``; ``300`` -> ``5 min``; ``45`` -> ``45 s``."""
    minutes, secs = divmod(seconds, 60)
    if not minutes:
        return f"{secs} s"
    return f"{minutes} min" if not secs else f"{minutes} min {secs} s"


def describe(segments: tuple[Segment, ...], w: Words | None = None) -> str:
    """A run/walk session in words, e.g. ``5 min walk, then 6 × (1 min jog, 2 min walk), …``
    (in ``w``'s language; default: postrun's own English)."""
    w = w or words(DEFAULT_LANGUAGE)
    main = [s for s in segments if s.part == "main"]
    units: list[tuple[int, int]] = []
    i = 0
    while i < len(main):
        has_walk = i + 1 < len(main) and main[i + 1].activity == "walk"
        units.append((main[i].seconds, main[i + 1].seconds if has_walk else 0))
        i += 2 if has_walk else 1

    def walking(seconds: int) -> str:
        return w.gettext("%(time)s walk", time=w.duration(seconds))

    parts = [walking(s.seconds) for s in segments if s.part == "warm_up"]
    for (jog, walk), group in groupby(units):
        count = len(list(group))
        unit = w.gettext("%(time)s jog", time=w.duration(jog))
        if walk:
            unit = f"{unit}, {walking(walk)}"
        parts.append(f"{count} × ({unit})" if count > 1 else unit)
    parts += [walking(s.seconds) for s in segments if s.part == "cool_down"]
    if len(parts) <= 1:
        return "".join(parts)
    if len(parts) == 2:
        return w.gettext("%(first)s, then %(second)s", first=parts[0], second=parts[1])
    return w.gettext(
        "%(first)s, then %(middle)s, then %(last)s",
        first=parts[0], middle=", ".join(parts[1:-1]), last=parts[-1],
    )
