"""``content/pages/*.md``: the shared guide pages (safety, tips, about)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Problems
from ..models import (
    Page,
)
from .fields import SLUG_RE, Fields, _fresh
from .markup import MarkdownRenderer
from .read import read_text, split_front_matter

RESERVED_PAGE_IDS = frozenset(
    {"index", "readiness", "calendar", "plan", "404", "sw", "manifest", "robots", "assets"}
)
"""Names of pages every client's site already has (``<name>.html``)."""


def reserved_page(page_id: str) -> bool:
    """Whether a guide page of this name would replace a generated page (week-03.html, …)."""
    return (
        page_id in RESERVED_PAGE_IDS
        or re.fullmatch(r"week-\d+", page_id) is not None
        or page_id.startswith("exercise-")
    )


def load_pages(root: Path, problems: Problems, render: MarkdownRenderer) -> tuple[Page, ...]:
    pages: list[Page] = []
    for path in sorted((root / "content" / "pages").glob("*.md")):
        if "." in path.stem:
            continue  # NAME.de.md: a translation (load/translations.py)
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
        if reserved_page(path.stem):
            problems.add(
                rel,
                None,
                None,
                f"the page name {path.stem!r} is taken by a page postrun makes itself",
                "rename the file, e.g. to my-"
                + path.name
                + " (index, readiness, calendar, plan, 404, week-NN and exercise-… are taken)",
            )
            continue
        text = read_text(path, rel, problems)
        if text is None:
            continue
        page = read_page(path.stem, text, rel, problems, render)
        if page is not None:
            pages.append(page)
    if not any(p.id == "safety" for p in pages) and not (root / "content/pages/safety.md").exists():
        problems.add(
            "content/pages/safety.md",
            None,
            None,
            "the safety page is missing",
            "every client's site links to it: restore it with `postrun init` defaults",
        )
    return tuple(sorted(pages, key=lambda p: (p.order, p.id)))


def read_page(
    page_id: str, text: str, rel: str, problems: Problems, render: MarkdownRenderer
) -> Page | None:
    """One guide page from its text: title, order and summary between the --- lines, then
    Markdown (None when it has errors, which are in ``problems``)."""
    data, body, body_line = split_front_matter(text, rel, problems)
    if data is None:
        return None
    start = len(problems.errors)
    f = Fields(data, rel, problems)
    title = f.text("title", required=True)
    order = f.integer("order", -1000, 1000, default=100)
    summary = f.text("summary")
    f.finish()
    if not _fresh(problems, start):
        return None
    html = render(body, (rel, body_line, problems))
    return Page(page_id, title, order or 0, html, summary)
