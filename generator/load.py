"""Load stage: read a workspace's YAML, front matter and Markdown into validated models.

Every problem found is collected (file, line, field, message, hint) and raised together as one
:class:`~generator.errors.PostrunError`, so a coach fixes a whole batch per run.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import markdown
import nh3

from . import yamltree
from .errors import PostrunError, Problem, Problems, did_you_mean
from .models import (
    CATEGORIES,
    DELIVERIES,
    LEVELS,
    WEEKDAYS,
    CheckIn,
    Content,
    Dosage,
    Exercise,
    Goal,
    Page,
    PhaseKind,
    PhaseSpec,
    Profile,
    ProfileRef,
    Protocol,
    ReadinessTest,
    Site,
    Stage,
    Symptom,
    Variant,
    Workspace,
)
from .yamltree import YList, YMap

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_FILE_BYTES = 1_000_000
_MISSING: Any = object()


# ------------------------------------------------------------------ reading files


def read_text(path: Path, rel: str, problems: Problems) -> str | None:
    """The file's text, or None with a problem when it is unreadable, too large or not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.add(rel, None, None, f"cannot read the file ({exc.strerror})")
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.add(rel, None, None, "the file is larger than 1 MB", "is this the right file?")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(
            rel,
            line,
            None,
            "the file is not UTF-8 text",
            "save it as UTF-8 in your editor (e.g. 'Save with encoding' → UTF-8)",
        )
        return None
    return text.removeprefix("\ufeff")


def read_mapping(path: Path, rel: str, problems: Problems) -> YMap | None:
    """A YAML file that must hold a mapping of fields."""
    text = read_text(path, rel, problems)
    if text is None:
        return None
    return _as_mapping(text, rel, problems, 0)


def _as_mapping(text: str, rel: str, problems: Problems, offset: int) -> YMap | None:
    before = len(problems)
    data = yamltree.parse(text, rel, problems, offset)
    if len(problems) > before:
        return None
    if data is None:
        problems.add(
            rel,
            offset + 1 if offset else None,
            None,
            "the front matter is empty" if offset else "the file is empty",
            "fill in the fields; see the README for an example",
        )
        return None
    if not isinstance(data, YMap):
        line = getattr(data, "line", offset + 1)
        problems.add(
            rel,
            line,
            None,
            "expected a mapping of `field: value` lines",
            "start each line with a field name followed by a colon",
        )
        return None
    return data


def split_front_matter(text: str, rel: str, problems: Problems) -> tuple[YMap | None, str, int]:
    """Split ``---`` YAML front matter from a Markdown body; returns (fields, body, body line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        problems.add(
            rel,
            1,
            None,
            "missing front matter",
            "start the file with a line `---`, the fields, then another `---`",
        )
        return None, "", 1
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            fields = _as_mapping("".join(lines[1:i]), rel, problems, 1)
            return fields, "".join(lines[i + 1 :]), i + 2
    problems.add(
        rel, 1, None, "the front matter is not closed", "add a line `---` after the last field"
    )
    return None, "", 1


# ------------------------------------------------------------------ Markdown


# No <img>: a picture from another host would be a third-party request (exercise images come
# from front matter and ship inside the client's folder).
_TAGS = set(nh3.ALLOWED_TAGS) - {"img"}


class MarkdownRenderer:
    """Markdown to sanitised HTML; one instance per build, so the parser is set up once."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")

    def __call__(self, source: str) -> str:
        if not source.strip():
            return ""
        html = self._md.reset().convert(source)
        # Content and profiles are data, never code: no script, no handlers, no javascript:.
        return nh3.clean(html, tags=_TAGS, url_schemes={"http", "https", "mailto", "tel"}).strip()


# ------------------------------------------------------------------ field reader


class Fields:
    """Typed access to one YAML mapping that records every problem with its line."""

    def __init__(self, data: YMap, file: str, problems: Problems, prefix: str = "") -> None:
        self.data, self.file, self.problems, self.prefix = data, file, problems, prefix
        self.used: set[str] = set()

    def line(self, key: str | None = None) -> int:
        if key is not None and key in self.data.key_lines:
            return self.data.key_lines[key]
        return self.data.line

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def error(self, key: str | None, message: str, hint: str | None = None) -> None:
        self.problems.add(
            self.file,
            self.line(key),
            self.name(key) if key else self.prefix.rstrip(".") or None,
            message,
            hint,
        )

    def warn(self, key: str | None, message: str, hint: str | None = None) -> None:
        self.problems.add(
            self.file, self.line(key), self.name(key) if key else None, message, hint, "warning"
        )

    def raw(self, key: str, required: bool, hint: str | None = None) -> Any:
        self.used.add(key)
        if key in self.data and self.data[key] is None:
            if required:
                self.error(
                    key, f"`{self.name(key)}` is empty", hint or f"write a value after `{key}:`"
                )
            return _MISSING
        if key not in self.data:
            if required:
                self.error(
                    None,
                    f"`{self.name(key)}` is required but missing",
                    hint or f"add a line `{key}: …`",
                )
            return _MISSING
        return self.data[key]

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.raw(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, (YMap, YList, bool)):
            self.error(
                key,
                f"`{self.name(key)}` must be text",
                "write it on one line, in quotes if it has a colon",
            )
            return default
        text = str(value).strip()
        if required and not text:
            self.error(key, f"`{self.name(key)}` must not be empty")
        return text

    def integer(
        self, key: str, low: int, high: int, default: int | None = None, hint: str | None = None
    ) -> int | None:
        value = self.raw(key, default is None)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(
                key,
                f"`{self.name(key)}` must be a whole number (got {_show(value)})",
                hint or f"write a number from {low} to {high}",
            )
            return None
        if not low <= value <= high:
            self.error(
                key, f"`{self.name(key)}` must be between {low} and {high} (got {value})", hint
            )
            return None
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, False)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.error(key, f"`{self.name(key)}` must be true or false (got {_show(value)})")
            return default
        return value

    def date_field(self, key: str, required: bool = False) -> date | None:
        value = self.raw(key, required, f"add a line `{key}: YYYY-MM-DD`")
        if value is _MISSING:
            return None
        return self.check_date(key, value)

    def check_date(self, key: str, value: Any) -> date | None:
        if isinstance(value, datetime):
            self.error(
                key,
                f"`{self.name(key)}` must be a date without a time (got {value})",
                "write YYYY-MM-DD",
            )
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                self.error(
                    key,
                    f"`{self.name(key)}` is not a real date (got {value})",
                    "check the day and month",
                )
                return None
        self.error(
            key,
            f"`{self.name(key)}` must be a date like 2026-09-01 (got {_show(value)})",
            "write YYYY-MM-DD: year, month, day",
        )
        return None

    def choice(self, key: str, choices: Iterable[str], default: str | None = None) -> str | None:
        options = list(choices)
        value = self.raw(key, default is None)
        if value is _MISSING:
            return default
        if not isinstance(value, str) or value not in options:
            near = did_you_mean(str(value), options)
            allowed = " | ".join(options)
            self.error(
                key, f"`{self.name(key)}` must be one of {allowed} (got {_show(value)})", near
            )
            return None
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.raw(key, False)
        if value is _MISSING:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or any(
            isinstance(v, (YMap, YList, bool)) or v is None for v in value
        ):
            self.error(
                key,
                f"`{self.name(key)}` must be a list of text lines",
                "write `- item` lines, one per item",
            )
            return ()
        return tuple(str(v).strip() for v in value)

    def mapping(self, key: str, required: bool = False) -> Fields | None:
        value = self.raw(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, YMap):
            self.error(key, f"`{self.name(key)}` must be a mapping of `field: value` lines")
            return None
        return Fields(value, self.file, self.problems, f"{self.name(key)}.")

    def items(self, key: str, required: bool = False) -> list[tuple[str, int, Any]]:
        """(field name, line, value) for each item of a list."""
        value = self.raw(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, YList):
            self.error(key, f"`{self.name(key)}` must be a list", "write `- item` lines")
            return []
        return [
            (f"{self.name(key)}[{i}]", line, v)
            for i, (v, line) in enumerate(zip(value, value.item_lines, strict=True))
        ]

    def item_fields(self, name: str, line: int, value: Any) -> Fields | None:
        if not isinstance(value, YMap):
            self.problems.add(
                self.file,
                line,
                name,
                "must be a mapping of `field: value` pairs",
                "write `{field: value, …}` or one field per indented line",
            )
            return None
        return Fields(value, self.file, self.problems, f"{name}.")

    def finish(self, known: Iterable[str] | None = None) -> None:
        """Report keys nobody asked for, naming the nearest known one."""
        known_keys = set(known) if known is not None else self.used
        for key in self.data:
            if key not in known_keys:
                self.problems.add(
                    self.file,
                    self.line(key),
                    self.name(key),
                    f"unknown field `{key}`",
                    did_you_mean(key, sorted(known_keys))
                    or "remove it, or check the README for the fields postrun knows",
                )


def _show(value: Any) -> str:
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    return (
        repr(value)
        if isinstance(value, str)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )


def _fresh(problems: Problems, count: int) -> bool:
    """True when no error was added since ``count`` errors were seen."""
    return len(problems.errors) == count


# ------------------------------------------------------------------ site.yaml


def load_site(root: Path, problems: Problems) -> Site | None:
    rel = "content/site.yaml"
    data = read_mapping(root / rel, rel, problems)
    if data is None:
        return None
    start = len(problems.errors)
    f = Fields(data, rel, problems)
    practice = f.text("practice", required=True)
    coach = f.text("coach", required=True)
    contact = f.text("contact")
    language = f.text("language", default="en")
    if language and not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", language):
        f.error(
            "language", f"`language` must be a language tag like en or en-GB (got {language!r})"
        )
    base_url = f.text("base_url") or None
    if base_url is not None:
        if not re.fullmatch(r"https://[^\s/]+(/[^\s]*)?", base_url):
            f.error(
                "base_url",
                f"`base_url` must start with https:// (got {base_url!r})",
                "e.g. https://your-name.github.io/your-repo/",
            )
        elif not base_url.endswith("/"):
            base_url += "/"
    cname = f.text("cname") or None
    if cname is not None and not re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", cname):
        f.error("cname", f"`cname` must be a bare domain like plans.example.com (got {cname!r})")
    f.finish()
    if not _fresh(problems, start):
        return None
    return Site(practice, coach, contact, language, base_url, cname)


# ------------------------------------------------------------------ exercises


def load_exercises(root: Path, problems: Problems, render: MarkdownRenderer) -> dict[str, Exercise]:
    folder = root / "content" / "exercises"
    result: dict[str, Exercise] = {}
    for path in sorted(folder.glob("*.md")):
        rel = f"content/exercises/{path.name}"
        if not SLUG_RE.fullmatch(path.stem):
            problems.add(
                rel,
                None,
                None,
                f"the file name {path.name!r} is not a usable exercise id",
                "use lower-case letters, digits and dashes, e.g. hip-circles.md",
            )
            continue
        text = read_text(path, rel, problems)
        if text is None:
            continue
        exercise = _exercise(path.stem, text, rel, root, problems, render)
        if exercise is not None:
            result[exercise.id] = exercise
    return result


def _exercise(
    ex_id: str, text: str, rel: str, root: Path, problems: Problems, render: MarkdownRenderer
) -> Exercise | None:
    data, body, _ = split_front_matter(text, rel, problems)
    if data is None:
        return None
    start = len(problems.errors)
    f = Fields(data, rel, problems)
    title = f.text("title", required=True)
    category = f.choice("category", CATEGORIES)
    summary = f.text("summary")
    equipment = f.text_list("equipment")
    variants: list[Variant] = []
    levels = f.mapping("levels", required=category not in (None, "readiness"))
    if levels is not None:
        for level in LEVELS:
            lf = levels.mapping(level, required=level == "beginner")
            if lf is None:
                continue
            how = lf.text("how", required=True)
            sets = lf.integer("sets", 1, 10)
            reps = lf.integer("reps", 1, 200, default=0)
            seconds = lf.integer("seconds", 1, 3600, default=0)
            if reps and seconds:
                lf.error("seconds", "give either `reps` or `seconds`, not both")
            elif reps == 0 and seconds == 0 and "reps" not in lf.data and "seconds" not in lf.data:
                lf.error(
                    None,
                    f"`{lf.prefix}reps` or `{lf.prefix}seconds` is required",
                    "add `reps: 10` or `seconds: 30`",
                )
            each_side = lf.boolean("each_side", False)
            per = lf.text("per")
            lf.finish()
            if sets is not None:
                dosage = Dosage(sets, reps or None, seconds or None, each_side, per)
                variants.append(Variant(level, render(how), dosage))  # type: ignore[arg-type]
        levels.finish()
    points = f.text_list("points")
    cautions = f.text_list("cautions")
    target = f.text("target")
    image = f.text("image") or None
    image_alt = f.text("image_alt")
    if image is not None:
        image_path = (root / "content" / image).resolve()
        content_dir = (root / "content").resolve()
        if not image.startswith("media/") or content_dir not in image_path.parents:
            f.error(
                "image",
                f"`image` must be a file under content/media/ (got {image!r})",
                "put the picture in content/media/ and write `image: media/NAME.svg`",
            )
        elif not image_path.is_file():
            f.error(
                "image",
                f"the image {image!r} does not exist",
                f"add the file content/{image} or fix the name",
            )
        if not image_alt:
            f.error(
                "image",
                "an image needs `image_alt`, a short description of it",
                "describe what the picture shows for people who cannot see it",
            )
    video = f.text("video") or None
    if video is not None and not re.fullmatch(r"https://\S+", video):
        f.error("video", f"`video` must be an https:// link (got {video!r})")
    sources = f.text_list("sources")
    f.finish()
    if not body.strip():
        problems.add(
            rel,
            None,
            None,
            "the exercise has no description",
            "write how to do it below the closing `---`",
        )
    if not _fresh(problems, start) or category is None:
        return None
    return Exercise(
        id=ex_id,
        title=title,
        category=category,
        summary=summary,
        body_html=render(body),
        variants=tuple(variants),
        equipment=equipment,
        points=points,
        cautions=cautions,
        image=image,
        image_alt=image_alt,
        video=video,
        sources=sources,
        file=rel,
        target=target,
    )


# ------------------------------------------------------------------ pages


def load_pages(root: Path, problems: Problems, render: MarkdownRenderer) -> tuple[Page, ...]:
    pages: list[Page] = []
    for path in sorted((root / "content" / "pages").glob("*.md")):
        rel = f"content/pages/{path.name}"
        if not SLUG_RE.fullmatch(path.stem):
            problems.add(
                rel,
                None,
                None,
                f"the file name {path.name!r} is not a usable page id",
                "use lower-case letters, digits and dashes, e.g. tips.md",
            )
            continue
        text = read_text(path, rel, problems)
        if text is None:
            continue
        data, body, _ = split_front_matter(text, rel, problems)
        if data is None:
            continue
        start = len(problems.errors)
        f = Fields(data, rel, problems)
        title = f.text("title", required=True)
        order = f.integer("order", -1000, 1000, default=100)
        summary = f.text("summary")
        f.finish()
        if _fresh(problems, start):
            pages.append(Page(path.stem, title, order or 0, render(body), summary))
    if not any(p.id == "safety" for p in pages) and not (root / "content/pages/safety.md").exists():
        problems.add(
            "content/pages/safety.md",
            None,
            None,
            "the safety page is missing",
            "every client's site links to it: restore it with `postrun init` defaults",
        )
    return tuple(sorted(pages, key=lambda p: (p.order, p.id)))


# ------------------------------------------------------------------ protocol.yaml


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

    symptoms: list[Symptom] = []
    for name, line, value in f.items("hold_symptoms", required=True):
        sf = f.item_fields(name, line, value)
        if sf is None:
            continue
        sid = sf.text("id", required=True)
        label = sf.text("label", required=True)
        sf.finish()
        if sid and not ID_RE.fullmatch(sid):
            sf.error("id", f"`{name}.id` must be a short lower-case name (got {sid!r})")
        elif sid in {s.id for s in symptoms}:
            sf.error("id", f"the symptom `{sid}` is listed twice")
        elif sid == "none":
            sf.error("id", "`none` is reserved for a check-in without symptoms")
        elif sid:
            symptoms.append(Symptom(sid, label))

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
        hold_symptoms=tuple(symptoms),
        readiness_tests=tuple(tests),
        stages=tuple(stages),
        phases=phases,
        rest_suggestion=rest,
    )


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


# ------------------------------------------------------------------ profiles


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

    check_ins: list[CheckIn] = []
    symptom_ids = [s.id for s in protocol.hold_symptoms] if protocol else []
    for iname, line, value in f.items("check_ins"):
        cf = f.item_fields(iname, line, value)
        if cf is None:
            continue
        cdate = cf.date_field("date", required=True)
        symptoms = cf.text_list("symptoms")
        bad = [s for s in symptoms if s not in (*symptom_ids, "none") and protocol]
        for s in bad:
            cf.error(
                "symptoms",
                f"unknown symptom `{s}` in {iname}.symptoms",
                (f"{did_you_mean(s, symptom_ids)} " if did_you_mean(s, symptom_ids) else "")
                + f"allowed: {', '.join(symptom_ids)}, or [] for none",
            )
        note = cf.text("note")
        cf.finish()
        if cdate is not None:
            if delivery_date is not None and cdate < delivery_date:
                cf.error(
                    "date", f"{iname}.date {cdate} is before the delivery date {delivery_date}"
                )
            check_ins.append(CheckIn(cdate, tuple(s for s in symptoms if s != "none"), note))
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
        check_ins=tuple(sorted(check_ins, key=lambda c: c.date)),
        coach_note_html=render(coach_note),
        session_time=session_time,
        timezone=timezone,
        reminder_minutes=None if reminder in (None, -1) else reminder,
        passphrase_env=passphrase_env,
    )


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


# ------------------------------------------------------------------ private slugs

SECRET_FILE = ".postrun-secret"
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def slug_suffix(secret: bytes, name: str) -> str:
    """Six characters nobody can guess without the workspace's secret, stable across builds."""
    number = int.from_bytes(hmac.digest(secret, name.encode("utf-8"), "sha256")[:8], "big")
    chars = []
    for _ in range(6):
        number, index = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    return "".join(chars)


def workspace_secret(root: Path, problems: Problems) -> bytes | None:
    """The workspace's secret (made on first use); it keeps client folder names unguessable."""
    path = root / SECRET_FILE
    if not path.exists():
        try:
            path.write_text(secrets.token_hex(32) + "\n", "utf-8")
        except OSError as exc:
            problems.add(
                SECRET_FILE,
                None,
                None,
                f"cannot create the file ({exc.strerror})",
                "make the workspace folder writable",
            )
            return None
        problems.add(
            SECRET_FILE,
            None,
            None,
            "created a new secret that makes each client's web address unguessable",
            "keep this file with your workspace (private); losing it changes every "
            "client's address",
            "warning",
        )
    text = read_text(path, SECRET_FILE, problems)
    if text is None:
        return None
    value = text.strip()
    if not re.fullmatch(r"[0-9a-f]{32,128}", value):
        problems.add(
            SECRET_FILE,
            1,
            None,
            "the secret is damaged (expected 64 hex characters)",
            "restore it from your backup; deleting it gives every client a new address",
        )
        return None
    return value.encode("ascii")


# ------------------------------------------------------------------ the workspace


def profile_paths(root: Path) -> list[Path]:
    folder = root / "profiles"
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def load_workspace(
    root: Path, stems: frozenset[str] | None = None, keep_profiles: bool = True
) -> tuple[Workspace, Problems]:
    """Load and validate everything; raise one PostrunError listing every error found.

    With ``stems``, only those profiles are read (an incremental build knows the rest are
    unchanged since they last built cleanly). With ``keep_profiles`` false, profiles are
    validated one at a time and only their ``refs`` kept, so memory does not grow with the
    practice (a build reads each again when it renders it). Returns the workspace and the
    warnings.
    """
    problems = Problems()
    if not (root / "content").is_dir():
        problems.add(
            str(root),
            None,
            None,
            "this folder is not a postrun workspace (no content/ folder)",
            "run postrun in your workspace, pass -C DIR, or create one with `postrun init DIR`",
        )
        problems.raise_if_errors()
    render = MarkdownRenderer()
    site = load_site(root, problems)
    exercises = load_exercises(root, problems, render)
    pages = load_pages(root, problems, render)
    broken = frozenset(p.stem for p in (root / "content/exercises").glob("*.md")) - set(exercises)
    protocol = load_protocol(root, problems, exercises, broken)
    secret = workspace_secret(root, problems)
    kept: list[Profile] = []
    refs: list[ProfileRef] = []
    for profile in iter_profiles(root, problems, protocol, render, secret, stems):
        refs.append(ProfileRef(profile.file, profile.slug, profile.passphrase_env))
        if keep_profiles:
            kept.append(profile)
    profiles = tuple(kept)
    if stems is None and (not (root / "profiles").is_dir() or not refs) and not problems.errors:
        problems.add(
            "profiles/",
            None,
            None,
            "there are no client profiles yet",
            "add one with `postrun new SLUG`",
            "warning",
        )
    problems.raise_if_errors()
    media_dir = root / "content" / "media"
    media = (
        tuple(
            sorted(
                p.relative_to(root / "content").as_posix()
                for p in media_dir.rglob("*")
                if p.is_file()
            )
        )
        if media_dir.is_dir()
        else ()
    )
    assert site is not None and protocol is not None
    content = Content(site, protocol, exercises, pages, media)
    return Workspace(root, content, profiles, tuple(refs), secret), problems
