"""Save in one app server, open the share link in another, in a real browser.

Two ``streamlit run`` processes on different ports share one database: a
PostgreSQL schema of its own (when SALESOPS_TEST_POSTGRES_URL is set; CI sets it)
or one SQLite file (always). A scenario saved through the first server, opened
through the second in a fresh browser context, shows the same ROI, read-only.
"""

from __future__ import annotations

import re
from contextlib import ExitStack

import pytest

from salesops.model.metrics import METRIC
from salesops.model import evaluate
from salesops.model.samples import load_sample
from tests.browser import chromium, app_server, require_browser, wait_for_metric, wait_idle
from tests.dbfixtures import fresh_postgres_schema, postgres_url_or_skip

pytestmark = pytest.mark.browser


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    require_browser()
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    with fresh_postgres_schema(postgres_url_or_skip()) as url:
        yield url


@pytest.fixture
def browser():
    with chromium() as b:
        yield b


def test_saved_on_one_server_opens_on_another_with_the_same_roi(database, browser):
    with ExitStack() as stack:
        first = stack.enter_context(app_server(env={"SALESOPS_DATABASE_URL": database}))
        second = stack.enter_context(app_server(env={"SALESOPS_DATABASE_URL": database}))

        editor = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        editor.goto(f"{first}/roi")
        editor.wait_for_selector(".st-key-placement-deal_desk [role=radio]", timeout=30_000)
        wait_idle(editor)
        before = wait_for_metric(editor, "ROI")
        editor.locator(".st-key-placement-deal_desk").get_by_role("radio", name="Localized").click()
        after = wait_for_metric(editor, "ROI", not_value=before)
        expected = evaluate(load_sample("midmarket").with_placement("deal_desk", "localized"))
        assert after == METRIC["roi"].text(expected.roi)

        sidebar = editor.locator("[data-testid='stSidebar']")
        sidebar.get_by_text("Save & share").click()
        name = sidebar.locator(".st-key-save-name input")
        name.fill("Deal desk in the regions")
        name.press("Enter")
        wait_idle(editor)
        sidebar.locator(".st-key-save-button button").click()
        editor.wait_for_function("() => document.body.innerText.includes('as version 1')", timeout=15_000)
        link = sidebar.locator("[data-testid='stCode']").filter(has_text="?s=").first.inner_text().strip()
        match = re.search(r"\?s=([A-Za-z0-9_-]+)&v=1", link)
        assert match, link

        # A stakeholder opens the link on the other server, in a browser that has never seen the app.
        viewer = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        viewer.goto(f"{second}/roi?s={match.group(1)}&v=1")
        viewer.wait_for_selector(".st-key-placement-deal_desk [role=radio]", timeout=30_000)
        wait_idle(viewer)
        assert wait_for_metric(viewer, "ROI", value=after) == after
        assert viewer.locator("[data-testid='stSidebar']").get_by_text("Make an editable copy").count() == 1
        localized = viewer.locator(".st-key-placement-deal_desk").get_by_role("radio", name="Localized")
        assert localized.get_attribute("aria-checked") == "true"
