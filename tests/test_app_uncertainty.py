"""The Uncertainty page through streamlit.testing.v1.AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from salesops.model.format import fmt_pct
from salesops.model.samples import load_sample
from salesops.model.uncertainty import simulate

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
PAGE = "pages/uncertainty.py"
GROUPS = ("ROI", "Payback", "Productivity per rep")


from tests.apptest_support import warm_server  # noqa: E402,F401  (autouse: temp database, warm server)


def _page(sample: str = "midmarket") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    if sample != "midmarket":
        at.selectbox(key="scenario:sample").set_value(sample).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _run(at: AppTest, draws: int = 2000, seed: int = 0) -> AppTest:
    at.number_input(key="uncertainty:draws").set_value(draws)
    at.number_input(key="uncertainty:seed").set_value(seed)
    at.button(key="uncertainty:run").click().run()
    assert not at.exception, at.exception
    assert not at.error
    return at


@pytest.mark.parametrize("sample", ["startup", "midmarket", "enterprise"])
def test_page_renders_each_sample(sample):
    at = _page(sample)
    assert at.session_state["scenario"] == load_sample(sample)
    assert not at.error
    assert at.title[0].value == "Uncertainty"
    assert len(at.dataframe) == 1  # the tornado table is there before any run
    assert at.number_input(key="uncertainty:draws").value == 10_000
    assert at.number_input(key="uncertainty:seed").value == 0


def test_run_shows_three_metric_groups_matching_the_model():
    at = _run(_page(), draws=2000, seed=5)
    metrics = _metrics(at)
    for group in GROUPS:
        for p in ("P10", "P50", "P90"):
            assert f"{group} {p}" in metrics, metrics
    expected = simulate(load_sample("midmarket"), 2000, seed=5).percentiles()["roi"]["p50"]
    assert metrics["ROI P50"] == fmt_pct(expected)
    assert len(at.get("vega_lite_chart")) >= 3  # histogram, fan, tornado


def test_same_seed_twice_same_p50():
    at = _run(_page(), draws=2000, seed=11)
    first = _metrics(at)
    at = _run(at, draws=2000, seed=11)
    assert _metrics(at) == first
    again = _run(_page(), draws=2000, seed=11)
    assert _metrics(again)["ROI P50"] == first["ROI P50"]
