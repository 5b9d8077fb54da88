"""The interactive parts in her hand: interval timer, symptom log, today, offline.

Real headless Chromium against the example site over HTTP; the page clock is Playwright's, so
minutes pass in milliseconds and a "locked phone" is one jump of the clock.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .browser import RECORDER, axe_light_and_dark, open_page
from .conftest import SAM

pytestmark = pytest.mark.browser

WEEK = f"{SAM}/week-07.html"
# Sam's first run of week 7 (Tue 1 Dec 2026), stage 1: a 5 min warm-up walk, then
# 6 × (1 min jog, 2 min walk), 1 min jog, 1 min walk, then a 5 min cool-down walk.
RUN_DAY = "2026-12-01"
STARTED = dt.datetime(2026, 12, 1, 8, 0, 0)



_context = open_page


def _seconds(text: str) -> int:
    parts = [int(p) for p in text.strip().split(":")]
    total = 0
    for part in parts:
        total = total * 60 + part
    return total


def _timer_page(browser: Any, server: str, **options: Any) -> tuple[Any, Any, Any]:
    context, page = _context(browser, **options)
    page.add_init_script(RECORDER)
    page.clock.install(time=STARTED)
    page.goto(server + WEEK)
    page.clock.pause_at(STARTED + dt.timedelta(minutes=1))
    card = page.locator(f'[data-run][data-session-date="{RUN_DAY}"]')
    return context, page, card


def _state(card: Any) -> dict[str, Any]:
    timer = card.locator("[data-timer]")
    return {
        "state": timer.get_attribute("data-state"),
        "activity": timer.get_attribute("data-activity"),
        "part": timer.get_attribute("data-part"),
        "index": timer.get_attribute("data-index"),
        "left": _seconds(timer.locator("[data-timer-left]").inner_text()),
        "session_left": _seconds(timer.locator("[data-timer-session-left]").inner_text()),
        "now": timer.locator("[data-timer-now]").text_content(),
    }


def test_the_timer_is_made_by_script_and_the_written_intervals_stay(
    browser: Any, server: str
) -> None:
    context, page = _context(browser, java_script_enabled=False)
    page.goto(server + WEEK)
    card = page.locator(f'[data-run][data-session-date="{RUN_DAY}"]')
    assert "6 × (1 min jog, 2 min walk)" in card.inner_text()
    assert card.get_by_role("button").count() == 0, "no dead buttons without scripts"
    assert card.locator("[data-symptom-check]").is_hidden()
    assert "tell Jo Alvarez" in card.inner_text()
    context.close()

    context, page, card = _timer_page(browser, server)
    start = card.get_by_role("button", name="Start timer")
    assert start.is_visible()
    box = start.bounding_box()
    assert box is not None and box["height"] >= 48
    plan = page.evaluate("fetch('plan.json').then(r => r.json())")
    session = next(s for s in plan["sessions"] if s["date"] == RUN_DAY)
    written = json.loads(card.get_attribute("data-segments") or "")
    assert written == [{"a": g["activity"], "s": g["seconds"], "p": g["part"]}
                       for g in session["segments"]]
    assert page.errors == []
    context.close()


def test_the_timer_steps_through_segments_and_announces_each(
    browser: Any, server: str
) -> None:
    context, page, card = _timer_page(browser, server)
    card.get_by_role("button", name="Start timer").click()
    first = _state(card)
    assert first["state"] == "running"
    assert (first["activity"], first["part"]) == ("walk", "warm_up")
    assert first["left"] == 300 and first["session_left"] == 1800
    assert page.evaluate("window.__spoken") == ["Warm up: walk 5 minutes"]
    for button in ("Pause", "Skip"):
        size = card.get_by_role("button", name=button).bounding_box()
        assert size is not None and size["height"] >= 48 and size["width"] >= 48

    page.clock.run_for(300_000)
    jog = _state(card)
    assert (jog["activity"], jog["part"]) == ("jog", "main")
    assert jog["left"] == 60 and jog["session_left"] == 1500
    assert "Jog" in jog["now"]
    assert page.evaluate("window.__spoken") == [
        "Warm up: walk 5 minutes", "Jog in 10 seconds", "Jog for 1 minute"]
    assert page.evaluate("window.__beeps") >= 3, "one low beep, then two rising beeps"
    assert page.evaluate("window.__buzzes.length") == 2

    page.clock.run_for(20_000)
    assert _state(card)["left"] == 40
    card.get_by_role("button", name="Pause").click()
    paused = _state(card)
    assert paused["state"] == "paused" and "Paused" in paused["now"]
    page.clock.run_for(60_000)
    assert _state(card) == paused, "nothing moves while paused"
    card.get_by_role("button", name="Resume").click()
    page.clock.run_for(10_000)
    resumed = _state(card)
    assert (resumed["activity"], resumed["left"]) == ("jog", 30)

    card.get_by_role("button", name="Skip to the next part").click()
    skipped = _state(card)
    assert (skipped["activity"], skipped["part"]) == ("walk", "main")
    assert skipped["left"] == 120 and skipped["session_left"] == 1440
    assert page.evaluate("window.__spoken")[-1] == "Walk now, 2 minutes"
    assert page.errors == []
    context.close()


def test_after_a_locked_phone_the_timer_jumps_to_where_the_clock_says(
    browser: Any, server: str
) -> None:
    context, page, card = _timer_page(browser, server)
    card.get_by_role("button", name="Start timer").click()
    status = card.locator("[data-timer-now]")
    assert status.get_attribute("aria-live") == "polite"
    # 20 min 30 s in one jump: 5 min warm-up + 5 × 3 min intervals + 30 s of the 6th jog.
    page.clock.fast_forward("20:30")
    page.clock.run_for(1_000)
    after = _state(card)
    assert (after["activity"], after["part"], after["index"]) == ("jog", "main", "11")
    assert after["left"] == 29 and after["session_left"] == 1800 - 1231
    spoken = page.evaluate("window.__spoken")
    assert spoken[0] == "Warm up: walk 5 minutes" and len(spoken) == 2, "only the current one"
    assert re.fullmatch(r"Jog, (29|30) seconds left", spoken[1]), "with the time really left"
    status_text = status.inner_text()
    page.clock.run_for(5_000)
    assert status.inner_text() == status_text, "the live region does not tick every second"

    # Past the end: done, one closing cue, and focus on the symptom check.
    page.clock.fast_forward("30:00")
    page.clock.run_for(1_000)
    assert card.locator("[data-timer]").get_attribute("data-state") == "done"
    assert page.evaluate("window.__spoken")[-1] == "Well done, session complete"
    assert page.evaluate("document.activeElement.textContent") == "After your run"
    assert card.get_by_role("button", name="Start again").is_visible()
    assert page.errors == []
    context.close()


def test_a_running_timer_survives_a_reload(browser: Any, server: str) -> None:
    context, page, card = _timer_page(browser, server)
    card.get_by_role("button", name="Start timer").click()
    page.clock.run_for(400_000)
    page.reload()
    page.clock.run_for(1_000)
    state = _state(card)
    assert state["state"] == "running"
    assert (state["activity"], state["left"]) == ("walk", 79)
    assert page.errors == []
    context.close()


def test_the_symptom_check_advises_persists_and_exports(
    browser: Any, server: str, tmp_path: Path
) -> None:
    context, page = _context(browser)
    page.clock.set_fixed_time(dt.datetime(2026, 12, 1, 9, 0))
    page.goto(server + WEEK)
    card = page.locator(f'[data-run][data-session-date="{RUN_DAY}"]')
    form = card.locator("[data-symptom-check]")
    assert form.is_visible()
    assert form.locator("fieldset legend").count() == 1
    form.get_by_label("Leaking urine").check()
    form.get_by_role("button", name="Save to my log").click()
    advice = form.locator('[data-advice="hold"]')
    expect(advice).to_be_visible()
    text = advice.inner_text()
    assert "Repeat stage 1 next time" in text and "Do not move on" in text
    assert "Jo Alvarez" in text
    assert advice.get_by_role("link", name="email").get_attribute("href") == (
        "mailto:jo@riverside-running.example")
    assert not form.locator('[data-advice="none"]').is_visible()

    page.reload()
    form = page.locator(f'[data-run][data-session-date="{RUN_DAY}"] [data-symptom-check]')
    assert form.get_by_label("Leaking urine").is_checked()
    assert form.locator('[data-advice="hold"]').is_visible()
    stored = page.evaluate(
        "JSON.parse(localStorage.getItem('postrun:log:' + "
        "document.querySelector('[data-symptom-check]').dataset.plan))"
    )
    assert len(stored) == 1
    assert stored[0]["date"] == RUN_DAY and stored[0]["stage"] == 1
    assert stored[0]["symptoms"] == ["leakage"] and stored[0]["ts"]

    with page.expect_download() as info:
        form.get_by_role("link", name="Download log").click()
    download = info.value
    assert download.suggested_filename == "running-log.txt"
    saved = tmp_path / "log.txt"
    download.save_as(saved)
    lines = saved.read_text("utf-8").splitlines()
    assert lines[0].startswith("Sam Rivera")
    assert any(RUN_DAY in line and "stage 1" in line and "leaking urine" in line for line in lines)

    form.get_by_label("None of these").check()
    assert not form.get_by_label("Leaking urine").is_checked()
    form.get_by_role("button", name="Save to my log").click()
    good = form.locator('[data-advice="none"]')
    expect(good).to_be_visible()
    assert "Well done" in good.inner_text()
    assert "follow your plan" in good.inner_text()
    assert not form.locator('[data-advice="hold"]').is_visible()

    # Copy: the clipboard may refuse (no permission here): then she is told what to do.
    form.get_by_role("button", name="Copy log").click()
    expect(form.locator("[data-log-message]")).to_contain_text(re.compile("Copied|Download log"))

    page.goto(server + f"{SAM}/index.html")
    log = page.locator("[data-run-log]")
    assert log.is_visible()
    assert "Your run log" in log.inner_text()
    assert "Tue 1 Dec" in log.inner_text() and "no symptoms" in log.inner_text()
    assert page.errors == []
    context.close()


def test_the_copy_button_puts_the_log_on_the_clipboard(browser: Any, server: str) -> None:
    origin = server.rstrip("/")
    context, page = _context(browser)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page.clock.set_fixed_time(dt.datetime(2026, 12, 1, 9, 0))
    page.goto(server + WEEK)
    form = page.locator(f'[data-run][data-session-date="{RUN_DAY}"] [data-symptom-check]')
    form.get_by_label("Pelvic heaviness or dragging").check()
    form.get_by_role("button", name="Save to my log").click()
    form.get_by_role("button", name="Copy log").click()
    expect(form.locator("[data-log-message]")).to_contain_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert RUN_DAY in copied and "pelvic heaviness" in copied
    assert page.errors == []
    context.close()


def test_today_is_listed_on_the_overview(browser: Any, server: str) -> None:
    context, page = _context(browser)
    page.clock.set_fixed_time(dt.datetime(2026, 12, 1, 9, 0))
    page.goto(server + f"{SAM}/index.html")
    box = page.locator("[data-today-box]")
    assert box.is_visible()
    assert "Tuesday 1 December" in box.inner_text()
    link = box.get_by_role("link", name="Run/walk, stage 1")
    assert link.get_attribute("href") == "week-07.html#d2026-12-01"
    page.goto(server + f"{SAM}/week-07.html")
    assert page.evaluate("document.activeElement.id") == "d2026-12-01"
    page.goto(server + f"{SAM}/calendar.html")
    assert page.locator("tr.is-current-week").count() == 1
    assert page.errors == []
    context.close()


def test_the_site_works_offline_after_one_visit(browser: Any, server: str) -> None:
    context, page = _context(browser)
    hosts: set[str] = set()
    context.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    page.goto(server + f"{SAM}/index.html")
    manifest = page.locator('link[rel="manifest"]').get_attribute("href")
    assert manifest == "manifest.webmanifest"
    data = page.evaluate("fetch('manifest.webmanifest').then(r => r.json())")
    assert data["name"] == "Sam's running plan"
    assert (data["start_url"], data["scope"], data["display"]) == ("index.html", "./",
                                                                    "standalone")
    assert data["icons"][0]["sizes"] == "any"
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == server + f"{SAM}/"
    # Controlled once the worker is active, i.e. after every file was put in its cache.
    page.evaluate(
        """async () => {
          while (!navigator.serviceWorker.controller) {
            await new Promise(done => setTimeout(done, 50));
          }
        }"""
    )
    cached = page.evaluate(
        """async () => {
          const names = await caches.keys();
          const mine = names.filter(n => n.startsWith('postrun-'));
          const cache = await caches.open(mine[0]);
          return [mine, (await cache.keys()).map(r => r.url)];
        }"""
    )
    names, urls = cached
    assert len(names) == 1
    for name in ("index.html", "week-07.html", "readiness.html", "assets/app.js",
                 "assets/style.css", "calendar.ics", "plan.json"):
        assert server + f"{SAM}/{name}" in urls

    context.set_offline(True)
    page.reload()
    assert page.locator("h1").inner_text() == "Hello, Sam"
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
    page.goto(server + WEEK)
    assert page.locator("h1").inner_text() == "Week 7"
    assert page.locator("[data-run] [data-timer-start]").count() >= 1, "scripts ran offline"
    page.goto(server + f"{SAM}/readiness.html")
    page.locator("form input[type=checkbox]").first.check()
    expect(page.locator("[data-checklist-summary]")).to_contain_text("1 of 7")  # as it updates
    assert hosts == {urlsplit(server).netloc}
    assert page.errors == []
    context.close()


def test_no_accessibility_violations_while_running(browser: Any, server: str) -> None:
    # One run through; axe checks each state in the light and then the dark colour scheme.
    context, page, card = _timer_page(
        browser, server, bypass_csp=True, color_scheme="light",
        viewport={"width": 390, "height": 844},
    )
    card.get_by_role("button", name="Start timer").click()
    page.clock.run_for(330_000)
    form = card.locator("[data-symptom-check]")
    form.get_by_label("Leaking urine").check()
    form.get_by_role("button", name="Save to my log").click()
    # The next run is still to come: its check waits for the day.
    other = page.locator("[data-run]").nth(1).locator("[data-symptom-check]")
    expect(other.locator("[data-symptom-future]")).to_be_visible()
    page.clock.resume()  # axe waits on timers of its own; the timer runs on in real time
    assert card.locator("[data-timer]").get_attribute("data-state") == "running"
    assert axe_light_and_dark(page) == {"light": [], "dark": []}
    page.goto(server + f"{SAM}/index.html")
    assert axe_light_and_dark(page) == {"light": [], "dark": []}
    context.close()
