"""Fast builds that stay correct: parallel == serial, incremental == clean, exact shards."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from generator import incremental
from generator.build import _chunks
from generator.cli import cli
from generator.write import _FS_IOC_GETFLAGS as FS_IOC_GETFLAGS
from generator.write import _FS_TOPDIR_FL as FS_TOPDIR_FL
from generator.write import StagedDir
from generator.write import _spread_folders as spread_folders

from .conftest import LENA, PRIYA, SAM, Workspace
from .sitecheck import tree_digest

MANY = 30  # enough clients for the build to use worker processes


def many_clients(workspace: Workspace, count: int = MANY) -> Path:
    root = workspace()
    template = (root / "profiles/sam-rivera.yaml").read_text("utf-8")
    for i in range(count):
        text = template.replace("Sam Rivera", f"Client {i}").replace(
            "2026-09-01", f"2026-08-{1 + i % 28:02d}")
        if i % 2:  # both levels: a card names a version that is not her own, so differs
            text = text.replace("level: beginner", "level: intermediate")
        (root / f"profiles/client-{i:02d}.yaml").write_text(text, "utf-8")
    return root


def build(runner: CliRunner, root: Path, *args: str) -> str:
    result = runner.invoke(cli, ["-C", str(root), "build", *args])
    assert result.exit_code == 0, result.output
    return result.output


def clean_build(runner: CliRunner, root: Path, name: str) -> dict[str, str]:
    out = root.parent / name
    build(runner, root, "--clean", "--out", str(out))
    return tree_digest(out)


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino
            for p in folder.rglob("*") if p.is_file()}


def test_parallel_build_is_byte_identical_to_one_process(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = many_clients(workspace)
    build(runner, root, "--jobs", "1", "--out", str(root.parent / "serial"))
    build(runner, root, "--jobs", "2", "--out", str(root.parent / "parallel"))
    serial = tree_digest(root.parent / "serial")
    assert len([k for k in serial if k.endswith("/index.html")]) == MANY + 3
    assert tree_digest(root.parent / "parallel") == serial


EDITS = {
    "a profile": ("profiles/sam-rivera.yaml", "Welcome, Sam!", "Hi Sam!"),
    "an exercise": ("content/exercises/dead-bug.md", "\n---\n1.", "\n---\nGo slow.\n\n1."),
    "a template": ("templates/page.html", "Back to your plan", "Back to the plan"),
    "the protocol": ("content/protocol.yaml", "sessions_per_stage: 3", "sessions_per_stage: 2"),
    "site settings": ("content/site.yaml", "Jo Alvarez", "Jo A. Alvarez"),
}


@pytest.mark.parametrize("change", sorted(EDITS))
def test_incremental_build_equals_a_clean_build_after_each_kind_of_change(
    runner: CliRunner, workspace: Workspace, change: str
) -> None:
    root = workspace()
    build(runner, root)
    path, old, new = EDITS[change]
    text = (root / path).read_text("utf-8")
    assert old in text
    (root / path).write_text(text.replace(old, new, 1), "utf-8")
    build(runner, root)
    assert tree_digest(root / "site") == clean_build(runner, root, "clean")


def test_a_new_and_a_deleted_profile_match_a_clean_build(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    build(runner, root)
    (root / "profiles/priya-shah.yaml").unlink()
    text = (root / "profiles/sam-rivera.yaml").read_text("utf-8").replace("Sam Rivera", "Noor Ali")
    (root / "profiles/noor-ali.yaml").write_text(text, "utf-8")
    out = build(runner, root)
    assert "Built 1 client" in out and "1 removed" in out and "2 unchanged" in out
    assert not (root / "site" / PRIYA).exists()
    assert len(list((root / "site").glob("noor-ali-*/index.html"))) == 1
    assert tree_digest(root / "site") == clean_build(runner, root, "clean")


@pytest.mark.parametrize("change", ["new", "deleted"])
def test_one_new_or_deleted_profile_alone_matches_a_clean_build(
    runner: CliRunner, workspace: Workspace, change: str
) -> None:
    # One client's folder added or taken out (one rename), the rest of the site untouched.
    root = workspace()
    build(runner, root)
    before = inodes(root / "site")
    if change == "deleted":
        (root / "profiles/priya-shah.yaml").unlink()
    else:
        text = (root / "profiles/sam-rivera.yaml").read_text("utf-8")
        (root / "profiles/noor-ali.yaml").write_text(text.replace("Sam Rivera", "Noor Ali"))
    out = build(runner, root)
    assert ("1 removed" in out) == (change == "deleted"), out
    assert tree_digest(root / "site") == clean_build(runner, root, "clean")
    after = inodes(root / "site")
    gone = f"{PRIYA}/" if change == "deleted" else "-"
    assert {k: v for k, v in after.items() if k in before} == {
        k: v for k, v in before.items() if not k.startswith(gone)
    }
    assert not [p for p in root.iterdir() if p.name.startswith(".site-")]


def test_unchanged_clients_and_files_are_not_rewritten(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    build(runner, root)
    before = inodes(root / "site")
    profile = root / "profiles/sam-rivera.yaml"
    profile.write_text(profile.read_text("utf-8").replace("Welcome, Sam!", "Hi Sam!"), "utf-8")
    out = build(runner, root)
    assert "Built 1 client" in out and "2 unchanged" in out
    after = inodes(root / "site")
    for key in before:
        if key.startswith((f"{LENA}/", f"{PRIYA}/")) or "/" not in key:
            assert after[key] == before[key], f"{key} was rewritten"
    assert after[f"{SAM}/exercise-dead-bug.html"] == before[f"{SAM}/exercise-dead-bug.html"]
    assert after[f"{SAM}/index.html"] != before[f"{SAM}/index.html"]


def test_a_build_with_nothing_changed_touches_nothing(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    build(runner, root)
    before = {k: (v, (root / "site" / k).stat().st_mtime_ns)
              for k, v in inodes(root / "site").items()}
    out = build(runner, root)
    assert out.startswith("Nothing to rebuild: 3 clients unchanged")
    assert {k: (v, (root / "site" / k).stat().st_mtime_ns)
            for k, v in inodes(root / "site").items()} == before
    # ... and, as the coach runs it (a process of its own), decides that without importing
    # what loading and rendering need: a no-op rebuild is mostly Python starting up.
    loaded = set(_modules_after(root, "build").split())
    assert "generator.build" in loaded
    heavy = {"jinja2", "markdown", "yaml", "babel", "nh3", "generator.models", "generator.render"}
    assert not heavy & loaded, heavy & loaded


def _built_then_watched(
    runner: CliRunner,
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: Callable[[Any], str],
    first: bool = True,
) -> list[str]:
    """Build once (unless not ``first``), then list (by ``name``) every file a build reads
    to fingerprint it. With ``first``, the files were written just now: their marks are
    trusted all the same (RECENT_NS is 0)."""
    if first:
        monkeypatch.setattr(incremental, "RECENT_NS", 0)
        build(runner, root)
    read: list[str] = []
    real = incremental._regular_file_digest

    def reading(path: Path, *args: Any) -> bytes | None:
        read.append(name(path))
        return real(path, *args)

    monkeypatch.setattr(incremental, "_regular_file_digest", reading)
    return read


def test_a_profile_as_it_was_is_not_read_again_and_any_change_is_seen(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A no-op build over many clients is one stat per profile: a file whose stat is the one
    # the manifest remembers keeps its fingerprint unread. Changed bytes are still seen when
    # the size and modification time are put back (the change time moves on).
    root = workspace()
    read = _built_then_watched(runner, root, monkeypatch, lambda path: Path(path).parent.name)
    assert build(runner, root).startswith("Nothing to rebuild: 3 clients unchanged")
    assert not read  # no profile was read again (nor content/, templates/: see below)
    profile = root / "profiles/sam-rivera.yaml"
    before, text = profile.stat(), profile.read_text("utf-8")
    profile.write_text(text.replace("Welcome, Sam!", "Welcome, Sal!"), "utf-8")
    os.utime(profile, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert profile.stat().st_size == before.st_size
    assert "Built 1 client" in build(runner, root)
    assert "Welcome, Sal!" in (root / f"site/{SAM}/index.html").read_text("utf-8")


@pytest.mark.parametrize("opened", [True, False])
def test_profiles_as_they_were_are_known_by_name_in_their_opened_folder_or_by_path(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, opened: bool
) -> None:
    # The profiles' folder is opened once and each file looked at by name; where a system
    # cannot, each is looked at by its path: the same fingerprints, no file read either way.
    from generator.load.paths import profile_names

    monkeypatch.setattr(incremental, "RECENT_NS", 0)
    root = workspace()
    names = profile_names(root)
    marks: dict[str, str] = {}
    first = incremental.profile_fingerprints(root, names, None, marks)
    known = {stem: {"hash": h, "stat": marks[stem]} for stem, h in first.items()}
    if not opened:
        monkeypatch.setattr(os, "supports_dir_fd", set())
    monkeypatch.chdir(root / "content")  # names are never looked up where postrun runs

    def reading(*args: Any) -> bytes | None:
        raise AssertionError("a profile as it was is read again")

    monkeypatch.setattr(incremental, "_regular_file_digest", reading)
    again: dict[str, str] = {}
    assert incremental.profile_fingerprints(root, names, known, again) == first
    assert again == marks


def test_a_file_changed_within_the_clocks_tick_is_always_read(tmp_path: Path) -> None:
    # Its times might not move on if it changes again at once: no mark, so it is read.
    path = tmp_path / "a.yaml"
    path.write_text("name: A\n", "utf-8")
    info = path.stat()
    now = max(info.st_mtime_ns, info.st_ctime_ns)
    assert incremental.stat_mark(info, now) == ""
    assert incremental.stat_mark(info, now + incremental.RECENT_NS - 1) == ""
    assert str(info.st_ctime_ns) in incremental.stat_mark(info, now + incremental.RECENT_NS)


SAME_SIZE = {  # an edit that keeps the file's size
    "an exercise": ("content/exercises/dead-bug.md", "Slow is better.", "SLOW is better."),
    "a template": ("templates/page.html", "Back to your plan", "Back to YOUR plan"),
}


def _site_says(root: Path, text: str) -> bool:
    return any(text in p.read_text("utf-8") for p in (root / "site").rglob("*.html"))


@pytest.mark.parametrize("change", sorted(SAME_SIZE))
def test_a_shared_file_as_it_was_is_not_read_again_and_any_change_is_seen(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    # Content and templates are remembered as profiles are (each file's stat mark and digest):
    # a file as it was is not read again, and any change, even of the same size with its
    # modification time put back, makes a full build (its change time moved on).
    root = workspace()
    read = _built_then_watched(runner, root, monkeypatch, os.fspath)
    assert build(runner, root).startswith("Nothing to rebuild: 3 clients unchanged")
    assert not read, read  # neither content/, templates/ nor postrun's own templates
    rel, old, new = SAME_SIZE[change]
    path = root / rel
    before, text = path.stat(), path.read_text("utf-8")
    assert old in text and not _site_says(root, new)
    path.write_text(text.replace(old, new, 1), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert "Built 3 clients" in build(runner, root)  # shared input changed: everyone
    assert read == [str(path)]
    assert _site_says(root, new)


def test_a_build_that_changes_nothing_saves_marks_it_could_not_trust_before(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files written just before a build are too recent to trust (a file system's clock
    # ticks): that build reads them and remembers no mark. The next build, with nothing
    # changed, reads them once more and saves their marks, so the one after reads nothing.
    root = workspace()
    clock = [time.time_ns()]  # the files were written just now: too recent to trust
    monkeypatch.setattr(incremental, "time", SimpleNamespace(time_ns=lambda: clock[0]))
    build(runner, root)
    clock[0] += 10 * incremental.RECENT_NS  # later: their times have settled
    read = _built_then_watched(runner, root, monkeypatch, os.fspath, first=False)
    assert build(runner, root).startswith("Nothing to rebuild: 3 clients unchanged")
    assert len(read) > 3  # three profiles, content and templates: none could be trusted yet
    read.clear()
    assert build(runner, root).startswith("Nothing to rebuild: 3 clients unchanged")
    assert not read, read


def test_a_shared_file_changed_within_the_clocks_tick_is_read_again(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file system whose clock ticks slowly: a template changed again within the tick the
    # build looked at it keeps its size and times. Its mark was not trusted then (too recent),
    # so the next build reads it, however settled its times look by then.
    root = workspace()
    template = root / "templates/page.html"
    text = template.read_text("utf-8")
    template.write_text(text.replace("Back to your plan", "Back to YOUR plan"), "utf-8")
    frozen = os.lstat(template)
    clock = [max(frozen.st_mtime_ns, frozen.st_ctime_ns) + incremental.RECENT_NS // 2]
    monkeypatch.setattr(incremental, "time", SimpleNamespace(time_ns=lambda: clock[0]))
    build(runner, root)
    template.write_text(text.replace("Back to your plan", "Back to this plan"), "utf-8")
    real = os.lstat

    def coarse(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        same = os.fspath(path) == os.fspath(template)
        return frozen if same else real(path, *args, **kwargs)

    monkeypatch.setattr(os, "lstat", coarse)
    clock[0] += 10 * incremental.RECENT_NS  # by now its (unmoved) times look settled
    assert "Built 3 clients" in build(runner, root)
    assert _site_says(root, "Back to this plan")


def test_postruns_own_templates_are_remembered_and_any_change_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The templates postrun ships (used where the workspace has none of its own) count among
    # the shared inputs too, remembered by their full path.
    monkeypatch.setattr(incremental, "RECENT_NS", 0)
    own = tmp_path / "own"
    (own / "partials").mkdir(parents=True)
    (own / "base.html").write_text("<p>base</p>", "utf-8")
    (own / "partials/card.html").write_text("<p>card</p>", "utf-8")
    monkeypatch.setattr(incremental, "default_templates", lambda: own)
    root = tmp_path / "ws"
    (root / "content").mkdir(parents=True)
    learned: incremental.Marks = {}
    first = incremental.shared_fingerprint(root, "x", {}, learned)
    assert sorted(learned) == [str(own / "base.html"), str(own / "partials/card.html")]
    again: incremental.Marks = {}
    assert incremental.shared_fingerprint(root, "x", learned, again) == first
    assert again == learned
    card = own / "partials/card.html"
    before = card.stat()
    card.write_text("<p>CARD</p>", "utf-8")
    os.utime(card, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert incremental.shared_fingerprint(root, "x", learned, {}) != first
    card.write_text("<p>card</p>", "utf-8")
    assert incremental.shared_fingerprint(root, "x", learned, {}) == first
    assert incremental.shared_fingerprint(root, "x", {"x": ["1", "zz"]}, {}) == first


def test_the_shared_files_are_listed_as_pathlib_lists_them(tmp_path: Path) -> None:
    # The fingerprint's order and names are rglob's: linked folders are entries (never
    # followed), real ones are walked, hidden files count.
    (tmp_path / "a/b").mkdir(parents=True)
    for rel in ("a/b/c.md", "a-c.md", "a/.hidden", "z.md", "a/b.md"):
        (tmp_path / rel).write_text(rel, "utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "a")
    (tmp_path / "gone").symlink_to(tmp_path / "nothing")
    expected = [p for p in sorted(tmp_path.rglob("*")) if not (p.is_dir() and not p.is_symlink())]
    listed = incremental._listing(str(tmp_path))
    assert [path for _, path in listed] == [str(p) for p in expected]
    assert ["/".join(parts) for parts, _ in listed] == [
        p.relative_to(tmp_path).as_posix() for p in expected
    ]


def _modules_after(root: Path, *args: str) -> str:
    """The modules a separate `postrun` process had imported once the command ran."""
    code = (  # main() ends the process after the exit handlers: the list is printed by one
        "import atexit, sys\nfrom generator.cli import main\n"
        f"sys.argv = ['postrun', '-C', {str(root)!r}, *{args!r}]\n"
        "atexit.register(lambda: print(' '.join(sorted(sys.modules))))\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1]


def test_the_build_cache_stays_out_of_the_site_and_the_workspace(
    runner: CliRunner, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTRUN_CACHE_DIR", str(tmp_path / "cache"))
    root = workspace()
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    build(runner, root)
    after = sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                   if not p.relative_to(root).as_posix().startswith("site"))
    assert after == before
    assert len(list((tmp_path / "cache").glob("manifest-*.json"))) == 1
    assert not [p for p in (root / "site").rglob("*.json") if p.name != "plan.json"]


def test_a_failed_incremental_build_leaves_the_site(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    build(runner, root)
    before = tree_digest(root / "site")
    (root / "profiles/lena-okafor.yaml").write_text("name: Lena\nlevel: expert\n", "utf-8")
    result = runner.invoke(cli, ["-C", str(root), "build"])
    assert result.exit_code == 1
    assert tree_digest(root / "site") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".site-")]


def test_shards_partition_the_clients_exactly(runner: CliRunner, workspace: Workspace) -> None:
    root = many_clients(workspace, 9)  # 12 clients: enough for three shards of a few each
    full = clean_build(runner, root, "full")
    clients = {k.split("/")[0] for k in full if "/" in k}
    seen: set[str] = set()
    merged: dict[str, str] = {}
    for k in (1, 2, 3):
        out = root.parent / f"shard-{k}"
        build(runner, root, "--shard", f"{k}/3", "--out", str(out))
        shard = tree_digest(out)
        mine = {key.split("/")[0] for key in shard if "/" in key}
        assert mine, f"shard {k} is empty"
        assert not mine & seen, "a client is in two shards"
        seen |= mine
        for key, digest in shard.items():
            assert full[key] == digest, key
        merged.update(shard)
    assert seen == clients
    assert merged == full  # copying the shards together gives the whole site


@pytest.mark.parametrize("bad", ["0/3", "4/3", "two/3", "1"])
def test_a_bad_shard_is_refused(runner: CliRunner, workspace: Workspace, bad: str) -> None:
    result = runner.invoke(cli, ["-C", str(workspace()), "build", "--shard", bad])
    assert result.exit_code == 1
    assert re.search(r"is not a shard like", result.output)


def test_a_one_profile_rebuild_reuses_the_loaded_content(
    runner: CliRunner, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Content is parsed once and kept (keyed by its fingerprint): a profile edit does not
    # read an exercise again; a damaged cache is only a slower build.
    monkeypatch.setenv("POSTRUN_CACHE_DIR", str(tmp_path / "cache"))
    root = workspace()
    first = build(runner, root)
    profile = root / "profiles/sam-rivera.yaml"
    profile.write_text(profile.read_text("utf-8").replace("Welcome, Sam!", "Hi Sam!"), "utf-8")

    def refuse(*args: object) -> None:
        raise AssertionError("content was loaded again")

    with monkeypatch.context() as patch:
        patch.setattr("generator.load.workspace.load_exercises", refuse)
        again = build(runner, root)
    assert "Built 1 client" in again
    assert first.splitlines()[:-1] == again.splitlines()[:-1]  # the same warnings
    assert tree_digest(root / "site") == clean_build(runner, root, "clean")
    for cache in (tmp_path / "cache").glob("content-*.pickle"):
        cache.write_bytes(b"not a pickle")
    profile.write_text(profile.read_text("utf-8").replace("Hi Sam!", "Hello Sam!"), "utf-8")
    assert "Built 1 client" in build(runner, root)


def test_a_one_profile_rebuild_reads_her_profile_once_with_one_markdown_parser(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rendered in this process, she is planned from the profile just validated (not read
    # and parsed again), with the one Markdown parser the build set up.
    from generator.load import markup
    from generator.load import profile as profile_module

    root = workspace()
    build(runner, root)
    profile = root / "profiles/sam-rivera.yaml"
    profile.write_text(profile.read_text("utf-8").replace("Welcome, Sam!", "Hey Sam!"), "utf-8")
    reads: list[str] = []
    parsers: list[object] = []
    read_mapping, parser = profile_module.read_mapping, markup.markdown.Markdown

    def reading(path: Path, rel: str, *args: Any) -> Any:
        reads.append(rel)
        return read_mapping(path, rel, *args)

    def making(*args: Any, **kwargs: Any) -> Any:
        parsers.append(parser(*args, **kwargs))
        return parsers[-1]

    monkeypatch.setattr(profile_module, "read_mapping", reading)
    monkeypatch.setattr(markup.markdown, "Markdown", making)
    assert "Built 1 client" in build(runner, root)
    assert reads == ["profiles/sam-rivera.yaml"]
    assert len(parsers) == 1  # her changed note needed one; nothing else made another
    assert "Hey Sam!" in (root / f"site/{SAM}/index.html").read_text("utf-8")


def test_a_file_is_linked_from_the_last_site_only_when_its_bytes_are_the_same(
    tmp_path: Path,
) -> None:
    from generator.write import _same

    old = tmp_path / "old.html"
    old.write_bytes(b"<p>same</p>")
    for n, data in enumerate([b"<p>SAME</p>", b"<p>same</p>!", b"<p>same", b""]):
        assert not _same(str(old), data, str(tmp_path / f"new-{n}.html")), data
        assert not (tmp_path / f"new-{n}.html").exists()
    assert _same(str(old), b"<p>same</p>", str(tmp_path / "new.html"))
    assert (tmp_path / "new.html").stat().st_ino == old.stat().st_ino
    assert not _same(str(tmp_path / "missing"), b"", str(tmp_path / "other.html"))


@pytest.mark.parametrize(
    "rel", ["index.html", "media/a b.jpg", "a//b.html", "./a/./b", ".hidden/x", "a/b/"]
)
def test_a_sites_file_names_split_as_paths_do(rel: str) -> None:
    from generator.write import _parts, safe_relpath

    assert _parts(rel) == safe_relpath(rel).parts


@pytest.mark.parametrize("rel", ["../x.html", "a/../../x", "/etc/x", "", "."])
def test_a_file_name_out_of_the_site_is_refused(rel: str) -> None:
    from generator.write import _parts

    with pytest.raises(ValueError, match="refusing to write outside the site folder"):
        _parts(rel)


def test_workers_get_every_client_once_in_batches_that_shrink_towards_the_end() -> None:
    # Small batches at the end: the workers finish together instead of one waiting.
    for count, jobs in ((1000, 2), (30, 2), (25, 4), (1, 1)):
        chunks = _chunks(count, jobs)
        assert [i for chunk in chunks for i in chunk] == list(range(count))
        sizes = [len(chunk) for chunk in chunks]
        assert max(sizes) <= 16 and sizes[-1] == 1
        assert sizes == sorted(sizes, reverse=True)


def test_the_staging_folder_asks_to_spread_client_folders(tmp_path: Path) -> None:
    # The hint (chattr +T) is given wherever the file system takes it, and costs nothing
    # elsewhere (a build on any file system is tested throughout).
    probe = tmp_path / "probe"
    probe.mkdir()
    spread_folders(probe)
    with StagedDir(tmp_path / "site") as staged:
        assert topdir(staged.path) == topdir(probe)
        staged.discard()


def topdir(folder: Path) -> bool:
    fd = os.open(folder, os.O_RDONLY)
    try:
        flags = bytearray(4)
        try:
            fcntl.ioctl(fd, FS_IOC_GETFLAGS, flags)
        except OSError:
            return False
        return bool(struct.unpack("i", flags)[0] & FS_TOPDIR_FL)
    finally:
        os.close(fd)


def test_a_client_built_among_others_is_byte_identical_to_her_built_alone(
    runner: CliRunner, workspace: Workspace
) -> None:
    # Cards shared between clients must be the same for both: here a beginner (client-00)
    # is built before an intermediate client (client-01), whose cards name other versions.
    root = many_clients(workspace, 2)
    build(runner, root, "--jobs", "1", "--out", str(root.parent / "all"))
    for path in (root / "profiles").glob("*.yaml"):
        if path.name != "client-01.yaml":
            path.unlink()
    build(runner, root, "--jobs", "1", "--out", str(root.parent / "alone"))
    [slug] = [p.name for p in (root.parent / "alone").iterdir() if p.is_dir()]
    assert tree_digest(root.parent / "all" / slug) == tree_digest(root.parent / "alone" / slug)
