"""The database commands of ``python -m salesops``: ``scenarios list|save|show`` and ``compare``.

Run in-process (``main([...])``) on a SQLite file in ``tmp_path`` given with ``--db``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from salesops.cli import COMPARE_METRICS, EXIT_DATA, EXIT_OK, EXIT_USAGE, main
from salesops.model import evaluate
from salesops.model.samples import load_sample
from salesops.model.scenario import Scenario
from salesops.store import Store
from tests.dbfixtures import sqlite_url

COMPARE_KEYS = [key for key, *_ in COMPARE_METRICS]


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    monkeypatch.delenv("SALESOPS_DATABASE_URL", raising=False)
    return sqlite_url(tmp_path / "cli.db")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys, *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert (code, err) == (EXIT_OK, ""), err
    return out


def one_error(capsys, code: int, *argv: str) -> str:
    got, out, err = run(capsys, *argv)
    assert got == code, (got, out, err)
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and out == ""
    return err


def saved_id(out: str) -> str:
    match = re.search(r"scenario (\S+) version (\d+)", out)
    assert match, out
    return match.group(1)


def write(path: Path, scenario: Scenario) -> str:
    path.write_text(scenario.to_json(), encoding="utf-8")
    return str(path)


def stored(db: str) -> Store:
    return Store(db)


# --------------------------------------------------------------------------
# scenarios list / save / show
# --------------------------------------------------------------------------
def test_list_of_an_empty_database(capsys, db):
    assert ok(capsys, "scenarios", "list", "--db", db).strip() == f"no saved scenarios in {db}"


def test_save_list_and_new_versions(capsys, db, tmp_path):
    out = ok(capsys, "scenarios", "save", "midmarket", "--name", "Mid plan", "--note", "as shipped", "--db", db)
    sid = saved_id(out)
    assert out.startswith(f"saved new scenario {sid} version 1: Mid plan (120 reps, 6 roles)")
    edited = write(tmp_path / "edited.json", load_sample("midmarket").with_placement("all", "localized"))
    out = ok(capsys, "scenarios", "save", edited, "--id", sid, "--base-version", "1", "--note", "local", "--db", db)
    assert out.strip() == f"saved scenario {sid} version 2: Mid plan (120 reps, 6 roles)"  # --name kept it

    lines = ok(capsys, "scenarios", "list", "--db", db).splitlines()
    assert lines[0].split() == ["id", "name", "latest", "updated", "(UTC)", "versions"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].startswith(f"{sid}  Mid plan") and lines[2].split()[-1] == "2"
    assert len(lines) == 3

    store = stored(db)
    try:
        assert store.load(sid).scenario == load_sample("midmarket").with_placement("all", "localized").renamed(
            "Mid plan"
        )
        assert [(v.version, v.note) for v in store.history(sid)] == [(2, "local"), (1, "as shipped")]
    finally:
        store.engine.dispose()


def test_a_stale_base_version_is_refused_naming_the_latest(capsys, db, tmp_path):
    sid = saved_id(ok(capsys, "scenarios", "save", "startup", "--db", db))
    ok(capsys, "scenarios", "save", "midmarket", "--id", sid, "--base-version", "1", "--db", db)
    err = one_error(
        capsys, EXIT_DATA, "scenarios", "save", "enterprise", "--id", sid, "--base-version", "1", "--db", db
    )
    assert "not saved" in err and "latest is version 2" in err and "--base-version 2" in err
    store = stored(db)
    try:
        assert [v.version for v in store.history(sid)] == [2, 1]
        assert store.load(sid).scenario == load_sample("midmarket").renamed(load_sample("startup").name)
    finally:
        store.engine.dispose()


def test_show_prints_history_and_headline(capsys, db):
    sid = saved_id(ok(capsys, "scenarios", "save", "startup", "--note", "first", "--db", db))
    ok(
        capsys,
        "scenarios",
        "save",
        "startup",
        "--name",
        "Startup, renamed",
        "--id",
        sid,
        "--base-version",
        "1",
        "--note",
        "second",
        "--db",
        db,
    )
    out = ok(capsys, "scenarios", "show", sid, "--db", db)
    lines = out.splitlines()
    assert lines[0] == f"Startup, renamed  (saved scenario {sid})"
    assert "2 version(s)" in lines[1]
    at = lines.index("History (newest first)")
    assert lines[at + 1].split()[:2] == ["version", "saved"]
    assert lines[at + 3].split()[0] == "2" and lines[at + 3].rstrip().endswith("second")
    assert lines[at + 4].split()[0] == "1" and "first" in lines[at + 4]
    assert "Headline of version 2 (the latest)" in out
    res = evaluate(load_sample("startup"))
    assert f"{res.roi:.1%}" in out and f"${res.sales_ops_cost_usd:,.0f}" in out

    old = ok(capsys, "scenarios", "show", sid, "--version", "1", "--db", db)
    assert "Headline of version 1 (latest is 2)" in old
    assert ok(capsys, "scenarios", "show", f"{sid}@1", "--db", db) == old


def test_show_out_writes_the_version_json(capsys, db, tmp_path):
    sid = saved_id(ok(capsys, "scenarios", "save", "enterprise", "--db", db))
    ok(capsys, "scenarios", "save", "startup", "--id", sid, "--base-version", "1", "--db", db)
    target = tmp_path / "v1.json"
    out = ok(capsys, "scenarios", "show", sid, "--version", "1", "--out", str(target), "--db", db)
    assert out.strip() == f"wrote {target}: scenario {sid} version 1 ({load_sample('enterprise').name})"
    assert Scenario.from_json(target.read_text(encoding="utf-8")) == load_sample("enterprise")
    latest = ok(capsys, "scenarios", "show", sid, "--out", "-", "--db", db)
    # a new version keeps the saved scenario's name
    assert Scenario.from_json(latest) == load_sample("startup").renamed(load_sample("enterprise").name)
    err = one_error(capsys, EXIT_DATA, "scenarios", "show", sid, "--out", str(tmp_path / "no" / "x.json"), "--db", db)
    assert "cannot write --out" in err


def test_a_new_version_takes_the_name_given(capsys, db):
    sid = saved_id(ok(capsys, "scenarios", "save", "startup", "--name", "Plan A", "--db", db))
    out = ok(
        capsys, "scenarios", "save", "startup", "--id", sid, "--base-version", "1", "--name", "Plan A2", "--db", db
    )
    assert "version 2: Plan A2" in out
    assert ok(capsys, "scenarios", "list", "--db", db).splitlines()[2].startswith(f"{sid}  Plan A2")


def test_show_names_a_branch_origin(capsys, db):
    store = stored(db)
    try:
        origin = store.create(load_sample("startup"))
        branch = store.branch(origin.scenario_id, load_sample("midmarket"), from_version=1, name="Branch")
    finally:
        store.engine.dispose()
    out = ok(capsys, "scenarios", "show", branch.scenario_id, "--db", db)
    assert f"{origin.scenario_id}@1" in out


def test_the_environment_and_the_default_database(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SALESOPS_DATABASE_URL", sqlite_url(tmp_path / "env.db"))
    sid = saved_id(ok(capsys, "scenarios", "save", "startup"))
    assert (tmp_path / "env.db").exists() and not (tmp_path / "salesops.db").exists()
    assert sid in ok(capsys, "scenarios", "list")
    assert "no saved scenarios" in ok(capsys, "scenarios", "list", "--db", sqlite_url(tmp_path / "other.db"))
    monkeypatch.delenv("SALESOPS_DATABASE_URL")
    ok(capsys, "scenarios", "save", "startup")
    assert (tmp_path / "salesops.db").exists()


# --------------------------------------------------------------------------
# compare
# --------------------------------------------------------------------------
def test_compare_samples_files_and_saved_versions_as_a_table(capsys, db, tmp_path):
    sid = saved_id(ok(capsys, "scenarios", "save", "midmarket", "--db", db))
    local = load_sample("midmarket").with_placement("all", "localized")
    ok(
        capsys,
        "scenarios",
        "save",
        write(tmp_path / "local.json", local),
        "--id",
        sid,
        "--base-version",
        "1",
        "--db",
        db,
    )
    file = write(tmp_path / "hybrid.json", load_sample("midmarket").with_placement("all", "hybrid"))
    out = ok(capsys, "compare", "startup", f"{sid}@1", sid, file, "--db", db)
    lines = out.splitlines()
    assert lines[0] == "Scenarios"
    assert lines[1].split()[:2] == ["[1]", "startup"] and lines[1].endswith("(sample)")
    assert lines[2].split()[:2] == ["[2]", f"{sid}@1"] and lines[2].endswith("(saved, version 1)")
    assert lines[3].split()[:2] == ["[3]", f"{sid}@2"] and lines[3].endswith("(saved, version 2)")
    assert lines[4].split()[:2] == ["[4]", file] and lines[4].endswith("(file)")
    header = lines[6].split()
    assert header == ["metric", "[1]", "[2]", "[2]-[1]", "[3]", "[3]-[1]", "[4]", "[4]-[1]"]
    rows = {line[:23].strip(): re.split(r"\s{2,}", line[23:].strip()) for line in lines[8:]}
    assert list(rows) == [label for _, label, *_ in COMPARE_METRICS]
    assert rows["Reps"] == ["25", "120", "+95", "120", "+95", "120", "+95"]
    first, second = evaluate(load_sample("startup")), evaluate(load_sample("midmarket"))
    assert rows["ROI"][:3] == [f"{first.roi:.1%}", f"{second.roi:.1%}", f"{(second.roi - first.roi) * 100:+,.1f} pp"]


def test_compare_json_lists_objects_with_differences_from_the_first(capsys, db):
    sid = saved_id(ok(capsys, "scenarios", "save", "enterprise", "--db", db))
    data = json.loads(ok(capsys, "compare", "startup", sid, "midmarket", "--json", "--db", db))
    assert [d["ref"] for d in data] == ["startup", sid, "midmarket"]
    assert [d["source"] for d in data] == ["sample", "saved", "sample"]
    assert (data[1]["scenario_id"], data[1]["version"]) == (sid, 1)
    assert data[0]["scenario_id"] is None and data[0]["version"] is None
    heads = [evaluate(load_sample(n)).headline() for n in ("startup", "enterprise", "midmarket")]
    for record, head in zip(data, heads):
        assert record["name"] == head["scenario"]
        for key in COMPARE_KEYS:
            assert record[key] == head[key]
            if head[key] is None or heads[0][key] is None:
                assert record["difference"][key] is None
            else:
                assert record["difference"][key] == pytest.approx(head[key] - heads[0][key])
    assert all(v == 0 for v in data[0]["difference"].values() if v is not None)


def test_compare_without_saved_ids_needs_no_database(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SALESOPS_DATABASE_URL", raising=False)
    data = json.loads(ok(capsys, "compare", "startup", "enterprise", "--json", "--db", "postgresql://x@127.0.0.1:1/y"))
    assert [d["reps"] for d in data] == [25, 800]
    assert not (tmp_path / "salesops.db").exists()


# --------------------------------------------------------------------------
# Errors: one line, exit 1 (data, database) or 2 (command line)
# --------------------------------------------------------------------------
def test_unknown_ids_and_versions(capsys, db):
    sid = saved_id(ok(capsys, "scenarios", "save", "startup", "--db", db))
    err = one_error(capsys, EXIT_DATA, "scenarios", "show", "no-such-id", "--db", db)
    assert "unknown scenario 'no-such-id'" in err and db in err
    err = one_error(capsys, EXIT_DATA, "scenarios", "show", sid, "--version", "4", "--db", db)
    assert sid in err and "no version 4" in err
    err = one_error(
        capsys, EXIT_DATA, "scenarios", "save", "startup", "--id", "no-such-id", "--base-version", "1", "--db", db
    )
    assert "unknown scenario 'no-such-id'" in err
    err = one_error(capsys, EXIT_DATA, "compare", "startup", "no-such-id", "--db", db)
    assert "'no-such-id' is not a sample, a scenario file or a saved scenario" in err
    err = one_error(capsys, EXIT_DATA, "compare", "startup", f"{sid}@9", "--db", db)
    assert "no version 9" in err


@pytest.mark.parametrize(
    "argv, words",
    [
        (["scenarios", "save", "startup", "--id", "abc"], ["--id and --base-version go together"]),
        (["scenarios", "save", "startup", "--base-version", "2"], ["--id and --base-version go together"]),
        (["scenarios", "save", "startup", "--name", " "], ["--name must not be blank"]),
        (["scenarios", "save", "startup", "--id", "abc", "--base-version", "0"], ["--base-version", "'0'"]),
        (["scenarios", "show", "abc@x"], ["ID@VERSION", "'abc@x'"]),
        (["scenarios", "show", "abc@1", "--version", "2"], ["different versions"]),
        (["scenarios", "frobnicate"], ["invalid choice", "'frobnicate'"]),
        (["scenarios"], ["required", "ACTION"]),
        (["compare", "startup"], ["two or more"]),
        (["compare", "startup", "abc@0"], ["ID@VERSION", "'abc@0'"]),
        (["scenarios", "save", "nosuchsample"], ["unknown sample or file 'nosuchsample'"]),
    ],
)
def test_command_line_mistakes_exit_2(capsys, db, argv, words):
    err = one_error(capsys, EXIT_USAGE, *argv, *(["--db", db] if len(argv) > 1 else []))
    for word in words:
        assert word in err


@pytest.mark.parametrize(
    "url, words",
    [
        ("nonsense", ["invalid database URL"]),
        ("nosuchdialect://x/y", ["cannot use database URL"]),
        (
            "postgresql://someone:s3cret@127.0.0.1:1/nothing",
            ["cannot open the scenario store", "postgresql+psycopg://someone:***@127.0.0.1:1/nothing"],
        ),
    ],
)
def test_bad_or_unreachable_databases_exit_1_with_one_line(capsys, url, words):
    for argv in (
        ["scenarios", "list"],
        ["scenarios", "show", "abc"],
        ["compare", "startup", "abc"],
        ["scenarios", "save", "startup"],
    ):
        err = one_error(capsys, EXIT_DATA, *argv, "--db", url)
        for word in words:
            assert word in err
        assert "s3cret" not in err


def test_an_unopenable_sqlite_file_exits_1(capsys, tmp_path):
    url = sqlite_url(tmp_path / "missing" / "dir" / "x.db")
    err = one_error(capsys, EXIT_DATA, "scenarios", "list", "--db", url)
    assert "unable to open database file" in err and "x.db" in err


def test_a_bad_scenario_file_is_not_saved(capsys, db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "salesops.scenario", "version": 2, "name": "x"}', encoding="utf-8")
    err = one_error(capsys, EXIT_DATA, "scenarios", "save", str(bad), "--db", db)
    assert "invalid scenario file" in err
    assert "no saved scenarios" in ok(capsys, "scenarios", "list", "--db", db)


def test_help_names_the_database_commands(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "scenarios" in out and "compare" in out
    code, out, _ = run(capsys, "scenarios", "--help")
    assert code == 0 and all(word in out for word in ("list", "save", "show"))
    code, out, _ = run(capsys, "scenarios", "save", "--help")
    assert code == 0 and "--base-version" in out and "SALESOPS_DATABASE_URL" in out
    code, out, _ = run(capsys, "compare", "--help")
    assert code == 0 and "ID@V" in out and "--json" in out
