"""Accessibility: axe-core in Chromium on every page, no serious or critical WCAG 2.1 AA violation.

axe-core (through ``axe-playwright-python``, pinned in requirements-dev.txt) runs the rules
tagged wcag2a, wcag2aa, wcag21a and wcag21aa on each page of the sidebar's navigation at
1280x720, after the page's script run and its charts are done (with the clicks that bring out the
charts of Uncertainty, Recommended design and ROI levers, as in tests/test_browser_layout.py). A violation of serious or
critical impact fails the test, unless it is one of the few listed in ``THIRD_PARTY``: a
violation that comes from Streamlit's own markup, which the app cannot change, each scoped to
one rule and the exact elements it concerns, with the reason.
"""

from __future__ import annotations

import pytest

from tests.browser import app_server, chromium, require_browser, wait_idle
from tests.test_browser_layout import nav_pages, open_page

pytestmark = pytest.mark.browser

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

# (rule id, CSS selector of the only elements it may concern) -> why the app cannot fix it.
THIRD_PARTY: dict[tuple[str, str], str] = {}


def allowed(rule: str, target: list[str]) -> bool:
    """Whether a violating element is a listed third-party exception (its selector ends the axe target)."""
    return any(rule == r and target and target[-1].endswith(sel) for r, sel in THIRD_PARTY)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    db = tmp_path_factory.mktemp("db") / "a11y.db"
    with app_server(env={"SALESOPS_DATABASE_URL": f"sqlite:///{db}"}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def test_no_serious_or_critical_wcag_violation_on_any_page(server, browser):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(server)
        wait_idle(page, timeout_ms=60_000)
        pages = nav_pages(page)
        assert len(pages) >= 14, pages
        found: list[str] = []
        checked = 0
        for title, href in pages:
            open_page(page, title, href)
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
            checked += len(results.response["passes"]) > 0 or len(results.response["violations"]) > 0
            for v in results.response["violations"]:
                if v["impact"] not in BLOCKING:
                    continue
                for node in v["nodes"]:
                    if not allowed(v["id"], node["target"]):
                        found.append(f"{title}: {v['id']} ({v['impact']}) at {node['target']}: {node['html'][:160]}")
        assert checked == len(pages)  # axe ran on every page
        assert not found, "\n".join(found)
    finally:
        context.close()
