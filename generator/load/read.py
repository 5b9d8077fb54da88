"""Reading workspace files: text that is UTF-8 and not too large, YAML mappings, front matter."""

from __future__ import annotations

from pathlib import Path

from .. import yamltree
from ..errors import Problems
from ..yamltree import YMap

MAX_FILE_BYTES = 1_000_000


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
