"""Typed access to one YAML mapping, recording every problem with its file and line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from msgspec.structs import replace

from ..errors import Problems, cut, did_you_mean
from ..i18n import LanguageError, parse_language
from ..models import WEEKDAYS
from ..yamltree import YList, YMap
from .schema import ID_PATTERN, SLUG_PATTERN, Spec

SLUG_RE = re.compile(SLUG_PATTERN)
ID_RE = re.compile(ID_PATTERN)
_MISSING: Any = object()
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DATE_EXAMPLE = "2026-07-20"


def parse_date(text: str) -> date:
    """A date written YYYY-MM-DD; ValueError with words for the coach otherwise."""
    text = text.strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match is None:
        raise ValueError(f"write dates as {DATE_EXAMPLE}")
    year, month, day = match.groups()
    if len(month) == 1 or len(day) == 1:
        padded = f"{year}-{int(month):02d}-{int(day):02d}"
        part = "day" if len(month) == 2 else "month" if len(day) == 2 else "month and the day"
        try:
            date.fromisoformat(padded)
        except ValueError:
            raise ValueError("not a real date: check the day and month") from None
        raise ValueError(f"write the {part} with two digits: {padded}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("not a real date: check the day and month") from None
FIRST_YEAR, LAST_YEAR = 1900, 2200
"""Dates outside these years are refused: a plan adds years to them and must stay in range."""


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
        """A whole number from ``low`` to ``high``; required when there is no ``default``."""
        value = self.raw(key, default is None)
        if value is _MISSING:
            return default
        return self._whole(key, value, low, high, hint)

    def _whole(self, key: str, value: Any, low: int, high: int, hint: str | None) -> int | None:
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
            return self._in_years(key, value)
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value.strip()):
            try:
                parsed = parse_date(value)
            except ValueError as exc:
                real = str(exc).startswith("not a real date")
                self.error(
                    key,
                    f"`{self.name(key)}` is not a real date (got {value})"
                    if real
                    else f"`{self.name(key)}` must be written YYYY-MM-DD (got {value})",
                    "check the day and month" if real else str(exc),
                )
                return None
            return self._in_years(key, parsed)
        self.error(
            key,
            f"`{self.name(key)}` must be a date like 2026-09-01 (got {_show(value)})",
            f"write YYYY-MM-DD: year, month, day, e.g. {DATE_EXAMPLE}",
        )
        return None

    def _in_years(self, key: str, value: date) -> date | None:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            self.error(
                key,
                f"`{self.name(key)}` must be a date between {FIRST_YEAR} and {LAST_YEAR} "
                f"(got {value})",
                "check the year",
            )
            return None
        return value

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

    def by_id(self, key: str, required: bool = False) -> list[tuple[str, int, Any]]:
        """(id, line, value) for each entry of a mapping keyed by ids, e.g. ``phases: {core:
        …}`` in a protocol's texts."""
        value = self.raw(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, YMap):
            self.error(
                key,
                f"`{self.name(key)}` must be a mapping of `id: …` lines",
                "write one id per indented line, e.g. `  core: …`",
            )
            return []
        return [(str(k), value.key_lines.get(k, value.line), v) for k, v in value.items()]

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

    def read(self, spec: Spec, **change: Any) -> Any:
        """The value of one declared field (:mod:`.schema`), checked against its type, range
        or choices; ``change`` narrows the declaration for this file (e.g. a range that
        depends on the protocol). Mappings come back as :class:`Fields`, lists as items."""
        if change:
            spec = replace(spec, **change)
        key, kind = spec.name, spec.kind
        if kind in ("text", "markdown"):
            return self.text(key, spec.required, "" if spec.default is None else spec.default)
        if kind == "integer":
            value = self.raw(key, spec.required)
            if value is _MISSING:
                return spec.default
            return self._whole(key, value, spec.low or 0, spec.high or 0, spec.hint or None)
        if kind == "boolean":
            return self.boolean(key, bool(spec.default))
        if kind == "date":
            return self.date_field(key, spec.required)
        if kind == "choice":
            return self.choice(key, spec.choices, None if spec.required else spec.default)
        if kind == "lines":
            return self.text_list(key)
        if kind == "weekdays":
            return self.weekdays(key)
        if kind == "time":
            return self.clock(key)
        if kind == "mapping":
            return self.mapping(key, spec.required)
        if kind == "by_id":
            return self.by_id(key, spec.required)
        return self.items(key, spec.required)

    def matches(self, spec: Spec, value: str) -> bool:
        """Whether a text has the shape its declaration asks for."""
        return spec.pattern is None or re.search(spec.pattern, value) is not None

    def clock(self, key: str) -> time | None:
        """A time of day, HH:MM (24-hour)."""
        value = self.raw(key, False)
        if value is _MISSING:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            # YAML 1.1 reads an unquoted 07:30 as the base-60 number 450.
            return time(value // 60, value % 60)
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(value).strip())
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return time(int(match[1]), int(match[2]))
        self.error(
            key, f"`{key}` must be a time like 07:30 (got {_show(value)})", "write HH:MM, 24-hour"
        )
        return None

    def weekdays(self, key: str) -> tuple[int, ...] | None:
        """Weekday numbers (Monday = 0), sorted; None when absent or wrong."""
        days = self.text_list(key) if key in self.data else None
        if days is None:
            self.used.add(key)
            return None
        result: list[int] = []
        for day in days:
            d = day.lower()
            if d in _DAY_NAMES:
                d = d[:3]
            if d not in WEEKDAYS:
                self.error(
                    key,
                    f"`{key}` has {day!r}, which is not a weekday",
                    did_you_mean(d, WEEKDAYS) or f"use {', '.join(WEEKDAYS)}",
                )
                return None
            if WEEKDAYS.index(d) in result:
                self.error(key, f"`{key}` names {d} twice")
                return None
            result.append(WEEKDAYS.index(d))
        if not result:
            self.error(key, f"`{key}` is empty", "name at least one day, or remove the line")
            return None
        return tuple(sorted(result))

    def required_list(self, key: str, why: str, hint: str) -> tuple[str, ...]:
        """A list that must be written even when empty (``[]``), e.g. a check-in's symptoms."""
        self.used.add(key)
        if key not in self.data:
            self.error(None, f"`{self.name(key)}` is required: {why}", hint)
            return ()
        return () if self.data[key] is None else self.text_list(key)

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


def read_language(f: Fields, key: str, value: str) -> str | None:
    """A language tag postrun speaks, written the standard way (``de-at`` -> ``de-AT``); None
    (with a problem naming the languages postrun speaks) otherwise, or when it is empty."""
    if not value:
        return None
    try:
        return parse_language(value)
    except LanguageError as exc:
        f.error(key, f"`{f.name(key)}`: {exc.message}", exc.hint)
        return None


def _show(value: Any) -> str:
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    return cut(
        repr(value)
        if isinstance(value, str)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value),
        60,
    )


def _fresh(problems: Problems, count: int) -> bool:
    """True when no error was added since ``count`` errors were seen."""
    return len(problems.errors) == count
