"""`postrun serve` as the coach's dashboard, through a real HTTP client on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import LENA, PRIYA, REPO, SAM
from .net import free_port, get, wait_for

PROTECTED = "profiles/zoe-protected.yaml"
UNSET = "POSTRUN_TEST_NEVER_SET"


def make_workspace(root: Path) -> Path:
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "profiles", root / "profiles")
    shutil.copy(REPO / ".postrun-secret", root / ".postrun-secret")
    text = (REPO / "profiles/priya-shah.yaml").read_text("utf-8")
    (root / PROTECTED).write_text(
        text.replace("name: Priya Shah", "name: Zoe Protected") + f"passphrase_env: {UNSET}\n",
        "utf-8",
    )
    return root


def start(root: Path, port: int, tmp: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != UNSET}
    env |= {"PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp)}
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "-C", str(root), "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, Path]]:
    base_dir = tmp_path_factory.mktemp("serve")
    root = make_workspace(base_dir / "ws")
    tmp = base_dir / "tmp"
    tmp.mkdir()
    port = free_port()
    proc = start(root, port, tmp)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(base, lambda body: "Your clients" in body, 60)
        yield root, base, tmp
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
        print(output)


def test_the_front_page_is_the_coachs_dashboard(preview: tuple[Path, str, Path]) -> None:
    root, base, _ = preview
    status, page = get(base)
    assert status == 200
    for slug, name in ((SAM, "Sam Rivera"), (PRIYA, "Priya Shah"), (LENA, "Lena Okafor")):
        assert f'<a href="/{slug}/">' in page and name in page
        assert get(f"{base}{slug}/")[0] == 200
    lena = page.split(f'data-client="{LENA}"')[1].split("</tr>")[0]
    assert "next run" in lena and "no symptoms" in lena  # next key date, last check-in
    assert "on track" in lena or "HELD" in lena
    sam = page.split(f'data-client="{SAM}"')[1].split("</tr>")[0]
    assert "line 2: warning: name: Sam Rivera is the example client" in sam  # check's warnings
    assert "Riverside Postnatal Running" in page
    # The published front page is untouched and still lists no client.
    _, front = get(base + "index.html")
    assert "Sam Rivera" not in front and SAM not in front
    assert not (root / "site").exists()


def test_an_unset_passphrase_leaves_out_only_that_client(preview: tuple[Path, str, Path]) -> None:
    _, base, _ = preview
    page = get(base)[1]
    before, after = page.split("Zoe Protected", 1)
    slug = before.rsplit('data-client="', 1)[1].split('"')[0]
    zoe = after.split("</tr>")[0]
    assert f"not previewed: {UNSET} is not set" in zoe
    assert f"the environment variable {UNSET} is not set" in zoe  # check's error, on her row
    status, body = get(f"{base}{slug}/index.html")
    assert status == 503 and UNSET in body
    assert get(f"{base}{SAM}/index.html")[0] == 200


def test_the_error_banner_is_fixed_at_the_top(preview: tuple[Path, str, Path]) -> None:
    root, base, _ = preview
    profile = root / "profiles/lena-okafor.yaml"
    good = profile.read_text("utf-8")
    try:
        profile.write_text("name: [unclosed\n", "utf-8")
        body = wait_for(f"{base}{SAM}/week-05.html", lambda b: "data-postrun-error" in b)
        banner = body.split("data-postrun-error", 1)[1].split(">", 1)[0]
        assert "position:fixed;top:0" in banner
        assert "profiles/lena-okafor.yaml:" in body
    finally:
        profile.write_text(good, "utf-8")
    wait_for(f"{base}{SAM}/index.html", lambda b: "data-postrun-error" not in b)


def test_pages_reload_only_once_the_rebuild_has_finished(preview: tuple[Path, str, Path]) -> None:
    from tornado.websocket import websocket_connect

    root, base, _ = preview
    page = f"{base}{SAM}/index.html"
    profile = root / "profiles/sam-rivera.yaml"
    text = profile.read_text("utf-8")

    async def reload_then_fetch(marker: str) -> str:
        ws = await websocket_connect(base.replace("http", "ws") + "livereload")
        await ws.write_message(json.dumps({"command": "hello", "protocols": []}))
        await ws.read_message()
        await ws.write_message(json.dumps({"command": "info", "url": page}))
        try:  # a reload still owed to an earlier test's rebuild arrives first: let it pass
            while True:
                await asyncio.wait_for(ws.read_message(), 2)
        except TimeoutError:
            pass
        profile.write_text(text.replace("Welcome, Sam!", marker), "utf-8")
        while True:
            message = await asyncio.wait_for(ws.read_message(), 30)
            assert message is not None
            if json.loads(message).get("command") == "reload":
                break
        ws.close()
        return get(page)[1]  # what the browser shows when it reloads

    for marker in ("Hello again, Sam!", "Welcome, Sam!"):
        # Its own thread: other tests (Playwright) may keep an event loop in this one.
        with ThreadPoolExecutor(1) as pool:
            assert marker in pool.submit(asyncio.run, reload_then_fetch(marker)).result()


def test_the_terminal_lists_the_clients_addresses(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    port = free_port()
    proc = start(root, port, tmp)
    base = f"http://127.0.0.1:{port}/"
    wait_for(base, lambda body: "Your clients" in body, 60)
    assert any(tmp.iterdir())  # the preview's temporary folder, with the built sites
    proc.send_signal(signal.SIGTERM)
    output = proc.communicate(timeout=30)[0]
    assert f"Your dashboard: {base}" in output
    for slug in (SAM, PRIYA, LENA):
        assert f"  {base}{slug}/" in output
    assert f"not previewed: {UNSET} is not set" in output
    assert list(tmp.iterdir()) == []  # SIGTERM cleans up like Ctrl+C


def test_a_busy_port_is_an_error_before_anything_claims_to_serve(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = start(root, port, tmp_path)
        output = proc.communicate(timeout=60)[0]
    assert proc.returncode == 1, output
    assert "cannot listen there" in output
    assert "Serving" not in output and "Previewing" not in output and "dashboard" not in output
