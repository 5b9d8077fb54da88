"""Typed access to one YAML mapping, recording every problem with its file and line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from ..errors import Problems, did_you_mean
from ..yamltree import YList, YMap

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_MISSING: Any = object()


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
