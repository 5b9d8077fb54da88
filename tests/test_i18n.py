"""Her language (issue 17): language tags, the client's language, catalogs and CLDR formats.

Cheap tests only: a German build is shared by the whole module (``german_site``)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

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
)
from generator.models import Site

from .conftest import REPO, Workspace

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
    assert gettext("de-AT", "Overview") == gettext("de", "Overview")


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
