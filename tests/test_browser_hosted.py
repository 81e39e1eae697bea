"""Hosted mode end to end in real Chromium: people sign in through a real OpenID Connect provider.

One app server in hosted mode (an ``[auth]`` section pointing at oidc-provider-mock
on loopback, tests/oidc.py) on a temporary SQLite database serves the whole
module. Alice and Bob sign in through the provider's form in browser contexts of
their own; Alice's workspace, scenario (two versions) and share link are made
through :class:`~salesops.store.access.Access` on the same database file, and
everything else is done and checked through the pages:

- Alice's Saved scenarios page lists her scenario;
- Bob sees none of it (Saved scenarios, Compare), a copied ``?s=<id>&v=1`` or
  ``?s=<id>`` shows an error and the default sample, and writes no row;
- Bob opens the share link read-only at version 1, makes an editable copy and
  saves it into a workspace he creates: a new scenario, Alice's history unchanged;
- a visitor who has not signed in sees the link read-only and lists nothing;
- two browser contexts of Alice on one ``?w=`` working copy: the second is told
  it is open in another tab, writes nothing over it, and "Continue as a copy"
  gives it a working copy of its own, both edits kept.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from salesops.store.access import Access
from salesops.model.metrics import METRIC
from salesops.model import evaluate
from salesops.model.samples import load_sample
from salesops.store import Store
from tests.browser import CHROMIUM, CHROMIUM_ARGS, app_server, free_port, require_browser, wait_for_metric, wait_idle
from tests.oidc import hosted_secrets, oidc_provider

pytestmark = pytest.mark.browser

A, B = "alice@example.com", "bob@example.com"
SIGN_IN = ".st-key-account-sign_in-default button"
SIGN_OUT = ".st-key-account-sign_out button"
SIDEBAR = "[data-testid='stSidebar']"
MAIN = "[data-testid='stMain']"
DEAL_DESK = ".st-key-placement-deal_desk"
VIEWPORT = {"width": 1400, "height": 1000}
DEFAULT_ROI = METRIC["roi"].text(evaluate(load_sample("midmarket")).roi)  # the default sample, Mid-market
W_PARAM = re.compile(r"[?&]w=([A-Za-z0-9_-]+)")


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    """(app URL, database file): the app in hosted mode, signing in through a provider on loopback."""
    require_browser()
    folder = tmp_path_factory.mktemp("hosted")
    db_file = folder / "hosted.db"
    app_port = free_port()
    with oidc_provider(f"http://127.0.0.1:{app_port}/oauth2callback") as idp:
        idp.add_user(A, email=A, email_verified=True, name="Alice Example")
        env = {
            "SALESOPS_DATABASE_URL": f"sqlite:///{db_file}",
            "SALESOPS_MODE": "",
            "SALESOPS_ALLOW_ANONYMOUS_EDITING": "",
        }
        with app_server(env=env, port=app_port, secrets=hosted_secrets(idp, folder)) as url:
            yield url, db_file


@pytest.fixture(scope="module")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (skipped above when missing)

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def store(hosted):
    _, db_file = hosted
    engine = sa.create_engine(f"sqlite:///{db_file}")
    yield Store(engine)
    engine.dispose()


def _signed_in_page(browser, url: str, subject: str):
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(url)
    page.wait_for_selector(SIGN_IN, timeout=30_000)
    wait_idle(page)
    page.locator(SIGN_IN).click()
    page.wait_for_selector("input[name=sub]", timeout=20_000)
    page.fill("input[name=sub]", subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=20_000)
    page.wait_for_selector(SIGN_OUT, timeout=30_000)
    wait_idle(page)
    _sidebar_shows(page, f"Signed in as {subject}")
    return page


@pytest.fixture(scope="module")
def alice(hosted, browser):
    url, _ = hosted
    page = _signed_in_page(browser, url, A)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def bob(hosted, browser):
    url, _ = hosted
    page = _signed_in_page(browser, url, B)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def acme(alice, store):
    """Alice's workspace "Acme" with "Acme plan" (v1: deal desk localized; v2: the sample) and a link to v1."""
    access = Access(store)
    ws = access.create_workspace("Acme", actor=A)
    v1 = load_sample("midmarket").with_placement("deal_desk", "localized")
    first = access.create_scenario(ws.workspace_id, v1, actor=A, name="Acme plan")
    # A version is listed under its scenario's name: version 2 keeps "Acme plan".
    access.save_version(first.scenario_id, load_sample("midmarket").renamed("Acme plan"), base_version=1, actor=A)
    link = access.create_link(first.scenario_id, actor=A, version=1)
    return ws, first, link, v1


# ------------------------------------------------------------------------------------------ helpers


def _text(page, selector: str = "body") -> str:
    """What a person reads in ``selector`` (without the invisible joiners of escaped Markdown)."""
    return page.locator(selector).inner_text().replace("\u2060", "")


def _all_text(page) -> str:
    """Every text node of the page, hidden ones too (a data grid's cells are drawn on a canvas)."""
    return (page.evaluate("() => document.body.textContent") or "").replace("\u2060", "")


def _sidebar_shows(page, text: str, timeout_ms: int = 30_000) -> None:
    page.wait_for_function(
        """([sel, want]) => {
            const s = document.querySelector(sel);
            return !!s && s.innerText.replaceAll('\\u2060', '').includes(want);
        }""",
        arg=[SIDEBAR, text],
        timeout=timeout_ms,
    )


def _page_shows(page, text: str, timeout_ms: int = 20_000) -> None:
    page.wait_for_function(
        "(want) => document.body.innerText.replaceAll('\\u2060', '').includes(want)", arg=text, timeout=timeout_ms
    )


def _open(page, url: str, ready: str = MAIN) -> None:
    """A new session on ``url``; back once its first run (and the sidebar) is done."""
    page.goto(url)
    page.wait_for_selector(ready, timeout=30_000)
    wait_idle(page)


def _go_to(page, link: str, heading: str | None = None) -> None:
    """Follow the sidebar's navigation link ``link`` (same session) and wait for the page's run."""
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text=link).first.click()
    page.wait_for_selector(f"{MAIN} h1:has-text('{heading or link}')", timeout=30_000)
    wait_idle(page)


def _open_save_panel(page) -> None:
    """Open the sidebar's Save & share expander unless it is open (once any opening or closing has finished)."""
    details = (
        page.locator(f"{SIDEBAR} [data-testid='stExpander'] details")
        .filter(has=page.locator("summary", has_text="Save & share"))
        .element_handle()
    )
    settled = "(d) => d.style.overflow !== 'hidden'"  # the expander animates with overflow hidden
    page.wait_for_function(settled, arg=details, timeout=10_000)
    if not details.evaluate("(d) => d.open"):
        details.query_selector("summary").click()
    page.wait_for_function(f"(d) => d.open && ({settled})(d)", arg=details, timeout=10_000)


def _counts(db_file: Path) -> dict[str, int]:
    with sqlite3.connect(db_file) as conn:
        return {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # noqa: S608 (fixed names)
            for t in ("scenarios", "versions", "links", "workspaces", "members")
        }


def _placement_radios(page):
    """The deal desk's placement control (three options) on the ROI page."""
    return page.locator(f"{DEAL_DESK} [role=radio]")


def _assert_placements_disabled(page) -> None:
    radios = _placement_radios(page)
    assert radios.count() == 3
    for i in range(radios.count()):
        radio = radios.nth(i)
        assert radio.get_attribute("aria-disabled") == "true" or radio.is_disabled(), radio.inner_text()


def _checked(page, selector: str) -> str:
    return page.locator(f"{selector} [role=radio][aria-checked=true]").inner_text().strip()


def _pick(page, role_id: str, label: str) -> None:
    page.locator(f".st-key-placement-{role_id}").get_by_role("radio", name=label).click()


def _roi(scenario) -> str:
    return METRIC["roi"].text(evaluate(scenario).roi)


def _w(page) -> str | None:
    match = W_PARAM.search(page.url)
    return match.group(1) if match else None


# ------------------------------------------------------------------------------------------ tests


def test_alice_lists_her_scenario(hosted, alice, acme):
    _go_to(alice, "Saved scenarios")
    chosen = alice.locator(".st-key-scenarios-chosen input")
    chosen.wait_for(timeout=20_000)
    assert chosen.input_value() == "Acme plan (v2)"
    alice.wait_for_function(  # the listing's grid: drawn on a canvas, its cells in the DOM once it is drawn
        "() => [...document.querySelectorAll('[data-testid=stDataFrame]')]"
        ".some(e => e.textContent.includes('Acme plan'))",
        timeout=20_000,
    )
    assert "Nothing saved yet" not in _text(alice, MAIN)


def test_bob_sees_none_of_alices_scenarios(hosted, bob, acme):
    url, _ = hosted
    _, first, _, _ = acme
    _open(bob, f"{url}/scenarios", ready=f"{MAIN} h1:has-text('Saved scenarios')")
    _sidebar_shows(bob, f"Signed in as {B}")
    assert "Nothing saved yet" in _text(bob, MAIN)
    everything = _all_text(bob)
    assert first.scenario_id not in everything and "Acme" not in everything
    assert bob.locator(f"{MAIN} [data-testid='stDataFrame']").count() == 0

    _go_to(bob, "Compare", "Compare scenarios")
    chosen = bob.locator(".st-key-compare-chosen")
    chosen.wait_for(timeout=20_000)
    chosen.locator("input").click()
    options = bob.get_by_role("option")
    options.first.wait_for(timeout=10_000)
    labels = [o.strip() for o in options.all_inner_texts()]
    bob.keyboard.press("Escape")
    assert any(label.startswith("Sample:") for label in labels), labels  # the list is really open
    assert not any("Acme" in label for label in labels), labels
    everything = _all_text(bob)
    assert first.scenario_id not in everything and "Acme" not in everything


def test_bob_cannot_open_alices_scenario_by_id(hosted, bob, acme):
    url, db_file = hosted
    _, first, _, _ = acme
    before = _counts(db_file)
    for query in (f"s={first.scenario_id}&v=1", f"s={first.scenario_id}"):
        _open(bob, f"{url}/?{query}", ready=f"{MAIN} [data-testid='stAlert']")
        _sidebar_shows(bob, f"Signed in as {B}")
        errors = bob.locator(f"{MAIN} [data-testid='stAlertContentError']")
        assert errors.count() >= 1, (query, _text(bob, MAIN))
        assert "Showing the default scenario" in _text(bob, MAIN), query
        assert wait_for_metric(bob, "ROI", value=DEFAULT_ROI) == DEFAULT_ROI
        sidebar = _text(bob, SIDEBAR)
        assert "Mid-market" in sidebar and "Acme" not in sidebar and "read-only" not in sidebar
        assert "Acme" not in _all_text(bob)  # (the message may repeat the id Bob typed, nothing more)
    assert _counts(db_file) == before


def test_bob_opens_the_link_read_only_and_saves_a_copy_in_his_workspace(hosted, bob, store, acme):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: PLC0415

    url, _ = hosted
    _, first, link, v1 = acme
    expected = _roi(v1)
    assert expected != DEFAULT_ROI
    history_before = [(v.version, v.created_at) for v in store.history(first.scenario_id)]
    assert [v for v, _ in history_before] == [2, 1]

    _open(bob, f"{url}/roi?s={link.token}", ready=f"{DEAL_DESK} [role=radio]")
    assert wait_for_metric(bob, "ROI", value=expected) == expected  # version 1, not the latest
    assert "read-only" in _text(bob, SIDEBAR)
    _assert_placements_disabled(bob)
    assert _checked(bob, DEAL_DESK) == "Localized"
    _placement_radios(bob).filter(has_text="Centralized").click(force=True)  # a click on a disabled control
    bob.wait_for_timeout(300)
    wait_idle(bob)
    assert _checked(bob, DEAL_DESK) == "Localized" and wait_for_metric(bob, "ROI") == expected
    assert _w(bob) is None  # nothing auto-saved

    sidebar = bob.locator(SIDEBAR)
    sidebar.locator(".st-key-save-fork button").click()
    _page_shows(bob, "This is now your own editable copy")
    wait_idle(bob)
    assert all(r.is_enabled() and r.get_attribute("aria-disabled") != "true" for r in _placement_radios(bob).all())

    # Bob has no workspace yet: he creates one from the "New workspace" popover.
    _open_save_panel(bob)
    sidebar.get_by_role("button", name="New workspace").click()
    name = bob.locator(".st-key-hosted-new_workspace input")
    name.wait_for(timeout=10_000)
    name.fill("Bob's engagement")
    name.press("Enter")
    wait_idle(bob)
    create = bob.locator(".st-key-hosted-create_workspace button")
    try:
        create.wait_for(state="visible", timeout=3_000)
    except PlaywrightTimeout:  # the popover closed on the rerun of the name: open it again
        sidebar.get_by_role("button", name="New workspace").click()
    create.click()
    bob.wait_for_selector(".st-key-hosted-workspace", timeout=20_000)
    wait_idle(bob)
    assert bob.locator(".st-key-hosted-workspace input").input_value() == "Bob's engagement (owner)"

    save_name = sidebar.locator(".st-key-save-name input")
    save_name.fill("Bob's copy")
    save_name.press("Enter")
    wait_idle(bob)
    sidebar.locator(".st-key-save-button button").click()
    _page_shows(bob, "as version 1")
    wait_idle(bob)

    access = Access(store)
    mine = access.list_scenarios(actor=B)
    assert [s.name for s in mine] == ["Bob's copy"]
    copy = mine[0]
    assert copy.scenario_id != first.scenario_id
    ((bob_ws, role),) = access.workspaces_of(B)
    assert bob_ws.name == "Bob's engagement" and role == "owner"
    assert access.workspace_of(copy.scenario_id) == bob_ws.workspace_id
    assert access.load(copy.scenario_id, actor=B).scenario.plan("deal_desk").placement == "localized"
    assert [(v.version, v.created_at) for v in store.history(first.scenario_id)] == history_before
    assert [s.name for s in access.list_scenarios(actor=A)] == ["Acme plan"]


def test_a_signed_out_visitor_sees_the_link_read_only_and_lists_nothing(hosted, browser, acme):
    url, _ = hosted
    _, first, link, v1 = acme
    expected = _roi(v1)
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        _open(page, f"{url}/roi?s={link.token}", ready=f"{DEAL_DESK} [role=radio]")
        assert page.locator(SIGN_IN).count() == 1 and page.locator(SIGN_OUT).count() == 0
        assert wait_for_metric(page, "ROI", value=expected) == expected
        _assert_placements_disabled(page)
        assert "Read-only shared view. Sign in" in _text(page, SIDEBAR)
        assert page.locator(".st-key-save-fork").count() == 0

        _go_to(page, "Saved scenarios")
        text = _text(page, MAIN)
        assert "You are viewing a shared link, which opens that one scenario only" in text
        assert "Acme plan" not in text and "Bob's copy" not in text and first.scenario_id not in text
        assert page.locator(f"{MAIN} [data-testid='stDataFrame']").count() == 0
    finally:
        context.close()


def test_a_working_copy_open_in_two_contexts_keeps_both_edits(hosted, alice, browser, store):
    url, _ = hosted
    first_edit = load_sample("midmarket").with_placement("analytics", "localized")
    second_edit = first_edit.with_placement("crm_admin", "hybrid")
    third_edit = first_edit.with_placement("planning", "localized")

    # Alice's first context edits: the working copy is auto-saved and the URL gets ?w=.
    _open(alice, f"{url}/roi", ready=f"{DEAL_DESK} [role=radio]")
    _pick(alice, "analytics", "Localized")
    wait_for_metric(alice, "ROI", value=_roi(first_edit))
    alice.wait_for_url(W_PARAM, timeout=20_000)
    wait_idle(alice)
    first_id = _w(alice)
    assert store.get_draft(first_id).scenario == first_edit

    # Her second context (the same sign-in cookie) opens the same ?w= link and is told.
    second = browser.new_context(viewport=VIEWPORT, storage_state=alice.context.storage_state()).new_page()
    try:
        _open(second, f"{url}/roi?w={first_id}", ready=f"{DEAL_DESK} [role=radio]")
        _sidebar_shows(second, f"Signed in as {A}")
        _sidebar_shows(second, "open in another tab")
        assert second.locator(".st-key-save-as_copy button").is_visible()
        assert second.locator(".st-key-save-take_over button").is_visible()
        wait_for_metric(second, "ROI", value=_roi(first_edit))  # the working copy was restored

        # Its edit shows in its tab but is not written over the first context's working copy.
        _pick(second, "crm_admin", "Hybrid")
        wait_for_metric(second, "ROI", value=_roi(second_edit))
        wait_idle(second)
        assert _w(second) == first_id
        assert store.get_draft(first_id).scenario == first_edit

        # "Continue as a copy": a working copy of its own, with its edit.
        second.locator(".st-key-save-as_copy button").click()
        second.wait_for_function(
            "(old) => { const m = location.search.match(/[?&]w=([A-Za-z0-9_-]+)/); return !!m && m[1] !== old; }",
            arg=first_id,
            timeout=20_000,
        )
        wait_idle(second)
        copy_id = _w(second)
        assert copy_id and copy_id != first_id
        assert store.get_draft(copy_id).scenario == second_edit
        assert "open in another tab" not in _text(second, SIDEBAR)

        # The first context still writes its own working copy, and the copy keeps the second's edit.
        _pick(alice, "planning", "Localized")
        wait_for_metric(alice, "ROI", value=_roi(third_edit))
        wait_idle(alice)
        assert _w(alice) == first_id and "open in another tab" not in _text(alice, SIDEBAR)
        assert store.get_draft(first_id).scenario == third_edit
        assert store.get_draft(copy_id).scenario == second_edit
    finally:
        second.context.close()
