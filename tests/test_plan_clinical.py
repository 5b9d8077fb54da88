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


def sam_with(old: str, new: str) -> dict[str, str | bytes | None]:
    return edit("profiles/sam-rivera.yaml", old, new)


SAM = "profiles/sam-rivera.yaml"


def test_a_caesarean_without_a_healed_date_is_a_warning_naming_the_field(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace(sam_with("delivery: vaginal", "delivery: caesarean"))
    result = check(runner, root)
    assert result.exit_code == 0, result.output
    line = line_in(root, SAM, "delivery: caesarean")
    assert (
        f"{SAM}:{line}: warning: injuries_healed_date: a caesarean birth with no "
        "`injuries_healed_date`" in " ".join(result.output.split())
    )
    assert "add `injuries_healed_date:`" in result.output
    # And when her readiness check falls, as it waits for impact practice after healing.
    said = " ".join(result.output.split())
    assert "her readiness check is planned for 20" in said and "after impact practice" in said
    assert check(runner, root, "--strict").exit_code == 1


def test_a_goal_too_soon_warns_the_coach_with_the_line_and_her_stage(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace(sam_with("date: 2027-03-06", "date: 2027-01-09"))
    result = check(runner, root)
    assert result.exit_code == 0, result.output
    line = line_in(root, SAM, "goal:")
    out = " ".join(result.output.split())
    assert f"{SAM}:{line}" in out
    assert "her goal, parkrun 5 km on 2027-01-09, comes before her plan reaches its last stage" \
        in out
    assert "on the day she will be at stage" in out
    assert "Your goal" not in out  # the coach's words, not hers


def test_a_goal_long_after_the_last_stage_warns_the_coach(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace(sam_with("date: 2027-03-06", "date: 2027-09-04"))
    out = " ".join(check(runner, root).output.split())
    assert "weeks after her plan reaches its last stage" in out
    assert "set a nearer goal" in out


def test_her_site_shows_stops_goal_breaks_and_levels(
    runner: CliRunner, workspace: Workspace, tmp_path: Path
) -> None:
    """A stop symptom in a check-in: her pages say to stop and see her GP or a pelvic-health
    physiotherapist; plan.json carries stops, breaks, her goal and each exercise's level; the
    goal is an event of calendar.ics and shows on her calendar."""
    import json

    files = sam_with(
        '  - {date: 2026-11-13, symptoms: [], note: "Core work going well; no leaking."}',
        '  - {date: 2026-11-13, symptoms: [], note: "Core work going well; no leaking."}\n'
        '  - {date: 2026-12-09, symptoms: [bowel], note: "could not hold wind"}\n'
        '  - {date: 2026-12-23, symptoms: [], note: "seen by the physio: all clear"}\n'
        "breaks:\n"
        '  - {start: 2027-01-18, end: 2027-01-24, reason: "flu"}',
    )
    root = workspace(files)
    out = tmp_path / "site"
    result = runner.invoke(cli, ["-C", str(root), "build", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    site = out / "sam-rivera-8547rf"
    data = json.loads((site / "plan.json").read_text("utf-8"))
    assert data["stops"] == [{"start": "2026-12-09", "end": "2026-12-23", "symptoms": ["bowel"]}]
    assert data["breaks"] == [{"start": "2027-01-18", "end": "2027-01-24", "reason": "flu"}]
    assert data["goal"] == {"label": "parkrun 5 km", "date": "2027-03-06"}
    runs = [s for s in data["sessions"] if s["kind"] == "run_walk"]
    assert not [r for r in runs if "2026-12-10" <= r["date"] <= "2026-12-23"]
    after = [r for r in runs if r["date"] > "2026-12-23"]
    assert after[0]["decision"] == "step_back"
    readiness = [s["date"] for s in data["sessions"] if s["kind"] == "readiness"]
    assert any("2026-12-23" <= d < after[0]["date"] for d in readiness)
    levels = {e["level"] for s in data["sessions"] for e in s.get("exercises", [])}
    assert levels <= {"beginner", "intermediate"} and "beginner" in levels
    pages = " ".join(p.read_text("utf-8") for p in site.glob("week-*.html"))
    assert "see your GP or a pelvic-health physiotherapist" in pages
    assert "Your goal:" in pages
    assert "log it in your check-in" not in pages
    overview = (site / "index.html").read_text("utf-8")
    assert "any loss of bowel control" in overview and "Break" in overview
    assert "Your goal: parkrun 5 km" in (site / "calendar.html").read_text("utf-8")
    ics = (site / "calendar.ics").read_text("utf-8")
    assert "SUMMARY:Goal: parkrun 5 km" in ics and "DTSTART;VALUE=DATE:20270306" in ics
    safety = (site / "safety.html").read_text("utf-8")
    assert "tell your coach" in safety.lower() and "so your plan can wait" not in safety
