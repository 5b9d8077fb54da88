"""Her language (issue 17): language tags, the client's language, catalogs and CLDR formats.

Cheap tests only: a German build is shared by the whole module (``german_site``)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from generator.cli import cli
from generator.i18n import (
    LANGUAGES,
    PSEUDO,
    LanguageError,
    babel_locale,
    base_language,
    client_language,
    gettext,
    parse_language,
    words,
)
from generator.models import Site
from generator.render import Renderer

from .conftest import PRIYA, REPO, SAM, Workspace

# ------------------------------------------------------------------ tags


@pytest.mark.parametrize(
    ("tag", "canonical"),
    [("en", "en"), ("EN", "en"), ("en-gb", "en-GB"), ("en_US", "en-US"), ("de-AT", "de-AT"),
     ("es", "es"), ("fr-CA", "fr-CA"), ("en-xa", PSEUDO)],
)
def test_tags_are_written_the_standard_way(tag: str, canonical: str) -> None:
    assert parse_language(tag) == canonical


@pytest.mark.parametrize("tag", ["nl", "pt-BR", "english", "de-ZZ", "e"])
def test_unknown_tags_are_refused_with_the_languages_postrun_speaks(tag: str) -> None:
    with pytest.raises(LanguageError) as caught:
        parse_language(tag)
    if tag in ("nl", "pt-BR"):
        assert all(lang in caught.value.hint for lang in LANGUAGES)


def test_base_language_picks_the_catalog_and_the_full_tag_the_dates() -> None:
    assert base_language("de-AT") == "de"
    assert str(babel_locale("de-AT")) == "de_AT"
    assert gettext("de-AT", "Overview") == gettext("de", "Overview") == "Übersicht"


def test_client_language_is_hers_else_the_practice_s() -> None:
    site = Site("P", "C", language="de")

    class Her:
        language: str | None = "es"

    assert client_language(Her(), site) == "es"  # type: ignore[arg-type]
    Her.language = None
    assert client_language(Her(), site) == "de"  # type: ignore[arg-type]
    assert client_language(None, site) == "de"


# ------------------------------------------------------------------ check


def test_unknown_languages_are_check_errors_with_file_line_and_hint(
    runner: CliRunner, workspace: Workspace
) -> None:
    site = (REPO / "content/site.yaml").read_text("utf-8").replace("language: en", "language: nl")
    sam = (REPO / "profiles/sam-rivera.yaml").read_text("utf-8") + "language: pt-BR\n"
    root = workspace({"content/site.yaml": site, "profiles/sam-rivera.yaml": sam})
    result = runner.invoke(cli, ["-C", str(root), "check"])
    assert result.exit_code == 1, result.output
    site_line = site.splitlines().index("language: nl") + 1
    sam_line = len(sam.splitlines())
    assert f"content/site.yaml:{site_line}: language" in result.output
    assert f"profiles/sam-rivera.yaml:{sam_line}: language" in result.output
    assert "postrun speaks en (English), de (Deutsch), es (Español), fr (Français)" in (
        result.output
    )


def test_a_region_postrun_knows_passes_check(runner: CliRunner, workspace: Workspace) -> None:
    sam = (REPO / "profiles/sam-rivera.yaml").read_text("utf-8") + "language: es-mx\n"
    root = workspace({"profiles/sam-rivera.yaml": sam})
    result = runner.invoke(cli, ["-C", str(root), "check"])
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ CLDR: dates and units


def test_region_variants_pick_their_date_formats_and_plain_en_keeps_postrun_s_own() -> None:
    day = date(2026, 11, 24)
    assert words("en").date(day) == "Tue 24 Nov"
    assert words("en").date(day, "long") == "Tuesday 24 November 2026"
    assert words("en-US").date(day) == "Tue, Nov 24"
    assert words("en-US").date(day, "long") == "Tuesday, November 24, 2026"
    assert words("en-GB").date(day, "short") == "24 Nov 2026"
    assert words("de").date(day, "long") == "Dienstag, 24. November 2026"
    assert words("de-AT").date(date(2027, 1, 5), "month") == "Jänner 2027"
    assert words("es").date(day, "long") == "martes, 24 de noviembre de 2026"
    assert words("fr").weekdays()[0] == "lundi"


def test_durations_by_cldr_units() -> None:
    assert words("en").duration(60) == "1 min"
    assert words("en").duration(90) == "1 min 30 s"
    assert words("de").duration(60) == "1 Min."
    assert words("de").duration(90) == "1 Min. 30 Sek."
    assert words("es").duration(45) == "45 s"


# ------------------------------------------------------------------ a German practice


@pytest.fixture(scope="module")
def german_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace as a German practice, Priya a Spanish client in it: built once."""
    root = tmp_path_factory.mktemp("german") / "ws"
    for name in ("content", "templates", "profiles"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / ".postrun-secret", root / ".postrun-secret")
    site = root / "content" / "site.yaml"
    site.write_text(site.read_text("utf-8").replace("language: en", "language: de"), "utf-8")
    priya = root / "profiles" / "priya-shah.yaml"
    priya.write_text(priya.read_text("utf-8") + "language: es\n", "utf-8")
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-q"])
    assert result.exit_code == 0, result.output
    return root / "site"


def test_a_german_practice_writes_german(german_site: Path) -> None:
    sam = german_site / SAM
    week = (sam / "week-07.html").read_text("utf-8")
    assert '<html lang="de">' in week
    assert "<h1>Woche 7</h1>" in week
    assert ">Mo., 30. Nov.</time>" in week
    for english in (">Overview<", ">Calendar<", "Skip to main content", "After your run"):
        assert english not in week, english
    calendar = (sam / "calendar.html").read_text("utf-8")
    assert '<abbr title="Montag">Mo</abbr>' in calendar
    assert "Dezember 2026" in calendar
    manifest = json.loads((sam / "manifest.webmanifest").read_text("utf-8"))
    assert manifest["lang"] == "de"
    assert manifest["short_name"] == "Plan von Sam"
    script = (sam / "assets" / "words.js").read_text("utf-8")
    assert 'lang: "de"' in script and '"Jog for {time}":"{time} joggen"' in script
    root = (german_site / "index.html").read_text("utf-8")
    assert '<html lang="de">' in root and "private Trainingspläne" in root
    assert "Seite nicht gefunden" in (german_site / "404.html").read_text("utf-8")


def test_a_spanish_client_in_a_german_practice_gets_spanish(german_site: Path) -> None:
    week = (german_site / PRIYA / "week-02.html").read_text("utf-8")
    assert '<html lang="es">' in week and "<h1>Semana 2</h1>" in week
    script = (german_site / PRIYA / "assets" / "words.js").read_text("utf-8")
    assert 'lang: "es"' in script
    # Shared pages (exercises) are made per language: hers are Spanish, Sam's German.
    priya_ex = next((german_site / PRIYA).glob("exercise-*.html")).name
    assert "Cómo se hace" in (german_site / PRIYA / priya_ex).read_text("utf-8")
    assert "So geht es" in (german_site / SAM / priya_ex).read_text("utf-8")


def test_her_calendar_file_speaks_her_language(german_site: Path) -> None:
    calendar = Calendar.from_ical((german_site / SAM / "calendar.ics").read_bytes())
    titles = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert {"Kraft", "Startklar-Check", "Laufen/Gehen · Stufe 1"} <= titles
    assert str(calendar["X-WR-CALNAME"]).startswith("Laufplan · ")
    spanish = Calendar.from_ical((german_site / PRIYA / "calendar.ics").read_bytes())
    assert "Fuerza" in {str(e["SUMMARY"]) for e in spanish.walk("VEVENT")}


def test_templates_are_translated_when_compiled_not_on_every_page(workspace: Workspace) -> None:
    from generator.load.workspace import load_workspace

    renderer = Renderer(load_workspace(workspace())[0])
    env = renderer._language("de").env
    source = (REPO / "templates" / "base.html").read_text("utf-8")
    code = env.compile(source, "base.html", raw=True)
    assert "Zum Inhalt springen" in code and "gettext" not in code
