"""`postrun publish` for a coach: hints name her configured remote, postrun's advice comes last,
and the default commit message counts the clients that changed (never names them)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner

from .conftest import SAM, Workspace
from .test_publish import edit_sam, git, hermetic_git, make_bare, make_repo, publish  # noqa: F401


def pages_repo(workspace: Workspace, tmp_path: Path) -> tuple[Path, Path]:
    """A workspace whose only remote is `pages`, as the README sets it up."""
    root = workspace()
    make_repo(root)
    bare = make_bare(tmp_path / "plans.git")
    git(root, "remote", "add", "pages", str(bare))
    return root, bare


def test_the_default_message_counts_changed_clients_without_names(
    runner: CliRunner, workspace: Workspace, tmp_path: Path
) -> None:
    root, bare = pages_repo(workspace, tmp_path)
    assert publish(runner, root, "--remote", "pages").exit_code == 0
    edit_sam(root)
    result = publish(runner, root, "--remote", "pages")
    assert result.exit_code == 0, result.output
    message = git(bare, "log", "-1", "--format=%B", "gh-pages").strip()
    assert message == "Publish 3 clients with postrun: 1 client changed"
    assert "sam" not in git(bare, "log", "--format=%B", "gh-pages").lower()
    # The reworded commit keeps the tree, parent and author of the one postrun made.
    assert git(bare, "rev-list", "--count", "gh-pages").strip() == "2"
    assert git(bare, "show", f"gh-pages:{SAM}/index.html")


def test_a_missing_default_remote_names_the_configured_one(
    runner: CliRunner, workspace: Workspace, tmp_path: Path
) -> None:
    root, _ = pages_repo(workspace, tmp_path)
    result = publish(runner, root)
    assert result.exit_code == 1
    assert "publish with `--remote pages`" in result.output


def test_push_advice_names_the_configured_remote_and_comes_last(
    runner: CliRunner, workspace: Workspace, tmp_path: Path
) -> None:
    root, bare = pages_repo(workspace, tmp_path)
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", str(bare), str(other)], check=True, capture_output=True)
    git(other, "switch", "-q", "--orphan", "gh-pages")
    (other / "index.html").write_text("edited on GitHub\n")
    git(other, "add", "index.html")
    git(other, "commit", "-q", "-m", "someone else")
    git(other, "push", "-q", "origin", "gh-pages")
    result = publish(runner, root, "--remote", str(bare))  # her remote, given as its path
    assert result.exit_code == 1
    output = result.output
    assert "git push --force pages gh-pages" in output
    assert "git pull" not in output  # git's own advice is for a branch you work on
    assert output.index("[rejected]") < output.index("— hint:")
    assert output.rstrip().splitlines()[-1] == "1 problem found; nothing was changed."
