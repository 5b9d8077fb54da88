"""Where a workspace's inputs are: the profile files and the secret's name.

Kept free of heavy imports (no YAML, no models): a no-op build lists the profiles and stops
before loading anything.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Problem

SECRET_FILE = ".postrun-secret"


def profile_paths(root: Path) -> list[Path]:
    folder = root / "profiles"
    try:
        names = os.listdir(folder)  # one listing, sorted as text: fast for a large practice
    except OSError:
        return []
    return [folder / name for name in sorted(names) if name.endswith((".yaml", ".yml"))]


def same_client_files(paths: list[Path]) -> list[Problem]:
    """Two files for one client (``sam.yaml`` beside ``sam.yml``): one would hide the other."""
    found: list[Problem] = []
    seen: dict[str, Path] = {}
    for path in paths:
        first = seen.setdefault(path.stem, path)
        if first is not path:
            found.append(
                Problem(
                    f"profiles/{path.name}",
                    None,
                    None,
                    f"profiles/{first.name} and profiles/{path.name} are two profiles for "
                    f"the same client `{path.stem}`",
                    "keep one of them: delete the other, or rename it for another client",
                )
            )
    return found
