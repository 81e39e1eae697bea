"""A real OpenID Connect provider on loopback for the sign-in tests, and the secrets that point the app at it.

``oidc-provider-mock`` (a Flask app served by uvicorn) runs as a subprocess on a
free 127.0.0.1 port for the length of a ``with`` block. It requires client
registration, so the app's client id, secret and redirect URI are checked as a
real provider would. Its authorization page is a form: type a subject and
press "Authorize"; a user stored beforehand (:meth:`Provider.add_user`) signs in
with the claims stored for it, any other subject with ``email = subject``.

:func:`hosted_secrets` writes the ``[auth]`` section to a ``secrets.toml`` in a
temporary folder (never the repository's ``.streamlit/``), to pass to
``app_server(secrets=...)``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from tests.browser import free_port

__all__ = ["Provider", "hosted_secrets", "oidc_provider"]


@dataclass(frozen=True)
class Provider:
    url: str  # http://127.0.0.1:PORT
    client_id: str
    client_secret: str
    redirect_uri: str  # the app's http://127.0.0.1:APP_PORT/oauth2callback, as registered

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def add_user(self, sub: str, **claims: object) -> None:
        """Store ``sub`` with ``claims`` (email, name, ...): signing in as ``sub`` then returns them."""
        _request("PUT", f"{self.url}/users/{sub}", claims)


def _request(method: str, url: str, body: object | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        text = resp.read().decode()
    return json.loads(text) if text else None


@contextmanager
def oidc_provider(redirect_uri: str, timeout_s: float = 30.0) -> Iterator[Provider]:
    """Run the provider on a free loopback port, with one client registered for ``redirect_uri``."""
    if importlib.util.find_spec("oidc_provider_mock") is None:
        missing = "oidc-provider-mock is not installed (pip install -r requirements-dev.txt)"
        if os.environ.get("SALESOPS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"sign-in tests are required here but {missing}")
        pytest.skip(f"sign-in test skipped: {missing}")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tempfile.NamedTemporaryFile("w+", prefix="oidc-provider-", suffix=".log", delete=False)  # noqa: SIM115
    cmd = [
        sys.executable,
        "-m",
        "oidc_provider_mock",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--require-registration",
    ]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                _request("GET", f"{url}/.well-known/openid-configuration")
                break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"oidc-provider-mock did not start:\n{log.read()[-2000:]}")
            time.sleep(0.1)
        client = _request(
            "POST",
            f"{url}/oauth2/clients",
            {"redirect_uris": [redirect_uri], "token_endpoint_auth_method": "client_secret_basic"},
        )
        assert isinstance(client, dict)
        yield Provider(
            url=url, client_id=client["client_id"], client_secret=client["client_secret"], redirect_uri=redirect_uri
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
        Path(log.name).unlink(missing_ok=True)


def _toml(value: object) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def hosted_secrets(provider: Provider, folder: Path, **salesops: object) -> Path:
    """Write ``folder/secrets.toml`` with an ``[auth]`` section for ``provider``; return its path.

    Extra keyword arguments go under ``[salesops]`` (e.g. ``allow_anonymous_editing=True``).
    """
    lines = [
        "[auth]",
        f"redirect_uri = {_toml(provider.redirect_uri)}",
        f"cookie_secret = {_toml(secrets.token_urlsafe(32))}",
        f"client_id = {_toml(provider.client_id)}",
        f"client_secret = {_toml(provider.client_secret)}",
        f"server_metadata_url = {_toml(provider.metadata_url)}",
    ]
    if salesops:
        lines += ["", "[salesops]", *(f"{k} = {_toml(v)}" for k, v in salesops.items())]
    path = folder / "secrets.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
