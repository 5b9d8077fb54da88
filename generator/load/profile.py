"""``profiles/*.yaml``: one client per file."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import PostrunError, Problem, Problems, did_you_mean
from ..models import (
    DELIVERIES,
    LEVELS,
    WEEKDAYS,
    Break,
    CheckIn,
    Goal,
    Profile,
    ProfileRef,
    Protocol,
    ReadinessCheck,
)
from ..yamltree import YMap
from .fields import _MISSING, SLUG_RE, Fields, _fresh, _show
from .markup import MarkdownRenderer
from .read import read_mapping
from .secret import slug_suffix


def profile_paths(root: Path) -> list[Path]:
    folder = root / "profiles"
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def iter_profiles(
    root: Path,
    problems: Problems,
    protocol: Protocol | None,
    render: MarkdownRenderer,
    secret: bytes | None = None,
    stems: frozenset[str] | None = None,
) -> Iterator[Profile]:
    """Every valid profile (or only those whose file stem is in ``stems``), by file name, one
    at a time; problems (including two profiles with one slug) go to ``problems``."""
    seen: dict[str, str] = {}
    paths = profile_paths(root)
    if stems is not None:
        paths = [p for p in paths if p.stem in stems]
    for path in paths:
        rel = f"profiles/{path.name}"
        data = read_mapping(path, rel, problems)
        if data is None:
            continue
        profile = load_profile(data, path.stem, rel, problems, protocol, render, secret)
        if profile is None:
            continue
        if profile.slug in seen:
            problems.add(
                rel,
                data.key_lines.get("slug", data.line),
                "slug",
                f"the slug `{profile.slug}` is also used by {seen[profile.slug]}",
                "each client needs her own slug: change one of them",
            )
            continue
        seen[profile.slug] = rel
        yield profile


def load_profiles(
    root: Path,
    problems: Problems,
    protocol: Protocol | None,
    render: MarkdownRenderer,
    secret: bytes | None = None,
    stems: frozenset[str] | None = None,
) -> tuple[Profile, ...]:
    return tuple(iter_profiles(root, problems, protocol, render, secret, stems))


def read_profile(
    root: Path, ref: ProfileRef, protocol: Protocol, render: MarkdownRenderer, secret: bytes | None
) -> Profile:
    """Read again a profile that was validated earlier in this build."""
    problems = Problems()
    data = read_mapping(root / ref.file, ref.file, problems)
    profile = None
    if data is not None:
        profile = load_profile(data, ref.stem, ref.file, problems, protocol, render, secret)
    problems.raise_if_errors()
    if profile is None or profile.slug != ref.slug:
        raise PostrunError(
            Problem(
                ref.file, None, None, "the file changed during the build", "run the build again"
            )
        )
    return profile


PROFILE_FIELDS = (
    "name",
    "slug",
    "delivery_date",
    "delivery",
    "injuries_healed_date",
    "clearance_date",
    "start_date",
    "level",
    "runs_per_week",
    "run_days",
    "strength_days",
    "breastfeeding",
    "goal",
    "check_ins",
    "coach_note",
    "session_time",
    "timezone",
    "reminder_minutes",
    "passphrase_env",
    "readiness_checks",
    "breaks",
)

_DEFAULT_RUN_DAYS = {1: (5,), 2: (1, 5), 3: (1, 3, 5)}
_STRENGTH_PREFERENCE = (0, 2, 4, 6, 1, 3, 5)


def load_profile(
    data: YMap,
    stem: str,
    rel: str,
    problems: Problems,
    protocol: Protocol | None,
    render: MarkdownRenderer,
    secret: bytes | None = None,
) -> Profile | None:
    """Validate one profile's fields; None (with problems recorded) when it is not usable."""
    start = len(problems.errors)
    f = Fields(data, rel, problems)
    name = f.text("name", required=True)
    slug = f.text("slug")
    if slug:
        if not SLUG_RE.fullmatch(slug):
            f.error(
                "slug",
                f"`slug` must be one safe folder name (got {slug!r})",
                "use lower-case letters, digits and dashes, e.g. sam-rivera",
            )
    else:
        slug = stem.lower()
        if secret is not None and SLUG_RE.fullmatch(slug):
            slug = f"{slug[:56]}-{slug_suffix(secret, slug)}"
        if not SLUG_RE.fullmatch(slug):
            problems.add(
                rel,
                None,
                "slug",
                f"the file name {stem!r} does not make a safe slug",
                "rename the file (letters, digits, dashes) or add `slug: sam-rivera`",
            )
    delivery_date = f.date_field("delivery_date", required=True)
    delivery = f.choice("delivery", DELIVERIES, default="vaginal")
    healed = f.date_field("injuries_healed_date")
    clearance = f.date_field("clearance_date", required=True)
    start_date = f.date_field("start_date") or clearance
    level = f.choice("level", LEVELS, default="beginner")
    breastfeeding = f.boolean("breastfeeding", False)
    coach_note = f.text("coach_note")

    gap_days = -(-(protocol.hours_between_runs if protocol else 48) // 24)
    max_runs = max(1, 7 // gap_days)
    run_days = _weekdays(f, "run_days")
    runs = f.integer(
        "runs_per_week",
        1,
        max_runs,
        default=len(run_days) if run_days else min(3, max_runs),
        hint=f"{gap_days * 24} h between runs allows at most {max_runs} a week",
    )
    if run_days is not None and runs is not None:
        if len(run_days) != runs and "runs_per_week" in data:
            f.error(
                "run_days",
                f"`run_days` names {len(run_days)} days but `runs_per_week` is {runs}",
                "list exactly one day per weekly run",
            )
        gaps = [b - a for a, b in zip(run_days, (*run_days[1:], run_days[0] + 7), strict=True)]
        if len(run_days) > 1 and min(gaps) < gap_days:
            f.error(
                "run_days",
                f"`run_days` [{', '.join(WEEKDAYS[d] for d in run_days)}] puts two runs "
                f"less than {gap_days * 24} hours apart",
                f"leave at least {gap_days - 1} rest day(s) between run days (Sunday to "
                "Monday counts too), e.g. [tue, thu, sat]",
            )
    if run_days is None and runs is not None:
        run_days = _DEFAULT_RUN_DAYS.get(runs, (1, 3, 5)[:runs])
    strength_days = _weekdays(f, "strength_days")
    lo, hi = protocol.strength_per_week if protocol else (2, 3)
    if strength_days is not None:
        if not lo <= len(strength_days) <= hi:
            f.error(
                "strength_days",
                f"`strength_days` must name {lo} to {hi} days (got {len(strength_days)})",
                "strength work keeps going all through the plan",
            )
        clash = sorted(set(strength_days) & set(run_days or ()))
        if clash:
            f.error(
                "strength_days",
                f"{', '.join(WEEKDAYS[d] for d in clash)} is both a run day and a strength day",
                "pick strength days between the run days",
            )
    elif run_days is not None:
        free = [d for d in _STRENGTH_PREFERENCE if d not in run_days]
        strength_days = tuple(sorted(free[:hi]))

    session_time = _clock(f, "session_time")
    timezone = f.text("timezone") or None
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            f.error(
                "timezone",
                f"unknown time zone {timezone!r}",
                "use a name like Europe/London or America/New_York",
            )
            timezone = None
    if session_time is not None and timezone is None and "timezone" not in data:
        f.error(
            "session_time",
            "`session_time` needs a `timezone`",
            "add e.g. `timezone: Europe/London`",
        )
    reminder = f.integer("reminder_minutes", 0, 10080, default=-1)
    passphrase_env = f.text("passphrase_env") or None
    if passphrase_env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", passphrase_env):
        f.error(
            "passphrase_env",
            f"`passphrase_env` must be an environment variable name (got {passphrase_env!r})",
            "e.g. SAM_PASSPHRASE: letters, digits, underscores",
        )
        passphrase_env = None
    goal = None
    gf = f.mapping("goal")
    if gf is not None:
        label = gf.text("label", required=True)
        gdate = gf.date_field("date")
        gf.finish()
        goal = Goal(label, gdate)

    check_ins = _check_ins(f, protocol, delivery_date)
    readiness_checks = _readiness_checks(f, protocol, delivery_date)
    breaks = _breaks(f, delivery_date)
    f.finish(PROFILE_FIELDS)

    if delivery_date is not None:
        for key, value in (
            ("clearance_date", clearance),
            ("injuries_healed_date", healed),
            ("start_date", start_date),
        ):
            if value is not None and value < delivery_date and key in data:
                f.error(
                    key,
                    f"`{key}` ({value}) is before `delivery_date` ({delivery_date})",
                    "check the year and month of both dates",
                )
    if clearance and start_date and start_date < clearance and "start_date" in data:
        f.warn(
            "start_date",
            f"`start_date` ({start_date}) is before `clearance_date` ({clearance})",
            "most coaches start once the birth provider has cleared her",
        )
    if goal is not None and goal.date is not None and start_date and goal.date <= start_date:
        f.error("goal", f"the goal date ({goal.date}) is not after the start date ({start_date})")
    if (
        goal is not None
        and goal.date is not None
        and start_date
        and protocol
        and (goal.date - start_date).days > protocol.max_plan_weeks * 7
    ):
        f.error(
            "goal",
            f"the goal date ({goal.date}) is more than {protocol.max_plan_weeks} "
            "weeks after the start",
            "set a nearer goal, or raise max_plan_weeks in protocol.yaml",
        )

    if not _fresh(problems, start):
        return None
    assert delivery_date and clearance and start_date and level and delivery and runs and run_days
    assert strength_days is not None
    return Profile(
        file=rel,
        name=name,
        slug=slug,
        delivery_date=delivery_date,
        delivery=delivery,
        clearance_date=clearance,
        start_date=start_date,
        level=level,  # type: ignore[arg-type]
        runs_per_week=runs,
        run_days=run_days,
        strength_days=strength_days,
        breastfeeding=breastfeeding,
        injuries_healed_date=healed,
        goal=goal,
        check_ins=check_ins,
        readiness_checks=readiness_checks,
        breaks=breaks,
        coach_note_html=render(coach_note),
        session_time=session_time,
        timezone=timezone,
        reminder_minutes=None if reminder in (None, -1) else reminder,
        passphrase_env=passphrase_env,
    )


def _check_ins(
    f: Fields, protocol: Protocol | None, delivery_date: date | None
) -> tuple[CheckIn, ...]:
    """The coach's check-ins; each must say which symptoms she reported (``[]`` for none)."""
    check_ins: list[CheckIn] = []
    known = [s.id for s in (*protocol.hold_symptoms, *protocol.stop_symptoms)] if protocol else []
    for iname, line, value in f.items("check_ins"):
        cf = f.item_fields(iname, line, value)
        if cf is None:
            continue
        cdate = cf.date_field("date", required=True)
        if "symptoms" not in cf.data:
            cf.used.add("symptoms")
            cf.error(
                None,
                f"`{iname}.symptoms` is required: say what she reported",
                "write `symptoms: []` when she had none, or list them, e.g. [heaviness]",
            )
            symptoms: tuple[str, ...] = ()
        else:
            symptoms = () if cf.data["symptoms"] is None else cf.text_list("symptoms")
            cf.used.add("symptoms")
        for s in symptoms:
            if protocol and s not in (*known, "none"):
                near = did_you_mean(s, known)
                cf.error(
                    "symptoms",
                    f"unknown symptom `{s}` in {iname}.symptoms",
                    (f"{near} " if near else "") + f"allowed: {', '.join(known)}, or [] for none",
                )
        note = cf.text("note")
        cf.finish()
        if cdate is not None:
            if delivery_date is not None and cdate < delivery_date:
                cf.error(
                    "date", f"{iname}.date {cdate} is before the delivery date {delivery_date}"
                )
            check_ins.append(CheckIn(cdate, tuple(s for s in symptoms if s != "none"), note))
    return tuple(sorted(check_ins, key=lambda c: c.date))


def _readiness_checks(
    f: Fields, protocol: Protocol | None, delivery_date: date | None
) -> tuple[ReadinessCheck, ...]:
    """Readiness check results: the tests she did not pass (``failed: []`` = passed)."""
    checks: list[ReadinessCheck] = []
    tests = [t.id for t in protocol.readiness_tests] if protocol else []
    for iname, line, value in f.items("readiness_checks"):
        rf = f.item_fields(iname, line, value)
        if rf is None:
            continue
        rdate = rf.date_field("date", required=True)
        if "failed" not in rf.data:
            rf.used.add("failed")
            rf.error(
                None,
                f"`{iname}.failed` is required: list the tests she did not pass",
                "write `failed: []` when she passed them all",
            )
            failed: tuple[str, ...] = ()
        else:
            failed = () if rf.data["failed"] is None else rf.text_list("failed")
            rf.used.add("failed")
        for test in failed:
            if protocol and test not in tests:
                near = did_you_mean(test, tests)
                rf.error(
                    "failed",
                    f"unknown readiness test `{test}` in {iname}.failed",
                    (f"{near} " if near else "") + f"the tests are: {', '.join(tests)}",
                )
        rf.finish()
        if rdate is not None:
            if delivery_date is not None and rdate < delivery_date:
                rf.error(
                    "date", f"{iname}.date {rdate} is before the delivery date {delivery_date}"
                )
            if rdate in {c.date for c in checks}:
                rf.error("date", f"two readiness checks on {rdate}", "keep one result per day")
            checks.append(ReadinessCheck(rdate, tuple(dict.fromkeys(failed))))
    return tuple(sorted(checks, key=lambda c: c.date))


def _breaks(f: Fields, delivery_date: date | None) -> tuple[Break, ...]:
    """Breaks (illness, travel): no session inside; they must not overlap."""
    found: list[tuple[Break, Fields]] = []
    for iname, line, value in f.items("breaks"):
        bf = f.item_fields(iname, line, value)
        if bf is None:
            continue
        start = bf.date_field("start", required=True)
        end = bf.date_field("end", required=True)
        reason = bf.text("reason")
        bf.finish()
        if start is None or end is None:
            continue
        if end < start:
            bf.error("end", f"{iname}.end {end} is before its start {start}")
            continue
        if delivery_date is not None and start < delivery_date:
            bf.error("start", f"{iname}.start {start} is before the delivery date {delivery_date}")
            continue
        found.append((Break(start, end, reason), bf))
    found.sort(key=lambda item: item[0].start)
    for (prev, _), (cur, bf) in itertools.pairwise(found):
        if cur.start <= prev.end:
            bf.error(
                "start",
                f"this break ({cur.start} to {cur.end}) overlaps the one from {prev.start} "
                f"to {prev.end}",
                "merge them into one break",
            )
    return tuple(b for b, _ in found)


def _clock(f: Fields, key: str) -> time | None:
    value = f.raw(key, False)
    if value is _MISSING:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        # YAML 1.1 reads an unquoted 07:30 as the base-60 number 450.
        return time(value // 60, value % 60)
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(value).strip())
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return time(int(match[1]), int(match[2]))
    f.error(key, f"`{key}` must be a time like 07:30 (got {_show(value)})", "write HH:MM, 24-hour")
    return None


def _weekdays(f: Fields, key: str) -> tuple[int, ...] | None:
    days = f.text_list(key) if key in f.data else None
    if days is None:
        f.used.add(key)
        return None
    result: list[int] = []
    for day in days:
        d = day.lower()
        if d in _DAY_NAMES:
            d = d[:3]
        if d not in WEEKDAYS:
            f.error(
                key,
                f"`{key}` has {day!r}, which is not a weekday",
                did_you_mean(d, WEEKDAYS) or f"use {', '.join(WEEKDAYS)}",
            )
            return None
        if WEEKDAYS.index(d) in result:
            f.error(key, f"`{key}` names {d} twice")
            return None
        result.append(WEEKDAYS.index(d))
    if not result:
        f.error(key, f"`{key}` is empty", "name at least one day, or remove the line")
        return None
    return tuple(sorted(result))


_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
