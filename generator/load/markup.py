"""Markdown to sanitised HTML, once per content file per build.

Python-Markdown recurses once per nested list or quote and takes quadratic time over unclosed
square brackets, so every text is checked before it is parsed (:func:`markdown_problem`: its
length, nesting and brackets) and parsed within a time budget (:data:`BUDGET_SECONDS`).
"""

from __future__ import annotations

import html
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import markdown
import msgspec
import nh3
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension

from ..errors import Problems

# No <img>: a picture from another host would be a third-party request (exercise images come
# from front matter and ship inside the client's folder).
_TAGS = set(nh3.ALLOWED_TAGS) - {"img"}

MAX_MARKDOWN_CHARS = 100_000
"""Longest Markdown text (a long guide page is some 20,000 characters)."""
MAX_NESTING = 16
"""Deepest lists and quotes inside each other."""
MAX_BRACKETS = 250
"""Most square brackets (links) in one paragraph."""
BUDGET_SECONDS = 10.0
"""Longest time one text may take to turn into HTML."""
_KEPT_MAX = 8192
"""Most converted texts a process keeps (see :class:`MarkdownRenderer`)."""
_kept: dict[str, str] = {}

_MARKER = r"[ \t]*(?:[-*+>]|\d{1,9}[.)])(?=[ \t]|$)"
_PREFIX = re.compile(f"(?:{_MARKER})+")
_ONE = re.compile(_MARKER)
_BLANK = re.compile(r"\n[ \t]*\n")


class MarkupProblem(msgspec.Struct, frozen=True):
    line: int
    """1-based line within the text."""
    message: str
    hint: str


def markdown_problem(source: str) -> MarkupProblem | None:
    """Why ``source`` is too large or too tangled to turn into HTML safely (None when fine)."""
    if len(source) > MAX_MARKDOWN_CHARS:
        return MarkupProblem(
            1,
            f"the text is longer than {MAX_MARKDOWN_CHARS:,} characters",
            "split it into several pages",
        )
    for number, line in enumerate(source.split("\n"), start=1):
        prefix = _PREFIX.match(line)
        if prefix is not None and len(_ONE.findall(prefix.group())) > MAX_NESTING:
            return MarkupProblem(
                number,
                f"lists or quotes are nested more than {MAX_NESTING} levels deep",
                "start each list item on its own line with at most a few levels",
            )
    pos = 0
    for separator in [*_BLANK.finditer(source), None]:
        end = len(source) if separator is None else separator.start()
        block = source[pos:end]
        if block.count("[") > MAX_BRACKETS:
            first = pos + len(block) - len(block.lstrip("\n"))
            return MarkupProblem(
                source.count("\n", 0, first) + 1,
                f"this paragraph has more than {MAX_BRACKETS} square brackets",
                "use fewer links in one paragraph, or leave a blank line between parts",
            )
        if separator is not None:
            pos = separator.end()
    return None


class _TooSlow(Exception):
    pass


@contextmanager
def _budget(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (only where a timer signal can be used)."""
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class MarkdownRenderer:
    """Markdown to sanitised HTML; one instance per build, so the parser is set up once.

    A text that converted cleanly is kept for the process (at most :data:`_KEPT_MAX`, then
    they are dropped): the HTML depends on the text alone, so a process that loads the same
    content again (``serve`` after an edit, the test suite) converts only what changed."""

    def __init__(self) -> None:
        self._parser: markdown.Markdown | None = None

    @property
    def _md(self) -> markdown.Markdown:
        """The parser, set up when a text first needs it (it compiles many patterns, and a
        build whose texts were all converted before needs none)."""
        if self._parser is None:
            # Extension objects, not names: a name is looked up among every installed
            # package's entry points, which costs more than the rest of a one-profile
            # rebuild's loading.
            self._parser = markdown.Markdown(
                extensions=[SaneListExtension(), TableExtension()], output_format="html"
            )
        return self._parser

    def __call__(self, source: str, where: tuple[str, int, Problems] | None = None) -> str:
        """HTML for ``source``. A text too large, too tangled or too slow to parse is a
        problem at ``where`` (file, line of the text's first line, problems) when given, and
        otherwise shown as plain paragraphs: never a crash or a hang."""
        if not source.strip():
            return ""
        kept = _kept.get(source)
        if kept is not None:
            return kept
        trouble = markdown_problem(source)
        if trouble is None:
            try:
                with _budget(BUDGET_SECONDS):
                    converted = self._md.reset().convert(source)
                # Content and profiles are data, never code: no script, no handlers.
                clean = nh3.clean(
                    converted, tags=_TAGS, url_schemes={"http", "https", "mailto", "tel"}
                ).strip()
                if len(_kept) >= _KEPT_MAX:
                    _kept.clear()
                _kept[source] = clean
                return clean
            except (_TooSlow, RecursionError):
                trouble = MarkupProblem(
                    1,
                    f"the text takes more than {BUDGET_SECONDS:g} seconds to turn into a page",
                    "shorten it or split it into several pages",
                )
        if where is not None:
            file, line, problems = where
            problems.add(file, line + trouble.line - 1, None, trouble.message, trouble.hint)
            return ""
        return plain_html(source)


def plain_html(source: str) -> str:
    """Text shown as written, one paragraph per block: the safe fallback for odd Markdown."""
    blocks = [b.strip() for b in _BLANK.split(source[:MAX_MARKDOWN_CHARS]) if b.strip()]
    return "\n".join("<p>" + html.escape(b).replace("\n", "<br>\n") + "</p>" for b in blocks)
