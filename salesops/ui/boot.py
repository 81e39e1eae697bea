"""Make a deep link on a freshly started server open through ``streamlit_app.py``.

Streamlit keeps a process-wide flag that runs the very first script run of a
server in the old "pages directory" mode when a folder named ``pages/`` exists.
A stakeholder whose shared link (``/roi``) is the first request would then see
the page without the app's navigation and sidebar. Every page calls
:func:`ensure_app_navigation` first: in that mode it clears the flag and reruns,
so the run goes through ``st.navigation`` like every later one. It also adds the app's
stylesheet (:mod:`salesops.ui.style`), so every page gets it from the same first line.

:func:`settle_heap` runs once per server process, after the app's modules are imported.
"""

from __future__ import annotations

import gc
import threading

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from salesops.ui import style

__all__ = ["ensure_app_navigation", "settle_heap"]

_SETTLED = threading.Event()


def settle_heap() -> None:
    """Once per process: collect, then freeze every object alive now (the imported libraries and data).

    Frozen objects are never scanned again, so the collections Python runs by itself during a
    script run stay short (a full collection of the unfrozen heap took about 40 ms per run). Later
    calls do nothing.
    """
    if _SETTLED.is_set():
        return
    _SETTLED.set()
    gc.collect()
    gc.freeze()


def ensure_app_navigation() -> None:
    """Rerun through the entry script if this run bypassed ``st.navigation``; then add the app's stylesheet."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    style.apply()
