"""Two replicas behind nginx on one PostgreSQL: the replica serving a session dies, the session goes on.

nginx runs with deploy/nginx.conf as deploy/replicas.py fills it in (sticky by
Streamlit's XSRF cookie, websockets, passive health checks). Chromium loads a
sample through the proxy and edits a placement; the replica that ran the edit
(the one whose ``SALESOPS_TIMING`` file grew) is killed. The page reconnects
through nginx to the other replica and shows the same working scenario and
figures, with no "open in another tab" warning, and a further edit is saved to
the same working copy.

Needs Debian's nginx (``apt-get install nginx``): skipped without it, unless
``SALESOPS_REQUIRE_NGINX=1`` (CI), then a failure; and PostgreSQL
(``SALESOPS_TEST_POSTGRES_URL``, required in CI like the other PostgreSQL tests).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from salesops.model import evaluate
from salesops.model.metrics import METRIC
from salesops.model.samples import load_sample
from salesops.store import Store
from tests.browser import ROOT, choose_option, chromium, free_port, require_browser, wait_for_metric, wait_idle
from tests.dbfixtures import fresh_postgres_schema, postgres_url_or_skip

pytestmark = pytest.mark.browser

NGINX = "/usr/sbin/nginx"
ENTERPRISE = "Global enterprise (800 reps, 5 regions)"


def _deploy():
    """deploy/replicas.py, the launcher whose pieces (config, commands, health wait) the test uses."""
    spec = importlib.util.spec_from_file_location("salesops_deploy_replicas", ROOT / "deploy" / "replicas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def require_nginx() -> None:
    if Path(NGINX).exists():
        return
    if os.environ.get("SALESOPS_REQUIRE_NGINX") == "1":
        pytest.fail(f"SALESOPS_REQUIRE_NGINX=1 but {NGINX} is not installed (apt-get install nginx)", pytrace=False)
    pytest.skip(f"{NGINX} is not installed (apt-get install nginx)")


def _lines(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.fixture
def cluster(tmp_path):
    """Two replicas on one fresh PostgreSQL schema and nginx in front; yields what the test needs."""
    require_browser()
    require_nginx()
    deploy = _deploy()
    with fresh_postgres_schema(postgres_url_or_skip()) as url:
        ports = [free_port(), free_port()]
        timings = [tmp_path / f"timing-{p}.jsonl" for p in ports]
        procs: list[subprocess.Popen] = []
        logs = []
        try:
            for port, timing in zip(ports, timings):
                env = {**os.environ, "SALESOPS_DATABASE_URL": url, "SALESOPS_TIMING": str(timing)}
                env["STREAMLIT_SERVER_COOKIE_SECRET"] = "failover-test-secret"
                logs.append(open(tmp_path / f"replica-{port}.log", "w"))  # noqa: SIM115
                cmd = deploy.replica_command(port)
                procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=logs[-1], stderr=subprocess.STDOUT))
            for port, proc in zip(ports, procs):
                deploy.wait_healthy(f"http://127.0.0.1:{port}", proc=proc)
            proxy_port = free_port()
            prefix = tmp_path / "nginx"
            conf = deploy.prepare_prefix(prefix, proxy_port, [f"127.0.0.1:{p}" for p in ports])
            logs.append(open(tmp_path / "nginx.log", "w"))  # noqa: SIM115
            nginx = subprocess.Popen(deploy.nginx_command(prefix, conf), stdout=logs[-1], stderr=subprocess.STDOUT)
            procs.append(nginx)
            deploy.wait_healthy(f"http://127.0.0.1:{proxy_port}", timeout_s=15, proc=nginx)
            yield {"url": f"http://127.0.0.1:{proxy_port}", "db": url, "replicas": list(zip(procs[:2], timings))}
        finally:
            deploy.stop(procs)
            for log in logs:
                log.close()


def test_a_session_survives_the_death_of_its_replica(cluster):
    store = Store(cluster["db"])
    base = load_sample("enterprise")
    edited = base.with_placement("deal_desk", "localized")
    roi = METRIC["roi"].text
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        sockets: list = []
        page.on("websocket", lambda ws: sockets.append(ws))  # Streamlit's connection: one per (re)connect
        page.goto(cluster["url"])
        page.wait_for_selector(".st-key-scenario-sample", timeout=30_000)
        choose_option(page, ".st-key-scenario-sample", ENTERPRISE)
        wait_for_metric(page, "ROI", value=roi(evaluate(base).roi), timeout_ms=30_000)
        page.locator("[data-testid='stSidebarNav']").get_by_text("Productivity & ROI").click()
        page.wait_for_selector(".st-key-placement-deal_desk [role=radio]", timeout=30_000)
        wait_idle(page)

        before = [_lines(timing) for _, timing in cluster["replicas"]]
        page.locator(".st-key-placement-deal_desk").get_by_role("radio", name="Localized").click()
        wait_for_metric(page, "ROI", value=roi(evaluate(edited).roi))
        page.wait_for_url(re.compile(r"[?&]w="), timeout=15_000)
        draft = re.search(r"[?&]w=([A-Za-z0-9_-]+)", page.url).group(1)
        assert store.get_draft(draft).scenario == edited  # auto-saved before the replica dies
        grew = [i for i, (_, timing) in enumerate(cluster["replicas"]) if _lines(timing) > before[i]]
        assert len(grew) == 1, f"the edit should have run on exactly one replica, ran on {grew}"
        victim, _ = cluster["replicas"][grew[0]]
        _, survivor_timing = cluster["replicas"][1 - grew[0]]
        survivor_before = _lines(survivor_timing)

        victim.kill()  # no goodbye: the process is gone
        victim.wait(timeout=10)

        # The page reconnects through nginx to the other replica. Streamlit's page does not rerun on a
        # reconnect (it expects the same server session back), so the new replica opens the working copy
        # from the database on the tab's next interaction: here, a further edit.
        connected = len(sockets)
        deadline = time.monotonic() + 60
        while len(sockets) == connected and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        assert len(sockets) > connected, "the page did not reconnect through nginx"
        page.wait_for_timeout(1000)  # the handshake through nginx to the surviving replica
        # The first interaction after the reconnect starts the session on the new replica: it opens the working
        # copy from the database (the click itself is not applied: a new server session knows no widgets yet).
        survivor_before = _lines(survivor_timing)
        page.locator(".st-key-placement-planning").get_by_role("radio", name="Localized").click()
        deadline = time.monotonic() + 60
        while _lines(survivor_timing) == survivor_before and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        assert _lines(survivor_timing) > survivor_before, "the surviving replica should have served the session"
        wait_idle(page)
        wait_for_metric(page, "ROI", value=roi(evaluate(edited).roi), timeout_ms=30_000)  # the same figures
        assert draft in page.url
        assert "open in another tab" not in page.locator("body").inner_text()

        # A further edit works and is saved to the same working copy, without a take-over.
        page.locator(".st-key-placement-planning").get_by_role("radio", name="Hybrid").click()
        further = edited.with_placement("planning", "hybrid")
        wait_for_metric(page, "ROI", value=roi(evaluate(further).roi), timeout_ms=30_000)
        wait_idle(page)
        assert "open in another tab" not in page.locator("body").inner_text()
        assert store.get_draft(draft).scenario == further
    store.engine.dispose()
