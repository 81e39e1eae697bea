"""A big Monte Carlo in one session does not slow another session's clicks, and its bar moves.

One session runs Monte Carlos of 10,000 draws on a 10,000-person org (a synthetic org of five
regions, opened from a saved link), each with a new seed so that none comes from the cache, while a
second session clicks placements 8 times. The draws run in the worker pool, at a lower CPU priority,
so each click still answers within 1 s. The tolerance is test_browser_hostile.py's, for the same
reason: 7 clicks of 8 within the bar and none past twice it, the bar being 1 s, or 2.5 times the
median calm click on a machine so busy that even calm clicks are slow (the test's two CPUs also run
both sessions' Chromium renderers, which real users would not share with the server). The first
session's progress bar is seen moving (a value between 0 and 100) and each run's result is shown.
"""

from __future__ import annotations

import statistics

import pytest

from salesops.model.samples import synthetic
from salesops.store import Store
from tests.browser import app_server, chromium, require_browser, wait_idle
from tests.test_browser_hostile import _click_times

pytestmark = pytest.mark.browser

ROUNDS = 4  # Monte Carlos, each overlapping two of the other session's clicks

WATCH_BARS = """() => {
    window.__bars = [];
    const look = () => document.querySelectorAll('[data-testid=stProgress] [role=progressbar]').forEach(e => {
        const v = Number(e.getAttribute('aria-valuenow'));
        if (window.__bars[window.__bars.length - 1] !== v) window.__bars.push(v);
    });
    new MutationObserver(look).observe(document.body, {subtree: true, childList: true, attributes: true});
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    db = tmp_path_factory.mktemp("db") / "busy.db"
    with app_server(env={"SALESOPS_DATABASE_URL": f"sqlite:///{db}"}) as url:
        yield url, f"sqlite:///{db}"


def test_a_big_monte_carlo_does_not_slow_another_sessions_clicks_and_its_bar_moves(server):
    url, db_url = server
    from sqlalchemy import create_engine

    org = synthetic(10_000, 5)
    assert sum(r.reps for r in org.regions) == 10_000
    info = Store(create_engine(db_url)).create(org, name="Ten thousand", note="busy")
    with chromium() as browser:
        calm = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        calm.goto(f"{url}/roi")
        calm.wait_for_selector(".st-key-placement-deal_desk [role=radio]", timeout=60_000)
        wait_idle(calm)
        baseline = _click_times(calm, 6)

        busy = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        busy.goto(f"{url}/uncertainty?s={info.scenario_id}&v={info.version}")
        busy.wait_for_selector(".st-key-uncertainty-run button", timeout=60_000)
        wait_idle(busy, timeout_ms=60_000)
        busy.evaluate(WATCH_BARS)
        loaded: list[float] = []
        for seed in range(1, ROUNDS + 1):
            seed_box = busy.locator(".st-key-uncertainty-seed input")
            seed_box.fill(str(seed))
            seed_box.press("Enter")
            wait_idle(busy, timeout_ms=60_000)
            # Playwright's sync API is not thread-safe: the run is started and left running in the
            # server (nothing waits for it) while the other session clicks.
            busy.locator(".st-key-uncertainty-run button").click()
            loaded += _click_times(calm, 2)
            busy.get_by_text(f"10,000 draws, seed {seed}.").wait_for(timeout=60_000)
            wait_idle(busy, timeout_ms=60_000)
        bars = busy.evaluate("() => window.__bars")
        assert not busy.locator("[data-testid='stException']").count()
        assert busy.locator("[data-testid='stMetricLabel']", has_text="ROI P50").count() == 1
        print(f"click to new ROI, calm: {sorted(baseline)}; beside the Monte Carlos: {sorted(loaded)}; bars: {bars}")
        limit = max(1.0, 2.5 * statistics.median(baseline))
        assert sorted(loaded)[-2] < limit and max(loaded) < 2 * limit, (baseline, loaded)
        assert any(0 < v < 100 for v in bars), bars  # the bar was seen part-way
        assert len(set(bars)) >= 2, bars  # and moving
