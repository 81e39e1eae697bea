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
    """payback_months agrees with the projection's cumulative net, read the way the 3-year ROI is.

    The last upward crossing of zero when the horizon ends at or above zero (0 if it never dips
    below); past the horizon at the last month's net when it ends below zero and that net is
    positive; never otherwise. A set-up that costs nothing pays back at once if it adds anything.
    """
    proj = res.projection
    cost = sum(m.sales_ops_cost_usd for m in proj)
    cum = [m.cumulative_net_usd for m in proj]
    for prev, m in zip([0.0] + cum, proj):
        net = m.gross_margin_uplift_usd + m.control_value_usd - m.sales_ops_cost_usd
        assert m.cumulative_net_usd == pytest.approx(prev + net)
    p = res.payback_months
    last = proj[-1]
    rate = last.gross_margin_uplift_usd + last.control_value_usd - last.sales_ops_cost_usd
    floor = max(1e-6 * cost, 1e-9)  # a floor for costs near zero
    if cost == 0:
        assert p == (0.0 if cum[-1] > 0 else None)
        return
    if p is None:
        assert cum[-1] < 0 and rate <= 0
        return
    assert p >= 0
    if cum[-1] < 0:  # extrapolated past the horizon at the last month's net rate
        assert rate > 0 and p > last.month
        assert last.cumulative_net_usd + rate * (p - last.month) == pytest.approx(0.0, abs=floor)
        return
    ups = [m.month for m, before in zip(proj, [0.0] + cum) if m.cumulative_net_usd >= 0 > before]
    if not ups:
        assert p == 0.0
        return
    k = ups[-1]  # linear interpolation inside the last month that turns the cumulative net non-negative
    assert k - 1 <= p <= k
    before = cum[k - 2] if k >= 2 else 0.0
    assert before + (p - (k - 1)) * (cum[k - 1] - before) == pytest.approx(0.0, abs=floor)
    assert all(c >= 0 for c in cum[k - 1 :])  # and it stays paid back


@pytest.fixture(scope="session")
def check_payback():
    return _check_payback
