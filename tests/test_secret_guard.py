"""A lost or replaced `.postrun-secret` never silently moves clients to new addresses:
`build`, `serve` and `publish` stop and say what to do; `--new-secret` moves them knowingly."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli

from .conftest import LENA, PRIYA, SAM, Workspace
from .sitecheck import tree_digest
from .test_publish import git, hermetic_git, make_bare, make_repo, names, publish  # noqa: F401

OTHER_SECRET = "ab" * 32 + "\n"


def run(runner: CliRunner, root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["-C", str(root), *args])
    return result.exit_code, result.output


def built(runner: CliRunner, workspace: Workspace) -> Path:
    root = workspace()
    assert run(runner, root, "build", "-q")[0] == 0
    return root


def test_init_says_to_back_up_the_secret(runner: CliRunner, tmp_path: Path) -> None:
    code, out = run(runner, tmp_path, "init", str(tmp_path / "practice"))
    assert code == 0
    assert "Back up" in out and ".postrun-secret" in out


def test_build_stops_when_the_secret_is_lost(runner: CliRunner, workspace: Workspace) -> None:
    root = built(runner, workspace)
    before = tree_digest(root / "site")
    (root / ".postrun-secret").unlink()
    code, out = run(runner, root, "build")
    assert code == 1, out
    assert ".postrun-secret: the file is missing, but site/ holds 3 client sites" in out
    assert SAM in out and "restore .postrun-secret" in out and "--new-secret" in out
    assert not (root / ".postrun-secret").exists()  # no new secret made behind her back
    assert tree_digest(root / "site") == before


def test_build_stops_when_the_secret_was_replaced_and_lists_the_moves(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = built(runner, workspace)
    before = tree_digest(root / "site")
    (root / ".postrun-secret").write_text(OTHER_SECRET, "utf-8")
    code, out = run(runner, root, "build")
    assert code == 1, out
    assert "site/ holds 3 client sites made with another secret" in out
    assert f"{SAM} → sam-rivera-" in out and f"{LENA} → lena-okafor-" in out
    assert tree_digest(root / "site") == before
    code, out = run(runner, root, "build", "--new-secret")
    assert code == 0, out
    assert f"her address changes (--new-secret): {SAM}/ → sam-rivera-" in out
    folders = sorted(p.name for p in (root / "site").iterdir() if p.is_dir())
    assert len(folders) == 3 and SAM not in folders and PRIYA not in folders
    assert run(runner, root, "build")[0] == 0  # the new addresses are now the ones in site/


def test_a_slug_that_keeps_her_address_is_not_a_move(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace({"profiles/priya-shah.yaml": None, "profiles/lena-okafor.yaml": None})
    assert run(runner, root, "build", "-q")[0] == 0
    (root / ".postrun-secret").write_text(OTHER_SECRET, "utf-8")
    profile = root / "profiles/sam-rivera.yaml"
    profile.write_text(profile.read_text("utf-8") + f"slug: {SAM}\n", "utf-8")
    code, out = run(runner, root, "build")
    assert code == 0, out
    assert (root / "site" / SAM / "index.html").is_file()


def test_a_first_build_makes_the_secret(runner: CliRunner, workspace: Workspace) -> None:
    root = workspace({".postrun-secret": None})
    code, out = run(runner, root, "build")
    assert code == 0, out
    assert "created a new secret" in out and (root / ".postrun-secret").is_file()


def test_serve_stops_before_serving(runner: CliRunner, workspace: Workspace) -> None:
    root = built(runner, workspace)
    (root / ".postrun-secret").unlink()
    code, out = run(runner, root, "serve", "--port", "0")
    assert code == 1, out
    assert ".postrun-secret: the file is missing" in out
    (root / ".postrun-secret").write_text(OTHER_SECRET, "utf-8")
    code, out = run(runner, root, "serve", "--port", "0")
    assert code == 1 and "made with another secret" in out, out


def test_publish_stops_when_the_published_sites_were_made_with_a_lost_secret(
    runner: CliRunner, workspace: Workspace, tmp_path: Path
) -> None:
    root = workspace()
    make_repo(root)
    bare = make_bare(tmp_path / "remote.git")
    git(root, "remote", "add", "origin", str(bare))
    assert publish(runner, root).exit_code == 0
    published = names(bare, "gh-pages")
    # Another computer: a fresh clone of the workspace, without site/ nor the secret.
    shutil.rmtree(root / "site")
    (root / ".postrun-secret").unlink()
    result = publish(runner, root)
    assert result.exit_code == 1, result.output
    assert ".postrun-secret: the file is missing, but the published gh-pages branch holds 3 " \
        "client sites" in result.output
    assert names(bare, "gh-pages") == published
    # With another secret, the build into an empty site/ succeeds, but publishing would move
    # every client: refused, naming the moves.
    (root / ".postrun-secret").write_text(OTHER_SECRET, "utf-8")
    result = publish(runner, root)
    assert result.exit_code == 1, result.output
    assert "the published gh-pages branch holds 3 client sites made with another secret" \
        in result.output and f"{SAM} → sam-rivera-" in result.output
    assert names(bare, "gh-pages") == published
    result = publish(runner, root, "--new-secret")
    assert result.exit_code == 0, result.output
    assert f"{SAM}/ → sam-rivera-" in result.output
    assert f"{SAM}/index.html" not in names(bare, "gh-pages")
