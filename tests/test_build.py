"""`postrun build`: what lands in site/, and how it lands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator import render
from generator.cli import cli

from .conftest import LENA, PRIYA, SAM, Workspace
from .sitecheck import broken_links, external, html_files, parse, tree_digest

SLUGS = (LENA, PRIYA, SAM)


def build(runner: CliRunner, root: Path, *args: str) -> str:
    result = runner.invoke(cli, ["-C", str(root), "build", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_build_writes_one_folder_per_client_and_a_root_that_names_no_client(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    out = build(runner, root)
    site = root / "site"
    assert "Built 3 clients" in out
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == list(SLUGS)
    for slug in SLUGS:
        folder = site / slug
        for name in ("index.html", "readiness.html", "calendar.html", "safety.html",
                     "tips.html", "about.html", "references.html", "plan.json",
                     "assets/style.css", "assets/app.js", "week-01.html"):
            assert (folder / name).is_file(), f"{slug}/{name}"
    root_index = (site / "index.html").read_text("utf-8")
    assert "Riverside Postnatal Running" in root_index
    for name in ("Sam", "Priya", "Lena", "sam-rivera", "priya-shah", "lena-okafor", *SLUGS):
        assert name not in root_index
    assert (site / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    assert (site / "404.html").is_file()
    assert not [p for p in root.iterdir() if p.name.startswith(".site-")], "temp folders left"


def test_one_page_per_week_and_per_exercise_she_uses(built_site: Path) -> None:
    root = built_site.parent  # the example workspace, built once (read only)
    plan = json.loads((root / f"site/{SAM}/plan.json").read_text("utf-8"))
    folder = root / "site" / SAM
    weeks = sorted(folder.glob("week-*.html"))
    assert weeks and weeks[0].name == "week-01.html"
    used = {e["id"] for s in plan["sessions"] if s["kind"] == "strength" for e in s["exercises"]}
    used |= {t["id"] for t in plan["readiness"]}
    pages = {p.name.removeprefix("exercise-").removesuffix(".html")
             for p in folder.glob("exercise-*.html")}
    assert pages == used


def test_week_page_shows_intervals_in_words_and_why(built_site: Path) -> None:
    root = built_site.parent  # the example workspace, built once (read only)
    text = "\n".join(p.read_text("utf-8") for p in (root / "site" / LENA).glob("week-*.html"))
    assert "5 min walk, then 6 × (1 min jog, 2 min walk), 1 min jog, 1 min walk, then 5 min walk" \
        in text
    assert "back one stage: leakage reported in your check-in of 25 September 2026" in text
    assert "progress to stage 2" in text


def test_plan_json_has_the_documented_shape(built_site: Path) -> None:
    root = built_site.parent  # the example workspace, built once (read only)
    data = json.loads((root / f"site/{SAM}/plan.json").read_text("utf-8"))
    assert data["schema"] == 1
    assert data["client"] == {"name": "Sam Rivera", "slug": SAM}
    assert data["earliest_run_date"] == "2026-11-24"
    assert data["readiness"][0]["id"] == "test-walk"
    assert {"id", "title", "target"} <= set(data["readiness"][0])
    kinds = {s["kind"] for s in data["sessions"]}
    assert {"strength", "readiness", "run_walk", "rest"} == kinds
    run = next(s for s in data["sessions"] if s["kind"] == "run_walk")
    assert run["stage"] == 1 and run["jog_seconds"] == 420 and run["main_seconds"] == 1200
    assert run["segments"][0] == {"activity": "walk", "seconds": 300, "part": "warm_up"}
    assert run["segments"][1] == {"activity": "jog", "seconds": 60, "part": "main"}
    assert run["segments"][2] == {"activity": "walk", "seconds": 120, "part": "main"}
    strength = next(s for s in data["sessions"] if s["kind"] == "strength")
    assert {"id", "sets", "reps", "each_side"} <= set(strength["exercises"][0])
    readiness = [s for s in data["sessions"] if s["kind"] == "readiness"]
    assert len(readiness) == 1 and readiness[0]["date"] < run["date"]


def test_plan_json_is_compact_utf8_json_as_pythons_json_writes_it(
    runner: CliRunner, workspace: Workspace
) -> None:
    # Scripts may compare plan.json byte for byte: it stays exactly the compact form Python's
    # json module writes (UTF-8, no ASCII escapes), whatever the name and goal hold.
    sam = Path(__file__).parent.parent / "profiles" / "sam-rivera.yaml"
    text = sam.read_text("utf-8").replace(
        "name: Sam Rivera", 'name: "Sam \\"Sammy\\" O\'Rivera \\\\ Zoë 🏃 \\u2028 <&>"'
    ).replace('label: "parkrun 5 km"', 'label: "parkrun\\t5 km / 10\\u00a0km \\u0007"')
    root = workspace({"profiles/sam-rivera.yaml": text})
    build(runner, root)
    data = (root / f"site/{SAM}/plan.json").read_bytes()
    plan = json.loads(data)
    assert plan["client"]["name"] == 'Sam "Sammy" O\'Rivera \\ Zoë 🏃 \u2028 <&>'
    assert plan["goal"]["label"] == "parkrun\t5 km / 10\u00a0km \u0007"
    expected = json.dumps(plan, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert data == expected.encode("utf-8")


def test_no_absolute_or_external_urls_and_every_link_resolves(built_site: Path) -> None:
    root = built_site.parent  # the example workspace, built once (read only)
    site = root / "site"
    found = [(p.relative_to(site).as_posix(), url) for p in html_files(site)
             for _, _, url in parse(p).urls if external(url)]
    assert found == []
    assert broken_links(site) == []
    for page in html_files(site / SAM):
        for _, _, url in parse(page).urls:
            assert not url.endswith("/"), f"{page.name}: {url} needs an explicit index.html"


def test_every_page_is_noindex_with_csp_and_no_referrer(built_site: Path) -> None:
    root = built_site.parent  # the example workspace, built once (read only)
    for page in html_files(root / "site"):
        meta = parse(page).meta
        assert {"name": "robots", "content": "noindex, nofollow"} in meta, page
        assert {"name": "referrer", "content": "no-referrer"} in meta, page
        assert {"http-equiv": "Content-Security-Policy", "content": render.CSP} in meta, page


def test_two_builds_are_byte_identical(runner: CliRunner, workspace: Workspace) -> None:
    root = workspace()
    build(runner, root, "--out", str(root.parent / "one"))
    build(runner, root, "--out", str(root.parent / "two"))
    assert tree_digest(root.parent / "one") == tree_digest(root.parent / "two")


def test_a_failed_build_leaves_the_previous_site_byte_identical(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    build(runner, root)
    before = tree_digest(root / "site")
    (root / "profiles/sam-rivera.yaml").write_text("name: Sam\nrun_days: [mon, tue]\n", "utf-8")
    result = runner.invoke(cli, ["-C", str(root), "build"])
    assert result.exit_code == 1
    assert "profiles/sam-rivera.yaml" in result.output
    assert tree_digest(root / "site") == before
    assert sorted(p.name for p in root.iterdir()) == [
        ".postrun-secret", "content", "profiles", "site", "templates"]


def test_a_crash_while_writing_leaves_the_previous_site(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace()
    build(runner, root)
    before = tree_digest(root / "site")
    calls = []
    original = render.Renderer.client_files

    def failing(self: render.Renderer, plan: object, *args: Any) -> dict[str, bytes]:
        calls.append(plan)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(self, plan, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(render.Renderer, "client_files", failing)
    result = runner.invoke(cli, ["-C", str(root), "build", "--clean"])
    assert result.exit_code == 2 and "--debug" in result.output
    assert tree_digest(root / "site") == before
    assert sorted(p.name for p in root.iterdir()) == [
        ".postrun-secret", "content", "profiles", "site", "templates"]


def test_only_rebuilds_one_client(runner: CliRunner, workspace: Workspace) -> None:
    root = workspace()
    build(runner, root)
    before = tree_digest(root / "site")
    profile = root / "profiles/sam-rivera.yaml"
    profile.write_text(profile.read_text("utf-8").replace("Welcome, Sam!", "Hi again, Sam!"))
    lena = root / "profiles/lena-okafor.yaml"
    lena.write_text(lena.read_text("utf-8").replace("thank you", "many thanks"))
    out = build(runner, root, "--only", SAM)
    assert "Built 1 client" in out
    after = tree_digest(root / "site")
    changed = {k for k in after if after[k] != before.get(k)}
    # Her overview changed, and so did the offline cache list that names its version.
    assert changed == {f"{SAM}/index.html", f"{SAM}/sw.js"}
    assert "Hi again, Sam!" in (root / f"site/{SAM}/index.html").read_text("utf-8")


def test_only_with_an_unknown_slug_suggests_the_nearest(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    build(runner, root)
    result = runner.invoke(cli, ["-C", str(root), "build", "--only", "sam-rivera-8547"])
    assert result.exit_code == 1
    assert f"did you mean `{SAM}`?" in result.output


def test_out_writes_elsewhere_and_refuses_the_workspace_itself(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    elsewhere = root.parent / "public"
    build(runner, root, "--out", str(elsewhere))
    assert (elsewhere / f"{SAM}/index.html").is_file()
    assert not (root / "site").exists()
    for bad in (root, root / "content", root / "profiles" / "x"):
        result = runner.invoke(cli, ["-C", str(root), "build", "--out", str(bad)])
        assert result.exit_code == 1, bad
        assert "would contain or overwrite" in result.output
    assert (root / "content/protocol.yaml").is_file()


def test_workspace_templates_override_the_shipped_ones(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace()
    page = root / "templates/page.html"
    page.write_text(page.read_text("utf-8").replace("{% block main %}",
                                                    "{% block main %}<p>OVERRIDDEN</p>", 1))
    build(runner, root)
    assert "OVERRIDDEN" in (root / f"site/{SAM}/tips.html").read_text("utf-8")
    assert "OVERRIDDEN" not in (root / f"site/{SAM}/index.html").read_text("utf-8")


def test_a_workspace_without_templates_uses_the_shipped_ones(
    runner: CliRunner, workspace: Workspace
) -> None:
    import shutil

    root = workspace()
    shutil.rmtree(root / "templates")
    build(runner, root)
    assert (root / f"site/{SAM}/assets/style.css").is_file()


def test_markup_in_profile_and_coach_note_comes_out_inert(
    runner: CliRunner, workspace: Workspace
) -> None:
    root = workspace({"profiles/eve.yaml": (
        'name: "<i>Eve</i> <script>alert(1)</script>"\n'
        "delivery_date: 2026-09-01\nclearance_date: 2026-10-13\n"
        "coach_note: |\n  Hi <img src=x onerror=alert(1)> [tap](javascript:alert(1))\n"
        "  <script>alert(2)</script> **bold**\n"
    )})
    build(runner, root)
    (folder,) = (root / "site").glob("eve-*")
    for page in folder.glob("*.html"):
        text = page.read_text("utf-8")
        assert "<script>alert" not in text
        assert "onerror" not in text
        assert "javascript:" not in text
    index = (folder / "index.html").read_text("utf-8")
    assert "&lt;i&gt;Eve&lt;/i&gt;" in index and "<strong>bold</strong>" in index
    assert "<i>Eve</i>" not in index


def test_exercise_image_and_video_are_shown(runner: CliRunner, workspace: Workspace) -> None:
    root = workspace({"content/media/hips.svg": (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>\n')})
    ex = root / "content/exercises/hip-circles.md"
    ex.write_text(ex.read_text("utf-8").replace(
        "\n---\n",
        "\nimage: media/hips.svg\nimage_alt: A woman circling one leg\n"
        "video: https://video.example/hip-circles\n---\n", 1), "utf-8")
    build(runner, root)
    page = (root / f"site/{SAM}/exercise-hip-circles.html").read_text("utf-8")
    assert 'src="media/hips.svg"' in page and "A woman circling one leg" in page
    assert 'href="https://video.example/hip-circles"' in page
    assert (root / f"site/{SAM}/media/hips.svg").is_file()


def test_pages_shared_by_clients_are_made_once_and_name_nobody(built_site: Path) -> None:
    root = built_site.parent  # the example workspace, built once (read only)
    site = root / "site"
    for rel in ("exercise-dead-bug.html", "safety.html", "assets/style.css"):
        sam, lena = site / SAM / rel, site / LENA / rel
        assert sam.read_bytes() == lena.read_bytes()
        assert sam.stat().st_ino == lena.stat().st_ino, f"{rel} should be one file, linked"
    page = (site / SAM / "exercise-dead-bug.html").read_text("utf-8")
    assert "Sam" not in page and "Lena" not in page and "Your plan" in page
    assert "Sam&#39;s plan" in (site / SAM / "week-01.html").read_text("utf-8")
    # Priya does the intermediate version of the toe taps: her page is that version's.
    assert (site / PRIYA / "exercise-toe-taps.html").read_bytes() != \
        (site / SAM / "exercise-toe-taps.html").read_bytes()


def test_exercise_pages_show_the_versions_her_week_pages_give(built_site: Path) -> None:
    # An exercise page's "Your version" (and "Your later version", when her plan moves her
    # on: a beginner levelling up, or anyone before her healed date) gives exactly the doses
    # her week pages give for it; "ask before you switch" is only for a version she never does.
    import re

    dose = re.compile(r'href="(exercise-[^"]+\.html)">\s*<span class="dose-name">[^<]*</span>'
                      r'\s*<span class="dose-amount">([^<]*)</span>')
    two_versions = 0
    for slug in SLUGS:
        folder = built_site / slug
        given: dict[str, set[str]] = {}
        for week in folder.glob("week-*.html"):
            for page, amount in dose.findall(week.read_text("utf-8")):
                # A card names the version when it is not her starting one: "(intermediate)".
                given.setdefault(page, set()).add(re.sub(r" \([a-z]+\)$", "", amount))
        for page, amounts in given.items():
            html = (folder / page).read_text("utf-8")
            if "panel-mine" not in html:
                continue  # a readiness test: its target, not a version
            panels = html.split('<section class="panel panel-mine')[1:]
            shown = [re.search(r'class="dose-amount">([^<]*)<', p).group(1)  # type: ignore[union-attr]
                     for p in panels]
            assert set(shown) == amounts, (slug, page)
            assert ("Your later version" in html) == (len(shown) == 2), (slug, page)
            assert ("Ask before you switch" in html) == ('class="other-level"' in html)
            if len(shown) == 2:
                two_versions += 1
                assert 'class="other-level"' not in html, (slug, page)
    assert two_versions  # the example has clients whose plan moves them on
