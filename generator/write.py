"""Write stage: put rendered files on disk atomically.

Output is written into a temporary sibling of the target folder and swapped in with renames,
so a build that fails at any point leaves the previous site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .errors import PostrunError, Problem


def check_target(target: Path, root: Path) -> None:
    """Refuse an output folder that would swallow or overwrite the workspace's inputs."""
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


def safe_relpath(rel: str) -> PurePosixPath:
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"refusing to write outside the site folder: {rel!r}")
    return path


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

    def commit(self) -> None:
        """Swap the staged folder in; the old one is removed only after the swap."""
        os.chmod(self.path, 0o755)
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

    def swap_children(self, rebuilt: list[str], removed: list[str]) -> None:
        """Replace only the ``rebuilt`` folders of the target (and delete ``removed`` ones).

        Every folder was fully written before the first rename; if a rename fails, the ones
        already swapped are put back, so the target is either all old or all new.
        """
        trash = Path(tempfile.mkdtemp(prefix=f".{self.target.name}-old-", dir=self.target.parent))
        done: list[tuple[Path, Path | None]] = []
        try:
            for name in [*rebuilt, *removed]:
                live = self.target / name
                old: Path | None = None
                if live.exists():
                    old = trash / name
                    live.rename(old)
                done.append((live, old))
                if name in rebuilt:
                    (self.path / name).rename(live)
        except OSError:
            for live, old in reversed(done):
                if old is not None:
                    if live.exists():
                        shutil.rmtree(live)
                    old.rename(live)
            raise
        finally:
            shutil.rmtree(trash, ignore_errors=True)
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> StagedDir:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.discard()
