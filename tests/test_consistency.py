"""One figure, one value: the CLI, the pages and the exports agree.

For the three samples and an imported 300-person org, ``evaluate --json`` (the
command line), the Productivity & ROI page, the Compare page, the Metrics
dashboard and the exports must give the same ROI (to 0.1 pp as shown, exactly
as numbers), sales-ops cost (to the cent), FTE and reps.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from salesops.model.metrics import COMPARE, HEADLINE, METRIC
from salesops.model import evaluate
from salesops.report import to_excel
from salesops.model.samples import load_sample
from salesops.ui.downloads import data_file
from tests.apptest_support import warm_server  # noqa: F401  (autouse: temp database, warm server)
from tests.orgfiles import hris_csv_with_cities, import_csv
from tests.readback import read_csv, read_xlsx

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
CASES = {name: load_sample(name) for name in ("startup", "midmarket", "enterprise")}
CASES["imported"] = import_csv(hris_csv_with_cities(300))


def _cli_json(scenario, tmp_path) -> dict:
    path = tmp_path / "scenario.json"
    path.write_text(scenario.to_json(), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "salesops", "evaluate", str(path), "--json"], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def _app_with(scenario) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.session_state["scenario"] = scenario
    return at


@pytest.mark.parametrize("case", list(CASES))
def test_cli_pages_and_exports_agree(case, tmp_path):
    scenario = CASES[case]
    cli = _cli_json(scenario, tmp_path)
    res = evaluate(scenario)
    # The command line and the model: exact.
    for metric in COMPARE:
        got, want = cli[metric.key], res.headline()[metric.key]
        assert got == pytest.approx(want, abs=0.005) if want is not None else got is None, metric.key
    shown = {m.key: m.text(cli[m.key]) for m in HEADLINE}

    # The Productivity & ROI page shows the same four figures.
    at = _app_with(scenario)
    at.switch_page("pages/roi.py").run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric if m.label in {h.label for h in HEADLINE}} == {
        h.label: shown[h.key] for h in HEADLINE
    }

    # The Compare page: the working scenario's column.
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value.set_index("Metric")
    working = table.columns[0]
    for metric in COMPARE:
        assert table.loc[metric.label, working] == metric.text(cli[metric.key]), metric.label

    # The Metrics dashboard: ROI and the KPIs that are headline metrics.
    at.switch_page("pages/dashboard.py").run()
    assert not at.exception, at.exception
    cards = {m.label: m.value for m in at.metric}
    assert cards["ROI"] == METRIC["roi"].text(cli["roi"])
    assert cards["Productivity per rep"] == METRIC["productivity_per_rep"].text(cli["productivity_per_rep"])
    assert cards["Selling-time share"] == METRIC["selling_time_share"].text(cli["selling_time_share"])

    # The exports, read back: exact numbers.
    xlsx = read_xlsx(to_excel(scenario, res, whatifs=None))
    assert xlsx.roi == pytest.approx(cli["roi"], abs=1e-12)
    assert xlsx.cost == pytest.approx(cli["sales_ops_cost"], abs=0.005)
    assert xlsx.fte == pytest.approx(cli["sales_ops_fte"], abs=1e-9) and xlsx.reps == cli["reps"]
    csv_facts = read_csv(data_file("csv", scenario, res))
    assert csv_facts.fte == pytest.approx(cli["sales_ops_fte"], abs=1e-6) and csv_facts.reps == cli["reps"]
