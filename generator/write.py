"""Write stage: put rendered files on disk atomically.

A build writes what it makes into a staging folder beside the target (``.site-new-*``) and
puts it in place in one atomic step, so whoever looks at the target, at any moment, sees the
old site or the new one, never a mix:

- when the build changes one client's folder only (the everyday case: one profile edited, or
  one removed), that folder alone is swapped in with one atomic exchange (or one rename), and
  nothing else is touched;
- otherwise the whole new site is staged (unchanged clients hard-linked from the previous
  site) and the two site folders are exchanged in one step.

A build that fails or is killed at any point leaves the previous site exactly as it was; its
staging folder (``.site-new-*`` / ``.site-old-*``) is removed by the next build. Inside a
client's folder, bytes already on disk are hard-linked rather than written again, and a file
shared by every client (assets, exercise pages) is written once and linked for the others.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Mapping
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
    if found:
        import shutil  # only here and below: a no-op build removes and copies nothing

        for path in found:
            shutil.rmtree(path)
    return len(found)


def link_tree(source: Path, dest: Path, skip: Iterable[str] = ()) -> None:
    """Copy ``source`` into ``dest`` as hard links (a plain copy where linking fails),
    leaving out the top-level entries named in ``skip``."""
    _link_tree(os.fspath(source), os.fspath(dest), set(skip))


def _link_tree(source: str, dest: str, skipped: set[str]) -> None:
    os.makedirs(dest, exist_ok=True)
    with os.scandir(source) as entries:
        for entry in entries:
            if entry.name in skipped:
                continue
            target = os.path.join(dest, entry.name)
            if entry.is_dir(follow_symlinks=False):
                _link_tree(entry.path, target, set())
            elif entry.is_file(follow_symlinks=False):
                _link(entry.path, target)


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise
        import shutil

        shutil.copy2(source, target)


class SharedFiles:
    """Files made once per build and the same bytes object for every client (assets, media,
    exercise and guide pages): the first copy written, the others hard links to it."""

    def __init__(self, is_shared: Callable[[bytes], bool]) -> None:
        self.is_shared = is_shared
        self._first: dict[int, tuple[bytes, str]] = {}

    def link(self, data: bytes, path: str) -> bool:
        first = self._first.get(id(data))
        if first is None or first[0] is not data:
            return False
        try:
            os.link(first[1], path)
        except OSError:
            return False
        return True

    def written(self, data: bytes, path: str) -> None:
        if self.is_shared(data):
            self._first.setdefault(id(data), (data, path))


def write_files(
    folder: Path, files: Mapping[str, bytes], previous: Path | None, shared: SharedFiles
) -> None:
    """Write one client's files into ``folder``; a file whose bytes are already in
    ``previous`` (her folder in the live site) is hard-linked from there, not rewritten."""
    base = os.fspath(folder)
    old = os.fspath(previous) if previous is not None else None
    made: set[str] = set()
    for rel in sorted(files):
        parts = _parts(rel)
        parent = os.path.join(base, *parts[:-1])
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        path = os.path.join(parent, parts[-1])
        data = files[rel]
        if shared.link(data, path):
            continue
        if old is not None and _same(os.path.join(old, *parts), data, path):
            continue
        write_file(path, data)
        shared.written(data, path)


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def write_file(path: str | Path, data: bytes) -> None:
    """The one place the site's bytes are written."""
    fd = os.open(path, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _parts(rel: str) -> tuple[str, ...]:
    """:func:`safe_relpath`'s parts, without making a path for a plain name like
    ``week-03.html`` or ``media/run.jpg`` (what a site's file names are)."""
    parts = tuple(rel.split("/"))
    if all(part not in ("", ".", "..") for part in parts):
        return parts
    return safe_relpath(rel).parts


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)


def _same(before: str, data: bytes, path: str) -> bool:
    """Link ``before`` to ``path`` when it holds exactly ``data`` (its size first: only a
    file of the same size is read, and never more than one byte past it)."""
    size = len(data)
    try:
        if os.stat(before, follow_symlinks=False).st_size != size:
            return False
        fd = os.open(before, _READ_FLAGS)
        try:
            chunks: list[bytes] = []
            got = 0
            while got <= size:
                chunk = os.read(fd, size + 1 - got)
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
        finally:
            os.close(fd)
        if got != size or b"".join(chunks) != data:
            return False
        os.link(before, path)
    except OSError:
        return False
    return True


_FS_IOC_GETFLAGS = 0x80086601
_FS_IOC_SETFLAGS = 0x40086602
_FS_TOPDIR_FL = 0x00020000


def _spread_folders(folder: Path) -> None:
    """Ask the file system to spread the folders made in ``folder`` (the clients') over the
    disk, as for home folders (``chattr +T`` on ext2/3/4); a hint that costs nothing where
    it is not understood.

    Why: ext4 without a journal will not reuse an inode freed in the last seconds, and looks
    at each such inode in turn before it creates a file; after a site of 60,000 files was
    removed, every new file in the same place then costs ten times its usual kernel time. Client
    folders spread over the disk mostly land where nothing was just removed."""
    try:
        import fcntl
        import struct

        fd = os.open(folder, os.O_RDONLY)
    except (ImportError, OSError):
        return
    try:
        flags = bytearray(struct.pack("i", 0))
        fcntl.ioctl(fd, _FS_IOC_GETFLAGS, flags)
        value = struct.unpack("i", flags)[0] | _FS_TOPDIR_FL
        fcntl.ioctl(fd, _FS_IOC_SETFLAGS, struct.pack("i", value))
    except OSError:
        pass
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False where it is unsupported."""
    import ctypes  # only here: a no-op build never swaps folders

    try:
        # The running program's own symbols include the C library's (no library search,
        # which would start a subprocess).
        libc = ctypes.CDLL(None, use_errno=True)
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
    """A temporary folder beside ``target``: what a build makes, before it is put in place
    with :meth:`commit` (the whole site) or :meth:`swap_folder` (one client's folder)."""

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        self.path = _new_folder(target.parent, f".{target.name}-new-")
        _spread_folders(self.path)
        self.files = 0

    def write(self, rel: str, data: bytes) -> None:
        path = self.path.joinpath(*safe_relpath(rel).parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, data)
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
                _link(os.fspath(source), os.fspath(self.path / name))

    def commit(self) -> None:
        """Swap the staged folder in as the whole site, in one step; the old one is removed
        after the swap."""
        marker = self.path / SITE_MARKER
        if not marker.is_file():  # one carried over from the live site is a link: not rewritten
            write_file(marker, MARKER_TEXT)
        os.chmod(self.path, 0o755)
        self._replace(self.path, self.target)
        _remove(self.path)  # now the old site, if any

    def swap_folder(self, name: str) -> None:
        """Put the staged folder ``name`` in place of the site's own, in one step; when
        nothing was staged under that name, the site's folder is taken out (one rename).
        Nothing else in the site changes."""
        staged, live = self.path / name, self.target / name
        if not (self.target / SITE_MARKER).is_file():
            _write_atomically(self.target / SITE_MARKER, MARKER_TEXT)
        if staged.is_dir():
            self._replace(staged, live)
        elif live.is_dir() and not live.is_symlink():
            live.rename(staged)
        _remove(self.path)  # now the old folder, if any

    def _replace(self, new: Path, live: Path) -> None:
        """``new`` takes the place of ``live`` (which may not exist); ``new`` then holds the
        old one. Atomic where the system can exchange two folders (Linux)."""
        if live.exists() and _exchange(new, live):
            return
        # Without an atomic exchange: two renames; a build killed between them leaves no
        # folder there, and the next build (always a full one then) makes it anew.
        old: Path | None = None
        if live.exists():
            old = _new_folder(self.target.parent, f".{self.target.name}-old-")
            old.rmdir()
            live.rename(old)
        try:
            new.rename(live)
        except OSError:
            if old is not None:
                old.rename(live)
            raise
        if old is not None:
            old.rename(new)

    def discard(self) -> None:
        _remove(self.path)

    def __enter__(self) -> StagedDir:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.discard()


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new empty folder in ``parent`` named ``prefix`` and random letters, for this build
    alone (as :func:`tempfile.mkdtemp` makes one, without importing it)."""
    for _ in range(100):
        path = Path(os.path.abspath(os.path.join(parent, prefix + os.urandom(6).hex())))
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(errno.EEXIST, "no free name for a staging folder", str(parent))


def _remove(folder: Path) -> None:
    """Remove a staging folder and all in it (links are removed, never followed)."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write_file(tmp, data)
    tmp.replace(path)
