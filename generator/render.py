"""Render stage: a Plan (and the shared content) -> {relative path: bytes}.

Templates are compiled once and static assets read once per :class:`Renderer`; per client only
her pages are rendered. Templates only show what the plan computed: anything a template needs
beyond plain fields is prepared as view data (``views``, ``pagedata``), never rules.

The job is shared out: ``templating`` holds the Jinja2 environment, its filters and template
errors; ``sharedbytes`` the registry of files, pages and cards shared by every client;
``pagedata`` the context of each of her pages. This module puts them together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
from jinja2 import Environment, Template

from . import __version__
from .errors import PostrunError, Problem
from .i18n import (
    DEFAULT_LANGUAGE,
    Words,
    base_language,
    catalog_digest,
    client_language,
    script_words,
)
from .ical import calendar_ics
from .jinja_codegen import CODEGEN_VERSION
from .load.read import MAX_MEDIA_BYTES
from .models import Content, Page, Plan, Profile, Workspace
from .pagedata import (
    base_context,
    calendar_context,
    exercise_contexts,
    guide_contexts,
    overview_context,
    readiness_context,
    week_contexts,
)
from .planjson import plan_json, plan_json_bytes
from .sharedbytes import SharedBytes
from .templating import (
    default_templates,
    guarded_read,
    make_environment,
    template_errors,
    template_problem,
)
from .views import (
    Local,
    coach_links,
    exercise_file,
    local,
    part_seconds,
    segments_json,
    symptom_groups,
    week_file,
)

__all__ = [
    "CSP",
    "Renderer",
    "cache_name",
    "check_templates",
    "default_templates",
    "plan_json",
    "plan_json_bytes",
    "template_problem",
]
ASSETS = ("assets/style.css", "assets/app.js", "assets/icon.svg")
WORDS_JS = "assets/words.js"
"""The scripts' words in her language (not written for English)."""
SCRIPTS = ("assets/app.js", "assets/unlock.js")
"""The scripts whose messages (``t("…")``, ``tn("…", "…", n)``) words.js translates."""
RESERVED_PAGE_IDS = frozenset({"index", "readiness", "calendar", "plan", "404", "offline"})
PAGE_TEMPLATES = (
    "overview", "week", "offline", "exercise", "readiness", "calendar", "page", "root", "404"
)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; base-uri 'none'; "
    "form-action 'none'"
)


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
        self.shared = SharedBytes()
        self._client_once: dict[str, Any] = {}
        self._template_files: dict[str, bytes] = {}
        own = workspace.root / "templates"
        self._folders = (own, default_templates()) if own.is_dir() else (default_templates(),)
        self.own_templates = own if own.is_dir() else None
        self._bytecode_dir = bytecode_dir
        self._languages: dict[str, _Language] = {}
        self._compiling: Environment | None = None
        self._js_messages: list[str | tuple[str, str]] | None = None
        self._lang = self._language(self.content.site.language)
        """The language of the pages being written (the site's, then each client's)."""
        with self.template_errors():
            self._sw_template = self._env.get_template("sw.js")
            self._assets = {path: self.template_file(path) for path in ASSETS}
        self._media = {
            rel: self.shared.share(self._media_file(rel)) for rel in self.content.media
        }
        self.shared_names: frozenset[str] = (
            frozenset(self._assets) | frozenset(self._media) | {WORDS_JS}
        )
        """Files that are the same for every client (assets, media): never encrypted."""
        self.pages = [p for p in self.content.pages if p.id not in RESERVED_PAGE_IDS]
        self.symptom_groups = symptom_groups(self.content.protocol)
        self._contents: dict[str, LocalContent] = {}

    def in_language(self, profile: Profile) -> LocalContent:
        """Her language's content (``ID.de.md``, ``protocol.de.yaml`` where there are some, the
        default files otherwise), guide pages and symptom groups: made once per language."""
        language = base_language(client_language(profile, self.content.site))
        found = self._contents.get(language)
        if found is None:
            content = self.content.for_language(language)
            pages = [p for p in content.pages if p.id not in RESERVED_PAGE_IDS]
            found = LocalContent(content, pages, symptom_groups(content.protocol))
            self._contents[language] = found
        return found

    def _globals(self, tag: str) -> dict[str, Any]:
        """What every template sees besides its page's own context (and the words of its
        language, :func:`.templating.make_environment`)."""
        return dict(
            site=self.content.site,
            csp=CSP,
            version=__version__,
            week_file=week_file,
            coach_links=coach_links(self.content.site),
            **self._filters(tag),  # also callable as functions, as older templates do
        )

    def _filters(self, tag: str) -> dict[str, Any]:
        """Helpers the templates use on every page, as filters (a filter is a direct call; a
        global called as a function goes through Jinja's context.call, several times dearer):
        ``session|shared_card(m.session_card, 3, session_time)``, ``m.symptom_form|once``,
        ``session.segments|segments_json``, ``segments|part_seconds("warm_up")``,
        ``id|exercise_file``. The globals of the same names stay for older templates."""
        return dict(
            shared_card=partial(self.shared.card, lang=tag),
            once=self._once,
            segments_json=segments_json,
            part_seconds=part_seconds,
            exercise_file=exercise_file,
        )

    # ------------------------------------------------------------------ languages

    @property
    def _env(self) -> Environment:
        """The Environment in use (the one being compiled, else the current language's)."""
        return self._compiling or self._lang.env

    def _language(self, tag: str) -> _Language:
        """The compiled templates of one language (made on first use, once per build): each
        language has its own Environment, its messages folded in when compiled."""
        found = self._languages.get(tag)
        if found is None:
            view = local(tag)
            cache = None
            if self._bytecode_dir is not None:
                cache = self._bytecode_dir / f"{tag}-{catalog_digest()}-{CODEGEN_VERSION}"
            env = self._compiling = make_environment(
                self._folders, self.own_templates, cache, self._globals(tag), view,
                self._filters(tag),
            )
            try:
                with self.template_errors():
                    templates = {
                        name: env.get_template(f"{name}.html") for name in PAGE_TEMPLATES
                    }
                    manifest = env.get_template("manifest.webmanifest")
            finally:
                self._compiling = None
            words_js = None
            if tag != DEFAULT_LANGUAGE:  # English is the scripts' own: nothing to extract
                words_js = script_words(tag, self._script_messages())
            if words_js is not None:
                words_js = self.shared.share(words_js)
            found = self._languages[tag] = _Language(
                tag, view, env, templates, manifest, words_js
            )
        return found

    def speaks(self, profile: Profile) -> Words:
        """Her language's words (for her plan's sentences): the profile's, else the site's."""
        return self._language(client_language(profile, self.content.site)).view.words

    def _script_messages(self) -> list[str | tuple[str, str]]:
        """The messages of the scripts (as ``pybabel extract`` finds them), once per build."""
        if self._js_messages is None:
            from babel.messages.extract import extract

            found: dict[str | tuple[str, str], None] = {}
            for rel in SCRIPTS:
                source = BytesIO(self.template_file(rel))
                for _line, message, _comments, _context in extract(
                    "javascript", source, keywords={"t": None, "tn": (1, 2)}
                ):
                    if isinstance(message, str):
                        found[message] = None
                    else:
                        found[(str(message[0]), str(message[1]))] = None
            self._js_messages = list(found)
        return self._js_messages

    # ------------------------------------------------------------------ for encrypt.py

    def template_file(self, rel: str) -> bytes:
        """A static file from the templates (the workspace's own first), read once per build
        and shared by every client."""
        data = self._template_files.get(rel)
        if data is None:
            for folder in self._folders:
                path = folder / rel
                if folder == self.own_templates and (path.exists() or path.is_symlink()):
                    raw = guarded_read(path, f"templates/{rel}", MAX_MEDIA_BYTES)
                    data = self._template_files[rel] = self.shared.share(raw)
                    return data
                if path.is_file():
                    data = self._template_files[rel] = self.shared.share(path.read_bytes())
                    return data
            raise FileNotFoundError(rel)
        return data

    def locked_page(self, context: Mapping[str, Any]) -> bytes:
        """The locked shell page of a protected client (``locked.html``)."""
        with self.template_errors():
            return self._env.get_template("locked.html").render(context).encode("utf-8")

    def _media_file(self, rel: str) -> bytes:
        path = self.workspace.root / "content" / rel
        return guarded_read(path, f"content/{rel}", MAX_MEDIA_BYTES)

    @contextmanager
    def template_errors(self) -> Iterator[None]:
        """Turn an error raised inside a template into a problem naming the template file and
        line (the coach's own templates/ overrides are her files to fix)."""
        with template_errors(self.own_templates, self._env):
            yield

    # ------------------------------------------------------------------ the site root

    def root_files(self) -> dict[str, bytes]:
        self._lang = self._language(self.content.site.language)
        _ = self._lang.view.words.gettext
        ctx: dict[str, Any] = {
            "nav": [],
            "page_title": self.content.site.practice,
            "client": None,
            "current": "",
        }
        return {
            "index.html": self._html("root", ctx),
            "404.html": self._html("404", {**ctx, "page_title": _("Page not found")}),
            "robots.txt": b"User-agent: *\nDisallow: /\n",
            ".nojekyll": b"",
        }

    # ------------------------------------------------------------------ one client

    def client_files(self, plan: Plan, passphrase: str | None = None) -> dict[str, bytes]:
        """Every file of one client's folder, relative to ``site/<slug>/``; with a
        ``passphrase``, as published when protected (see ``encrypt.py``)."""
        self._client_once.clear()
        self.shared.next_client((plan.profile.level,))
        lang = self._lang = self._language(client_language(plan.profile, self.content.site))
        words = lang.view.words
        mine = self.in_language(plan.profile)
        content = mine.content
        base = base_context(plan, content, mine.pages, mine.symptom_groups, lang.view)
        files = {"index.html": self._html("overview", overview_context(plan, base, content))}
        for name, context in week_contexts(plan, base):
            files[name] = self._html("week", context)
        for name, key, context in exercise_contexts(plan, base, content):
            files[name] = self._shared_html(key, "exercise", context)
        files["readiness.html"] = self._html("readiness", readiness_context(plan, base))
        files["calendar.html"] = self._html("calendar", calendar_context(plan, base, content.site))
        files["offline.html"] = self._html(
            "offline", {**base, "page_title": words.gettext("You are offline"), "current": ""}
        )
        for name, key, context in guide_contexts(plan, base, mine.pages):
            files[name] = self._shared_html(key, "page", context)
        week_of = {d.date: week_file(w.number) for w in plan.weeks for d in w.days}
        files["calendar.ics"] = calendar_ics(plan, self.content.site, self.stamp, week_of, words)
        files["plan.json"] = plan_json_bytes(plan)
        files["manifest.webmanifest"] = lang.manifest.render(base).encode("utf-8")
        files.update(self._assets)
        if lang.words_js is not None:
            files[WORDS_JS] = lang.words_js
        for ex_id in plan.exercise_ids:
            image = content.exercises[ex_id].image
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

    # ------------------------------------------------------------------ shared bytes

    def is_shared(self, data: bytes) -> bool:
        """Whether these bytes are one of the build's shared files (the same object for every
        client: assets, media, exercise and guide pages), so a writer may link, not copy."""
        return self.shared.is_shared(data)

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
        return self.shared.page(key, lambda: self._html(name, {**context, "shared": True}))

    def _html(self, name: str, context: dict[str, Any]) -> bytes:
        with self.template_errors():
            return self._lang.templates[name].render(context).encode("utf-8")


class LocalContent(NamedTuple):
    """What one language's clients read: the content in it, its guide pages, its signs."""

    content: Content
    pages: list[Page]
    symptom_groups: Any


class _Language(msgspec.Struct, frozen=True):
    """One language's compiled templates and view pieces, within one build."""

    tag: str
    view: Local
    env: Environment
    templates: dict[str, Template]
    manifest: Template
    words_js: bytes | None
    """``assets/words.js`` (None for English)."""


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


def cache_name(slug: str, files: Mapping[str, bytes]) -> str:
    """The service worker's cache name: a digest of every file's name and bytes, so a rebuild
    (or a new passphrase) replaces the copies on her phone."""
    digest = hashlib.sha256()
    for name in sorted(files):
        data = files[name]
        digest.update(b"%d:%s\0%d:" % (len(name), name.encode("utf-8"), len(data)) + data)
    return f"postrun-{slug}-{digest.hexdigest()[:16]}"
