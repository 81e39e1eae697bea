"""Hosted mode in the app: users see only their workspaces; a link opens one version and changes nothing.

The sign-in itself (st.login against a real OpenID Connect provider) is tested in
Chromium by tests/test_browser_auth.py; here the signed-in user is set directly,
so that every page can be driven through AppTest as user A or user B.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from salesops.store.access import Access
from salesops.model.samples import load_sample
from salesops.store import Store
from salesops.ui.text import plain
from tests.apptest_support import warm_server  # noqa: F401  (autouse: temp database, warm server)

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
A, B = "alice@example.com", "bob@example.com"


@pytest.fixture
def hosted(monkeypatch):
    """Hosted mode with a user the test chooses (None: signed out)."""
    from salesops.ui import auth

    who: dict[str, str | None] = {"user": None}
    monkeypatch.setattr(auth, "mode", lambda: "hosted")
    monkeypatch.setattr(auth, "config_problem", lambda: None)
    monkeypatch.setattr(auth, "user", lambda: who["user"])
    monkeypatch.setattr(auth, "signed_in", lambda: who["user"] is not None)
    monkeypatch.setattr(auth, "can_edit", lambda: who["user"] is not None)
    monkeypatch.setattr(auth, "render_account", lambda: None)
    return who


@pytest.fixture
def store():
    import os

    return Store(sa.create_engine(os.environ["SALESOPS_DATABASE_URL"]))


def _counts(store: Store) -> dict[str, int]:
    with store._engine_for(False).connect() as conn:  # noqa: SLF001 (row counts for the test)
        return {
            t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
            for t in ("scenarios", "versions", "links", "workspaces", "members")
        }


def _session(who: dict, user: str | None, **params: str) -> AppTest:
    who["user"] = user
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def alice_scenario(hosted, store):
    """Alice's workspace with one saved scenario (two versions) and a share link to version 1."""
    access = Access(store)
    ws = access.create_workspace("Acme", actor=A)
    first = access.create_scenario(
        ws.workspace_id, load_sample("midmarket").with_placement("deal_desk", "localized"), actor=A, name="Acme plan"
    )
    access.save_version(first.scenario_id, load_sample("midmarket"), base_version=1, actor=A)
    link = access.create_link(first.scenario_id, actor=A, version=1)
    return ws, first, link


def test_bob_sees_none_of_alices_scenarios_anywhere(hosted, store, alice_scenario):
    _, first, _ = alice_scenario
    bob = _session(hosted, B)
    bob.switch_page("pages/scenarios.py").run()
    assert not bob.exception
    assert not any(first.scenario_id in str(df.value.values) for df in bob.dataframe)
    assert not any("Acme plan" in str(df.value.values) for df in bob.dataframe)
    bob.switch_page("pages/compare.py").run()
    options = bob.multiselect(key="compare:chosen").options
    assert not any("Acme" in o for o in options), options


def test_a_copied_id_opens_nothing_and_changes_nothing(hosted, store, alice_scenario):
    _, first, _ = alice_scenario
    before = _counts(store)
    bob = _session(hosted, B, s=first.scenario_id, v="1")
    assert bob.session_state["scenario"] == load_sample("midmarket")  # the default, not Alice's
    assert any("link" in plain(e.value).lower() for e in bob.error), [plain(e.value) for e in bob.error]
    bob = _session(hosted, B, s=first.scenario_id)
    assert bob.session_state["scenario"] == load_sample("midmarket")
    assert _counts(store) == before


def test_a_link_opens_one_version_read_only_and_a_copy_is_a_new_scenario(hosted, store, alice_scenario):
    ws, first, link = alice_scenario
    bob = _session(hosted, B, s=link.token)
    assert bob.session_state["persist:readonly"] is True
    assert bob.session_state["scenario"].plan("deal_desk").placement == "localized"  # version 1, not the latest
    assert bob.session_state["persist:ref"] is None  # nothing to save onto
    before = [v.version for v in store.history(first.scenario_id)]
    # A forged edit and a forged save change nothing.
    bob.session_state["placement:deal_desk"] = "Centralized"
    bob.run()
    assert bob.session_state["scenario"].plan("deal_desk").placement == "localized"
    bob.sidebar.button(key="save:fork").click().run()
    bob_ws = Access(store).create_workspace("Bob's engagement", actor=B)
    bob.session_state["hosted:workspace"] = bob_ws.workspace_id
    bob.run()
    bob.sidebar.text_input(key="save:name").set_value("Bob's copy")
    bob.sidebar.button(key="save:button").click().run()
    assert not bob.exception, bob.exception
    copy_id, copy_version = bob.session_state["persist:ref"]
    assert copy_id != first.scenario_id and copy_version == 1
    assert Access(store).workspace_of(copy_id) == bob_ws.workspace_id
    assert [v.version for v in store.history(first.scenario_id)] == before


def test_a_signed_out_visitor_of_a_link_sees_it_and_lists_nothing(hosted, store, alice_scenario):
    _, first, link = alice_scenario
    visitor = _session(hosted, None, s=link.token)
    assert visitor.session_state["persist:readonly"] is True
    visitor.switch_page("pages/scenarios.py").run()
    assert not visitor.exception
    assert not any(first.scenario_id in str(df.value.values) for df in visitor.dataframe)


def test_a_revoked_link_says_so_plainly(hosted, store, alice_scenario):
    _, _, link = alice_scenario
    Access(store).revoke_link(link.token, actor=A)
    bob = _session(hosted, B, s=link.token)
    assert bob.session_state["scenario"] == load_sample("midmarket")
    assert any("revoked" in plain(e.value) for e in bob.error), [plain(e.value) for e in bob.error]


def test_alice_saves_into_her_workspace_and_shares_from_the_panel(hosted, store):
    access = Access(store)
    ws = access.create_workspace("Acme", actor=A)
    alice = _session(hosted, A)
    assert alice.session_state["hosted:workspace"] == ws.workspace_id
    alice.sidebar.text_input(key="save:name").set_value("Acme plan")
    alice.sidebar.button(key="save:button").click().run()
    assert not alice.exception, alice.exception
    sid, version = alice.session_state["persist:ref"]
    assert access.workspace_of(sid) == ws.workspace_id
    assert [s.scenario_id for s in access.list_scenarios(actor=A)] == [sid]
    alice.sidebar.button(key="hosted:create_link").click().run()
    links = access.links_of(sid, actor=A)
    assert len(links) == 1 and links[0].version == version and links[0].include_people is False
    assert any(links[0].token in c.value for c in alice.sidebar.code)


def test_owners_read_the_audit_trail_and_add_members_others_do_not(hosted, store, alice_scenario):
    ws, first, link = alice_scenario
    Access(store).open_link(link.token, actor=B)
    alice = _session(hosted, A)
    alice.session_state["hosted:workspace"] = ws.workspace_id
    alice.switch_page("pages/scenarios.py").run()
    assert not alice.exception, alice.exception
    trail = [df.value for df in alice.dataframe if "What" in getattr(df.value, "columns", [])]
    assert trail and {"saved", "shared", "link opened"} <= set(trail[0]["What"])
    alice.text_input(key="hosted:member_email").set_value("Carol@Example.com")
    alice.selectbox(key="hosted:member_role").set_value("editor")
    alice.button(key="hosted:add_member").click().run()
    assert Access(store).role_of("carol@example.com", ws.workspace_id) == "editor"
    bob = _session(hosted, B)
    bob.session_state["hosted:workspace"] = ws.workspace_id  # even pointed at Alice's workspace
    bob.switch_page("pages/scenarios.py").run()
    assert not any("What" in getattr(df.value, "columns", []) for df in bob.dataframe)


def test_downloads_from_a_link_are_recorded_for_the_owner(hosted, store, alice_scenario):
    import functools

    from salesops.model import evaluate
    from salesops.ui import downloads
    from salesops.ui.persist import _record_export

    ws, first, link = alice_scenario
    bob = _session(hosted, B, s=link.token)
    assert bob.session_state["persist:linked"] == (first.scenario_id, 1)
    # What the sidebar binds when it draws the download button, run later as a download would run it.
    scenario = bob.session_state["scenario"]
    on_export = functools.partial(_record_export, store, B, first.scenario_id, 1)
    text = downloads._recorded("csv", scenario, evaluate(scenario), False, on_export)  # noqa: SLF001
    assert text.startswith("employee_id")
    events = Access(store).audit_log(ws.workspace_id, actor=A)
    assert [(e.action, e.actor, e.detail) for e in events][0] == ("exported", B, "csv")


def test_a_working_copy_opens_only_for_the_user_who_made_it(hosted, store):
    ws = Access(store).create_workspace("Acme", actor=A)
    alice = _session(hosted, A)
    alice.session_state["hosted:workspace"] = ws.workspace_id
    alice.switch_page("pages/roi.py").run()
    alice.segmented_control(key="placement:analytics").set_value("Hybrid").run()
    draft = alice.query_params["w"]
    before = store.get_draft(draft).scenario
    for user in (B, None):  # another user, and a visitor who has not signed in
        other = _session(hosted, user, w=draft)
        assert other.session_state["scenario"] == load_sample("midmarket")
        assert any("belongs to another user" in plain(e.value) for e in other.error)
        assert other.session_state.get("persist:draft") is None
    assert store.get_draft(draft).scenario == before
    again = _session(hosted, A, w=draft)  # Alice herself, in a new tab: restored (and told it is open elsewhere)
    assert again.session_state["scenario"] == before
