"""Heavy work in a worker process: time and memory budgets, and the same answers as in process."""

from __future__ import annotations

import time
from dataclasses import replace

import pandas as pd
import pytest

from salesops.model import evaluate
from salesops.model.roles import load_catalog
from salesops.model.samples import load_sample, synthetic
from salesops.model.scenario import Region, RolePlan, Scenario
from salesops.model.whatif import bounded, placement_whatifs
from salesops.model.worker import BudgetExceeded, needs_worker, run_bounded, work_units
from tests import worker_jobs


def big_org(regions: int = 50, roles: int = 30, reps_per_region: int = 4_000) -> Scenario:
    """The largest org the limits allow: 50 regions x 30 roles, 200,000 reps."""
    base = synthetic(1_000, 8)
    catalog = list(load_catalog().values())
    region_objs = tuple(
        Region(
            id=f"r{i}",
            name=f"Region {i}",
            reps=reps_per_region,
            managers=500,
            tz_offset_hours=(i * 5) % 24 - 11,
            market_complexity=0.5,
            cost_index=1.0,
        )
        for i in range(regions)
    )
    plans = tuple(
        RolePlan(role=replace(catalog[k % 6], id=f"{catalog[k % 6].id}_{k}"), placement="localized")
        for k in range(roles)
    )
    return replace(base, name="Largest allowed", regions=region_objs, hq_region="r0", roles=plans)


def test_a_result_comes_back_and_an_error_is_re_raised():
    assert run_bounded(worker_jobs.sleep_then_return, 0.0, seconds=30) == "done"
    with pytest.raises(ValueError, match="bad input"):
        run_bounded(worker_jobs.fail, "bad input", seconds=30)


def test_work_past_its_time_budget_is_stopped_on_time():
    started = time.monotonic()
    with pytest.raises(BudgetExceeded, match="stopped after 1 s"):
        run_bounded(worker_jobs.sleep_then_return, 60.0, seconds=1)
    assert time.monotonic() - started < 5


def test_work_past_its_memory_budget_is_stopped():
    with pytest.raises(BudgetExceeded, match="memory budget"):
        run_bounded(worker_jobs.allocate, 2_000, seconds=30, memory_mb=600)
    assert run_bounded(worker_jobs.allocate, 50, seconds=30, memory_mb=600) == 50 * 1024 * 1024


def test_heavy_work_runs_at_a_lower_cpu_priority_than_the_app():
    """Clicks in other sessions get the processor first: the worker is ``nice``-d below its parent."""
    import os

    from salesops.model.worker import WORKER_NICENESS

    here = os.nice(0)
    assert run_bounded(os.nice, 0, seconds=30) == min(here + WORKER_NICENESS, 19)


def test_only_big_orgs_go_to_a_worker():
    for name in ("startup", "midmarket", "enterprise"):
        s = load_sample(name)
        assert not needs_worker(len(s.regions), len(s.roles)), name
    big = big_org()
    assert needs_worker(len(big.regions), len(big.roles))
    assert work_units(50, 30) > 50 * work_units(5, 6)


def test_what_ifs_in_a_worker_equal_the_same_work_in_process(monkeypatch):
    scenario = big_org(regions=12, roles=8, reps_per_region=300)
    monkeypatch.setenv("SALESOPS_WORKER_UNITS", "0")  # force the worker
    in_worker = bounded(scenario, placement_whatifs)
    pd.testing.assert_frame_equal(in_worker, placement_whatifs(scenario))


def test_the_largest_allowed_org_evaluates_within_the_model_budget():
    scenario = big_org()
    started = time.perf_counter()
    res = evaluate(scenario)
    assert time.perf_counter() - started < 2.0
    assert res.reps == 200_000
