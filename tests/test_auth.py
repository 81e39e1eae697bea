"""Local and hosted mode without a browser: salesops.ui.auth directly, and the app through AppTest.

The real sign-in (a provider, the redirect, the identity cookie) is in
tests/test_browser_auth.py. Here the secrets come from ``AppTest.secrets`` or a
TOML file in the test's temporary folder, never the repository's ``.streamlit/``.
"""

from __future__ import annotations


import pytest
import streamlit as st
from streamlit import config
from streamlit.runtime.secrets import Secrets, secrets_singleton
from streamlit.testing.v1 import AppTest

from salesops.ui import auth
from salesops.ui.text import md, plain
from tests.apptest_support import APP, warm_server  # noqa: F401  (autouse: temp database, warm server)

AUTH = {
    "redirect_uri": "https://salesops.example.com/oauth2callback",
    "cookie_secret": "a-long-random-string-for-the-cookie",
    "client_id": "salesops",
    "client_secret": "s3cret",
    "server_metadata_url": "https://idp.example.com/.well-known/openid-configuration",
}
ENV = ("SALESOPS_MODE", "SALESOPS_ALLOW_ANONYMOUS_EDITING")


@pytest.fixture(autouse=True)
def no_secrets(monkeypatch, tmp_path):
    """No secrets file and no mode settings unless a test adds them: the machine's own never count."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    saved = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(tmp_path / "absent" / "secrets.toml")])
    secrets_singleton._reset()
    yield
    config.set_option("secrets.files", saved)
    secrets_singleton._reset()


def _with_secrets(monkeypatch, data: dict) -> None:
    """``st.secrets`` holding ``data``, as AppTest sets it up for a run."""
    secrets = Secrets()
    secrets._secrets = data
    monkeypatch.setattr(st, "secrets", secrets)


def _app(secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, at.exception
    return at


def _sidebar_text(at: AppTest) -> str:
    return "\n".join(plain(e.value) for e in [*at.sidebar.caption, *at.sidebar.markdown])


def _sign_in_buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.sidebar.button if b.key and b.key.startswith("account:sign_in")]


# ------------------------------------------------------------------------------ the module itself


def test_no_secrets_at_all_is_local_mode():
    assert auth.mode() == "local"
    assert auth.config_problem() is None
    assert auth.can_edit() is True
    assert auth.user() is None
    assert auth.providers() == []


def test_an_auth_section_means_hosted(monkeypatch):
    _with_secrets(monkeypatch, {"auth": AUTH})
    assert auth.mode() == "hosted"
    assert auth.config_problem() is None
    assert auth.providers() == [None]
    assert auth.can_edit() is False  # no script run: nobody is signed in


@pytest.mark.parametrize("how", ["env", "secrets"])
def test_hosted_without_auth_is_a_problem_until_anonymous_editing_is_allowed(monkeypatch, how):
    if how == "env":
        monkeypatch.setenv("SALESOPS_MODE", "hosted")
        _with_secrets(monkeypatch, {})
    else:
        _with_secrets(monkeypatch, {"salesops": {"mode": "hosted"}})
    assert auth.mode() == "hosted"
    problem = auth.config_problem()
    assert problem and "[auth]" in problem and "allow_anonymous_editing" in problem
    assert auth.can_edit() is False
    if how == "env":
        monkeypatch.setenv("SALESOPS_ALLOW_ANONYMOUS_EDITING", "1")
    else:
        _with_secrets(monkeypatch, {"salesops": {"mode": "hosted", "allow_anonymous_editing": True}})
    assert auth.config_problem() is None
    assert auth.allow_anonymous_editing() and auth.can_edit()


def test_a_mistyped_mode_fails_closed(monkeypatch):
    monkeypatch.setenv("SALESOPS_MODE", "production")
    assert auth.mode() == "hosted"
    assert "must be" in auth.config_problem()


@pytest.mark.parametrize("drop", ["cookie_secret", "redirect_uri", "client_secret", "server_metadata_url"])
def test_an_incomplete_auth_section_is_a_problem_even_with_anonymous_editing(monkeypatch, drop):
    monkeypatch.setenv("SALESOPS_ALLOW_ANONYMOUS_EDITING", "1")
    _with_secrets(monkeypatch, {"auth": {k: v for k, v in AUTH.items() if k != drop}})
    problem = auth.config_problem()
    assert problem and drop in problem


def test_redirect_uri_must_be_the_callback(monkeypatch):
    _with_secrets(monkeypatch, {"auth": {**AUTH, "redirect_uri": "https://salesops.example.com/"}})
    assert "oauth2callback" in auth.config_problem()


def test_named_providers(monkeypatch):
    shared = {k: AUTH[k] for k in ("redirect_uri", "cookie_secret")}
    provider = {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    _with_secrets(monkeypatch, {"auth": {**shared, "google": provider, "okta": provider}})
    assert auth.providers() == ["google", "okta"]
    assert auth.config_problem() is None
    _with_secrets(monkeypatch, {"auth": {**shared, "okta": {"client_id": "x"}}})
    assert "[auth.okta] has no client_secret, server_metadata_url" in auth.config_problem()
    _with_secrets(monkeypatch, {"auth": {**shared, "my_idp": provider}})
    assert "underscore" in auth.config_problem()


def test_a_secrets_file_that_does_not_parse_is_a_problem_not_local_mode(tmp_path):
    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nredirect_uri = "https://x/oauth2callback\n')  # unterminated string
    config.set_option("secrets.files", [str(broken)])
    secrets_singleton._reset()
    problem = auth.config_problem()
    assert problem and "could not be read" in problem and str(tmp_path) not in problem


def test_a_secrets_file_configures_hosted_mode(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text("[auth]\n" + "".join(f'{k} = "{v}"\n' for k, v in AUTH.items()))
    config.set_option("secrets.files", [str(path)])
    secrets_singleton._reset()
    assert auth.mode() == "hosted" and auth.config_problem() is None


# ------------------------------------------------------------------------------------- the app


def test_local_mode_says_so_and_every_page_still_renders():
    at = _app()
    assert not at.error
    assert "Local mode: saved on this machine" in _sidebar_text(at)
    assert not _sign_in_buttons(at)
    assert at.metric, "the start page draws its headline"
    for page in ("pages/org_designer.py", "pages/roi.py", "pages/scenarios.py"):
        at.switch_page(page).run()
        assert not at.exception and not at.error, page
        assert "Local mode: saved on this machine" in _sidebar_text(at)


def test_hosted_without_sign_in_refuses_to_start(monkeypatch):
    monkeypatch.setenv("SALESOPS_MODE", "hosted")
    at = _app()
    assert len(at.error) == 1
    message = plain(at.error[0].value)
    assert "cannot start" in message and "[auth]" in message and "allow_anonymous_editing" in message
    assert auth.README_SECTION in message
    # Nothing else: no page, no sidebar, no widgets.
    assert not at.metric and not at.button and not at.selectbox and not at.sidebar.children
    assert "scenario" not in at.session_state  # the session was not even set up


def test_hosted_with_anonymous_editing_starts_and_says_so(monkeypatch):
    monkeypatch.setenv("SALESOPS_MODE", "hosted")
    monkeypatch.setenv("SALESOPS_ALLOW_ANONYMOUS_EDITING", "1")
    at = _app()
    assert not at.error
    assert "Hosted mode · anonymous editing is on" in _sidebar_text(at)
    assert at.metric
    assert not _sign_in_buttons(at)  # no provider configured: nothing to sign in with


def test_hosted_visitor_sees_sign_in():
    at = _app(secrets={"auth": AUTH})
    assert not at.error
    assert "Hosted mode: sign in to edit" in _sidebar_text(at)
    assert _sign_in_buttons(at) == ["Sign in"]
    assert not [b for b in at.sidebar.button if b.key == "account:sign_out"]


def test_several_providers_each_get_a_button():
    provider = {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    at = _app(
        secrets={
            "auth": {
                "redirect_uri": AUTH["redirect_uri"],
                "cookie_secret": AUTH["cookie_secret"],
                "google": provider,
                "microsoft": provider,
            }
        }
    )
    assert _sign_in_buttons(at) == ["Sign in with Google", "Sign in with Microsoft"]


def test_signed_in_user_is_shown_lower_cased_and_escaped():
    at = _app(secrets={"auth": AUTH}, user={"is_logged_in": True, "email": "Ann_Lee@Example.COM"})
    shown = [m.value for m in at.sidebar.markdown if "Signed in as" in m.value]
    assert shown == [f"Signed in as **{md('ann_lee@example.com')}**"]
    assert [b.label for b in at.sidebar.button if b.key == "account:sign_out"] == ["Sign out"]
    assert not _sign_in_buttons(at)


def test_an_unverified_address_is_not_taken(monkeypatch):
    at = _app(secrets={"auth": AUTH}, user={"is_logged_in": True, "email": "boss@example.com", "email_verified": False})
    assert "Signed in (the provider sent no verified e-mail address)" in _sidebar_text(at)
    assert "boss" not in _sidebar_text(at)


def test_an_incomplete_auth_section_stops_the_app():
    at = _app(secrets={"auth": {k: v for k, v in AUTH.items() if k != "cookie_secret"}})
    assert len(at.error) == 1 and "cookie_secret" in plain(at.error[0].value)
    assert not at.metric and not at.sidebar.children


def test_the_host_default_user_is_not_a_sign_in():
    """AppTest (like some hosts) fills st.user with an e-mail but no is_logged_in: that is nobody."""
    at = _app(secrets={"auth": AUTH}, user={"email": "test@example.com"})
    assert _sign_in_buttons(at) == ["Sign in"]


def test_a_signed_out_visitor_of_a_hosted_app_cannot_change_anything(monkeypatch):
    """Hosted mode, nobody signed in: every edit control is off and a forced edit changes nothing."""
    from streamlit.testing.v1 import AppTest

    from salesops.model.samples import load_sample

    monkeypatch.setenv("SALESOPS_MODE", "hosted")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "c",
        "client_secret": "s",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
    at.run()
    at.switch_page("pages/roi.py").run()
    assert not at.exception, at.exception
    assert at.segmented_control(key="placement:deal_desk").disabled
    at.session_state["placement:deal_desk"] = "Localized"  # a forged widget message
    at.run()
    assert at.session_state["scenario"] == load_sample("midmarket")
