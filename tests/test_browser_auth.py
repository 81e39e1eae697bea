"""Hosted mode in real Chromium, signing in through a real OpenID Connect provider on loopback.

oidc-provider-mock runs as a subprocess (tests/oidc.py) with this app registered
as a client; the app server reads an ``[auth]`` section from a secrets.toml in
the test's temporary folder. Two browser contexts are two people: each signs in
through the provider's form and sees their own address; signing out (through
the provider's end-session page) brings the "Sign in" button back.
"""

from __future__ import annotations

import pytest

from tests.browser import chromium, app_server, free_port, require_browser, wait_idle
from tests.oidc import hosted_secrets, oidc_provider

pytestmark = pytest.mark.browser

SIGN_IN = ".st-key-account-sign_in-default button"
SIGN_OUT = ".st-key-account-sign_out button"
SIDEBAR = "[data-testid='stSidebar']"


@pytest.fixture
def hosted(tmp_path):
    """The app in hosted mode on a fixed free port, and the provider it signs in with."""
    require_browser()
    app_port = free_port()
    with oidc_provider(f"http://127.0.0.1:{app_port}/oauth2callback") as idp:
        # Alice is known to the provider (mixed-case address, a name); Bob is whatever subject is typed.
        idp.add_user("alice@example.com", email="Alice@Example.com", email_verified=True, name="Alice Example")
        env = {
            "SALESOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
            "SALESOPS_MODE": "",
            "SALESOPS_ALLOW_ANONYMOUS_EDITING": "",
        }
        with app_server(env=env, port=app_port, secrets=hosted_secrets(idp, tmp_path)) as url:
            yield url, idp


@pytest.fixture
def browser():
    with chromium() as b:
        yield b


def _sidebar_shows(page, text: str, timeout_ms: int = 30_000) -> None:
    """Wait until the sidebar's text, read as a person reads it (no invisible joiners), contains ``text``."""
    page.wait_for_function(
        """([sel, want]) => {
            const s = document.querySelector(sel);
            return !!s && s.innerText.replaceAll('\\u2060', '').includes(want);
        }""",
        arg=[SIDEBAR, text],
        timeout=timeout_ms,
    )


def _sidebar_text(page) -> str:
    return page.locator(SIDEBAR).inner_text().replace("\u2060", "")


def _sign_in(page, url: str, subject: str) -> None:
    """From the app signed out: Sign in, type ``subject`` on the provider's form, back in the app."""
    page.locator(SIGN_IN).click()
    page.wait_for_selector("input[name=sub]", timeout=20_000)
    assert page.url.startswith("http://127.0.0.1:") and not page.url.startswith(url)  # on the provider
    page.fill("input[name=sub]", subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=20_000)
    page.wait_for_selector(SIGN_OUT, timeout=30_000)
    wait_idle(page)


def test_sign_in_and_out_through_a_real_provider(hosted, browser):
    url, _idp = hosted
    alice = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    alice.goto(url)
    alice.wait_for_selector(SIGN_IN, timeout=30_000)
    wait_idle(alice)
    text = _sidebar_text(alice)
    assert "Hosted mode: sign in to edit" in text and "Signed in as" not in text
    assert alice.locator(SIGN_IN).inner_text().strip().endswith("Sign in")
    assert alice.locator(SIGN_OUT).count() == 0

    _sign_in(alice, url, "alice@example.com")
    _sidebar_shows(alice, "Signed in as alice@example.com")  # the provider's "Alice@Example.com", lower-cased
    assert alice.locator(SIGN_IN).count() == 0

    # A second person in another browser signs in as someone else and sees only themselves.
    bob = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    bob.goto(url)
    bob.wait_for_selector(SIGN_IN, timeout=30_000)
    _sign_in(bob, url, "bob@example.com")
    _sidebar_shows(bob, "Signed in as bob@example.com")
    assert "alice" not in _sidebar_text(bob)

    # Alice's identity lives in her browser's cookie: a reload is still Alice.
    alice.reload()
    alice.wait_for_selector(SIGN_OUT, timeout=30_000)
    _sidebar_shows(alice, "Signed in as alice@example.com")

    # Signing out goes through the provider's end-session page and back to the app, signed out.
    alice.locator(SIGN_OUT).click()
    alice.get_by_role("button", name="End session").click(timeout=20_000)
    alice.wait_for_url(f"{url}/**", timeout=20_000)
    alice.wait_for_selector(SIGN_IN, timeout=30_000)
    wait_idle(alice)
    text = _sidebar_text(alice)
    assert "Hosted mode: sign in to edit" in text and "Signed in as" not in text

    # Bob is still signed in.
    bob.reload()
    bob.wait_for_selector(SIGN_OUT, timeout=30_000)
    _sidebar_shows(bob, "Signed in as bob@example.com")


def test_hosted_without_sign_in_shows_only_what_to_configure(browser, tmp_path):
    env = {
        "SALESOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "SALESOPS_MODE": "hosted",
        "SALESOPS_ALLOW_ANONYMOUS_EDITING": "",
    }
    with app_server(env=env, secrets=tmp_path / "absent" / "secrets.toml") as url:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.goto(f"{url}/roi")  # a deep link too: no page runs before the configuration is complete
        page.wait_for_selector("[data-testid='stAlert']", timeout=30_000)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
        page.wait_for_timeout(300)  # a late "page not found" dialog or sidebar would show by now
        text = page.locator("[data-testid='stMain']").inner_text().replace("\u2060", "")
        assert "The app cannot start." in text and "[auth]" in text and "Hosting it for stakeholders" in text
        assert page.locator("[data-testid='stSidebar']").count() == 0  # not even the pages/ file list
        assert page.locator("[role='dialog']").count() == 0
        assert page.locator("[data-testid='stMetric']").count() == 0
