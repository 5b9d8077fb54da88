"""The coach's content per language (issue #17 point 5): ``ID.LANG.md``, ``NAME.LANG.md`` and
``protocol.LANG.yaml`` chosen per client language, never changing a number; the shipped German
content and the protocol's words complete; ``check`` counting what has no translation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import cli
from generator.load import load_workspace
from generator.load.translations import protocol_text_names
from generator.models import Content

from .conftest import LENA, PRIYA, REPO, SAM, Workspace
from .sitecheck import tree_digest
from .test_golden import GOLDEN


def run(runner: CliRunner, root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["-C", str(root), *args])
    return result.exit_code, result.output


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def front_matter(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8").split("---\n", 2)[1])


@pytest.fixture(scope="module")
def shipped() -> Content:
    workspace, problems = load_workspace(REPO, keep_profiles=False)
    assert not problems.errors
    return workspace.content


# ------------------------------------------------------------------ the shipped content


SHIPPED_LANGUAGES = ("de", "es", "fr")
"""Every language the default content comes in: each held to every exercise and page."""


@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
def test_shipped_content_covers_every_default_file(shipped: Content, lang: str) -> None:
    local = shipped.translations[lang]
    assert local.exercises == set(shipped.exercises)
    assert local.pages == {p.id for p in shipped.pages}
    assert local.protocol_file == f"content/protocol.{lang}.yaml"
    assert local.protocol_missing == ()
    exercises = shipped.for_language(lang).exercises
    assert {e.file for e in exercises.values()} == {
        f"content/exercises/{ex_id}.{lang}.md" for ex_id in shipped.exercises
    }


@pytest.mark.parametrize("lang", SHIPPED_LANGUAGES)
@pytest.mark.parametrize("folder", ["exercises", "pages"])
def test_shipped_translations_keep_every_field_and_number(folder: str, lang: str) -> None:
    """Same front matter keys; ids, numbers, sources, pictures unchanged; every list as long
    (a point or caution is never dropped); the words translated."""
    defaults = sorted(p for p in (REPO / "content" / folder).glob("*.md") if "." not in p.stem)
    for path in defaults:
        local_path = path.with_name(f"{path.stem}.{lang}.md")
        assert local_path.is_file(), f"{local_path.name} is missing"
        english, local = front_matter(path), front_matter(local_path)
        assert set(local) == set(english), local_path.name
        for key in ("category", "sources", "image", "video", "order"):
            assert local.get(key) == english.get(key), (local_path.name, key)
        for key in ("points", "cautions", "equipment"):
            assert len(local.get(key) or ()) == len(english.get(key) or ()), (
                local_path.name, key
            )
        for level, dose in (english.get("levels") or {}).items():
            mine = local["levels"][level]
            assert set(mine) == set(dose), (local_path.name, level)
            assert {k: v for k, v in mine.items() if k not in ("how", "per")} == {
                k: v for k, v in dose.items() if k not in ("how", "per")
            }, (local_path.name, level)
        assert local["title"] != english["title"], local_path.name
        assert local["summary"] != english["summary"], local_path.name


def test_every_protocol_text_is_given_in_every_shipped_language(shipped: Content) -> None:
    names = protocol_text_names(shipped.protocol, shipped.exercises)
    for lang in ("de", "es", "fr"):
        data = yaml.safe_load((REPO / f"content/protocol.{lang}.yaml").read_text("utf-8"))
        given = {
            f"{key}.{item}.{part}"
            for key in ("phases", "hold_symptoms", "stop_symptoms", "readiness_tests")
            for item, words in data[key].items()
            for part in words
        } | {"rest_suggestion"}
        assert set(names) <= given, (lang, set(names) - given)
        assert {f"readiness_tests.{t.id}.target" for t in shipped.protocol.readiness_tests} \
            <= given, lang


def test_content_is_chosen_by_base_language_with_fallback(shipped: Content) -> None:
    german = shipped.for_language("de-AT")
    assert german is shipped.for_language("de")
    assert german.exercises["dead-bug"].file == "content/exercises/dead-bug.de.md"
    assert german.protocol.phases[0].title == "Rumpf und Beckenboden"
    assert german.protocol.hold_symptoms[0].word == "Schmerzen"
    assert german.protocol.readiness_tests[0].target == "30 Minuten"
    assert shipped.for_language("en-GB") is shipped
    spanish = shipped.for_language("es-MX")
    assert spanish is shipped.for_language("es")
    assert spanish.exercises["dead-bug"].title == "Bicho muerto (dead bug)"
    assert spanish.pages[0].title == "Seguridad: cuándo frenar, cuándo parar"
    assert spanish.protocol.rest_suggestion.startswith("Descansa")
    assert spanish.protocol.readiness_tests[0].title == "Prueba de caminar"
    # Words only: every number and exercise list is the default protocol's.
    assert spanish.protocol.stages is shipped.protocol.stages
    assert [p.exercises for p in spanish.protocol.phases] == [
        p.exercises for p in shipped.protocol.phases
    ]


# ------------------------------------------------------------------ mistakes


def test_translated_files_with_wrong_names_or_doses_are_errors(
    runner: CliRunner, workspace: Workspace
) -> None:
    german = (REPO / "content/exercises/dead-bug.de.md").read_text("utf-8")
    changed = german.replace("    sets: 3", "    sets: 4")
    changed = changed.replace("category: core", "category: hip")
    root = workspace({
        "content/exercises/dead-bug.de.md": changed,
        "content/exercises/dead-bug.de-AT.md": german,
        "content/exercises/dead-bug.german.md": german,
        "content/exercises/dead-bugs.fr.md": german,
        "content/pages/tip.es.md": (REPO / "content/pages/tips.de.md").read_text("utf-8"),
    })
    code, out = run(runner, root, "check")
    assert code == 1, out
    rel = "content/exercises/dead-bug.de.md"
    assert f"{rel}:{line_of(changed, 'category:')}: category: `category` is hip here but core " \
        "in content/exercises/dead-bug.md" in out
    sets = line_of(changed, "sets: 4")
    assert f"{rel}:{sets}: levels.intermediate.sets: `levels.intermediate.sets` is 4 here " \
        "but 3" in out
    assert "hint: a translation changes words only" in out
    assert "dead-bug.de-AT.md: unknown language 'de-AT' in the file name — hint: name the " \
        "file dead-bug.de.md" in out
    assert "dead-bug.german.md: unknown language 'german'" in out and "postrun speaks" in out
    assert "content/exercises/dead-bugs.fr.md: dead-bugs.fr.md is a translation of " \
        "dead-bugs.md, which does not exist — hint: a translation needs the default file" in out
    assert "content/pages/tip.es.md: tip.es.md is a translation of tip.md" in out


def test_protocol_texts_give_words_only_for_known_ids(
    runner: CliRunner, workspace: Workspace
) -> None:
    text = (
        "earliest_run_weeks: 6\n"
        "phases:\n"
        "  core: {title: Rumpf, weeks: 1}\n"
        "  gaol: {title: Ziel}\n"
        "  goal: {title: \"\"}\n"
        "hold_symptoms:\n"
        "  bulge: {label: Vorwölbung}\n"
        "  pain: Schmerzen\n"
        "readiness_tests:\n"
        "  test-walk: {target: 30 Minuten, exercise: test-walk}\n"
        "titel: x\n"
    )
    root = workspace({"content/protocol.de.yaml": text, "content/protocol.xx.yaml": "{}\n"})
    code, out = run(runner, root, "check")
    assert code == 1, out
    rel = "content/protocol.de.yaml"
    expected = [
        f"{rel}:1: earliest_run_weeks: `earliest_run_weeks` cannot be given per language — "
        "hint: a translation gives the protocol's words only",
        f"{rel}:3: phases.core.weeks: `phases.core.weeks` cannot be given per language",
        f"{rel}:4: phases.gaol: unknown id `gaol` under `phases` — hint: did you mean `goal`?",
        f"{rel}:5: phases.goal.title: `phases.goal.title` is empty",
        f"{rel}:7: hold_symptoms.bulge: unknown id `bulge` under `hold_symptoms` — hint: "
        "`bulge` is one of the stop symptoms: move it there",
        f"{rel}:8: hold_symptoms.pain: `hold_symptoms.pain` must be a mapping of words — "
        "hint: write `pain: {label: …, word: …}`",
        f"{rel}:10: readiness_tests.test-walk.exercise: `readiness_tests.test-walk.exercise` "
        "cannot be given per language",
        f"{rel}:11: titel: unknown field `titel`",
        "content/protocol.xx.yaml: unknown language 'xx' in the file name",
    ]
    for line in expected:
        assert line in out, line


# ------------------------------------------------------------------ check's counts


def test_check_counts_what_has_no_version_in_a_language_in_use(
    runner: CliRunner, workspace: Workspace
) -> None:
    site = (REPO / "content/site.yaml").read_text("utf-8").replace("language: en", "language: de")
    overlay = (REPO / "content/protocol.de.yaml").read_text("utf-8")
    overlay = re.sub(r"\n    summary: Finde sanft[^\n]*", "", overlay)
    root = workspace({
        "content/site.yaml": site,
        "content/protocol.de.yaml": overlay,
        "content/exercises/dead-bug.de.md": None,
        "content/exercises/lunge.de.md": None,
        "content/pages/tips.de.md": None,
    })
    code, out = run(runner, root, "check")
    assert code == 0, out
    assert "content/exercises/: warning: 2 of 21 exercises and 1 of 4 pages have no German " \
        "version (dead-bug, lunge, tips); clients Lena Okafor, Priya Shah, Sam Rivera use " \
        "German" in out
    assert "hint: add content/exercises/dead-bug.de.md" in out
    assert "content/protocol.de.yaml: warning: content/protocol.de.yaml leaves 1 of 34 of the " \
        "protocol's texts in the default language (phases.core.summary)" in out
    # An English practice with one Spanish client, and Spanish left with only the protocol's
    # words: every exercise and page is counted; German is read by nobody now, so not counted.
    (root / "content/site.yaml").write_text(site.replace("language: de", "language: en"), "utf-8")
    for path in (root / "content").glob("*/*.es.md"):
        path.unlink()
    priya = root / "profiles/priya-shah.yaml"
    priya.write_text(priya.read_text("utf-8") + "language: es-MX\n", "utf-8")
    code, out = run(runner, root, "check")
    assert code == 0, out
    assert "21 of 21 exercises and 4 of 4 pages have no Spanish version (bridge-march, " \
        "bulgarian-split-squat, dead-bug, hip-circles, leaning-wall-marching, lunge and 19 " \
        "more); client Priya Shah uses Spanish" in out
    assert "protocol.es.yaml" not in out and "German" not in out


def test_the_shipped_content_needs_no_translation_warning(
    runner: CliRunner, tmp_path: Path
) -> None:
    root = tmp_path / "praxis"
    result = runner.invoke(cli, ["init", str(root), "--language", "de"])
    assert result.exit_code == 0, result.output
    assert "language: de\n" in (root / "content/site.yaml").read_text("utf-8")
    for lang in ("de", "es", "fr"):
        for rel in (f"content/exercises/dead-bug.{lang}.md", f"content/pages/safety.{lang}.md",
                    f"content/protocol.{lang}.yaml"):
            assert (root / rel).is_file(), rel
    # A Spanish and a French client in the German practice: nothing left untranslated either.
    sam = (root / "profiles/sam-rivera.yaml").read_text("utf-8")
    (root / "profiles/ana.yaml").write_text(
        sam.replace("name: Sam Rivera", "name: Ana") + "language: es\n", "utf-8"
    )
    (root / "profiles/claire.yaml").write_text(
        sam.replace("name: Sam Rivera", "name: Claire") + "language: fr-CA\n", "utf-8"
    )
    code, out = run(runner, root, "check")
    assert code == 0, out
    assert "Ana" not in out and "Claire" not in out, out
    assert "version" not in out and "protocol." not in out, out
    refused = runner.invoke(cli, ["init", str(tmp_path / "x"), "--language", "klingon"])
    assert refused.exit_code == 2 and "--language" in refused.output


# ------------------------------------------------------------------ her pages


def test_german_client_reads_german_content_and_the_others_are_unchanged(
    runner: CliRunner, workspace: Workspace
) -> None:
    sam = (REPO / "profiles/sam-rivera.yaml").read_text("utf-8") + "language: de-AT\n"
    root = workspace({"profiles/sam-rivera.yaml": sam, "content/exercises/lunge.de.md": None})
    result = runner.invoke(cli, ["-C", str(root), "build", "-q"])
    assert result.exit_code == 0, result.output
    site = root / "site"
    # Her English-speaking clients' sites are byte for byte the golden ones.
    for client in (LENA, PRIYA):
        assert tree_digest(site / client) == tree_digest(GOLDEN / client), client
    mine = site / SAM
    dead_bug = (mine / "exercise-dead-bug.html").read_text("utf-8")
    assert "<h1>Toter Käfer (Dead Bug)</h1>" in dead_bug and "Dead bug</h1>" not in dead_bug
    assert "Dead bug</h1>" in (site / LENA / "exercise-dead-bug.html").read_text("utf-8")
    # No German lunge: the default file, and the id and link stay `lunge`.
    assert "<h1>Lunge</h1>" in (mine / "exercise-lunge.html").read_text("utf-8")
    assert "<h1>Sicherheit:" in (mine / "safety.html").read_text("utf-8")
    plan = json.loads((mine / "plan.json").read_text("utf-8"))
    assert [p["title"] for p in plan["phases"]][:2] == [
        "Rumpf und Beckenboden", "Kraft für Hüfte, Po und Rücken"
    ]
    assert plan["readiness"][0] == {"id": "test-walk", "title": "Test: Zügig gehen",
                                    "target": "30 Minuten"}
    ics = (mine / "calendar.ics").read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "Toter Käfer (Dead Bug)" in ics and "Schmerzen\\, Schweregefühl" in ics
    assert "Dead bug" not in ics
