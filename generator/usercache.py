"""Where postrun keeps what it remembers between runs: the user's own cache folder, never a
site (build manifests, the content and compiled templates of the last build, compiled regular
expressions)."""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def cache_folder() -> str:
    """``$POSTRUN_CACHE_DIR`` when set, else ``postrun`` in the user's cache
    (``$XDG_CACHE_HOME``, by default ``~/.cache``). Plain `os`: the command asks before it
    imports anything else (see :func:`generator.process.main`)."""
    explicit = os.environ.get("POSTRUN_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "postrun")


def cache_dir() -> Path:
    """:func:`cache_folder` as a path."""
    from pathlib import Path

    return Path(cache_folder())


def keep_file(path: str | os.PathLike[str], data: bytes) -> bool:
    """Write one of the cache's files whole or not at all: under a name of this process's
    beside it, then renamed over it (a reader finds the old file or the new one, never half of
    one). False, quietly, when the cache cannot be written: that only costs time."""
    where = os.fspath(path)
    tmp = f"{where}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(where), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, where)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    return True
