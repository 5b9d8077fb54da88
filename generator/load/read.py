"""Reading workspace files: text that is UTF-8 and not too large, YAML mappings, front matter."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..errors import Problems

if TYPE_CHECKING:
    from ..yamltree import YMap

MAX_FILE_BYTES = 1_000_000
"""Largest text file read (a profile is a few KB, the longest guide page some 20 KB)."""

MAX_MEDIA_BYTES = 20_000_000
"""Largest picture under content/media/."""


class Refused(Exception):
    """A workspace file that cannot be read, with what to do about it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def workspace_of(path: Path, rel: str) -> Path:
    """The workspace root, given a file's path and its path relative to that root."""
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
        return path.parent
    root = path
    for _ in parts:
        root = root.parent
    return root


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, with every link followed, is inside ``root`` (also followed)."""
    real, base = os.path.realpath(path), os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def read_input(
    path: Path, rel: str, limit: int = MAX_FILE_BYTES, check_only: bool = False
) -> bytes:
    """The one way in for a workspace file: its bytes, or :class:`Refused`.

    Only a regular file inside the workspace is read (a link may point elsewhere inside it);
    a folder, a pipe, a device or a link out of the workspace is refused without opening it
    for a blocking read, and never more than ``limit`` + 1 bytes are read.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise Refused("the file does not exist", "check the name and folder") from None
    except OSError as exc:
        raise Refused(f"cannot read the file ({exc.strerror})", _ACCESS) from None
    if stat.S_ISLNK(info.st_mode) and not path.exists():
        raise Refused(
            "the file is a link to something that does not exist",
            "replace the link with the file itself",
        )
    if not inside(path, workspace_of(path, rel)):
        raise Refused(
            "the file is a link to a place outside the workspace",
            "copy the file into the workspace instead of linking to it",
        )
    if stat.S_ISDIR(os.stat(path).st_mode):
        raise Refused("this is a folder, not a file", "move or rename the folder")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Refused(f"cannot read the file ({exc.strerror})", _ACCESS) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Refused("this is a folder, not a file", "move or rename the folder")
        if not stat.S_ISREG(info.st_mode):
            raise Refused(
                "this is not a regular file (a pipe, device or socket)",
                "replace it with an ordinary text file",
            )
        if info.st_size > limit:
            raise _too_large(limit)
        if check_only:
            return b""
        data = read_at_most(fd, limit)
        if data is None:
            raise _too_large(limit)
        return data
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise Refused("this is a folder, not a file", "move or rename the folder") from None
        raise Refused(f"cannot read the file ({exc.strerror})", _ACCESS) from None
    finally:
        os.close(fd)


_ACCESS = "check that the file exists and that you may read it (its permissions)"


def _too_large(limit: int) -> Refused:
    size = f"{limit // 1_000_000} MB" if limit >= 1_000_000 else f"{limit // 1000} KB"
    return Refused(f"the file is larger than {size}", "is this the right file?")


def read_text(path: Path, rel: str, problems: Problems, limit: int = MAX_FILE_BYTES) -> str | None:
    """The file's text, or None with a problem when it is unreadable, too large or not UTF-8."""
    try:
        raw = read_input(path, rel, limit)
    except Refused as exc:
        problems.add(rel, None, None, exc.message, exc.hint)
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
    from ..yamltree import YMap, parse  # YAML only when a file is parsed, not to fingerprint

    before = len(problems)
    data = parse(text, rel, problems, offset)
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


def read_at_most(fd: int, limit: int) -> bytes | None:
    """All of an open file's bytes, or None when there are more than ``limit``: never reads
    more than ``limit + 1`` bytes, whatever the file claims its size is."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks) if size <= limit else None
