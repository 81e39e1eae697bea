"""The pool of heavy jobs: at most N at once, waiting counts in the budget, slots freed, progress in order."""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

from salesops.model import uncertainty
from salesops.model.optimize import optimize
from salesops.model.samples import load_sample, synthetic
from salesops.model.uncertainty import in_worker, simulate
from salesops.model.worker import BudgetExceeded, busy, run_bounded, workers
from tests import pool_jobs


def _concurrent(path: str, jobs: int, seconds: float) -> list[BaseException | int]:
    """Run ``jobs`` recording jobs from as many threads (as many sessions) and return what each got."""
    out: list[BaseException | int] = [0] * jobs

    def one(i: int) -> None:
        try:
            out[i] = run_bounded(pool_jobs.record, path, seconds, seconds=30)
        except BaseException as exc:  # noqa: BLE001 (the test looks at it)
            out[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _most_at_once(path: str) -> int:
    """The largest number of jobs between their start and their end at any moment of the record."""
    events = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            kind, at = line.split()
            events.append((float(at), 1 if kind == "start" else -1))
    running = most = 0
    for _, step in sorted(events, key=lambda e: (e[0], e[1])):  # an end before a start at the same instant
        running += step
        most = max(most, running)
    return most


@pytest.mark.parametrize("limit", [1, 2])
def test_no_more_than_the_setting_run_at_once(monkeypatch, tmp_path, limit):
    monkeypatch.setenv("SALESOPS_WORKERS", str(limit))
    path = str(tmp_path / "record.txt")
    got = _concurrent(path, 5, 0.4)
    assert all(isinstance(g, int) for g in got), got
    assert len(set(got)) == 5  # five children, each its own process
    assert _most_at_once(path) == limit
    assert busy() == (0, limit)


def test_the_setting_defaults_to_the_cpu_count_and_is_bounded(monkeypatch):
    monkeypatch.delenv("SALESOPS_WORKERS", raising=False)
    assert workers() == max(1, os.cpu_count() or 1)
    monkeypatch.setenv("SALESOPS_WORKERS", "0")
    assert workers() == 1
    monkeypatch.setenv("SALESOPS_WORKERS", "many")
    assert workers() == max(1, os.cpu_count() or 1)


def test_a_queued_jobs_wait_counts_in_its_budget(monkeypatch, tmp_path):
    monkeypatch.setenv("SALESOPS_WORKERS", "1")
    path = str(tmp_path / "record.txt")
    holder = threading.Thread(target=run_bounded, args=(pool_jobs.record, path, 1.5), kwargs={"seconds": 30})
    holder.start()
    time.sleep(0.3)  # the first job holds the only slot
    told: list[bool] = []
    started = time.monotonic()
    with pytest.raises(BudgetExceeded, match="stopped after 1 s") as err:
        run_bounded(pool_jobs.record, path, 0.9, seconds=1.0, queued=lambda: told.append(True))
    took = time.monotonic() - started
    holder.join()
    assert told == [True]  # it was told it waits, once
    # About 1.2 s in the queue, then it ran out of its own 1 s: stopped past 1 s from the call, not 1 s after its start.
    assert 0.9 < took < 2.0
    assert "every worker was busy" in str(err.value) or "waiting for a free worker" in str(err.value)
    # A job that waits but then has time left finishes: 0.2 s of work within 3 s, behind a 0.5 s job.
    holder = threading.Thread(target=run_bounded, args=(pool_jobs.record, path, 0.5), kwargs={"seconds": 30})
    holder.start()
    time.sleep(0.2)
    assert isinstance(run_bounded(pool_jobs.record, path, 0.2, seconds=3.0), int)
    holder.join()


def test_a_job_killed_or_out_of_time_frees_its_slot(monkeypatch, tmp_path):
    monkeypatch.setenv("SALESOPS_WORKERS", "1")
    with pytest.raises(BudgetExceeded):
        run_bounded(pool_jobs.die, seconds=30)
    assert busy()[0] == 0
    with pytest.raises(BudgetExceeded, match="time budget"):
        run_bounded(pool_jobs.record, str(tmp_path / "r.txt"), 30, seconds=0.5)
    assert busy()[0] == 0
    # The one slot is free again: the next job runs at once, well within a budget shorter than any wait.
    assert isinstance(run_bounded(pool_jobs.record, str(tmp_path / "r.txt"), 0, seconds=10), int)


def test_progress_arrives_in_order_in_the_callers_thread_and_ends_at_one():
    seen: list[tuple[float, int]] = []
    assert run_bounded(pool_jobs.steps, 8, seconds=30, progress=lambda f: seen.append((f, threading.get_ident()))) == 8
    fractions = [f for f, _ in seen]
    assert {t for _, t in seen} == {threading.get_ident()}
    assert fractions == sorted(fractions) and len(set(fractions)) == len(fractions)
    assert fractions[-1] == 1.0 and len(fractions) >= 4  # 60 ms apart: most of the eight steps get through
    assert 0.1 not in fractions


def test_chunked_monte_carlo_equals_the_unchunked_one(monkeypatch):
    """The draws are made once per run; batches only split the evaluation: any batch size, the same figures."""
    scenario = load_sample("enterprise")
    whole = simulate(scenario, 5_000, 7)
    for batch in (5_000, 1_000, 333):
        monkeypatch.setattr(uncertainty, "BATCH", batch)
        seen: list[float] = []
        part = simulate(scenario, 5_000, 7, progress=seen.append)
        assert len(seen) == -(-5_000 // batch) and seen[-1] == 1.0 and seen == sorted(seen)
        for name in ("roi", "payback_months", "productivity_per_rep", "revenue", "cumulative_net", "net_value"):
            np.testing.assert_array_equal(getattr(part, name), getattr(whole, name), err_msg=f"{name}, batch {batch}")


def test_a_monte_carlo_in_the_pool_equals_the_one_in_process_and_reports_progress():
    scenario = synthetic(10_000, 5)
    assert in_worker(scenario, 10_000) and not in_worker(load_sample("startup"), 1_000)
    seen: list[float] = []
    pooled = run_bounded(simulate, scenario, 10_000, 3, seconds=60, progress=seen.append)
    here = simulate(scenario, 10_000, 3)
    np.testing.assert_array_equal(pooled.roi, here.roi)
    np.testing.assert_array_equal(pooled.cumulative_net, here.cumulative_net)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 2


@pytest.mark.parametrize("objective", ["net", "npv"])
def test_the_search_reports_progress_and_finds_the_same_design(objective):
    scenario = load_sample("midmarket")
    seen: list[float] = []
    pooled = run_bounded(optimize, scenario, objective, seconds=120, progress=seen.append)
    assert pooled == optimize(scenario, objective)
    assert seen == sorted(seen) and seen[-1] == 1.0
    if objective == "npv":  # 729 designs evaluated in full, reported batch by batch
        assert len([f for f in seen if 0 < f < 1]) >= 2


def test_the_coordinate_search_reports_each_restart():
    seen: list[float] = []
    rec = optimize(load_sample("midmarket"), exhaustive_limit=10, progress=seen.append)
    assert rec.method.startswith("coordinate search")
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert len(seen) == 8 + 1  # before each of the 8 restarts (after the current design), then 1.0
