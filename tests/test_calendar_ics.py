"""calendar.ics, read back with a second, independent parser (vobject)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import vobject
from click.testing import CliRunner

from generator.cli import cli

from .conftest import LENA, PRIYA, SAM, Workspace
from .sitecheck import tree_digest


def _build(runner: CliRunner, root: Path, env: dict[str, str] | None = None) -> None:
    result = runner.invoke(cli, ["-C", str(root), "build", "-q"], env=env)
    assert result.exit_code == 0, result.output


def _events(path: Path) -> list[Any]:
    cal = vobject.readOne(path.read_text("utf-8"))
    return list(cal.vevent_list)


def test_one_event_per_session_on_the_right_date(built_site: Path) -> None:
    root = built_site.parent  # the example workspace, built once (read only)
    for slug in (SAM, PRIYA, LENA):
        folder = root / "site" / slug
        plan = json.loads((folder / "plan.json").read_text("utf-8"))
        expected = Counter((s["date"], s["kind"]) for s in plan["sessions"] if s["kind"] != "rest")
        kinds = {"Strength": "strength", "Readiness check": "readiness", "Run/walk": "run_walk"}
        got: Counter[tuple[str, str]] = Counter()
        for event in _events(folder / "calendar.ics"):
            start = event.dtstart.value
            assert isinstance(start, dt.date) and not isinstance(start, dt.datetime)
            assert event.dtend.value == start + dt.timedelta(days=1)
            if event.summary.value.startswith("Goal"):
                goal = plan["goal"]
                assert event.summary.value == f"Goal: {goal['label']}"
                assert start.isoformat() == goal["date"]
                continue
            kind = kinds[event.summary.value.split(" · ")[0]]
            got[(start.isoformat(), kind)] += 1
        assert got == expected
        uids = [e.uid.value for e in _events(folder / "calendar.ics")]
        assert len(uids) == len(set(uids))


def test_run_event_describes_the_intervals(built_site: Path) -> None:
    root = built_site.parent  # the example workspace, built once (read only)
    events = _events(root / f"site/{SAM}/calendar.ics")
    first_run = next(e for e in events if e.summary.value.startswith("Run/walk"))
    assert first_run.summary.value == "Run/walk · stage 1"
    assert "6 × (1 min jog, 2 min walk)" in first_run.description.value
    assert "Feed or pump" in first_run.description.value
    strength = next(e for e in events if e.summary.value == "Strength")
    assert "Pelvic floor" in strength.description.value


def test_uids_are_stable_across_builds_and_a_check_in_that_shifts_sessions(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    _build(runner, root)
    before = {e.uid.value: e for e in _events(root / f"site/{SAM}/calendar.ics")}
    readiness_uid = next(u for u, e in before.items() if e.summary.value == "Readiness check")
    _build(runner, root)
    assert set(before) == {e.uid.value for e in _events(root / f"site/{SAM}/calendar.ics")}
    # Symptoms before the readiness check push it (and every run) later.
    profile = root / "profiles/sam-rivera.yaml"
    profile.write_text(profile.read_text("utf-8").replace("check_ins:\n", (
        "check_ins:\n"
        "  - {date: 2026-11-20, symptoms: [heaviness]}\n"
        "  - {date: 2026-12-04, symptoms: []}\n"), 1), "utf-8")
    _build(runner, root)
    after = {e.uid.value: e for e in _events(root / f"site/{SAM}/calendar.ics")}
    assert after[readiness_uid].summary.value == "Readiness check"
    assert after[readiness_uid].dtstart.value > before[readiness_uid].dtstart.value
    first_run_uid = next(u for u, e in before.items() if e.summary.value.startswith("Run/walk"))
    assert after[first_run_uid].dtstart.value > before[first_run_uid].dtstart.value
    assert int(after[first_run_uid].sequence.value) > int(before[first_run_uid].sequence.value)


def test_timed_sessions_carry_valid_time_zone_data_and_reminders(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    for name in ("sam-rivera", "lena-okafor"):
        profile = root / f"profiles/{name}.yaml"
        profile.write_text(profile.read_text("utf-8") + (
            "session_time: '07:30'\ntimezone: Europe/London\nreminder_minutes: 30\n"), "utf-8")
    _build(runner, root)
    summer = [e for e in _events(root / f"site/{LENA}/calendar.ics")
              if e.dtstart.value.month == 8]
    assert summer
    for event in summer:
        assert event.dtstart.value.utcoffset() == dt.timedelta(hours=1)  # BST
        assert (event.dtstart.value.hour, event.dtstart.value.minute) == (7, 30)
    text = (root / f"site/{SAM}/calendar.ics").read_text("utf-8")
    cal = vobject.readOne(text)
    assert cal.vtimezone.tzid.value == "Europe/London"
    events = list(cal.vevent_list)
    first_run = next(e for e in events if e.summary.value.startswith("Run/walk"))
    start = first_run.dtstart.value
    assert start.tzinfo is not None
    assert (start.hour, start.minute) == (7, 30)
    assert start.utcoffset() == dt.timedelta(0)  # late November: GMT
    assert first_run.dtend.value - start == dt.timedelta(minutes=30)
    alarm = first_run.valarm
    assert alarm.trigger.value == dt.timedelta(minutes=-30)


def test_calendar_is_reproducible_and_honours_source_date_epoch(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    _build(runner, root, env={"SOURCE_DATE_EPOCH": "1767225600"})
    first = tree_digest(root / "site")
    _build(runner, root, env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert tree_digest(root / "site") == first
    event = _events(root / f"site/{SAM}/calendar.ics")[0]
    assert event.dtstamp.value == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_calendar_page_offers_download_and_subscription(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    _build(runner, root)
    page = (root / f"site/{SAM}/calendar.html").read_text("utf-8")
    assert 'href="calendar.ics"' in page
    assert "webcal://" not in page
    site = root / "content/site.yaml"
    site.write_text(site.read_text("utf-8") + "base_url: https://coach.github.io/plans/\n")
    _build(runner, root)
    page = (root / f"site/{SAM}/calendar.html").read_text("utf-8")
    assert f'href="webcal://coach.github.io/plans/{SAM}/calendar.ics"' in page


def test_bad_session_time_and_timezone_are_reported(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    profile = root / "profiles/sam-rivera.yaml"
    profile.write_text(profile.read_text("utf-8") + "session_time: 25:99\ntimezone: Mars/Base\n")
    result = runner.invoke(cli, ["-C", str(root), "check"])
    assert result.exit_code == 1
    assert "session_time" in result.output and "unknown time zone 'Mars/Base'" in result.output


def test_lines_are_folded_at_75_octets_without_splitting_characters() -> None:
    from generator.ical import escape, fold

    line = "DESCRIPTION:" + escape("Bulgarian split squat: 2 × 8 each side; ✓ done, next\n") * 6
    folded = fold(line)
    assert folded.endswith(b"\r\n")
    physical = folded[:-2].split(b"\r\n")
    assert all(len(part) <= 75 for part in physical)
    assert all(part.startswith(b" ") for part in physical[1:])
    assert b"".join(p[1:] if i else p for i, p in enumerate(physical)).decode("utf-8") == line
    assert escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
