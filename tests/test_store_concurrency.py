"""Concurrent writers on one saved scenario: no lost, duplicated or locked saves.

Eight writers make 250 acknowledged saves each of one shared scenario, each
save from the latest version the writer has just read, re-reading and
retrying after every :class:`~salesops.store.VersionConflict`; every tenth
save a writer also creates (and saves again) a scenario of its own. Writers
are threads sharing one Store (one engine), threads with a Store each (as
several app servers), and, on SQLite, separate processes started with
``spawn`` (as several app servers on one database file).

Afterwards every acknowledged save is read back with its exact body, the
versions are 1..N without gaps or duplicates, and no exception other than
VersionConflict ever reached a writer (no "database is locked").
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from typing import Any

import pytest

from salesops.model.samples import load_sample
from salesops.store import Store
from tests.dbfixtures import (  # noqa: F401  (fixtures)
    db_url,
    make_store,
    sqlite_url,
    write_versions,
    write_versions_to_queue,
)

WRITERS = 8
SAVES = 250
CREATE_EVERY = 10
THREAD_MODES = ("threads, one shared engine", "threads, an engine each")


def _run_threads(shared_id: str, store_per_writer: bool, url: str, store: Store) -> list[dict]:
    barrier = threading.Barrier(WRITERS)
    results: list[dict | None] = [None] * WRITERS

    def run(writer: int) -> None:
        results[writer] = write_versions(
            url if store_per_writer else store, shared_id, writer, SAVES, CREATE_EVERY, barrier
        )

    threads = [threading.Thread(target=run, args=(w,), name=f"writer-{w}") for w in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a writer thread hung"
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


def _run_processes(url: str, shared_id: str) -> list[dict]:
    ctx = multiprocessing.get_context("spawn")  # like separate servers: nothing inherited
    results_queue = ctx.Queue()
    barrier = ctx.Barrier(WRITERS)
    procs = [
        ctx.Process(
            target=write_versions_to_queue,
            args=(results_queue, url, shared_id, w, SAVES, CREATE_EVERY, barrier),
            name=f"writer-{w}",
            daemon=True,
        )
        for w in range(WRITERS)
    ]
    for p in procs:
        p.start()
    results: list[dict] = []
    deadline = time.monotonic() + 300
    try:
        while len(results) < WRITERS:
            try:
                results.append(results_queue.get(timeout=1))
            except queue.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                assert not dead, f"writer process(es) died: {[(p.name, p.exitcode) for p in dead]}"
                assert time.monotonic() < deadline, "writer processes did not finish in 300 s"
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
    return results


@pytest.mark.parametrize("mode", THREAD_MODES)
def test_concurrent_writer_threads_lose_nothing(make_store, db_url, mode, capsys):
    store = make_store()
    shared = store.create(load_sample("startup"), name="shared")
    started = time.perf_counter()
    results = _run_threads(shared.scenario_id, mode == "threads, an engine each", db_url, store)
    _check(store, shared.scenario_id, results, mode, time.perf_counter() - started, capsys)


def test_concurrent_writer_processes_on_one_sqlite_file_lose_nothing(tmp_path, capsys):
    url = sqlite_url(tmp_path / "servers.db")
    store = Store(url)
    try:
        shared = store.create(load_sample("startup"), name="shared")
        started = time.perf_counter()
        results = _run_processes(url, shared.scenario_id)
        _check(store, shared.scenario_id, results, "processes", time.perf_counter() - started, capsys)
    finally:
        store.engine.dispose()


def _check(store: Store, shared_id: str, results: list[dict], mode: str, elapsed: float, capsys: Any) -> None:
    base = load_sample("startup")
    errors = [e for r in results for e in r["errors"]]
    assert not errors, f"{len(errors)} error(s) reached writers; the first:\n{errors[0]}"
    acks = [ack for r in results for ack in r["acks"]]
    assert len(acks) == WRITERS * SAVES

    # versions 2..N were each acknowledged to exactly one writer, and N is the latest
    versions = sorted(v for v, _ in acks)
    assert versions == list(range(2, WRITERS * SAVES + 2))
    history = store.history(shared_id)
    assert [v.version for v in history] == list(range(WRITERS * SAVES + 1, 0, -1))
    by_version = {v.version: v for v in history}
    for version, name in acks:
        assert by_version[version].name == name
        assert store.load(shared_id, version).scenario == base.renamed(name)
    assert store.load(shared_id).info.version == WRITERS * SAVES + 1

    # every writer's own scenarios are there, with both versions
    own = [o for r in results for o in r["own"]]
    assert len(own) == WRITERS * 2 * len(range(0, SAVES, CREATE_EVERY))
    for scenario_id, version, name in own:
        assert store.load(scenario_id, version).scenario == base.renamed(name)
    listed = {s.scenario_id: s for s in store.list_scenarios(limit=1_000)}
    assert len(listed) == 1 + len(own) // 2
    assert listed[shared_id].latest_version == listed[shared_id].versions == WRITERS * SAVES + 1

    conflicts = sum(r["conflicts"] for r in results)
    busy = max(r["seconds"] for r in results)  # from the start barrier to the last writer's end
    with capsys.disabled():
        print(
            f"\n  [{store.engine.dialect.name}, {mode}] {len(acks)} shared saves + {len(own)} own in "
            f"{busy:.1f} s ({elapsed:.1f} s with start-up): {len(acks) / busy:.0f} shared saves/s, "
            f"{(len(acks) + len(own)) / busy:.0f} saves/s in all, {conflicts} conflicts retried"
        )
