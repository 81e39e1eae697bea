"""Workspaces, members, share links, audit and working-copy leases (salesops.store.access), on SQLite and PostgreSQL.

Every test taking ``make_store`` runs once per backend (see tests/dbfixtures.py).
User A (ann@a.example) owns workspace A, user B (bob@b.example) owns workspace B;
every attempt of B on A's scenarios, by a copied or a guessed id, must be a
clear refusal that leaves every table exactly as it was (row counts and rows).
The schema upgrade is checked on databases made by the schema-1 code: its DDL
copied here, and the store module of the last schema-1 commit taken from git.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import pytest
import sqlalchemy as sa

from salesops import store as store_module
from salesops.store import checks as store_checks
from salesops.store import schema as store_schema
from salesops.store.access import (
    ACTIONS,
    ANONYMOUS,
    MAX_DETAIL_CHARS,
    Access,
    AuditEvent,
    DraftInUse,
    LinkUnavailable,
    Member,
    PermissionDenied,
    ShareLink,
    Workspace,
    normalize_email,
)
from salesops.model.samples import load_sample
from salesops.store import SCHEMA_VERSION, Store, StoreError, UnknownScenario, VersionConflict
from tests.dbfixtures import db_url, make_store, sqlite_url  # noqa: F401  (fixtures)

A, B = "ann@a.example", "bob@b.example"
EDITOR, VIEWER = "eve@a.example", "vic@a.example"
T0 = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
REPO = Path(__file__).resolve().parents[1]
LAST_SCHEMA_1_COMMIT = "26d5f9e"  # the last commit of salesops/store.py at schema version 1


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, at: datetime = T0) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def dump(store: Store) -> dict[str, list[str]]:
    """Every row of every table, as sorted reprs (timestamps and bodies included)."""
    with store.engine.connect() as conn:
        return {
            name: sorted(repr(tuple(r)) for r in conn.execute(sa.select(store_schema._METADATA.tables[name])))
            for name in store_schema._TABLES
        }


def counts(store: Store) -> dict[str, int]:
    return {name: len(rows) for name, rows in dump(store).items()}


def refused(store: Store, kind: type[BaseException], call: Callable[[], Any], *words: str) -> BaseException:
    """``call`` raises ``kind`` naming ``words``, and the database is exactly as before."""
    before = dump(store)
    with pytest.raises(kind) as info:
        call()
    assert dump(store) == before, f"{call} changed the database"
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message, (word, message)
    return info.value


@pytest.fixture
def world(make_store):
    """A's workspace with a scenario of two versions, a viewer and an editor, a link; B's own workspace."""
    store = make_store()
    clock = Clock()
    access = Access(store, now=clock)
    ws_a = access.create_workspace("Acme engagement", actor=A)
    ws_b = access.create_workspace("Bolt engagement", actor=B)
    access.add_member(ws_a.workspace_id, EDITOR, "editor", actor=A)
    access.add_member(ws_a.workspace_id, VIEWER, "viewer", actor=A)
    first = access.create_scenario(ws_a.workspace_id, load_sample("midmarket"), actor=A, note="as shipped")
    second = access.save_version(
        first.scenario_id,
        load_sample("midmarket").with_placement("all", "localized"),
        base_version=1,
        actor=EDITOR,
        note="local",
    )
    link = access.create_link(first.scenario_id, actor=A, version=1)
    b_own = access.create_scenario(ws_b.workspace_id, load_sample("startup"), actor=B)
    local = store.create(load_sample("enterprise"), note="local mode")
    return {
        "store": store,
        "access": access,
        "clock": clock,
        "ws_a": ws_a.workspace_id,
        "ws_b": ws_b.workspace_id,
        "sid": first.scenario_id,
        "second": second,
        "link": link,
        "b_own": b_own.scenario_id,
        "local": local.scenario_id,
    }


# --------------------------------------------------------------------------
# Workspaces and members
# --------------------------------------------------------------------------
def test_workspaces_members_and_roles(make_store):
    store = make_store()
    access = Access(store, now=Clock())
    ws = access.create_workspace("  Acme  ", actor="Ann@A.Example")
    assert isinstance(ws, Workspace)
    assert (ws.name, ws.created_by, ws.created_at) == ("Acme", A, T0)
    assert access.workspaces_of(A) == [(ws, "owner")]
    assert access.workspaces_of(B) == []
    member = access.add_member(ws.workspace_id, " Bob@B.example ", "viewer", actor=A)
    assert member == Member(ws.workspace_id, B, "viewer", T0, A)
    assert access.role_of(B, ws.workspace_id) == "viewer"
    assert access.role_of("BOB@b.example", ws.workspace_id) == "viewer"
    assert access.add_member(ws.workspace_id, B, "editor", actor=A).role == "editor"  # re-adding changes the role
    assert access.role_of(B, ws.workspace_id) == "editor"
    assert [(m.email, m.role) for m in access.members(ws.workspace_id, actor=B)] == [(A, "owner"), (B, "editor")]
    assert access.workspaces_of(B) == [(ws, "editor")]
    # only owners add members; an editor cannot promote itself
    refused(
        store,
        PermissionDenied,
        lambda: access.add_member(ws.workspace_id, B, "owner", actor=B),
        B,
        "editor",
        "only owners",
    )
    # the last owner can be neither demoted nor removed, by itself or anyone
    refused(
        store,
        PermissionDenied,
        lambda: access.add_member(ws.workspace_id, A, "editor", actor=A),
        "only owner",
        "make someone else an owner first",
    )
    refused(store, PermissionDenied, lambda: access.remove_member(ws.workspace_id, A, actor=A), "only owner")
    # with a second owner, the first may step down
    access.add_member(ws.workspace_id, B, "owner", actor=A)
    assert access.add_member(ws.workspace_id, A, "viewer", actor=A).role == "viewer"
    refused(store, PermissionDenied, lambda: access.add_member(ws.workspace_id, A, "owner", actor=A), "viewer")
    access.remove_member(ws.workspace_id, A, actor=A)  # anyone may leave
    assert access.role_of(A, ws.workspace_id) is None and access.workspaces_of(A) == []
    refused(store, PermissionDenied, lambda: access.members(ws.workspace_id, actor=A), A, "not a member")
    refused(store, StoreError, lambda: access.remove_member(ws.workspace_id, "nobody@x.io", actor=B), "not a member")
    # bad values are named
    refused(
        store,
        StoreError,
        lambda: access.add_member(ws.workspace_id, "x@y.z", "admin", actor=B),
        "role must be one of owner, editor, viewer",
        "'admin'",
    )
    refused(
        store,
        StoreError,
        lambda: access.add_member(ws.workspace_id, "not an email", "viewer", actor=B),
        "name@example.com",
    )
    refused(store, StoreError, lambda: access.create_workspace(" ", actor=B), "must not be blank")
    refused(store, StoreError, lambda: access.create_workspace("x", actor="b"), "actor must look like")
    assert access.role_of("garbage", ws.workspace_id) is None and access.role_of(B, "../x") is None


def test_email_normalization():
    assert normalize_email(" A.B+tag@Sub.Example.COM") == "a.b+tag@sub.example.com"
    for bad in ("", "a@b", "a b@c.de", "@c.de", "a@@c.de", "a\n@c.de", "a@c.de\nb@c.de", "x" * 250 + "@c.de", None, 3):
        with pytest.raises(StoreError):
            normalize_email(bad)


# --------------------------------------------------------------------------
# B against A's scenarios: every attempt refused, nothing changed
# --------------------------------------------------------------------------
def test_b_cannot_list_open_save_share_or_audit_a_scenarios_by_copied_id(world):
    store, access, sid, ws_a, ws_b = world["store"], world["access"], world["sid"], world["ws_a"], world["ws_b"]
    token = world["link"].token
    before = counts(store)
    # listings show only B's own workspace
    assert [s.scenario_id for s in access.list_scenarios(actor=B)] == [world["b_own"]]
    assert {v.scenario_id for v in access.recent_versions(actor=B)} == {world["b_own"]}
    assert [w.workspace_id for w, _ in access.workspaces_of(B)] == [ws_b]
    not_member = (B, "not a member of the workspace of scenario", repr(sid))
    attempts = [
        (lambda: access.load(sid, actor=B), not_member + ("cannot open",)),
        (lambda: access.load(sid, 1, actor=B), not_member),
        (lambda: access.load(sid, 99, actor=B), not_member),  # no hint of which versions exist
        (lambda: access.history(sid, actor=B), not_member + ("history",)),
        (
            lambda: access.save_version(sid, load_sample("startup"), base_version=2, actor=B),
            not_member + ("nothing was saved",),
        ),
        (lambda: access.create_link(sid, actor=B, version=None), not_member + ("no link was made",)),
        (lambda: access.create_link(sid, actor=B, version=1, include_people=True), not_member),
        (lambda: access.links_of(sid, actor=B), not_member),
        (lambda: access.revoke_link(token, actor=B), (B, "cannot revoke", "nothing was changed")),
        (lambda: access.list_scenarios(actor=B, workspace_id=ws_a), (B, "not a member of workspace", ws_a)),
        (
            lambda: access.create_scenario(ws_a, load_sample("startup"), actor=B),
            (B, "not a member", "nothing was saved"),
        ),
        (lambda: access.audit_log(ws_a, actor=B), (B, "not a member", "audit")),
        (lambda: access.members(ws_a, actor=B), (B, "not a member")),
        (lambda: access.add_member(ws_a, B, "owner", actor=B), (B, "not a member")),
        (lambda: access.remove_member(ws_a, A, actor=B), (B, "not a member")),
        (lambda: access.fork_link(token, ws_a, actor=B), (B, "not a member", "nothing was saved")),
    ]
    for call, words in attempts:
        error = refused(store, PermissionDenied, call, *words)
        assert isinstance(error, StoreError)
    assert counts(store) == before
    assert access.role_of(B, ws_a) is None


def test_guessed_ids_and_tokens_are_refused_without_changes(world):
    store, access, ws_a = world["store"], world["access"], world["ws_a"]
    for guess in ("AAAAAAAAAAAAAAAA", "no-such-id", "x" * 500, "", "../../etc"):
        refused(store, UnknownScenario, lambda: access.load(guess, actor=B), "unknown scenario")
        refused(store, UnknownScenario, lambda: access.history(guess, actor=B), "unknown scenario")
        refused(
            store,
            UnknownScenario,
            lambda: access.save_version(guess, load_sample("startup"), base_version=1, actor=B),
            "unknown scenario",
        )
        refused(store, UnknownScenario, lambda: access.create_link(guess, actor=B, version=None), "unknown scenario")
        error = refused(store, LinkUnavailable, lambda: access.open_link(guess), "this link does not exist")
        assert error.reason == "unknown"
        refused(store, LinkUnavailable, lambda: access.revoke_link(guess, actor=B), "does not exist")
    for guess in ("AAAAAAAAAAAAAAAA", "zz" + ws_a[2:], "x" * 500, None):
        refused(store, PermissionDenied, lambda: access.audit_log(guess, actor=B), "workspace")
        refused(
            store, PermissionDenied, lambda: access.create_scenario(guess, load_sample("startup"), actor=B), "workspace"
        )
    refused(store, LinkUnavailable, lambda: access.open_link(None))  # type: ignore[arg-type]
    refused(store, LinkUnavailable, lambda: access.open_link("t" * 10_000))


def test_local_mode_scenarios_are_never_listed_or_opened_through_access(world):
    store, access, local = world["store"], world["access"], world["local"]
    assert local not in {s.scenario_id for s in access.list_scenarios(actor=A)}
    assert local not in {v.scenario_id for v in access.recent_versions(actor=A)}
    assert access.workspace_of(local) is None and access.workspace_of(world["sid"]) == world["ws_a"]
    refused(store, PermissionDenied, lambda: access.load(local, actor=A), "local scenario in no workspace")
    refused(
        store,
        PermissionDenied,
        lambda: access.save_version(local, load_sample("startup"), base_version=1, actor=A),
        "local scenario",
    )
    refused(store, PermissionDenied, lambda: access.create_link(local, actor=A, version=None), "local scenario")
    assert [s.scenario_id for s in access.local_scenarios()] == [local]
    # local mode itself is unchanged: the Store lists and opens everything, as before
    assert {s.scenario_id for s in store.list_scenarios()} == {local, world["sid"], world["b_own"]}
    assert store.load(local).scenario == load_sample("enterprise")
    with pytest.raises(UnknownScenario):
        access.workspace_of("no-such-id")


def test_viewers_read_and_editors_write_but_only_owners_administer(world):
    store, access, sid, ws_a = world["store"], world["access"], world["sid"], world["ws_a"]
    assert access.load(sid, actor=VIEWER).info == world["second"]
    assert [v.version for v in access.history(sid, actor=VIEWER)] == [2, 1]
    assert [v.saved_by for v in access.history(sid, actor=VIEWER)] == [EDITOR, A]
    assert [s.scenario_id for s in access.list_scenarios(actor=VIEWER, workspace_id=ws_a)] == [sid]
    viewer = (VIEWER, "a viewer of the workspace", "only editors and owners")
    refused(
        store,
        PermissionDenied,
        lambda: access.save_version(sid, load_sample("startup"), base_version=2, actor=VIEWER),
        *viewer,
    )
    refused(store, PermissionDenied, lambda: access.create_link(sid, actor=VIEWER, version=None), *viewer)
    refused(store, PermissionDenied, lambda: access.links_of(sid, actor=VIEWER), *viewer)
    refused(
        store,
        PermissionDenied,
        lambda: access.create_scenario(ws_a, load_sample("startup"), actor=VIEWER),
        VIEWER,
        "only editors and owners",
    )
    refused(store, PermissionDenied, lambda: access.revoke_link(world["link"].token, actor=VIEWER), "cannot revoke")
    for who in (VIEWER, EDITOR):
        refused(store, PermissionDenied, lambda: access.audit_log(ws_a, actor=who), "only owners")
        refused(
            store,
            PermissionDenied,
            lambda: access.add_member(ws_a, "new@a.example", "viewer", actor=who),
            "only owners",
        )
    third = access.save_version(sid, load_sample("startup"), base_version=2, actor=EDITOR)
    assert (third.version, third.saved_by) == (3, EDITOR)
    # a stale base is a VersionConflict as with Store.save, and writes nothing (no audit entry either)
    error = refused(
        store,
        VersionConflict,
        lambda: access.save_version(sid, load_sample("startup"), base_version=2, actor=A),
        "nothing was overwritten",
    )
    assert error.latest == third
    # a member removed loses access at once
    access.remove_member(ws_a, EDITOR, actor=A)
    refused(store, PermissionDenied, lambda: access.load(sid, actor=EDITOR), "not a member")
    [scenario] = access.list_scenarios(actor=A, workspace_id=ws_a)
    assert (scenario.workspace_id, scenario.owner, scenario.latest_version) == (ws_a, A, 3)


# --------------------------------------------------------------------------
# Share links
# --------------------------------------------------------------------------
def test_a_fixed_link_keeps_its_version_and_a_latest_link_follows(world):
    store, access, sid = world["store"], world["access"], world["sid"]
    fixed = world["link"]
    latest = access.create_link(sid, actor=EDITOR, version=None)
    assert isinstance(latest, ShareLink) and latest.version is None and latest.created_by == EDITOR
    assert len(latest.token) >= 22 and latest.token != fixed.token
    assert access.open_link(fixed.token)[1].info.version == 1
    assert access.open_link(latest.token)[1].info.version == 2
    access.save_version(sid, load_sample("startup"), base_version=2, actor=A)
    link, saved = access.open_link(fixed.token)
    assert link == fixed and saved.info.version == 1 and saved.scenario == load_sample("midmarket")
    link, saved = access.open_link(latest.token)
    assert link == latest and saved.info.version == 3 and saved.scenario == load_sample("startup")
    # opening a link never adds a version, and a link cannot be made to a version that does not exist
    assert [v.version for v in access.history(sid, actor=A)] == [3, 2, 1]
    refused(store, UnknownScenario, lambda: access.create_link(sid, actor=A, version=7), "no version 7")
    assert {x.token: x for x in access.links_of(sid, actor=EDITOR)} == {latest.token: latest, fixed.token: fixed}


def test_people_level_data_is_off_unless_the_owner_chooses_it(world):
    access, sid = world["access"], world["sid"]
    assert world["link"].include_people is False
    assert access.open_link(world["link"].token)[0].include_people is False
    with_people = access.create_link(sid, actor=A, version=2, include_people=True)
    assert access.open_link(with_people.token)[0].include_people is True
    with pytest.raises(StoreError, match="include_people must be True or False"):
        access.create_link(sid, actor=A, version=2, include_people="yes")  # type: ignore[arg-type]


def test_an_expired_link_says_when(world):
    store, access, clock, sid = world["store"], world["access"], world["clock"], world["sid"]
    link = access.create_link(sid, actor=A, version=None, expires_at=T0 + timedelta(days=7))
    assert link.expires_at == T0 + timedelta(days=7) and link.state_at(T0) == "active"
    clock.advance(days=6, hours=23)
    assert access.open_link(link.token)[1].info.version == 2
    clock.advance(hours=1)
    error = refused(
        store, LinkUnavailable, lambda: access.open_link(link.token), "this link expired on 2026-12-06 12:00 UTC"
    )
    assert error.reason == "expired" and error.at == link.expires_at
    assert link.state_at(clock()) == "expired"
    refused(
        store,
        StoreError,
        lambda: access.create_link(sid, actor=A, version=None, expires_at=clock()),
        "must be in the future",
    )
    refused(
        store,
        StoreError,
        lambda: access.create_link(sid, actor=A, version=None, expires_at=datetime(2030, 1, 1)),
        "time-zone aware",
    )
    refused(store, LinkUnavailable, lambda: access.fork_link(link.token, world["ws_b"], actor=B), "expired")


def test_revoked_links_say_so_and_only_creators_and_owners_revoke(world):
    store, access, clock, sid = world["store"], world["access"], world["clock"], world["sid"]
    by_editor = access.create_link(sid, actor=EDITOR, version=None)
    other_editor = "ed2@a.example"
    access.add_member(world["ws_a"], other_editor, "editor", actor=A)
    refused(
        store,
        PermissionDenied,
        lambda: access.revoke_link(by_editor.token, actor=other_editor),
        other_editor,
        "only its creator and the owners",
    )
    clock.advance(days=1)
    revoked = access.revoke_link(by_editor.token, actor=EDITOR)  # its creator
    assert revoked.state == "revoked" and revoked.revoked_at == T0 + timedelta(days=1)
    error = refused(
        store,
        LinkUnavailable,
        lambda: access.open_link(by_editor.token),
        "this link was revoked by its owner on 2026-11-30",
    )
    assert error.reason == "revoked"
    assert access.revoke_link(by_editor.token, actor=A) == revoked  # again: nothing changes
    fixed = access.revoke_link(world["link"].token, actor=A)  # an owner revokes a link it made
    assert fixed.state == "revoked"
    assert {x.token: x.state for x in access.links_of(sid, actor=A)} == {
        by_editor.token: "revoked",
        fixed.token: "revoked",
    }
    refused(store, LinkUnavailable, lambda: access.fork_link(fixed.token, world["ws_b"], actor=B), "revoked")


def test_an_editable_copy_goes_to_the_viewers_workspace_and_never_touches_the_shared_one(world):
    store, access, sid, ws_b = world["store"], world["access"], world["sid"], world["ws_b"]
    copy = access.fork_link(world["link"].token, ws_b, actor=B, name="Our copy")
    assert (copy.version, copy.name, copy.saved_by) == (1, "Our copy", B)
    assert (copy.parent_scenario_id, copy.parent_version) == (sid, 1)
    assert access.workspace_of(copy.scenario_id) == ws_b
    assert access.load(copy.scenario_id, actor=B).scenario == load_sample("midmarket").renamed("Our copy")
    assert [v.version for v in access.history(sid, actor=A)] == [2, 1]  # untouched
    edited = access.save_version(copy.scenario_id, load_sample("startup"), base_version=1, actor=B)
    assert edited.version == 2 and [v.version for v in access.history(sid, actor=A)] == [2, 1]
    refused(store, PermissionDenied, lambda: access.load(copy.scenario_id, actor=A), "not a member")
    assert {s.scenario_id for s in access.list_scenarios(actor=B)} == {world["b_own"], copy.scenario_id}
    # A's owner sees that a copy was made; B's owner sees the new scenario saved
    assert access.audit_log(world["ws_a"], actor=A)[0].action == "forked"
    assert [e.action for e in access.audit_log(ws_b, actor=B)][:3] == ["saved", "saved", "saved"]


# --------------------------------------------------------------------------
# Audit
# --------------------------------------------------------------------------
def test_the_audit_trail_records_who_did_what_when(world):
    store, access, clock, sid, ws_a = world["store"], world["access"], world["clock"], world["sid"], world["ws_a"]
    clock.advance(minutes=1)
    access.open_link(world["link"].token)
    access.open_link(world["link"].token, actor=B)
    clock.advance(minutes=1)
    access.record("exported", actor=B, scenario_id=sid, version=1, detail="xlsx without people")
    access.record("exported", actor=None, scenario_id=sid, version=1, detail="x" * 2000)
    clock.advance(minutes=1)
    access.revoke_link(world["link"].token, actor=A)
    log = access.audit_log(ws_a, actor=A)
    assert all(isinstance(e, AuditEvent) for e in log)
    assert [(e.action, e.actor, e.version) for e in log] == [
        ("revoked", A, 1),
        ("exported", ANONYMOUS, 1),
        ("exported", B, 1),
        ("link opened", B, 1),
        ("link opened", ANONYMOUS, 1),
        ("shared", A, 1),
        ("saved", EDITOR, 2),
        ("saved", A, 1),
        ("member added", A, None),
        ("member added", A, None),
        ("workspace created", A, None),
    ]
    assert all(e.workspace_id == ws_a for e in log)
    assert all(e.scenario_id == sid for e in log[:8])
    assert log[0].at == T0 + timedelta(minutes=3) and log[-1].at == T0
    assert len(log[1].detail) == MAX_DETAIL_CHARS and log[2].detail == "xlsx without people"
    assert log[6].detail == load_sample("midmarket").name  # the version's name
    assert len(access.audit_log(ws_a, actor=A, limit=2)) == 2
    # B's workspace has its own trail; A's events are not in it
    assert {e.workspace_id for e in access.audit_log(world["ws_b"], actor=B)} == {world["ws_b"]}
    refused(
        store,
        StoreError,
        lambda: access.record("deleted everything", actor=A, scenario_id=sid),
        "action must be one of",
    )
    refused(store, UnknownScenario, lambda: access.record("exported", actor=A, scenario_id="nope"))
    refused(
        store,
        StoreError,
        lambda: access.record("exported", actor=A, workspace_id=world["ws_b"], scenario_id=sid),
        "is not in workspace",
    )
    assert set(ACTIONS) >= {
        "saved",
        "shared",
        "revoked",
        "link opened",
        "exported",
        "forked",
        "member added",
        "member removed",
    }


# --------------------------------------------------------------------------
# Working-copy leases
# --------------------------------------------------------------------------
def test_a_working_copy_has_one_live_writer(make_store):
    store = make_store()
    clock = Clock()
    access = Access(store, now=clock)
    draft = store.put_draft(load_sample("startup"))  # local mode: no workspace, no actor
    assert store.get_draft(draft).writer is None
    access.claim_draft(draft, "tab-1")
    got = store.get_draft(draft)
    assert (got.writer, got.writer_seen_at) == ("tab-1", T0)
    access.claim_draft(draft, "tab-1")  # the writer itself: fine
    clock.advance(seconds=30)
    error = refused(store, DraftInUse, lambda: access.claim_draft(draft, "tab-2"), "another tab", "take it over")
    assert (error.writer, error.seen_at) == ("tab-1", T0)
    refused(store, DraftInUse, lambda: access.put_draft(load_sample("midmarket"), writer="tab-2", draft_id=draft))
    assert access.touch_draft(draft, "tab-1") is True
    assert store.get_draft(draft).writer_seen_at == T0 + timedelta(seconds=30)
    assert access.touch_draft(draft, "tab-2") is False
    # the writer keeps writing; a writer-unaware Store.put_draft keeps the claim as it is
    assert access.put_draft(load_sample("midmarket"), writer="tab-1", draft_id=draft) == draft
    store.put_draft(load_sample("enterprise"), draft_id=draft)
    assert store.get_draft(draft).writer == "tab-1"
    # take over explicitly: the first writer is told on its next touch
    clock.advance(seconds=1)
    access.claim_draft(draft, "tab-2", take_over=True)
    assert store.get_draft(draft).writer == "tab-2"
    assert access.touch_draft(draft, "tab-1") is False
    refused(store, DraftInUse, lambda: access.put_draft(load_sample("startup"), writer="tab-1", draft_id=draft))
    # a writer not seen for stale_after_s is replaced without asking
    clock.advance(seconds=91)
    access.claim_draft(draft, "tab-3")
    assert store.get_draft(draft).writer == "tab-3"
    clock.advance(seconds=5)
    access.claim_draft(draft, "tab-4", stale_after_s=5)
    assert store.get_draft(draft).writer == "tab-4"
    # a draft made by a writer is claimed from the start; a missing draft has nothing to claim
    made = access.put_draft(load_sample("startup"), writer="tab-9", base=None)
    assert store.get_draft(made).writer == "tab-9"
    refused(store, DraftInUse, lambda: access.claim_draft(made, "tab-8"))
    access.claim_draft("no-such-draft", "tab-1")
    assert store.get_draft("no-such-draft") is None
    for bad in ("", "a b", "x" * 200, None):
        refused(store, StoreError, lambda: access.claim_draft(draft, bad), "writer must be")  # type: ignore[arg-type]
    refused(store, StoreError, lambda: access.claim_draft("../x", "tab-1"), "draft id")
    refused(store, StoreError, lambda: access.claim_draft(draft, "tab-1", stale_after_s=float("nan")), "stale_after_s")


# --------------------------------------------------------------------------
# Read-only databases still open links
# --------------------------------------------------------------------------
def test_a_read_only_database_opens_links_and_records_nothing(tmp_path):
    path = tmp_path / "ro.db"
    store = Store(sqlite_url(path))
    access = Access(store)
    ws = access.create_workspace("A", actor=A)
    sid = access.create_scenario(ws.workspace_id, load_sample("startup"), actor=A).scenario_id
    token = access.create_link(sid, actor=A, version=None).token
    store.dispose()
    ro = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        link, saved = Access(ro).open_link(token)
        assert saved.info.scenario_id == sid and link.state == "active"
        assert len(Access(ro).audit_log(ws.workspace_id, actor=A)) == len(access.audit_log(ws.workspace_id, actor=A))
        with pytest.raises(store_module.ReadOnlyStore):
            Access(ro).save_version(sid, load_sample("startup"), base_version=1, actor=A)
    finally:
        ro.dispose()


# --------------------------------------------------------------------------
# Upgrading a database made by schema version 1
# --------------------------------------------------------------------------
_V1 = sa.MetaData()
sa.Table("meta", _V1, sa.Column("key", sa.String(64), primary_key=True), sa.Column("value", sa.Text, nullable=False))
sa.Table(
    "scenarios",
    _V1,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created_at", store_schema._UTCDateTime, nullable=False),
    sa.Column("updated_at", store_schema._UTCDateTime, nullable=False),
    sa.Column("latest_version", sa.Integer, nullable=False),
    sa.Index("ix_scenarios_updated_at", "updated_at"),
)
sa.Table(
    "versions",
    _V1,
    sa.Column("scenario_id", sa.String(64), sa.ForeignKey("scenarios.id"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("created_at", store_schema._UTCDateTime, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("parent_scenario_id", sa.String(64), nullable=True),
    sa.Column("parent_version", sa.Integer, nullable=True),
    sa.Column("reps", sa.BigInteger, nullable=False),
    sa.Column("roles", sa.Integer, nullable=False),
    sa.ForeignKeyConstraint(
        ["parent_scenario_id", "parent_version"],
        ["versions.scenario_id", "versions.version"],
        name="fk_versions_parent",
    ),
)
sa.Table(
    "drafts",
    _V1,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("base_scenario_id", sa.String(64), nullable=True),
    sa.Column("base_version", sa.Integer, nullable=True),
    sa.Column("updated_at", store_schema._UTCDateTime, nullable=False),
)


class _V1Store:
    """Schema-1 writes with the schema-1 DDL above (what the schema-1 Store wrote, row for row)."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url)
        with self.engine.begin() as conn:
            _V1.create_all(conn)
            conn.execute(sa.insert(_V1.tables["meta"]).values(key="schema_version", value="1"))

    def _versions(self) -> sa.Table:
        return _V1.tables["versions"]

    def create(self, scenario, *, name=None, note="", parent=None):
        sid = store_checks._new_id()
        now = datetime.now(timezone.utc)
        name = name or scenario.name
        scenario = scenario.renamed(name) if name != scenario.name else scenario
        with self.engine.begin() as conn:
            conn.execute(
                sa.insert(_V1.tables["scenarios"]).values(
                    id=sid, name=name, created_at=now, updated_at=now, latest_version=1
                )
            )
            conn.execute(
                sa.insert(self._versions()).values(
                    scenario_id=sid,
                    version=1,
                    name=name,
                    note=note,
                    created_at=now,
                    body=scenario.to_json(indent=None),
                    parent_scenario_id=parent[0] if parent else None,
                    parent_version=parent[1] if parent else None,
                    reps=scenario.total_reps,
                    roles=len(scenario.roles),
                )
            )
        return _Made(sid, 1)

    def branch(self, scenario_id, scenario, *, from_version, name, note=""):
        return self.create(scenario, name=name, note=note, parent=(scenario_id, from_version))

    def save(self, scenario_id, scenario, *, base_version, note=""):
        now = datetime.now(timezone.utc)
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(_V1.tables["scenarios"])
                .where(_V1.tables["scenarios"].c.id == scenario_id)
                .values(latest_version=base_version + 1, updated_at=now, name=scenario.name)
            )
            conn.execute(
                sa.insert(self._versions()).values(
                    scenario_id=scenario_id,
                    version=base_version + 1,
                    name=scenario.name,
                    note=note,
                    created_at=now,
                    body=scenario.to_json(indent=None),
                    parent_scenario_id=None,
                    parent_version=None,
                    reps=scenario.total_reps,
                    roles=len(scenario.roles),
                )
            )
        return _Made(scenario_id, base_version + 1)

    def put_draft(self, scenario, *, draft_id=None, base=None):
        chosen = draft_id or store_checks._new_id()
        with self.engine.begin() as conn:
            conn.execute(
                sa.insert(_V1.tables["drafts"]).values(
                    id=chosen,
                    body=scenario.to_json(indent=None),
                    base_scenario_id=base[0] if base else None,
                    base_version=base[1] if base else None,
                    updated_at=datetime.now(timezone.utc),
                )
            )
        return chosen

    def dispose(self) -> None:
        self.engine.dispose()


class _Made:
    def __init__(self, scenario_id: str, version: int) -> None:
        self.scenario_id, self.version = scenario_id, version


def _schema_1_module_from_git() -> Any:
    """``salesops/store/`` of the last schema-1 commit, imported as its own module; skip without git."""
    try:
        text = subprocess.run(
            ["git", "show", f"{LAST_SCHEMA_1_COMMIT}:salesops/store.py"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"the schema-1 store is not in this checkout's git history: {exc}")
    assert "SCHEMA_VERSION = 1\n" in text
    # Its own imports, as the package is laid out now (salesops.scenario became salesops.model.scenario).
    text = text.replace("from salesops.scenario import", "from salesops.model.scenario import")
    name = "salesops_store_schema_1"
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    exec(compile(text, f"{LAST_SCHEMA_1_COMMIT}:salesops/store.py", "exec"), module.__dict__)
    return module


def _old_store(source: str, url: str) -> Any:
    if source == "ddl":
        return _V1Store(url)
    return _schema_1_module_from_git().Store(url)


def _v1_rows(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every schema-1 column of every schema-1 row, read with the schema-1 table definitions."""
    with engine.connect() as conn:
        return {
            name: sorted(tuple(r) for r in conn.execute(sa.select(table)))
            for name, table in _V1.tables.items()
            if name != "meta"
        }


@pytest.mark.parametrize("source", ["ddl", "git"])
def test_a_schema_1_database_is_upgraded_with_nothing_lost(db_url, source):
    old = _old_store(source, db_url)
    startup, mid = load_sample("startup"), load_sample("midmarket")
    first = old.create(startup, note="as shipped")
    old.save(first.scenario_id, mid.renamed(startup.name), base_version=1, note="second")
    old.save(first.scenario_id, mid.with_placement("all", "hybrid").renamed("Renamed"), base_version=2)
    branch = old.branch(first.scenario_id, load_sample("enterprise"), from_version=2, name="Branch", note="b")
    draft = old.put_draft(mid, base=(first.scenario_id, 3))
    kept = old.put_draft(startup, draft_id="kept-in-a-url")
    old.dispose()
    engine = sa.create_engine(db_url)
    try:
        before = _v1_rows(engine)
        assert len(before["versions"]) == 4 and len(before["drafts"]) == 2

        store = Store(db_url)  # the upgrade
        try:
            assert store.schema_version() == SCHEMA_VERSION == 2
            assert _v1_rows(engine) == before  # every row and body, byte for byte
            with engine.connect() as conn:
                inspector = sa.inspect(conn)
                assert {"workspaces", "members", "links", "audit"} <= set(inspector.get_table_names())
                assert {"workspace_id", "owner"} <= {c["name"] for c in inspector.get_columns("scenarios")}
                assert "saved_by" in {c["name"] for c in inspector.get_columns("versions")}
                assert {"writer", "writer_seen_at"} <= {c["name"] for c in inspector.get_columns("drafts")}
                assert "ix_scenarios_workspace" in {i["name"] for i in inspector.get_indexes("scenarios")}
                assert conn.execute(sa.text("SELECT COUNT(*) FROM meta")).scalar() == 1
            # the old methods on the old rows
            sid = first.scenario_id
            assert [v.version for v in store.history(sid)] == [3, 2, 1]
            assert store.load(sid, 1).scenario == startup
            assert store.load(sid).scenario == mid.with_placement("all", "hybrid").renamed("Renamed")
            assert store.load(sid, 1).info.note == "as shipped" and store.load(sid, 1).info.saved_by is None
            loaded_branch = store.load(branch.scenario_id).info
            assert (loaded_branch.parent_scenario_id, loaded_branch.parent_version) == (sid, 2)
            listed = {s.scenario_id: s for s in store.list_scenarios()}
            assert set(listed) == {sid, branch.scenario_id}
            assert (listed[sid].latest_version, listed[sid].versions, listed[sid].name) == (3, 3, "Renamed")
            assert listed[sid].workspace_id is None and listed[sid].owner is None
            assert len(store.recent_versions()) == 4
            got = store.get_draft(draft)
            assert (got.scenario, got.base_scenario_id, got.base_version, got.writer) == (mid, sid, 3, None)
            assert store.get_draft(kept).scenario == startup
            assert store.save(sid, startup, base_version=3).version == 4
            with pytest.raises(VersionConflict):
                store.save(sid, startup, base_version=3)
            # the new features on old rows
            access = Access(store, now=Clock())
            assert access.workspace_of(sid) is None
            with pytest.raises(PermissionDenied, match="local scenario"):
                access.load(sid, actor=A)
            access.claim_draft(draft, "tab-1")
            with pytest.raises(DraftInUse):
                access.claim_draft(draft, "tab-2")
            assert store.get_draft(draft).scenario == mid  # the claim kept the body
            ws = access.create_workspace("After the upgrade", actor=A)
            copy = access.create_scenario(ws.workspace_id, store.load(sid, 2).scenario, actor=A)
            link = access.create_link(copy.scenario_id, actor=A, version=None)
            assert access.open_link(link.token)[1].scenario == mid.renamed(startup.name)
            assert [s.scenario_id for s in access.list_scenarios(actor=A)] == [copy.scenario_id]
            # reopening, and running the step again on an upgraded database, change nothing
            snapshot = dump(store)
            again = Store(db_url)
            with again.engine.begin() as conn:
                store_schema._upgrade_1_to_2(conn)
            assert again.schema_version() == 2 and dump(again) == snapshot
            again.dispose()
        finally:
            store.dispose()
    finally:
        engine.dispose()


def test_a_failed_upgrade_leaves_the_schema_1_database_as_it_was(db_url, monkeypatch):
    old = _V1Store(db_url)
    sid = old.create(load_sample("startup")).scenario_id
    old.dispose()
    engine = sa.create_engine(db_url)
    try:
        before = _v1_rows(engine)

        def half_then_fail(conn: sa.Connection) -> None:
            for table in (store_schema._WORKSPACES, store_schema._MEMBERS):
                table.create(conn, checkfirst=True)
            conn.exec_driver_sql("ALTER TABLE scenarios ADD COLUMN owner VARCHAR(254)")
            raise sa.exc.OperationalError("ALTER TABLE", {}, RuntimeError("disk trouble"))

        monkeypatch.setattr(store_schema, "_UPGRADES", [half_then_fail])
        with pytest.raises(StoreError, match="cannot open the scenario store"):
            Store(db_url)
        with engine.connect() as conn:  # rolled back as one transaction: still schema 1, nothing added
            assert conn.execute(sa.text("SELECT value FROM meta")).scalar() == "1"
            assert set(sa.inspect(conn).get_table_names()) == {"meta", "scenarios", "versions", "drafts"}
            assert "owner" not in {c["name"] for c in sa.inspect(conn).get_columns("scenarios")}
        assert _v1_rows(engine) == before
        monkeypatch.undo()
        store = Store(db_url)
        try:
            assert store.schema_version() == 2 and store.load(sid).scenario == load_sample("startup")
        finally:
            store.dispose()
    finally:
        engine.dispose()
