"""Bad input through `postrun check`: every fault is one readable line, never a traceback.

The contract (generator/errors.py): exit status 1, each problem printed as
``<relative file>:<line>: <field>: <message> — hint: <hint>``, all problems of a run reported
together with a count line, and bugs inside postrun itself exit 2 and point at ``--debug``.

Each test starts from the example workspace and breaks exactly one thing, by replacing a piece
of an example file, so the expected line is computed from the edited text rather than guessed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import generator.check
from generator.cli import cli

REPO = Path(__file__).resolve().parent.parent
SAM = "profiles/sam-rivera.yaml"
PROTOCOL = "content/protocol.yaml"
SITE = "content/site.yaml"
HIP = "content/exercises/hip-circles.md"

Files = dict[str, str | bytes | None]
Workspace = Callable[..., Path]

# Sam's settings, rewritten together when a test changes her weekly rhythm.
SAM_WEEK = "runs_per_week: 3\nrun_days: [tue, thu, sat]\nstrength_days: [mon, wed, fri]"


def example(rel: str) -> str:
    return (REPO / rel).read_text(encoding="utf-8")


def edit(rel: str, old: str, new: str) -> Files:
    """The example file ``rel`` with ``old`` replaced once by ``new``."""
    text = example(rel)
    assert old in text, f"{old!r} is not in the example {rel}; update the test"
    return {rel: text.replace(old, new, 1)}


def line_of(files: Files, rel: str, fragment: str) -> int:
    """1-based line of the first line of the (edited) file ``rel`` that contains ``fragment``."""
    text = files[rel]
    assert isinstance(text, str)
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} is not in {rel}")


def check(runner: CliRunner, root: Path, *args: str) -> Result:
    return runner.invoke(cli, ["-C", str(root), "check", *args])


def failed(result: Result) -> str:
    """Assert the run failed cleanly on bad input (exit 1, no traceback); return its output."""
    output = result.output
    assert result.exit_code == 1, output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output
    return output


def problem(result: Result, file: str, line: int | None, *fragments: str) -> str:
    """The output line(s) reporting a problem at ``file:line``; each fragment must be in them."""
    prefix = f"{file}:{line}: " if line is not None else f"{file}: "
    found = [text for text in failed(result).splitlines() if text.startswith(prefix)]
    assert found, f"nothing reported at {prefix!r}; output was:\n{result.output}"
    report = "\n".join(found)
    for fragment in fragments:
        assert fragment in report, f"{fragment!r} missing from {report!r}"
    return report


def count_problems(result: Result) -> int:
    """Problem lines in the output, leaving out the count line."""
    lines = result.output.splitlines()
    return sum(1 for text in lines if not text.endswith("nothing was changed."))


# ------------------------------------------------------------------ YAML and file level


def test_yaml_syntax_error_points_at_its_line(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "level: beginner", "level: beginner: expert")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "level:"), "YAML syntax error", "hint:")


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ("name: Sam Rivera\n", "add a line `name: …`"),
        ("delivery_date: 2026-09-01\n", "add a line `delivery_date: YYYY-MM-DD`"),
        ("clearance_date: 2026-10-13\n", "add a line `clearance_date: YYYY-MM-DD`"),
    ],
    ids=["name", "delivery_date", "clearance_date"],
)
def test_missing_required_field_is_named_with_a_hint(
    runner: CliRunner, workspace: Workspace, line: str, hint: str
) -> None:
    field = line.split(":")[0]
    result = check(runner, workspace(edit(SAM, line, "")))
    # Nothing to point at: the problem points at the start of the profile's fields (line 2).
    problem(result, SAM, 2, f"`{field}` is required but missing", f"hint: {hint}")


def test_empty_file_is_reported_as_empty(runner: CliRunner, workspace: Workspace) -> None:
    result = check(runner, workspace({SAM: ""}))
    problem(result, SAM, None, "the file is empty", "hint:")


def test_list_instead_of_mapping_asks_for_field_lines(
    runner: CliRunner, workspace: Workspace
) -> None:
    result = check(runner, workspace({SAM: "- name: Sam\n- level: beginner\n"}))
    problem(result, SAM, 1, "expected a mapping of `field: value` lines", "hint:")


@pytest.mark.parametrize(
    ("data", "line"),
    [(b"name: Ana\xff\n", 1), (b"name: Ana\nslug: ana\nlevel: begin\xe9r\n", 3)],
    ids=["first-line", "third-line"],
)
def test_file_not_utf8_names_the_line_and_the_fix(
    runner: CliRunner, workspace: Workspace, data: bytes, line: int
) -> None:
    result = check(runner, workspace({SAM: data}))
    problem(result, SAM, line, "not UTF-8", "hint: save it as UTF-8")


def test_yaml_python_tag_is_refused_and_not_executed(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    files = edit(SAM, "name: Sam Rivera", 'name: !!python/object/apply:os.system ["echo hi"]')
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "name:"), "!!python/object/apply:os.system",
            "not allowed", "hint: remove the tag")
    assert calls == []
    assert "hi" not in result.output.split()


def test_alias_bomb_is_refused_without_expanding(runner: CliRunner, workspace: Workspace) -> None:
    # Billion laughs: 9 levels of 9 aliases each would expand to 9**9 strings.
    bomb = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    started = time.monotonic()
    result = check(runner, workspace({SAM: "\n".join(bomb) + "\n"}))
    assert time.monotonic() - started < 10
    problem(result, SAM, 2, "anchors and aliases (& and *) are not allowed", "hint:")


def test_duplicate_key_names_the_first_line(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "level: beginner", "level: beginner\nname: Samantha")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "name: Samantha"),
            "`name` appears twice", f"first on line {line_of(files, SAM, 'name: Sam Rivera')}",
            "hint:")


# ------------------------------------------------------------------ profile fields


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("runs_per_week: 3", 'runs_per_week: "three"', "must be a whole number (got 'three')"),
        ("breastfeeding: true", 'breastfeeding: "yes please"',
         "must be true or false (got 'yes please')"),
    ],
    ids=["runs_per_week", "breastfeeding"],
)
def test_wrong_type_names_the_field_and_the_value(
    runner: CliRunner, workspace: Workspace, old: str, new: str, message: str
) -> None:
    files = edit(SAM, old, new)
    field = old.split(":")[0]
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, new), f"`{field}` {message}")


def test_date_in_wrong_format_asks_for_iso(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "delivery_date: 2026-09-01", "delivery_date: 01/09/2026")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "delivery_date:"),
            "`delivery_date` must be a date like 2026-09-01 (got '01/09/2026')",
            "hint: write YYYY-MM-DD")


def test_impossible_date_is_not_a_real_date(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "delivery_date: 2026-09-01", "delivery_date: 2026-02-30")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "delivery_date:"),
            "`delivery_date` is not a real date (got 2026-02-30)", "hint: check the day and month")


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("2026-11-6", "write the day with two digits: 2026-11-06"),
        ("2026-1-16", "write the month with two digits: 2026-01-16"),
    ],
    ids=["day", "month"],
)
def test_date_with_one_digit_shows_it_with_two(
    runner: CliRunner, workspace: Workspace, written: str, hint: str
) -> None:
    files = edit(SAM, "start_date: 2026-10-20", f"start_date: {written}")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "start_date:"), f"(got {written})", f"hint: {hint}")
    assert "not a real date" not in result.output


def test_phase_problems_name_the_phase_by_its_id(
    runner: CliRunner, workspace: Workspace
) -> None:
    files = edit(PROTOCOL, "    title: Light impact\n", "")
    result = check(runner, workspace(files))
    problem(result, PROTOCOL, line_of(files, PROTOCOL, "id: impact"),
            "`phases[impact].title` is required but missing")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("start_date: 2026-10-20", "start_date: 2026-08-20"),
        ("clearance_date: 2026-10-13", "clearance_date: 2026-08-13"),
    ],
    ids=["start_date", "clearance_date"],
)
def test_date_before_delivery_is_refused(
    runner: CliRunner, workspace: Workspace, old: str, new: str
) -> None:
    files = edit(SAM, old, new)
    field = old.split(":")[0]
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, new),
            f"`{field}` ({new.split()[1]}) is before `delivery_date` (2026-09-01)", "hint:")


@pytest.mark.parametrize(
    ("old", "new", "allowed", "near"),
    [
        ("delivery: vaginal", "delivery: natural", "vaginal | assisted | caesarean", None),
        ("level: beginner", "level: expert", "beginner | intermediate", None),
        ("level: beginner", "level: beginer", "beginner | intermediate", "beginner"),
    ],
    ids=["delivery", "level", "level-typo"],
)
def test_value_outside_allowed_set_lists_the_allowed_ones(
    runner: CliRunner, workspace: Workspace, old: str, new: str, allowed: str, near: str | None
) -> None:
    files = edit(SAM, old, new)
    field, value = new.split(": ")
    result = check(runner, workspace(files))
    report = problem(result, SAM, line_of(files, SAM, new),
                     f"`{field}` must be one of {allowed} (got '{value}')")
    if near:
        assert f"did you mean `{near}`?" in report


def test_too_many_runs_per_week_explains_the_48_hours(
    runner: CliRunner, workspace: Workspace
) -> None:
    files = edit(SAM, "runs_per_week: 3", "runs_per_week: 9")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "runs_per_week:"),
            "`runs_per_week` must be between 1 and 3 (got 9)", "hint: 48 h")


def test_unknown_key_names_the_nearest_known_key(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "delivery_date:", "delivery_dte:")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "delivery_dte:"), "unknown field `delivery_dte`",
            "hint: did you mean `delivery_date`?")


@pytest.mark.parametrize("slug", ["../evil", '"a/b"', "UPPER"], ids=["dotdot", "slash", "upper"])
def test_unsafe_slug_is_refused(runner: CliRunner, workspace: Workspace, slug: str) -> None:
    files = edit(SAM, "name: Sam Rivera", f"name: Sam Rivera\nslug: {slug}")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "slug:"),
            f"`slug` must be one safe folder name (got '{slug.strip(chr(34))}')", "hint:")


def test_duplicate_slug_across_profiles_names_the_other_file(
    runner: CliRunner, workspace: Workspace
) -> None:
    text = example(SAM)
    result = check(runner, workspace({
        "profiles/a.yaml": "slug: same\n" + text,
        "profiles/b.yaml": "slug: same\n" + text,
    }))
    problem(result, "profiles/b.yaml", 1, "slug", "the slug `same` is also used by profiles/a.yaml",
            "hint:")


@pytest.mark.parametrize(
    ("week", "hint"),
    [
        ("runs_per_week: 2\nrun_days: [mon, tue]\nstrength_days: [thu, sat]", "rest day"),
        ("runs_per_week: 2\nrun_days: [sun, mon]\nstrength_days: [tue, thu]", "Sunday to Monday"),
    ],
    ids=["mon-tue", "sun-mon-wrap-around"],
)
def test_run_days_too_close_are_refused(
    runner: CliRunner, workspace: Workspace, week: str, hint: str
) -> None:
    files = edit(SAM, SAM_WEEK, week)
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "run_days:"),
            "puts two runs less than 48 hours apart", hint)


def test_run_days_count_must_match_runs_per_week(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "run_days: [tue, thu, sat]", "run_days: [tue, thu]")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "run_days:"),
            "`run_days` names 2 days but `runs_per_week` is 3", "hint:")


def test_strength_day_on_a_run_day_is_refused(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "strength_days: [mon, wed, fri]", "strength_days: [mon, thu, fri]")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "strength_days:"), "strength_days",
            "thu is both a run day and a strength day", "hint:")


def test_unknown_weekday_suggests_the_real_one(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, SAM_WEEK, "runs_per_week: 2\nrun_days: [tue, thurs]\n"
                 "strength_days: [mon, wed, fri]")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "run_days:"), "'thurs', which is not a weekday",
            "hint: did you mean `thu`?")


def test_unknown_symptom_lists_the_allowed_ones(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "check_ins:\n", "check_ins:\n  - {date: 2026-11-01, symptoms: [leaking]}\n")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "leaking"), "check_ins[0].symptoms",
            "unknown symptom `leaking`", "did you mean `leakage`?",
            "allowed: pain, heaviness, leakage, urgency, doming, bulge, bowel,")


def test_check_in_before_delivery_is_refused(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "check_ins:\n", "check_ins:\n  - {date: 2026-08-01, symptoms: []}\n")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "2026-08-01"),
            "check_ins[0].date 2026-08-01 is before the delivery date 2026-09-01")


def test_goal_date_before_start_is_refused(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "date: 2027-03-06", "date: 2026-10-01")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "goal:"), "goal",
            "the goal date (2026-10-01) is not after the start date (2026-10-20)")


# ------------------------------------------------------------------ protocol.yaml


def test_unknown_phase_exercise_suggests_the_nearest(
    runner: CliRunner, workspace: Workspace
) -> None:
    files = edit(PROTOCOL, "posterior-pelvic-tilt, dead-bug, hip-circles]\n",
                 "posterior-pelvic-tilt, dead-bugs, hip-circles]\n")
    result = check(runner, workspace(files))
    problem(result, PROTOCOL, line_of(files, PROTOCOL, "dead-bugs"),
            "phases[core].exercises.beginner", "unknown exercise `dead-bugs`",
            "hint: did you mean `dead-bug`?")


def test_unknown_readiness_exercise_suggests_the_nearest(
    runner: CliRunner, workspace: Workspace
) -> None:
    files = edit(PROTOCOL, "exercise: test-walk", "exercise: test-wlak")
    result = check(runner, workspace(files))
    problem(result, PROTOCOL, line_of(files, PROTOCOL, "test-wlak"),
            "readiness_tests[0].exercise", "unknown exercise `test-wlak`",
            "hint: did you mean `test-walk`?")


def test_stage_that_reduces_jogging_is_named(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(PROTOCOL, "{jog: 240, walk: 60, main_minutes: 20}",
                 "{jog: 240, walk: 60, main_minutes: 10}")
    result = check(runner, workspace(files))
    problem(result, PROTOCOL, line_of(files, PROTOCOL, "main_minutes: 10"), "stages[3]",
            "stage 4 jogs less in total", "than stage 3", "hint:")


def test_last_stage_must_be_continuous(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(PROTOCOL, "{jog: 1800, walk: 0, main_minutes: 30}",
                 "{jog: 1800, walk: 60, main_minutes: 31}")
    result = check(runner, workspace(files))
    problem(result, PROTOCOL, line_of(files, PROTOCOL, "jog: 1800"), "stages[10]",
            "the last stage (stage 11) must be continuous jogging", "hint:", "`walk: 0`")


# ------------------------------------------------------------------ exercises (front matter)


def _without_closing_rule(text: str) -> str:
    lines = text.splitlines(keepends=True)
    closing = [i for i, line in enumerate(lines) if line.strip() == "---"][1]
    return "".join(lines[:closing] + lines[closing + 1 :])


def _body_only(text: str) -> str:
    return text.split("---\n", 2)[2]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_without_closing_rule, "the front matter is not closed"),
        (_body_only, "missing front matter"),
    ],
    ids=["not-closed", "absent"],
)
def test_broken_front_matter_is_reported(
    runner: CliRunner, workspace: Workspace, make: Callable[[str], str], message: str
) -> None:
    result = check(runner, workspace({HIP: make(example(HIP))}))
    problem(result, HIP, 1, message, "hint:", "`---`")


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        ("category: hip", "category: hip: core", "category:", "YAML syntax error"),
        ("category: hip", "category: hip\ntitle: Again", "title: Again",
         "`title` appears twice in the same mapping (first on line 2)"),
    ],
    ids=["syntax-error", "duplicate-key"],
)
def test_front_matter_yaml_error_uses_the_md_file_lines(
    runner: CliRunner, workspace: Workspace, old: str, new: str, at: str, message: str
) -> None:
    files = edit(HIP, old, new)
    result = check(runner, workspace(files))
    problem(result, HIP, line_of(files, HIP, at), message, "hint:")


def test_exercise_without_beginner_level_is_refused(
    runner: CliRunner, workspace: Workspace
) -> None:
    text = example(HIP)
    start = text.index("  beginner:\n")
    end = text.index("  intermediate:\n")
    files: Files = {HIP: text[:start] + text[end:]}
    result = check(runner, workspace(files))
    # The problem points at the `levels` mapping, whose first key is now `intermediate`.
    problem(result, HIP, line_of(files, HIP, "intermediate:"),
            "`levels.beginner` is required but missing", "hint:")


def test_exercise_with_reps_and_seconds_is_refused(
    runner: CliRunner, workspace: Workspace
) -> None:
    files = edit(HIP, "    reps: 5\n", "    reps: 5\n    seconds: 30\n")
    result = check(runner, workspace(files))
    problem(result, HIP, line_of(files, HIP, "seconds: 30"), "levels.beginner.seconds",
            "give either `reps` or `seconds`, not both")


def test_broken_exercise_is_not_also_reported_unknown_in_protocol(
    runner: CliRunner, workspace: Workspace
) -> None:
    result = check(runner, workspace(edit(HIP, "category: hip", "category: hip: core")))
    failed(result)
    assert "unknown exercise `hip-circles`" not in result.output
    assert count_problems(result) == 1, result.output


def test_empty_front_matter_says_front_matter(runner: CliRunner, workspace: Workspace) -> None:
    result = check(runner, workspace({HIP: "---\n---\nSome text.\n"}))
    problem(result, HIP, 2, "front matter")


# ------------------------------------------------------------------ site.yaml, workspace


def test_site_without_practice_is_refused(runner: CliRunner, workspace: Workspace) -> None:
    result = check(runner, workspace(edit(SITE, "practice: Riverside Postnatal Running\n", "")))
    problem(result, SITE, 2, "`practice` is required but missing", "hint: add a line `practice:")


def test_site_with_http_base_url_is_refused(runner: CliRunner, workspace: Workspace) -> None:
    files = {SITE: example(SITE) + "base_url: http://example.com/\n"}
    result = check(runner, workspace(files))
    problem(result, SITE, line_of(files, SITE, "base_url: http:"),
            "`base_url` must start with https:// (got 'http://example.com/')", "hint:")


def test_folder_without_content_is_not_a_workspace(runner: CliRunner, tmp_path: Path) -> None:
    result = check(runner, tmp_path)
    output = failed(result)
    assert "not a postrun workspace (no content/ folder)" in output
    assert "hint:" in output
    assert "postrun init" in output


# ------------------------------------------------------------------ all at once, warnings


def test_all_problems_are_reported_together_with_a_count(
    runner: CliRunner, workspace: Workspace
) -> None:
    files = edit(SAM, "delivery: vaginal", "delivery: natural")
    files[SAM] = str(files[SAM]).replace("level: beginner", "level: expert")
    files |= edit(SITE, "practice: Riverside Postnatal Running\n", "")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "delivery:"), "natural")
    problem(result, SAM, line_of(files, SAM, "level:"), "expert")
    problem(result, SITE, 2, "practice")
    assert "3 problems found; nothing was changed." in result.output


def test_clean_example_workspace_is_all_good(runner: CliRunner, workspace: Workspace) -> None:
    result = check(runner, workspace())
    assert result.exit_code == 0, result.output
    assert "All good: 3 clients" in result.output


def test_warning_does_not_fail_check(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "start_date: 2026-10-20", "start_date: 2026-10-01")
    result = check(runner, workspace(files), "--today", "2026-09-01")
    assert result.exit_code == 0, result.output
    assert (f"{SAM}:{line_of(files, SAM, 'start_date:')}: warning: start_date: "
            "`start_date` (2026-10-01) is before `clearance_date`") in result.output
    assert "All good" in result.output
    assert "4 warnings." in result.output  # and the example client, practice and coach


def test_warning_fails_check_strict(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "start_date: 2026-10-20", "start_date: 2026-10-01")
    result = check(runner, workspace(files), "--strict", "--today", "2026-09-01")
    problem(result, SAM, line_of(files, SAM, "start_date:"), "is before `clearance_date`")
    assert "All good" not in result.output


def test_check_strict_prints_each_warning_once(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "start_date: 2026-10-20", "start_date: 2026-10-01")
    result = check(runner, workspace(files), "--strict", "--today", "2026-09-01")
    failed(result)
    assert result.output.count("is before `clearance_date`") == 1, result.output


# ------------------------------------------------------------------ faults handled badly


def test_deeply_nested_yaml_is_bad_input_not_a_bug(
    runner: CliRunner, workspace: Workspace
) -> None:
    result = check(runner, workspace({SAM: "name: " + "[" * 3000 + "]" * 3000 + "\n"}))
    problem(result, SAM, 1, "nested too deeply")


def test_control_character_names_its_line(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "level: beginner", "level: begi\x07nner")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "level:"), "#x0007")
    assert "<unicode string>" not in result.output


def test_empty_value_points_at_its_own_line(runner: CliRunner, workspace: Workspace) -> None:
    files = edit(SAM, "delivery_date: 2026-09-01", "delivery_date:")
    result = check(runner, workspace(files))
    problem(result, SAM, line_of(files, SAM, "delivery_date:"), "delivery_date")


# ------------------------------------------------------------------ bugs inside postrun


def _explode(root: Path) -> None:
    raise RuntimeError("boom")


def test_internal_bug_exits_2_and_mentions_debug(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.check, "load_workspace", _explode)
    result = check(runner, workspace())
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "--debug" in result.output
    assert "RuntimeError: boom" in result.output
    assert "Traceback" not in result.output


def test_internal_bug_with_debug_propagates(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.check, "load_workspace", _explode)
    result = runner.invoke(cli, ["--debug", "-C", str(workspace()), "check"])
    assert isinstance(result.exception, RuntimeError)
    assert str(result.exception) == "boom"
