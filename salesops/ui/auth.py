"""Who may edit: local mode (one person on their own machine) or hosted mode (sign-in over OpenID Connect).

**Local mode** is the default: nothing is configured, the app runs for the person
who started it, and everything is editable, as before.

**Hosted mode** starts when ``.streamlit/secrets.toml`` has an ``[auth]`` section,
or ``SALESOPS_MODE=hosted`` is set in the environment, or ``mode = "hosted"`` under
``[salesops]`` in the secrets. Editing then needs a sign-in through Streamlit's
``st.login`` (any OpenID Connect provider: Google, Microsoft Entra, Okta, Auth0,
Keycloak...). A hosted app without a usable ``[auth]`` section refuses to start
(:func:`guard_start`) unless ``allow_anonymous_editing = true`` under ``[salesops]``
(or ``SALESOPS_ALLOW_ANONYMOUS_EDITING=1``) says that anyone who can reach it may edit.

Streamlit reads the ``[auth]`` section itself: ``redirect_uri`` (the app's own
``https://host/oauth2callback``), ``cookie_secret`` (signs the identity cookie),
and ``client_id``, ``client_secret``, ``server_metadata_url`` either in ``[auth]``
(one provider) or in one ``[auth.NAME]`` section per provider.

Nothing here raises when there is no secrets file at all: that is local mode.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any, Literal

import streamlit as st

from salesops.ui.text import md

__all__ = [
    "README_SECTION",
    "allow_anonymous_editing",
    "can_edit",
    "config_problem",
    "guard_start",
    "mode",
    "providers",
    "render_account",
    "signed_in",
    "user",
]

_LOG = logging.getLogger(__name__)

Mode = Literal["local", "hosted"]
README_SECTION = "Hosting it for stakeholders"
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
_TRUE = {"1", "true", "yes", "on"}


# ----------------------------------------------------------------------------------- configuration


def _secrets() -> tuple[dict[str, Any], str | None]:
    """The secrets as a plain dict, and a problem when a secrets file exists but cannot be read.

    No secrets file at all is not a problem: that is local mode.
    """
    try:
        return st.secrets.to_dict(), None
    except FileNotFoundError as exc:  # StreamlitSecretNotFoundError: none found, or one that does not parse
        if getattr(exc, "error_id", None) == "no-secrets-found":
            return {}, None
        _LOG.error("secrets could not be read: %s", exc)  # the server's log has the path and the parse error
        return {}, (
            "The secrets file (secrets.toml) exists but could not be read: check its TOML syntax "
            "(the server's log names the line)."
        )
    except Exception as exc:  # noqa: BLE001 (an unreadable secrets source must not take the app down unexplained)
        _LOG.exception("secrets could not be read")
        return {}, f"The secrets could not be read ({type(exc).__name__})."


def _section(secrets: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = secrets.get(name)
    return dict(value) if isinstance(value, Mapping) else {}


def _truthy(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE


def _mode_setting(secrets: Mapping[str, Any]) -> str:
    """``SALESOPS_MODE`` (environment) or ``[salesops] mode`` (secrets), lower-cased; "" when unset."""
    value = os.environ.get("SALESOPS_MODE") or _section(secrets, "salesops").get("mode") or ""
    return str(value).strip().lower()


def mode() -> Mode:
    """ "hosted" with an ``[auth]`` section, ``SALESOPS_MODE=hosted`` or ``[salesops] mode = "hosted"``.

    Any mode setting other than "local" counts as hosted (a typo fails closed), and
    :func:`config_problem` names it.
    """
    secrets, _ = _secrets()
    if _section(secrets, "auth"):
        return "hosted"
    return "local" if _mode_setting(secrets) in ("", "local") else "hosted"


def allow_anonymous_editing() -> bool:
    """``allow_anonymous_editing = true`` under ``[salesops]``, or ``SALESOPS_ALLOW_ANONYMOUS_EDITING=1``."""
    if _truthy(os.environ.get("SALESOPS_ALLOW_ANONYMOUS_EDITING", "")):
        return True
    secrets, _ = _secrets()
    return _truthy(_section(secrets, "salesops").get("allow_anonymous_editing", False))


def providers() -> list[str | None]:
    """The configured sign-in providers: ``None`` for the one in ``[auth]`` itself, else the ``[auth.NAME]`` names."""
    secrets, _ = _secrets()
    return _providers(_section(secrets, "auth"))


def _providers(auth: Mapping[str, Any]) -> list[str | None]:
    named = [name for name, value in auth.items() if isinstance(value, Mapping) and name != "client_kwargs"]
    default: list[str | None] = [None] if any(key in auth for key in _PROVIDER_KEYS) else []
    return default + sorted(named)


def _auth_problems(auth: Mapping[str, Any]) -> list[str]:
    """What an ``[auth]`` section lacks for ``st.login`` to work, in words; empty when it is usable."""
    problems = []
    for key in ("redirect_uri", "cookie_secret"):
        if not str(auth.get(key) or "").strip():
            problems.append(f"[auth] has no {key}")
    redirect = str(auth.get("redirect_uri") or "").strip()
    if redirect and not redirect.rstrip("/").endswith("/oauth2callback"):
        problems.append("[auth] redirect_uri must be the app's own address ending in /oauth2callback")
    found = _providers(auth)
    if not found:
        problems.append(
            "[auth] names no provider (client_id, client_secret and server_metadata_url, in [auth] "
            "or in an [auth.NAME] section per provider)"
        )
    for name in found:
        section = auth if name is None else auth[name]
        where = "[auth]" if name is None else f"[auth.{name}]"
        if name is not None and "_" in name:
            problems.append(f"{where}: provider names cannot contain an underscore")
        missing = [key for key in _PROVIDER_KEYS if not str(section.get(key) or "").strip()]
        if missing:
            problems.append(f"{where} has no {', '.join(missing)}")
    return problems


def config_problem() -> str | None:
    """Why the app must not start as configured, in plain words; None when it may.

    A hosted app needs a usable ``[auth]`` section, unless anonymous editing is
    explicitly allowed. An ``[auth]`` section that is present but incomplete is a
    problem either way (whoever wrote it meant sign-in to work).
    """
    secrets, unreadable = _secrets()
    if unreadable:
        return unreadable
    setting = _mode_setting(secrets)
    if setting not in ("", "local", "hosted"):
        return f'The mode setting (SALESOPS_MODE or [salesops] mode) is "{setting}": it must be "local" or "hosted".'
    auth = _section(secrets, "auth")
    if auth:
        problems = _auth_problems(auth)
        if problems:
            return (
                "Sign-in is configured but incomplete: " + "; ".join(problems) + ". Fix the [auth] section "
                "of .streamlit/secrets.toml (or the app's secrets)."
            )
        from streamlit.auth_util import is_authlib_installed  # noqa: PLC0415

        if not is_authlib_installed():
            return "Sign-in needs the Authlib package: install requirements.txt (Authlib and httpx)."
        return None
    if mode() == "hosted" and not allow_anonymous_editing():
        return (
            "This app runs in hosted mode, where editing needs a sign-in, but no sign-in is configured. "
            "Add an [auth] section to .streamlit/secrets.toml (or the app's secrets) with redirect_uri, "
            "cookie_secret, client_id, client_secret and server_metadata_url of an OpenID Connect provider; "
            "or, to let anyone who can reach the app edit, set allow_anonymous_editing = true under "
            "[salesops] (or SALESOPS_ALLOW_ANONYMOUS_EDITING=1)."
        )
    return None


def guard_start() -> None:
    """Stop the run with the configuration problem, if there is one; nothing else is drawn."""
    problem = config_problem()
    if problem is None:
        return
    _LOG.error("the app will not start: %s", problem)
    st.error(
        f"**The app cannot start.** {md(problem)}\n\nSee “{README_SECTION}” in the README.", icon=":material/lock:"
    )
    # A navigation of one hidden page: without any, Streamlit would list the files in pages/ in the sidebar.
    st.navigation([st.Page(_not_started, title="Sales-ops org designer", default=True)], position="hidden")
    st.stop()


def _not_started() -> None:
    """The only page while the configuration is incomplete: the error above says it all."""


# ------------------------------------------------------------------------------------ the visitor


def _user_info() -> dict[str, Any]:
    try:
        return dict(st.user.to_dict())
    except Exception:  # noqa: BLE001 (no script run context, or a host that sends no user)
        return {}


def signed_in() -> bool:
    """True in hosted mode once ``st.login`` has completed for this browser."""
    return mode() == "hosted" and _user_info().get("is_logged_in") is True


def user() -> str | None:
    """The signed-in e-mail address, lower-cased; None in local mode, signed out, or without a verified address.

    The address is the ``email`` claim of the identity token (Microsoft Entra may
    send only ``preferred_username``, which is then used). An address the provider
    marks ``email_verified = false`` is not taken as the user's.
    """
    if not signed_in():
        return None
    info = _user_info()
    if info.get("email_verified") is False:
        return None
    address = info.get("email") or info.get("preferred_username")
    if not isinstance(address, str) or "@" not in address:
        return None
    return address.strip().lower() or None


def can_edit() -> bool:
    """Local mode: always. Hosted: when signed in, or when anonymous editing is explicitly allowed."""
    if mode() == "local":
        return True
    return signed_in() or allow_anonymous_editing()


def _sign_in_label(name: str | None, count: int) -> str:
    if name is None or count == 1:
        return "Sign in"
    return f"Sign in with {md(name.replace('-', ' ').title())}"


def render_account() -> None:
    """The mode and the visitor's account, for the top of the sidebar."""
    if mode() == "local":
        st.caption(
            "Local mode: saved on this machine",
            help="Nothing is configured for hosting, so the app runs for the person who started it: "
            "no sign-in, and scenarios are saved in the database on this machine. Hosting for "
            f"others (with sign-in) is described under “{README_SECTION}” in the README.",
        )
        return
    anonymous = allow_anonymous_editing()
    if signed_in():
        address = user()
        st.caption("Hosted mode" + (" · anonymous editing is on" if anonymous else ""))
        if address:
            st.markdown(f"Signed in as **{md(address)}**")
        else:
            st.markdown("Signed in (the provider sent no verified e-mail address)")
        if st.button("Sign out", key="account:sign_out", icon=":material/logout:", width="stretch"):
            st.logout()
        return
    if anonymous:
        st.caption(
            "Hosted mode · anonymous editing is on",
            help="allow_anonymous_editing is set: anyone who can reach this app can edit and save.",
        )
    else:
        st.caption(
            "Hosted mode: sign in to edit",
            help="This app is shared: looking around needs no account, changes need a sign-in.",
        )
    names = providers() if not config_problem() else []
    for name in names:
        if st.button(
            _sign_in_label(name, len(names)),
            key=f"account:sign_in:{name or 'default'}",
            icon=":material/login:",
            width="stretch",
        ):
            st.login(name)
