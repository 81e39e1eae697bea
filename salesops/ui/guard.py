"""No traceback reaches a user: a page that fails says so in words and the scenario stays as it was.

:func:`run_page` runs the selected page. An exception the page did not handle
(a model error on an odd scenario, a store error, a bug) is logged on the
server with its full traceback, and the user sees one sentence naming the
problem, with the way back: the scenario is unchanged, and Undo returns to the
one before the last edit. Streamlit's own control flow (``st.stop``,
``st.rerun``) passes through untouched: it derives from ``BaseException``.
"""

from __future__ import annotations

import logging

import streamlit as st

from salesops.ui.text import md

__all__ = ["PageStopped", "run_page", "stop_page"]

_LOG = logging.getLogger(__name__)


class PageStopped(Exception):
    """Raised by :func:`stop_page`: the page has drawn all it has to say."""


def stop_page() -> None:
    """End the page here, like ``st.stop()``, but let the app draw its sidebar and auto-save afterwards.

    ``st.stop()`` ends the whole script run: nothing can be drawn after it, so the shared sidebar
    (Undo, Save, downloads) would vanish and the working copy would not be saved.
    """
    raise PageStopped


def run_page(page) -> bool:
    """Run ``page`` (an ``st.Page``); False when it failed and the failure was shown instead."""
    try:
        page.run()
        return True
    except PageStopped:
        return True
    except Exception as exc:  # noqa: BLE001 (the one place every page error is caught, logged and explained)
        _LOG.exception("page %r failed", getattr(page, "title", page))
        reason = " ".join(str(exc).split())[:300] or type(exc).__name__
        st.error(
            f"This page could not be drawn for the working scenario ({md(type(exc).__name__)}: "
            f"{md(reason)}). Your scenario is unchanged: Undo in the sidebar goes back to the one before "
            "your last edit, and the other pages still work.",
            icon=":material/error:",
        )
        return False
