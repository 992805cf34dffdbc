"""The read-only ``/status`` page, served by ``ObservabilityServer`` on 127.0.0.1 and looked at in
headless Chromium (Playwright): what a manager sees, per rep, and that it is escaped HTML.

``ONEONONE_SCREENSHOT=docs/status-page.png`` saves a screenshot of the page (for the docs).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import shutil
from pathlib import Path

import pytest

from integrations.items import ActionItems
from integrations.observe import Metrics, ObservabilityServer
from integrations.status import status_page
from integrations.store import Store
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
