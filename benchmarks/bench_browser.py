"""Click to new ROI, and page switches, in a real browser against a real server.

Starts the app (``streamlit run``, as a user would), drives Debian's Chromium with Playwright,
loads the enterprise sample from the Start page, then on Productivity & ROI clicks placement
controls 20 times (each click moves one role to another placement) and times each click until
the new ROI, computed independently with ``evaluate``, is on the screen. Then it switches pages
through the sidebar 12 times and times each switch until the new page's title shows and its
script run has finished. Prints medians and p95 in milliseconds; ``--json FILE`` also writes them.

Run from the repository root::

    python benchmarks/bench_browser.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from salesops.model import evaluate  # noqa: E402
from salesops.model.metrics import METRIC  # noqa: E402
from salesops.model.samples import load_sample  # noqa: E402
from tests.browser import app_server, choose_option, chromium, wait_for_metric, wait_idle  # noqa: E402

CLICKS = 20
SWITCHES = 12
TARGET_CLICK_P95_MS = 150.0
TARGET_SWITCH_MS = 400.0
LABELS = {"centralized": "Centralized", "localized": "Localized", "hybrid": "Hybrid"}
ROLES = ("deal_desk", "crm_admin", "analytics", "marketing_ops", "planning")
PAGES = (("Org designer", "Org designer"), ("Productivity & ROI", "Productivity & ROI"), ("Assumptions", "Assumptions"))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    scenario = load_sample("enterprise")
    clicks: list[float] = []
    switches: list[float] = []
    db = Path(tempfile.mkdtemp()) / "bench.db"
    with app_server(env={"SALESOPS_DATABASE_URL": f"sqlite:///{db}"}) as url, chromium() as browser:
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        page.goto(url)
        page.wait_for_selector(".st-key-scenario-sample", timeout=60_000)
        choose_option(page, ".st-key-scenario-sample", "Global enterprise (800 reps, 5 regions)")
        wait_idle(page, timeout_ms=60_000)
        nav = page.locator("[data-testid='stSidebarNav']")
        nav.get_by_role("link", name="Productivity & ROI", exact=True).click()
        page.wait_for_selector(".st-key-placement-deal_desk [role=radio]", timeout=60_000)
        wait_idle(page, timeout_ms=60_000)
        for i in range(CLICKS):
            role = ROLES[i % len(ROLES)]
            now = scenario.plan(role).placement
            target = "localized" if now != "localized" else "centralized"
            scenario = scenario.with_placement(role, target)
            want = METRIC["roi"].text(evaluate(scenario).roi)
            started = time.perf_counter()
            page.locator(f".st-key-placement-{role}").get_by_role("radio", name=LABELS[target]).click()
            wait_for_metric(page, "ROI", value=want, timeout_ms=30_000)
            clicks.append((time.perf_counter() - started) * 1000)
            wait_idle(page, timeout_ms=60_000)
        for i in range(SWITCHES):
            link, title = PAGES[i % len(PAGES)]
            started = time.perf_counter()
            nav.get_by_role("link", name=link, exact=True).click()
            page.wait_for_selector(f"h1:has-text('{title}')", timeout=60_000)
            wait_idle(page, timeout_ms=60_000)
            switches.append((time.perf_counter() - started) * 1000)
    figures = {
        "click_median_ms": statistics.median(clicks),
        "click_p95_ms": _p95(clicks),
        "switch_median_ms": statistics.median(switches),
        "switch_p95_ms": _p95(switches),
        "clicks": CLICKS,
        "switches": SWITCHES,
    }
    print(f"Chromium against a real server, enterprise sample ({sys.version.split()[0]}):\n")
    print("| what | median (ms) | p95 (ms) | target |")
    print("|---|---:|---:|---|")
    print(
        f"| placement click to new ROI ({CLICKS} clicks) | {figures['click_median_ms']:.0f} | "
        f"{figures['click_p95_ms']:.0f} | p95 < {TARGET_CLICK_P95_MS:.0f} ms: "
        f"{'met' if figures['click_p95_ms'] < TARGET_CLICK_P95_MS else 'missed'} |"
    )
    print(
        f"| page switch ({SWITCHES} switches) | {figures['switch_median_ms']:.0f} | {figures['switch_p95_ms']:.0f} | "
        f"< {TARGET_SWITCH_MS:.0f} ms: {'met' if figures['switch_p95_ms'] < TARGET_SWITCH_MS else 'missed'} |"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
