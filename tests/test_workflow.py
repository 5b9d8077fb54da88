"""The coach's everyday commands: init, new, list, build's summary, and serve."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli

from .conftest import REPO, SAM, Workspace
from .net import free_port, get, wait_for


def test_init_creates_a_workspace_that_builds(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "practice"
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    for rel in ("content/site.yaml", "content/protocol.yaml", "content/exercises/dead-bug.md",
                "content/pages/safety.md", "templates/base.html", "templates/assets/style.css",
                "profiles/sam-rivera.yaml", "README.md", ".github/workflows/pages.yml"):
        assert (target / rel).is_file(), rel
    assert "site/" in (target / ".gitignore").read_text("utf-8").splitlines()
    workflow = (target / ".github/workflows/pages.yml").read_text("utf-8")
    assert "actions/deploy-pages" in workflow and "postrun build" in workflow
    assert "@VERSION@" not in workflow
    readme = (target / "README.md").read_text("utf-8")
    for command in ("check", "build", "serve", "list", "new", "checkin", "publish"):
        assert f"postrun {command} " in readme, command
    built = runner.invoke(cli, ["-C", str(target), "build"])
    assert built.exit_code == 0, built.output
    assert len(list(target.glob("site/sam-rivera-??????/index.html"))) == 1
    assert (target / ".postrun-secret").is_file()
    assert (target / ".postrun-secret").read_bytes() != (REPO / ".postrun-secret").read_bytes()


def test_init_refuses_a_folder_that_is_not_empty(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    result = runner.invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert "not empty" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_new_writes_a_profile_that_passes_check(runner: CliRunner, workspace: Workspace) -> None:
    root = workspace()
    result = runner.invoke(cli, [
        "-C", str(root), "new", "ana-lima", "--name", "Ana Lima",
        "--delivery-date", "2026-08-01", "--delivery", "caesarean",
        "--clearance-date", "2026-09-20", "--level", "intermediate", "--runs-per-week", "2"])
    assert result.exit_code == 0, result.output
    text = (root / "profiles/ana-lima.yaml").read_text("utf-8")
    assert 'name: "Ana Lima"' in text and "delivery: caesarean" in text
    assert "# goal:" in text  # commented fields show what else can be set
    checked = runner.invoke(cli, ["-C", str(root), "check"])
    assert checked.exit_code == 0, checked.output
    assert "4 clients" in checked.output


def test_new_never_overwrites_an_existing_profile(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    before = (root / "profiles/sam-rivera.yaml").read_bytes()
    result = runner.invoke(cli, [
        "-C", str(root), "new", "sam-rivera", "--name", "Other", "--delivery-date",
        "2026-08-01", "--delivery", "vaginal", "--clearance-date", "2026-09-20",
        "--level", "beginner", "--runs-per-week", "3"])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert (root / "profiles/sam-rivera.yaml").read_bytes() == before


@pytest.mark.parametrize("bad", ["2026-02-30", "01/08/2026", "soon"])
def test_new_rejects_bad_dates_given_as_options(
    runner: CliRunner, workspace: Workspace, bad: str
) -> None:
    root = workspace()
    result = runner.invoke(cli, [
        "-C", str(root), "new", "ana", "--name", "Ana", "--delivery-date", bad,
        "--delivery", "vaginal", "--clearance-date", "2026-09-20", "--level", "beginner",
        "--runs-per-week", "3"])
    assert result.exit_code == 2
    assert "--delivery-date" in result.output and "Traceback" not in result.output
    assert not (root / "profiles/ana.yaml").exists()


def test_new_refuses_a_clearance_before_the_birth(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    result = runner.invoke(cli, [
        "-C", str(root), "new", "ana", "--name", "Ana", "--delivery-date", "2026-08-01",
        "--delivery", "vaginal", "--clearance-date", "2026-07-01", "--level", "beginner",
        "--runs-per-week", "3"])
    assert result.exit_code == 1
    assert "clearance_date" in result.output
    assert not (root / "profiles/ana.yaml").exists()


def test_new_asks_for_missing_fields_in_a_terminal(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace()
    monkeypatch.setattr("generator.cli._interactive", lambda: True)
    answers = "Bea Stone\n2026-07-01\ncaesarean\n2026-08-20\nbeginner\n2\n"
    result = runner.invoke(cli, ["-C", str(root), "new", "bea"], input=answers)
    assert result.exit_code == 0, result.output
    text = (root / "profiles/bea.yaml").read_text("utf-8")
    assert 'name: "Bea Stone"' in text and "runs_per_week: 2" in text


def test_new_without_a_terminal_says_what_is_missing(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    result = runner.invoke(cli, ["-C", str(root), "new", "bea"])
    assert result.exit_code == 2
    assert "Her name is needed" in result.output


def test_list_shows_each_clients_phase_next_date_and_hold(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    result = runner.invoke(cli, ["-C", str(root), "list", "--today", "2026-10-01"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["CLIENT", "PHASE", "TODAY", "NEXT", "LAST", "CHECK-IN", "HELD"]
    rows = {line.split()[0].rsplit("-", 1)[0]: line for line in lines[1:]}
    assert "Run/walk" in rows["lena-okafor"] and "HELD" in rows["lena-okafor"]
    assert "2026-09-25 leakage" in rows["lena-okafor"]
    assert "next run 2026-10-02" in rows["lena-okafor"]
    assert "Core and pelvic floor" in rows["priya-shah"]
    assert "readiness check 2026-11-21" in rows["priya-shah"]
    assert "starts 2026-10-20" in rows["sam-rivera"]
    later = runner.invoke(cli, ["-C", str(root), "list", "--today", "2026-10-20"])
    assert "HELD" not in later.output.splitlines()[1]


def test_list_rejects_a_bad_today(runner: CliRunner, workspace: Workspace) -> None:
    result = runner.invoke(cli, ["-C", str(workspace()), "list", "--today", "tomorrow"])
    assert result.exit_code == 2 and "--today" in result.output


def test_build_prints_a_one_line_summary_and_quiet_prints_nothing(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    result = runner.invoke(cli, ["-C", str(root), "build"])
    assert result.exit_code == 0
    summary = result.output.strip().splitlines()[-1]
    assert summary.startswith("Built 3 clients, ") and " pages in " in summary
    assert summary.endswith("site/")
    quiet = runner.invoke(cli, ["-C", str(root), "build", "-q"])
    assert quiet.exit_code == 0 and quiet.output == ""


# ------------------------------------------------------------------ serve


@pytest.fixture
def served(workspace: Workspace) -> object:
    root = workspace()
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "-C", str(root), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(base + f"{SAM}/index.html", lambda body: "Sam" in body, 20)
        yield root, base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_serve_rebuilds_when_a_profile_changes(served: object) -> None:
    root, base, _ = served  # type: ignore[misc]
    page = base + f"{SAM}/index.html"
    assert "Welcome, Sam!" in get(page)[1]
    profile = root / "profiles/sam-rivera.yaml"
    profile.write_text(profile.read_text("utf-8").replace("Welcome, Sam!", "Lovely to see you!"))
    body = wait_for(page, lambda b: "Lovely to see you!" in b, 10)
    assert "livereload" in body  # the page refreshes itself when the site changes
    assert not (root / "site").exists(), "serve must not touch site/"


def test_serve_reports_a_broken_file_and_keeps_the_last_good_site(served: object) -> None:
    root, base, proc = served  # type: ignore[misc]
    page = base + f"{SAM}/index.html"
    (root / "profiles/priya-shah.yaml").write_text("name: [unclosed\n", "utf-8")
    body = wait_for(page, lambda b: "data-postrun-error" in b, 10)
    assert "profiles/priya-shah.yaml:" in body
    assert "Welcome, Sam!" in body
    shutil.copy(REPO / "profiles/priya-shah.yaml", root / "profiles/priya-shah.yaml")
    wait_for(page, lambda b: "data-postrun-error" not in b, 10)
    proc.terminate()
    output = proc.communicate(timeout=10)[0]
    assert "Build failed; still serving the last good site" in output
    assert "profiles/priya-shah.yaml:" in output


def test_serve_listens_on_loopback_only_by_default(served: object) -> None:
    _, base, _ = served  # type: ignore[misc]
    assert base.startswith("http://127.0.0.1:")
    status, _ = get(base + "no-such-page.html")
    assert status == 404


def test_serve_on_a_port_in_use_says_so(runner: CliRunner, workspace: Workspace) -> None:
    root = workspace()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["-C", str(root), "serve", "--port", str(port)])
    assert result.exit_code == 1, result.output
    assert "cannot listen there" in result.output and f"--port {port + 1}" in result.output


# ------------------------------------------------------------------ the wheel


@pytest.mark.skipif(os.environ.get("POSTRUN_SKIP_WHEEL") == "1", reason="POSTRUN_SKIP_WHEEL=1")
def test_installed_wheel_can_init_and_build_without_the_repository(tmp_path: Path) -> None:
    # A fresh environment with only the declared dependencies (an undeclared import fails
    # here). Kept quick: no pip inside the new environment (this one's pip installs into it),
    # no byte-compiling of the dependencies, and the wheel built with this environment's
    # hatchling instead of a throwaway build environment.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    source = tmp_path / "src"
    # Caches other test workers may be writing meanwhile (.hypothesis, .pytest_cache) stay out.
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "site", "tests", "bench", "__pycache__", "*.egg-info", ".hypothesis",
        ".*_cache"))
    pip = [sys.executable, "-m", "pip"]
    wheel = subprocess.run([*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                            str(tmp_path / "dist"), str(source)], capture_output=True, text=True)
    assert wheel.returncode == 0, wheel.stderr
    shutil.rmtree(source)
    (built,) = (tmp_path / "dist").glob("postrun-*.whl")
    install = subprocess.run([*pip, "--python", str(venv / "bin" / "python"), "install", "-q",
                              "--no-compile", str(built)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    postrun = venv / "bin" / "postrun"
    practice = tmp_path / "x"
    run = subprocess.run([str(postrun), "init", str(practice)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    run = subprocess.run([str(postrun), "build"], cwd=practice, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert len(list(practice.glob("site/sam-rivera-??????/index.html"))) == 1
    assert "Built 1 client" in run.stdout


def test_check_warns_about_a_start_date_long_past_with_no_check_in(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    result = runner.invoke(cli, ["-C", str(root), "new", "ana", "--name", "Ana", "--delivery-date",
                                 "2026-06-01", "--delivery", "vaginal", "--clearance-date",
                                 "2026-07-20", "--level", "beginner", "--runs-per-week", "3"])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(cli, ["-C", str(root), "check", "--today", "2026-09-01"])
    assert checked.exit_code == 0
    text = (root / "profiles/ana.yaml").read_text("utf-8").splitlines()
    keys = ("start_date:", "clearance_date:")
    line = next(i for i, t in enumerate(text, 1) if t.startswith(keys))
    assert f"profiles/ana.yaml:{line}: warning: start_date: her plan started on 2026-07-20, " \
        "6 weeks ago" in checked.output
    assert "opens at week 7" in checked.output
    assert "set `start_date: 2026-09-01`" in checked.output
    assert "sam-rivera.yaml:2: warning: name:" in checked.output  # the example client only
    strict = runner.invoke(cli, ["-C", str(root), "check", "--strict", "--today", "2026-09-01"])
    assert strict.exit_code == 1


def test_check_warns_when_a_goal_comes_before_the_plan_can_reach_it(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    profile = root / "profiles/sam-rivera.yaml"
    profile.write_text(profile.read_text("utf-8").replace("date: 2027-03-06", "date: 2026-12-20"))
    result = runner.invoke(cli, ["-C", str(root), "check", "--today", "2026-11-22"])
    assert result.exit_code == 0
    assert "profiles/sam-rivera.yaml:12: warning: goal: her goal, parkrun 5 km on 2026-12-20, " \
        "comes before her plan reaches its last stage" in " ".join(result.output.split())
    plan = runner.invoke(cli, ["-C", str(root), "build", "-q"])
    assert plan.exit_code == 0
    data = (next((root / "site").glob("sam-rivera-*")) / "plan.json").read_text("utf-8")
    assert "comes before this plan reaches its last stage" in data  # and a note in the plan
