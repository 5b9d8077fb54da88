"""Shared fixtures: workspaces made in tmp_path from the repository's example workspace."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent

# The example clients' folder names: file name + a suffix derived from the example workspace's
# committed .postrun-secret (a real workspace gets its own secret).
SAM = "sam-rivera-8547rf"
PRIYA = "priya-shah-9is6wm"
LENA = "lena-okafor-83gqef"

Workspace = Callable[..., Path]

# The browser fixtures (one Chromium for the whole session, the built example site and its
# local server) are registered once here, so every test module shares them.
pytest_plugins = ["tests.browser"]

# Build manifests go to a throwaway cache, never the developer's ~/.cache.
os.environ["POSTRUN_CACHE_DIR"] = tempfile.mkdtemp(prefix="postrun-test-cache-")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """Make a workspace in tmp_path: the example content, templates and (by default) profiles,
    then overwrite/add the given files (``{"profiles/ana.yaml": "name: …"}``); a value of
    None deletes that file. Returns the workspace root."""

    def make(files: dict[str, str | bytes | None] | None = None, *, profiles: bool = True) -> Path:
        root = tmp_path / "ws"
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

    return make
