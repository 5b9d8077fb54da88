"""Helpers to inspect a built site: its links, references and files."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

URL_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
             ("source", "src"), ("iframe", "src"), ("form", "action"), ("video", "src"),
             ("audio", "src"), ("img", "srcset"), ("object", "data"), ("embed", "src")}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.meta: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "meta":
            self.meta.append(values)
        for name, value in values.items():
            if (tag, name) in URL_ATTRS:
                self.urls.append((tag, name, value))


def parse(path: Path) -> _Collector:
    """The page's links, ids and meta tags (parsed once per file version: many tests read
    the same built pages)."""
    info = path.stat()
    return _parse(path.resolve(), info.st_ino, info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=4096)
def _parse(path: Path, inode: int, mtime_ns: int, size: int) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text("utf-8"))
    return collector


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def external(url: str) -> bool:
    """Absolute, or pointing at another host (a ``data:`` URL fetches nothing from anywhere,
    and ``mailto:``/``tel:`` links only open her own mail app or phone)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "mailto", "tel"):
        return False
    return bool(parts.scheme or parts.netloc) or url.startswith("/")


def broken_links(site: Path) -> list[str]:
    """Every internal URL that does not resolve to a file (and #id) inside ``site``."""
    ids: dict[Path, set[str]] = {}
    problems: list[str] = []
    for page in html_files(site):
        for tag, attr, url in parse(page).urls:
            if external(url) or url.startswith(("mailto:", "tel:", "data:")):
                continue
            parts = urlsplit(url)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file() or site.resolve() not in target.parents:
                problems.append(f"{page.relative_to(site)}: <{tag} {attr}={url!r}> → missing file")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = parse(target).ids
                if parts.fragment not in ids[target]:
                    problems.append(f"{page.relative_to(site)}: {url!r} → no id {parts.fragment!r}")
    return problems


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path → sha256 of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }
