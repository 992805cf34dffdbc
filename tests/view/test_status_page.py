"""The read-only ``/status`` page, served by ``ObservabilityServer`` on 127.0.0.1 and looked at in
headless Chromium (Playwright): what a manager sees, per rep, and that it is escaped HTML.

``ONEONONE_SCREENSHOT=docs/status-page.png`` saves a screenshot of the page (for the docs), and
``ONEONONE_SCREENSHOT_375=docs/status-page-375.png`` one of a manager's page on a phone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import shutil
from pathlib import Path

import pytest

from integrations.shell.observe import Metrics, ObservabilityServer
from integrations.state.items import ActionItems
from integrations.state.store import Store
from integrations.views.status import manager_page, status_page
from scheduler.notes import ActionLine
from tests.view.conftest import SAM_KEY

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None and not Path(CHROMIUM).exists(),
    reason="chromium is not installed (CI installs it in .ci/run)",
)


@pytest.fixture
def page_url(history):
    store = Store(history.env.tmp / "state.db")
    try:  # Sam closes the quote item: the oldest open item is now the one with markup in it
        line = functools.partial(ActionLine, due=None, raw="", parsed=True)
        ActionItems(store).merge(
            SAM_KEY,
            [line("Send Acme the revised quote", "sam@example.com", done=True)],
            meeting_day=dt.date(2026, 12, 1),
        )
    finally:
        store.close()
    config = dataclasses.replace(history.config)
    server = ObservabilityServer(
        Metrics(),
        port=0,
        poll_interval=dt.timedelta(seconds=60),
        now=lambda: history.now,
        pages={"/status": lambda: status_page(config, now=history.now)},
        subpages={"/status/": lambda who: manager_page(config, who, now=history.now)},
    )
    port = server.start()
    try:
        yield f"http://127.0.0.1:{port}/status"
    finally:
        server.stop()


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def test_the_status_page_shows_each_rep_with_the_next_date_and_the_counts(
    page_url, browser
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 300})
    response = page.goto(page_url)
    assert response is not None
    assert response.status == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert page.title() == "1:1 status"
    section = page.get_by_role("region", name="Dana Whitfield")
    assert "dana@example.com" in section.inner_text()
    sam = page.locator("tr[data-rep='sam@example.com']")
    priya = page.locator("tr[data-rep='priya@example.com']")
    assert "Sam Ortiz" in sam.inner_text()
    assert "Tue 08 Dec 13:00 EST" in sam.inner_text()
    assert "rep: Tue 08 Dec 10:00 PST" in sam.inner_text()
    cells = [c.strip() for c in sam.locator("td.n").all_inner_texts()]
    assert cells == ["2", "1", "0", "2"]  # held, moved, missed, streak
    assert [c.strip() for c in priya.locator("td.n").all_inner_texts()] == ["1", "0", "1", "1"]
    assert priya.locator("td.missed").inner_text().strip() == "1"
    assert "late" in priya.inner_text()
    if os.environ.get("ONEONONE_SCREENSHOT"):
        page.screenshot(path=str(ROOT / os.environ["ONEONONE_SCREENSHOT"]), full_page=True)


def test_text_from_the_notes_is_shown_as_text_never_as_markup(page_url, browser) -> None:
    page = browser.new_page()
    page.goto(page_url)
    sam = page.locator("tr[data-rep='sam@example.com']")
    assert "oldest: Book the <demo> room (since 24 Nov)" in sam.inner_text()
    assert sam.locator(".items").inner_text() == "1"
    assert page.locator("demo").count() == 0


def test_the_page_is_read_only_and_other_paths_are_not_found(page_url, browser) -> None:
    page = browser.new_page()
    page.goto(page_url)
    assert page.locator("form, input, button").count() == 0
    missing = page.goto(page_url.replace("/status", "/status/edit"))
    assert missing is not None
    assert missing.status == 404


def test_each_manager_has_her_own_page_linked_from_the_index(page_url, browser) -> None:
    page = browser.new_page()
    page.goto(page_url)
    link = page.get_by_role("link", name="Dana Whitfield")
    assert link.get_attribute("href") == "/status/dana@example.com"
    link.click()
    page.wait_for_url("**/status/dana@example.com")
    assert page.title() == "1:1 status — Dana Whitfield"
    assert page.locator("section").count() == 1
    assert "As of Fri 04 Dec 2026 18:00 EST" in page.locator("section").inner_text()
    assert page.locator("tr[data-rep='sam@example.com']").count() == 1
    assert page.get_by_role("link", name="All managers").get_attribute("href") == "/status"
    for who in ("DANA@example.com", "dana%40example.com"):
        found = page.goto(page_url + "/" + who)
        assert found is not None
        assert found.status == 200
    for nobody in ("sam@example.com", "dana@example.com/x", ""):
        missing = page.goto(page_url + "/" + nobody)
        assert missing is not None
        assert missing.status == 404 or nobody == ""


def test_on_a_phone_nothing_overflows_and_each_row_reads_as_labelled_lines(
    page_url, browser
) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 700}, device_scale_factor=2)
    page.goto(page_url + "/dana@example.com")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    overflowing = page.evaluate(
        "[...document.querySelectorAll('section, tr, td')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1).length"
    )
    assert overflowing == 0
    sam = page.locator("tr[data-rep='sam@example.com']")
    lines = [line.strip() for line in sam.inner_text().splitlines() if line.strip()]
    assert lines[:2] == ["Sam Ortiz", "sam@example.com"]
    labels = page.evaluate(
        "[...document.querySelectorAll(\"tr[data-rep='sam@example.com'] td\")]"
        ".map(td => getComputedStyle(td, '::before').content)"
    )
    assert labels[1:4] == ['"Next 1:1"', '"Last held"', '"Held"']  # a label beside each value
    cells = sam.locator("td").evaluate_all("tds => tds.map(td => td.getBoundingClientRect().width)")
    row = sam.evaluate("tr => tr.getBoundingClientRect().width")
    assert all(abs(w - row) < 3 for w in cells)  # one cell per line, the card's full width
    assert page.locator("thead").is_hidden()
    if os.environ.get("ONEONONE_SCREENSHOT_375"):
        page.screenshot(path=str(ROOT / os.environ["ONEONONE_SCREENSHOT_375"]), full_page=True)
