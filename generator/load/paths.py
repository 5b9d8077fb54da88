"""Where a workspace's inputs are: the profile files and the secret's name.

Kept free of heavy imports (no YAML, no models): a no-op build lists the profiles and stops
before loading anything.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import Problem

SECRET_FILE = ".postrun-secret"


def profile_names(root: Path) -> list[str]:
    """The profiles' file names, sorted as text (plain strings: a large practice lists
    quickly, and a build makes a path only for the few profiles it reads)."""
    try:
        names = os.listdir(root / "profiles")  # one listing
    except OSError:
        return []
    return sorted(name for name in names if name.endswith((".yaml", ".yml")))


def stem(name: str) -> str:
    """A file name without its suffix, as :attr:`pathlib.PurePath.stem` gives it."""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def profile_paths(root: Path) -> list[Path]:
    folder = root / "profiles"
    return [folder / name for name in profile_names(root)]


def same_client_files(names: Iterable[str]) -> list[Problem]:
    """Two files for one client (``sam.yaml`` beside ``sam.yml``): one would hide the other
    (``names``: the profiles' file names)."""
    found: list[Problem] = []
    seen: dict[str, str] = {}
    for name in names:
        first = seen.setdefault(stem(name), name)
        if first != name:
            found.append(
                Problem(
                    f"profiles/{name}",
                    None,
                    None,
                    f"profiles/{first} and profiles/{name} are two profiles for "
                    f"the same client `{stem(name)}`",
                    "keep one of them: delete the other, or rename it for another client",
                )
            )
    return found
