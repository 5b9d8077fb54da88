"""Where postrun's own files are: inside the wheel, or the repository's own folders.

Kept free of heavy imports: an incremental build reads these paths before it knows whether
anything needs rendering at all.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def default_templates() -> Path:
    """The templates shipped with postrun (inside the wheel, or the repository's own)."""
    here = Path(__file__).resolve().parent
    packaged = here / "defaults" / "templates"
    return packaged if packaged.is_dir() else here.parent / "templates"


@lru_cache(maxsize=1)
def catalog_digest() -> str:
    """A digest of every catalog: a changed translation rebuilds every client."""
    digest = hashlib.sha256()
    for path in sorted(LOCALE_DIR.rglob("*.po")):
        digest.update(path.relative_to(LOCALE_DIR).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]
