"""Shared fixtures for the domain tests (no streamlit imports here)."""

from __future__ import annotations

import pytest

from salesops.model.roles import load_catalog
from salesops.model.samples import load_sample

SAMPLE_NAMES = ("startup", "midmarket", "enterprise")


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(params=SAMPLE_NAMES)
def sample(request):
    """Each shipped sample scenario in turn."""
    return load_sample(request.param)


def _check_payback(res) -> None:
    """payback_months agrees with where the projection's cumulative net crosses zero."""
    proj = res.projection
    cost = res.sales_ops_cost_usd
    cum = [m.cumulative_net_usd for m in proj]
    for prev, m in zip([0.0] + cum, proj):
        assert m.cumulative_net_usd == pytest.approx(prev + m.gross_margin_uplift_usd - m.sales_ops_cost_usd)
    p = res.payback_months
    last = proj[-1]
    rate = last.gross_margin_uplift_usd - last.sales_ops_cost_usd
    if p is None:
        assert cost == 0 or (all(c < 0 for c in cum) and rate <= 0)
        return
    assert cost > 0 and p >= 0
    first = next((m.month for m in proj if m.cumulative_net_usd >= 0), None)
    if first is None:  # extrapolated past the horizon at the last month's net rate
        assert rate > 0 and p > last.month
        assert last.cumulative_net_usd + rate * (p - last.month) == pytest.approx(
            0.0, abs=max(1e-6 * cost, 1e-9)
        )  # a floor for costs near zero
    else:  # linear interpolation inside the first month that ends at or above zero
        assert first - 1 <= p <= first
        before = cum[first - 2] if first >= 2 else 0.0
        crossing = before + (p - (first - 1)) * (cum[first - 1] - before)
        assert crossing == pytest.approx(0.0, abs=max(1e-6 * cost, 1e-9))  # a floor for costs near zero


@pytest.fixture(scope="session")
def check_payback():
    return _check_payback
