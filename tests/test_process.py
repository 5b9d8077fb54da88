"""`postrun` as the shell runs it (``generator.cli.main``): its exit status, its output and
exit handlers survive the quick exit, and the cycle collector is on wherever garbage builds up."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from generator import build as build_module
from generator.process import exit_status

from .conftest import Workspace


def postrun(root: Path, *args: str, before: str = "") -> subprocess.CompletedProcess[str]:
    """``postrun -C root ARGS`` in a process of its own, through ``main()`` (``before``: code
    run first in that process)."""
    code = (
        f"import sys\n{before}\nfrom generator.cli import main\n"
        f"sys.argv = ['postrun', '-C', {str(root)!r}, *{args!r}]\nmain()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_a_build_says_what_it_did_runs_exit_handlers_and_exits_0(workspace: Workspace) -> None:
    root = workspace()
    done = postrun(root, "build", before="import atexit; atexit.register(print, 'handler ran')")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Built 3 clients"), done.stdout  # flushed into a pipe
    assert lines[-1] == "handler ran"
    assert (root / "site" / "index.html").is_file()


def test_bad_input_exits_1_and_a_wrong_option_2_with_their_messages(
    workspace: Workspace,
) -> None:
    root = workspace({"profiles/sam-rivera.yaml": "name: [unclosed\n"})
    bad = postrun(root, "build")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "profiles/sam-rivera.yaml:" in bad.stdout + bad.stderr
    assert "Traceback" not in bad.stdout + bad.stderr
    usage = postrun(root, "build", "--no-such-option")
    assert usage.returncode == 2
    assert "No such option" in usage.stderr


def test_the_exit_status_is_pythons_for_every_kind_of_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert exit_status(None) == 0
    assert exit_status(0) == 0
    assert exit_status(2) == 2
    assert exit_status(256 + 3) == 3  # as the operating system keeps it
    assert exit_status("stopped: see above") == 1
    assert capsys.readouterr().err == "stopped: see above\n"


def test_a_build_of_many_clients_renders_with_the_collector_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `postrun` starts with the collector off (little garbage while it starts); rendering
    # many clients makes garbage, so it is on while they render, and off again afterwards.
    seen: list[bool] = []

    def here(count: int) -> object:
        for index in range(count):
            seen.append(gc.isenabled())
            yield [(f"c{index}", f"c{index}", 1, 1)]

    monkeypatch.setattr(build_module, "_here", here)
    was = gc.isenabled()
    gc.disable()
    try:
        many = build_module.PARALLEL_MIN_CLIENTS
        assert len(list(build_module._render_all(many, 1, None))) == many
        assert seen == [True] * many
        assert not gc.isenabled()
        seen.clear()
        assert len(list(build_module._render_all(2, 1, None))) == 2  # one or two: left off
        assert seen == [False, False]
    finally:
        if was:
            gc.enable()
