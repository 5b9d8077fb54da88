"""Where postrun's own files are: inside the wheel, or the repository's own folders.

Kept free of heavy imports: an incremental build reads these paths before it knows whether
anything needs rendering at all.
"""

from __future__ import annotations

from pathlib import Path


def default_templates() -> Path:
    """The templates shipped with postrun (inside the wheel, or the repository's own)."""
    here = Path(__file__).resolve().parent
    packaged = here / "defaults" / "templates"
    return packaged if packaged.is_dir() else here.parent / "templates"
