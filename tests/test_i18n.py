"""Her language (issue 17): language tags, the client's language, catalogs and CLDR formats.

Cheap tests only: a German build is shared by the whole module (``german_site``)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import html5lib
import msgspec
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

from .conftest import LENA, PRIYA, REPO, SAM, Workspace

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


def test_an_unknown_region_is_refused_with_the_regions_cldr_knows_for_that_language() -> None:
    with pytest.raises(LanguageError) as caught:
        parse_language("de-ZZ")
    assert "unknown region in 'de-ZZ'" in str(caught.value)
    hint = caught.value.hint
    assert hint.startswith("leave the region out (de) or use one of: ")
    regions = hint.split(": ", 1)[1].split(", ")
    assert {"de-AT", "de-CH", "de-DE"} <= set(regions)
    assert all(r.startswith("de-") and len(r) == 5 and r[3:].isupper() for r in regions)


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
    """The example workspace as a German practice, Priya a Spanish client in it and Lena's
    plan protected by a passphrase: built once."""
    root = tmp_path_factory.mktemp("german") / "ws"
    for name in ("content", "templates", "profiles"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / ".postrun-secret", root / ".postrun-secret")
    site = root / "content" / "site.yaml"
    site.write_text(site.read_text("utf-8").replace("language: en", "language: de"), "utf-8")
    priya = root / "profiles" / "priya-shah.yaml"
    priya.write_text(priya.read_text("utf-8") + "language: es\n", "utf-8")
    lena = root / "profiles" / "lena-okafor.yaml"
    lena.write_text(lena.read_text("utf-8") + "passphrase_env: LENA_PASSPHRASE\n", "utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LENA_PASSPHRASE", "maple tide orbit kettle")
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


def test_her_passphrase_page_speaks_her_language(german_site: Path) -> None:
    locked = (german_site / LENA / "index.html").read_text("utf-8")
    assert '<html lang="de">' in locked and "<h1>Dein Plan ist geschützt</h1>" in locked
    assert '<script src="assets/words.js" defer></script>' in locked
    script = (german_site / LENA / "assets" / "words.js").read_text("utf-8")
    assert '"That passphrase did not work. Check it and try again.":"Das Passwort' in script


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
# ------------------------------------------------------------------ the pseudo-language

_HIDDEN_PARTS = {"script", "style"}
_CONTENT_CLASSES = {"prose", "note-body"}
"""Elements holding the coach's Markdown (her pages, exercise steps, her note)."""
_NEUTRAL = re.compile(r"[\W\d_×·–—→←★✓]+")
"""Numbers, punctuation and symbols: no language."""


def _content_strings(value: object, found: set[str]) -> None:
    """Every text of the coach's content, profiles and settings (not postrun's own words)."""
    if isinstance(value, str):
        if value.strip():
            found.add(value.strip())
    elif isinstance(value, dict):
        for item in value.values():
            _content_strings(item, found)
    elif isinstance(value, (tuple, list)):
        for item in value:
            _content_strings(item, found)
    elif isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            _content_strings(getattr(value, name), found)


def _unwrapped(html: str) -> list[str]:
    """The visible text (and aria-label, title, alt, placeholder) of a page that is outside
    every ⟦…⟧, piece by piece."""
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    pieces: list[str] = []
    depth = 0
    current: list[str] = []

    def take(text: str | None) -> None:
        nonlocal depth
        for char in text or "":
            if char == "⟦":
                depth += 1
            elif char == "⟧":
                depth -= 1
                pieces.append("".join(current))
                current.clear()
            elif depth == 0:
                current.append(char)

    def walk(element: Any) -> None:
        skip = element.tag in _HIDDEN_PARTS or _CONTENT_CLASSES & set(
            (element.get("class") or "").split()
        )
        for name in ("aria-label", "title", "alt", "placeholder"):
            if element.get(name):
                take(element.get(name))
                pieces.append("".join(current))
                current.clear()
        if not skip:
            take(element.text)
            for child in element:
                walk(child)
        if skip:
            pieces.append("".join(current))
            current.clear()
        take(element.tail)

    walk(doc.find("head/title"))
    walk(doc.find("body"))
    pieces.append("".join(current))
    return pieces


@pytest.fixture(scope="module")
def pseudo_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """The example workspace built in the pseudo-language (every word of postrun in ⟦…⟧)."""
    from generator.load.workspace import load_workspace

    root = tmp_path_factory.mktemp("pseudo") / "ws"
    for name in ("content", "templates", "profiles"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / ".postrun-secret", root / ".postrun-secret")
    site = root / "content" / "site.yaml"
    site.write_text(site.read_text("utf-8").replace("language: en", f"language: {PSEUDO}"))
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-q"])
    assert result.exit_code == 0, result.output
    ws, _warnings = load_workspace(root)
    found: set[str] = set()
    _content_strings(ws.content, found)
    _content_strings(ws.profiles, found)
    found.update(p.name.split()[0] for p in ws.profiles)  # "Hello, Sam"
    found.update(text[:1].upper() + text[1:] for text in list(found))  # labels as headings
    return root / "site", found


def test_every_word_postrun_writes_goes_through_the_catalogs(
    pseudo_site: tuple[Path, set[str]],
) -> None:
    site, content = pseudo_site
    by_length = sorted(content, key=len, reverse=True)
    pages = [*sorted(site.glob(f"{SAM}/*.html")), site / "index.html", site / "404.html"]
    missed: dict[str, set[str]] = {}
    for page in pages:
        for piece in _unwrapped(page.read_text("utf-8")):
            for text in by_length:
                if text in piece:
                    piece = piece.replace(text, " ")
            left = _NEUTRAL.sub(" ", piece).strip()
            if left:
                missed.setdefault(left, set()).add(page.name)
    assert not missed, "words outside the catalogs:\n" + "\n".join(
        f"{text!r} in {sorted(names)[:3]}" for text, names in sorted(missed.items())
    )


def test_the_scripts_words_are_all_in_the_pseudo_language(
    pseudo_site: tuple[Path, set[str]],
) -> None:
    site, _content = pseudo_site
    script = (site / SAM / "assets" / "words.js").read_text("utf-8")
    body = script.split("messages: ", 1)[1].rstrip()
    assert body.endswith("};")
    messages = json.loads(body[:-2])
    assert len(messages) > 40
    for value in messages.values():
        for text in [value] if isinstance(value, str) else value:
            assert text.startswith("⟦") and text.endswith("⟧"), text


# ------------------------------------------------------------------ her timer's voice

VOICE = """
window.__spoken = [];
window.speechSynthesis.speak = function (u) { window.__spoken.push([u.text, u.lang]); };
window.speechSynthesis.cancel = function () {};
window.AudioContext = function () {
  return { state: "running", currentTime: 0, destination: {},
    resume() { return Promise.resolve(); },
    createOscillator() { return { type: "", frequency: { value: 0 }, connect() {}, start() {},
                                  stop() {} }; },
    createGain() { return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} },
                            connect() {} }; } };
};
navigator.vibrate = function () { return true; };
"""


@pytest.mark.browser
def test_her_timer_speaks_her_language(browser: Any, german_site: Path) -> None:
    from .browser import open_page, serving

    start = dt.datetime(2027, 1, 14, 7, 0)  # Sam's week 13: 5 min walk, then 15 min jog, …
    with serving(german_site) as url:
        context, page = open_page(browser, viewport={"width": 390, "height": 844})
        page.add_init_script(VOICE)
        page.clock.install(time=start)
        page.goto(url + f"{SAM}/week-13.html")
        page.clock.pause_at(start + dt.timedelta(seconds=30))
        card = page.locator('[data-run][data-session-date="2027-01-14"]')
        card.get_by_role(
            "button", name="Timer starten für deine Lauf-Geh-Einheit am Donnerstag, 14. Januar"
        ).click()
        assert page.evaluate("window.__spoken") == [["Aufwärmen: 5 Minuten gehen", "de"]]
        assert card.locator("[data-timer-now]").inner_text().startswith("Gehen")
        page.clock.run_for(291_000)
        assert page.evaluate("window.__spoken")[-1] == ["In 10 Sekunden joggen", "de"]
        page.clock.run_for(10_000)
        assert page.evaluate("window.__spoken")[-1] == ["15 Minuten joggen", "de"]
        assert card.locator("[data-timer-left-label]").inner_text() == "übrig von diesem Joggen"
        assert page.errors == []
        context.close()


# ------------------------------------------------------------------ the catalogs themselves

_PLACES = re.compile(r"%\(\w+\)s|\{\w+\}|<[^>]+>")
"""What a translation must keep exactly: %(name)s and {name} places, and its HTML tags."""


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_is_translated_and_keeps_its_places_and_tags(language: str) -> None:
    from babel.messages.pofile import read_po

    path = REPO / "generator" / "locale" / language / "LC_MESSAGES" / "postrun.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    with (REPO / "generator" / "locale" / "postrun.pot").open("rb") as handle:
        template = read_po(handle)
    assert {m.id for m in template if m.id} == {m.id for m in catalog if m.id}, (
        "the catalog is behind postrun.pot: run pybabel update (README, Languages)"
    )
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        texts = [message.string] if isinstance(message.string, str) else list(message.string)
        for text in texts:
            assert text, f"{language}: no translation for {ids[0]!r}"
            assert sorted(_PLACES.findall(text)) == sorted(_PLACES.findall(ids[-1])) or (
                sorted(_PLACES.findall(text)) == sorted(_PLACES.findall(ids[0]))
            ), f"{language}: {ids[0]!r} -> {text!r}"
