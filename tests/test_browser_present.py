"""Presentation mode in Chromium at 1280x720: everything the room needs on one screen, and a way back."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesops.model import evaluate
from salesops.model.metrics import METRIC
from salesops.model.samples import load_sample
from tests.browser import app_server, chromium, require_browser, wait_for_metric, wait_idle

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1280, 720
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"  # screenshots to look at (not committed)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    db = tmp_path_factory.mktemp("db") / "present.db"
    with app_server(env={"SALESOPS_DATABASE_URL": f"sqlite:///{db}"}) as url:
        yield url


def _boxes(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(
        selector,
        """els => els.filter(e => e.offsetParent !== null).map(e => {
            const r = e.getBoundingClientRect();
            return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, text: (e.innerText || '').slice(0, 40)};
        })""",
    )


def test_presentation_mode_fits_one_1280x720_screen_and_shows_the_change_since_we_began(server):
    with chromium() as browser:
        page = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}).new_page()
        page.goto(f"{server}/present")
        page.wait_for_selector(".st-key-placement-deal_desk [role=radio]", timeout=60_000)
        page.wait_for_selector("[data-testid=stVegaLiteChart]", timeout=60_000)
        wait_idle(page, timeout_ms=60_000)
        page.wait_for_timeout(1_000)
        assert not [b for b in _boxes(page, "[data-testid=stSidebar]") if b["right"] > 0]  # the sidebar is hidden
        shown = {
            "metrics": _boxes(page, "[data-testid=stMetric]"),
            "placements": _boxes(page, "[class*='st-key-placement-']"),
            "charts": _boxes(page, "[data-testid=stVegaLiteChart]"),
            "back": _boxes(page, ".st-key-present-leave"),
        }
        assert len(shown["metrics"]) == 5 and len(shown["placements"]) == 6 and len(shown["charts"]) == 2, shown
        assert len(shown["back"]) == 1
        for what, boxes in shown.items():
            for box in boxes:
                assert box["top"] >= 0 and box["bottom"] <= HEIGHT and box["right"] <= WIDTH, (what, box)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "present-1280x720.png"))
        # A placement click moves ROI, and the change is shown against where we began.
        mid = load_sample("midmarket")
        want = METRIC["roi"].text(evaluate(mid.with_placement("deal_desk", "localized")).roi)
        page.locator(".st-key-placement-deal_desk").get_by_role("radio", name="Localized").click()
        wait_for_metric(page, "ROI", value=want, timeout_ms=15_000)
        assert page.get_by_text("Change since we began").count() >= 1
        # And a way back: the app, with its sidebar.
        page.locator(".st-key-present-leave").get_by_role("button").click()
        page.wait_for_selector("h1:has-text('Productivity & ROI')", timeout=30_000)
        assert page.locator("[data-testid=stSidebar]").is_visible()


def test_the_enterprise_sample_fits_too(server):
    """Five regions and a taller chart: still one screen."""
    from salesops.readwrite.share import encode

    with chromium() as browser:
        page = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}).new_page()
        page.goto(f"{server}/present?z={encode(load_sample('enterprise'))}")
        page.wait_for_selector("[data-testid=stVegaLiteChart]", timeout=60_000)
        wait_idle(page, timeout_ms=60_000)
        page.wait_for_timeout(1_000)
        boxes = _boxes(page, "[data-testid=stMetric], [class*='st-key-placement-'], [data-testid=stVegaLiteChart]")
        assert len(boxes) == 5 + 6 + 2
        assert all(b["bottom"] <= HEIGHT and b["right"] <= WIDTH for b in boxes), boxes
