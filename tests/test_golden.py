"""Golden full-site test: the example workspace builds exactly the stored expected site.

After an intended change to content, templates or the plan, regenerate the expected site with
``POSTRUN_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and review the diff before committing.
"""

from __future__ import annotations

import difflib
import os
import shutil

from click.testing import CliRunner

from generator.cli import cli

from .conftest import REPO, Workspace
from .sitecheck import tree_digest

GOLDEN = REPO / "tests" / "golden" / "example-site"


def test_example_workspace_builds_the_expected_site(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    result = runner.invoke(cli, ["-C", str(root), "build", "-q"])
    assert result.exit_code == 0, result.output
    site = root / "site"
    if os.environ.get("POSTRUN_UPDATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(site, GOLDEN)
    expected, actual = tree_digest(GOLDEN), tree_digest(site)
    assert sorted(actual) == sorted(expected), "files added or missing"
    for rel in sorted(expected):
        if expected[rel] != actual[rel]:
            diff = difflib.unified_diff(
                (GOLDEN / rel).read_text("utf-8", "replace").splitlines(),
                (site / rel).read_text("utf-8", "replace").splitlines(),
                f"expected/{rel}", f"built/{rel}", lineterm="", n=2,
            )
            raise AssertionError("\n".join(list(diff)[:60]))
