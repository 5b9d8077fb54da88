"""What an incremental build remembers: input fingerprints and the manifest of the last build.

The manifest lives in the user's cache, never in the site (it names every client) and never in
the workspace (building leaves the coach's files as they were). Fingerprints read inputs
through the same guarded way in as loading (:func:`~generator.load.read.read_input`), so a
folder, a pipe or a link out of the workspace named like an input is never opened for a
blocking read here either: it gets a fingerprint that says so, and loading explains it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec

from . import __version__
from .errors import PostrunError, Problem
from .load.paths import SECRET_FILE, profile_names, stem
from .load.read import (
    MAX_FILE_BYTES,
    MAX_MEDIA_BYTES,
    Refused,
    inside,
    read_at_most,
    read_input,
)
from .shipped import catalog_digest, default_templates
from .usercache import cache_dir, keep_file

MANIFEST_VERSION = 2


def _fingerprint(
    path: Path,
    rel: str,
    limit: int,
    trusted: bool = False,
    seen: list[os.stat_result] | None = None,
) -> bytes:
    """The digest of a file's bytes, read as loading reads it (or why it would be refused).

    ``trusted``: the file's folder is inside the workspace (links followed), so a regular
    file in it, not a link, is read straight away (what a no-op build spends its time on);
    anything else goes the guarded way in, which explains it. ``seen`` receives the stat of a
    regular file read straight away, taken before its bytes were read."""
    if trusted:
        quick = _regular_file_digest(path, limit, seen)
        if quick is not None:
            return quick
    try:
        return hashlib.sha256(read_input(path, rel, limit)).digest()
    except Refused as exc:
        return b"refused: " + exc.message.encode("utf-8")


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_QUICK_FLAGS = os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | getattr(os, "O_NOCTTY", 0) | _CLOEXEC


def _regular_file_digest(
    path: Path | str, limit: int, seen: list[os.stat_result] | None = None
) -> bytes | None:
    """The digest of a regular file (not a link) of at most ``limit`` bytes, else None."""
    if not _NOFOLLOW:
        return None  # without it, a link could slip in: the guarded way in is used
    try:
        fd = os.open(path, _QUICK_FLAGS)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        data = read_at_most(fd, limit)
        if data is None:
            return None
        if seen is not None:
            seen.append(info)
        return hashlib.sha256(data).digest()
    except OSError:
        return None
    finally:
        os.close(fd)


Marks = dict[str, list[str]]
"""Shared files as the last build found them: ``[stat mark, digest (hex)]`` by file (its path
in the workspace, or its full path for postrun's own templates)."""


def _listing(folder: str) -> list[tuple[tuple[str, ...], str]]:
    """What ``Path(folder).rglob("*")`` finds, less the real folders: each entry's parts
    below ``folder`` and its path, sorted as those paths sort. Linked folders are entries,
    not descended into (so every entry lies in ``folder`` or in real folders below it); a
    folder that may not be listed is left out, as rglob leaves it."""
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(path: str, parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except PermissionError:
            return
        for entry in entries:
            here = (*parts, entry.name)
            try:
                real_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                real_folder = False
            if real_folder:
                walk(entry.path, here)
            else:
                found.append((here, entry.path))

    walk(folder, ())
    found.sort()
    return found


def _digest_folder(
    folder: Path, root: Path | None, known: Marks, learned: Marks, now: int
) -> str:
    """Every file under ``folder`` (names and bytes); ``root`` is the workspace when the
    folder is the coach's (read through the guarded way in), None for postrun's own.

    A regular file (not a link) in a folder inside the workspace, or one of postrun's own,
    whose :func:`stat_mark` is the one in ``known`` keeps its digest unread; ``learned``
    receives the mark and digest of each such file, for the next build."""
    h = hashlib.sha256()
    trusted = root is None or inside(folder, root)
    base = "" if root is None else folder.relative_to(root).as_posix() + "/"
    for parts, path in _listing(os.fspath(folder)):
        name = "/".join(parts)
        h.update(name.encode("utf-8", "surrogateescape") + b"\0")
        if not trusted:
            h.update(_fingerprint(Path(path), base + name, MAX_MEDIA_BYTES))
            continue
        key = path if root is None else base + name
        before = known.get(key)
        if before is not None and _as_it_was(path, before[0], now):
            with contextlib.suppress(ValueError):
                h.update(bytes.fromhex(before[1]))
                learned[key] = before
                continue
        seen: list[os.stat_result] = []
        if root is None:
            digest = _regular_file_digest(path, MAX_MEDIA_BYTES, seen)
            if digest is None:
                digest = hashlib.sha256(Path(path).read_bytes()).digest()
        else:
            digest = _fingerprint(Path(path), base + name, MAX_MEDIA_BYTES, True, seen)
        h.update(digest)
        mark = stat_mark(seen[0], now) if seen else ""
        if mark:
            learned[key] = [mark, digest.hex()]
    return h.hexdigest()


def shared_fingerprint(
    root: Path, renderer_env: str, known: Marks | None = None, learned: Marks | None = None
) -> str:
    """Everything every client's pages depend on: content, templates, secret, postrun itself.

    ``known``: the last build's marks of the shared files (see :func:`_digest_folder`);
    ``learned`` receives this build's."""
    known = {} if known is None else known
    learned = {} if learned is None else learned
    now = time.time_ns()
    parts = [f"postrun {__version__}", renderer_env, f"catalogs {catalog_digest()}"]
    for folder in (root / "content", root / "templates"):
        parts.append(_digest_folder(folder, root, known, learned, now) if folder.is_dir() else "")
    parts.append(_digest_folder(default_templates(), None, known, learned, now))
    secret = root / SECRET_FILE
    parts.append(_fingerprint(secret, SECRET_FILE, 4096).hex() if secret.exists() else "")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def profile_fingerprints(
    root: Path,
    names: list[str] | None = None,
    known: dict[str, dict[str, str]] | None = None,
    marks: dict[str, str] | None = None,
) -> dict[str, str]:
    """Each profile's fingerprint, by file stem (``names``: the profiles' file names, when
    known).

    ``known``: the last build's clients. A profile whose file is exactly as it was then (its
    :func:`stat_mark` is the one remembered) keeps its fingerprint without being read: a no-op
    build over many clients is one stat per file. ``marks`` receives each file's mark."""
    names = profile_names(root) if names is None else names
    folder = root / "profiles"
    trusted = inside(folder, root)
    known = known if known is not None and trusted else {}
    marks = {} if marks is None else marks
    now = time.time_ns()
    found: dict[str, str] = {}
    with _folder_fd(folder if known else None) as where:
        prefix = "" if where is not None else os.fspath(folder) + os.sep
        for name in names:
            file_stem = stem(name)
            before = known.get(file_stem)
            if before is not None:
                mark = before.get("stat")
                hashed = isinstance(before.get("hash"), str)
                if mark and hashed and _as_it_was(prefix + name, mark, now, where):
                    found[file_stem], marks[file_stem] = before["hash"], mark
                    continue
            seen: list[os.stat_result] = []
            rel = f"profiles/{name}"
            digest = _fingerprint(folder / name, rel, MAX_FILE_BYTES, trusted, seen)
            found[file_stem] = digest.hex()
            if seen:
                marks[file_stem] = stat_mark(seen[0], now)
    return found


@contextlib.contextmanager
def _folder_fd(folder: Path | None) -> Iterator[int | None]:
    """``folder`` opened, for looking at many files in it by name (shorter lookups than by
    path); None when there is nothing to open or it cannot be."""
    fd = None
    if folder is not None and os.stat in os.supports_dir_fd:
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
    try:
        yield fd
    finally:
        if fd is not None:
            os.close(fd)


def _as_it_was(path: str, mark: object, now: int, folder: int | None = None) -> bool:
    """Whether ``path`` (in the opened ``folder`` when given) is a regular file (not a link)
    whose :func:`stat_mark` is ``mark`` (a file's mark remembered by the last build; an empty
    one never matches)."""
    if not mark:
        return False
    try:
        info = os.stat(path, dir_fd=folder, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and stat_mark(info, now) == mark


RECENT_NS = 2_000_000_000
"""A file changed less than this long (2 s) before it was looked at may change again within
one tick of its file system's clock, its times and size staying the same: its mark is not
trusted (the next build reads it). Two seconds cover the coarsest clocks (FAT's)."""


def stat_mark(info: os.stat_result, now: int) -> str:
    """What identifies a regular file's state (device, inode, size, modification and change
    times, as git's index does): while it stays the same, so do the file's bytes. Empty for a
    file changed too recently (or dated in the future) to tell (see :data:`RECENT_NS`)."""
    if now - max(info.st_mtime_ns, info.st_ctime_ns) < RECENT_NS:
        return ""
    return (
        f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"
    )


def key_mark(root: Path, env: str | None) -> str:
    """Tells whether a protected client's passphrase changed, without storing anything that
    helps guess it: an HMAC keyed with the workspace's secret."""
    if env is None:
        return ""
    import hmac  # only for protected clients

    secret = root / SECRET_FILE
    key = secret.read_bytes() if secret.is_file() else b""
    value = os.environ.get(env, "").encode("utf-8", "surrogateescape")
    return hmac.new(key, env.encode("utf-8") + b"\0" + value, "sha256").hexdigest()


# ------------------------------------------------------------------ what changed


class Changes(msgspec.Struct, frozen=True):
    """What changed since the last build, from the fingerprints and the manifest."""

    fingerprints: dict[str, str]
    """Every profile of this build (its shard), by stem."""
    shared: str
    """The fingerprint of everything all clients depend on."""
    manifest: Path
    full: bool
    """Everyone is rebuilt (no usable manifest, or shared inputs changed)."""
    known: dict[str, dict[str, str]]
    """The last build's clients (empty for a full build)."""
    changed: frozenset[str]
    """Stems to rebuild."""
    deleted: tuple[str, ...]
    """Stems built last time whose profile is gone."""
    marks: dict[str, str]
    """Each profile's :func:`stat_mark` (by stem), for the next build's manifest."""
    shared_marks: Marks
    """The shared files' marks and digests, for the next build's manifest."""
    settled: bool = False
    """Some file the last build could not yet trust (changed too recently) has a mark now:
    a build that changes nothing still saves the marks, so the next one need not read it."""

    @property
    def nothing(self) -> bool:
        return not self.full and not self.changed and not self.deleted

    def kept(self) -> dict[str, dict[str, str]]:
        """The last build's clients that still have a profile."""
        return {s: v for s, v in self.known.items() if s not in self.deleted}


def what_changed(
    root: Path,
    target: Path,
    names: list[str],
    *,
    shard: tuple[int, int] | None,
    stamp: str,
    use_manifest: bool,
    keep: Callable[[str], bool] | None,
) -> Changes:
    """Compare the inputs with the last build's manifest (``use_manifest``; without it,
    everyone is rebuilt). ``keep`` tells which profiles (by stem) this build is about (None:
    all of them)."""
    manifest_file = manifest_path(root, target)
    manifest = read_manifest(manifest_file, target) if use_manifest else None
    marks: dict[str, str] = {}
    fingerprints = profile_fingerprints(
        root,
        names if keep is None else [name for name in names if keep(stem(name))],
        manifest["clients"] if manifest is not None else None,
        marks,
    )
    shared_marks: Marks = {}
    known_marks = manifest.get("shared_files", {}) if manifest is not None else {}
    shared = shared_fingerprint(root, stamp, known_marks, shared_marks)
    full = (
        manifest is None
        or manifest.get("shared") != shared
        or manifest.get("shard") != (list(shard) if shard else None)
    )
    known: dict[str, dict[str, str]] = {} if full or manifest is None else manifest["clients"]
    if full:
        changed = frozenset(fingerprints)
    else:
        changed = frozenset(
            s
            for s, h in fingerprints.items()
            if known.get(s, {}).get("hash") != h
            or known[s].get("key", "") != key_mark(root, known[s].get("env"))
        )
    deleted = tuple(sorted(set(known) - set(fingerprints)))
    settled = not full and (
        shared_marks != known_marks
        or any(mark != known.get(s, {}).get("stat") for s, mark in marks.items() if mark)
    )
    return Changes(
        fingerprints, shared, manifest_file, full, known, changed, deleted, marks, shared_marks,
        settled,
    )


def _key(root: Path, target: Path) -> str:
    key = f"{root.resolve()}\0{target.resolve()}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(key).hexdigest()[:24]


def manifest_path(root: Path, target: Path) -> Path:
    return cache_dir() / f"manifest-{_key(root, target)}.json"


def read_manifest(path: Path, target: Path) -> dict[str, Any] | None:
    """The last build's manifest, or None when there is none usable (a full build follows)."""
    if not target.is_dir():
        return None
    try:
        data = msgspec.json.decode(path.read_bytes())  # twice as fast as json's
    except (OSError, msgspec.DecodeError):
        return None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return None
    clients = data.get("clients")
    if not isinstance(clients, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("slug"), str) for v in clients.values()
    ):
        return None
    files = data.get("shared_files")
    if not isinstance(files, dict) or not all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)
        for v in files.values()
    ):
        data["shared_files"] = {}  # an unusable part only costs reading the shared files
    return data


def write_manifest(
    path: Path,
    shared: str,
    clients: dict[str, dict[str, str]],
    shard: tuple[int, int] | None,
    marks: dict[str, str] | None = None,
    shared_marks: Marks | None = None,
) -> None:
    """Save the manifest, with each client's profile's stat mark from ``marks`` (a client
    without one is read by the next build) and the shared files' ``shared_marks``; when the
    cache cannot be written, the next build is a full one."""
    marks = marks or {}
    data = {
        "version": MANIFEST_VERSION,
        "shared": shared,
        "shard": list(shard) if shard else None,
        "shared_files": dict(sorted((shared_marks or {}).items())),
        "clients": {
            name: _with_mark(entry, marks.get(name)) for name, entry in sorted(clients.items())
        },
    }
    if not keep_file(path, msgspec.json.encode(data) + b"\n"):  # json's bytes, 10x faster
        forget_manifest(path)


def _with_mark(entry: dict[str, str], mark: str | None) -> dict[str, str]:
    """A client's manifest entry with her profile's stat mark (none when ``mark`` is empty)."""
    if entry.get("stat") == mark or (not mark and "stat" not in entry):
        return entry  # as the last build left it (most clients of an incremental build)
    kept = {k: v for k, v in entry.items() if k != "stat"}
    return {**kept, "stat": mark} if mark else kept


def forget_manifest(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


@contextlib.contextmanager
def build_lock(root: Path, target: Path) -> Iterator[None]:
    """One build at a time per site: a second one is refused while the first writes."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Windows
        yield
        return
    path = cache_dir() / f"lock-{_key(root, target)}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield  # no cache to lock in: build unlocked, as before
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise PostrunError(
                Problem(
                    str(target),
                    None,
                    None,
                    "another postrun build is writing this site right now",
                    "wait for it to finish, then build again",
                )
            ) from None
        yield
    finally:
        os.close(fd)
