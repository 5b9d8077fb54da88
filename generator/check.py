"""The check verb: every problem in the workspace, and the warnings a coach should see.

Loading finds what is wrong with each file on its own; this module adds what only shows once
the plans are made, or once the files are seen together with the machine they are built on:
a plan that ended or started long ago, a goal the plan cannot reach, an open hold, a missing
passphrase variable, and the example client or placeholder practice left from ``postrun init``.
Every warning speaks to the coach (never to the client) and points at a line.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import msgspec

from .errors import PostrunError, Problem, Problems
from .load import load_workspace, read_mapping, stale_start
from .models import Content, Hold, Plan, Profile, ProfileRef, Stop, Workspace
from .plan import plan as make_plan
from .yamltree import YList, YMap

EXAMPLE_STEM = "sam-rivera"
EXAMPLE_NAME = "Sam Rivera"
MIN_PASSPHRASE = 8


class CheckReport(msgspec.Struct, frozen=True):
    workspace: Workspace
    warnings: tuple[Problem, ...]

    def summary(self) -> str:
        clients = len(self.workspace.profiles)
        warnings = len(self.warnings)
        return (
            f"All good: {clients} client{'s' if clients != 1 else ''}, "
            f"{len(self.workspace.content.exercises)} exercises, "
            f"{warnings} warning{'s' if warnings != 1 else ''}."
        )


def check(root: Path, today: date, strict: bool = False) -> CheckReport:
    """Load and check everything; raise one PostrunError with every error (and, with
    ``strict``, every warning as an error)."""
    workspace, loaded = load_workspace(root)
    found = Problems()
    found.extend(loaded)
    found.extend(passphrase_problems(root, workspace.refs))
    protocol = workspace.content.protocol
    for profile in workspace.profiles:
        lines = FieldLines(root, profile.file)
        found.extend(plan_warnings(make_plan(profile, protocol, workspace.content), today, lines))
    found.extend(leftovers(root, workspace.profiles))
    found.extend(translation_warnings(workspace.content, workspace.profiles))
    from .render import check_templates

    sample = (
        make_plan(workspace.profiles[0], protocol, workspace.content)
        if workspace.profiles
        else None
    )
    found.extend(check_templates(workspace, sample))
    if found.errors:
        raise PostrunError(list(found))
    if strict and found.warnings:
        raise PostrunError(
            [Problem(p.file, p.line, p.field, p.message, p.hint) for p in found.warnings]
        )
    return CheckReport(workspace, tuple(found.warnings))


class FieldLines:
    """Where a profile's fields are (read again only when a warning needs a line)."""

    def __init__(self, root: Path, rel: str) -> None:
        self.root, self.rel = root, rel
        self._data: YMap | None = None
        self._read = False

    @property
    def data(self) -> YMap | None:
        if not self._read:
            self._read = True
            self._data = read_mapping(self.root / self.rel, self.rel, Problems())
        return self._data

    def of(self, *keys: str) -> int | None:
        """The line of the first of ``keys`` the file has."""
        data = self.data
        if data is None:
            return None
        for key in keys:
            if key in data.key_lines:
                return data.key_lines[key]
        return None

    def check_in(self, day: date) -> int | None:
        """The line of the check-in logged on ``day``."""
        data = self.data
        items = data.get("check_ins") if data is not None else None
        if isinstance(items, YList):
            for item, line in zip(items, items.item_lines, strict=False):
                if isinstance(item, dict) and item.get("date") == day:
                    return line
        return self.of("check_ins")


def plan_warnings(
    client_plan: Plan,
    today: date,
    lines: FieldLines | None = None,
) -> list[Problem]:
    """What the coach should know about one client's plan as of ``today``."""
    profile = client_plan.profile
    at = lines
    found: list[Problem] = []

    def warn(keys: tuple[str, ...], field: str, message: str, hint: str,
             line: int | None = None) -> None:
        if line is None and at is not None:
            line = at.of(*keys)
        found.append(Problem(profile.file, line, field, message, hint, "warning"))

    start_line = at.of("start_date", "clearance_date") if at is not None else None
    if client_plan.end < today:
        warn(("start_date", "clearance_date"), "start_date",
             f"her plan ended on {client_plan.end} (it started {client_plan.start})",
             "log a check-in or set a later goal to extend it, or remove her profile",
             start_line)
    else:
        stale = stale_start(profile, today, start_line)
        if stale is not None:
            found.append(stale)
    # The plan says itself what the coach should know of it (a hold or stop still open, a goal
    # too soon or long after, a plan cut at its longest, a caesarean with no healed date).
    spans: list[Hold | Stop] = [*client_plan.stops, *client_plan.holds]
    open_span = next((s for s in spans if s.end is None), None)
    for note in client_plan.notes:
        line = None
        if at is not None and note.id in ("held", "stopped") and open_span is not None:
            line = at.check_in(open_span.start)
        warn((note.field, *note.near), note.field, note.coach, note.hint, line)
    return found


def passphrase_problems(root: Path, refs: Iterable[ProfileRef]) -> list[Problem]:
    """A protected client whose passphrase variable is unset (or too short) cannot be built."""
    found: list[Problem] = []
    for ref in refs:
        name = ref.passphrase_env
        if name is None:
            continue
        line = FieldLines(root, ref.file).of("passphrase_env")
        value = os.environ.get(name, "")
        if not value:
            found.append(Problem(
                ref.file, line, "passphrase_env",
                f"the environment variable {name} is not set, so her site cannot be built",
                f"set it in this terminal before building, e.g. `export {name}='…'`; "
                "postrun never stores it",
            ))
        elif len(value) < MIN_PASSPHRASE:
            found.append(Problem(
                ref.file, line, "passphrase_env",
                f"the passphrase in {name} is shorter than {MIN_PASSPHRASE} characters",
                "use four or more random words, e.g. 'maple tide orbit kettle'",
            ))
    return found


def leftovers(root: Path, profiles: Iterable[Profile]) -> list[Problem]:
    """The example client and the placeholder practice and coach of ``postrun init``: they
    would be published with the coach's real clients."""
    from .scaffold import defaults_dir

    found: list[Problem] = []
    for profile in profiles:
        if Path(profile.file).stem == EXAMPLE_STEM and profile.name == EXAMPLE_NAME:
            found.append(Problem(
                profile.file, FieldLines(root, profile.file).of("name"), "name",
                f"{EXAMPLE_NAME} is the example client from `postrun init`: her site would be "
                "built and published with your clients'",
                f"delete {profile.file} once you have added a client of your own",
                "warning",
            ))
    site_file = "content/site.yaml"
    defaults = read_mapping(defaults_dir() / site_file, site_file, Problems())
    mine = read_mapping(root / site_file, site_file, Problems())
    if defaults is not None and mine is not None:
        for key, what in (("practice", "practice name"), ("coach", "coach's name")):
            if mine.get(key) and mine.get(key) == defaults.get(key):
                found.append(Problem(
                    site_file, mine.key_lines.get(key), key,
                    f"“{mine[key]}” is the example {what} from `postrun init`: every client "
                    "would see it on every page",
                    f"write your own {what} in {site_file}",
                    "warning",
                ))
    return found


def translation_warnings(content: Content, profiles: Iterable[Profile]) -> list[Problem]:
    """Content with no version in a language her clients read (issue #17): per language in
    use, the exercises and pages without a file of their own in it and the protocol's words
    left untranslated, counted. The files without a language in their name are taken to be in
    the practice's language, unless some files have a version in it too."""
    from .i18n import base_language, client_language
    from .load.translations import language_name, protocol_text_names

    readers: dict[str, list[str]] = {}
    for profile in profiles:
        lang = base_language(client_language(profile, content.site))
        readers.setdefault(lang, []).append(profile.name)
    practice = base_language(content.site.language)
    found: list[Problem] = []
    for lang in sorted(readers):
        translation = content.translations.get(lang)
        if translation is None and lang == practice:
            continue
        name = language_name(lang)
        who = ("client " if len(readers[lang]) == 1 else "clients ") + _names(readers[lang])
        has_ex = translation.exercises if translation else frozenset()
        has_pages = translation.pages if translation else frozenset()
        exercises = sorted(set(content.exercises) - has_ex)
        pages = sorted(p.id for p in content.pages if p.id not in has_pages)
        if exercises or pages:
            counted = " and ".join(
                f"{len(ids)} of {total} {what}"
                for ids, total, what in (
                    (exercises, len(content.exercises), "exercises"),
                    (pages, len(content.pages), "pages"),
                )
                if ids
            )
            verb = "has" if len(exercises) + len(pages) == 1 else "have"
            example = (
                f"content/exercises/{exercises[0]}.{lang}.md" if exercises
                else f"content/pages/{pages[0]}.{lang}.md"
            )
            found.append(Problem(
                "content/exercises/" if exercises else "content/pages/", None, None,
                f"{counted} {verb} no {name} version ({_names([*exercises, *pages], 6)}); "
                f"{who} {_use(readers[lang])} {name}, so they read these in the default "
                "language",
                f"add {example}: a copy of the file without `.{lang}`, with its words in "
                f"{name} (the same dose)",
                "warning",
            ))
        if translation is not None and translation.protocol_file:
            missing = list(translation.protocol_missing)
        else:
            missing = protocol_text_names(content.protocol, content.exercises)
        if missing:
            total = len(protocol_text_names(content.protocol, content.exercises))
            rel = f"content/protocol.{lang}.yaml"
            where = (
                f"{rel} leaves {len(missing)} of {total} of the protocol's texts in the "
                f"default language ({_names(missing, 4)})"
                if translation is not None and translation.protocol_file
                else f"there is no {rel}, so the protocol's {total} texts (phase titles, "
                "symptoms, readiness targets …) stay in the default language"
            )
            found.append(Problem(
                rel, None, None, f"{where}; {who} {_use(readers[lang])} {name}",
                f"give each in {name} under its id, as in the shipped content/protocol.de.yaml "
                "(README: Content in other languages)",
                "warning",
            ))
    return found


def _names(items: list[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _use(readers: list[str]) -> str:
    return "uses" if len(readers) == 1 else "use"
