"""Her companion on the run (issue 15): advice by symptom, holds she can see, her coach one tap
away, cues she can trust, readiness first, larger text, her session time, progress chart,
fresh and offline pages, her log, print.

Real headless Chromium at phone width against the example site, sharing the session's build
and browser; the page clock is Playwright's, so minutes pass in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import expect

from .browser import RECORDER, axe_light_and_dark, open_page, serving
from .conftest import LENA, PRIYA, REPO, SAM

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 780}
RUN_DAY = "2026-12-01"  # Sam, week 7: stage 1 (the stage-2 step up is on Thu 3 Dec)
AFTER = dt.datetime(2026, 12, 5, 9, 0)  # her runs of 1, 3 and 5 Dec are done


def _page(browser: Any, when: dt.datetime | None = AFTER, **options: Any) -> tuple[Any, Any]:
    context, page = open_page(browser, viewport=PHONE, **options)
    if when is not None:
        page.clock.set_fixed_time(when)
    return context, page


def _log(page: Any, day: str, *labels: str) -> Any:
    form = page.locator(f'[data-run][data-session-date="{day}"] [data-symptom-check]')
    for label in labels or ("None of these",):
        form.get_by_label(label, exact=True).check()
    form.get_by_role("button", name="Save to my log").click()
    return form


# ---------------------------------------------------------------- 1, 2: advice and holds


def test_advice_by_symptom_kind_and_the_marks_on_later_runs(browser: Any, server: str) -> None:
    # The flow once; its advice and marks checked by axe in the light and the dark scheme.
    context, page = _page(browser, color_scheme="light", bypass_csp=True)
    page.goto(server + f"{SAM}/week-07.html")
    card = page.locator(f'[data-run][data-session-date="{RUN_DAY}"]')
    form = card.locator("[data-symptom-check]")
    # Every sign of the protocol, hold and stop, is in the form.
    for label in ("Leaking urine", "Pelvic heaviness or dragging", "A bulge at the vaginal opening",
                  "Any loss of bowel control", "Pain or swelling in a calf"):
        assert form.get_by_label(label, exact=True).count() == 1, label

    _log(page, RUN_DAY, "Leaking urine")
    hold = form.locator('[data-advice="hold"]')
    assert hold.is_visible() and not form.locator('[data-advice="stop"]').is_visible()
    assert "Repeat stage 1 next time" in hold.inner_text()
    assert "Do not move on" in hold.inner_text() and "Jo Alvarez" in hold.inner_text()
    # The step up of Thu 3 Dec is now marked "On hold"; the repeat of Sat 5 Dec is not.
    step_up = page.locator('[data-run][data-session-date="2026-12-03"]')
    assert step_up.locator('[data-log-mark="hold"]').is_visible()
    assert "On hold" in step_up.locator(".log-mark").inner_text()
    assert "leaking urine" in step_up.locator(".log-mark").inner_text()
    assert page.locator('[data-run][data-session-date="2026-12-05"] .log-mark').count() == 0

    form.get_by_label("A bulge at the vaginal opening").check()
    form.get_by_role("button", name="Save to my log").click()
    stop = form.locator('[data-advice="stop"]')
    expect(stop).to_be_visible()
    expect(hold).to_be_hidden()
    text = stop.inner_text()
    assert "Stop running" in text and "GP or a pelvic-health physiotherapist" in text
    assert "Jo Alvarez" in text and "Repeat" not in text and "repeat" not in text
    for later in ("2026-12-03", "2026-12-05"):
        mark = page.locator(f'[data-run][data-session-date="{later}"] [data-log-mark="stop"]')
        assert mark.is_visible() and "Stop" in mark.inner_text()
    assert page.evaluate("document.activeElement.dataset.advice") == "stop"
    assert axe_light_and_dark(page) == {"light": [], "dark": []}

    # Today's run on the overview (Sat 5 Dec) says "Stop" too, in words.
    page.goto(server + f"{SAM}/index.html")
    today = page.locator("[data-today-sessions] [data-today-run]")
    assert today.get_attribute("data-today-run") == "2026-12-05"
    assert today.locator('[data-today-mark="stop"]').is_visible()
    assert today.inner_text().strip() == "Stop"
    # The marks follow her to the next week, and go once a later run had no symptoms.
    page.goto(server + f"{SAM}/week-08.html")
    assert page.locator('[data-log-mark="stop"]').count() >= 3
    page.goto(server + f"{SAM}/week-07.html")
    _log(page, "2026-12-03")
    assert page.locator(".log-mark").count() == 0

    # The week page carries the same advice for every sign, without and with scripts.
    advice = page.locator("#after-run-advice")
    assert "Repeat this stage next time" in advice.locator(".advice-hold").inner_text()
    assert "A bulge at the vaginal opening" in advice.locator(".advice-stop").inner_text()
    assert "repeat" not in advice.locator(".advice-stop").inner_text().lower()
    page.goto(server + f"{SAM}/safety.html")
    safety = page.locator("main").inner_text()
    assert "Signs to hold back" in safety and "Signs to stop" in safety
    assert "see your GP or a pelvic-health physiotherapist before you run again" in safety
    assert "repeat the same stage" in safety
    # With a later run free of symptoms, today's run on the overview is unmarked again.
    page.goto(server + f"{SAM}/index.html")
    assert page.locator("[data-today-sessions] [data-today-run]").inner_text().strip() == ""
    assert page.errors == []
    context.close()


# ---------------------------------------------------------------- 3, 10: coach, log


def test_coach_links_in_every_footer(browser: Any, server: str) -> None:
    context, page = _page(browser, None)
    for path in ("index.html", "week-07.html", "readiness.html", "calendar.html",
                 "safety.html", "exercise-dead-bug.html", "offline.html"):
        page.goto(server + f"{SAM}/{path}")
        footer = page.locator("footer")
        mail = footer.get_by_role("link", name=re.compile("^Email Jo Alvarez"))
        assert mail.get_attribute("href") == "mailto:jo@riverside-running.example", path
        call = footer.get_by_role("link", name=re.compile("^Call Jo Alvarez"))
        assert call.get_attribute("href") == "tel:01615550142", path
    context.close()


def test_her_log_email_delete_no_future_and_download_for_postrun(
    browser: Any, server: str, tmp_path: Path
) -> None:
    context, page = _page(browser, dt.datetime(2026, 12, 3, 9, 0))
    page.goto(server + f"{SAM}/week-07.html")
    future = page.locator('[data-run][data-session-date="2026-12-05"] [data-symptom-check]')
    assert future.locator("[data-symptom-future]").is_visible()
    assert not future.get_by_role("button", name="Save to my log").is_visible()
    assert future.get_by_label("Leaking urine").is_disabled()

    _log(page, RUN_DAY, "Pelvic heaviness or dragging", "Leaking urine")
    form = _log(page, "2026-12-03")
    mail = form.get_by_role("link", name="Email my log to Jo Alvarez")
    href = mail.get_attribute("href") or ""
    parts = urlsplit(href)
    assert parts.scheme == "mailto" and unquote(parts.path) == "jo@riverside-running.example"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Run log: Sam Rivera"]
    body = query["body"][0]
    assert "2026-12-01 Tue · stage 1 · pelvic heaviness or dragging; leaking urine" in body
    assert "2026-12-03 Thu · stage 2 · no symptoms" in body

    with page.expect_download() as info:
        form.get_by_role("link", name="Download log").click()
    saved = tmp_path / "log.txt"
    info.value.save_as(saved)
    text = saved.read_text("utf-8")
    assert text.startswith("Sam Rivera: run/walk log")
    assert "2026-12-01 Tue · stage 1 · pelvic heaviness or dragging; leaking urine" in text
    block = text.split("----- postrun log data", 1)[1].split("\n", 1)[1]
    data = json.loads(block.split("----- end of postrun log data -----")[0])
    assert data["schema"] == 1
    assert data["entries"] == [
        {"date": "2026-12-01", "stage": 1, "symptoms": ["heaviness", "leakage"]},
        {"date": "2026-12-03", "stage": 2, "symptoms": []},
    ]

    page.goto(server + f"{SAM}/index.html")
    entries = page.locator("[data-run-log-list] li")
    assert entries.count() == 2
    page.get_by_role("button", name="Delete the entry of Tue 1 Dec").click()
    expect(entries).to_have_count(1)  # the script redraws the list: wait for it
    expect(entries).to_contain_text("Thu 3 Dec")
    expect(page.locator("[data-run-log-deleted]")).to_be_visible()
    page.get_by_role("button", name="Undo").click()
    assert entries.count() == 2
    page.get_by_role("button", name="Delete the entry of Tue 1 Dec").click()
    page.reload()
    assert entries.count() == 1
    assert page.errors == []
    context.close()


# ---------------------------------------------------------------- 4: timer cues

LONG_RUN = "2027-01-14"  # Sam, week 13, stage 8: 5 min walk, then 15 min jog, 1 min walk, …


def _spoken(page: Any) -> list[str]:
    return list(page.evaluate("window.__spoken"))


def test_timer_cues_warnings_countdown_long_jogs_gaps_and_quiet_skips(
    browser: Any, server: str
) -> None:
    start = dt.datetime(2027, 1, 14, 7, 0)
    context, page = _page(browser, None)
    page.add_init_script(RECORDER)
    page.clock.install(time=start)
    page.goto(server + f"{SAM}/week-13.html")
    page.clock.pause_at(start + dt.timedelta(seconds=30))
    starts = page.get_by_role("button", name=re.compile("^Start timer"))
    names = [starts.nth(i).get_attribute("aria-label") or starts.nth(i).inner_text()
             for i in range(starts.count())]
    assert len(set(names)) == len(names) == 3, "each Start button names its day"
    card = page.locator(f'[data-run][data-session-date="{LONG_RUN}"]')
    card.get_by_role("button", name="Start timer for your run/walk on Thursday 14 January").click()
    assert _spoken(page) == ["Warm up: walk 5 minutes"]

    page.clock.run_for(289_000)
    beeps = page.evaluate("window.__beeps")
    page.clock.run_for(2_000)
    assert _spoken(page)[-1] == "Jog in 10 seconds"
    page.clock.run_for(8_800)
    assert page.evaluate("window.__beeps") - beeps == 3, "3-2-1"
    page.clock.run_for(1_000)
    assert _spoken(page)[-1] == "Jog for 15 minutes"

    # 15 min of jogging: 10 min left, halfway, 5 min left.
    page.clock.run_for(301_000)
    assert _spoken(page)[-1] == "10 minutes left"
    page.clock.run_for(150_000)
    assert _spoken(page)[-1] == "Halfway, 7 minutes 30 seconds left"
    said = len(_spoken(page))

    # A locked screen for 2 minutes: the time actually left, once.
    page.clock.fast_forward(120_000)
    page.clock.run_for(1_000)
    spoken = _spoken(page)
    assert len(spoken) == said + 1
    assert re.fullmatch(r"Jog, 5 minutes 2\d seconds left", spoken[-1]), spoken[-1]
    left = card.locator("[data-timer-left]").inner_text()  # a second later
    assert spoken[-1].endswith(f"{int(left[2:]) + 1} seconds left")

    # Paused: skipping is silent.
    card.get_by_role("button", name="Pause").click()
    card.get_by_role("button", name="Skip to the next part").click()
    page.clock.run_for(2_000)
    assert _spoken(page) == spoken
    assert card.locator("[data-timer]").get_attribute("data-activity") == "walk"
    assert page.errors == []
    context.close()


def test_a_session_that_ended_while_closed_shows_done_with_the_log_prompt(
    browser: Any, server: str
) -> None:
    start = dt.datetime(2026, 12, 1, 8, 0)
    context, page = _page(browser, None)
    page.add_init_script(RECORDER)
    page.clock.install(time=start)
    page.goto(server + f"{SAM}/week-07.html")
    card = page.locator(f'[data-run][data-session-date="{RUN_DAY}"]')
    card.get_by_role("button", name=re.compile("^Start timer")).click()
    page.clock.run_for(60_000)
    page.goto("about:blank")
    page.clock.fast_forward("45:00")
    page.goto(server + f"{SAM}/week-07.html")
    timer = card.locator("[data-timer]")
    assert timer.get_attribute("data-state") == "done"
    assert card.locator(".timer-done-note").is_visible()
    assert card.get_by_role("button", name=re.compile("^Start again")).is_visible()
    assert card.locator("[data-symptom-check]").is_visible()
    page.reload()
    assert timer.get_attribute("data-state") == "done"
    assert page.errors == []
    context.close()


# ---------------------------------------------------------------- 5: readiness first


def test_readiness_gates_her_first_run_and_all_passed_is_announced(
    browser: Any, server: str
) -> None:
    context, page = _page(browser, dt.datetime(2026, 11, 24, 9, 0))
    page.goto(server + f"{SAM}/week-06.html")
    gate = page.locator("[data-readiness-gate]")
    assert gate.count() == 1
    assert "Readiness first" in gate.inner_text() and "0 of 7" in gate.inner_text()
    assert "tell Jo Alvarez" in gate.inner_text()
    page.goto(server + f"{SAM}/readiness.html")
    assert page.locator("[data-checklist-kept]").is_visible()
    boxes = page.locator("form input[type=checkbox]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    status = page.locator("[data-checklist-status]")
    assert status.get_attribute("role") == "status"
    expect(status).to_contain_text("All passed")  # as the script updates it
    page.goto(server + f"{SAM}/week-06.html")
    assert "all 7 passed" in gate.inner_text() and "Readiness first" not in gate.inner_text()
    context.close()

    context, page = _page(browser, None, java_script_enabled=False)
    page.goto(server + f"{SAM}/readiness.html")
    assert not page.locator("[data-checklist-kept]").is_visible()
    assert "cannot keep your ticks" in page.locator("main").inner_text()
    page.goto(server + f"{SAM}/week-06.html")
    assert "Readiness first" in page.locator("[data-readiness-gate]").inner_text()
    context.close()


# ---------------------------------------------------------------- 6: larger text

LARGE_TEXT_PAGES = ["index.html", "week-07.html", "readiness.html", "calendar.html",
                    "safety.html", "exercise-bulgarian-split-squat.html"]

OVERLAPS = """() => {
  const boxes = [];
  document.querySelectorAll('a[href], button').forEach((el, i) => {
    if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') return;
    for (const r of el.getClientRects()) {
      if (r.width > 1 && r.height > 1) boxes.push([i, r, el.textContent.trim().slice(0, 30)]);
    }
  });
  const out = [];
  for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
    const [i, r, t] = boxes[a], [j, s, u] = boxes[b];
    if (i === j || r.top < -100 || s.top < -100) continue;
    const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
    const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
    if (w > 1 && h > 1) out.push([t, u]);
  }
  return out;
}"""


@pytest.mark.parametrize("font", [24, 32])
def test_larger_text_never_scrolls_sideways(browser: Any, server: str, font: int) -> None:
    context, page = _page(browser, None)
    cdp = context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": font, "fixed": font}})
    for path in LARGE_TEXT_PAGES:
        page.goto(server + f"{SAM}/{path}")
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > font
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide with {font}px text"
        assert page.evaluate(OVERLAPS) == [], path
    # The skip link stays out of sight until it has the focus.
    skip = page.locator(".skip-link")
    box = skip.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 0
    page.keyboard.press("Tab")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0
    # The menu wraps rather than running off the screen.
    for link in page.locator(".site-nav a").all():
        b = link.bounding_box()
        assert b is not None and b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"]
    # The timer grows with the text.
    page.goto(server + f"{SAM}/week-07.html")
    page.locator("[data-run]").first.get_by_role("button", name=re.compile("^Start timer")).click()
    panel = page.locator("[data-timer-panel]").first
    assert panel.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(OVERLAPS) == []
    context.close()


@pytest.mark.parametrize("width", [320, 360])
def test_no_two_links_overlap_on_a_narrow_phone(browser: Any, server: str, width: int) -> None:
    context, page = open_page(browser, viewport={"width": width, "height": 700})
    for path in (f"{SAM}/week-09.html", f"{SAM}/index.html", f"{SAM}/calendar.html",
                 f"{SAM}/readiness.html", f"{PRIYA}/week-10.html"):
        page.goto(server + path)
        assert page.evaluate(OVERLAPS) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    context.close()


# ---------------------------------------------------------------- 7, 8: time and chart


def test_her_session_time_beside_her_sessions(
    browser: Any, server: str, workspace: Any, runner: Any
) -> None:
    from generator.cli import cli

    profile = (REPO / "profiles/priya-shah.yaml").read_text("utf-8")
    root = workspace(
        {"profiles/priya-shah.yaml": profile + 'session_time: "19:30"\ntimezone: Europe/London\n',
         "profiles/sam-rivera.yaml": None, "profiles/lena-okafor.yaml": None}
    )
    result = runner.invoke(cli, ["-C", str(root), "build", "-q"])
    assert result.exit_code == 0, result.output
    with serving(root / "site") as url:
        context, page = _page(browser, dt.datetime(2026, 12, 9, 9, 0))  # her first run
        page.goto(url + f"{PRIYA}/index.html")
        assert "Your sessions start at 19:30" in page.locator(".lede").inner_text()
        today = page.locator("[data-today-sessions] li").first
        assert "at 19:30" in today.inner_text()
        page.goto(url + f"{PRIYA}/week-11.html")
        run = page.locator("[data-run]").first
        assert "at 19:30" in run.locator(".session-title").inner_text()
        context.close()
    # Sam has no session time: nothing of it on her pages.
    context, page = _page(browser, None)
    page.goto(server + f"{SAM}/week-07.html")
    assert page.locator(".session-time").count() == 0
    context.close()


def test_progress_chart_names_itself_and_marks_today(browser: Any, server: str) -> None:
    context, page = _page(browser, dt.datetime(2026, 12, 5, 9, 0))
    page.goto(server + f"{SAM}/index.html")
    chart = page.get_by_role("img", name="Chart: minutes of jogging in each run/walk of your plan")
    assert chart.count() == 1
    assert chart.locator(".chart-bar").count() == 44
    assert chart.locator(".chart-goal").count() == 1
    summary = page.locator(".chart-summary").inner_text()
    assert summary.startswith("44 run/walks from Thu 26 Nov 2026")
    assert "goal: parkrun 5 km on Sat 6 Mar 2027" in summary
    today = chart.locator("#chart-today")
    assert today.get_attribute("visibility") is None
    x = float(today.locator("line").get_attribute("x1") or 0)
    bars = chart.locator(".chart-bar")
    first = float(bars.nth(0).get_attribute("x") or 0)  # Thu 26 Nov
    fifth = float(bars.nth(4).get_attribute("x") or 0)  # Thu 3 Dec
    sixth = float(bars.nth(5).get_attribute("x") or 0)  # Sat 5 Dec
    assert first < fifth < x < sixth + 10
    page.emulate_media(media="print")
    assert chart.is_visible()
    context.close()

    # Lena's plan was held by her coach: the chart shades it.
    context, page = _page(browser, None)
    page.goto(server + f"{LENA}/index.html")
    assert page.locator(".chart .chart-hold").count() >= 1
    assert "on hold" in page.locator(".chart-summary").inner_text()
    context.close()


# ---------------------------------------------------------------- 9: fresh and whole


def test_a_newer_plan_offers_a_reload_and_unknown_pages_offline_are_friendly(
    browser: Any, built_site: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "site"
    shutil.copytree(built_site / SAM, folder / SAM)
    with serving(folder) as url:
        context, page = _page(browser, None)
        page.goto(url + f"{SAM}/index.html")
        page.evaluate(
            """async () => {
              await navigator.serviceWorker.ready;
              while (!navigator.serviceWorker.controller) {
                await new Promise(done => setTimeout(done, 50));
              }
            }"""
        )
        page.reload()
        assert not page.locator("[data-update-message]").is_visible()
        # Her coach publishes a new version: a changed page, so a new worker.
        index = folder / SAM / "index.html"
        index.write_text(index.read_text("utf-8").replace("Hello, Sam", "Hello again, Sam"))
        sw = folder / SAM / "sw.js"
        sw.write_text(sw.read_text("utf-8") + "\n// a newer build\n")
        page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
        message = page.locator("[data-update-message]")
        message.wait_for(state="visible", timeout=15_000)
        assert "Your plan was updated" in message.inner_text()
        message.get_by_role("button", name="Reload").click()
        page.wait_for_load_state()
        expect(page.locator("h1")).to_have_text("Hello again, Sam")

        context.set_offline(True)
        page.goto(url + f"{SAM}/week-99.html")
        assert page.locator("h1").inner_text() == "You are offline"
        assert page.get_by_role("link", name="your overview").count() == 1
        assert page.errors == [] or all("net::" in e or "Failed to load" in e
                                        for e in page.errors)
        context.close()


# ---------------------------------------------------------------- 11: print


def test_print_keeps_phases_whole_and_the_week_s_advice(browser: Any, server: str) -> None:
    context, page = _page(browser, None)
    page.goto(server + f"{SAM}/index.html")
    page.emulate_media(media="print")
    assert not page.locator("section.more").is_visible()
    for phase in page.locator(".timeline .phase").all():
        assert phase.locator("h3").is_visible() and phase.locator(".phase-dates").is_visible()
        assert phase.evaluate("el => getComputedStyle(el).breakInside") == "avoid"
    page.goto(server + f"{SAM}/week-07.html")
    page.emulate_media(media="print")
    advice = page.locator("#after-run-advice")
    assert advice.is_visible()
    assert "GP or a pelvic-health physiotherapist" in advice.inner_text()
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1, "the week still fits one A4 page"
    context.close()
