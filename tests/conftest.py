"""Shared fixtures: workspaces made in tmp_path from the repository's example workspace."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent

# The example clients' folder names: file name + a suffix derived from the example workspace's
# committed .postrun-secret (a real workspace gets its own secret).
SAM = "sam-rivera-8547rf"
PRIYA = "priya-shah-9is6wm"
LENA = "lena-okafor-83gqef"

Workspace = Callable[..., Path]

# The browser fixtures (one Chromium for the whole session, the built example site and its
# local server; one of each per pytest-xdist worker) are registered once here, so every test
# module shares them.
pytest_plugins = ["tests.browser"]

# Build manifests go to a throwaway cache, never the developer's ~/.cache. Set when each test
# process starts, so every pytest-xdist worker has its own.
os.environ["POSTRUN_CACHE_DIR"] = tempfile.mkdtemp(prefix="postrun-test-cache-")

# Property tests: few examples by default, so the whole suite stays within minutes;
# POSTRUN_THOROUGH=1 runs the same properties over many more (see README, "For developers").
# Plans take a while to compute, so no per-example deadline.
THOROUGH = os.environ.get("POSTRUN_THOROUGH") == "1"
settings.register_profile(
    "postrun", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("postrun-thorough", settings.get_profile("postrun"), max_examples=1000)
settings.load_profile("postrun-thorough" if THOROUGH else "postrun")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def make_workspace(
    root: Path, files: dict[str, str | bytes | None] | None = None, *, profiles: bool = True
) -> Path:
    """A workspace at ``root``: the example content, templates and (by default) profiles,
    then the given files overwritten/added (``{"profiles/ana.yaml": "name: …"}``); a value of
    None deletes that file. Returns ``root``."""
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / ".postrun-secret", root / ".postrun-secret")
    (root / "profiles").mkdir()
    if profiles:
        for path in sorted((REPO / "profiles").glob("*.yaml")):
            shutil.copy(path, root / "profiles" / path.name)
    for rel, data in (files or {}).items():
        path = root / rel
        if data is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """Make a workspace in tmp_path (see ``make_workspace``): ``workspace(files, profiles=…)``.
    Returns the workspace root."""

    def make(files: dict[str, str | bytes | None] | None = None, *, profiles: bool = True) -> Path:
        return make_workspace(tmp_path / "ws", files, profiles=profiles)

    return make
