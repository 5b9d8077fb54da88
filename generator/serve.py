"""The serve verb: a live preview and the coach's dashboard.

Builds into a temporary folder (never touching site/) and serves it on 127.0.0.1 with
``livereload``. The front page of the preview is the coach's dashboard (made on request, never
written anywhere): every client with a link to her site, her phase today, next key date, last
check-in, hold or stop, and the warnings of ``postrun check``.

A watcher thread polls content/, templates/ and profiles/; after a burst of saves it rebuilds
(only the changed clients when just profiles changed) and, once the build has finished and
still matches the files on disk, tells the open pages to reload. A broken file is reported in
the terminal and as a banner fixed at the top of every page, while the last good site is still
served. A protected client whose passphrase variable is unset is left out of the preview with
a note; the others are built as usual.
"""

from __future__ import annotations

import errno
import html
import mimetypes
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Any

import click

from .build import build
from .errors import PostrunError, Problem
from .load import guard_site, profile_paths

WATCHED = ("content", "templates", "profiles")
DEBOUNCE_SECONDS = 0.3
POLL_SECONDS = 0.25
SHOWN_ADDRESSES = 20
"""The terminal lists this many clients' addresses; the dashboard lists them all."""

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def fingerprint(root: Path) -> dict[str, tuple[int, int]]:
    """Path → (mtime_ns, size) of every input file."""
    result: dict[str, tuple[int, int]] = {}
    for folder in WATCHED:
        base = root / folder
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            try:
                if path.is_file():
                    stat = path.stat()
                    result[path.relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                continue  # deleted while we looked: the next poll sees it gone
    return result


class Preview:
    """The state of a preview: where the last good site is and the last build's error."""

    def __init__(
        self,
        root: Path,
        log: Callable[[str], None] = click.echo,
        new_secret: bool = False,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.root = root
        self.folder = Path(tempfile.mkdtemp(prefix="postrun-preview-"))
        self.site = self.folder / "site"
        self.error: str | None = None
        self.log = log
        self.new_secret = new_secret
        self.today = today
        self.snapshot: dict[str, tuple[int, int]] = {}
        self.lock = threading.Lock()
        self.builds = 0
        self.generation = 0
        """Goes up with every build attempt; the dashboard is made again after each."""
        self.locked: dict[str, str] = {}
        """Slug → passphrase variable of clients left out because it is unset."""
        self._dashboard: tuple[int, bytes] | None = None

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def changed(self) -> bool:
        return fingerprint(self.root) != self.snapshot

    def rebuild(self) -> bool:
        """Rebuild until the site matches the files on disk; True when anything was built
        (then, and only then, the open pages should reload)."""
        with self.lock:
            built = False
            for _ in range(5):  # saves that land during a build are built before reloading
                current = fingerprint(self.root)
                if self.builds and current == self.snapshot:
                    break
                self._build(current)
                built = True
            return built

    def _build(self, current: dict[str, tuple[int, int]]) -> None:
        changed = {
            k
            for k in current.keys() | self.snapshot.keys()
            if current.get(k) != self.snapshot.get(k)
        }
        self.snapshot = current
        self.generation += 1
        profiles = {Path(k).stem for k in changed if k.startswith("profiles/") and k in current}
        only_profiles = bool(changed) and all(
            k.startswith("profiles/") and k in current for k in changed
        )
        options: dict[str, Any] = {
            "out": self.site,
            "guard": self.root / "site",
            "new_secret": self.new_secret,
            "skip_locked": True,
        }
        warnings: list[Problem] = []
        try:
            if self.builds and only_profiles and self.site.is_dir() and self.error is None:
                try:
                    for stem in sorted(profiles):
                        warnings += build(self.root, only=stem, **options).warnings
                    what = ", ".join(sorted(profiles))
                except PostrunError:
                    warnings = list(build(self.root, **options).warnings)  # e.g. a new slug:
                    what = "everything"
            else:
                warnings = list(build(self.root, **options).warnings)
                what = "everything"
        except PostrunError as exc:
            self.error = "\n".join(p.format() for p in exc.problems)
            self.log(click.style("Build failed; still serving the last good site:", fg="red"))
            self.log(self.error)
            return
        self.builds += 1
        self.error = None
        self.locked = {}
        for warning in warnings:
            if warning.field == "passphrase_env":
                self.log(click.style(f"Not previewed: {warning.format()}", fg="yellow"))
        self._note_locked(warnings)
        self.log(f"Rebuilt {what}.")

    def _note_locked(self, warnings: list[Problem]) -> None:
        files = {w.file for w in warnings if w.field == "passphrase_env"}
        if not files:
            return
        from .listing import clients

        for plan in clients(self.root, self.today()).plans.values():
            if plan.profile.file in files and plan.profile.passphrase_env:
                self.locked[plan.profile.slug] = plan.profile.passphrase_env

    # -- the WSGI application -------------------------------------------------------------------

    def app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/") or "/"
        html_type = "text/html; charset=utf-8"
        if path == "/":
            start_response("200 OK", [("Content-Type", html_type), ("Cache-Control", "no-store")])
            return [self._preview_html(self.dashboard())]
        first = next((p for p in path.split("/") if p), "")
        if first in self.locked:
            name = self.locked[first]
            body = self._page(
                "Not previewed",
                f"Her site is protected with a passphrase, and {name} is not set in the terminal "
                f"running postrun serve. Stop the preview, run export {name}='…', and start it "
                "again.",
            )
            start_response("503 Service Unavailable", [("Content-Type", html_type)])
            return [self._preview_html(body)]
        target = self._resolve(path)
        status = "200 OK"
        if target is None:
            status = "404 Not Found"
            target = self.site / "404.html"
        if not target.is_file():
            body = self._page("Nothing to show yet", "The first build has not succeeded yet.")
            start_response("503 Service Unavailable", [("Content-Type", html_type)])
            return [self._preview_html(body)]
        data = target.read_bytes()
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype == "text/html":
            data = self._preview_html(data)
            ctype = html_type
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
            # Fixed at the top of the viewport: seen on a long week page, wherever it is scrolled.
            banner = (
                '<div role="alert" data-postrun-error style="position:fixed;top:0;left:0;right:0;'
                "z-index:2147483647;max-height:50vh;overflow:auto;box-sizing:border-box;"
                "margin:0;background:#8b0000;color:#fff;padding:1em;font:16px/1.4 monospace;"
                'white-space:pre-wrap;box-shadow:0 2px 8px rgba(0,0,0,.4)">'
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
            f"</title></head><body><h1>{title}</h1><p>{html.escape(message)}</p>{detail}"
            "</body></html>"
        ).encode()

    # -- the dashboard --------------------------------------------------------------------------

    def dashboard(self) -> bytes:
        """The coach's front page, made again after each build (on request)."""
        cached = self._dashboard
        if cached is not None and cached[0] == self.generation:
            return cached[1]
        from .dashboard import dashboard

        try:
            body = dashboard(self.root, self.today(), self.locked)
        except PostrunError as exc:
            body = self._page(
                "Your clients", "The dashboard needs content/ and protocol.yaml to be sound: "
                + "; ".join(p.format() for p in exc.problems[:3])
            )
        self._dashboard = (self.generation, body)
        return body


# -- running it ---------------------------------------------------------------------------------


def check_port(host: str, port: int) -> None:
    """Fail clearly, before anything claims to serve, when the address cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        raise _port_problem(host, port, str(exc)) from None
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                raise _port_problem(host, port, exc.strerror or str(exc)) from None


def _port_problem(host: str, port: int, why: str) -> PostrunError:
    return PostrunError(
        Problem(
            f"{host}:{port}",
            None,
            "--port",
            f"cannot listen there ({why})",
            f"another preview may be running: stop it, or use e.g. --port {port + 1 or 8001}",
        )
    )


class Watcher(threading.Thread):
    """Polls the inputs; after a quiet moment, rebuilds, then asks the pages to reload."""

    def __init__(self, preview: Preview, reload: Callable[[], None]) -> None:
        super().__init__(name="postrun-watch", daemon=True)
        self.preview = preview
        self.reload = reload
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(POLL_SECONDS):
            if not self.preview.changed():
                continue
            # One rebuild per burst of saves: wait until the files stop changing.
            last = fingerprint(self.preview.root)
            while not self.stop.wait(DEBOUNCE_SECONDS):
                now = fingerprint(self.preview.root)
                if now == last:
                    break
                last = now
            if self.stop.is_set():
                return
            try:
                rebuilt = self.preview.rebuild()
            except Exception as exc:  # a bug must not silently stop the preview
                message = f"postrun hit a bug while rebuilding: {exc}"
                self.preview.log(click.style(message, fg="red"))
                continue
            if rebuilt:
                self.reload()


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # `kill` cleans up exactly like Ctrl+C


def serve(
    root: Path, host: str, port: int, open_browser: bool, new_secret: bool = False
) -> None:
    """Build, serve and watch until interrupted (Ctrl+C or SIGTERM); the temporary preview
    folder is always removed."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    guard_site(root, root / "site", profile_paths(root), new_secret)
    check_port(host, port)
    previous = signal.signal(signal.SIGTERM, _terminate)
    preview = Preview(root, new_secret=new_secret)
    watcher: Watcher | None = None
    try:
        preview.rebuild()
        loop = IOLoop.current()
        watcher = Watcher(preview, lambda: loop.add_callback(LiveReloadHandler.reload_waiters))
        server = Server(app=preview.app)
        server._setup_logging = lambda: None
        # postrun watches the files itself (Watcher); this keeps livereload's own polling off.
        LiveReloadHandler._last_reload_time = time.time()
        base = f"http://{host}:{port}/"

        def ready() -> None:
            # Runs once the server listens: nothing claims to serve before it can.
            click.echo(f"Previewing {root.resolve()}")
            click.echo(f"Your dashboard: {base}  (Ctrl+C to stop)")
            _print_addresses(preview, base)
            assert watcher is not None
            watcher.start()

        loop.add_callback(ready)
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
                raise _port_problem(host, port, exc.strerror or str(exc)) from None
            raise
    finally:
        if watcher is not None:
            watcher.stop.set()
            if watcher.is_alive():
                watcher.join(timeout=30)
        preview.close()
        signal.signal(signal.SIGTERM, previous)


def _print_addresses(preview: Preview, base: str) -> None:
    site = preview.site
    clients = sorted(p.name for p in site.iterdir() if p.is_dir()) if site.is_dir() else []
    for slug in clients[:SHOWN_ADDRESSES]:
        click.echo(f"  {base}{slug}/")
    if len(clients) > SHOWN_ADDRESSES:
        click.echo(f"  … and {len(clients) - SHOWN_ADDRESSES} more: see the dashboard")
    for slug, name in sorted(preview.locked.items()):
        click.echo(f"  {base}{slug}/  not previewed: {name} is not set")
