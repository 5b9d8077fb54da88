"""``content/exercises/*.md``: one exercise per file, front matter and a Markdown body."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Problems
from ..models import (
    CATEGORIES,
    LEVELS,
    Dosage,
    Exercise,
    Variant,
)
from .fields import SLUG_RE, Fields, _fresh
from .markup import MarkdownRenderer
from .read import read_text, split_front_matter


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
