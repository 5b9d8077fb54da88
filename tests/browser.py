"""Browser fixtures: Debian's Chromium driven by Playwright, and a built example site."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli

from .conftest import REPO, SAM

CHROMIUM = os.environ.get("POSTRUN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def _need_chromium() -> None:
    if Path(CHROMIUM).is_file():
        return
    message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace, built once for all browser tests."""
    root = tmp_path_factory.mktemp("browser") / "ws"
    for name in ("content", "templates", "profiles"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / ".postrun-secret", root / ".postrun-secret")
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-q"])
    assert result.exit_code == 0, result.output
    return root / "site"


PASSPHRASE = "maple tide orbit kettle"
PASSPHRASE_ENV = "SAM_PASSPHRASE"


@pytest.fixture(scope="session")
def locked_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace with Sam's plan protected (``PASSPHRASE``), built once for the
    encryption browser tests and the HTML validator."""
    root = tmp_path_factory.mktemp("locked") / "ws"
    for name in ("content", "templates", "profiles"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / ".postrun-secret", root / ".postrun-secret")
    profile = root / "profiles" / "sam-rivera.yaml"
    profile.write_text(profile.read_text("utf-8") + f"passphrase_env: {PASSPHRASE_ENV}\n", "utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(PASSPHRASE_ENV, PASSPHRASE)
        result = CliRunner().invoke(cli, ["-C", str(root), "build", "-q"])
    assert result.exit_code == 0, result.output
    assert (root / "site" / SAM / "plan.json.enc").is_file()
    return root / "site"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """A test server that does not print a browser hanging up mid-response."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def server(built_site: Path) -> Iterator[str]:
    """The built example site over HTTP on 127.0.0.1."""
    with serving(built_site) as url:
        yield url


def open_page(browser: Any, **options: Any) -> tuple[Any, Any]:
    """A new context and page; ``page.errors`` collects console errors and uncaught ones."""
    context = browser.new_context(**options)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    return context, page


def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")


AXE_RULES = "{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}"


def axe_violations(page: Any) -> list[Any]:
    """axe-core's WCAG 2.1 AA and best-practice violations in the page's present state."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate(f"async () => await axe.run(document, {AXE_RULES})")
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]]


def axe_light_and_dark(page: Any) -> dict[str, list[Any]]:
    """Violations in the page's present state, in the light and then the dark colour scheme."""
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
        found[scheme] = axe_violations(page)
    page.emulate_media(color_scheme="light")
    return found


# speechSynthesis.speak records what it would say; Web Audio and vibration are counted.
RECORDER = """
window.__spoken = [];
window.__beeps = 0;
window.__buzzes = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = function (u) { window.__spoken.push(u.text); };
  window.speechSynthesis.cancel = function () {};
}
class FakeAudio {
  constructor() { this.state = "running"; this.currentTime = 0; this.destination = {}; }
  resume() { return Promise.resolve(); }
  createOscillator() {
    return { type: "", frequency: { value: 0 }, connect() {}, start() { window.__beeps += 1; },
             stop() {} };
  }
  createGain() {
    return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect() {} };
  }
}
window.AudioContext = FakeAudio;
navigator.vibrate = function (p) { window.__buzzes.push(p); return true; };
"""
