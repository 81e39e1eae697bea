"""Shared set-up for the AppTest modules: a temporary database and a warm server.

Import the fixture into a test module (``from tests.apptest_support import
warm_server  # noqa: F401``); it is autouse there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

__all__ = ["APP", "app", "goto", "warm_server"]

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


@pytest.fixture(autouse=True)
def warm_server(monkeypatch, tmp_path):
    """Run every AppTest run like a server past its first request, on a database of its own.

    AppTest resets Streamlit's process-wide "pages directory" flag before every
    run, so each run would start in the legacy mode that the pages' navigation
    guard answers with a rerun, and a rerun drops a pending button click. A real
    server is in that mode only for its very first request, which the browser
    test of a deep link covers. The database is a SQLite file in the test's
    temporary folder, never the working directory.
    """
    from streamlit.runtime.pages_manager import PagesManager

    from salesops.ui import persist

    monkeypatch.setenv("SALESOPS_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    persist._store_for.clear()
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    yield
    persist._store_for.clear()


def app(**query_params: str) -> AppTest:
    """The app after its first run (on the default sample), with optional URL parameters."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query_params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def open_sections(at: AppTest, *keys: str) -> AppTest:
    """Open the lazy sections (expanders built only while open) with these keys, as a click would, and rerun."""
    for key in keys:
        at.session_state[f"{key}:open"] = True  # what the section's callback keeps when a user opens it
    at.run()
    assert not at.exception, at.exception
    return at
