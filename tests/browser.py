"""Helpers for browser tests: start the app on a free port and drive Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def require_browser() -> None:
    """Skip (locally) or fail (in CI) when Chromium or Playwright is missing."""
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed"
    if missing:
        if os.environ.get("SALESOPS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here but {missing}")
        pytest.skip(f"browser test skipped: {missing}")


@contextmanager
def chromium() -> Iterator:
    """Debian's Chromium through Playwright, with the flags this machine needs; closed at the end."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(
    env: dict[str, str] | None = None, timeout_s: float = 60.0, *, port: int | None = None, secrets: Path | None = None
) -> Iterator[str]:
    """Run ``streamlit run streamlit_app.py`` on a loopback port (a free one unless ``port``); yield its URL.

    ``secrets``: a secrets.toml read instead of the usual ones (``--secrets.files``).
    """
    port = port or free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    if secrets is not None:
        cmd += ["--secrets.files", str(secrets)]
    log = open(ROOT / ".pytest-streamlit.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: see {log.name}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_idle(page, timeout_ms: int = 30_000) -> None:
    """Wait until the script run triggered by the last interaction has finished."""
    page.wait_for_timeout(50)  # let the rerun start before checking the idle marker
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    # The shared sidebar is drawn after the page: a run is complete once it is there.
    page.wait_for_selector(".st-key-sidebar-undo button", state="attached", timeout=timeout_ms)


def metric_value(page, label: str) -> str:
    metric = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=label)
    )
    return metric.first.locator("[data-testid='stMetricValue']").inner_text().strip()


def choose_option(page, container: str, option: str, attempts: int = 3) -> None:
    """Open the selectbox inside ``container`` and pick ``option``.

    A click that lands while the app is still rendering can leave the list closed,
    so the opening click is retried a few times before giving up.
    """
    target = page.get_by_role("option", name=option)
    for attempt in range(attempts):
        wait_idle(page)
        page.locator(container).get_by_role("button", name="Open").click()
        try:
            target.wait_for(state="visible", timeout=5_000)
            break
        except Exception:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
    target.click()


def wait_for_metric(
    page, label: str, value: str | None = None, not_value: str | None = None, timeout_ms: int = 15_000
) -> str:
    """Wait until the metric ``label`` shows ``value`` (or anything but ``not_value``); return it."""
    page.wait_for_function(
        """([label, want, avoid]) => {
            const m = [...document.querySelectorAll('[data-testid=stMetric]')]
                .find(e => e.querySelector('[data-testid=stMetricLabel]')?.innerText.trim() === label);
            if (!m) return false;
            const v = m.querySelector('[data-testid=stMetricValue]').innerText.trim();
            return (want === null || v === want) && (avoid === null || v !== avoid);
        }""",
        arg=[label, value, not_value],
        timeout=timeout_ms,
    )
    return metric_value(page, label)
