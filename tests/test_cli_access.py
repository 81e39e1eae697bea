"""The command line with workspaces: ``--user``/``--workspace`` and ``scenarios workspace ...``.

Run in-process (``main([...])``) on SQLite and, when configured, PostgreSQL (the
``db_url`` fixture of tests/dbfixtures.py). User B's every attempt on A's
scenarios is one ``error:`` line, a non-zero exit, and no change to any table.
"""

from __future__ import annotations

import json
import re

import pytest

from salesops.store.access import Access
from salesops.cli import EXIT_DATA, EXIT_USAGE
from salesops.model.samples import load_sample
from salesops.store import Store
from tests.dbfixtures import db_url  # noqa: F401  (fixture)
from tests.test_access import dump
from tests.test_cli_store import ok, one_error, run  # noqa: F401  (the same command-line helpers)

A, B, VIEWER = "ann@a.example", "bob@b.example", "vic@a.example"


def created_workspace(out: str) -> str:
    match = re.fullmatch(r"created workspace (\S+): .*\n", out)
    assert match, out
    return match.group(1)


def saved_id(out: str) -> str:
    match = re.search(r"scenario (\S+) version (\d+)", out)
    assert match, out
    return match.group(1)


@pytest.fixture
def db(db_url, monkeypatch) -> str:  # noqa: F811
    monkeypatch.delenv("SALESOPS_DATABASE_URL", raising=False)
    return db_url


@pytest.fixture
def setup(capsys, db):
    """Workspace A (owner A, viewer VIEWER) with a scenario of two versions; workspace B (owner B) with one."""
    ws_a = created_workspace(
        ok(capsys, "scenarios", "workspace", "create", "Acme", "--user", "Ann@A.example", "--db", db)
    )
    ws_b = created_workspace(ok(capsys, "scenarios", "workspace", "create", "Bolt", "--user", B, "--db", db))
    out = ok(capsys, "scenarios", "workspace", "add-member", ws_a, VIEWER, "--role", "viewer", "--user", A, "--db", db)
    assert out.strip() == f"{VIEWER} is a viewer of workspace {ws_a}"
    out = ok(capsys, "scenarios", "save", "midmarket", "--user", A, "--workspace", ws_a, "--note", "first", "--db", db)
    assert out.startswith("saved new scenario ") and f"version 1 in workspace {ws_a}: Mid-market" in out
    sid = saved_id(out)
    ok(capsys, "scenarios", "save", "startup", "--id", sid, "--base-version", "1", "--user", A, "--db", db)
    b_sid = saved_id(ok(capsys, "scenarios", "save", "enterprise", "--user", B, "--workspace", ws_b, "--db", db))
    local = saved_id(ok(capsys, "scenarios", "save", "startup", "--name", "Local", "--db", db))
    return {"db": db, "ws_a": ws_a, "ws_b": ws_b, "sid": sid, "b_sid": b_sid, "local": local}


def _rows(db: str) -> dict[str, list[str]]:
    store = Store(db)
    try:
        return dump(store)
    finally:
        store.dispose()


# --------------------------------------------------------------------------
# B against A's scenarios
# --------------------------------------------------------------------------
def test_b_cannot_list_show_save_or_compare_a_scenarios(capsys, setup):
    db, sid, ws_a, ws_b = setup["db"], setup["sid"], setup["ws_a"], setup["ws_b"]
    listed = ok(capsys, "scenarios", "list", "--user", B, "--db", db)
    assert setup["b_sid"] in listed and sid not in listed and setup["local"] not in listed
    before = _rows(db)
    attempts = [
        (["scenarios", "list", "--user", B, "--workspace", ws_a], ["not a member of workspace", ws_a]),
        (["scenarios", "show", sid, "--user", B], ["not a member of the workspace of scenario", sid]),
        (["scenarios", "show", f"{sid}@1", "--user", B, "--workspace", ws_b], ["not a member", sid]),
        (["scenarios", "show", sid, "--out", "-", "--user", B], ["not a member", sid]),
        (
            ["scenarios", "save", "startup", "--id", sid, "--base-version", "2", "--user", B],
            ["not a member", "cannot save a version of it"],
        ),
        (
            ["scenarios", "save", "startup", "--id", sid, "--base-version", "2", "--user", B, "--workspace", ws_b],
            ["not a member", "cannot save a version of it"],
        ),
        (["scenarios", "save", "startup", "--user", B, "--workspace", ws_a], ["not a member", "nothing was saved"]),
        (["compare", "startup", sid, "--user", B], ["not a member", sid]),
        (["compare", "startup", f"{sid}@1", "--json", "--user", B], ["not a member", sid]),
        (["scenarios", "workspace", "add-member", ws_a, B, "--role", "owner", "--user", B], ["not a member"]),
        # without --user (local mode) a workspace's scenario is refused too
        (["scenarios", "show", sid], ["belongs to a workspace", "--user"]),
        (["scenarios", "save", "startup", "--id", sid, "--base-version", "2"], ["belongs to a workspace"]),
        (["compare", "startup", sid], ["belongs to a workspace"]),
    ]
    for argv, words in attempts:
        err = one_error(capsys, EXIT_DATA, *argv, "--db", db)
        for word in words:
            assert word in err, (argv, err)
        if "--user" in argv:
            assert B in err
        assert _rows(db) == before, argv
    # local mode lists only local scenarios, as before
    listed = ok(capsys, "scenarios", "list", "--db", db)
    assert setup["local"] in listed and sid not in listed and setup["b_sid"] not in listed


def test_guessed_ids_are_refused_plainly(capsys, setup):
    db = setup["db"]
    before = _rows(db)
    for argv in (
        ["scenarios", "show", "AAAAAAAAAAAAAAAA", "--user", B],
        ["scenarios", "save", "startup", "--id", "AAAAAAAAAAAAAAAA", "--base-version", "1", "--user", B],
        ["scenarios", "show", "AAAAAAAAAAAAAAAA"],
    ):
        assert "unknown scenario 'AAAAAAAAAAAAAAAA'" in one_error(capsys, EXIT_DATA, *argv, "--db", db)
    err = one_error(capsys, EXIT_DATA, "compare", "startup", "AAAAAAAAAAAAAAAA", "--user", B, "--db", db)
    assert "is not a sample, a scenario file or a saved scenario" in err
    err = one_error(capsys, EXIT_DATA, "scenarios", "list", "--user", B, "--workspace", "AAAAAAAAAAAAAAAA", "--db", db)
    assert "not a member of workspace" in err
    assert _rows(db) == before


# --------------------------------------------------------------------------
# Members at work
# --------------------------------------------------------------------------
def test_members_list_show_save_and_compare_in_their_workspace(capsys, setup):
    db, sid, ws_a, ws_b = setup["db"], setup["sid"], setup["ws_a"], setup["ws_b"]
    lines = ok(capsys, "scenarios", "list", "--user", VIEWER, "--db", db).splitlines()
    assert lines[0].split() == ["id", "name", "latest", "updated", "(UTC)", "versions", "workspace"]
    assert len(lines) == 3 and lines[2].startswith(f"{sid}  Mid-market") and lines[2].split()[-1] == ws_a
    assert ok(capsys, "scenarios", "list", "--user", A, "--workspace", ws_a, "--db", db).splitlines()[2:] == lines[2:]
    out = ok(capsys, "scenarios", "show", sid, "--user", VIEWER, "--db", db)
    assert "2 version(s)" in out and "Headline of version 2 (the latest)" in out
    assert ok(capsys, "scenarios", "show", f"{sid}@1", "--user", VIEWER, "--workspace", ws_a, "--db", db)
    data = json.loads(ok(capsys, "compare", f"{sid}@1", sid, "--json", "--user", VIEWER, "--db", db))
    assert [(d["scenario_id"], d["version"]) for d in data] == [(sid, 1), (sid, 2)]
    # a viewer cannot save; an owner can, and the new version keeps the name and records who saved it
    err = one_error(
        capsys,
        EXIT_DATA,
        "scenarios",
        "save",
        "startup",
        "--id",
        sid,
        "--base-version",
        "2",
        "--user",
        VIEWER,
        "--db",
        db,
    )
    assert "a viewer of the workspace" in err and "only editors and owners" in err
    out = ok(
        capsys,
        "scenarios",
        "save",
        "enterprise",
        "--id",
        sid,
        "--base-version",
        "2",
        "--user",
        A,
        "--workspace",
        ws_a,
        "--note",
        "third",
        "--db",
        db,
    )
    roles = len(load_sample("enterprise").roles)
    assert out.strip() == f"saved scenario {sid} version 3: Mid-market (800 reps, {roles} roles)"
    err = one_error(
        capsys,
        EXIT_DATA,
        "scenarios",
        "save",
        "enterprise",
        "--id",
        sid,
        "--base-version",
        "2",
        "--user",
        A,
        "--db",
        db,
    )
    assert "not saved" in err and "latest is version 3" in err
    store = Store(db)
    try:
        access = Access(store)
        assert [v.saved_by for v in access.history(sid, actor=A)] == [A, A, A]
        assert access.load(sid, actor=A).scenario == load_sample("enterprise").renamed("Mid-market")
        # a member of both workspaces is refused a scenario outside the --workspace named
        access.add_member(ws_b, A, "editor", actor=B)
    finally:
        store.dispose()
    err = one_error(capsys, EXIT_DATA, "scenarios", "show", sid, "--user", A, "--workspace", ws_b, "--db", db)
    assert f"is not in workspace '{ws_b}'" in err
    err = one_error(
        capsys,
        EXIT_DATA,
        "scenarios",
        "save",
        "startup",
        "--id",
        sid,
        "--base-version",
        "3",
        "--user",
        A,
        "--workspace",
        ws_b,
        "--db",
        db,
    )
    assert f"is not in workspace '{ws_b}'" in err
    assert {setup["b_sid"], sid} <= set(ok(capsys, "scenarios", "list", "--user", A, "--db", db).split())


def test_show_out_is_an_export_in_the_audit_trail(capsys, setup, tmp_path):
    db, sid, ws_a = setup["db"], setup["sid"], setup["ws_a"]
    target = tmp_path / "v1.json"
    out = ok(capsys, "scenarios", "show", f"{sid}@1", "--out", str(target), "--user", VIEWER, "--db", db)
    assert out.strip() == f"wrote {target}: scenario {sid} version 1 (Mid-market)"
    store = Store(db)
    try:
        event = Access(store).audit_log(ws_a, actor=A)[0]
        assert (event.action, event.actor, event.scenario_id, event.version) == ("exported", VIEWER, sid, 1)
    finally:
        store.dispose()


def test_workspace_commands(capsys, db):
    ws = created_workspace(ok(capsys, "scenarios", "workspace", "create", "Acme engagement", "--user", A, "--db", db))
    assert ok(capsys, "scenarios", "workspace", "list", "--user", B, "--db", db).startswith(f"{B} is in no workspace")
    out = ok(
        capsys, "scenarios", "workspace", "add-member", ws, "Bob@B.example", "--role", "Editor", "--user", A, "--db", db
    )
    assert out.strip() == f"{B} is an editor of workspace {ws}"
    lines = ok(capsys, "scenarios", "workspace", "list", "--user", B, "--db", db).splitlines()
    assert lines[0].split()[:4] == ["id", "name", "your", "role"]
    assert lines[2].split()[:4] == [ws, "Acme", "engagement", "editor"]
    err = one_error(
        capsys, EXIT_DATA, "scenarios", "workspace", "add-member", ws, "c@c.example", "--user", B, "--db", db
    )
    assert "only owners" in err and B in err
    err = one_error(
        capsys, EXIT_DATA, "scenarios", "workspace", "add-member", ws, A, "--role", "viewer", "--user", A, "--db", db
    )
    assert "only owner" in err
    err = one_error(
        capsys, EXIT_USAGE, "scenarios", "workspace", "add-member", ws, B, "--role", "admin", "--user", A, "--db", db
    )
    assert "invalid choice" in err
    assert "--user" in one_error(capsys, EXIT_USAGE, "scenarios", "workspace", "create", "X", "--db", db)


@pytest.mark.parametrize(
    "argv, words",
    [
        (["scenarios", "list", "--workspace", "abc"], ["--workspace needs --user"]),
        (["scenarios", "show", "abc", "--workspace", "abc"], ["--workspace needs --user"]),
        (["compare", "startup", "abc", "--workspace", "abc"], ["--workspace needs --user"]),
        (["scenarios", "save", "startup", "--user", A], ["needs --workspace ID"]),
        (["scenarios", "list", "--user", "ann"], ["--user must look like name@example.com", "'ann'"]),
        (["scenarios", "workspace", "rename"], ["invalid choice", "'rename'"]),
    ],
)
def test_command_line_mistakes_exit_2(capsys, tmp_path, argv, words):
    err = one_error(capsys, EXIT_USAGE, *argv, "--db", f"sqlite:///{tmp_path / 'x.db'}")
    for word in words:
        assert word in err


def test_help_names_the_new_options(capsys):
    for argv in (
        ["scenarios", "list", "--help"],
        ["scenarios", "save", "--help"],
        ["scenarios", "show", "--help"],
        ["compare", "--help"],
    ):
        code, out, _ = run(capsys, *argv)
        assert code == 0 and "--user EMAIL" in out and "--workspace ID" in out
    err = one_error(capsys, EXIT_USAGE, "scenarios", "workspace")
    assert "required" in err and "ACTION" in err
    code, out, _ = run(capsys, "scenarios", "workspace", "--help")
    assert code == 0 and all(word in out for word in ("create", "list", "add-member"))
