"""Every download carries the scenario on the screen, in a real browser.

Four cases, each driven in Chromium through the app's own controls: the
mid-market sample after three placement edits, the enterprise sample chosen on
the Start page, a 300-person HRIS export in ten cities imported on the Import
org page, and a saved version opened read-only through a ``?s=`` link. In each,
the four headline figures and every role's placement are read from the page;
then the Excel workbook, HTML report, PowerPoint deck, org CSV, org GraphML and
scenario JSON are downloaded from the sidebar and read back with the tools a
client would use. Each file must state the same ROI, sales-ops cost, FTE, reps
and placements as the page and the model, and (since every case differs from
the default sample) not the default sample's figures: downloads once reported
the default sample because they were built outside the session.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from salesops.model.metrics import METRIC
from salesops.model import evaluate
from salesops.model.samples import load_sample
from salesops.model.scenario import Scenario
from tests.browser import (
    chromium,
    IDLE,
    app_server,
    choose_option,
    require_browser,
    wait_for_metric,
    wait_idle,
)
from tests.orgfiles import hris_csv_with_cities, import_csv
from tests.readback import assert_agree, expected, read_csv, read_graphml, read_html, read_pptx, read_xlsx, screen_text

pytestmark = pytest.mark.browser

HEADLINES = ("roi", "productivity_per_rep", "sales_ops_cost", "payback_months")
SIDEBAR = "[data-testid='stSidebar']"
PLACEMENT_OF_LABEL = {"Centralized": "centralized", "Localized": "localized", "Hybrid": "hybrid"}


# --------------------------------------------------------------------------
# Fixtures: one app server (with a database of its own) and one browser
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    require_browser()
    return f"sqlite:///{tmp_path_factory.mktemp('downloads') / 'links.db'}"


@pytest.fixture(scope="module")
def server(database):
    with app_server(env={"SALESOPS_DATABASE_URL": database}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


# --------------------------------------------------------------------------
# Reading the page and downloading its files
# --------------------------------------------------------------------------
def _headlines(page, want: dict[str, str]) -> dict[str, str]:
    """The four headline figures as the page shows them (waiting a while for ``want`` to arrive)."""
    shown = {}
    for key in HEADLINES:
        label = METRIC[key].label
        try:
            shown[key] = wait_for_metric(page, label, value=want[key])
        except Exception:  # report what the page shows instead of a bare timeout
            shown[key] = wait_for_metric(page, label)
    return shown


def _placements_on_page(page, scenario: Scenario) -> dict[str, str]:
    """The placement each role's segmented control shows (Productivity & ROI page)."""
    out = {}
    for plan in scenario.roles:
        chosen = page.locator(f".st-key-placement-{plan.role.id} [role=radio][aria-checked=true]")
        out[plan.role.id] = PLACEMENT_OF_LABEL.get(chosen.inner_text().strip(), chosen.inner_text().strip())
    return out


def _go_to(page, nav_text: str, title: str) -> None:
    """Follow a sidebar link: the same session, so the edits stay."""
    page.locator("[data-testid='stSidebarNav']").get_by_text(nav_text, exact=True).click()
    page.wait_for_selector(f"h1:has-text('{title}')", timeout=30_000)
    wait_idle(page)


def _download(page, css: str, label: str) -> bytes:
    # By role and name: a button with help has a hidden copy of itself in its container.
    button = page.locator(f"{SIDEBAR} {css}").get_by_role("button", name=label)
    button.wait_for(state="visible", timeout=60_000)
    with page.expect_download(timeout=60_000) as download:
        button.click()
    return Path(download.value.path()).read_bytes()


def _download_everything(page) -> dict[str, bytes]:
    """Open the sidebar's Download expander, fetch the data files, prepare the pack and fetch it."""
    sidebar = page.locator(SIDEBAR)
    sidebar.locator("[data-testid='stExpander'] summary").filter(has_text="Download").click()
    files = {
        "json": _download(page, ".st-key-sidebar-download", "Scenario (JSON)"),
        "csv": _download(page, ".st-key-sidebar-download_csv", "Org as CSV"),
        "graphml": _download(page, ".st-key-sidebar-download_graphml", "Org as GraphML"),
    }
    sidebar.locator(".st-key-sidebar-prepare_pack").get_by_role("button", name="Prepare the stakeholder pack").click()
    wait_idle(page, timeout_ms=90_000)
    page.locator(f"{SIDEBAR} .st-key-sidebar-download_xlsx").or_(
        sidebar.locator("[data-testid='stAlertContentError']")
    ).first.wait_for(timeout=60_000)
    assert "could not be built" not in sidebar.inner_text(), sidebar.inner_text()
    for kind, label in (("xlsx", "Excel workbook"), ("html", "HTML report"), ("pptx", "PowerPoint deck")):
        files[kind] = _download(page, f".st-key-sidebar-download_{kind}", label)
    return files


# --------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------
_agree = assert_agree  # tests/readback.py


def _check_case(page, scenario: Scenario, *, on_roi_page: bool = True) -> None:
    """The page shows ``scenario``; every download carries it; none carries the default sample."""
    results = evaluate(scenario)
    want = expected(scenario, results)
    want_text = screen_text(results)
    default_scenario = load_sample("midmarket")
    default_results = evaluate(default_scenario)
    default = expected(default_scenario, default_results)
    default_text = screen_text(default_results)

    # The case is one the old bug would have got wrong: it is not the default sample.
    assert want_text["roi"] != default_text["roi"] and want.cost != pytest.approx(default.cost)
    assert (want.reps, want.fte, want.placements) != (default.reps, default.fte, default.placements)

    shown = _headlines(page, want_text)
    assert shown == want_text, "headline figures on the page"
    if on_roi_page:
        assert _placements_on_page(page, scenario) == want.placements, "placements on the page"

    files = _download_everything(page)
    staffed = {r.role_id for r in results.roles if r.fte > 0}

    xlsx = read_xlsx(files["xlsx"])
    assert None not in (xlsx.roi, xlsx.cost, xlsx.fte, xlsx.reps), xlsx
    _agree(xlsx, want, "Excel")
    assert xlsx.placements == want.placements  # the Roles sheet lists every role

    html_facts = read_html(files["html"].decode("utf-8"), scenario)
    assert None not in (
        html_facts.roi,
        html_facts.roi_text,
        html_facts.cost,
        html_facts.cost_text,
        html_facts.fte,
        html_facts.reps,
    ), html_facts
    _agree(html_facts, want, "HTML", exact=False)
    assert html_facts.placements == want.placements
    assert (html_facts.roi_text, html_facts.cost_text) == (shown["roi"], shown["sales_ops_cost"])

    deck = read_pptx(files["pptx"], scenario)
    assert None not in (deck.roi_text, deck.cost_text, deck.fte, deck.reps), deck
    _agree(deck, want, "PowerPoint", exact=False)
    assert deck.placements == want.placements
    assert (deck.roi_text, deck.cost_text) == (shown["roi"], shown["sales_ops_cost"])

    for kind, reader in (("csv", read_csv), ("graphml", read_graphml)):
        facts = reader(files[kind].decode("utf-8"))
        _agree(facts, want, kind)
        assert set(facts.placements) == staffed, f"{kind}: every staffed role, with its placement"
        assert (facts.reps, facts.placements) != (
            default.reps,
            {k: v for k, v in default.placements.items() if k in facts.placements},
        ), kind

    # The scenario file reopens to the same figures.
    reopened = Scenario.from_json(files["json"])
    assert json.loads(files["json"])["regions"]  # a scenario, not an error page
    again = evaluate(reopened)
    assert again.roi == pytest.approx(results.roi, abs=1e-12)
    assert again.sales_ops_cost_usd == pytest.approx(results.sales_ops_cost_usd, abs=0.005)
    assert {p.role.id: p.placement for p in reopened.roles} == want.placements

    # And no file reports the default sample.
    for name, facts in (("Excel", xlsx), ("HTML", html_facts)):
        assert facts.roi != pytest.approx(default.roi), f"{name} carries the default sample's ROI"
    for name, facts in (("HTML", html_facts), ("PowerPoint", deck)):
        assert facts.roi_text != default.roi_text, f"{name} carries the default sample's ROI"


# --------------------------------------------------------------------------
# The four cases
# --------------------------------------------------------------------------
def test_midmarket_after_three_placement_edits(server, page):
    page.goto(f"{server}/roi")
    page.wait_for_selector(".st-key-placement-deal_desk [role=radio]", timeout=30_000)
    wait_idle(page)
    scenario = load_sample("midmarket")
    wait_for_metric(page, "ROI", value=screen_text(evaluate(scenario))["roi"])
    for role_id, label in (("deal_desk", "Localized"), ("crm_admin", "Hybrid"), ("analytics", "Localized")):
        page.locator(f".st-key-placement-{role_id}").get_by_role("radio", name=label).click()
        wait_idle(page)
        scenario = scenario.with_placement(role_id, PLACEMENT_OF_LABEL[label])
        wait_for_metric(page, "ROI", value=screen_text(evaluate(scenario))["roi"])  # each edit has landed
    _check_case(page, scenario)


def test_enterprise_sample(server, page):
    page.goto(server)
    page.wait_for_selector(".st-key-scenario-sample", timeout=30_000)
    wait_idle(page)
    choose_option(page, ".st-key-scenario-sample", "Global enterprise (800 reps, 5 regions)")
    wait_idle(page)
    scenario = load_sample("enterprise")
    wait_for_metric(page, "ROI", value=screen_text(evaluate(scenario))["roi"])
    _go_to(page, "Productivity & ROI", "Productivity & ROI")
    _check_case(page, scenario)


def test_imported_org_of_300_people_in_10_cities(server, page, tmp_path):
    text = hris_csv_with_cities(300)
    scenario = import_csv(text)
    assert len(scenario.regions) == 3  # ten offices in North America, EMEA and APAC
    path = tmp_path / "hris.csv"
    path.write_text(text, encoding="utf-8")

    page.goto(f"{server}/import_org")
    page.wait_for_selector(".st-key-import-file input[type=file]", state="attached", timeout=30_000)
    # Not wait_idle: with no file yet the page calls st.stop(), and the shared sidebar is not drawn.
    page.wait_for_selector(IDLE, timeout=30_000)
    page.locator(".st-key-import-file input[type=file]").set_input_files(str(path))
    page.wait_for_selector(".st-key-import-accept button", timeout=60_000)
    wait_idle(page, timeout_ms=60_000)
    page.locator(".st-key-import-accept button").click()
    wait_idle(page, timeout_ms=60_000)
    page.wait_for_function("() => document.body.innerText.includes('Imported ')", timeout=30_000)
    # Names from data may carry invisible word joiners (U+2060) against markdown: they read the same.
    sidebar = page.locator(SIDEBAR).inner_text().replace("\u2060", "")
    assert "Imported: hris.csv" in sidebar and f"{scenario.total_reps:,} reps · 3 regions" in sidebar, sidebar

    _go_to(page, "Productivity & ROI", "Productivity & ROI")
    _check_case(page, scenario)


def test_read_only_share_link(server, database, browser):
    from salesops.store import Store

    scenario = load_sample("midmarket").with_placement("deal_desk", "localized")
    store = Store(database)
    try:
        info = store.create(scenario, name="Deal desk in the regions", note="for the download test")
    finally:
        store.engine.dispose()
    shared = scenario.renamed("Deal desk in the regions")

    # A stakeholder who has never seen the app opens the link.
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(f"{server}/roi?s={info.scenario_id}&v={info.version}")
        page.wait_for_selector(".st-key-placement-deal_desk [role=radio]", timeout=30_000)
        wait_idle(page)
        sidebar = page.locator(SIDEBAR)
        assert "read-only" in sidebar.inner_text()
        assert sidebar.get_by_text("Make an editable copy").count() == 1
        assert (
            page.locator(".st-key-placement-deal_desk")
            .get_by_role("radio", name="Localized")
            .get_attribute("aria-checked")
            == "true"
        )
        _check_case(page, shared)
    finally:
        context.close()
