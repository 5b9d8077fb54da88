"""`postrun check` and `list` as a coach meets them: warnings for her, with lines; one bad
file never hides the rest; leftovers from `postrun init` are pointed out before publishing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.load import load_workspace, stale_start

from .conftest import REPO, Workspace

SAM = "profiles/sam-rivera.yaml"


def sam_text() -> str:
    return (REPO / SAM).read_text("utf-8")


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def run(runner: CliRunner, root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["-C", str(root), *args])
    return result.exit_code, result.output


def test_a_tab_is_called_a_tab(runner: CliRunner, workspace: Workspace) -> None:
    text = sam_text().replace("level: beginner", "level:\n\tbeginner")
    code, out = run(runner, workspace({SAM: text}), "check")
    line = line_of(text, "\tbeginner")
    assert code == 1
    assert f"{SAM}:{line}: a tab character at line {line}: YAML indents with spaces" in out


def test_a_single_problem_gets_a_summary(runner: CliRunner, workspace: Workspace) -> None:
    code, out = run(runner, workspace({SAM: sam_text().replace("level: beginner", "level: x")}),
                    "check")
    assert code == 1 and out.rstrip().endswith("1 problem found; nothing was changed.")


def test_two_files_for_one_client_are_refused_by_check_and_build_alike(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    assert run(runner, root, "build", "-q")[0] == 0
    before = sorted(p.name for p in (root / "site").iterdir())
    (root / "profiles/sam-rivera.yml").write_text(sam_text(), "utf-8")
    for command in ("check", "build"):
        code, out = run(runner, root, command)
        assert code == 1, out
        assert "profiles/sam-rivera.yaml and profiles/sam-rivera.yml are two profiles for the " \
            "same client" in out
        assert "slug" not in out
    assert sorted(p.name for p in (root / "site").iterdir()) == before


def test_an_unset_passphrase_variable_is_a_check_error(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = sam_text() + "passphrase_env: POSTRUN_TEST_UNSET_PASS\n"
    monkeypatch.delenv("POSTRUN_TEST_UNSET_PASS", raising=False)
    root = workspace({SAM: text})
    code, out = run(runner, root, "check")
    assert code == 1
    line = line_of(text, "passphrase_env")
    assert f"{SAM}:{line}: passphrase_env: the environment variable POSTRUN_TEST_UNSET_PASS " \
        "is not set" in out
    monkeypatch.setenv("POSTRUN_TEST_UNSET_PASS", "maple tide orbit kettle")
    code, out = run(runner, root, "check")
    assert code == 0 and "passphrase_env" not in out, out


def test_leftovers_from_init_are_warned_about(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "practice"
    assert run(runner, tmp_path, "init", str(root))[0] == 0
    code, out = run(runner, root, "check")
    assert code == 0, out
    line = line_of((root / SAM).read_text("utf-8"), "name:")
    assert f"{SAM}:{line}: warning: name: Sam Rivera is the example client" in out
    site = root / "content/site.yaml"
    text = site.read_text("utf-8")
    assert f"content/site.yaml:{line_of(text, 'practice:')}: warning: practice:" in out
    assert f"content/site.yaml:{line_of(text, 'coach:')}: warning: coach:" in out
    site.write_text(text.replace("Riverside Postnatal Running", "Hill Mums Running")
                    .replace("Jo Alvarez", "Kim Lee"), "utf-8")
    profile = root / SAM
    profile.write_text(profile.read_text("utf-8").replace("Sam Rivera", "Sam Rivers"), "utf-8")
    code, out = run(runner, root, "check")
    assert code == 0 and "example" not in out, out


def test_plan_warnings_speak_to_the_coach_with_lines(
    runner: CliRunner, workspace: Workspace
) -> None:
    text = sam_text().replace("date: 2027-03-06", "date: 2026-12-20")
    code, out = run(runner, workspace({SAM: text}), "check", "--today", "2026-11-22")
    assert code == 0, out
    line = line_of(text, "goal:")
    assert f"{SAM}:{line}: warning: goal: her goal, parkrun 5 km on 2026-12-20, comes before " \
        "her plan reaches its last stage" in out
    assert "your coach" not in out.lower()


def test_an_open_hold_is_a_warning_at_the_check_in_line(
    runner: CliRunner, workspace: Workspace
) -> None:
    text = sam_text().replace(
        '  - {date: 2026-11-13, symptoms: [], note: "Core work going well; no leaking."}',
        '  - {date: 2026-11-13, symptoms: [], note: "Core work going well; no leaking."}\n'
        "  - {date: 2026-12-10, symptoms: [heaviness]}")
    code, out = run(runner, workspace({SAM: text}), "check", "--today", "2026-12-12")
    assert code == 0, out
    line = line_of(text, "heaviness")
    assert f"{SAM}:{line}: warning: check_ins: her progression is on hold since the check-in " \
        "of 2026-12-10 (pelvic heaviness or dragging)" in out
    assert "postrun checkin sam-rivera --symptoms none" in out


def test_a_start_long_past_without_check_in_names_start_date_and_today(
    runner: CliRunner, workspace: Workspace
) -> None:
    text = sam_text().split("check_ins:")[0]
    root = workspace({SAM: text})
    code, out = run(runner, root, "check", "--today", "2026-12-01")
    line = line_of(text, "start_date:")
    assert code == 0, out
    assert f"{SAM}:{line}: warning: start_date: her plan started on 2026-10-20, 6 weeks ago" \
        in out
    assert "set `start_date: 2026-12-01`" in out and "`postrun checkin sam-rivera`" in out
    # The same rule, for `postrun new` to call.
    workspace_, _ = load_workspace(root)
    sam = next(p for p in workspace_.profiles if p.file == SAM)
    assert stale_start(sam, date(2026, 11, 3)) is None  # 14 days: not yet
    warning = stale_start(sam, date(2026, 11, 4), 6)
    assert warning is not None and warning.line == 6 and warning.field == "start_date"


def test_list_shows_the_clients_it_can_and_marks_the_broken_ones(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace({"profiles/bea.yaml": "name: [unclosed\n"})
    result = runner.invoke(cli, ["-C", str(root), "list", "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert "sam-rivera-" in result.output and "priya-shah-" in result.output
    broken = next(line for line in result.output.splitlines()
                  if line.startswith("profiles/bea.yaml "))
    assert "BROKEN" in broken
    assert "profiles/bea.yaml:2: YAML syntax error" in result.output
    assert "1 profile could not be read" in result.output
