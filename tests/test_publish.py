"""`postrun publish`: site/ becomes the tip of gh-pages and is pushed, nothing else is touched."""

from __future__ import annotations

import io
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli

from .conftest import LENA, SAM, Workspace
from .sitecheck import tree_digest

SAM_PROFILE = "profiles/sam-rivera.yaml"


@pytest.fixture(autouse=True)
def hermetic_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git ignores the machine's own config, and never finds a repository above tmp_path."""
    empty = tmp_path / "gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


def git(cwd: Path, *args: str, data: bytes | None = None) -> str:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
    done = subprocess.run(
        ["git", "-C", str(cwd), *identity, *args], input=data, capture_output=True, check=True
    )
    return done.stdout.decode()


def git_bytes(cwd: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, check=True).stdout


def make_repo(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text("site/\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "inputs")


def make_bare(path: Path) -> Path:
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    return path


@pytest.fixture
def repo(workspace: Workspace, tmp_path: Path) -> tuple[Path, Path]:
    """A workspace committed to git on `main`, with a bare repository as remote `origin`."""
    root = workspace()
    make_repo(root)
    bare = make_bare(tmp_path / "remote.git")
    git(root, "remote", "add", "origin", str(bare))
    return root, bare


def publish(runner: CliRunner, root: Path, *args: str) -> Result:
    return runner.invoke(cli, ["-C", str(root), "publish", *args])


def names(repo: Path, rev: str) -> list[str]:
    return git(repo, "ls-tree", "-r", "--name-only", rev).splitlines()


def has_ref(repo: Path, ref: str) -> bool:
    done = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", ref], capture_output=True
    )
    return done.returncode == 0


def edit_sam(root: Path, old: str = "Welcome, Sam!", new: str = "Welcome back, Sam!") -> None:
    path = root / SAM_PROFILE
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def site_files(root: Path) -> list[str]:
    return sorted(tree_digest(root / "site"))


# ------------------------------------------------------------------ what is published


def test_publish_pushes_exactly_site_as_gh_pages(
    runner: CliRunner, repo: tuple[Path, Path]
) -> None:
    root, bare = repo
    result = publish(runner, root)
    assert result.exit_code == 0, result.output
    tip = git(bare, "rev-parse", "gh-pages").strip()
    assert result.output.strip() == f"Published 3 clients to origin gh-pages (commit {tip[:7]})"
    published = names(bare, "gh-pages")
    assert published == site_files(root)
    assert {".nojekyll", "404.html", "robots.txt", "index.html"} <= set(published)
    assert f"{SAM}/index.html" in published
    assert not [n for n in published if n.split("/")[0] in {"content", "profiles", "templates"}]
    assert "CNAME" not in published
    for rel in ("index.html", "robots.txt", f"{SAM}/index.html", f"{SAM}/plan.json"):
        assert git_bytes(bare, "show", f"gh-pages:{rel}") == (root / "site" / rel).read_bytes()
    assert git(bare, "log", "-1", "--format=%s", "gh-pages").strip() == (
        "Publish 3 clients with postrun"
    )
    # Without a git identity, the commit is postrun's; the local branch matches the remote.
    assert git(bare, "log", "-1", "--format=%an <%ae>|%cn <%ce>", "gh-pages").strip() == (
        "postrun <postrun@localhost>|postrun <postrun@localhost>"
    )
    assert git(root, "rev-parse", "gh-pages").strip() == tip


def test_publish_uses_git_identity_source_date_and_message(
    runner: CliRunner, repo: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, bare = repo
    git(root, "config", "user.name", "Jo Alvarez")
    git(root, "config", "user.email", "jo@riverside-running.example")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    result = publish(runner, root, "--message", "Week 3 for everyone")
    assert result.exit_code == 0, result.output
    assert git(bare, "log", "-1", "--format=%an <%ae>|%at|%ct|%s", "gh-pages").strip() == (
        "Jo Alvarez <jo@riverside-running.example>|1767225600|1767225600|Week 3 for everyone"
    )


def test_publish_leaves_head_branch_index_and_working_files_alone(
    runner: CliRunner, repo: tuple[Path, Path]
) -> None:
    root, _ = repo
    # A coach mid-edit: one change staged, one not, one new file.
    edit_sam(root)
    git(root, "add", SAM_PROFILE)
    (root / "content/site.yaml").write_text((root / "content/site.yaml").read_text() + "\n")
    (root / "profiles/draft.txt").write_text("not a profile yet\n")

    def snapshot() -> tuple[object, ...]:
        index = (root / ".git/index").read_bytes()  # read first: status could refresh it
        cached = subprocess.run(["git", "-C", str(root), "diff", "--cached", "--quiet"]).returncode
        return (
            index,
            git(root, "rev-parse", "HEAD"),
            git(root, "symbolic-ref", "HEAD"),
            git(root, "--no-optional-locks", "status", "--porcelain", "--untracked-files=all"),
            cached,
            {k: v for k, v in tree_digest(root).items() if not k.startswith((".git/", "site/"))},
        )

    before = snapshot()
    assert before[4] == 1  # the staged edit is really there
    result = publish(runner, root)
    assert result.exit_code == 0, result.output
    assert snapshot() == before
    assert git(root, "branch", "--format=%(refname:short)").split() == ["gh-pages", "main"]


def test_each_publish_adds_one_commit_and_an_unchanged_one_adds_none(
    runner: CliRunner, repo: tuple[Path, Path]
) -> None:
    root, bare = repo
    assert publish(runner, root).exit_code == 0
    first = git(bare, "rev-parse", "gh-pages").strip()
    edit_sam(root)
    result = publish(runner, root)
    assert result.exit_code == 0, result.output
    second = git(bare, "rev-parse", "gh-pages").strip()
    assert second != first
    assert git(bare, "rev-list", "--count", "gh-pages").strip() == "2"
    assert git(bare, "rev-parse", f"{second}^").strip() == first
    assert names(bare, "gh-pages") == site_files(root)

    result = publish(runner, root)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"Nothing changed, nothing published: origin gh-pages is already at commit {second[:7]}"
    )
    assert git(bare, "rev-parse", "gh-pages").strip() == second
    assert git(root, "rev-parse", "gh-pages").strip() == second
    assert not has_ref(root, "refs/postrun/publish")


def test_files_gone_from_site_are_gone_from_the_branch(
    runner: CliRunner, repo: tuple[Path, Path]
) -> None:
    root, bare = repo
    assert publish(runner, root).exit_code == 0
    assert any(n.startswith(f"{LENA}/") for n in names(bare, "gh-pages"))
    (root / "profiles/lena-okafor.yaml").unlink()
    result = publish(runner, root)
    assert result.exit_code == 0, result.output
    assert "Published 2 clients" in result.output
    assert not any(n.startswith(f"{LENA}/") for n in names(bare, "gh-pages"))


def test_cname_from_site_yaml_is_published_every_time(
    runner: CliRunner, workspace: Workspace, tmp_path: Path
) -> None:
    site_yaml = (Path(__file__).parent.parent / "content/site.yaml").read_text()
    root = workspace({"content/site.yaml": site_yaml + "cname: plans.example.com\n"})
    make_repo(root)
    bare = make_bare(tmp_path / "remote.git")
    git(root, "remote", "add", "origin", str(bare))
    assert publish(runner, root).exit_code == 0
    assert git(bare, "show", "gh-pages:CNAME") == "plans.example.com\n"
    assert not (root / "site/CNAME").exists()
    assert names(bare, "gh-pages") == sorted([*site_files(root), "CNAME"])

    edit_sam(root)
    result = publish(runner, root)
    assert result.exit_code == 0, result.output
    assert git(bare, "rev-list", "--count", "gh-pages").strip() == "2"
    assert git(bare, "show", "gh-pages:CNAME") == "plans.example.com\n"


def test_remote_may_be_a_repository_path_instead_of_a_name(
    runner: CliRunner, repo: tuple[Path, Path], tmp_path: Path
) -> None:
    root, origin = repo
    pages = make_bare(tmp_path / "pages.git")
    result = publish(runner, root, "--remote", str(pages))
    assert result.exit_code == 0, result.output
    assert f"to {pages} gh-pages" in result.output
    assert names(pages, "gh-pages") == site_files(root)
    assert not has_ref(origin, "refs/heads/gh-pages")


def test_remote_may_be_a_url(runner: CliRunner, repo: tuple[Path, Path], tmp_path: Path) -> None:
    root, _ = repo
    pages = make_bare(tmp_path / "pages.git")
    result = publish(runner, root, "--remote", pages.as_uri(), "--branch", "site")
    assert result.exit_code == 0, result.output
    assert names(pages, "site") == site_files(root)


def test_no_push_commits_locally_only_and_the_next_publish_pushes_it(
    runner: CliRunner, repo: tuple[Path, Path]
) -> None:
    root, bare = repo
    result = publish(runner, root, "--no-push")
    assert result.exit_code == 0, result.output
    local = git(root, "rev-parse", "gh-pages").strip()
    assert result.output.strip() == (
        f"Committed 3 clients to gh-pages (commit {local[:7]}), not pushed (--no-push)"
    )
    assert not has_ref(bare, "refs/heads/gh-pages")
    assert names(root, "gh-pages") == site_files(root)

    # Nothing new to commit, but the remote lacks the commit: publishing still pushes it.
    result = publish(runner, root)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"Nothing changed since commit {local[:7]}; pushed it to origin gh-pages "
        "(it was not there yet)"
    )
    assert git(bare, "rev-parse", "gh-pages").strip() == local
    assert git(root, "rev-list", "--count", "gh-pages").strip() == "1"


def test_no_build_publishes_site_as_it_is(runner: CliRunner, repo: tuple[Path, Path]) -> None:
    root, bare = repo
    assert runner.invoke(cli, ["-C", str(root), "build", "-q"]).exit_code == 0
    (root / "site/extra.txt").write_text("left by hand\n")
    result = publish(runner, root, "--no-build")
    assert result.exit_code == 0, result.output
    assert "extra.txt" in names(bare, "gh-pages")


# ------------------------------------------------------------------ errors


def test_error_when_workspace_is_not_a_git_repository(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    result = publish(runner, root)
    assert result.exit_code == 1
    assert "the workspace is not a git repository" in result.output
    assert "hint: run `git init`" in result.output
    assert "Traceback" not in result.output
    assert not (root / "site").exists()  # refused before building


def test_error_for_unknown_remote_name(runner: CliRunner, repo: tuple[Path, Path]) -> None:
    root, _ = repo
    result = publish(runner, root, "--remote", "orign")
    assert result.exit_code == 1
    assert "`orign` is not a remote of this repository (configured: `origin`)" in result.output
    assert "did you mean `origin`?" in result.output
    assert not (root / "site").exists()
    assert not has_ref(root, "refs/heads/gh-pages")


def test_error_for_missing_default_remote_says_how_to_add_one(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    make_repo(root)
    result = publish(runner, root)
    assert result.exit_code == 1
    assert "`origin` is not a remote" in result.output
    assert "git remote add origin" in result.output


def test_error_when_the_remote_hook_rejects_the_push(
    runner: CliRunner, repo: tuple[Path, Path]
) -> None:
    root, bare = repo
    hook = bare / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho 'rejected by policy: no Friday deploys' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = publish(runner, root)
    assert result.exit_code == 1
    assert "rejected by policy: no Friday deploys" in result.output
    assert "git push" in result.output
    assert not has_ref(bare, "refs/heads/gh-pages")
    # The commit is kept locally, so the next publish (or a fixed hook) can push it.
    assert names(root, "gh-pages") == site_files(root)


def test_error_when_the_remote_branch_has_diverged(
    runner: CliRunner, repo: tuple[Path, Path], tmp_path: Path
) -> None:
    root, bare = repo
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", str(bare), str(other)], check=True, capture_output=True)
    git(other, "switch", "-q", "--orphan", "gh-pages")
    (other / "index.html").write_text("edited on GitHub\n")
    git(other, "add", "index.html")
    git(other, "commit", "-q", "-m", "someone else")
    git(other, "push", "-q", "origin", "gh-pages")
    theirs = git(bare, "rev-parse", "gh-pages")

    result = publish(runner, root, "--remote", str(bare))
    assert result.exit_code == 1
    assert "[rejected]" in result.output
    assert "git push --force" in result.output
    assert git(bare, "rev-parse", "gh-pages") == theirs


def test_git_failures_are_reported_with_gits_own_words(
    runner: CliRunner, repo: tuple[Path, Path], tmp_path: Path
) -> None:
    root, _ = repo
    not_a_repo = tmp_path / "empty-folder"
    not_a_repo.mkdir()
    result = publish(runner, root, "--remote", str(not_a_repo))
    assert result.exit_code == 1
    assert "does not appear to be a git repository" in result.output
    assert "failed (exit status" in result.output


def test_error_when_nothing_was_built(runner: CliRunner, repo: tuple[Path, Path]) -> None:
    root, _ = repo
    result = publish(runner, root, "--no-build")
    assert result.exit_code == 1
    assert "site/: there is no built site to publish" in result.output
    assert "hint: run `postrun build` first" in result.output
    assert not has_ref(root, "refs/heads/gh-pages")


def test_error_for_bad_branch_and_for_the_checked_out_branch(
    runner: CliRunner, repo: tuple[Path, Path]
) -> None:
    root, _ = repo
    result = publish(runner, root, "--branch", "gh..pages")
    assert result.exit_code == 1
    assert "`gh..pages` is not a valid branch name" in result.output
    head = git(root, "rev-parse", "main")
    result = publish(runner, root, "--branch", "main")
    assert result.exit_code == 1
    assert "`main` is the branch you are working on" in result.output
    assert git(root, "rev-parse", "main") == head


def test_bad_input_is_reported_before_anything_is_committed(
    runner: CliRunner, repo: tuple[Path, Path]
) -> None:
    root, bare = repo
    edit_sam(root, "runs_per_week: 3", "runs_per_week: 9")
    result = publish(runner, root)
    assert result.exit_code == 1
    assert SAM_PROFILE in result.output
    assert not has_ref(root, "refs/heads/gh-pages")
    assert not has_ref(bare, "refs/heads/gh-pages")


# ------------------------------------------------------------------ served under /REPO/


class _Links(HTMLParser):
    WANTED: ClassVar[set[tuple[str, str]]] = {
        ("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if (tag, name) in self.WANTED and value:
                self.urls.append(value)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on 127.0.0.1 (a random port); yields it and the base URL."""
    folder = tmp_path / "www"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_published_site_works_under_a_project_pages_subpath(
    runner: CliRunner, repo: tuple[Path, Path], served: tuple[Path, str]
) -> None:
    root, bare = repo
    assert publish(runner, root).exit_code == 0
    folder, base = served
    archive = git_bytes(bare, "archive", "--format=tar", "gh-pages")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder / "plans", filter="data")

    prefix = f"{base}plans/"
    queue = [f"{prefix}{SAM}/index.html"]
    seen: set[str] = set(queue)
    broken: list[str] = []
    while queue:
        url = queue.pop()
        try:
            with urlopen(url, timeout=10) as response:
                assert response.status == 200
                body = response.read()
                kind = response.headers.get_content_type()
        except HTTPError as exc:
            broken.append(f"{url}: {exc.code}")
            continue
        if kind != "text/html":
            continue
        links = _Links()
        links.feed(body.decode("utf-8"))
        for link in links.urls:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue  # mailto:, tel:, the coach's own links: not part of the site
            target = urldefrag(urljoin(url, link)).url
            # Under a project-pages subpath, a link that leaves /plans/ is a broken link.
            if not target.startswith(prefix):
                broken.append(f"{url}: {link!r} leaves the site")
            elif target not in seen:
                seen.add(target)
                queue.append(target)
    assert broken == []
    assert len(seen) >= 20
    assert f"{prefix}{SAM}/calendar.html" in seen


def test_a_fresh_clone_continues_the_remote_branch_history(
    runner: CliRunner, repo: tuple[Path, Path]
) -> None:
    root, bare = repo
    assert publish(runner, root).exit_code == 0
    first = git(bare, "rev-parse", "gh-pages").strip()
    # As on a second computer: no local gh-pages, only the remote-tracking one.
    git(root, "branch", "-q", "-D", "gh-pages")
    git(root, "fetch", "-q", "origin")
    result = publish(runner, root)
    assert result.exit_code == 0, result.output
    assert "Nothing changed, nothing published" in result.output
    assert git(root, "rev-parse", "gh-pages").strip() == first
    edit_sam(root)
    result = publish(runner, root)
    assert result.exit_code == 0, result.output
    assert git(bare, "rev-parse", "gh-pages^").strip() == first
