"""The scenario store when the database fails: no save is acknowledged that is not durable.

Faults, each on a real database:

- SQLite file deleted (or replaced) while a Store has it open, and deleted in
  the middle of a save;
- disk full: SQLite's ``max_page_count`` set to what the file already holds
  (portable), and, when this process may mount file systems (root in CI), a
  real tmpfs of a few megabytes filled to the last byte;
- read-only database: a ``mode=ro`` URL; the file and folder made read-only
  with chmod, checked as an unprivileged user (root ignores permission bits,
  so a root test process drops its effective uid to ``nobody`` for the
  checks: the kernel then applies the mode bits exactly as it does to an app
  server running as an ordinary user); and, as root, a read-only bind mount
  (``EROFS``, which applies to root too), made read-only while a Store is open;
- PostgreSQL stopped mid-session and started again (when
  ``SALESOPS_TEST_POSTGRES_URL`` names a local cluster this process may
  control, as in CI; skipped with the reason otherwise).

Each checks: a StoreError with a short plain message (no SQL, no full path)
in bounded time; nothing acknowledged is lost; what can still be read is
read; and the store works again once the fault is gone, where that is possible
without a restart.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

from salesops.readwrite import hris
from salesops.model.samples import load_sample
from salesops.model.scenario import Scenario
from salesops.store import FILE_GONE, ReadOnlyStore, Store, StoreError, StoreUnavailable
from tests.dbfixtures import (
    cap_sqlite_pages,
    fresh_postgres_schema,
    local_postgres_cluster,
    postgres_url_or_skip,
    read_only_bind_mount,
    sqlite_url,
)

MAX_ERROR_S = 10  # a failing call must say so within this (the PostgreSQL connect timeout)


def _named(i: int) -> Scenario:
    return load_sample("startup").renamed(f"version {i}")


def _big(people: int = 500, seed: int = 3) -> Scenario:
    raw = hris.read_table(hris.example_csv(people, seed=seed).encode("utf-8"), "people.csv")
    return hris.build_import(raw, hris.guess_mapping(raw.frame.columns), hris.load_rules()).scenario


def _timed_error(kind: type[BaseException], call, *args, **kwargs) -> tuple[BaseException, float]:
    started = time.perf_counter()
    with pytest.raises(kind) as info:
        call(*args, **kwargs)
    elapsed = time.perf_counter() - started
    assert elapsed < MAX_ERROR_S, f"{call.__name__} took {elapsed:.1f} s to fail"
    return info.value, elapsed


def _plain(message: str, path: Path | None = None) -> None:
    """A message for a person: one line, no SQL, no directory (the file name at most)."""
    assert "\n" not in message
    for sql in ("[SQL", "INSERT ", "SELECT ", "UPDATE ", "BEGIN"):
        assert sql not in message, message
    if path is not None:
        assert str(path.parent) not in message


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _acked_all_there(store: Store, acked: list[tuple[str, int, Scenario]]) -> None:
    for scenario_id, version, scenario in acked:
        assert store.load(scenario_id, version).scenario == scenario


# --------------------------------------------------------------------------
# The SQLite file removed or replaced
# --------------------------------------------------------------------------
def test_a_deleted_sqlite_file_refuses_every_call_and_acknowledges_nothing(tmp_path):
    path = tmp_path / "app.db"
    store = Store(sqlite_url(path))
    try:
        first = store.create(_named(1))
        assert store.save(first.scenario_id, _named(2), base_version=1).version == 2
        draft = store.put_draft(_named(3))
        _remove_database(path)

        calls = {
            "save": lambda: store.save(first.scenario_id, _named(3), base_version=2),
            "create": lambda: store.create(_named(4)),
            "branch": lambda: store.branch(first.scenario_id, _named(5), from_version=1, name="b"),
            "put_draft": lambda: store.put_draft(_named(6), draft_id=draft),
        }
        for name, call in calls.items():
            error, elapsed = _timed_error(StoreError, call)
            message = str(error)
            assert FILE_GONE in message and "nothing was saved" in message, (name, message)
            assert "app.db" in message
            _plain(message, path)
            assert elapsed < 1
        for read in (
            lambda: store.load(first.scenario_id),
            lambda: store.history(first.scenario_id),
            lambda: store.get_draft(draft),
            lambda: store.list_scenarios(),
        ):
            error, _ = _timed_error(StoreError, read)
            assert FILE_GONE in str(error) and "nothing was saved" not in str(error)
        assert not path.exists()  # no empty database was created in its place
    finally:
        store.dispose()

    fresh = Store(sqlite_url(path))  # what a restarted app opens: a new, empty database, and it works
    try:
        assert fresh.list_scenarios() == []
        again = fresh.create(_named(7))
        assert fresh.load(again.scenario_id).scenario == _named(7)
    finally:
        fresh.dispose()


def test_a_file_deleted_without_its_log_is_refused_now_and_after_a_restart(tmp_path):
    path = tmp_path / "app.db"
    store = Store(sqlite_url(path))
    try:
        sid = store.create(_named(1)).scenario_id
        path.unlink()  # `rm app.db`: app.db-wal and app.db-shm stay behind
        error, _ = _timed_error(StoreError, store.save, sid, _named(2), base_version=1)
        assert FILE_GONE in str(error)
    finally:
        store.dispose()  # SQLite keeps the log of an unlinked file: it is not checkpointed anywhere
    assert Path(f"{path}-wal").exists()
    with pytest.raises(StoreError) as info:  # a restart must not build a damaged database on that log
        Store(sqlite_url(path))
    message = str(info.value)
    assert "app.db-wal" in message and "move app.db-wal and app.db-shm away" in message
    _plain(message, path)
    assert not path.exists()
    Path(f"{path}-wal").rename(tmp_path / "moved-wal")
    Path(f"{path}-shm").unlink()
    fresh = Store(sqlite_url(path))
    try:
        assert fresh.list_scenarios() == []
    finally:
        fresh.dispose()


def test_a_replaced_sqlite_file_is_refused_and_left_as_it_is(tmp_path):
    path, other = tmp_path / "app.db", tmp_path / "other.db"
    store = Store(sqlite_url(path))
    restored = Store(sqlite_url(other))
    try:
        sid = store.create(_named(1)).scenario_id
        kept = restored.create(_named(9)).scenario_id
        restored.dispose()
        # A backup restored over the live file, with the live file's write-ahead log removed too
        # (SQLite would otherwise apply that log, which belongs to the old file, to the restored one).
        os.replace(other, path)
        _remove_database(Path(f"{path}-wal"))
        _remove_database(Path(f"{path}-shm"))
        for call in (lambda: store.save(sid, _named(2), base_version=1), lambda: store.load(sid)):
            error, _ = _timed_error(StoreError, call)
            assert FILE_GONE in str(error)
    finally:
        store.dispose()
    reopened = Store(sqlite_url(path))
    try:
        assert [s.scenario_id for s in reopened.list_scenarios()] == [kept]  # untouched by the old Store
    finally:
        reopened.dispose()


def test_a_file_deleted_in_the_middle_of_a_save_is_not_acknowledged(tmp_path, monkeypatch):
    path = tmp_path / "app.db"
    store = Store(sqlite_url(path))
    try:
        sid = store.create(_named(1)).scenario_id
        real_begin = Store._begin

        @contextmanager
        def begin_then_delete(self, write):
            with real_begin(self, write) as conn:
                if write:
                    _remove_database(path)  # after BEGIN IMMEDIATE, before the rows and the commit
                yield conn

        monkeypatch.setattr(Store, "_begin", begin_then_delete)
        error, _ = _timed_error(StoreError, store.save, sid, _named(2), base_version=1)
        assert FILE_GONE in str(error) and "nothing was saved" in str(error)
    finally:
        store.dispose()


# --------------------------------------------------------------------------
# Disk full
# --------------------------------------------------------------------------
def test_a_full_database_fails_the_save_plainly_and_keeps_every_acknowledged_version(tmp_path):
    path = tmp_path / "full.db"
    store = Store(sqlite_url(path))
    try:
        acked = []
        first = store.create(_named(1))
        acked.append((first.scenario_id, 1, _named(1)))
        for i in (2, 3):
            acked.append(
                (first.scenario_id, store.save(first.scenario_id, _named(i), base_version=i - 1).version, _named(i))
            )
        cap = cap_sqlite_pages(store)
        big = _big()
        for call in (
            lambda: store.save(first.scenario_id, big, base_version=3),
            lambda: store.create(big),
            lambda: store.put_draft(big),
        ):
            error, elapsed = _timed_error(StoreError, call)
            message = str(error)
            assert "the database or disk is full" in message and "nothing was saved" in message, message
            assert not isinstance(error, (ReadOnlyStore, StoreUnavailable))
            _plain(message, path)
        assert [h.version for h in store.history(first.scenario_id)] == [3, 2, 1]
        _acked_all_there(store, acked)
        cap["pages"] = 1_000_000  # space again: the same Store saves, no restart
        store.engine.dispose()
        assert store.save(first.scenario_id, big, base_version=3).version == 4
    finally:
        store.dispose()


@pytest.fixture
def small_tmpfs() -> Iterator[Path]:
    """A 4 MB tmpfs (root only, as in CI); unmounted afterwards."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a real full disk needs root to mount a small tmpfs")
    mount_point = Path(tempfile.mkdtemp(prefix="salesops-full-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if done.returncode != 0:
        mount_point.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)
        mount_point.rmdir()


def test_a_really_full_disk_fails_the_save_and_keeps_every_acknowledged_version(small_tmpfs):
    path = small_tmpfs / "app.db"
    filler = small_tmpfs / "filler"
    store = Store(sqlite_url(path))
    try:
        first = store.create(_named(0))
        acked = [(first.scenario_id, 1, _named(0))]
        free = shutil.disk_usage(small_tmpfs).free
        with open(filler, "wb") as out:  # leave about 300 kB for the saves below
            out.write(b"\0" * max(0, free - 300_000))
        body = _big(300)
        version, error, elapsed = 1, None, 0.0
        for i in range(1, 200):  # each save adds ~70 kB of WAL: the disk fills within a few
            scenario = body.renamed(f"big {i}")
            started = time.perf_counter()
            try:
                version = store.save(first.scenario_id, scenario, base_version=version).version
            except StoreError as exc:
                error, elapsed = exc, time.perf_counter() - started
                break
            acked.append((first.scenario_id, version, scenario))
        assert error is not None, "the disk never filled"
        assert "the database or disk is full" in str(error) and "nothing was saved" in str(error), str(error)
        assert elapsed < MAX_ERROR_S
        _plain(str(error), path)
        assert len(acked) > 1  # some saves went through before the disk filled
        _acked_all_there(store, acked)
        filler.unlink()  # space again: the same Store saves, no restart
        nxt = store.save(first.scenario_id, _named(99), base_version=version)
        acked.append((first.scenario_id, nxt.version, _named(99)))
    finally:
        store.dispose()
    reopened = Store(sqlite_url(path))  # and everything acknowledged is in the file
    try:
        _acked_all_there(reopened, acked)
        assert reopened.history(first.scenario_id)[0].version == acked[-1][1]
    finally:
        reopened.dispose()


# --------------------------------------------------------------------------
# Read-only
# --------------------------------------------------------------------------
def _saved_database(path: Path) -> tuple[list[tuple[str, int, Scenario]], str]:
    store = Store(sqlite_url(path))
    try:
        sid = store.create(_named(1)).scenario_id
        store.save(sid, _named(2), base_version=1)
        draft = store.put_draft(_named(3))
    finally:
        store.dispose()  # a clean close: no -wal / -shm files are left
    return [(sid, 1, _named(1)), (sid, 2, _named(2))], draft


def _reads_work_and_writes_are_refused(store: Store, acked, draft: str, path: Path) -> None:
    assert store.read_only and store.read_only_reason
    _acked_all_there(store, acked)  # links open
    sid = acked[0][0]
    assert [h.version for h in store.history(sid)] == [2, 1]
    assert [s.scenario_id for s in store.list_scenarios()] == [sid]
    assert store.get_draft(draft).scenario == _named(3)
    for call in (
        lambda: store.save(sid, _named(4), base_version=2),
        lambda: store.create(_named(5)),
        lambda: store.put_draft(_named(6), draft_id=draft),
    ):
        error, elapsed = _timed_error(ReadOnlyStore, call)
        assert "read-only" in str(error) and "nothing was saved" in str(error), str(error)
        assert elapsed < 1
        _plain(str(error), path)


def test_a_read_only_url_opens_links_and_refuses_saves(tmp_path):
    path = tmp_path / "app.db"
    acked, draft = _saved_database(path)
    before = path.read_bytes()
    store = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        _reads_work_and_writes_are_refused(store, acked, draft, path)
        assert "URL" in store.read_only_reason
    finally:
        store.dispose()
    assert path.read_bytes() == before


@contextmanager
def _unprivileged() -> Iterator[None]:
    """Run the block as ``nobody`` when this process is root (root ignores permission bits)."""
    if os.geteuid() != 0:
        yield
        return
    try:
        os.setegid(65534)
        os.seteuid(65534)
    except OSError as exc:
        os.setegid(0)
        pytest.skip(f"cannot drop to an unprivileged user to check permissions as one: {exc}")
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder an unprivileged user can create a database in (pytest's tmp_path is root's own)."""
    folder = Path(tempfile.mkdtemp(prefix="salesops-ro-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        folder.chmod(0o755)
        for child in folder.iterdir():
            child.chmod(0o644)
        shutil.rmtree(folder)


def test_a_read_only_folder_and_file_open_links_and_refuse_saves(shared_folder):
    path = shared_folder / "app.db"
    with _unprivileged():
        acked, draft = _saved_database(path)
        running = Store(sqlite_url(path))  # the app server, already running
        assert not running.read_only
    path.chmod(0o444)
    shared_folder.chmod(0o555)
    try:
        with _unprivileged():
            _reads_work_and_writes_are_refused(running, acked, draft, path)
            assert running.read_only_reason == "the database file is not writable"
            restarted = Store(sqlite_url(path))  # an app started on the read-only database
            try:
                _reads_work_and_writes_are_refused(restarted, acked, draft, path)
            finally:
                restarted.dispose()
        path.chmod(0o644)  # only the folder read-only now: still no saving (no journal files)
        with _unprivileged():
            assert running.read_only_reason == "the database folder is not writable"
            _reads_work_and_writes_are_refused(running, acked, draft, path)
        shared_folder.chmod(0o777)  # writable again: the same Store saves
        with _unprivileged():
            assert not running.read_only
            assert running.save(acked[0][0], _named(4), base_version=2).version == 3
    finally:
        shared_folder.chmod(0o777)
        path.chmod(0o644)
        with _unprivileged():
            running.dispose()


def test_a_read_only_mount_opens_links_and_refuses_saves(tmp_path):
    source, view = tmp_path / "data", tmp_path / "view"
    source.mkdir()
    acked, draft = _saved_database(source / "app.db")
    with read_only_bind_mount(source, view) as make_read_only:
        running = Store(sqlite_url(view / "app.db"))  # the app server, already running
        try:
            assert not running.read_only
            running.engine.dispose()  # (between requests: no file open for writing, see read_only_bind_mount)
            make_read_only()
            _reads_work_and_writes_are_refused(running, acked, draft, view / "app.db")
            assert running.read_only_reason == "the database file is not writable"
            restarted = Store(sqlite_url(view / "app.db"))  # an app started on the read-only mount
            try:
                _reads_work_and_writes_are_refused(restarted, acked, draft, view / "app.db")
            finally:
                restarted.dispose()
        finally:
            running.dispose()


# --------------------------------------------------------------------------
# PostgreSQL stopped mid-session
# --------------------------------------------------------------------------
def _row_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return {
                t: int(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar())
                for t in ("scenarios", "versions", "drafts")
            }
    finally:
        engine.dispose()


@pytest.mark.parametrize("engine_kind", ["the store's own engine", "a plain engine (as st.connection makes)"])
def test_postgres_stopped_mid_session_fails_fast_and_the_next_save_after_a_restart_works(engine_kind):
    base_url = postgres_url_or_skip()
    cluster = local_postgres_cluster(base_url)
    password = sa.engine.make_url(base_url).password
    cluster.start()
    with fresh_postgres_schema(base_url) as url:
        store = Store(url if engine_kind.startswith("the store") else sa.create_engine(url))
        try:
            first = store.create(_named(1))
            acked = [(first.scenario_id, 1, _named(1))]
            for i in (2, 3):
                acked.append(
                    (first.scenario_id, store.save(first.scenario_id, _named(i), base_version=i - 1).version, _named(i))
                )
            draft = store.put_draft(_named(0))
            before = _row_counts(url)
            try:
                cluster.stop()
                timings = {}
                for name, call in {
                    "save": lambda: store.save(first.scenario_id, _named(4), base_version=3),
                    "create": lambda: store.create(_named(5)),
                    "put_draft": lambda: store.put_draft(_named(6), draft_id=draft),
                    "load": lambda: store.load(first.scenario_id),
                }.items():
                    error, timings[name] = _timed_error(StoreUnavailable, call)
                    message = str(error)
                    assert "the database server cannot be reached" in message, message
                    assert f":{password}@" not in message and "***" in message and "\n" not in message
                print(
                    f"\n  [{engine_kind}] server stopped: errors after "
                    + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items())
                )
            finally:
                cluster.start()
            # the same Store, no restart of the app: the broken pooled connections are replaced
            started = time.perf_counter()
            fourth = store.save(first.scenario_id, _named(4), base_version=3)
            assert fourth.version == 4 and time.perf_counter() - started < MAX_ERROR_S
            acked.append((first.scenario_id, 4, _named(4)))
            assert store.put_draft(_named(7), draft_id=draft) == draft
            after = _row_counts(url)
            assert after == {**before, "versions": before["versions"] + 1}
            _acked_all_there(store, acked)
            assert store.get_draft(draft).scenario == _named(7)
        finally:
            store.dispose()
