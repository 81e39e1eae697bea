"""A tab whose server went away keeps writing its own working copy; another tab on it is still told.

When a replica dies, Streamlit's page reconnects (through the proxy) to another
replica and names its last server session in the websocket's
``Sec-WebSocket-Protocol`` header. The new session continues that tab's lease
at once (no 90 s wait, no "Take over"); a copied ``?w=`` link, a duplicated tab
or a reconnect naming another session has no such name and is told as before.
The browser test of the real failover is tests/test_browser_failover.py.
"""

from __future__ import annotations

import uuid

import pytest

from salesops.model.samples import load_sample
from salesops.store import Store
from salesops.store.access import Access, DraftInUse
from salesops.store.errors import StoreError
from salesops.ui import persist
from salesops.ui.text import plain
from tests.apptest_support import app, warm_server  # noqa: F401  (autouse: temp database, warm server)
from tests.dbfixtures import db_url, make_store  # noqa: F401  (fixtures)


# --------------------------------------------------------------------------
# The store: a claim that continues a named writer
# --------------------------------------------------------------------------
@pytest.fixture
def leases(make_store):
    store: Store = make_store()
    return store, Access(store)


def test_a_claim_that_succeeds_the_holder_takes_the_lease_at_once(leases):
    store, access = leases
    draft = access.put_draft(load_sample("startup"), writer="tab-old")
    access.claim_draft(draft, "tab-new", succeeds="tab-old")  # no DraftInUse although tab-old was seen just now
    assert store.get_draft(draft).writer == "tab-new"
    assert access.touch_draft(draft, "tab-new") and not access.touch_draft(draft, "tab-old")
    with pytest.raises(DraftInUse):  # the old writer, were it alive, is told on its next save
        access.put_draft(load_sample("enterprise"), writer="tab-old", draft_id=draft)
    assert store.get_draft(draft).scenario == load_sample("startup")


def test_a_claim_naming_another_writer_is_refused_like_any_second_tab(leases):
    store, access = leases
    draft = access.put_draft(load_sample("startup"), writer="tab-a")
    with pytest.raises(DraftInUse):
        access.claim_draft(draft, "tab-b", succeeds="tab-c")
    assert store.get_draft(draft).writer == "tab-a"


def test_a_take_over_in_between_wins_over_a_late_successor(leases):
    """The successor is checked against the holder inside the claim: a tab that took over meanwhile keeps it."""
    store, access = leases
    draft = access.put_draft(load_sample("startup"), writer="tab-old")
    access.claim_draft(draft, "tab-other", take_over=True)
    with pytest.raises(DraftInUse):
        access.claim_draft(draft, "tab-new", succeeds="tab-old")
    assert store.get_draft(draft).writer == "tab-other"


@pytest.mark.parametrize("bad", ["", "a b", "x" * 200, 7])
def test_a_successor_must_be_a_writer_id(leases, bad):
    _, access = leases
    draft = access.put_draft(load_sample("startup"), writer="tab-a")
    with pytest.raises(StoreError, match="writer must be"):
        access.claim_draft(draft, "tab-b", succeeds=bad)


# --------------------------------------------------------------------------
# The app: which session a reconnecting tab names
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header, expected",
    [
        ("streamlit, xsrf, 0b6f6a7e-58b4-4bd4-9d44-1f2f4c6a1e39", "0b6f6a7e-58b4-4bd4-9d44-1f2f4c6a1e39"),
        ("streamlit,xsrf,0b6f6a7e-58b4-4bd4-9d44-1f2f4c6a1e39", "0b6f6a7e-58b4-4bd4-9d44-1f2f4c6a1e39"),
        ("streamlit, xsrf", None),  # a first connection names no session
        ("streamlit, xsrf, ", None),
        (None, None),
        ("other, xsrf, 0b6f6a7e-58b4-4bd4-9d44-1f2f4c6a1e39", None),
        ("streamlit, xsrf, ../../etc/passwd", None),
        ("streamlit, xsrf, " + "a" * 65, None),
        ("streamlit, xsrf, " + "a" * 5000, None),
    ],
)
def test_the_previous_session_is_read_from_the_websocket_header_and_bounded(header, expected):
    assert persist.previous_session(header) == expected


@pytest.fixture
def tabs(monkeypatch):
    """Stand-ins for what a real server gives each session: its id, and the header its websocket came with.

    AppTest runs every session under one fixed id and without a websocket; the
    test sets ``tabs["session"]`` before opening a tab and ``tabs["header"]``
    to what that tab's page would send.
    """
    now: dict[str, str | None] = {"session": None, "header": None}
    monkeypatch.setattr(persist, "_session_id", lambda: now["session"])
    monkeypatch.setattr(persist, "_websocket_protocols", lambda: now["header"])
    return now


def _edit(at, key: str, value: str):
    at.switch_page("pages/roi.py").run()
    at.segmented_control(key=key).set_value(value).run()
    assert not at.exception, at.exception
    return at


def _told(at) -> bool:
    return at.session_state["persist:in_use"] is not None and any(
        "open in another tab" in plain(w.value) for w in at.sidebar.warning
    )


def _store() -> Store:
    import os

    return Store(os.environ["SALESOPS_DATABASE_URL"])


def test_a_tab_reconnected_to_another_server_goes_on_editing_its_working_copy(tabs):
    first = str(uuid.uuid4())
    tabs["session"] = first
    tab = _edit(app(), "placement:deal_desk", "Localized")
    draft = tab.query_params["w"]
    # The tab's server dies; the page reconnects to another one and names its last session.
    tabs["session"], tabs["header"] = str(uuid.uuid4()), f"streamlit, xsrf-token, {first}"
    again = app(w=draft)
    assert again.session_state.get("persist:in_use") is None
    assert not any("open in another tab" in plain(w.value) for w in again.sidebar.warning)
    assert again.session_state["scenario"].plan("deal_desk").placement == "localized"  # nothing lost
    _edit(again, "placement:analytics", "Hybrid")
    saved = _store().get_draft(draft).scenario
    assert saved.plan("analytics").placement == "hybrid" and saved.plan("deal_desk").placement == "localized"
    assert again.query_params["w"] == draft  # the same working copy, not a copy
    # And it can move on again: a second failover names the session it has now.
    second = tabs["session"]
    tabs["session"], tabs["header"] = str(uuid.uuid4()), f"streamlit, xsrf-token, {second}"
    third = app(w=draft)
    assert third.session_state.get("persist:in_use") is None
    _edit(third, "placement:planning", "Localized")
    assert _store().get_draft(draft).scenario.plan("planning").placement == "localized"


def test_a_copied_link_or_a_reconnect_naming_another_session_is_still_told(tabs):
    tabs["session"] = str(uuid.uuid4())
    tab = _edit(app(), "placement:deal_desk", "Localized")
    draft = tab.query_params["w"]
    tabs["session"], tabs["header"] = str(uuid.uuid4()), "streamlit, xsrf-token"  # a copied link: a new page
    assert _told(app(w=draft))
    tabs["session"], tabs["header"] = str(uuid.uuid4()), f"streamlit, xsrf-token, {uuid.uuid4()}"
    stranger = app(w=draft)
    assert _told(stranger)
    _edit(stranger, "placement:analytics", "Hybrid")  # its edit is not written over the first tab's copy
    assert _store().get_draft(draft).scenario.plan("analytics").placement == "centralized"
    _edit(tab, "placement:planning", "Localized")  # and the first tab goes on writing it
    assert _store().get_draft(draft).scenario.plan("planning").placement == "localized"
    assert tab.session_state.get("persist:in_use") is None


def test_a_tab_that_lost_its_copy_to_a_take_over_is_told_when_it_reconnects(tabs):
    first = str(uuid.uuid4())
    tabs["session"] = first
    tab = _edit(app(), "placement:deal_desk", "Localized")
    draft = tab.query_params["w"]
    tabs["session"] = str(uuid.uuid4())
    other = app(w=draft)
    other.sidebar.button(key="save:take_over").click().run()
    tabs["session"], tabs["header"] = str(uuid.uuid4()), f"streamlit, xsrf-token, {first}"
    assert _told(app(w=draft))
