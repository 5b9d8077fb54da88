"""A passphrase-protected client in real Chromium: unlock, use, reload, navigate, download.

The example workspace with Sam protected (`passphrase_env`), built once and served over HTTP on
127.0.0.1 (a secure context, like https, so WebCrypto is there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .browser import PASSPHRASE, axe_source, open_page, serving
from .conftest import SAM

pytestmark = pytest.mark.browser

WRONG = "did not work"


@pytest.fixture(scope="session")
def locked_server(locked_site: Path) -> Iterator[str]:
    with serving(locked_site) as url:
        yield f"{url}{SAM}/"


_context = open_page


def _unlock(page: Any, passphrase: str = PASSPHRASE) -> None:
    field = page.get_by_label("Passphrase")
    field.fill(passphrase)
    page.get_by_role("button", name="Unlock my plan").click()


def _asks(page: Any) -> bool:
    page.wait_for_load_state("load")
    return bool(page.get_by_label("Passphrase").is_visible())


def test_the_right_passphrase_shows_her_overview(browser: Any, locked_server: str) -> None:
    context, page = _context(browser)
    page.clock.set_fixed_time(dt.datetime(2026, 12, 1, 9, 0))
    page.goto(locked_server + "index.html")
    assert page.locator("h1").inner_text() == "Your plan is protected"
    assert "Sam" not in page.content().split('id="postrun-payload"')[0]
    _unlock(page)
    page.get_by_role("heading", name="Hello, Sam").wait_for()
    assert page.title() == "Overview · Sam's plan · Riverside Postnatal Running"
    assert page.locator(".brand-whose").inner_text() == "Sam's plan"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("body").get_attribute("class") == "page page-overview"
    # app.js ran on the unlocked page: today and this week are marked.
    page.locator(".is-current").first.wait_for()
    assert "This week" in page.locator(".weeks .is-current").inner_text()
    assert page.get_by_label("Passphrase").count() == 0
    stored = page.evaluate("JSON.stringify(Object.entries(sessionStorage))")
    assert "postrun:key:" in stored and "maple" not in stored, "the key, never the passphrase"
    assert page.errors == []
    context.close()


def test_a_wrong_passphrase_says_so_and_shows_nothing(browser: Any, locked_server: str) -> None:
    context, page = _context(browser)
    page.goto(locked_server + "index.html")
    _unlock(page, "maple tide orbit kettles")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert WRONG in alert.inner_text()
    assert page.locator("h1").inner_text() == "Your plan is protected"
    assert page.get_by_text("Hello, Sam").count() == 0
    assert page.get_by_label("Passphrase").is_visible()
    assert page.evaluate("sessionStorage.length") == 0
    # Then the right one works from the same form.
    _unlock(page)
    page.get_by_role("heading", name="Hello, Sam").wait_for()
    assert page.errors == []
    context.close()


def test_spaces_around_the_passphrase_do_not_matter(browser: Any, locked_server: str) -> None:
    context, page = _context(browser)
    page.goto(locked_server + "index.html")
    _unlock(page, "  maple tide  orbit kettle ")
    page.get_by_role("heading", name="Hello, Sam").wait_for()
    assert page.errors == []
    context.close()


def test_once_per_visit_checklist_reload_and_navigation(browser: Any, locked_server: str) -> None:
    context, page = _context(browser)
    page.goto(locked_server + "readiness.html")
    _unlock(page)
    boxes = page.locator("form.checklist input[type=checkbox]")
    boxes.first.wait_for()
    assert boxes.count() == 7
    boxes.nth(0).check()
    boxes.nth(1).check()
    summary = page.locator("[data-checklist-summary]")
    expect(summary).to_contain_text("2 of 7")  # the script updates it: wait for that
    page.reload()
    assert not _asks(page), "the key kept for the visit opens the page again"
    summary.wait_for()
    assert page.locator("form.checklist input[type=checkbox]:checked").count() == 2
    expect(summary).to_contain_text("2 of 7")

    page.get_by_role("link", name="Overview").first.click()
    page.get_by_role("heading", name="Hello, Sam").wait_for()
    page.locator(".weeks a", has_text="Week 7").click()
    page.get_by_role("heading", name="Week 7").wait_for()
    assert page.url == locked_server + "week-07.html"
    assert not _asks(page)
    assert page.locator("[data-run] [data-timer-start]").count() >= 1, "app.js ran"
    # A link to a day opens the week at that day.
    page.goto(locked_server + "index.html")
    page.goto(locked_server + "week-07.html#d2026-12-05")
    page.get_by_role("heading", name="Week 7").wait_for()
    top = page.evaluate("document.getElementById('d2026-12-05').getBoundingClientRect().top")
    assert page.evaluate("window.scrollY") > 0 and 0 <= top < 40
    assert page.errors == []

    # A closed browser (a new context) asks again.
    other, fresh = _context(browser)
    fresh.goto(locked_server + "week-07.html")
    assert _asks(fresh)
    assert fresh.get_by_text("Week 7").count() == 0
    other.close()
    context.close()


@pytest.mark.parametrize("kept", ["btoa('x'.repeat(32))", "'not base64!'"], ids=["old", "bad"])
def test_a_key_from_an_older_passphrase_asks_again(
    browser: Any, locked_server: str, kept: str
) -> None:
    context, page = _context(browser)
    page.goto(locked_server + "index.html")
    salt = page.locator("#postrun-payload").get_attribute("data-salt")
    page.evaluate(f"sessionStorage.setItem('postrun:key:{salt}', {kept})")
    page.reload()
    assert _asks(page)
    assert page.get_by_role("alert").is_hidden()
    assert page.evaluate("sessionStorage.length") == 0
    _unlock(page)
    page.get_by_role("heading", name="Hello, Sam").wait_for()
    assert page.errors == []
    context.close()


def test_the_calendar_downloads_after_unlocking(browser: Any, locked_server: str) -> None:
    import icalendar

    context, page = _context(browser)
    page.goto(locked_server + "calendar.html")
    _unlock(page)
    link = page.get_by_role("link", name="Add every session to your phone's calendar")
    link.wait_for()
    assert page.get_by_role("link", name="Subscribe to this calendar").count() == 0
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "calendar.ics"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR")
    calendar = icalendar.Calendar.from_ical(data)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) > 40
    assert any("Run/walk" in str(e.get("SUMMARY")) for e in events)
    assert page.errors == []
    context.close()


def test_no_request_leaves_the_site_and_it_works_offline(browser: Any, locked_server: str) -> None:
    context, page = _context(browser)
    hosts: set[str] = set()
    context.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    page.goto(locked_server + "index.html")
    _unlock(page)
    page.get_by_role("heading", name="Hello, Sam").wait_for()
    manifest = page.evaluate("fetch('manifest.webmanifest').then(r => r.json())")
    assert manifest["name"] == "Running plan"
    # (Not wait_for_function: its polling evaluates strings, which the page's CSP forbids.)
    page.evaluate(
        """() => new Promise(done => {
          if (navigator.serviceWorker.controller) { done(); }
          navigator.serviceWorker.addEventListener("controllerchange", () => done());
        })"""
    )
    context.set_offline(True)
    page.goto(locked_server + "week-07.html")
    page.get_by_role("heading", name="Week 7").wait_for()
    assert not _asks(page)
    assert hosts == {urlsplit(locked_server).netloc}
    assert page.errors == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_locked_page_has_no_accessibility_violations(
    browser: Any, locked_server: str, scheme: str
) -> None:
    context, page = _context(browser, bypass_csp=True, color_scheme=scheme,
                             viewport={"width": 390, "height": 844})
    page.goto(locked_server + "index.html")
    page.get_by_label("Passphrase").wait_for()
    page.add_script_tag(content=axe_source())
    rules = "{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}"
    result = page.evaluate(f"async () => await axe.run(document, {rules})")
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
    _unlock(page, "not the passphrase")
    page.get_by_role("alert").wait_for()
    result = page.evaluate(f"async () => await axe.run(document, {rules})")
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
    context.close()


def test_without_javascript_the_locked_page_says_why(browser: Any, locked_server: str) -> None:
    context, page = _context(browser, java_script_enabled=False)
    page.goto(locked_server + "index.html")
    assert "needs JavaScript" in page.locator("main").inner_text()
    assert not page.get_by_label("Passphrase").is_visible()
    context.close()


def test_opened_straight_from_disk(browser: Any, locked_site: Path) -> None:
    """file:// pages are a secure context in Chromium: unlocking works there too (the coach
    checking a build on her computer)."""
    context, page = _context(browser)
    page.goto((locked_site / SAM / "index.html").as_uri())
    _unlock(page)
    page.get_by_role("heading", name="Hello, Sam").wait_for()
    page.get_by_role("link", name="Calendar").first.click()
    page.get_by_role("heading", name="Calendar").wait_for()
    assert page.url.endswith("calendar.html")
    # From disk a page may not read another file: the calendar link says so (online it works).
    page.get_by_role("link", name="Add every session to your phone's calendar").click()
    expect(page.get_by_role("alert")).to_contain_text("could not be opened here")
    assert page.errors == []
    context.close()
