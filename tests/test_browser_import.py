"""A client's 300-person HRIS export in Chromium, as a consultant brings it in.

Upload the file (ten offices in four countries; nine account executives called "Growth Partner",
a title no default rule knows), show only the flagged and unclassified rows, find the Growth
Partners, reclassify all of them as reps in one action (adding a rule), check the regions the
offices were grouped into before accepting, use the org, and see the same reps per region on
the Org designer.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.browser import app_server, chromium, choose_option, require_browser, wait_idle
from tests.orgfiles import GROWTH_PARTNER, hris_csv_with_growth_partners

pytestmark = pytest.mark.browser

# Where the offices are (geography, not the app's table), and UTC offsets in standard time.
OFFICE_REGION = {
    "New York": "North America",
    "Chicago": "North America",
    "San Francisco": "North America",
    "Boston": "North America",
    "London": "EMEA",
    "Manchester": "EMEA",
    "Berlin": "EMEA",
    "Munich": "EMEA",
    "Tokyo": "APAC",
    "Osaka": "APAC",
}
UTC = {"New York": -5, "London": 0, "Berlin": 1, "Tokyo": 9}


def _go(page, link: str, title: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=link, exact=True).click()
    page.wait_for_selector(f"h1:has-text('{title}')", timeout=30_000)
    wait_idle(page)


def _summary_rows(text: str) -> dict[str, tuple[int, int]]:
    """(managers, reps) by region from the import summary's table as the page shows it."""
    out = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) == 8 and cells[1].replace(",", "").isdigit():
            out[cells[0].removesuffix(" (HQ)")] = (int(cells[3].replace(",", "")), int(cells[4].replace(",", "")))
    return out


def test_upload_reclassify_growth_partners_in_one_action_and_see_reps_per_region(tmp_path):
    require_browser()
    text = hris_csv_with_growth_partners(300)
    rows = list(csv.DictReader(io.StringIO(text)))
    growth = sum(1 for r in rows if r["Business Title"] == GROWTH_PARTNER)
    assert growth > 1 and {r["Location"] for r in rows} == set(OFFICE_REGION)
    path = tmp_path / "client-hris.csv"
    path.write_text(text, encoding="utf-8")
    with app_server(env={"SALESOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'i.db'}"}) as url, chromium() as browser:
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        main = page.locator("[data-testid='stMain']")
        page.goto(url)
        page.wait_for_selector(".st-key-sidebar-undo", timeout=60_000)
        wait_idle(page)
        _go(page, "Import org", "Import your org")
        page.locator(".st-key-import-file input[type=file]").set_input_files(str(path))
        page.wait_for_selector(".st-key-import-class_filter", timeout=60_000)
        wait_idle(page)
        before = _summary_rows(main.inner_text())
        assert set(before) == set(OFFICE_REGION.values())  # ten offices, three regions, before accepting
        # Flagged and unclassified only, then the Growth Partners among them, all selected at once.
        page.locator(".st-key-import-class_filter").get_by_role("radio", name="Flagged and unclassified only").click()
        wait_idle(page)
        search = page.locator(".st-key-import-class_search input")
        search.fill(GROWTH_PARTNER)
        search.press("Enter")
        wait_idle(page)
        page.get_by_text(f"Select every row shown ({growth})").click()
        wait_idle(page)
        choose_option(page, ".st-key-import-reclass_kind", "rep")
        wait_idle(page)
        page.locator(".st-key-import-reclass_rule").get_by_text("and add a rule").click()
        wait_idle(page)
        page.get_by_role("button", name=f"Reclassify {growth} selected as rep").click()
        wait_idle(page)
        shown = main.inner_text()
        assert f"{growth} people reclassified" in shown
        assert f'1 rule added: title equals "{GROWTH_PARTNER}" → rep' in shown
        after = _summary_rows(shown)
        assert sum(r for _, r in after.values()) == sum(r for _, r in before.values()) + growth
        page.get_by_role("button", name="Use this org").click()
        wait_idle(page)
        total_reps = sum(r for _, r in after.values())
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert f"{total_reps:,} reps · 3 regions" in sidebar
        # The Org designer's region table, read back from the grid's accessible cells.
        _go(page, "Org designer", "Org designer")
        grid = page.locator("[data-testid='stDataFrame']").last
        grid.scroll_into_view_if_needed()
        page.wait_for_function(
            "g => g.querySelectorAll('[role=gridcell]').length >= 21", arg=grid.element_handle(), timeout=10_000
        )
        cells = grid.locator("[role='gridcell']").all_inner_texts()
        table = [cells[i : i + 7] for i in range(0, len(cells), 7)]  # id, name, reps, managers, offset, ...
        designer = {row[1]: (int(row[3]), int(row[2])) for row in table}
        assert designer == after  # the reps and managers per region the import page showed
        offsets = {row[1]: float(row[4]) for row in table}
        assert offsets["North America"] == 0
        assert offsets["EMEA"] in (UTC["London"] - UTC["New York"], UTC["Berlin"] - UTC["New York"])
        assert offsets["APAC"] == UTC["Tokyo"] - UTC["New York"]
        assert re.fullmatch(r"[a-z-]+", table[0][0])
