"""Render stage: a Plan (and the shared content) -> {relative path: bytes}.

Templates are compiled once and static assets read once per :class:`Renderer`; per client only
her pages are rendered. Templates only show what the plan computed: anything a template needs
beyond plain fields is prepared here as view data (grids, labels, links), never rules.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
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

from . import __version__
from .chart import progress_chart
from .errors import PostrunError, Problem, cut
from .ical import calendar_ics
from .load.read import MAX_FILE_BYTES, MAX_MEDIA_BYTES, Refused, read_input
from .models import Content, Plan, Session, Workspace
from .plan import duration
from .planjson import plan_json, plan_json_bytes
from .views import (
    DECISION_LABELS,
    KIND_ICONS,
    KIND_LABELS,
    Link,
    clock,
    coach_links,
    exercise_file,
    iso,
    key_dates,
    kind_label,
    long_date,
    mark,
    months,
    other_variant,
    part_seconds,
    plan_id,
    segments_json,
    short_date,
    short_day,
    symptom_groups,
    time_tag,
    webcal_url,
    week_file,
)

__all__ = ["CSP", "Renderer", "cache_name", "default_templates", "plan_json", "plan_json_bytes"]
ASSETS = ("assets/style.css", "assets/app.js", "assets/icon.svg")
RESERVED_PAGE_IDS = frozenset({"index", "readiness", "calendar", "plan", "404", "offline"})
PAGE_TEMPLATES = (
    "overview", "week", "offline", "exercise", "readiness", "calendar", "page", "root", "404"
)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; base-uri 'none'; "
    "form-action 'none'"
)


def _bytecode_cache(folder: Path | None) -> BytecodeCache | None:
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # no cache is slower, never wrong
    return FileSystemBytecodeCache(str(folder))


def default_templates() -> Path:
    """The templates shipped with postrun (inside the wheel, or the repository's own)."""
    here = Path(__file__).resolve().parent
    packaged = here / "defaults" / "templates"
    return packaged if packaged.is_dir() else here.parent / "templates"


class Renderer:
    """Everything shared by all clients of one build: templates, assets, content pages.

    Per client, :meth:`client_files` renders her folder. Encryption (``encrypt.py``) sees only
    the narrow part it needs: :attr:`shared_names`, :meth:`locked_page`, :meth:`template_file`;
    the service worker is written last, once, for the files actually published.
    """

    def __init__(
        self,
        workspace: Workspace,
        stamp: datetime | None = None,
        bytecode_dir: Path | None = None,
    ) -> None:
        """``stamp`` is the build's timestamp for calendar DTSTAMPs (from SOURCE_DATE_EPOCH);
        ``bytecode_dir`` keeps compiled templates between builds (a one-client rebuild would
        otherwise spend half its time compiling them)."""
        self.workspace = workspace
        self.stamp = stamp
        self.content: Content = workspace.content
        self._cards: dict[tuple[Any, ...], Any] = {}
        self._client_once: dict[str, Any] = {}
        self._shared_pages: dict[tuple[str, ...], bytes] = {}
        self._shared_ids: dict[int, bytes] = {}
        self._template_files: dict[str, bytes] = {}
        own = workspace.root / "templates"
        self._folders = (own, default_templates()) if own.is_dir() else (default_templates(),)
        self.own_templates = own if own.is_dir() else None
        self._env = self._environment(bytecode_dir)
        with self.template_errors():
            self._templates = {
                name: self._env.get_template(f"{name}.html") for name in PAGE_TEMPLATES
            }
            self._manifest_template = self._env.get_template("manifest.webmanifest")
            self._sw_template = self._env.get_template("sw.js")
            self._assets = {path: self.template_file(path) for path in ASSETS}
        self._media = {rel: self._share(self._media_file(rel)) for rel in self.content.media}
        self.shared_names: frozenset[str] = frozenset(self._assets) | frozenset(self._media)
        """Files that are the same for every client (assets, media): never encrypted."""
        self.pages = [p for p in self.content.pages if p.id not in RESERVED_PAGE_IDS]
        self.symptom_groups = symptom_groups(self.content.protocol)

    def _environment(self, bytecode_dir: Path | None) -> Environment:
        env = Environment(
            loader=ChoiceLoader(
                [
                    _OwnTemplates(str(f)) if f == self.own_templates else FileSystemLoader(str(f))
                    for f in self._folders
                ]
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
        )
        # Filters compile to direct calls; a global called as a function goes through Jinja's
        # context.call, several times dearer, so the pieces written on every day use filters.
        env.filters.update(
            day=short_day,
            long_date=long_date,
            short_date=short_date,
            duration=duration,
            iso=iso,
            time_tag=time_tag,
            week_file=week_file,
            mark=mark,
            kind_label=kind_label,
        )
        env.globals.update(
            site=self.content.site,
            kind_labels=KIND_LABELS,
            kind_icons=KIND_ICONS,
            decision_labels=DECISION_LABELS,
            csp=CSP,
            version=__version__,
            week_file=week_file,
            exercise_file=exercise_file,
            shared_card=self._shared_card,
            once=self._once,
            time_tag=time_tag,
            mark=mark,
            kind_label=kind_label,
            segments_json=segments_json,
            part_seconds=part_seconds,
            coach_links=coach_links(self.content.site),
        )
        return env

    # ------------------------------------------------------------------ for encrypt.py

    def template_file(self, rel: str) -> bytes:
        """A static file from the templates (the workspace's own first), read once per build
        and shared by every client."""
        data = self._template_files.get(rel)
        if data is None:
            for folder in self._folders:
                path = folder / rel
                if folder == self.own_templates and (path.exists() or path.is_symlink()):
                    raw = _read_input(path, f"templates/{rel}", MAX_MEDIA_BYTES)
                    data = self._template_files[rel] = self._share(raw)
                    return data
                if path.is_file():
                    data = self._template_files[rel] = self._share(path.read_bytes())
                    return data
            raise FileNotFoundError(rel)
        return data

    def locked_page(self, context: Mapping[str, Any]) -> bytes:
        """The locked shell page of a protected client (``locked.html``)."""
        with self.template_errors():
            return self._env.get_template("locked.html").render(context).encode("utf-8")

    def _media_file(self, rel: str) -> bytes:
        return _read_input(self.workspace.root / "content" / rel, f"content/{rel}", MAX_MEDIA_BYTES)

    @contextmanager
    def template_errors(self) -> Iterator[None]:
        """Turn an error raised inside a template into a problem naming the template file and
        line (the coach's own templates/ overrides are her files to fix)."""
        try:
            yield
        except PostrunError:
            raise
        except Exception as exc:
            problem = template_problem(exc, self.own_templates, self._env)
            if problem is None:
                raise
            raise PostrunError(problem) from None

    # ------------------------------------------------------------------ the site root

    def root_files(self) -> dict[str, bytes]:
        ctx: dict[str, Any] = {
            "nav": [],
            "page_title": self.content.site.practice,
            "client": None,
            "current": "",
        }
        return {
            "index.html": self._html("root", ctx),
            "404.html": self._html("404", {**ctx, "page_title": "Page not found"}),
            "robots.txt": b"User-agent: *\nDisallow: /\n",
            ".nojekyll": b"",
        }

    # ------------------------------------------------------------------ one client

    def client_files(self, plan: Plan, passphrase: str | None = None) -> dict[str, bytes]:
        """Every file of one client's folder, relative to ``site/<slug>/``; with a
        ``passphrase``, as published when protected (see ``encrypt.py``)."""
        self._client_once.clear()
        base = self._base(plan)
        files = {"index.html": self._overview(plan, base)}
        files.update(self._weeks(plan, base))
        files.update(self._exercises(plan, base))
        files["readiness.html"] = self._readiness(plan, base)
        files["calendar.html"] = self._calendar(plan, base)
        files["offline.html"] = self._html(
            "offline", {**base, "page_title": "You are offline", "current": ""}
        )
        for page in self.pages:
            files[f"{page.id}.html"] = self._shared_html(
                ("page", page.id, plan.profile.level),
                "page",
                {**base, "page_title": page.title, "current": f"{page.id}.html", "page": page},
            )
        week_of = {d.date: week_file(w.number) for w in plan.weeks for d in w.days}
        files["calendar.ics"] = calendar_ics(plan, self.content.site, self.stamp, week_of)
        files["plan.json"] = plan_json_bytes(plan)
        files["manifest.webmanifest"] = self._manifest_template.render(base).encode("utf-8")
        files.update(self._assets)
        for ex_id in plan.exercise_ids:
            image = self.content.exercises[ex_id].image
            if image is not None:
                files[image] = self._media[image]
        slug = plan.profile.slug
        if passphrase is not None:
            from .encrypt import encrypt_client

            files = encrypt_client(files, passphrase, slug, self)
        files["sw.js"] = self.service_worker(files, slug)
        return files

    def service_worker(self, files: Mapping[str, bytes], slug: str) -> bytes:
        """sw.js precaching these files, under a cache name that changes with their bytes."""
        precache = sorted(files)
        context = {
            "client": {"slug": slug},
            "precache": precache,
            "cache_name": cache_name(slug, files),
        }
        return self._sw_template.render(context).encode("utf-8")

    def _base(self, plan: Plan) -> dict[str, Any]:
        """The context every page of hers shares."""
        return {
            "plan": plan,
            "client": plan.profile,
            "nav": [
                Link("index.html", "Overview"),
                Link("calendar.html", "Calendar"),
                Link("readiness.html", "Readiness"),
                *(Link(f"{p.id}.html", p.title) for p in self.pages),
            ],
            "weeks": plan.weeks,
            "pages": self.pages,
            "exercises": self.content.exercises,
            "plan_id": plan_id(plan),
            "day_hrefs": {
                d.date: f"{week_file(w.number)}#d{d.date.isoformat()}"
                for w in plan.weeks
                for d in w.days
            },
            "symptom_groups": self.symptom_groups,
            "symptom_labels": {s.id: s.label for g in self.symptom_groups for s in g.symptoms},
            "symptom_kinds": {s.id: g.kind for g in self.symptom_groups for s in g.symptoms},
            "session_time": clock(plan.profile.session_time),
            "stop_labels": {s.id: s.label for s in self.content.protocol.stop_symptoms},
            "has_safety": any(p.id == "safety" for p in self.pages),
        }

    def _overview(self, plan: Plan, base: dict[str, Any]) -> bytes:
        last = self.content.protocol.stages[-1]
        return self._html(
            "overview",
            {
                **base,
                "page_title": "Overview",
                "current": "index.html",
                "key_dates": key_dates(plan, f"First {duration(last.main_seconds)} continuous jog"),
                "chart": progress_chart(plan),
            },
        )

    def _weeks(self, plan: Plan, base: dict[str, Any]) -> dict[str, bytes]:
        weeks = plan.weeks
        return {
            week_file(week.number): self._html(
                "week",
                {
                    **base,
                    "page_title": f"Week {week.number}",
                    "current": "",
                    "week": week,
                    "prev_week": weeks[week.number - 2] if week.number > 1 else None,
                    "next_week": weeks[week.number] if week.number < len(weeks) else None,
                },
            )
            for week in weeks
        }

    def _exercises(self, plan: Plan, base: dict[str, Any]) -> dict[str, bytes]:
        level = plan.profile.level
        other_level = "intermediate" if level == "beginner" else "beginner"
        files: dict[str, bytes] = {}
        for ex_id in plan.exercise_ids:
            exercise = self.content.exercises[ex_id]
            files[exercise_file(ex_id)] = self._shared_html(
                ("exercise", ex_id, level),
                "exercise",
                {
                    **base,
                    "page_title": exercise.title,
                    "current": "",
                    "exercise": exercise,
                    "mine": exercise.variant(level),
                    "other": other_variant(exercise, other_level),
                },
            )
        return files

    def _readiness(self, plan: Plan, base: dict[str, Any]) -> bytes:
        return self._html(
            "readiness",
            {
                **base,
                "page_title": "Readiness checklist",
                "current": "readiness.html",
                "readiness_session": next(
                    (s for s in plan.sessions if s.kind == "readiness"), None
                ),
                "first_run": next((s for s in plan.sessions if s.kind == "run_walk"), None),
            },
        )

    def _calendar(self, plan: Plan, base: dict[str, Any]) -> bytes:
        return self._html(
            "calendar",
            {
                **base,
                "page_title": "Calendar",
                "current": "calendar.html",
                "months": list(months(plan)),
                "listed": [s for s in plan.sessions if s.kind != "rest"],
                # A protected calendar is downloaded after unlocking, never subscribed to.
                "webcal_url": None
                if plan.profile.passphrase_env
                else webcal_url(self.content.site.base_url, plan.profile.slug),
            },
        )

    # ------------------------------------------------------------------ shared bytes

    def is_shared(self, data: bytes) -> bool:
        """Whether these bytes are one of the build's shared files (the same object for every
        client: assets, media, exercise and guide pages), so a writer may link, not copy."""
        return self._shared_ids.get(id(data)) is data

    def _share(self, data: bytes) -> bytes:
        self._shared_ids[id(data)] = data
        return data

    def _shared_card(
        self, session: Session, card: Any, level: int = 3, variant: str = ""
    ) -> Any:
        """A session card that is the same for every client (strength, readiness, rest): made
        once per build and reused; run/walk cards carry her dates and log, so are made each
        time. ``card`` is the template's own macro, so overriding the template still works;
        ``variant`` is anything else of hers the card shows (her session time)."""
        if session.kind == "run_walk":
            return card(session, level)
        key = (session.kind, session.exercises, session.summary, session.notice,
               session.reason, level, variant)
        html = self._cards.get(key)
        if html is None:
            html = self._cards[key] = card(session, level)
        return html

    def _once(self, macro: Any) -> Any:
        """A macro that shows only what every page of hers shares (her plan's id, her name, the
        practice), e.g. the symptom form on each week page: made once per client and reused.
        ``macro`` is the template's own, so overriding the template still works."""
        html = self._client_once.get(macro.name)
        if html is None:
            html = self._client_once[macro.name] = macro()
        return html

    def _shared_html(self, key: tuple[str, ...], name: str, context: dict[str, Any]) -> bytes:
        """A page that is the same for every client at her level (an exercise, a guide): made
        once per build. It must not show her name, so the layout says "Your plan" there."""
        page = self._shared_pages.get(key)
        if page is None:
            page = self._html(name, {**context, "shared": True})
            self._shared_pages[key] = self._share(page)
        return page

    def _html(self, name: str, context: dict[str, Any]) -> bytes:
        with self.template_errors():
            return self._templates[name].render(context).encode("utf-8")


def check_templates(workspace: Workspace, sample: Plan | None) -> list[Problem]:
    """Problems in the coach's template overrides, as a build would meet them: every .html
    template compiled, the root pages and one client's pages (``sample``) rendered in memory."""
    try:
        renderer = Renderer(workspace)
        own = renderer.own_templates
        with renderer.template_errors():
            if own is not None:
                for path in sorted(own.rglob("*.html")):
                    renderer._env.get_template(path.relative_to(own).as_posix())
            renderer.root_files()
            if sample is not None:
                renderer.client_files(sample)
    except PostrunError as exc:
        return list(exc.problems)
    return []


class _OwnTemplates(FileSystemLoader):
    """The coach's templates/ folder, read through the guarded way in: a template that is a
    folder, a pipe or a link out of the workspace is a problem, not a hang or a leak."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        folder = Path(self.searchpath[0])
        path = folder.joinpath(*split_template_path(template))
        if not os.path.lexists(path):
            raise TemplateNotFound(template)
        rel = f"templates/{template}"
        raw = _read_input(path, rel, MAX_FILE_BYTES)
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


def _read_input(path: Path, rel: str, limit: int) -> bytes:
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
    shipped = default_templates()
    file: str | None = None
    line: int | None = None
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        file, line = exc.filename, exc.lineno
    elif isinstance(exc, TemplateSyntaxError):
        # Some lexer errors carry no file name: find the template that does not compile.
        file, line = _unparsable(own, env)
    else:
        for frame in traceback.extract_tb(exc.__traceback__, limit=-400):
            if _under(frame.filename, own) or _under(frame.filename, shipped):
                file, line = frame.filename, frame.lineno
    if isinstance(exc, TemplateNotFound):
        what = f"the template {cut(str(exc.name), 80)!r} does not exist"
        hint = "check the name in {% extends %} / {% include %} / {% import %}"
    elif isinstance(exc, RecursionError):
        what = "the templates include or extend each other in a loop"
        hint = "a template must not extend or include itself"
    elif isinstance(exc, TemplateSyntaxError):
        what = f"template syntax error: {cut(exc.message or str(exc), 200)}"
        hint = "check the {% … %} and {{ … }} tags on this line"
    elif isinstance(exc, UndefinedError):
        what = f"the template uses something that does not exist: {cut(str(exc), 200)}"
        hint = "compare with postrun's own template of that name for the names you can use"
    else:
        what = f"the template failed: {type(exc).__name__}: {cut(str(exc), 200)}"
        hint = "fix this line of your template, or delete the file to use postrun's own"
    if file is None:
        return None
    if _under(file, own):
        rel = "templates/" + Path(file).resolve().relative_to(own.resolve()).as_posix()
    else:
        rel = f"postrun's own template {Path(file).name} (used by your templates/)"
    return Problem(rel, line, None, what, hint)


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


def cache_name(slug: str, files: Mapping[str, bytes]) -> str:
    """The service worker's cache name: a digest of every file's name and bytes, so a rebuild
    (or a new passphrase) replaces the copies on her phone."""
    digest = hashlib.sha256()
    for name in sorted(files):
        data = files[name]
        digest.update(b"%d:%s\0%d:" % (len(name), name.encode("utf-8"), len(data)) + data)
    return f"postrun-{slug}-{digest.hexdigest()[:16]}"
