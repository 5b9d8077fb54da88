"""Unit tests of generator.yamltree.parse: only plain data, with the line of every value.

Tags, anchors/aliases, merge keys and duplicate keys are refused with one problem (and None)
instead of being executed, expanded or silently overwritten; ``line_offset`` shifts every line
for front matter; a date-shaped value that is not a real date is kept as text for validation.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest

from generator.errors import Problem, Problems
from generator.yamltree import YList, YMap, parse

FILE = "content/exercises/x.md"


def parsed(text: str, line_offset: int = 0) -> tuple[Any, list[Problem]]:
    problems = Problems()
    return parse(text, FILE, problems, line_offset), list(problems)


def refused(text: str, line_offset: int = 0) -> Problem:
    """Assert ``text`` is refused with exactly one error; return it."""
    value, problems = parsed(text, line_offset)
    assert value is None
    assert len(problems) == 1, problems
    (only,) = problems
    assert only.file == FILE
    assert only.severity == "error"
    assert only.hint
    return only


# ------------------------------------------------------------------ plain data


def test_plain_mapping_keeps_key_and_item_lines() -> None:
    value, problems = parsed("title: Hip circles\nsets: 2\nitems:\n  - one\n  - 2\n")
    assert problems == []
    assert isinstance(value, YMap)
    assert value == {"title": "Hip circles", "sets": 2, "items": ["one", 2]}
    assert value.line == 1
    assert value.key_lines == {"title": 1, "sets": 2, "items": 3}
    items = value["items"]
    assert isinstance(items, YList)
    assert (items.line, items.item_lines) == (4, [4, 5])


def test_line_offset_shifts_every_line_for_front_matter() -> None:
    # As for a .md file whose line 1 is `---`: the YAML starts on line 2.
    value, problems = parsed("title: x\nitems:\n  - a\n  - b\n", line_offset=1)
    assert problems == []
    assert value.line == 2
    assert value.key_lines == {"title": 2, "items": 3}
    assert value["items"].item_lines == [4, 5]


def test_syntax_error_line_includes_the_offset() -> None:
    plain = refused("title: x\ncategory: hip: core\n")
    shifted = refused("title: x\ncategory: hip: core\n", line_offset=1)
    assert plain.line == 2
    assert shifted.line == 3
    assert shifted.message.startswith("YAML syntax error")


def test_refusal_line_includes_the_offset() -> None:
    assert refused("title: x\nsets: !!python/name:os.system\n", line_offset=1).line == 3


@pytest.mark.parametrize(
    "text", ["", "\n", "# only a comment\n"], ids=["empty", "blank", "comment"]
)
def test_empty_document_is_none_without_a_problem(text: str) -> None:
    assert parsed(text) == (None, [])


def test_invalid_date_is_kept_as_text() -> None:
    value, problems = parsed("d: 2026-02-30\ne: 2026-13-01\nok: 2026-09-01\n")
    assert problems == []
    assert value == {"d": "2026-02-30", "e": "2026-13-01", "ok": date(2026, 9, 1)}
    assert isinstance(value["d"], str)


def test_explicit_plain_tag_is_allowed() -> None:
    assert parsed("a: !!str 3\n") == ({"a": "3"}, [])


def test_keys_are_text_as_written() -> None:
    value, _ = parsed("1: x\ntrue: y\n")
    assert list(value) == ["1", "true"]


# ------------------------------------------------------------------ tags


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ('a: !!python/object/apply:os.system ["echo hi"]\n',
         "!!python/object/apply:os.system"),
        ("!!python/object/apply:os.system ['echo hi']\n", "!!python/object/apply:os.system"),
        ("a: !!python/name:os.system\n", "!!python/name:os.system"),
        ("a: !!binary aGk=\n", "!!binary"),
        ("a: !!set {x, y}\n", "!!set"),
        ("a: !secret value\n", "!secret"),
    ],
    ids=["apply", "apply-top-level", "name", "binary", "set", "local-tag"],
)
def test_tag_is_refused_and_not_executed(
    text: str, tag: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    problem = refused(text)
    assert problem.line == 1
    assert problem.message == f"the YAML tag {tag} is not allowed"
    assert calls == []


# ------------------------------------------------------------------ anchors, aliases, merge keys


def test_alias_is_refused() -> None:
    problem = refused("a: &x 1\nb: *x\n")
    assert "anchors and aliases" in problem.message
    assert problem.line == 2  # where the alias is


def test_billion_laughs_is_refused_at_the_first_reuse() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    problem = refused("\n".join(lines) + "\n")
    assert "anchors and aliases" in problem.message


@pytest.mark.parametrize(
    "text",
    ["base: &b {x: 1}\nc:\n  <<: *b\n", "c:\n  <<: {x: 1}\n"],
    ids=["merge-alias", "merge-inline"],
)
def test_merge_key_is_refused(text: str) -> None:
    problem = refused(text)
    assert problem.message == "keys must be plain names"
    assert "<<" in str(problem.hint)


def test_complex_key_is_refused() -> None:
    assert refused("? [a, b]\n: c\n").message == "keys must be plain names"


# ------------------------------------------------------------------ duplicate keys


@pytest.mark.parametrize(
    ("text", "line", "first"),
    [
        ("name: Ana\nlevel: beginner\nname: Bea\n", 3, 1),
        ("goal: {label: a, label: b}\n", 1, 1),
        ("check_ins:\n  - date: 2026-10-01\n    note: a\n    date: 2026-10-02\n", 4, 2),
    ],
    ids=["top-level", "flow-mapping", "nested-in-list"],
)
def test_duplicate_key_is_refused_naming_the_first_line(text: str, line: int, first: int) -> None:
    problem = refused(text)
    assert problem.line == line
    assert f"(first on line {first})" in problem.message
    assert "appears twice" in problem.message


def test_duplicate_key_lines_include_the_offset() -> None:
    problem = refused("title: a\ntitle: b\n", line_offset=1)
    assert problem.line == 3
    assert "(first on line 2)" in problem.message


# ------------------------------------------------------------------ handled badly


def test_deep_nesting_is_a_problem_not_an_exception() -> None:
    problem = refused("a: " + "[" * 3000 + "]" * 3000 + "\n")
    assert "nested too deeply" in problem.message


def test_control_character_gets_a_line() -> None:
    problem = refused("title: x\nsets: 2\x07\n")
    assert problem.line == 2
    assert "<unicode string>" not in problem.message
