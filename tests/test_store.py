"""The scenario store (salesops.store) on SQLite and, when configured, PostgreSQL.

Every test taking ``make_store`` runs once per backend (see tests/dbfixtures.py):
SQLite always, PostgreSQL when ``SALESOPS_TEST_POSTGRES_URL`` is set, each on an
empty database (a fresh file, or a fresh schema dropped afterwards).
"""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from salesops.store import engine as store_engine
from salesops.store import faults as store_faults
from salesops.store import schema as store_schema

from salesops.readwrite import hris
from salesops.model.samples import list_samples, load_sample
from salesops.model.scenario import Scenario
from salesops.store import (
    DEFAULT_URL,
    SCHEMA_VERSION,
    Draft,
    SavedVersion,
    ScenarioInfo,
    Store,
    StoreError,
    UnknownScenario,
    VersionConflict,
    VersionInfo,
    database_url,
)
from tests.dbfixtures import (  # noqa: F401  (fixtures)
    PG_ENV,
    REQUIRE_ENV,
    SKIP_REASON,
    db_url,
    make_store,
    postgres_url_or_skip,
    sqlite_url,
)

SAMPLES = [info.name for info in list_samples()]
URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")


@pytest.fixture(scope="module")
def imported() -> Scenario:
    """An imported org with positions (500 people from a synthetic HRIS export)."""
    raw = hris.read_table(hris.example_csv(500, seed=3).encode("utf-8"), "people.csv")
    result = hris.build_import(raw, hris.guess_mapping(raw.frame.columns), hris.load_rules())
    assert result.scenario.positions
    return result.scenario


def _aware_utc(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset() == timedelta(0)


def _recent(value: datetime) -> bool:
    return _aware_utc(value) and abs(datetime.now(timezone.utc) - value) < timedelta(minutes=5)


# --------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_round_trips_exactly(make_store, name):
    store = make_store()
    scenario = load_sample(name)
    info = store.create(scenario, note="as shipped")
    assert isinstance(info, VersionInfo)
    assert (info.version, info.name, info.note) == (1, scenario.name, "as shipped")
    assert (info.reps, info.roles) == (scenario.total_reps, len(scenario.roles))
    assert info.parent_scenario_id is None and info.parent_version is None
    assert _recent(info.created_at)
    for loaded in (store.load(info.scenario_id), store.load(info.scenario_id, 1)):
        assert isinstance(loaded, SavedVersion)
        assert loaded.scenario == scenario
        assert loaded.scenario.to_json() == scenario.to_json()
        assert loaded.info == info


def test_imported_org_with_positions_round_trips(make_store, imported):
    store = make_store()
    info = store.create(imported)
    back = store.load(info.scenario_id).scenario
    assert back == imported
    assert back.positions == imported.positions
    assert info.reps == imported.total_reps


def test_a_10000_person_org_fits_and_round_trips(make_store):
    raw = hris.read_table(hris.example_csv(10_000).encode("utf-8"), "people.csv")
    big = hris.build_import(raw, hris.guess_mapping(raw.frame.columns), hris.load_rules()).scenario
    assert len(big.to_json(indent=None)) > 1_000_000  # megabytes of JSON in one Text column
    store = make_store()
    info = store.create(big)
    assert store.load(info.scenario_id).scenario == big


def test_create_under_another_name_renames_the_scenario(make_store):
    store = make_store()
    info = store.create(load_sample("startup"), name="Our plan")
    assert info.name == "Our plan"
    assert store.load(info.scenario_id).scenario == load_sample("startup").renamed("Our plan")
    assert store.list_scenarios()[0].name == "Our plan"


# --------------------------------------------------------------------------
# Versions
# --------------------------------------------------------------------------
def test_saves_add_versions_and_history_is_newest_first(make_store):
    store = make_store()
    first = load_sample("midmarket")
    created = store.create(first)
    sid = created.scenario_id
    edits = [
        first.with_placement("all", "localized"),
        first.with_placement("deal_desk", "hybrid"),
        first.renamed("Mid-market, hybrid deal desk"),
    ]
    infos = [created]
    for base, edit in enumerate(edits, start=1):
        info = store.save(sid, edit, base_version=base, note=f"edit {base}")
        assert (info.scenario_id, info.version, info.note) == (sid, base + 1, f"edit {base}")
        assert info.name == edit.name and info.created_at >= infos[-1].created_at
        infos.append(info)
    history = store.history(sid)
    assert [v.version for v in history] == [4, 3, 2, 1]
    assert history == infos[::-1]
    for info, scenario in zip(infos, [first] + edits):
        assert store.load(sid, info.version).scenario == scenario
    assert store.load(sid).scenario == edits[-1]
    [listed] = store.list_scenarios()
    assert isinstance(listed, ScenarioInfo)
    assert (listed.scenario_id, listed.name, listed.latest_version, listed.versions) == (sid, edits[-1].name, 4, 4)
    assert listed.created_at == created.created_at and listed.updated_at == infos[-1].created_at


def test_a_stale_base_conflicts_and_overwrites_nothing(make_store):
    store = make_store()
    sid = store.create(load_sample("startup")).scenario_id
    mine, theirs = load_sample("startup").with_placement("all", "localized"), load_sample("startup").renamed("Theirs")
    second = store.save(sid, theirs, base_version=1)
    with pytest.raises(VersionConflict) as info:
        store.save(sid, mine, base_version=1, note="mine")
    assert info.value.latest == second
    message = str(info.value)
    assert sid in message and "version 1" in message and "version 2" in message
    assert isinstance(info.value, StoreError)
    with pytest.raises(VersionConflict, match="no version 7"):
        store.save(sid, mine, base_version=7)
    assert [v.version for v in store.history(sid)] == [2, 1]
    assert store.load(sid).scenario == theirs
    assert store.list_scenarios()[0].latest_version == 2
    assert store.save(sid, mine, base_version=2).version == 3  # from the latest it goes through


def test_a_branch_records_its_parent(make_store):
    store = make_store()
    origin = store.create(load_sample("enterprise"))
    store.save(origin.scenario_id, load_sample("enterprise").with_placement("all", "hybrid"), base_version=1)
    edited = load_sample("enterprise").with_placement("all", "localized")
    branch = store.branch(origin.scenario_id, edited, from_version=1, name="Enterprise, all local", note="what if")
    assert branch.scenario_id != origin.scenario_id and branch.version == 1
    assert (branch.parent_scenario_id, branch.parent_version) == (origin.scenario_id, 1)
    assert (branch.name, branch.note) == ("Enterprise, all local", "what if")
    loaded = store.load(branch.scenario_id)
    assert loaded.info == branch and loaded.scenario == edited.renamed("Enterprise, all local")
    # the original is untouched, and both are listed (the branch is the most recent)
    assert [v.version for v in store.history(origin.scenario_id)] == [2, 1]
    assert [s.scenario_id for s in store.list_scenarios()] == [branch.scenario_id, origin.scenario_id]
    with pytest.raises(UnknownScenario, match="no version 9"):
        store.branch(origin.scenario_id, edited, from_version=9, name="x")
    with pytest.raises(UnknownScenario, match="nope"):
        store.create(edited, parent=("nope", 1))


def test_unknown_ids_and_versions_are_named(make_store):
    store = make_store()
    sid = store.create(load_sample("startup")).scenario_id
    for call in (
        lambda: store.load("no-such-id"),
        lambda: store.history("no-such-id"),
        lambda: store.save("no-such-id", load_sample("startup"), base_version=1),
    ):
        with pytest.raises(UnknownScenario, match="unknown scenario 'no-such-id'"):
            call()
    for version in (2, 0, -1):
        with pytest.raises(UnknownScenario) as info:
            store.load(sid, version)
        assert sid in str(info.value) and f"no version {version}" in str(info.value)
        assert "1 to 1" in str(info.value)
    with pytest.raises(UnknownScenario):
        store.load(sid, "1")  # type: ignore[arg-type]
    with pytest.raises(UnknownScenario):
        store.load(None)  # type: ignore[arg-type]
    with pytest.raises(UnknownScenario):
        store.load("x" * 500)  # longer than any id: still just unknown


def test_ids_are_unguessable(make_store):
    store = make_store()
    small = load_sample("startup")
    ids = [store.create(small).scenario_id for _ in range(1_000)]
    assert len(set(ids)) == 1_000
    assert all(len(i) >= 16 and URL_SAFE.fullmatch(i) for i in ids)
    assert not any(i.startswith("-") for i in ids)  # never mistaken for a command-line option
    assert len(store.list_scenarios(limit=2_000)) == 1_000
    assert len(store.list_scenarios(limit=10)) == 10
    drafts = {store.put_draft(small) for _ in range(50)}
    assert len(drafts) == 50 and all(len(d) >= 16 and URL_SAFE.fullmatch(d) for d in drafts)


def test_bad_arguments_raise_store_error_naming_them(make_store):
    store = make_store()
    sid = store.create(load_sample("startup")).scenario_id
    with pytest.raises(StoreError, match="expected a Scenario, got dict"):
        store.create({"name": "x"})  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="base_version must be a whole number >= 1, got 0"):
        store.save(sid, load_sample("startup"), base_version=0)
    with pytest.raises(StoreError, match="base_version .* got True"):
        store.save(sid, load_sample("startup"), base_version=True)
    with pytest.raises(StoreError, match="name must not be blank"):
        store.create(load_sample("startup"), name="  ")
    with pytest.raises(StoreError, match="parent must be a"):
        store.create(load_sample("startup"), parent=sid)  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="limit .* got 0"):
        store.list_scenarios(limit=0)
    with pytest.raises(StoreError, match="draft id .* got '../etc'"):
        store.put_draft(load_sample("startup"), draft_id="../etc")


# --------------------------------------------------------------------------
# Drafts
# --------------------------------------------------------------------------
def test_drafts_are_put_overwritten_and_read_back(make_store):
    store = make_store()
    first, second = load_sample("midmarket"), load_sample("midmarket").with_placement("all", "hybrid")
    draft_id = store.put_draft(first)
    got = store.get_draft(draft_id)
    assert isinstance(got, Draft)
    assert (got.draft_id, got.scenario, got.base_scenario_id, got.base_version) == (draft_id, first, None, None)
    assert _recent(got.updated_at)
    saved = store.create(first)
    assert store.put_draft(second, draft_id=draft_id, base=(saved.scenario_id, 1)) == draft_id
    again = store.get_draft(draft_id)
    assert (again.scenario, again.base_scenario_id, again.base_version) == (second, saved.scenario_id, 1)
    assert again.updated_at >= got.updated_at
    # a draft is not a version, and one draft does not touch another
    other = store.put_draft(first)
    assert other != draft_id and store.get_draft(other).scenario == first
    assert store.get_draft(draft_id).scenario == second
    assert [v.version for v in store.history(saved.scenario_id)] == [1]
    # a draft id kept by a browser survives a fresh database: it is created on first put
    assert store.put_draft(first, draft_id="kept-in-the-url_1") == "kept-in-the-url_1"
    assert store.get_draft("kept-in-the-url_1").scenario == first
    for missing in ("no-such-draft", "", "../../etc/passwd", "x" * 100, None, 42):
        assert store.get_draft(missing) is None  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------
def test_schema_version_is_recorded_and_reopening_is_idempotent(make_store, db_url):
    store = make_store()
    assert store.schema_version() == SCHEMA_VERSION == 2
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(store_schema._META)).all()
        tables = set(sa.inspect(conn).get_table_names())
    assert [tuple(r) for r in rows] == [("schema_version", str(SCHEMA_VERSION))]
    assert {"meta", "scenarios", "versions", "drafts", "workspaces", "members", "links", "audit"} <= tables
    sid = store.create(load_sample("startup")).scenario_id
    again = make_store()  # opening an existing database at the current version
    assert again.schema_version() == SCHEMA_VERSION
    assert again.load(sid).scenario == load_sample("startup")
    assert make_store(again.engine).load(sid).info.version == 1  # a Store on an existing engine


def test_stores_opened_at_once_on_an_empty_database_create_the_schema_once(db_url):
    barrier, stores, errors = threading.Barrier(8), [], []

    def open_store() -> None:
        barrier.wait()
        try:
            stores.append(Store(db_url))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors and len(stores) == 8
        with stores[0].engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(store_schema._META)).scalar() == 1
        sid = stores[1].create(load_sample("startup")).scenario_id
        assert all(s.load(sid).info.version == 1 for s in stores)
    finally:
        for s in stores:
            s.engine.dispose()


def test_a_future_schema_version_is_refused(make_store, db_url):
    store = make_store()
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(store_schema._META)
            .where(store_schema._META.c.key == "schema_version")
            .values(value=str(SCHEMA_VERSION + 98))
        )
    with pytest.raises(StoreError) as info:
        Store(db_url)
    message = str(info.value)
    assert f"schema version {SCHEMA_VERSION + 98}" in message and f"({SCHEMA_VERSION})" in message
    assert "upgrade the app" in message


def test_an_older_schema_is_upgraded_step_by_step(make_store, db_url, monkeypatch):
    store = make_store()
    sid = store.create(load_sample("startup")).scenario_id
    steps: list[tuple[int, int]] = []

    def step(n: int):
        def upgrade(conn: sa.Connection) -> None:
            current = conn.execute(
                sa.select(store_schema._META.c.value).where(store_schema._META.c.key == "schema_version")
            ).scalar()
            steps.append((int(current), n))

        return upgrade

    monkeypatch.setattr(store_schema, "SCHEMA_VERSION", 4)
    monkeypatch.setattr(store_schema, "_UPGRADES", [store_schema._upgrade_1_to_2, step(3), step(4)])
    upgraded = make_store()
    assert steps == [(2, 3), (3, 4)]  # each step sees the version before it, from the one found (2)
    assert upgraded.schema_version() == 4
    assert upgraded.load(sid).scenario == load_sample("startup")
    make_store()
    assert steps == [(2, 3), (3, 4)]  # nothing to do the second time
    monkeypatch.setattr(store_schema, "_UPGRADES", [])
    monkeypatch.setattr(store_schema, "SCHEMA_VERSION", 5)
    with pytest.raises(StoreError, match="no upgrade path to schema version 5"):
        Store(db_url)


def test_a_database_with_foreign_tables_of_the_same_names_is_refused(db_url):
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            sa.Table("scenarios", sa.MetaData(), sa.Column("x", sa.Integer)).create(conn)
        with pytest.raises(StoreError, match="already has table.*scenarios"):
            Store(engine)
    finally:
        engine.dispose()


def test_timestamps_are_utc_and_aware(make_store):
    store = make_store()
    info = store.create(load_sample("startup"))
    listed = store.list_scenarios()[0]
    draft = store.get_draft(store.put_draft(load_sample("startup")))
    for value in (
        info.created_at,
        store.load(info.scenario_id).info.created_at,
        listed.created_at,
        listed.updated_at,
        store.history(info.scenario_id)[0].created_at,
        draft.updated_at,
    ):
        assert _recent(value)


def test_list_is_most_recently_updated_first(make_store):
    store = make_store()
    a = store.create(load_sample("startup"), name="A").scenario_id
    b = store.create(load_sample("startup"), name="B").scenario_id
    c = store.create(load_sample("startup"), name="C").scenario_id
    assert [s.name for s in store.list_scenarios()] == ["C", "B", "A"]
    time.sleep(0.002)
    store.save(a, load_sample("startup").renamed("A2"), base_version=1)
    listed = store.list_scenarios()
    assert [s.scenario_id for s in listed] == [a, c, b]
    assert (listed[0].name, listed[0].latest_version, listed[0].versions) == ("A2", 2, 2)
    assert [s.scenario_id for s in store.list_scenarios(limit=1)] == [a]


# --------------------------------------------------------------------------
# SQLite specifics, URLs and failures
# --------------------------------------------------------------------------
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(tmp_path):
    store = Store(sqlite_url(tmp_path / "wal.db"))
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == store_engine.SQLITE_BUSY_TIMEOUT_MS
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with pytest.raises(sa.exc.IntegrityError, match="FOREIGN KEY"):
            with store.engine.begin() as conn:
                conn.execute(
                    sa.insert(store_schema._VERSIONS).values(
                        scenario_id="orphan",
                        version=1,
                        name="x",
                        note="",
                        created_at=datetime.now(timezone.utc),
                        body="{}",
                        reps=0,
                        roles=0,
                    )
                )
    finally:
        store.engine.dispose()
    assert (tmp_path / "wal.db").exists()


def test_a_store_on_an_engine_made_elsewhere_gets_the_sqlite_settings(tmp_path):
    engine = sa.create_engine(sqlite_url(tmp_path / "given.db"))
    try:
        with engine.connect() as conn:  # a pooled connection from before the Store
            conn.exec_driver_sql("SELECT 1")
        first, second = Store(engine), Store(engine)
        assert first.engine is engine and second.engine is engine
        assert sa.event.contains(engine, "connect", store_engine._sqlite_connect)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == store_engine.SQLITE_BUSY_TIMEOUT_MS
        sid = first.create(load_sample("startup")).scenario_id
        assert second.load(sid).scenario == load_sample("startup")
    finally:
        engine.dispose()


def test_stores_made_at_once_on_one_engine_install_the_settings_once(tmp_path):
    engine = sa.create_engine(sqlite_url(tmp_path / "shared.db"))
    barrier, stores = threading.Barrier(8), []

    def make() -> None:
        barrier.wait()
        stores.append(Store(engine))

    threads = [threading.Thread(target=make) for _ in range(8)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(stores) == 8
        # a doubled "begin" listener would emit BEGIN twice and fail every transaction
        sid = stores[3].create(load_sample("startup")).scenario_id
        assert stores[5].save(sid, load_sample("midmarket"), base_version=1).version == 2
    finally:
        engine.dispose()


def test_an_in_memory_store_is_one_database_for_every_thread():
    store = Store("sqlite://")
    sid = store.create(load_sample("startup")).scenario_id
    seen = []
    thread = threading.Thread(target=lambda: seen.append(store.load(sid).info.version))
    thread.start()
    thread.join()
    assert seen == [1]


def test_database_url_prefers_explicit_then_environment_then_default(monkeypatch):
    monkeypatch.delenv("SALESOPS_DATABASE_URL", raising=False)
    assert database_url() == DEFAULT_URL == "sqlite:///salesops.db"
    assert database_url("  ") == DEFAULT_URL
    monkeypatch.setenv("SALESOPS_DATABASE_URL", "postgresql+psycopg://u:p@h/db")
    assert database_url() == "postgresql+psycopg://u:p@h/db"
    assert database_url(None) == "postgresql+psycopg://u:p@h/db"
    assert database_url("sqlite:///other.db") == "sqlite:///other.db"


def test_from_url_uses_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SALESOPS_DATABASE_URL", sqlite_url(tmp_path / "env.db"))
    store = Store.from_url()
    try:
        assert store.engine.url.database == str(tmp_path / "env.db")
        assert "env.db" in repr(store)
    finally:
        store.engine.dispose()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SALESOPS_DATABASE_URL")
    default = Store.from_url()
    try:
        default.create(load_sample("startup"))
        assert (tmp_path / "salesops.db").exists()  # the default: a file in the working directory
    finally:
        default.engine.dispose()


@pytest.mark.parametrize(
    "url, words",
    [
        ("not a url", ["invalid database URL"]),
        ("nosuchdb://x/y", ["cannot use database URL", "nosuchdb"]),
        ("", ["non-blank"]),
    ],
)
def test_bad_urls_raise_store_error(url, words):
    with pytest.raises(StoreError) as info:
        Store(url)
    for word in words:
        assert word in str(info.value)


def test_an_unopenable_sqlite_file_raises_store_error_naming_the_url(tmp_path):
    url = sqlite_url(tmp_path / "no" / "such" / "dir" / "x.db")
    with pytest.raises(StoreError) as info:
        Store(url)
    assert "cannot open the scenario store" in str(info.value) and "x.db" in str(info.value)
    assert "\n" not in str(info.value)


def test_an_unreachable_postgres_raises_store_error_without_the_password():
    started = time.perf_counter()
    with pytest.raises(StoreError) as info:
        Store("postgresql://someone:s3cret@127.0.0.1:1/nothing")
    message = str(info.value)
    assert "127.0.0.1:1" in message and "s3cret" not in message and "***" in message
    assert time.perf_counter() - started < 15


def test_plain_postgresql_urls_use_psycopg():
    engine = store_engine._make_engine("postgres://u:p@localhost/db")
    try:
        assert engine.url.drivername == "postgresql+psycopg"
    finally:
        engine.dispose()


def test_postgres_skip_reason_and_require_switch(monkeypatch):
    monkeypatch.delenv(PG_ENV, raising=False)
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match=re.escape(SKIP_REASON)):
        postgres_url_or_skip()
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="SALESOPS_TEST_POSTGRES_URL is not set"):
        postgres_url_or_skip()
    monkeypatch.setenv(PG_ENV, "postgresql+psycopg://x@y/z")
    assert postgres_url_or_skip() == "postgresql+psycopg://x@y/z"


def test_transient_errors_are_retried_then_reported_without_database_is_locked(make_store, monkeypatch):
    store = make_store()
    sid = store.create(load_sample("startup")).scenario_id
    calls = {"n": 0}
    real_begin = Store._begin

    def flaky_begin(self, write):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise sa.exc.OperationalError("BEGIN IMMEDIATE", {}, _locked_error())
        return real_begin(self, write)

    monkeypatch.setattr(store_faults, "RETRY_BASE_DELAY_S", 0.0)
    monkeypatch.setattr(Store, "_begin", flaky_begin)
    assert store.save(sid, load_sample("startup"), base_version=1).version == 2
    assert calls["n"] == 3  # two transient failures, then success
    calls["n"] = -1_000
    with pytest.raises(StoreError) as info:
        store.load(sid)
    assert "kept the database busy through" in str(info.value)
    assert "database is locked" not in str(info.value)
    assert info.value.__cause__ is not None


def _locked_error() -> Exception:
    import sqlite3

    return sqlite3.OperationalError("database is locked")


def test_recent_versions_lists_every_scenario_newest_first(make_store):
    from salesops.model.samples import load_sample

    store = make_store()
    a = store.create(load_sample("startup"), name="A")
    b = store.create(load_sample("midmarket"), name="B")
    a2 = store.save(a.scenario_id, load_sample("startup").with_placement("all", "localized"), base_version=1)
    listed = [(v.scenario_id, v.version) for v in store.recent_versions()]
    assert set(listed) == {(a.scenario_id, 1), (b.scenario_id, 1), (a2.scenario_id, 2)}
    assert listed[0] == (a2.scenario_id, 2)
    assert len(store.recent_versions(limit=2)) == 2
