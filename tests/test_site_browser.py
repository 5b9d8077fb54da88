"""What only a browser shows: layout on a phone, accessibility, scripts, file:// and no-JS."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .browser import axe_light_and_dark, open_page
from .conftest import LENA, SAM

pytestmark = pytest.mark.browser

CLIENT = SAM
PAGES = [
    f"{CLIENT}/index.html",
    f"{CLIENT}/week-01.html",
    f"{CLIENT}/week-07.html",
    f"{CLIENT}/exercise-bulgarian-split-squat.html",
    f"{CLIENT}/exercise-test-walk.html",
    f"{CLIENT}/readiness.html",
    f"{CLIENT}/calendar.html",
    f"{CLIENT}/safety.html",
    f"{LENA}/week-09.html",
    "index.html",
    "404.html",
]


def _page(browser: Any, **options: Any) -> Any:
    return open_page(browser, **options)[1]


@pytest.mark.parametrize("path", PAGES)
def test_no_accessibility_violations(browser: Any, server: str, path: str) -> None:
    # One page load, checked in the light and then the dark colour scheme.
    page = _page(browser, bypass_csp=True, color_scheme="light", viewport={"width": 390,
                                                                           "height": 844})
    page.goto(server + path)
    assert axe_light_and_dark(page) == {"light": [], "dark": []}
    page.context.close()


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("path", PAGES)
def test_readable_on_a_phone_without_sideways_scrolling(
    browser: Any, server: str, path: str, width: int, tmp_path: Path
) -> None:
    page = _page(browser, viewport={"width": width, "height": 800}, device_scale_factor=1)
    page.goto(server + path)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{path} is {overflow}px wide at {width}px"
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 16
    shots = os.environ.get("POSTRUN_SCREENSHOTS")
    if shots and width == 390:
        Path(shots).mkdir(parents=True, exist_ok=True)
        name = path.replace("/", "_").removesuffix(".html")
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)
    assert page.errors == []
    page.context.close()


def test_checklist_ticks_survive_a_reload_and_reset_clears_them(
    browser: Any, server: str
) -> None:
    page = _page(browser)
    page.goto(server + f"{CLIENT}/readiness.html")
    boxes = page.locator("form input[type=checkbox]")
    total = boxes.count()
    assert total == 7
    page.get_by_label("Walk test", exact=False).first.check()
    boxes.nth(1).check()
    summary = page.locator("[data-checklist-summary]")
    expect(summary).to_contain_text(f"2 of {total}")  # the script updates it: wait for that
    page.reload()
    expect(page.locator("form input[type=checkbox]:checked")).to_have_count(2)
    expect(summary).to_contain_text(f"2 of {total}")
    for i in range(total):
        boxes.nth(i).check()
    expect(page.locator("[data-checklist-complete]")).to_be_visible()
    page.locator("[data-checklist-reset]").click()
    page.reload()
    assert page.locator("form input[type=checkbox]:checked").count() == 0
    assert page.errors == []
    page.context.close()


def test_this_week_and_today_are_marked_by_the_browser(browser: Any, server: str) -> None:
    page = _page(browser)
    page.clock.set_fixed_time(dt.datetime(2026, 12, 1, 9, 0))
    page.goto(server + f"{CLIENT}/index.html")
    current = page.locator(".is-current")
    assert current.count() == 1
    assert "This week" in current.inner_text()
    assert page.locator("[data-today-week]").is_visible()
    page.goto(server + f"{CLIENT}/calendar.html")
    assert page.locator('.is-today[data-date="2026-12-01"]').count() >= 1
    assert page.errors == []
    page.context.close()


def test_no_request_leaves_the_site(browser: Any, server: str) -> None:
    page = _page(browser)
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    for path in PAGES:
        page.goto(server + path)
    assert hosts == {urlsplit(server).netloc}
    page.context.close()


def test_works_opened_straight_from_disk(browser: Any, built_site: Path) -> None:
    page = _page(browser)
    page.goto((built_site / CLIENT / "index.html").as_uri())
    page.get_by_role("link", name="Calendar").first.click()
    assert page.url.endswith("calendar.html")
    assert page.locator("h1").inner_text().strip() != ""
    page.goto((built_site / CLIENT / "readiness.html").as_uri())
    page.locator("form input[type=checkbox]").first.check()
    expect(page.locator("[data-checklist-summary]")).to_contain_text("1 of 7")  # as it updates
    assert page.errors == []
    page.context.close()


def test_everything_readable_with_javascript_off(browser: Any, server: str) -> None:
    page = _page(browser, java_script_enabled=False)
    page.goto(server + f"{CLIENT}/week-07.html")
    text = page.locator("main").inner_text()
    assert "jog" in text and "walk" in text
    assert page.locator("time[datetime]").count() >= 7
    page.goto(server + f"{CLIENT}/readiness.html")
    assert page.locator("form input[type=checkbox]").count() == 7
    assert not page.locator("[data-checklist-reset]").is_visible()
    page.context.close()


def test_print_layout_hides_navigation(browser: Any, server: str) -> None:
    page = _page(browser)
    page.goto(server + f"{CLIENT}/week-07.html")
    page.emulate_media(media="print")
    assert not page.locator("nav").first.is_visible()
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1, "a week must fit one A4 page"
    page.context.close()
