"""`postrun new`: only what has no default is required, answers are checked as they are typed,
dates are asked for in words a coach understands, and a plan that started weeks ago is named."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from generator.cli import cli

from .conftest import Workspace


def new(runner: CliRunner, root: object, *args: str, answers: str | None = None) -> object:
    return runner.invoke(cli, ["-C", str(root), "new", *args], input=answers)


def test_without_a_terminal_only_name_and_dates_are_needed(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    result = runner.invoke(cli, ["-C", str(root), "new", "ana", "--name", "Ana",
                                 "--delivery-date", "2026-08-01", "--clearance-date",
                                 "2026-11-01"])
    assert result.exit_code == 0, result.output
    text = (root / "profiles/ana.yaml").read_text("utf-8")
    assert "\n# level: beginner\n" in text and "\n# delivery: vaginal\n" in text
    # The loader's own defaults for three runs, never a second copy of them.
    assert "\n# run_days: [tue, thu, sat]\n# " in text
    assert "\n# strength_days: [mon, wed, fri]\n" in text
    missing = runner.invoke(cli, ["-C", str(root), "new", "bea", "--name", "Bea"])
    assert missing.exit_code == 2
    assert "Delivery date is needed (--delivery-date)" in missing.output
    assert "Clearance date is needed (--clearance-date)" in missing.output
    assert "Her name" not in missing.output


def test_two_runs_a_week_gets_the_loaders_strength_days(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    result = runner.invoke(cli, ["-C", str(root), "new", "ana", "--name", "Ana",
                                 "--delivery-date", "2026-08-01", "--clearance-date",
                                 "2026-11-01", "--runs-per-week", "2"])
    assert result.exit_code == 0, result.output
    text = (root / "profiles/ana.yaml").read_text("utf-8")
    assert "\n# run_days: [tue, sat]\n" in text
    assert "\n# strength_days: [mon, wed, fri]\n" in text


def test_runs_per_week_cap_comes_from_the_protocol(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    args = ["-C", str(root), "new", "ana", "--name", "Ana", "--delivery-date", "2026-08-01",
            "--clearance-date", "2026-11-01", "--runs-per-week", "4"]
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 1
    assert "`runs_per_week` must be between 1 and 3 (got 4)" in refused.output
    assert "48 h between runs" in refused.output
    protocol = root / "content/protocol.yaml"
    protocol.write_text(protocol.read_text("utf-8").replace(
        "hours_between_runs: 48", "hours_between_runs: 24"), "utf-8")
    allowed = runner.invoke(cli, args)
    assert allowed.exit_code == 0, allowed.output
    assert "runs_per_week: 4" in (root / "profiles/ana.yaml").read_text("utf-8")


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ("20/07/2026", "write dates as 2026-07-20"),
        ("2026-11-6", "write the day with two digits: 2026-11-06"),
        ("2026-02-30", "not a real date"),
    ],
    ids=["day-first", "one-digit-day", "no-such-day"],
)
def test_date_options_say_how_to_write_a_date(
    runner: CliRunner, workspace: Workspace, bad: str, words: str
) -> None:
    root = workspace()
    result = runner.invoke(cli, ["-C", str(root), "new", "ana", "--name", "Ana",
                                 "--delivery-date", bad, "--clearance-date", "2026-11-01"])
    assert result.exit_code == 2
    assert words in result.output and "%Y" not in result.output
    assert not (root / "profiles/ana.yaml").exists()


def test_a_terminal_checks_each_answer_at_once_and_asks_again(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace()
    monkeypatch.setattr("generator.cli._interactive", lambda: True)
    answers = "\n".join([
        "Bea Stone",
        "20/07/2026", "2026-07-20",  # a date written day first is refused, then given right
        "natural", "caesarean",  # not one of the choices
        "2026-07-01", "2026-09-01",  # a clearance before the birth is refused at once
        "", "7", "2",  # the level's default; too many runs for 48 hours
    ]) + "\n"
    result = runner.invoke(cli, ["-C", str(root), "new", "bea"], input=answers)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "write dates as 2026-07-20" in out
    assert "choose one of vaginal | assisted | caesarean" in out
    clearance = out.index("`clearance_date` (2026-07-01) is before `delivery_date` (2026-07-20)")
    # Refused right after it was typed: before the level is asked.
    assert clearance < out.index("Level (beginner | intermediate)")
    assert "`runs_per_week` must be between 1 and 3 (got 7)" in out
    text = (root / "profiles/bea.yaml").read_text("utf-8")
    assert "clearance_date: 2026-09-01" in text and "delivery: caesarean" in text
    assert "level: beginner" in text and "runs_per_week: 2" in text


def test_new_warns_when_her_plan_started_weeks_ago(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    today = date.today()
    clearance = today - timedelta(days=60)
    result = runner.invoke(cli, ["-C", str(root), "new", "ana", "--name", "Ana",
                                 "--delivery-date", (clearance - timedelta(days=60)).isoformat(),
                                 "--clearance-date", clearance.isoformat()])
    assert result.exit_code == 0, result.output
    assert f"warning: start_date: her plan started on {clearance}, 8 weeks ago" in result.output
    assert f"`start_date: {today}`" in result.output
    fresh = runner.invoke(cli, ["-C", str(root), "new", "bea", "--name", "Bea",
                                "--delivery-date", (today - timedelta(days=90)).isoformat(),
                                "--clearance-date", today.isoformat()])
    assert fresh.exit_code == 0 and "warning" not in fresh.output
    birth = (clearance - timedelta(days=60)).isoformat()
    today_start = runner.invoke(cli, ["-C", str(root), "new", "cai", "--name", "Cai",
                                      "--delivery-date", birth, "--clearance-date",
                                      clearance.isoformat(), "--start-date", today.isoformat()])
    assert today_start.exit_code == 0 and "warning" not in today_start.output
    assert f"\nstart_date: {today}\n" in (root / "profiles/cai.yaml").read_text("utf-8")
