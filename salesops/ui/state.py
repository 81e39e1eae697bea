"""The working scenario in ``st.session_state``, with undo and redo.

The session holds one :class:`~salesops.model.history.History` of immutable
:class:`~salesops.model.scenario.Scenario` values. Because Scenarios are immutable, a
stack entry can never change under the user's feet. The history also knows the
scenario before the last action (edit, Undo or Redo) and the baseline the user
started from, so the change under each headline figure says what it is against.

Only a script run may call these functions: code that runs later (download
callables, threads) has no session and must be handed the values it needs.
"""

from __future__ import annotations

import streamlit as st

from salesops.model.history import History
from salesops.model import Results
from salesops.model.samples import load_sample
from salesops.model.scenario import Scenario
from salesops.model.whatif import evaluate_cached

__all__ = [
    "DEFAULT_SAMPLE",
    "DELTA_MODES",
    "UNDO_LIMIT",
    "baseline",
    "can_redo",
    "can_undo",
    "commit",
    "current",
    "delta_reference",
    "last_change",
    "previous",
    "readonly",
    "redo",
    "reset",
    "results",
    "revision",
    "undo",
]

DEFAULT_SAMPLE = "midmarket"
UNDO_LIMIT = 100
_CUR, _HISTORY = "scenario", "scenario:history"
DELTA_MODE = "delta:mode"
DELTA_MODES = {"last": "Last change", "baseline": "Since we began"}


def _history() -> History[Scenario]:
    history = st.session_state.get(_HISTORY)
    if history is None:
        history = History(load_sample(DEFAULT_SAMPLE), f"Loaded sample '{DEFAULT_SAMPLE}'", limit=UNDO_LIMIT)
        st.session_state[_HISTORY] = history
        _mirror(history)
        st.session_state["scenario:sample_name"] = DEFAULT_SAMPLE
    elif st.session_state.get(_CUR) is not history.current:  # written directly under the plain key
        history.reset(st.session_state[_CUR], "Loaded a scenario")
        _mirror(history)
    return history


def _mirror(history: History[Scenario]) -> None:
    # The scenario and its revision are also readable under plain keys (editors are keyed by the revision).
    st.session_state[_CUR] = history.current
    st.session_state["scenario:revision"] = history.revision


def revision() -> int:
    """A counter bumped by every change, undo and redo (keys editors to one version)."""
    return _history().revision


def current() -> Scenario:
    """The working scenario (the default sample on a new session)."""
    return _history().current


def results() -> Results:
    """Results of the working scenario (memoised: a toggle back is free)."""
    return evaluate_cached(current())


def previous() -> Scenario | None:
    """The scenario just before the last action (edit, Undo or Redo), if any."""
    return _history().before


def baseline() -> tuple[Scenario, str]:
    """(scenario, label) the working scenario started from: the loaded sample, file, link or version."""
    return _history().baseline


def last_change() -> str:
    """What the last action was ("Deal desk: localized", "Undid: Deal desk: localized")."""
    return _history().action


def _same_org(a: Scenario, b: Scenario) -> bool:
    return [r.id for r in a.regions] == [r.id for r in b.regions]


def delta_reference(mode: str | None = None) -> tuple[Scenario | None, str]:
    """The scenario the headline changes are measured against, and how to say so.

    The user chooses (key ``delta:mode``) between the last action and the baseline; ``mode``
    ("last" or "baseline") overrides the choice for one page (presentation mode always shows
    the change since we began). A reference of another org (a different sample was just
    loaded) gives None: a change between two different orgs would mislead.
    """
    history = _history()
    mode = mode or st.session_state.get(DELTA_MODE, "last")
    if mode == "baseline":
        base, label = history.baseline
        if base is history.current or base == history.current:
            return None, f"No change since we began ({label})."
        if not _same_org(base, history.current):
            return None, f"The org differs from the starting point ({label}): no change shown."
        return base, f"Change since we began: {label}."
    before = history.before
    if before is None:
        return None, "No change yet."
    if not _same_org(before, history.current):
        return None, f"{history.action}: a different org, so no change is shown."
    return before, f"Change from the last action: {history.action}."


READONLY = "persist:readonly"


def readonly() -> bool:
    """True while nothing may change the working scenario.

    A shared link's read-only view (until it is forked), and, on a hosted app, a visitor who has not
    signed in (unless anonymous editing is allowed): every edit control is off and every edit refused.
    """
    if st.session_state.get(READONLY):
        return True
    from salesops.ui import auth  # noqa: PLC0415 (auth reads the secrets; state stays importable without them)

    return not auth.can_edit()


def _refusal() -> str:
    if st.session_state.get(READONLY):
        return "This is a read-only shared scenario: make an editable copy (sidebar, Save & share) to change it."
    return "Sign in (top of the sidebar) to change the scenario: this hosted app lets signed-in users edit."


def commit(scenario: Scenario, label: str, *, baseline: bool = False) -> None:
    """Make ``scenario`` current; the old one goes on the undo stack.

    ``baseline=True`` marks a new starting point (a loaded sample, file or saved
    version) for the "since we began" changes. Refused (with a notice) while the
    session is a read-only shared view.
    """
    history = _history()
    if readonly():
        st.session_state["persist:notice"] = ("warning", _refusal())
        return
    if history.commit(scenario, label, baseline=baseline):
        _mirror(history)


def reset(scenario: Scenario, label: str) -> None:
    """Start the session's history afresh from ``scenario`` (opening a link or a saved version)."""
    history = _history()
    history.reset(scenario, label)
    _mirror(history)


def can_undo() -> bool:
    return _history().can_undo()


def can_redo() -> bool:
    return _history().can_redo()


def undo() -> None:
    history = _history()
    if not readonly() and history.undo():
        _mirror(history)


def redo() -> None:
    history = _history()
    if not readonly() and history.redo():
        _mirror(history)
