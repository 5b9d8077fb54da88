"""The coach's content in more languages (Hugo's convention): ``content/exercises/ID.LANG.md``
and ``content/pages/NAME.LANG.md`` take the place of ``ID.md`` / ``NAME.md`` for clients of
that language, and ``content/protocol.LANG.yaml`` gives the protocol's words (phase titles and
summaries, symptom labels, the rest-day suggestion, readiness targets) in it.

Every file is read once per build. For each language that has any file of its own, one
complete :class:`~generator.models.Content` is made here (the default file wherever there is
no translation), so choosing a client's content is a lookup
(:meth:`~generator.models.Content.for_language`), whatever the number of clients.

A translation changes words only: an exercise's category and dose, and every number of the
protocol, are those of the default files; a translation that differs, or a protocol text file
with a number or an id protocol.yaml does not have, is an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import msgspec
from msgspec.structs import replace

from ..errors import Problems, did_you_mean
from ..i18n import LANGUAGES
from ..models import Content, Exercise, Page, Protocol, ReadinessTest, Symptom, Translation
from ..yamltree import YMap
from .exercises import read_exercise
from .fields import SLUG_RE, Fields
from .markup import MarkdownRenderer
from .pages import read_page
from .read import read_mapping, read_text, split_front_matter
from .schema import PROTOCOL, PROTOCOL_TEXTS

WORDS_ONLY = (
    "a translation gives the protocol's words only: its numbers and ids stay in "
    "content/protocol.yaml and hold for every language"
)
SAME_DOSE = (
    "a translation changes words only: write the same {what} as {base} (to change it, "
    "change both files)"
)


_EXAMPLE = {"exercise": "dead-bug", "page": "tips"}


class _Language(msgspec.Struct):
    """What the files of one language give, before they are put together."""

    exercises: dict[str, Exercise] = msgspec.field(default_factory=dict)
    pages: dict[str, Page] = msgspec.field(default_factory=dict)
    texts: dict[str, str] = msgspec.field(default_factory=dict)
    """The protocol's words by dotted name, e.g. ``phases.core.title``."""
    protocol_file: str = ""


def language_name(lang: str) -> str:
    """The language's name in English, for the coach's messages (``de`` -> ``German``)."""
    from babel import Locale

    return str(Locale.parse(lang).get_display_name("en"))


def load_translations(
    root: Path,
    problems: Problems,
    render: MarkdownRenderer,
    exercises: Mapping[str, Exercise],
    pages: tuple[Page, ...],
    protocol: Protocol | None,
) -> dict[str, _Language]:
    """Read and check every translated file; problems go to ``problems``."""
    found: dict[str, _Language] = {}
    folder = root / "content" / "exercises"
    for path, ex_id, lang, rel in _translated(folder, "content/exercises", "exercise", problems):
        text = read_text(path, rel, problems)
        if text is None:
            continue
        start = len(problems.errors)
        exercise = read_exercise(ex_id, text, rel, root, problems, render)
        base = exercises.get(ex_id)
        if exercise is not None and base is not None:
            _same_dose(base, exercise, text, rel, problems)
        if exercise is not None and len(problems.errors) == start:
            found.setdefault(lang, _Language()).exercises[ex_id] = exercise
    folder = root / "content" / "pages"
    for path, page_id, lang, rel in _translated(folder, "content/pages", "page", problems):
        text = read_text(path, rel, problems)
        if text is None:
            continue
        page = read_page(page_id, text, rel, problems, render)
        if page is not None:
            found.setdefault(lang, _Language()).pages[page_id] = page
    for path in sorted((root / "content").glob("protocol.*.yaml")):
        rel = f"content/{path.name}"
        lang = path.stem.partition(".")[2]
        if lang not in LANGUAGES:
            problems.add(
                rel, None, None, f"unknown language {lang!r} in the file name",
                _language_hint("protocol", lang, ".yaml"),
            )
            continue
        texts = _protocol_texts(root, rel, problems, protocol)
        if texts is not None:
            entry = found.setdefault(lang, _Language())
            entry.texts, entry.protocol_file = texts, rel
    return found


def with_translations(content: Content, found: Mapping[str, _Language]) -> Content:
    """``content`` with one complete :class:`Content` per language that has files of its own."""
    translations: dict[str, Translation] = {}
    for lang in sorted(found):
        given = found[lang]
        exercises = {**content.exercises, **given.exercises}
        pages = tuple(
            sorted(
                (given.pages.get(p.id, p) for p in content.pages), key=lambda p: (p.order, p.id)
            )
        )
        protocol = localized_protocol(content.protocol, given.texts, content.exercises, exercises)
        local = replace(content, protocol=protocol, exercises=exercises, pages=pages)
        translations[lang] = Translation(
            lang,
            local,
            frozenset(given.exercises),
            frozenset(given.pages),
            given.protocol_file,
            tuple(
                name
                for name in protocol_text_names(content.protocol, content.exercises)
                if name not in given.texts
            ),
        )
    return replace(content, translations=translations)


# ------------------------------------------------------------------ file names


def _translated(
    folder: Path, rel_folder: str, what: str, problems: Problems
) -> Iterator[tuple[Path, str, str, str]]:
    """(path, id, language, rel) of each ``ID.LANG.md`` whose name is right."""
    for path in sorted(folder.glob("*.md")):
        if "." not in path.stem:
            continue
        rel = f"{rel_folder}/{path.name}"
        item, _, lang = path.stem.rpartition(".")
        if not SLUG_RE.fullmatch(item):
            problems.add(
                rel,
                None,
                None,
                f"the file name {path.name!r} is not a usable {what} id",
                f"name a translation ID.LANG.md, e.g. {_EXAMPLE[what]}.de.md",
            )
        elif lang not in LANGUAGES:
            problems.add(
                rel, None, None, f"unknown language {lang!r} in the file name",
                _language_hint(item, lang, ".md"),
            )
        elif not (folder / f"{item}.md").is_file():
            problems.add(
                rel,
                None,
                None,
                f"{path.name} is a translation of {item}.md, which does not exist",
                f"a translation needs the default file: add {rel_folder}/{item}.md (clients of "
                "other languages read it), or fix the name",
            )
        else:
            yield path, item, lang, rel


def _language_hint(item: str, lang: str, suffix: str) -> str:
    base = lang.replace("_", "-").split("-", 1)[0].lower()
    if base in LANGUAGES and base != lang:
        return (
            f"name the file {item}.{base}{suffix}: every client whose language is {base} "
            f"({lang} too) reads it"
        )
    spoken = ", ".join(f"{tag} ({name})" for tag, name in LANGUAGES.items())
    return f"postrun speaks {spoken}: name the file {item}.LANG{suffix}, e.g. {item}.de{suffix}"


# ------------------------------------------------------------------ exercises


def _same_dose(base: Exercise, local: Exercise, text: str, rel: str, problems: Problems) -> None:
    """A translated exercise keeps the default file's category, levels and doses."""
    base_file = base.file or f"content/exercises/{base.id}.md"

    def differs(name: str, mine: Any, theirs: Any, what: str) -> None:
        data, _, _ = split_front_matter(text, rel, Problems())  # only to find the line
        problems.add(
            rel,
            _line(data, name),
            name,
            f"`{name}` is {_shown(mine)} here but {_shown(theirs)} in {base_file}",
            SAME_DOSE.format(what=what, base=base_file),
        )

    if local.category != base.category:
        differs("category", local.category, base.category, "category")
    mine = {v.level: v.dosage for v in local.variants}
    theirs = {v.level: v.dosage for v in base.variants}
    for level in sorted(set(mine) | set(theirs)):
        if level not in mine or level not in theirs:
            differs(f"levels.{level}", "given" if level in mine else "missing",
                    "given" if level in theirs else "missing", "levels")
            continue
        for key in ("sets", "reps", "seconds", "each_side"):
            a, b = getattr(mine[level], key), getattr(theirs[level], key)
            if a != b:
                differs(f"levels.{level}.{key}", a, b, "dose")


def _shown(value: Any) -> str:
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _line(data: YMap | None, dotted: str) -> int | None:
    """The line of a dotted field (``levels.beginner.sets``) in front matter, or of the
    nearest parent the file has."""
    line = None
    node: Any = data
    for key in dotted.split("."):
        if not isinstance(node, YMap):
            break
        line = node.key_lines.get(key, line if line is not None else node.line)
        if key not in node:
            break
        node = node[key]
    return line


# ------------------------------------------------------------------ the protocol's words


def _protocol_texts(
    root: Path, rel: str, problems: Problems, protocol: Protocol | None
) -> dict[str, str] | None:
    """The words of ``content/protocol.LANG.yaml`` by dotted name; None when it has errors."""
    data = read_mapping(root / rel, rel, problems)
    if data is None:
        return None
    start = len(problems.errors)
    f = Fields(data, rel, problems)
    known = set(PROTOCOL_TEXTS.names)
    for key in data:
        if key not in known and key in PROTOCOL.names:
            f.error(key, f"`{key}` cannot be given per language", WORDS_ONLY)
            known.add(key)
    texts: dict[str, str] = {}
    rest = f.read(PROTOCOL_TEXTS.field("rest_suggestion"))
    if rest:
        texts["rest_suggestion"] = rest
    elif "rest_suggestion" in data:
        f.error("rest_suggestion", "`rest_suggestion` is empty", _EMPTY)
    phase_ids = tuple(p.id for p in protocol.phases) if protocol else None
    hold_ids = tuple(s.id for s in protocol.hold_symptoms) if protocol else None
    stop_ids = tuple(s.id for s in protocol.stop_symptoms) if protocol else None
    test_ids = tuple(t.id for t in protocol.readiness_tests) if protocol else None
    _keyed(f, "phases", phase_ids, texts, PROTOCOL.field("phases").names)
    symptom_keys = PROTOCOL.field("hold_symptoms").names
    _keyed(f, "hold_symptoms", hold_ids, texts, symptom_keys, stop_ids, "stop_symptoms")
    _keyed(f, "stop_symptoms", stop_ids, texts, symptom_keys, hold_ids, "hold_symptoms")
    _keyed(f, "readiness_tests", test_ids, texts, PROTOCOL.field("readiness_tests").names)
    f.finish(known)
    return texts if len(problems.errors) == start else None


_EMPTY = "write the words, or remove the line (her pages then use protocol.yaml's)"


def _keyed(
    f: Fields,
    key: str,
    ids: tuple[str, ...] | None,
    texts: dict[str, str],
    numbers: tuple[str, ...],
    other_ids: tuple[str, ...] | None = None,
    other_key: str = "",
) -> None:
    """One ``by_id`` section: every id one protocol.yaml has, with words only."""
    spec = PROTOCOL_TEXTS.field(key)
    for item_id, line, value in f.read(spec):
        name = f"{key}.{item_id}"
        if ids is not None and item_id not in ids:
            if other_ids is not None and item_id in other_ids:
                hint = f"`{item_id}` is one of the {other_key.replace('_', ' ')}: move it there"
            else:
                listed = ", ".join(ids) or "none"
                hint = did_you_mean(item_id, ids) or f"content/protocol.yaml has: {listed}"
            f.problems.add(f.file, line, name, f"unknown id `{item_id}` under `{key}`", hint)
            continue
        if not isinstance(value, YMap):
            parts = ", ".join(f"{s.name}: …" for s in spec.fields)
            f.problems.add(
                f.file, line, name, f"`{name}` must be a mapping of words",
                f"write `{item_id}: {{{parts}}}`",
            )
            continue
        sub = Fields(value, f.file, f.problems, f"{name}.")
        known = set(spec.names)
        for sub_key in sub.data:
            if sub_key not in known and sub_key in numbers:
                sub.error(sub_key, f"`{name}.{sub_key}` cannot be given per language", WORDS_ONLY)
                known.add(sub_key)
        for text_spec in spec.fields:
            words = sub.read(text_spec)
            if words:
                texts[f"{name}.{text_spec.name}"] = words
            elif text_spec.name in sub.data:
                sub.error(text_spec.name, f"`{name}.{text_spec.name}` is empty", _EMPTY)
        sub.finish(known)


def protocol_text_names(protocol: Protocol, exercises: Mapping[str, Exercise]) -> list[str]:
    """Every word of the protocol her pages show, by dotted name. A readiness test's target or
    title that is its exercise's own comes from the exercise's file in her language, so it is
    counted only when protocol.yaml gives its own."""
    names: list[str] = []
    for phase in protocol.phases:
        names.append(f"phases.{phase.id}.title")
        if phase.summary:
            names.append(f"phases.{phase.id}.summary")
    for key, symptoms in (
        ("hold_symptoms", protocol.hold_symptoms), ("stop_symptoms", protocol.stop_symptoms)
    ):
        names += [f"{key}.{s.id}.{part}" for s in symptoms for part in ("label", "word")]
    if protocol.rest_suggestion:
        names.append("rest_suggestion")
    for test in protocol.readiness_tests:
        exercise = exercises.get(test.id)
        if exercise is None or test.target != exercise.target:
            names.append(f"readiness_tests.{test.id}.target")
        if exercise is None or test.title != exercise.title:
            names.append(f"readiness_tests.{test.id}.title")
    return names


def localized_protocol(
    protocol: Protocol,
    texts: Mapping[str, str],
    exercises: Mapping[str, Exercise],
    local_exercises: Mapping[str, Exercise],
) -> Protocol:
    """``protocol`` with its words in one language: ``texts`` where given, the translated
    exercise's title and target for a readiness test that takes its exercise's, else the
    default words. Every number is the same object as in ``protocol``."""

    def test(t: ReadinessTest) -> ReadinessTest:
        base, local = exercises.get(t.id), local_exercises.get(t.id)
        title, target = t.title, t.target
        if base is not None and local is not None:
            title = local.title if t.title == base.title else t.title
            target = local.target if t.target == base.target else t.target
        return ReadinessTest(
            t.id,
            texts.get(f"readiness_tests.{t.id}.title", title),
            texts.get(f"readiness_tests.{t.id}.target", target),
        )

    def symptom(key: str, s: Symptom) -> Symptom:
        name = f"{key}.{s.id}"
        return Symptom(
            s.id, texts.get(f"{name}.label", s.label), texts.get(f"{name}.word", s.word)
        )

    return replace(
        protocol,
        phases=tuple(
            replace(
                p,
                title=texts.get(f"phases.{p.id}.title", p.title),
                summary=texts.get(f"phases.{p.id}.summary", p.summary),
            )
            for p in protocol.phases
        ),
        hold_symptoms=tuple(symptom("hold_symptoms", s) for s in protocol.hold_symptoms),
        stop_symptoms=tuple(symptom("stop_symptoms", s) for s in protocol.stop_symptoms),
        readiness_tests=tuple(test(t) for t in protocol.readiness_tests),
        rest_suggestion=texts.get("rest_suggestion", protocol.rest_suggestion),
    )
