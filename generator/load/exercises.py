"""``content/exercises/*.md``: one exercise per file, front matter and a Markdown body."""

from __future__ import annotations

from pathlib import Path

from ..errors import Problems
from ..models import Dosage, Exercise, Variant
from .fields import SLUG_RE, Fields, _fresh
from .markup import MarkdownRenderer
from .read import read_text, split_front_matter
from .schema import EXERCISE


def load_exercises(root: Path, problems: Problems, render: MarkdownRenderer) -> dict[str, Exercise]:
    folder = root / "content" / "exercises"
    result: dict[str, Exercise] = {}
    for path in sorted(folder.glob("*.md")):
        if "." in path.stem:
            continue  # ID.de.md: a translation (load/translations.py)
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
        exercise = read_exercise(path.stem, text, rel, root, problems, render)
        if exercise is not None:
            result[exercise.id] = exercise
    return result


def read_exercise(
    ex_id: str, text: str, rel: str, root: Path, problems: Problems, render: MarkdownRenderer
) -> Exercise | None:
    data, body, body_line = split_front_matter(text, rel, problems)
    if data is None:
        return None
    start = len(problems.errors)
    f = Fields(data, rel, problems)
    v = {spec.name: f.read(spec) for spec in EXERCISE.fields if spec.name != "levels"}
    category = v["category"]
    levels = f.read(EXERCISE.field("levels"), required=category not in (None, "readiness"))
    variants = _variants(levels, render) if levels is not None else ()
    v["image"] = v["image"] or None
    v["video"] = v["video"] or None
    _check_media(f, root, v["image"], v["image_alt"], v["video"])
    f.finish(EXERCISE.names)
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
    html = render(body, (rel, body_line, problems))
    return Exercise(id=ex_id, body_html=html, variants=variants, file=rel, **v)


def _variants(levels: Fields, render: MarkdownRenderer) -> tuple[Variant, ...]:
    """One variant per level written: how, and the dose (``reps`` or ``seconds``)."""
    variants: list[Variant] = []
    for level_spec in EXERCISE.field("levels").fields:
        lf = levels.read(level_spec)
        if lf is None:
            continue
        how, sets, reps, seconds, each_side, per = (lf.read(s) for s in level_spec.fields)
        if reps and seconds:
            lf.error("seconds", "give either `reps` or `seconds`, not both")
        elif "reps" not in lf.data and "seconds" not in lf.data:
            lf.error(
                None,
                f"`{lf.prefix}reps` or `{lf.prefix}seconds` is required",
                "add `reps: 10` or `seconds: 30`",
            )
        lf.finish(level_spec.names)
        if sets is not None:
            dosage = Dosage(sets, reps or None, seconds or None, each_side, per)
            variants.append(Variant(level_spec.name, render(how), dosage))  # type: ignore[arg-type]
    levels.finish(EXERCISE.field("levels").names)
    return tuple(variants)


def _check_media(
    f: Fields, root: Path, image: str | None, image_alt: str, video: str | None
) -> None:
    """A picture lives under content/media/ and is described; a video is an https link."""
    if image is not None:
        image_path = (root / "content" / image).resolve()
        content_dir = (root / "content").resolve()
        steps = image.split("/")
        if (
            not image.startswith("media/")
            or any(step in ("", ".", "..") for step in steps)
            or content_dir not in image_path.parents
        ):
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
    if video is not None and not f.matches(EXERCISE.field("video"), video):
        f.error("video", f"`video` must be an https:// link (got {video!r})")
