"""Issue #19: every hole a fuzzer found, closed — one test (or more) per numbered case.

Each bad workspace ends in exit 1 with the file, the line where it applies and what to do
(never a traceback, a signal or a hang), or in the documented safe behaviour; a failed build
leaves site/ byte-identical.
"""

from __future__ import annotations

import errno
import hashlib
import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli
from generator.errors import Problem, Problems
from generator.ical import escape
from generator.load.markup import MarkdownRenderer
from generator.load.read import MAX_FILE_BYTES, Refused, read_input
from generator.write import SITE_MARKER

from .conftest import PRIYA, SAM, Workspace

SAM_FILE = "profiles/sam-rivera.yaml"


def run(runner: CliRunner, root: Path, *args: str) -> Result:
    return runner.invoke(cli, ["-C", str(root), *args])


def failed(result: Result, *fragments: str) -> str:
    """Exit 1 with a readable message holding every fragment; returns the output."""
    output = result.output
    assert result.exit_code == 1, output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output and "hit a bug" not in output, output
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output}"
    return output


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with a digest of its bytes."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        found[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def cli_process(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """postrun in its own process (for inputs that could block or crash a process)."""
    return subprocess.run(
        [sys.executable, "-m", "generator", "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def append(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text, (old, rel)
    path.write_text(text.replace(old, new, 1), "utf-8")


# ------------------------------------------------------------------ 1. deep YAML nesting


@pytest.mark.parametrize("depth", [40, 30_000])
def test_1_deeply_nested_yaml_is_refused_with_its_line(
    runner: CliRunner, workspace: Workspace, depth: int
) -> None:
    root = workspace()
    append(root, "content/site.yaml", "nested: " + "[" * depth + "]" * depth + "\n")
    line = (root / "content/site.yaml").read_text("utf-8").count("\n")
    failed(run(runner, root, "check"), f"content/site.yaml:{line}:", "nested too deeply", "hint")


def test_1_deep_block_nesting_is_refused(runner: CliRunner, workspace: Workspace) -> None:
    block = "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "x\n"
    root = workspace({"profiles/deep.yaml": block})
    failed(run(runner, root, "check"), "profiles/deep.yaml:33:", "nested too deeply")


# ------------------------------------------------------------------ 2. FIFOs


@pytest.mark.parametrize("command", ["check", "build"])
def test_2_fifo_is_refused_without_blocking(workspace: Workspace, command: str) -> None:
    root = workspace()
    os.mkfifo(root / "profiles/x.yaml")
    done = cli_process(root, command)
    assert done.returncode == 1, done.stderr
    assert "profiles/x.yaml: this is not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------ 3, 4. Markdown


def test_3_quadratic_markdown_is_refused_fast(runner: CliRunner, workspace: Workspace) -> None:
    body = "[" * 8000 + "](" * 8000 + "\n"
    root = workspace({"content/pages/tips.md": "---\ntitle: Tips\n---\nIntro.\n\n" + body})
    failed(run(runner, root, "check"), "content/pages/tips.md:6:", "square brackets", "hint")


@pytest.mark.parametrize("marker", ["1. ", "- ", "> "])
def test_4_deeply_nested_markdown_is_refused(
    runner: CliRunner, workspace: Workspace, marker: str
) -> None:
    body = marker * 500 + "x\n"
    root = workspace({"content/pages/tips.md": "---\ntitle: Tips\n---\n" + body})
    failed(run(runner, root, "check"), "content/pages/tips.md:4:", "nested more than 16 levels")


def test_3_4_markdown_in_a_text_field_falls_back_to_plain_text() -> None:
    # A coach's note is shown as written (escaped) when it is too tangled for Markdown.
    html = MarkdownRenderer()("- " * 500 + "<b>x</b>")
    assert html.startswith("<p>- - ") and "&lt;b&gt;x&lt;/b&gt;" in html
    problems = Problems()
    assert MarkdownRenderer()("a\n\n" + "[" * 300, ("f.md", 10, problems)) == ""
    assert [(p.file, p.line) for p in problems] == [("f.md", 12)]


# ------------------------------------------------------------------ 5. dates


@pytest.mark.parametrize("value", ["9999-10-01", "0001-01-01", "1899-12-31"])
def test_5_dates_outside_the_plan_years_are_refused(
    runner: CliRunner, workspace: Workspace, value: str
) -> None:
    root = workspace()
    replace(root, SAM_FILE, "delivery_date: 2026-09-01", f"delivery_date: {value}")
    failed(run(runner, root, "check"), f"{SAM_FILE}:3: delivery_date", "between 1900 and 2200")


# ------------------------------------------------------------------ 6. YAML tags


@pytest.mark.parametrize(
    "value", ["!!bool maybe", "!!timestamp soon", '!!int ""', "!!float x", "!!int 0x"]
)
def test_6_bad_tagged_values_are_refused(
    runner: CliRunner, workspace: Workspace, value: str
) -> None:
    root = workspace()
    append(root, SAM_FILE, f"contact: {value}\n")
    line = (root / SAM_FILE).read_text("utf-8").count("\n")
    failed(run(runner, root, "check"), f"{SAM_FILE}:{line}:", "is not a valid !!", "remove the")


# ------------------------------------------------------------------ 7. folders and dead links


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("kind", ["folder", "dangling-link"])
def test_7_a_profile_that_is_not_a_file(
    runner: CliRunner, workspace: Workspace, command: str, kind: str
) -> None:
    root = workspace()
    path = root / "profiles/x.yaml"
    if kind == "folder":
        path.mkdir()
        message = "this is a folder, not a file"
    else:
        path.symlink_to(root / "profiles/gone.yaml")
        message = "the file is a link to something that does not exist"
    failed(run(runner, root, command), f"profiles/x.yaml: {message}")
    assert not (root / "site").exists()


# ------------------------------------------------------------------ 8. image paths


@pytest.mark.parametrize(
    "image", ["media/../protocol.yaml", "media/./x.svg", "media//x.svg", "media/../../x"]
)
def test_8_image_path_tricks_are_refused_by_check(
    runner: CliRunner, workspace: Workspace, image: str
) -> None:
    root = workspace()
    rel = "content/exercises/dead-bug.md"
    replace(root, rel, "title: Dead bug", f"image: {image}\nimage_alt: a picture\ntitle: Dead bug")
    failed(run(runner, root, "check"), f"{rel}:2: image", "must be a file under content/media/")


# ------------------------------------------------------------------ 9. template overrides


@pytest.mark.parametrize(
    ("file", "text", "line", "fragment"),
    [
        ("page.html", "{% extends 'base.html' %}\n{% if %}\n", 2, "template syntax error"),
        (
            "page.html",
            "{% extends 'base.html' %}\n{% block main %}\n{{ nope }}\n{% endblock %}\n",
            3,
            "does not exist",
        ),
        (
            "page.html",
            "{% extends 'base.html' %}\n{% block main %}\n{{ 1 / zero }}\n{% endblock %}\n",
            3,
            "undefined",
        ),
        ("root.html", "<p>\n{{ 1 // 0 }}\n", 2, "ZeroDivisionError"),
        (  # one run of output, written as one joined piece (jinja_codegen): still its line
            "page.html",
            "{% extends 'base.html' %}\n{% block main %}\n<p>{{ page_title }}\n"
            "{{ 1 // 0 }}</p>\n{% endblock %}\n",
            4,
            "ZeroDivisionError",
        ),
        ("base.html", "{% extends 'base.html' %}\n", 1, "in a loop"),
        ("page.html", "{% include 'missing.html' %}\n", 1, "does not exist"),
    ],
    ids=[
        "syntax", "undefined", "undefined-expr", "zero-division", "joined-output",
        "self-extending", "include",
    ],
)
def test_9_template_errors_name_the_template_and_line(
    runner: CliRunner, workspace: Workspace, file: str, text: str, line: int, fragment: str
) -> None:
    root = workspace({f"templates/{file}": text})
    failed(run(runner, root, "check"), f"templates/{file}:{line}:", fragment, "hint")
    failed(run(runner, root, "build", "-q"), f"templates/{file}:{line}:", fragment, "hint")
    assert not (root / "site").exists()


# ------------------------------------------------------------------ 10. size read with a limit


def test_10_a_link_to_a_device_is_refused_without_reading(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    (root / "content/site.yaml").unlink()
    (root / "content/site.yaml").symlink_to("/dev/zero")
    failed(run(runner, root, "check"), "content/site.yaml: the file is a link to a place outside")


def test_10_a_huge_file_is_refused_from_its_size(tmp_path: Path) -> None:
    huge = tmp_path / "big.yaml"
    with huge.open("wb") as f:
        f.truncate(50 * 1024**3)  # sparse: reading it would take minutes and all memory
    with pytest.raises(Refused, match="larger than 1 MB"):
        read_input(huge, "big.yaml")
    exact = tmp_path / "exact.yaml"
    exact.write_bytes(b"a" * MAX_FILE_BYTES)
    assert len(read_input(exact, "exact.yaml")) == MAX_FILE_BYTES
    exact.write_bytes(b"a" * (MAX_FILE_BYTES + 1))
    with pytest.raises(Refused):
        read_input(exact, "exact.yaml")


# ------------------------------------------------------------------ 11. the machine's faults


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "the disk is read-only"),
    ],
)
def test_11_write_faults_are_exit_1_and_leave_the_site(
    runner: CliRunner,
    workspace: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    fragment: str,
) -> None:
    root = workspace()
    if code == errno.ENOSPC:  # an update of an existing site
        assert run(runner, root, "build", "-q").exit_code == 0
        replace(root, SAM_FILE, "coach_note: |", "coach_note: |\n  Changed.")
    else:  # a first build
        (root / "site").mkdir()
    before = tree(root / "site")

    def broken(path: Path, data: bytes) -> int:
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr("generator.write.write_file", broken)
    failed(run(runner, root, "build", "-q", "--jobs", "1"), fragment, "hint")
    monkeypatch.undo()
    assert tree(root / "site") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".site-")]


def test_11_a_fault_outside_build_is_exit_1_too(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace()

    def broken(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(root / "profiles/x.yaml"))

    monkeypatch.setattr("generator.check.load_workspace", broken)
    failed(
        run(runner, root, "check"), "profiles/x.yaml: cannot read or write this file: permission"
    )


# ------------------------------------------------------------------ 13. slug changes


@pytest.mark.parametrize("protected", [False, True])
def test_13_a_changed_slug_removes_the_old_folder(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch, protected: bool
) -> None:
    root = workspace()
    assert run(runner, root, "build", "-q").exit_code == 0
    assert (root / "site" / SAM / "plan.json").exists()
    append(root, SAM_FILE, "slug: sam-new-folder\n")
    if protected:
        monkeypatch.setenv("SAM_PASS", "maple tide orbit kettle")
        append(root, SAM_FILE, "passphrase_env: SAM_PASS\n")
    result = run(runner, root, "build", "-q")
    assert result.exit_code == 0, result.output
    assert not (root / "site" / SAM).exists()
    assert (root / "site/sam-new-folder/index.html").exists()
    assert (root / "site/sam-new-folder/plan.json").exists() != protected
    assert len([p for p in (root / "site").iterdir() if p.is_dir()]) == 3


# ------------------------------------------------------------------ 14. passphrases


@pytest.mark.parametrize("value", [" " * 9, "  abc  def  ", "\u3000" * 10 + "x"])
def test_14_passphrase_length_counts_after_trimming(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    root = workspace()
    monkeypatch.setenv("SAM_PASS", value)
    append(root, SAM_FILE, "passphrase_env: SAM_PASS\n")
    failed(run(runner, root, "build", "-q"), "shorter than 8 characters")
    assert not (root / "site").exists()


# ------------------------------------------------------------------ 15. swaps and leftovers


@pytest.mark.parametrize("clean", [False, True])
def test_15_leftovers_of_a_killed_build_are_removed(
    runner: CliRunner, workspace: Workspace, clean: bool
) -> None:
    root = workspace()
    assert run(runner, root, "build", "-q").exit_code == 0
    for name in (".site-new-abc123", ".site-old-def456"):
        (root / name / SAM).mkdir(parents=True)
        (root / name / SAM / "plan.json").write_text("{}", "utf-8")
    append(root, SAM_FILE, "# changed\n")
    args = ["build", "-q", "--clean"] if clean else ["build", "-q"]
    assert run(runner, root, *args).exit_code == 0
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".site")) == []


def _die_at(point: str) -> None:
    """In a forked child: build, and die like ``kill -9`` (no clean-up) at ``point``."""
    from generator import build, write

    def die() -> None:
        os._exit(9)

    if point == "render":
        real_render = build._render_client
        build._render_client = lambda index: die() if index == 0 else real_render(index)  # type: ignore[assignment,func-returns-value]
    elif point == "link":
        real_link = os.link
        calls = [0]

        def link(*args: Any, **kwargs: Any) -> None:
            calls[0] += 1
            if calls[0] == 40:
                die()
            real_link(*args, **kwargs)

        os.link = link  # type: ignore[assignment]
    elif point == "exchange":
        write._exchange = lambda a, b: die()  # type: ignore[assignment,func-returns-value]
    else:
        real_exchange = write._exchange
        write._exchange = lambda a, b: real_exchange(a, b) and die()  # type: ignore[assignment,func-returns-value]
    result = CliRunner().invoke(cli, ["-C", os.environ["KILL_ROOT"], "build", "-q", "-j", "1"])
    os._exit(100 + result.exit_code)


def test_15_a_killed_build_leaves_the_old_site_or_the_new_one(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace()
    assert run(runner, root, "build", "-q").exit_code == 0
    old = tree(root / "site")
    backup = root.parent / "old-site"
    shutil.copytree(root / "site", backup)
    replace(root, SAM_FILE, "coach_note: |", "coach_note: |\n  A new first line.")
    copy = root.parent / "copy"  # the new site, built in a copy of the workspace
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("site"))
    assert run(runner, copy, "build", "-q").exit_code == 0
    new = tree(copy / "site")
    assert new != old
    monkeypatch.setenv("KILL_ROOT", str(root))
    context = multiprocessing.get_context("fork")
    for point in ("render", "link", "exchange", "after-exchange"):
        shutil.rmtree(root / "site")
        shutil.copytree(backup, root / "site")
        child = context.Process(target=_die_at, args=(point,))
        child.start()
        child.join(120)
        assert child.exitcode == 9, (point, child.exitcode)
        assert tree(root / "site") == (new if point == "after-exchange" else old), point
        assert [p for p in root.iterdir() if p.name.startswith(".site-")], point
    assert run(runner, root, "build", "-q").exit_code == 0
    assert tree(root / "site") == new
    assert not [p for p in root.iterdir() if p.name.startswith(".site-")]


def test_15_without_an_atomic_exchange_two_renames_still_work(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import write

    monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    root = workspace()
    assert run(runner, root, "build", "-q").exit_code == 0
    replace(root, SAM_FILE, "coach_note: |", "coach_note: |\n  Changed.")
    assert run(runner, root, "build", "-q").exit_code == 0
    assert "Changed." in (root / "site" / SAM / "index.html").read_text("utf-8")
    assert not [p for p in root.iterdir() if p.name.startswith(".site-")]


def test_15_one_changed_client_is_swapped_in_alone_in_one_step(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The everyday rebuild: only her folder is staged, complete, and exchanged with the live
    # one in one step; up to that step the site is the old one, after it the new one.
    root = workspace()
    assert run(runner, root, "build", "-q").exit_code == 0
    old = tree(root / "site")
    replace(root, SAM_FILE, "coach_note: |", "coach_note: |\n  A new first line.")
    from generator import write

    seen: list[tuple[str, dict[str, str], dict[str, str]]] = []
    exchange = write._exchange

    def spy(a: Path, b: Path) -> bool:
        seen.append((b.relative_to(root).as_posix(), tree(a), tree(root / "site")))
        return exchange(a, b)

    monkeypatch.setattr(write, "_exchange", spy)
    assert run(runner, root, "build", "-q").exit_code == 0
    new = tree(root / "site")
    assert len(seen) == 1
    swapped, staged, before = seen[0]
    assert swapped == f"site/{SAM}" and before == old
    mine = {k.removeprefix(f"{SAM}/"): v for k, v in new.items() if k.startswith(f"{SAM}/")}
    assert staged == mine and "index.html" in mine
    assert {k for k in new if new[k] != old.get(k)} <= {f"{SAM}/{k}" for k in mine}
    assert not [p for p in root.iterdir() if p.name.startswith(".site-")]


def test_15_several_changed_clients_replace_the_whole_site_at_once(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The staging folder holds the complete new site (unchanged clients as hard links)
    # before the one exchange: the target is never half old, half new.
    root = workspace()
    assert run(runner, root, "build", "-q").exit_code == 0
    append(root, SAM_FILE, "# changed\n")
    (root / "profiles/priya-shah.yaml").unlink()
    from generator import write

    staged: list[dict[str, str]] = []
    commit = write.StagedDir.commit

    def spy(self: write.StagedDir) -> None:
        staged.append(tree(self.path))
        commit(self)

    monkeypatch.setattr(write.StagedDir, "commit", spy)
    assert run(runner, root, "build", "-q").exit_code == 0
    final = tree(root / "site")
    final.pop(SITE_MARKER)
    staged[0].pop(SITE_MARKER)
    assert staged[0] == final
    assert PRIYA not in {k.split("/")[0] for k in final}


# ------------------------------------------------------------------ 16. --out


def test_16_out_refuses_a_folder_postrun_did_not_make(
    runner: CliRunner, workspace: Workspace, tmp_path: Path
) -> None:
    root = workspace()
    out = tmp_path / "elsewhere"
    out.mkdir()
    (out / "thesis.txt").write_text("precious", "utf-8")
    failed(run(runner, root, "build", "-q", "--out", str(out)), "postrun did not make")
    assert (out / "thesis.txt").read_text("utf-8") == "precious"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(runner, root, "build", "-q", "--out", str(empty)).exit_code == 0
    assert (empty / SITE_MARKER).is_file()
    assert run(runner, root, "build", "-q", "--clean", "--out", str(empty)).exit_code == 0


# ------------------------------------------------------------------ 17. reserved page names


@pytest.mark.parametrize("name", ["week-01", "exercise-dead-bug", "index", "calendar", "week-7"])
def test_17_generated_page_names_are_reserved(
    runner: CliRunner, workspace: Workspace, name: str
) -> None:
    root = workspace({f"content/pages/{name}.md": "---\ntitle: Mine\n---\nText.\n"})
    failed(run(runner, root, "check"), f"content/pages/{name}.md:", "taken by a page postrun")


# ------------------------------------------------------------------ 18. links out of the workspace


@pytest.mark.parametrize("rel", ["content/pages/tips.md", SAM_FILE, "content/media/x.svg"])
def test_18_links_out_of_the_workspace_are_refused(
    runner: CliRunner, workspace: Workspace, tmp_path: Path, rel: str
) -> None:
    root = workspace()
    outside = tmp_path / "outside-secret.txt"
    shutil.copy(root / rel if (root / rel).exists() else root / SAM_FILE, outside)
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).unlink(missing_ok=True)
    (root / rel).symlink_to(outside)
    failed(run(runner, root, "build", "-q"), f"{rel}: the file is a link to a place outside")
    assert not (root / "site").exists()


def test_18_links_inside_the_workspace_are_fine(runner: CliRunner, workspace: Workspace) -> None:
    root = workspace()
    (root / "shared").mkdir()
    shutil.move(root / "content/pages/tips.md", root / "shared/tips.md")
    (root / "content/pages/tips.md").symlink_to(root / "shared/tips.md")
    assert run(runner, root, "check").exit_code == 0


# ------------------------------------------------------------------ 19. ics, messages, plan size


def test_19_ics_text_is_escaped_fully() -> None:
    assert escape("a\rb\r\nc\nd") == "a\\nb\\nc\\nd"
    assert escape("x\x00\x07\x1b\x7fy;z,w\\") == "xy\\;z\\,w\\\\"
    assert escape("p\u2028q\x85r\vs") == "p\\nq\\nr\\ns"


def test_19_bare_cr_does_not_reach_the_calendar(runner: CliRunner, workspace: Workspace) -> None:
    root = workspace()
    replace(
        root,
        "content/site.yaml",
        "practice: Riverside Postnatal Running",
        'practice: "Riverside\\rPostnatal\\x07Running"',
    )
    assert run(runner, root, "build", "-q").exit_code == 0
    ics = (root / "site" / SAM / "calendar.ics").read_bytes()
    assert b"\r" not in ics.replace(b"\r\n", b"") and b"\x07" not in ics
    assert b"Riverside\\nPostnatalRunning" in ics


def test_19_long_values_are_cut_in_messages(runner: CliRunner, workspace: Workspace) -> None:
    root = workspace()
    replace(root, SAM_FILE, "level: beginner", "level: " + "x" * 900_000)
    output = failed(run(runner, root, "check"), f"{SAM_FILE}:7: level")
    assert len(output) < 2000
    assert "…" in output
    long = Problem("f", 1, None, "m" * 50000, "h" * 50000).format()
    assert len(long) < 4200


def test_19_check_refuses_a_protocol_that_makes_an_absurd_plan(
    runner: CliRunner, workspace: Workspace
) -> None:
    # A stage of 60 half-minute jogs, in a protocol of five years with a run every day: each
    # rule holds, but one client's site would hold hundreds of thousands of steps.
    root = workspace()
    protocol = "content/protocol.yaml"
    last = "  - {jog: 1800, walk: 0, main_minutes: 30}"
    replace(root, protocol, last, "  - {jog: 30, walk: 1, main_minutes: 31}\n" + last)
    replace(root, protocol, "max_bout_increase_seconds: 300", "max_bout_increase_seconds: 7200")
    replace(root, protocol, "max_plan_weeks: 78", "max_plan_weeks: 260")
    replace(root, protocol, "hours_between_runs: 48", "hours_between_runs: 24")
    failed(run(runner, root, "check"), "content/protocol.yaml: stages", "too large", "hint")
