"""``profiles/*.yaml``: one client per file."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import date, time
from pathlib import Path

from ..errors import PostrunError, Problem, Problems, did_you_mean
from ..models import (
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
from .fields import SLUG_RE, Fields, _fresh, read_language
from .markup import MarkdownRenderer
from .paths import profile_names, same_client_files, stem
from .read import read_mapping
from .schema import PROFILE
from .secret import slug_suffix


def iter_profiles(
    root: Path,
    problems: Problems,
    protocol: Protocol | None,
    render: MarkdownRenderer,
    secret: bytes | None = None,
    stems: frozenset[str] | None = None,
    names: list[str] | None = None,
) -> Iterator[Profile]:
    """Every valid profile (or only those whose file stem is in ``stems``), by file name, one
    at a time; problems (including two profiles with one slug) go to ``problems``.
    ``names``: the profiles' file names (:func:`.paths.profile_names`), when already listed."""
    seen: dict[str, str] = {}
    names = profile_names(root) if names is None else names
    if stems is not None:
        names = [name for name in names if stem(name) in stems]
    problems.extend(same_client_files(names))
    folder = root / "profiles"
    read: set[str] = set()
    for name in names:
        rel = f"profiles/{name}"
        file_stem = stem(name)
        if file_stem in read:
            continue
        read.add(file_stem)
        data = read_mapping(folder / name, rel, problems)
        if data is None:
            continue
        profile = load_profile(data, file_stem, rel, problems, protocol, render, secret)
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


PROFILE_FIELDS = PROFILE.names
"""Every field a profile may have (declared in :mod:`.schema`)."""

_DEFAULT_RUN_DAYS = {1: (5,), 2: (1, 5), 3: (1, 3, 5)}
_STRENGTH_PREFERENCE = (0, 2, 4, 6, 1, 3, 5)
STALE_START_DAYS = 14
"""A plan that started longer ago than this with no check-in gets a warning."""


def run_gap_days(protocol: Protocol | None) -> int:
    """Whole days between two runs (48 hours: 2)."""
    return -(-(protocol.hours_between_runs if protocol else 48) // 24)


def max_runs_per_week(protocol: Protocol | None) -> int:
    """The most runs a week the protocol's ``hours_between_runs`` allows (48 hours: 3)."""
    return max(1, 7 // run_gap_days(protocol))


def default_run_days(runs: int) -> tuple[int, ...]:
    """Her run days when the profile names none."""
    return _DEFAULT_RUN_DAYS.get(runs, (1, 3, 5)[:runs])


def default_strength_days(run_days: tuple[int, ...], protocol: Protocol | None) -> tuple[int, ...]:
    """Her strength days when the profile names none: the protocol's most, between runs."""
    most = protocol.strength_per_week[1] if protocol else 3
    free = [d for d in _STRENGTH_PREFERENCE if d not in run_days]
    return tuple(sorted(free[:most]))


def stale_start(profile: Profile, today: date, line: int | None = None) -> Problem | None:
    """A warning when her plan started more than two weeks before ``today`` and no check-in is
    logged: her site would open weeks into a plan she may only be starting (``new``, ``check``)."""
    days = (today - profile.start_date).days
    if days <= STALE_START_DAYS or profile.check_ins:
        return None
    weeks = days // 7
    return Problem(
        profile.file,
        line,
        "start_date",
        f"her plan started on {profile.start_date}, {weeks} weeks ago, and no check-in is "
        f"logged; her site opens at week {weeks + 1} today",
        f"if she is only starting now, set `start_date: {today}`; otherwise log a check-in "
        f"(`postrun checkin {Path(profile.file).stem}`)",
        "warning",
    )


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
    spec = PROFILE.field
    name = f.read(spec("name"))
    slug = _slug(f, stem, secret)
    dates = {key: f.read(spec(key)) for key in _DATES}
    dates["start_date"] = dates["start_date"] or dates["clearance_date"]
    delivery = f.read(spec("delivery"))
    level = f.read(spec("level"))
    breastfeeding = f.read(spec("breastfeeding"))
    coach_note = f.read(spec("coach_note"))
    runs, run_days, strength_days = _week(f, protocol)
    session_time, timezone, reminder = _calendar(f)
    passphrase_env = _passphrase_env(f)
    language = read_language(f, "language", f.read(spec("language")))
    goal = _goal(f)
    delivery_date = dates["delivery_date"]
    check_ins = _check_ins(f, protocol, delivery_date)
    readiness_checks = _readiness_checks(f, protocol, delivery_date)
    breaks = _breaks(f, delivery_date)
    f.finish(PROFILE_FIELDS)
    _dates_in_order(f, dates, goal, protocol)
    if not _fresh(problems, start):
        return None
    assert delivery_date and dates["clearance_date"] and dates["start_date"] and level
    assert delivery and runs and run_days and strength_days is not None
    return Profile(
        file=rel,
        name=name,
        slug=slug,
        delivery_date=delivery_date,
        delivery=delivery,
        clearance_date=dates["clearance_date"],
        start_date=dates["start_date"],
        level=level,
        runs_per_week=runs,
        run_days=run_days,
        strength_days=strength_days,
        breastfeeding=breastfeeding,
        injuries_healed_date=dates["injuries_healed_date"],
        goal=goal,
        check_ins=check_ins,
        readiness_checks=readiness_checks,
        breaks=breaks,
        coach_note_html=render(coach_note),
        session_time=session_time,
        timezone=timezone,
        reminder_minutes=reminder,
        passphrase_env=passphrase_env,
        language=language,
    )


_DATES = ("delivery_date", "injuries_healed_date", "clearance_date", "start_date")


def _slug(f: Fields, stem: str, secret: bytes | None) -> str:
    """Her folder name: as written, else the file name with the secret's suffix."""
    slug: str = f.read(PROFILE.field("slug"))
    if slug:
        if not f.matches(PROFILE.field("slug"), slug):
            f.error(
                "slug",
                f"`slug` must be one safe folder name (got {slug!r})",
                "use lower-case letters, digits and dashes, e.g. sam-rivera",
            )
        return slug
    slug = stem.lower()
    if secret is not None and SLUG_RE.fullmatch(slug):
        slug = f"{slug[:56]}-{slug_suffix(secret, slug)}"
    if not SLUG_RE.fullmatch(slug):
        f.problems.add(
            f.file,
            None,
            "slug",
            f"the file name {stem!r} does not make a safe slug",
            "rename the file (letters, digits, dashes) or add `slug: sam-rivera`",
        )
    return slug


def _week(
    f: Fields, protocol: Protocol | None
) -> tuple[int | None, tuple[int, ...] | None, tuple[int, ...] | None]:
    """runs_per_week, run_days and strength_days, checked against each other."""
    gap_days = run_gap_days(protocol)
    max_runs = max_runs_per_week(protocol)
    run_days = f.read(PROFILE.field("run_days"))
    runs = f.read(
        PROFILE.field("runs_per_week"),
        high=max_runs,
        default=len(run_days) if run_days else min(3, max_runs),
        hint=f"{gap_days * 24} h between runs allows at most {max_runs} a week",
    )
    if run_days is not None and runs is not None:
        if len(run_days) != runs and "runs_per_week" in f.data:
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
        run_days = default_run_days(runs)
    strength_days = f.read(PROFILE.field("strength_days"))
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
        strength_days = default_strength_days(run_days, protocol)
    return runs, run_days, strength_days


def _calendar(f: Fields) -> tuple[time | None, str | None, int | None]:
    """session_time, timezone and reminder_minutes, for her calendar."""
    session_time = f.read(PROFILE.field("session_time"))
    timezone = f.read(PROFILE.field("timezone")) or None
    if timezone is not None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only for a profile with one

        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            f.error(
                "timezone",
                f"unknown time zone {timezone!r}",
                "use a name like Europe/London or America/New_York",
            )
            timezone = None
    if session_time is not None and timezone is None and "timezone" not in f.data:
        f.error(
            "session_time",
            "`session_time` needs a `timezone`",
            "add e.g. `timezone: Europe/London`",
        )
    reminder = f.read(PROFILE.field("reminder_minutes"))
    return session_time, timezone, reminder


def _passphrase_env(f: Fields) -> str | None:
    spec = PROFILE.field("passphrase_env")
    name = f.read(spec) or None
    if name is not None and not f.matches(spec, name):
        f.error(
            "passphrase_env",
            f"`passphrase_env` must be an environment variable name (got {name!r})",
            "e.g. SAM_PASSPHRASE: letters, digits, underscores",
        )
        return None
    return name


def _goal(f: Fields) -> Goal | None:
    spec = PROFILE.field("goal")
    gf = f.read(spec)
    if gf is None:
        return None
    label = gf.read(spec.field("label"))
    gdate = gf.read(spec.field("date"))
    gf.finish(spec.names)
    return Goal(label, gdate)


def _dates_in_order(
    f: Fields, dates: dict[str, date | None], goal: Goal | None, protocol: Protocol | None
) -> None:
    """Clearance, healing and start come after the birth; the goal after the start."""
    delivery_date, clearance, start_date = (
        dates["delivery_date"],
        dates["clearance_date"],
        dates["start_date"],
    )
    if delivery_date is not None:
        for key in ("clearance_date", "injuries_healed_date", "start_date"):
            value = dates[key]
            if value is not None and value < delivery_date and key in f.data:
                f.error(
                    key,
                    f"`{key}` ({value}) is before `delivery_date` ({delivery_date})",
                    "check the year and month of both dates",
                )
    if clearance and start_date and start_date < clearance and "start_date" in f.data:
        f.warn(
            "start_date",
            f"`start_date` ({start_date}) is before `clearance_date` ({clearance})",
            "most coaches start once the birth provider has cleared her",
        )
    if goal is None or goal.date is None or not start_date:
        return
    if goal.date <= start_date:
        f.error("goal", f"the goal date ({goal.date}) is not after the start date ({start_date})")
    elif protocol and (goal.date - start_date).days > protocol.max_plan_weeks * 7:
        f.error(
            "goal",
            f"the goal date ({goal.date}) is more than {protocol.max_plan_weeks} "
            "weeks after the start",
            "set a nearer goal, or raise max_plan_weeks in protocol.yaml",
        )


def _check_ins(
    f: Fields, protocol: Protocol | None, delivery_date: date | None
) -> tuple[CheckIn, ...]:
    """The coach's check-ins; each must say which symptoms she reported (``[]`` for none)."""
    check_ins: list[CheckIn] = []
    known = [s.id for s in (*protocol.hold_symptoms, *protocol.stop_symptoms)] if protocol else []
    spec = PROFILE.field("check_ins")
    for iname, line, value in f.read(spec):
        cf = f.item_fields(iname, line, value)
        if cf is None:
            continue
        cdate = cf.read(spec.field("date"))
        symptoms = cf.required_list(
            "symptoms",
            "say what she reported",
            "write `symptoms: []` when she had none, or list them, e.g. [heaviness]",
        )
        if protocol:
            _known(cf, f"{iname}.symptoms", "symptom", [s for s in symptoms if s != "none"],
                   known, f"allowed: {', '.join(known)}, or [] for none")
        note = cf.read(spec.field("note"))
        cf.finish(spec.names)
        if cdate is not None:
            _after_delivery(cf, iname, cdate, delivery_date)
            check_ins.append(CheckIn(cdate, tuple(s for s in symptoms if s != "none"), note))
    return tuple(sorted(check_ins, key=lambda c: c.date))


def _known(
    f: Fields, name: str, what: str, values: Iterable[str], known: list[str], allowed: str
) -> None:
    """Each of ``values`` must be one of ``known`` (the protocol's ids)."""
    key = name.rsplit(".", 1)[-1]
    for value in values:
        if value not in known:
            near = did_you_mean(value, known)
            hint = f"{near} {allowed}" if near else allowed
            f.error(key, f"unknown {what} `{value}` in {name}", hint)


def _after_delivery(f: Fields, name: str, day: date, delivery_date: date | None) -> None:
    if delivery_date is not None and day < delivery_date:
        f.error("date", f"{name}.date {day} is before the delivery date {delivery_date}")


def _readiness_checks(
    f: Fields, protocol: Protocol | None, delivery_date: date | None
) -> tuple[ReadinessCheck, ...]:
    """Readiness check results: the tests she did not pass (``failed: []`` = passed)."""
    checks: list[ReadinessCheck] = []
    tests = [t.id for t in protocol.readiness_tests] if protocol else []
    spec = PROFILE.field("readiness_checks")
    for iname, line, value in f.read(spec):
        rf = f.item_fields(iname, line, value)
        if rf is None:
            continue
        rdate = rf.read(spec.field("date"))
        failed = rf.required_list(
            "failed",
            "list the tests she did not pass",
            "write `failed: []` when she passed them all",
        )
        if protocol:
            _known(rf, f"{iname}.failed", "readiness test", failed, tests,
                   f"the tests are: {', '.join(tests)}")
        rf.finish(spec.names)
        if rdate is not None:
            _after_delivery(rf, iname, rdate, delivery_date)
            if rdate in {c.date for c in checks}:
                rf.error("date", f"two readiness checks on {rdate}", "keep one result per day")
            checks.append(ReadinessCheck(rdate, tuple(dict.fromkeys(failed))))
    return tuple(sorted(checks, key=lambda c: c.date))


def _breaks(f: Fields, delivery_date: date | None) -> tuple[Break, ...]:
    """Breaks (illness, travel): no session inside; they must not overlap."""
    found: list[tuple[Break, Fields]] = []
    spec = PROFILE.field("breaks")
    for iname, line, value in f.read(spec):
        bf = f.item_fields(iname, line, value)
        if bf is None:
            continue
        start = bf.read(spec.field("start"))
        end = bf.read(spec.field("end"))
        reason = bf.read(spec.field("reason"))
        bf.finish(spec.names)
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
