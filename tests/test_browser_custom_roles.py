"""A role of the workshop's own, end to end in Chromium: added, seen, downloaded and re-imported.

On the mid-market sample (which already holds all six catalog roles) a workshop leader fills in the
Org designer's "A role of your own" form for a "Partner ops" role, presses Add, and sees its card in
the role list (with a remove button that says which role it removes) and the headline strip move by
what the model says the role costs. The scenario file downloaded from the sidebar holds the role;
after Undo takes it away, opening that file on the Import org page brings it back with the same
figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salesops.model import evaluate
from salesops.model.roles import custom_role
from salesops.model.samples import load_sample
from salesops.model.scenario import RolePlan, Scenario
from tests.browser import IDLE, app_server, choose_option, chromium, require_browser, wait_for_metric, wait_idle
from tests.readback import screen_text

pytestmark = pytest.mark.browser

SIDEBAR = "[data-testid='stSidebar']"
ROLE = dict(
    name="Partner ops",
    functions=["partner deals"],
    relation="supports",
    cost_usd_per_year=130_000,
    demand_per_rep_week=0.2,
    service_rate_per_fte_week=20,
    urgency_hours=24,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    database = f"sqlite:///{tmp_path_factory.mktemp('custom_roles') / 'app.db'}"
    with app_server(env={"SALESOPS_DATABASE_URL": database}) as url:
        yield url


@pytest.fixture
def page(server):
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
        yield context.new_page()
        context.close()


def _type_number(page, key: str, value: str) -> None:
    box = page.locator(f".st-key-role_form-{key} input")
    box.fill(value)
    box.press("Enter")
    wait_idle(page)


def _go_to(page, nav_text: str, title: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_text(nav_text, exact=True).click()
    page.wait_for_selector(f"h1:has-text('{title}')", timeout=30_000)


def _remove_labels(page) -> list[str]:
    """The labels of the role list's remove buttons, in order: one per role, naming it (the icon is hidden)."""
    labels = page.locator("[class*='st-key-remove-'] button:visible [data-testid='stMarkdownContainer']")
    return [label.inner_text().strip() for label in labels.all()]


def test_a_custom_role_is_added_seen_downloaded_and_reimported(server, page, tmp_path):
    before = load_sample("midmarket")
    expected = before.with_plan(RolePlan(role=custom_role(**ROLE, existing=[p.role for p in before.roles])))
    shown_before, shown_after = screen_text(evaluate(before)), screen_text(evaluate(expected))
    assert shown_after["sales_ops_cost"] != shown_before["sales_ops_cost"]  # the edit is one the strip can show

    page.goto(f"{server}/org_designer")
    page.wait_for_selector(".st-key-role_form-name input", timeout=60_000)
    wait_idle(page)
    wait_for_metric(page, "Sales-ops cost", value=shown_before["sales_ops_cost"])
    assert (
        page.get_by_role("button", name="Remove Deal desk", exact=True).count() == 1
    )  # the button says what it removes

    # The form, as a workshop leader fills it in.
    name = page.locator(".st-key-role_form-name input")
    name.fill("Partner ops")
    name.press("Enter")
    wait_idle(page)
    functions = page.locator(".st-key-role_form-functions").get_by_role("combobox")
    functions.click()
    functions.fill("partner deals")
    functions.press("Enter")
    page.keyboard.press("Escape")
    wait_idle(page)
    _type_number(page, "cost_usd_per_year", "130000")
    _type_number(page, "demand_per_rep_week", "0.2")
    _type_number(page, "service_rate_per_fte_week", "20")
    choose_option(page, ".st-key-role_form-urgency_choice", "Within a few days")
    wait_idle(page)
    assert page.locator(".st-key-role_form-urgency_hours input").input_value() == "24"  # the plain choice, in hours
    page.get_by_role("button", name="Add this role").click()
    wait_idle(page)

    # Its card in the role list, and the headline strip moved by what the model says the role costs.
    page.get_by_role("button", name="Remove Partner ops", exact=True).wait_for(timeout=30_000)
    assert _remove_labels(page)[-1] == "Remove Partner ops"
    assert wait_for_metric(page, "Sales-ops cost", value=shown_after["sales_ops_cost"]) == shown_after["sales_ops_cost"]
    assert wait_for_metric(page, "ROI", value=shown_after["roi"]) == shown_after["roi"]
    main = page.locator("[data-testid='stMain']").inner_text().replace("\u2060", "")
    assert "Change from the last action: Added role Partner ops." in main

    # The scenario file from the sidebar holds the role, figure for figure.
    page.locator(SIDEBAR).locator("[data-testid='stExpander'] summary").filter(has_text="Download").click()
    button = page.locator(f"{SIDEBAR} .st-key-sidebar-download").get_by_role("button", name="Scenario (JSON)")
    button.wait_for(state="visible", timeout=60_000)
    with page.expect_download(timeout=60_000) as download:
        button.click()
    path = tmp_path / "scenario.json"
    path.write_bytes(Path(download.value.path()).read_bytes())
    assert Scenario.from_json(path.read_bytes()) == expected

    # Undo takes the role away; the file brings it back.
    page.locator(".st-key-sidebar-undo button").click()
    wait_idle(page)
    page.get_by_role("button", name="Remove Partner ops", exact=True).wait_for(state="detached", timeout=30_000)
    wait_for_metric(page, "Sales-ops cost", value=shown_before["sales_ops_cost"])
    _go_to(page, "Import org", "Import your org")
    page.wait_for_selector(IDLE, timeout=30_000)  # no HRIS file yet: the page stops before the sidebar
    page.get_by_text("Open a scenario file (.json)").click()
    page.locator(".st-key-import-scenario_file input[type=file]").set_input_files(str(path))
    page.wait_for_selector(".st-key-import-scenario_accept button", timeout=60_000)
    page.wait_for_selector(IDLE, timeout=30_000)
    page.locator(".st-key-import-scenario_accept button").click()
    page.wait_for_function("() => document.body.innerText.includes('it is now the working scenario')", timeout=30_000)
    _go_to(page, "Org designer", "Org designer")
    wait_idle(page)
    page.get_by_role("button", name="Remove Partner ops", exact=True).wait_for(timeout=30_000)
    assert wait_for_metric(page, "Sales-ops cost", value=shown_after["sales_ops_cost"]) == shown_after["sales_ops_cost"]
    assert _remove_labels(page) == [f"Remove {p.role.name}" for p in expected.roles]
