"""The one error type of postrun: problems a coach can read, find and fix.

Every stage reports bad input as :class:`Problem` records (file, line, field, message, hint)
collected in a :class:`Problems` list; a stage that found any raises :class:`PostrunError` once,
carrying all of them, and the CLI prints them and exits 1.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Iterator
from typing import IO, Literal

import click
import msgspec

Severity = Literal["error", "warning"]

MESSAGE_LIMIT = 2000
"""Longest message shown: a 900 KB value pasted by mistake is cut, not printed in full."""


def cut(text: str, limit: int = 80) -> str:
    """``text`` at most ``limit`` characters long (cut to one line, ending in an ellipsis)."""
    if len(text) <= limit:
        return text
    flat = "".join(c if c.isprintable() else " " for c in text[:limit])
    return flat[: limit - 1] + "…"


class Problem(msgspec.Struct, frozen=True):
    """One thing wrong with the input, pointing at where to fix it."""

    file: str
    """Path relative to the workspace root, e.g. ``profiles/ana.yaml``."""
    line: int | None
    """1-based line in ``file``, when known."""
    field: str | None
    """Dotted path of the field, e.g. ``goal.date`` or ``check_ins[2].symptoms``."""
    message: str
    hint: str | None = None
    severity: Severity = "error"

    def format(self) -> str:
        file = cut(self.file, 200)
        where = file if self.line is None else f"{file}:{self.line}"
        label = "warning: " if self.severity == "warning" else ""
        field = f"{self.field}: " if self.field and not self.message.startswith(self.field) else ""
        text = f"{where}: {label}{cut(field, 100)}{cut(self.message, MESSAGE_LIMIT)}"
        if self.hint:
            text += f" — hint: {cut(self.hint, MESSAGE_LIMIT)}"
        return text


class Problems:
    """Collects problems so that one run reports all of them."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def add(
        self,
        file: str,
        line: int | None,
        field: str | None,
        message: str,
        hint: str | None = None,
        severity: Severity = "error",
    ) -> None:
        self._items.append(Problem(file, line, field, message, hint, severity))

    def extend(self, problems: Iterable[Problem]) -> None:
        self._items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self._items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self._items if p.severity == "warning"]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise PostrunError(self._items)


class PostrunError(click.ClickException):
    """Bad input, with every problem found; shown once by the CLI, exit status 1."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            items = [Problem("postrun", None, None, problems)]
        elif isinstance(problems, Problem):
            items = [problems]
        else:
            items = list(problems)
        self.problems = tuple(items)
        super().__init__("\n".join(p.format() for p in self.problems))

    def show(self, file: IO[str] | None = None) -> None:
        errors = [p for p in self.problems if p.severity == "error"]
        for problem in self.problems:
            click.secho(
                problem.format(), err=True, fg=None if problem.severity == "error" else "yellow"
            )
        if errors:
            count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
            click.echo(f"{count} found; nothing was changed.", err=True)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The nearest known name to ``word``, as a hint, or None when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


ENVIRONMENT_ERRNOS = frozenset(
    {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EMLINK}
)
"""Faults of the machine, not of postrun: shown as problems with what to do."""


def environment_error(exc: OSError, doing: str) -> PostrunError | OSError:
    """A problem for a fault of the machine (permissions, a read-only or full disk); any
    other OSError is returned as it is (it may be postrun's own bug)."""
    where = cut(str(exc.filename), 200) if exc.filename else "postrun"
    if exc.errno in (errno.EACCES, errno.EPERM):
        message, hint = (
            "permission denied",
            (
                "make the folder writable for you (e.g. `chmod -R u+w` on it), "
                "or build into another folder with --out"
            ),
        )
    elif exc.errno == errno.EROFS:
        message, hint = "the disk is read-only", "build into a writable folder with --out DIR"
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
        message, hint = "the disk is full", "free some space, then build again"
    elif exc.errno == errno.EMLINK:
        message, hint = "too many links to one file", "build with --clean"
    else:
        return exc
    return PostrunError(
        Problem(where, None, None, f"cannot {doing}: {message}", hint + "; nothing was changed")
    )
