"""The serve verb: a live preview for the coach.

Builds into a temporary folder (never touching site/), serves it on 127.0.0.1 with
``livereload``, rebuilds once per burst of saves under content/, templates/ or profiles/
(only the changed clients when just profiles changed), and refreshes the open page. A broken
file is reported in the terminal and as a banner on every page, while the last good site is
still served.
"""

from __future__ import annotations

import errno
import html
import mimetypes
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from .build import build
from .errors import PostrunError, Problem

WATCHED = ("content", "templates", "profiles")
DEBOUNCE_SECONDS = 0.3

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def fingerprint(root: Path) -> dict[str, tuple[int, int]]:
    """Path → (mtime_ns, size) of every input file."""
    result: dict[str, tuple[int, int]] = {}
    for folder in WATCHED:
        base = root / folder
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            if path.is_file():
                stat = path.stat()
                result[path.relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return result


class Preview:
    """The state of a preview: where the last good site is and the last build's error."""

    def __init__(self, root: Path, log: Callable[[str], None] = click.echo) -> None:
        self.root = root
        self.folder = Path(tempfile.mkdtemp(prefix="postrun-preview-"))
        self.site = self.folder / "site"
        self.error: str | None = None
        self.log = log
        self.snapshot: dict[str, tuple[int, int]] = {}
        self.lock = threading.Lock()
        self.builds = 0

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def rebuild(self) -> bool:
        """Rebuild what the changes since the last build affect; True when anything was built."""
        with self.lock:
            current = fingerprint(self.root)
            changed = {
                k
                for k in current.keys() | self.snapshot.keys()
                if current.get(k) != self.snapshot.get(k)
            }
            if self.builds and not changed:
                return False
            self.snapshot = current
            profiles = {Path(k).stem for k in changed if k.startswith("profiles/") and k in current}
            only_profiles = bool(changed) and all(
                k.startswith("profiles/") and k in current for k in changed
            )
            try:
                if self.builds and only_profiles and self.site.is_dir() and self.error is None:
                    try:
                        for slug in sorted(profiles):
                            build(self.root, out=self.site, only=slug)
                        what = ", ".join(sorted(profiles))
                    except PostrunError:
                        build(self.root, out=self.site)  # e.g. a profile whose slug: differs
                        what = "everything"
                else:
                    build(self.root, out=self.site)
                    what = "everything"
            except PostrunError as exc:
                self.error = "\n".join(p.format() for p in exc.problems)
                self.log(click.style("Build failed; still serving the last good site:", fg="red"))
                self.log(self.error)
                return True
            self.builds += 1
            self.error = None
            self.log(f"Rebuilt {what}.")
            return True

    # -- the WSGI application -------------------------------------------------------------------

    def app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/") or "/"
        target = self._resolve(path)
        status = "200 OK"
        if target is None:
            status = "404 Not Found"
            target = self.site / "404.html"
        if not target.is_file():
            body = self._page("Nothing to show yet", "The first build has not succeeded yet.")
            start_response(
                "503 Service Unavailable", [("Content-Type", "text/html; charset=utf-8")]
            )
            return [body]
        data = target.read_bytes()
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype == "text/html":
            data = self._preview_html(data)
            ctype = "text/html; charset=utf-8"
        start_response(status, [("Content-Type", ctype), ("Cache-Control", "no-store")])
        return [data]

    def _resolve(self, path: str) -> Path | None:
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if ".." in parts:
            return None
        target = self.site.joinpath(*parts)
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def _preview_html(self, data: bytes) -> bytes:
        # livereload injects an inline script; the published pages' policy forbids inline code,
        # so the preview (on this machine only) allows it.
        text = data.decode("utf-8")
        for quote in ("'", "&#39;"):
            for directive in ("script-src", "style-src"):
                text = text.replace(
                    f"{directive} {quote}self{quote}",
                    f"{directive} {quote}self{quote} {quote}unsafe-inline{quote}",
                    1,
                )
        if self.error:
            banner = (
                '<div role="alert" data-postrun-error style="background:#8b0000;color:#fff;'
                'padding:1em;font:16px/1.4 monospace;white-space:pre-wrap">'
                "postrun could not rebuild; this is the last good version.\n\n"
                f"{html.escape(self.error)}</div>"
            )
            start = text.find("<body")
            end = text.find(">", start) + 1 if start >= 0 else 0
            text = text[:end] + banner + text[end:]
        return text.encode("utf-8")

    def _page(self, title: str, message: str) -> bytes:
        detail = f"<pre>{html.escape(self.error)}</pre>" if self.error else ""
        return (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}'
            f"</title></head><body><h1>{title}</h1><p>{message}</p>{detail}</body></html>"
        ).encode()


def serve(root: Path, host: str, port: int, open_browser: bool) -> None:
    """Build, serve and watch until interrupted."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    preview = Preview(root)
    preview.rebuild()
    pending: list[Any] = []

    def rebuild_now() -> None:
        pending.clear()
        if preview.rebuild():
            LiveReloadHandler.reload_waiters()

    def changed() -> None:
        # One rebuild per burst of saves: each change pushes the rebuild a little later.
        loop = IOLoop.current()
        for handle in pending:
            loop.remove_timeout(handle)
        pending.clear()
        pending.append(loop.call_later(DEBOUNCE_SECONDS, rebuild_now))

    server = Server(app=preview.app)
    for folder in WATCHED:
        if (root / folder).is_dir():
            server.watch(str(root / folder), changed, delay="forever")
    click.echo(f"Previewing {root.resolve()} at http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        server.serve(
            port=port,
            host=host,
            debug=False,
            restart_delay=0,
            open_url_delay=0.5 if open_browser else None,
        )
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise PostrunError(
                Problem(
                    f"{host}:{port}",
                    None,
                    "--port",
                    f"cannot listen there ({exc.strerror})",
                    "another preview may be running: stop it, or use e.g. --port 8001",
                )
            ) from None
        raise
    finally:
        preview.close()
