"""``content/pages/*.md``: the shared guide pages (safety, tips, about)."""

from __future__ import annotations

from pathlib import Path

from ..errors import Problems
from ..models import (
    Page,
)
from .fields import SLUG_RE, Fields, _fresh
from .markup import MarkdownRenderer
from .read import read_text, split_front_matter


def load_pages(root: Path, problems: Problems, render: MarkdownRenderer) -> tuple[Page, ...]:
    pages: list[Page] = []
    for path in sorted((root / "content" / "pages").glob("*.md")):
        rel = f"content/pages/{path.name}"
        if not SLUG_RE.fullmatch(path.stem):
            problems.add(
                rel,
                None,
                None,
                f"the file name {path.name!r} is not a usable page id",
                "use lower-case letters, digits and dashes, e.g. tips.md",
            )
            continue
        text = read_text(path, rel, problems)
        if text is None:
            continue
        data, body, _ = split_front_matter(text, rel, problems)
        if data is None:
            continue
        start = len(problems.errors)
        f = Fields(data, rel, problems)
        title = f.text("title", required=True)
        order = f.integer("order", -1000, 1000, default=100)
        summary = f.text("summary")
        f.finish()
        if _fresh(problems, start):
            pages.append(Page(path.stem, title, order or 0, render(body), summary))
    if not any(p.id == "safety" for p in pages) and not (root / "content/pages/safety.md").exists():
        problems.add(
            "content/pages/safety.md",
            None,
            None,
            "the safety page is missing",
            "every client's site links to it: restore it with `postrun init` defaults",
        )
    return tuple(sorted(pages, key=lambda p: (p.order, p.id)))
