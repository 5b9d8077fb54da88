"""Issue #14 through the commands: the protocol's stage limits, the coach's warnings about a
plan, and what her site shows of holds, stops, breaks, readiness results and her goal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from generator.cli import cli

REPO = Path(__file__).resolve().parent.parent
PROTOCOL = "content/protocol.yaml"
Workspace = Callable[..., Path]


def edit(rel: str, old: str, new: str) -> dict[str, str | bytes | None]:
    text = (REPO / rel).read_text("utf-8")
    assert old in text, old
    return {rel: text.replace(old, new, 1)}


def check(runner: CliRunner, root: Path, *args: str) -> Result:
    return runner.invoke(cli, ["-C", str(root), "check", *args])


def line_in(root: Path, rel: str, fragment: str) -> int:
    lines = (root / rel).read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if fragment in line)


def test_a_stage_whose_longest_jog_grows_too_much_is_refused_by_name(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace(edit(PROTOCOL, "  - {jog: 1200, walk: 60, main_minutes: 31}\n", ""))
    result = check(runner, root)
    assert result.exit_code == 1, result.output
    line = line_in(root, PROTOCOL, "jog: 1500")
    assert (
        f"{PROTOCOL}:{line}: stages[8]: stage 9's longest jog (1500 s) is 600 s longer than "
        "stage 8's (900 s); `max_bout_increase_seconds` allows 300 s" in result.output
    )
    assert "hint: add a stage in between" in result.output


def test_a_larger_bout_limit_accepts_bigger_steps(
    runner: CliRunner, workspace: Workspace
) -> None:
    files = edit(PROTOCOL, "  - {jog: 1200, walk: 60, main_minutes: 31}\n", "")
    text = str(files[PROTOCOL]).replace(
        "max_bout_increase_seconds: 300", "max_bout_increase_seconds: 600"
    )
    result = check(runner, workspace({PROTOCOL: text}))
    assert result.exit_code == 0, result.output
