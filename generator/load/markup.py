"""Markdown to sanitised HTML, once per content file per build."""

from __future__ import annotations

import markdown
import nh3

# No <img>: a picture from another host would be a third-party request (exercise images come
# from front matter and ship inside the client's folder).
_TAGS = set(nh3.ALLOWED_TAGS) - {"img"}


class MarkdownRenderer:
    """Markdown to sanitised HTML; one instance per build, so the parser is set up once."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")

    def __call__(self, source: str) -> str:
        if not source.strip():
            return ""
        html = self._md.reset().convert(source)
        # Content and profiles are data, never code: no script, no handlers, no javascript:.
        return nh3.clean(html, tags=_TAGS, url_schemes={"http", "https", "mailto", "tel"}).strip()
