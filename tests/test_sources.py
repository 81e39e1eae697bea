"""Sources that check out: every default names its source, and each published figure it cites is the one used.

A figure that no source supports is labelled a model assumption; a figure that a source gives is
tested here against the words of the source, so that a default and its citation cannot drift apart.
"""

from __future__ import annotations

import json
import re

import pytest

from salesops.model.parts import Assumptions, assumption_info
from salesops.model.paths import DATA_DIR

FIRMNESS = {"sourced", "2nd-hand", "unconfirmed", "model assumption", "client data"}
INFO = assumption_info()


@pytest.mark.parametrize("name", sorted(INFO))
def test_every_assumption_has_a_range_a_unit_a_source_and_a_firmness(name):
    meta = INFO[name]
    assert meta["low"] <= meta["default"] <= meta["high"], name
    assert meta["firmness"] in FIRMNESS, name
    assert len(meta["source"]) > 25, name
    assert "unit" in meta
    assert getattr(Assumptions(), name) == meta["default"]  # the dataclass and the data file agree


def _numbers(text: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*\.?\d*", text)]


def test_the_elasticity_cites_the_published_mean_and_its_range_covers_it():
    """Albers, Mantrala and Sridhar (2010): mean personal-selling elasticity 0.34."""
    meta = INFO["productivity_elasticity"]
    assert "Albers, Mantrala and Sridhar" in meta["source"] and "0.34" in meta["source"]
    assert meta["low"] <= 0.34 <= meta["high"]
    assert meta["firmness"] == "model assumption"  # the default itself is above the published mean


def test_hiring_lag_and_recruiting_cost_follow_the_shrm_benchmarks():
    """SHRM benchmarking (2nd-hand): about 44 days to fill, about $4,700 per hire."""
    lag, cost = INFO["ops_hiring_lag_months"], INFO["ops_recruiting_cost_usd"]
    assert "44 days" in lag["source"] and lag["firmness"] == "2nd-hand"
    assert lag["default"] >= 44 / 30.4  # a notice period only adds to the time to fill
    assert "$4,700" in cost["source"] and cost["default"] == 4_700


def test_rep_replacement_cost_is_the_part_of_xactlys_total_the_ramp_does_not_already_count():
    """Xactly: more than $115K to replace a rep, most of it sales lost while the new hire ramps."""
    meta = INFO["rep_replacement_cost_usd"]
    assert "$115K" in meta["source"] and "ramp" in meta["source"]
    assert meta["high"] < 115_000


def test_discount_leakage_cites_the_price_lever_but_is_labelled_an_assumption():
    """Marn and Rosiello (HBR, 1992): a 1% price rise lifts operating profit by 11.1%; no figure for leakage."""
    meta = INFO["discount_leakage_share"]
    assert "Marn and Rosiello" in meta["source"] and "11.1%" in meta["source"]
    assert meta["firmness"] == "model assumption"
    assert meta["high"] / meta["low"] >= 10  # wide enough to say that no figure was found


@pytest.mark.parametrize(
    "name", ["forecast_accuracy_share", "data_quality_share", "plan_consistency_share", "selling_conversion"]
)
def test_unsourced_mechanisms_say_so_and_carry_a_wide_range(name):
    meta = INFO[name]
    assert meta["firmness"] == "model assumption" and "No published figure" in meta["source"]
    assert meta["high"] >= 2 * max(meta["low"], meta["default"] / 2)


def test_corrected_citations_stay_corrected():
    """The review's corrections: HBR 27% (not "about 30%"); Xactly's 54% is a share of reps at quota."""
    text = json.dumps(INFO)
    assert "about 30%" not in text
    attainment = INFO["quota_attainment"]["source"]
    assert "54%" in attainment and "reps" in attainment
    attrition = INFO["attrition_per_year"]["source"]
    assert "27%" in attrition
    spend = INFO["company_revenue_usd"]["source"]
    assert "3-10% of revenue" in spend and "no primary source found" in spend  # quoted, and said to be unsourced


def test_role_controls_name_assumptions_that_exist():
    from salesops.model.roles import CONTROLS, load_catalog

    fields = set(Assumptions.__dataclass_fields__)
    assert set(CONTROLS.values()) <= fields
    controlled = {r.id: r.control for r in load_catalog().values() if r.control}
    assert controlled == {
        "deal_desk": "discount_leakage",
        "analytics": "forecast_accuracy",
        "crm_admin": "data_quality",
        "planning": "plan_consistency",
    }
    sources = json.loads((DATA_DIR / "roles.json").read_text())["sources"]
    assert "control" in sources
