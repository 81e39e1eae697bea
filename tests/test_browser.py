"""The real user path in a real browser: Playwright driving Debian's Chromium."""

from __future__ import annotations

import pytest

from salesops.model.metrics import METRIC
from salesops.model import evaluate
from salesops.model.samples import load_sample
from tests.browser import (
    chromium,
    ROOT,
    app_server,
    choose_option,
    require_browser,
    wait_for_metric,
    wait_idle,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    require_browser()
    with app_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()


def test_deep_link_to_roi_page_flips_a_placement_and_roi_changes(server, page):
    # A shared deep link is the first request this server sees: it must still open
    # through the app's navigation (sidebar with undo) and not bypass it.
    page.goto(f"{server}/roi")
    page.wait_for_selector(".st-key-placement-deal_desk [role=radio]", timeout=30_000)
    wait_idle(page)
    assert page.locator("[data-testid='stSidebar']").get_by_role("button", name="Undo").count() == 1
    base = evaluate(load_sample("midmarket"))
    before = wait_for_metric(page, "ROI")
    assert before == METRIC["roi"].text(base.roi)

    page.locator(".st-key-placement-deal_desk").get_by_role("radio", name="Localized").click()
    wait_idle(page)
    after = wait_for_metric(page, "ROI", not_value=before)
    expected = evaluate(load_sample("midmarket").with_placement("deal_desk", "localized"))
    assert after != before
    assert after == METRIC["roi"].text(expected.roi)

    # Undo in the sidebar brings the figure back.
    page.locator("[data-testid='stSidebar']").get_by_role("button", name="Undo").click()
    wait_idle(page)
    assert wait_for_metric(page, "ROI", value=before) == before
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "test-artifacts" / "roi.png"), full_page=True)


def test_sample_choice_survives_navigation(server, page):
    page.goto(server)
    page.wait_for_selector(".st-key-scenario-sample", timeout=30_000)
    wait_idle(page)
    choose_option(page, ".st-key-scenario-sample", "Global enterprise (800 reps, 5 regions)")
    wait_idle(page)
    expected = METRIC["roi"].text(evaluate(load_sample("enterprise")).roi)
    wait_for_metric(page, "ROI", value=expected)
    page.locator("[data-testid='stSidebarNav']").get_by_text("Productivity & ROI").click()
    wait_idle(page)
    page.wait_for_selector("h1:has-text('Productivity & ROI')")
    wait_for_metric(page, "ROI", value=expected)
    assert wait_for_metric(page, "ROI") == expected


def test_clicking_an_org_chart_node_shows_its_details(server, page):
    page.goto(f"{server}/org_designer")
    page.wait_for_selector(".st-key-org-chart svg path[aria-label]", timeout=30_000)
    wait_idle(page)
    details = page.locator("[data-testid='stMain']")
    assert "people report here" not in details.inner_text()
    # Vega draws each node as an SVG symbol whose aria-label carries the tooltip fields.
    page.locator(".st-key-org-chart svg path[aria-label*='EMEA (London) sales']").first.click(force=True)
    wait_idle(page)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stMain]').innerText.includes('people report here directly')",
        timeout=15_000,
    )
    text = details.inner_text()
    detail_text = text[text.index("Details") :]
    assert "EMEA (London) sales" in detail_text
    assert "4 people report here directly" in detail_text  # 3 managers and the embedded enablement team
