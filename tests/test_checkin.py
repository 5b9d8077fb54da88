"""`postrun checkin`: a check-in logged from the terminal, the profile's comments and layout
kept, and the run log her site downloads imported (one check-in per run, duplicates skipped)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli

from .conftest import REPO, SAM, Workspace

PROFILE = "profiles/sam-rivera.yaml"
TODAY = date.today().isoformat()


def run(runner: CliRunner, root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["-C", str(root), "checkin", *args])
    return result.exit_code, result.output


def test_checkin_appends_one_line_and_keeps_everything_else(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    before = (root / PROFILE).read_text("utf-8")
    code, out = run(runner, root, "sam-rivera", "--date", "2026-11-20",
                    "--symptoms", "heaviness,leakage", "--note", "after the 2nd run")
    assert code == 0, out
    assert "Logged 1 check-in for Sam Rivera in profiles/sam-rivera.yaml" in out
    after = (root / PROFILE).read_text("utf-8")
    new_line = ('  - {date: 2026-11-20, symptoms: [heaviness, leakage], '
                'note: "after the 2nd run"}\n')
    old_line = '  - {date: 2026-11-13, symptoms: [], note: "Core work going well; no leaking."}\n'
    assert after == before.replace(old_line, old_line + new_line)
    assert after.startswith("# Sam: vaginal birth")  # comments kept
    assert runner.invoke(cli, ["-C", str(root), "check"]).exit_code == 0


def test_checkin_by_full_slug_with_none_and_today_by_default(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    code, out = run(runner, root, SAM, "--symptoms", "none")
    assert code == 0, out
    text = (root / PROFILE).read_text("utf-8")
    assert f"  - {{date: {TODAY}, symptoms: []}}\n" in text


def test_a_profile_without_check_ins_gets_the_field(
    runner: CliRunner, workspace: Workspace
) -> None:
    text = (REPO / PROFILE).read_text("utf-8")
    start, end = text.index("check_ins:"), text.index("coach_note:")
    root = workspace({PROFILE: text[:start] + text[end:]})
    code, out = run(runner, root, "sam-rivera", "--date", "2026-11-20", "--symptoms", "none")
    assert code == 0, out
    after = (root / PROFILE).read_text("utf-8")
    assert "check_ins:\n  - {date: 2026-11-20, symptoms: []}\n" in after
    assert "Welcome, Sam!" in after
    assert runner.invoke(cli, ["-C", str(root), "check"]).exit_code == 0


def test_an_unknown_symptom_is_refused_with_did_you_mean(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    before = (root / PROFILE).read_bytes()
    code, out = run(runner, root, "sam-rivera", "--symptoms", "heavyness")
    assert code == 1
    assert "`heavyness` is not a symptom of your protocol" in out
    assert "did you mean `heaviness`?" in out
    assert (root / PROFILE).read_bytes() == before


def test_a_check_in_that_fails_validation_leaves_the_file_untouched(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    before = (root / PROFILE).read_bytes()
    code, out = run(runner, root, "sam-rivera", "--date", "2026-01-01", "--symptoms", "none")
    assert code == 1
    assert "is before the delivery date" in out
    assert (root / PROFILE).read_bytes() == before
    code, out = run(runner, root, "sam-rivera", "--date", "2999-01-01", "--symptoms", "none")
    assert code == 1 and "in the future" in out
    assert (root / PROFILE).read_bytes() == before


def test_an_unknown_client_names_the_nearest(runner: CliRunner, workspace: Workspace) -> None:
    code, out = run(runner, workspace(), "sam-rivere", "--symptoms", "none")
    assert code == 1 and "did you mean `sam-rivera`?" in out


def test_symptoms_are_required(runner: CliRunner, workspace: Workspace) -> None:
    code, out = run(runner, workspace(), "sam-rivera")
    assert code == 2 and "--symptoms none" in out


LOG = """Sam Rivera: run/walk log (Riverside Postnatal Running)

2026-11-17 Tue · stage 1 · no symptoms
2026-11-19 Thu · stage 1 · pelvic heaviness or dragging; leaking urine
2026-11-21 Sat · stage 1 · no symptoms
"""


def test_from_log_imports_one_check_in_per_run_and_skips_duplicates(
    runner: CliRunner, workspace: Workspace, tmp_path: Path
) -> None:
    root = workspace()
    log = tmp_path / "running-log.txt"
    log.write_text(LOG, "utf-8")
    code, out = run(runner, root, "sam-rivera", "--from-log", str(log))
    assert code == 0, out
    assert "Logged 3 check-ins" in out
    text = (root / PROFILE).read_text("utf-8")
    assert ('  - {date: 2026-11-19, symptoms: [heaviness, leakage], '
            'note: "from her run log (stage 1)"}') in text
    assert "  - {date: 2026-11-17, symptoms: [], note:" in text
    again = run(runner, root, "sam-rivera", "--from-log", str(log))
    assert again[0] == 0 and "Nothing to log" in again[1]
    assert (root / PROFILE).read_text("utf-8") == text
    assert runner.invoke(cli, ["-C", str(root), "check"]).exit_code == 0


def test_from_log_reads_a_json_block_when_there_is_one(
    runner: CliRunner, workspace: Workspace, tmp_path: Path
) -> None:
    root = workspace()
    entries = [{"date": "2026-11-18", "stage": 2, "symptoms": ["pain"]},
               {"date": "2026-11-13", "stage": None, "symptoms": []}]
    log = tmp_path / "running-log.txt"
    # As her site writes it (templates/assets/app.js, logText): the lines, then the JSON.
    begin = "----- postrun log data (for your coach's postrun; please leave as it is) -----"
    log.write_text(LOG.splitlines()[0] + "\n\n2026-11-18 Wed · stage 2 · pain in the pelvis\n\n"
                   + begin + "\n" + json.dumps({"schema": 1, "plan": "x", "entries": entries})
                   + "\n----- end of postrun log data -----\n", "utf-8")
    code, out = run(runner, root, "sam-rivera", "--from-log", str(log))
    assert code == 0, out
    assert "Logged 1 check-in" in out and "already logged" in out  # 2026-11-13 was there
    text = (root / PROFILE).read_text("utf-8")
    assert '  - {date: 2026-11-18, symptoms: [pain], note: "from her run log (stage 2)"}' in text


def test_from_log_with_an_unknown_symptom_changes_nothing(
    runner: CliRunner, workspace: Workspace, tmp_path: Path
) -> None:
    root = workspace()
    before = (root / PROFILE).read_bytes()
    log = tmp_path / "running-log.txt"
    log.write_text(LOG.replace("leaking urine", "leaky urine"), "utf-8")
    code, out = run(runner, root, "sam-rivera", "--from-log", str(log))
    assert code == 1, out
    assert f"{log}:4: `leaky urine` is not a symptom" in out
    assert "did you mean `leaking urine`?" in out
    assert (root / PROFILE).read_bytes() == before
