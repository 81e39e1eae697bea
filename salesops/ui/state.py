"""The working scenario in ``st.session_state``, with undo and redo.

The session holds one current :class:`~salesops.scenario.Scenario` plus two
stacks of earlier and undone Scenarios. Because Scenarios are immutable, a
stack entry can never change under the user's feet.
"""

from __future__ import annotations

import streamlit as st

from salesops.model import Results
from salesops.samples import load_sample
from salesops.scenario import Scenario
from salesops.whatif import evaluate_cached

__all__ = [
    "DEFAULT_SAMPLE",
    "UNDO_LIMIT",
    "can_redo",
    "can_undo",
    "commit",
    "current",
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
_CUR, _PAST, _FUTURE, _REV = "scenario", "scenario:past", "scenario:future", "scenario:revision"


def _init() -> None:
    if _CUR not in st.session_state:
        st.session_state[_CUR] = load_sample(DEFAULT_SAMPLE)
        st.session_state[_PAST] = []
        st.session_state[_FUTURE] = []
        st.session_state["scenario:sample_name"] = DEFAULT_SAMPLE
        st.session_state["scenario:last_change"] = f"Loaded sample '{DEFAULT_SAMPLE}'"
        st.session_state[_REV] = 0


def revision() -> int:
    """A counter bumped by every change, undo and redo (keys editors to one version)."""
    _init()
    return st.session_state[_REV]


def _bump() -> None:
    st.session_state[_REV] = st.session_state.get(_REV, 0) + 1


def current() -> Scenario:
    """The working scenario (the default sample on a new session)."""
    _init()
    return st.session_state[_CUR]


def results() -> Results:
    """Results of the working scenario (memoised: a toggle back is free)."""
    return evaluate_cached(current())


def previous() -> Scenario | None:
    """The scenario before the last change, if any."""
    _init()
    past = st.session_state[_PAST]
    return past[-1][0] if past else None


def last_change() -> str:
    _init()
    return st.session_state.get("scenario:last_change", "")


READONLY = "persist:readonly"


def readonly() -> bool:
    """True while the session shows a shared scenario read-only (until it is forked)."""
    return bool(st.session_state.get(READONLY))


def commit(scenario: Scenario, label: str) -> None:
    """Make ``scenario`` current; the old one goes on the undo stack.

    Refused (with a notice) while the session is a read-only shared view.
    """
    _init()
    if readonly():
        st.session_state["persist:notice"] = ("warning", "This is a read-only shared scenario: make an editable "
                                              "copy (sidebar, Save & share) to change it.")
        return
    if scenario == st.session_state[_CUR]:
        return
    past = st.session_state[_PAST]
    past.append((st.session_state[_CUR], st.session_state.get("scenario:last_change", "")))
    del past[:-UNDO_LIMIT]
    st.session_state[_FUTURE] = []
    st.session_state[_CUR] = scenario
    st.session_state["scenario:last_change"] = label
    _bump()


def reset(scenario: Scenario, label: str) -> None:
    """Start the session's history afresh from ``scenario`` (opening a link or a saved version)."""
    _init()
    st.session_state[_CUR] = scenario
    st.session_state[_PAST] = []
    st.session_state[_FUTURE] = []
    st.session_state["scenario:last_change"] = label
    _bump()


def can_undo() -> bool:
    _init()
    return bool(st.session_state[_PAST])


def can_redo() -> bool:
    _init()
    return bool(st.session_state[_FUTURE])


def _step(source: str, target: str) -> None:
    """Move one scenario from the ``source`` stack to current; current goes to ``target``."""
    _init()
    if not st.session_state[source] or readonly():
        return
    scenario, label = st.session_state[source].pop()
    st.session_state[target].append((st.session_state[_CUR], st.session_state["scenario:last_change"]))
    st.session_state[_CUR] = scenario
    st.session_state["scenario:last_change"] = label
    _bump()


def undo() -> None:
    _step(_PAST, _FUTURE)


def redo() -> None:
    _step(_FUTURE, _PAST)
