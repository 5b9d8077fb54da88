"""Write stage: put rendered files on disk atomically.

Every build writes the whole new site into a staging folder beside the target (unchanged files
hard-linked from the previous site, so an incremental build stays cheap) and swaps it in with
one atomic exchange of the two folders: whoever looks at the target, at any moment, sees the
old site or the new one, never a mix. A build that fails or is killed at any point leaves the
previous site exactly as it was; its staging folder (``.site-new-*`` / ``.site-old-*``) is
removed by the next build.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .errors import PostrunError, Problem

SITE_MARKER = ".postrun-site"
"""A file in the root of every site postrun builds: only such a folder may be replaced."""
MARKER_TEXT = b"This folder is made by postrun: every build replaces all of it.\n"
_LEGACY_ROOT = ("index.html", "404.html", "robots.txt", ".nojekyll")


def check_target(target: Path, root: Path) -> None:
    """Refuse an output folder that would swallow or overwrite the workspace's inputs, or
    files that postrun did not make."""
    t, r = target.resolve(), root.resolve()
    inputs = [r / name for name in ("content", "profiles", "templates", ".git")]
    if t == r or t in r.parents or any(t == i or i in t.parents for i in inputs):
        raise PostrunError(
            Problem(
                str(target),
                None,
                "--out",
                "the output folder would contain or overwrite the workspace's own files",
                "build into site/ (the default) or another empty folder",
            )
        )
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise PostrunError(
            Problem(
                str(target),
                None,
                "--out",
                "the output is not a folder (a file or a link is in its place)",
                "remove it, or build into another folder with --out",
            )
        )
    if target.is_dir() and not made_by_postrun(target):
        raise PostrunError(
            Problem(
                str(target),
                None,
                "--out",
                "the folder holds files that postrun did not make; a build replaces all of it",
                "build into an empty or new folder, or move those files elsewhere first",
            )
        )


def made_by_postrun(folder: Path) -> bool:
    """An empty folder, or one holding the site marker (or the root files of an older build)."""
    try:
        names = set(os.listdir(folder))
    except OSError:
        return False
    return not names or SITE_MARKER in names or all(n in names for n in _LEGACY_ROOT)


def safe_relpath(rel: str) -> PurePosixPath:
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"refusing to write outside the site folder: {rel!r}")
    return path


def leftovers(target: Path) -> list[Path]:
    """Staging folders of builds that were killed before they could tidy up."""
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return []
    prefixes = (f".{target.name}-new-", f".{target.name}-old-")
    return sorted(
        Path(e.path)
        for e in entries
        if e.name.startswith(prefixes) and e.is_dir(follow_symlinks=False)
    )


def remove_leftovers(target: Path) -> int:
    """Remove what killed builds left beside ``target``; how many folders were removed."""
    found = leftovers(target)
    for path in found:
        shutil.rmtree(path)
    return len(found)


def link_tree(source: Path, dest: Path, skip: Iterable[str] = ()) -> None:
    """Copy ``source`` into ``dest`` as hard links (a plain copy where linking fails),
    leaving out the top-level entries named in ``skip``."""
    skipped = set(skip)
    dest.mkdir(parents=True, exist_ok=True)
    for entry in os.scandir(source):
        if entry.name in skipped:
            continue
        target = dest / entry.name
        if entry.is_dir(follow_symlinks=False):
            link_tree(Path(entry.path), target)
        elif entry.is_file(follow_symlinks=False):
            try:
                os.link(entry.path, target)
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
                    raise
                shutil.copy2(entry.path, target)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False where it is unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), ctypes.c_uint(_RENAME_EXCHANGE)
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


class StagedDir:
    """A temporary folder beside ``target`` that replaces it on :meth:`commit`."""

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
        self.files = 0

    def write(self, rel: str, data: bytes) -> None:
        path = self.path.joinpath(*safe_relpath(rel).parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files += 1

    def write_all(self, files: Iterable[tuple[str, bytes]], under: str = "") -> None:
        for rel, data in files:
            self.write(f"{under}/{rel}" if under else rel, data)

    def keep(self, names: Iterable[str]) -> None:
        """Carry these top-level entries of the current site over unchanged (hard links)."""
        for name in names:
            source = self.target / name
            if source.is_dir() and not source.is_symlink():
                link_tree(source, self.path / name)
            elif source.is_file() and not source.is_symlink():
                try:
                    os.link(source, self.path / name)
                except OSError:
                    shutil.copy2(source, self.path / name)

    def commit(self) -> None:
        """Swap the staged folder in, in one step; the old one is removed after the swap."""
        marker = self.path / SITE_MARKER
        if not marker.is_file():  # one carried over from the live site is a link: not rewritten
            marker.write_bytes(MARKER_TEXT)
        os.chmod(self.path, 0o755)
        if self.target.exists() and _exchange(self.path, self.target):
            shutil.rmtree(self.path, ignore_errors=True)  # now the old site
            return
        # Without an atomic exchange: two renames; a build killed between them leaves no
        # target, and the next build (always a full one then) makes it anew.
        old: Path | None = None
        if self.target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}-old-", dir=self.target.parent))
            old.rmdir()
            self.target.rename(old)
        try:
            self.path.rename(self.target)
        except OSError:
            if old is not None:
                old.rename(self.target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> StagedDir:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.discard()
