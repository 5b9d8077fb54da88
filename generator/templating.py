"""The Jinja2 side of rendering: where templates come from, the environment with postrun's
filters and globals, and template errors turned into problems the coach can fix.

The workspace's own ``templates/`` folder is read through the guarded way in
(``load/read.py``); postrun's shipped templates are the fallback.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    select_autoescape,
)
from jinja2.loaders import split_template_path

from .errors import PostrunError, Problem, cut
from .i18n import DEFAULT_LANGUAGE, translations
from .jinja_codegen import JoiningCodeGenerator
from .jinja_i18n import CompiledTranslations, install
from .load.read import MAX_FILE_BYTES, Refused, read_input
from .shipped import default_templates
from .views import Local, iso, week_file

__all__ = [
    "default_templates",
    "guarded_read",
    "make_environment",
    "template_errors",
    "template_problem",
]


def _bytecode_cache(folder: Path | None) -> BytecodeCache | None:
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # no cache is slower, never wrong
    return FileSystemBytecodeCache(str(folder))


def make_environment(
    folders: Sequence[Path],
    own: Path | None,
    bytecode_dir: Path | None,
    globals_: Mapping[str, Any],
    view: Local,
    filters_: Mapping[str, Callable[..., Any]] | None = None,
) -> Environment:
    """The build's Jinja2 environment for one language (``view``): templates from
    ``folders`` (``own``, the coach's overrides, read through the guarded way in), postrun's
    filters, and ``globals_``. Its messages are translated when a template is compiled
    (:mod:`.jinja_i18n`), so ``bytecode_dir`` must be the language's own. ``filters_`` are
    the renderer's own filters, beside postrun's view filters."""
    env = _Environment(
        loader=ChoiceLoader(
            [_OwnTemplates(str(f)) if f == own else FileSystemLoader(str(f)) for f in folders]
        ),
        autoescape=select_autoescape(
            enabled_extensions=("html",), default_for_string=False, default=False
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(bytecode_dir),
        # One Renderer per build: never stat the template files again on every page.
        auto_reload=False,
        extensions=[CompiledTranslations],
    )
    env.code_generator_class = JoiningCodeGenerator
    words = view.words
    install(env, translations(words.tag))
    # Filters compile to direct calls; a global called as a function goes through Jinja's
    # context.call, several times dearer, so the pieces written on every day use filters.
    filters: dict[str, Callable[..., Any]] = dict(
        day=view.short_day,
        long_date=view.long_date,
        short_date=view.short_date,
        month_title=view.month_title,
        duration=view.duration,
        number=words.number,
        iso=iso,
        time_tag=view.time_tag,
        week_file=week_file,
        mark=view.mark,
        kind_label=view.kind_label,
        level_label=view.level_label,
        dose_text=view.dose_text,
    )
    env.filters.update(filters)
    env.filters.update(filters_ or {})
    env.globals.update(globals_)
    env.globals.update(
        lang=words.tag,
        words_js=words.tag != DEFAULT_LANGUAGE,
        weekdays=view.weekdays,
        kind_labels=view.kind_labels,
        kind_icons=view.kind_icons,
        mark=view.mark,
        decision_labels=view.decision_labels,
        time_tag=view.time_tag,
        kind_label=view.kind_label,
    )
    return env


class _Environment(Environment):
    """Jinja2's Environment, each template's globals one plain dict.

    Jinja2 keeps them as a ChainMap over the environment's, so that globals changed later
    still show; postrun sets every global before the first template is loaded, and a ChainMap
    is read key by key in Python each time a page is rendered (its context is made from it)."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


@contextmanager
def template_errors(own: Path | None, env: Environment | None) -> Iterator[None]:
    """Turn an error raised inside a template into a problem naming the template file and
    line (the coach's own templates/ overrides are her files to fix)."""
    try:
        yield
    except PostrunError:
        raise
    except Exception as exc:
        problem = template_problem(exc, own, env)
        if problem is None:
            raise
        raise PostrunError(problem) from None


class _OwnTemplates(FileSystemLoader):
    """The coach's templates/ folder, read through the guarded way in: a template that is a
    folder, a pipe or a link out of the workspace is a problem, not a hang or a leak."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        folder = Path(self.searchpath[0])
        path = folder.joinpath(*split_template_path(template))
        if not os.path.lexists(path):
            raise TemplateNotFound(template)
        rel = f"templates/{template}"
        raw = guarded_read(path, rel, MAX_FILE_BYTES)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise PostrunError(
                Problem(rel, line, None, "the file is not UTF-8 text", "save it as UTF-8")
            ) from None
        mtime = os.path.getmtime(path)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(path) == mtime
            except OSError:
                return False

        return text, os.path.normpath(path), uptodate


def guarded_read(path: Path, rel: str, limit: int) -> bytes:
    """A file of the workspace read through the guarded way in; a refusal is a problem."""
    try:
        return read_input(path, rel, limit)
    except Refused as exc:
        raise PostrunError(Problem(rel, None, None, exc.message, exc.hint)) from None


def template_problem(
    exc: BaseException, own: Path | None, env: Environment | None = None
) -> Problem | None:
    """Where in the coach's templates ``exc`` happened, as a problem (None: not in them).

    Jinja rewrites tracebacks so that template code shows as frames of the template file at
    its own line; the innermost such frame is the line to fix. An error while the workspace has
    no templates/ overrides is postrun's own bug, not a problem (None).
    """
    if own is None:
        return None
    file, line = _where(exc, own, env)
    if file is None:
        return None
    what, hint = _what_failed(exc)
    if _under(file, own):
        rel = "templates/" + Path(file).resolve().relative_to(own.resolve()).as_posix()
    else:
        rel = f"postrun's own template {Path(file).name} (used by your templates/)"
    return Problem(rel, line, None, what, hint)


def _where(
    exc: BaseException, own: Path, env: Environment | None
) -> tuple[str | None, int | None]:
    """The template file and line where ``exc`` happened (None: not in a template)."""
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return exc.filename, exc.lineno
    if isinstance(exc, TemplateSyntaxError):
        # Some lexer errors carry no file name: find the template that does not compile.
        return _unparsable(own, env)
    shipped = default_templates()
    file: str | None = None
    line: int | None = None
    for frame in traceback.extract_tb(exc.__traceback__, limit=-400):
        if _under(frame.filename, own) or _under(frame.filename, shipped):
            file, line = frame.filename, frame.lineno
    return file, line


def _what_failed(exc: BaseException) -> tuple[str, str]:
    """The message and hint for a template error."""
    if isinstance(exc, TemplateNotFound):
        return (
            f"the template {cut(str(exc.name), 80)!r} does not exist",
            "check the name in {% extends %} / {% include %} / {% import %}",
        )
    if isinstance(exc, RecursionError):
        return (
            "the templates include or extend each other in a loop",
            "a template must not extend or include itself",
        )
    if isinstance(exc, TemplateSyntaxError):
        return (
            f"template syntax error: {cut(exc.message or str(exc), 200)}",
            "check the {% … %} and {{ … }} tags on this line",
        )
    if isinstance(exc, UndefinedError):
        return (
            f"the template uses something that does not exist: {cut(str(exc), 200)}",
            "compare with postrun's own template of that name for the names you can use",
        )
    return (
        f"the template failed: {type(exc).__name__}: {cut(str(exc), 200)}",
        "fix this line of your template, or delete the file to use postrun's own",
    )


def _unparsable(own: Path, env: Environment | None) -> tuple[str | None, int | None]:
    if env is None:
        return None, None
    for path in sorted(own.rglob("*")):
        if path.suffix not in (".html", ".js", ".webmanifest") or not path.is_file():
            continue
        try:
            source = read_input(path, f"templates/{path.name}").decode("utf-8", "replace")
            env.parse(source, path.name, str(path))
        except Refused:
            continue
        except TemplateSyntaxError as exc:
            return str(path), exc.lineno
    return None, None


def _under(file: str, folder: Path) -> bool:
    try:
        Path(file).resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True
