"""Sections built only while open, in Chromium: a closed one is not in the page, an open one stays open.

A closed section (the ROI page's tables, the sidebar's Download and glossary, each role's
"By region, hub and process") costs a click nothing: its content is not sent. Opening it
draws the content; it stays open as the user left it when they move to another page and back.
The ROI page's tables and the sidebar's sections are fragments: opening one reruns only it,
not the page (the server's run log, ``SALESOPS_TIMING``, gets no line for it).
"""

from __future__ import annotations

import pytest

from tests.browser import app_server, chromium, require_browser, wait_idle

pytestmark = pytest.mark.browser

SIDEBAR = "[data-testid='stSidebar']"


def _open(page, scope: str, label: str) -> None:
    page.locator(scope).locator("[data-testid='stExpander'] summary").filter(has_text=label).click()
    wait_idle(page)


def _go(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title, exact=True).click()
    page.wait_for_selector(f"h1:has-text('{title}')", timeout=30_000)
    wait_idle(page)


def _full_runs(log) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_a_closed_section_sends_nothing_and_an_open_one_stays_open_across_pages(tmp_path):
    require_browser()
    log = tmp_path / "runs.jsonl"
    env = {"SALESOPS_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}", "SALESOPS_TIMING": str(log)}
    with app_server(env=env) as url, chromium() as browser:
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        page.goto(url)
        page.wait_for_selector(".st-key-sidebar-undo", timeout=60_000)
        wait_idle(page)
        _go(page, "Productivity & ROI")
        main = "[data-testid='stMain']"
        assert page.locator(main).locator("[data-testid='stDataFrame']").count() == 0  # every table closed
        assert page.locator(SIDEBAR).get_by_text("Scenario (JSON)").count() == 0
        runs = _full_runs(log)
        _open(page, main, "Teams in a normal week")
        page.locator(main).locator("[data-testid='stDataFrame']").first.wait_for(timeout=10_000)
        assert page.locator(main).locator("[data-testid='stDataFrame']").count() == 1
        _open(page, SIDEBAR, "Words used here")
        page.locator(SIDEBAR).get_by_text("Draws", exact=False).first.wait_for(timeout=10_000)
        assert _full_runs(log) == runs  # only the two sections ran, not the page
        _go(page, "Org designer")
        assert page.locator(SIDEBAR).get_by_text("Draws", exact=False).count() >= 1  # still open
        assert page.locator(".st-key-hub-deal_desk").count() == 0  # each role's By region section closed
        _go(page, "Productivity & ROI")
        assert page.locator(main).locator("[data-testid='stDataFrame']").count() == 1  # as the user left it
