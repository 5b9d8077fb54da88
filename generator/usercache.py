"""Where postrun keeps what it remembers between runs: the user's own cache folder, never a
site (build manifests, the content and compiled templates of the last build, compiled regular
expressions)."""

from __future__ import annotations

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
