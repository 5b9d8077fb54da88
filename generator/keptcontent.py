"""Content kept between builds: what content/ loaded to, so a one-profile rebuild does not
parse every exercise and page again.

Kept in the user's cache beside the manifest (see :mod:`.incremental`), keyed by the shared
fingerprint and by postrun's own code, and read back only when both are unchanged.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .incremental import _key, _listing
from .usercache import cache_dir, keep_file

if TYPE_CHECKING:
    from .load.workspace import LoadedContent


def _content_path(root: Path, target: Path) -> Path:
    return cache_dir() / f"content-{_key(root, target)}.pickle"


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """postrun's own code as installed (each module's name, size and time): kept content is
    only ever read back by the code that made it, even while postrun is being developed."""
    here = os.path.dirname(os.path.realpath(__file__))
    h = hashlib.sha256()
    for parts, path in _listing(here):
        if parts[-1].endswith(".py"):
            info = os.stat(path)
            h.update(f"{'/'.join(parts)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return h.hexdigest()


def read_content(root: Path, target: Path, shared: str) -> LoadedContent | None:
    """The content loaded by the last build, when the inputs it came from are unchanged
    (the same shared fingerprint); None otherwise, or when the cache is unusable."""
    import pickle

    from .load.workspace import LoadedContent

    try:
        with open(_content_path(root, target), "rb") as f:
            key, loaded = pickle.load(f)
    except Exception:  # a missing, damaged or outdated cache only costs a full load
        return None
    fresh = key == f"{shared} {_code_stamp()}"
    return loaded if fresh and isinstance(loaded, LoadedContent) else None


def keep_content(root: Path, target: Path, shared: str, loaded: LoadedContent) -> None:
    """Keep the loaded content for the next build (quietly skipped when it cannot be)."""
    import pickle

    try:
        data = pickle.dumps((f"{shared} {_code_stamp()}", loaded), pickle.HIGHEST_PROTOCOL)
    except pickle.PicklingError:
        return
    keep_file(_content_path(root, target), data)
