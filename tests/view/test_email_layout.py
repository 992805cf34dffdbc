"""Every email reads on a phone: rendered in headless Chromium at 375 px and at 1,200 px, no page
scrolls sideways, and the column is never wider than 600 px."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from integrations.mail.digest import digest_context
from integrations.mail.recap_render import recap_sample_context
from integrations.mail.render import Renderer
from integrations.state.status_read import read_status
from tests.view.test_digest import MONDAY
from tests.view.test_status_page import ARGS, CHROMIUM

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None and not Path(CHROMIUM).exists(),
    reason="chromium is not installed (CI installs it in .ci/run)",
)
MESSAGES = ("prep_rep", "prep_manager", "move_notice", "alert", "reminder", "recap", "pause_note")
WIDTHS = (375, 1200)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def layout(browser, html: str, width: int) -> dict[str, float]:
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        page.set_content(html)
        return page.evaluate(
            """() => {
                const tables = [...document.querySelectorAll('table')];
                return {
                    scroll: document.documentElement.scrollWidth,
                    inner: window.innerWidth,
                    column: tables[1].getBoundingClientRect().width,
                };
            }"""
        )
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", MESSAGES)
def test_each_email_fits_the_screen_without_sideways_scroll(browser, name, width) -> None:
    html = Renderer().render(name, **recap_sample_context()).html
    box = layout(browser, html, width)
    assert box["scroll"] <= box["inner"], (name, width, box)
    assert box["column"] <= 600
    if width == 375:
        assert box["column"] <= 375 - 16  # fluid: the screen less its margins


@pytest.mark.parametrize("width", WIDTHS)
def test_the_digest_with_its_bars_fits_the_screen_too(browser, history, width) -> None:
    [status] = read_status(history.config, now=MONDAY, manager="dana@example.com")
    html = Renderer().render("digest", **digest_context(status, now=MONDAY)).html
    box = layout(browser, html, width)
    assert box["scroll"] <= box["inner"], box
    assert box["column"] <= 600
