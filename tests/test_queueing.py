"""Erlang B / C, waits, service levels and staffing against published values and
independent implementations written here."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from salesops.model.queueing import erlang_b, erlang_c, mean_wait, servers_for_target, service_level


# --------------------------------------------------------------------------
# Independent references (direct textbook formulas, exact rational arithmetic)
# --------------------------------------------------------------------------
def _ref_erlang_b(c: int, a) -> Fraction:
    a = Fraction(a)
    terms = [a**k / math.factorial(k) for k in range(c + 1)]
    return terms[c] / sum(terms)


def _ref_erlang_c(c: int, a) -> Fraction:
    """C(c, A) = [A^c/c! * c/(c-A)] / [sum_{k<c} A^k/k! + A^c/c! * c/(c-A)]."""
    a = Fraction(a)
    top = a**c / math.factorial(c) * Fraction(c) / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def _ref_erlang_c_log(c: int, a: float) -> float:
    """Erlang C in log space (lgamma + log-sum-exp): a different algorithm for huge c."""
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(c)]
    log_top = c * math.log(a) - math.lgamma(c + 1) + math.log(c / (c - a))
    m = max(max(logs), log_top)
    total = sum(math.exp(x - m) for x in logs) + math.exp(log_top - m)
    return math.exp(log_top - m) / total


def _ref_service_level(c: int, lam: float, mu: float, t: float) -> float:
    return 1.0 - float(_ref_erlang_c(c, Fraction(lam) / Fraction(mu))) * math.exp(-(c * mu - lam) * t)


# --------------------------------------------------------------------------
# Published values
# --------------------------------------------------------------------------
class TestPublishedValues:
    # "Erlang C made simple" (Call Centre Helper): 100 calls per 30 minutes, 180 s
    # average handle time -> A = 100 * 180 / 1800 = 10 erlangs; 11 agents.
    LAM = 100 / 1800  # calls per second
    MU = 1 / 180  # calls per second per agent

    def test_call_centre_probability_of_waiting(self):
        assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=5e-5)

    def test_call_centre_average_speed_of_answer(self):
        # ASA = Pw * AHT / (agents - A) = 0.6821 * 180 / 1 = 122.8 s
        assert mean_wait(11, self.LAM, self.MU) == pytest.approx(122.8, abs=0.05)

    def test_call_centre_service_level_20s(self):
        # SL = 1 - 0.6821 * exp(-(11 - 10) * 20 / 180) = 0.3897 (article: 39%)
        expected = 1 - 0.6821 * math.exp(-(11 - 10) * 20 / 180)
        assert service_level(11, self.LAM, self.MU, 20.0) == pytest.approx(expected, abs=1e-4)

    def test_call_centre_agents_for_80_in_20(self):
        # The article concludes 14 agents reach 80% answered within 20 s.
        c = servers_for_target(self.LAM, self.MU, 20.0, 0.8, 0.95)
        assert c == 14
        assert _ref_service_level(13, self.LAM, self.MU, 20.0) < 0.8 <= _ref_service_level(14, self.LAM, self.MU, 20.0)

    def test_textbook_curve_c10_a6(self):
        assert erlang_c(10, 6.0) == pytest.approx(0.10, abs=0.005)
        assert erlang_c(10, 6.0) == pytest.approx(0.1013, abs=5e-5)

    def test_erlang_b_2_1(self):
        # B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2
        assert erlang_b(2, 1.0) == pytest.approx(0.2, rel=1e-12)

    def test_erlang_b_trivial(self):
        assert erlang_b(0, 3.0) == 1.0  # no servers: everything is blocked
        assert erlang_b(1, 1.0) == pytest.approx(0.5)  # A / (1 + A)
        assert erlang_b(5, 0.0) == 0.0


# --------------------------------------------------------------------------
# Closed forms
# --------------------------------------------------------------------------
@pytest.mark.parametrize("rho", [0.01, 0.1, 0.5, 0.75, 0.9, 0.999])
def test_mm1_probability_of_waiting_is_rho(rho):
    assert erlang_c(1, rho) == pytest.approx(rho, rel=1e-12)


@pytest.mark.parametrize("rho", [0.1, 0.5, 0.9])
def test_mm1_mean_wait(rho):
    # M/M/1: Wq = rho / (mu - lam)
    mu = 2.0
    lam = rho * mu
    assert mean_wait(1, lam, mu) == pytest.approx(rho / (mu - lam), rel=1e-12)


@pytest.mark.parametrize("a", [0.1, 0.5, 1.0, 1.5, 1.99])
def test_mm2_closed_form(a):
    # c = 2: numerator A^2/2 * 2/(2-A) = A^2/(2-A); denominator 1 + A + A^2/(2-A)
    # = (2 + A)/(2 - A); so C(2, A) = A^2 / (2 + A).
    assert erlang_c(2, a) == pytest.approx(a * a / (2 + a), rel=1e-12)


def test_c3_a2_is_four_ninths():
    # numerator 2^3/3! * 3/(3-2) = 4; denominator 1 + 2 + 2 + 4 = 9
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9, rel=1e-12)


def test_service_level_at_zero_time_is_one_minus_pw():
    assert service_level(3, 2.0, 1.0, 0.0) == pytest.approx(1 - 4 / 9, rel=1e-12)


# --------------------------------------------------------------------------
# Against a direct factorial-sum implementation
# --------------------------------------------------------------------------
@pytest.mark.parametrize("c", list(range(1, 31)))
def test_erlang_c_matches_direct_sum(c):
    for frac in (0.05, 0.3, 0.6, 0.85, 0.97, 0.999):
        a = Fraction(c) * Fraction(frac).limit_denominator(1000)
        assert erlang_c(c, float(a)) == pytest.approx(float(_ref_erlang_c(c, a)), rel=1e-10)


@pytest.mark.parametrize("c", list(range(0, 31)))
def test_erlang_b_matches_direct_sum(c):
    for a in (0.5, 3, 7.25, 20, 45):
        assert erlang_b(c, float(a)) == pytest.approx(float(_ref_erlang_b(c, Fraction(a))), rel=1e-10)


def test_erlang_c_increases_with_load_and_falls_with_servers():
    values = [erlang_c(8, a) for a in (1, 2, 4, 6, 7, 7.9)]
    assert values == sorted(values) and len(set(values)) == len(values)
    by_servers = [erlang_c(c, 5.0) for c in range(6, 16)]
    assert by_servers == sorted(by_servers, reverse=True)


# --------------------------------------------------------------------------
# Large pools
# --------------------------------------------------------------------------
def test_stable_for_huge_pool():
    pw = erlang_c(5000, 4900.0)
    assert math.isfinite(pw) and 0.0 < pw < 1.0
    assert pw == pytest.approx(_ref_erlang_c_log(5000, 4900.0), rel=1e-7)
    b = erlang_b(5000, 4900.0)
    assert math.isfinite(b) and 0.0 < b < 1.0
    w = mean_wait(5000, 4900.0, 1.0)
    assert math.isfinite(w) and w > 0


def test_huge_pool_staffing_is_finite():
    c = servers_for_target(lam=49_000.0, mu=10.0, t=0.01, target=0.8, max_utilization=0.99)
    assert 4900 < c < 5200


# --------------------------------------------------------------------------
# Unstable queues
# --------------------------------------------------------------------------
@pytest.mark.parametrize("c,a", [(0, 0.5), (1, 1.0), (3, 3.0), (5, 7.5), (10, 100.0)])
def test_unstable_queue_always_waits(c, a):
    assert erlang_c(c, a) == 1.0
    assert mean_wait(c, a, 1.0) == math.inf
    assert service_level(c, a, 1.0, 10.0) == 0.0


def test_no_demand():
    assert erlang_c(3, 0.0) == 0.0
    assert mean_wait(3, 0.0, 1.0) == 0.0
    assert mean_wait(0, 0.0, 1.0) == 0.0
    assert service_level(0, 0.0, 1.0, 0.0) == 1.0
    assert servers_for_target(0.0, 1.0, 1.0, 0.8, 0.85) == 0


# --------------------------------------------------------------------------
# Staffing: the fewest servers meeting both the target and the ceiling
# --------------------------------------------------------------------------
def _meets(c: int, lam: float, mu: float, t: float, target: float, umax: float) -> bool:
    load = lam / mu
    if c <= load or load / c > umax:
        return False
    return _ref_service_level(c, lam, mu, t) >= target


@pytest.mark.parametrize(
    "lam,mu,t,target,umax",
    [
        (0.3, 1.0, 0.0, 0.5, 0.9),
        (1.0, 1.0, 0.0, 0.5, 0.9),
        (4.0, 1.0, 0.1, 0.8, 0.85),
        (4.0, 1.0, 0.1, 0.8, 0.5),  # utilisation ceiling binds
        (9.5, 2.0, 0.25, 0.9, 0.95),
        (20.0, 1.0, 0.05, 0.95, 0.99),
        (48.0, 50.0, 0.2, 0.8, 0.85),  # load < 1
        (210.0, 30.0, 0.1, 0.8, 0.85),
        (0.06, 8.0, 1.0, 0.8, 0.85),
    ],
)
def test_servers_for_target_is_minimal(lam, mu, t, target, umax):
    c = servers_for_target(lam, mu, t, target, umax)
    assert c >= 1
    assert _meets(c, lam, mu, t, target, umax)
    assert not _meets(c - 1, lam, mu, t, target, umax)


def test_utilisation_ceiling_can_be_the_binding_constraint():
    # load 4, ceiling 0.5 -> at least 8 servers, though 7 meet the 80% target:
    # C(7, 4) = 7.585 / 56.2 = 0.135 by hand, SL = 1 - 0.135 * exp(-0.3) = 0.90
    assert _meets(7, 4.0, 1.0, 0.1, 0.8, 0.99)
    assert servers_for_target(4.0, 1.0, 0.1, 0.8, 0.5) == 8


def test_doc_example_staffing():
    # lam = mu = 1, t = 0: one server is unstable; two give SL = 1 - 1/3 >= 0.5
    assert servers_for_target(1.0, 1.0, 0.0, 0.5, 0.9) == 2


# --------------------------------------------------------------------------
# Invalid arguments
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "c,a", [(-1, 1.0), (2.5, 1.0), (True, 0.5), ("3", 1.0), (2, -0.1), (2, math.nan), (2, math.inf), (2, "1")]
)
def test_erlang_invalid_arguments(c, a):
    with pytest.raises(ValueError):
        erlang_c(c, a)
    with pytest.raises(ValueError):
        erlang_b(c, a)


@pytest.mark.parametrize(
    "c,lam,mu",
    [
        (2, 1.0, 0.0),
        (2, 1.0, -1.0),
        (2, -1.0, 1.0),
        (-1, 1.0, 1.0),
        (1.5, 0.5, 1.0),
        (2, math.nan, 1.0),
        (2, 1.0, math.inf),
    ],
)
def test_mean_wait_and_service_level_invalid_arguments(c, lam, mu):
    with pytest.raises(ValueError):
        mean_wait(c, lam, mu)
    with pytest.raises(ValueError):
        service_level(c, lam, mu, 1.0)


def test_service_level_rejects_negative_time():
    with pytest.raises(ValueError):
        service_level(3, 1.0, 1.0, -1.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(mu=0.0),
        dict(mu=-2.0),
        dict(target=0.0),
        dict(target=1.0),
        dict(target=1.5),
        dict(max_utilization=0.0),
        dict(max_utilization=1.0),
        dict(lam=-1.0),
        dict(lam=math.inf),
        dict(lam=math.nan),
        dict(t=-1.0),
    ],
)
def test_servers_for_target_invalid_arguments(kwargs):
    args = dict(lam=5.0, mu=1.0, t=0.1, target=0.8, max_utilization=0.85)
    args.update(kwargs)
    with pytest.raises(ValueError):
        servers_for_target(**args)
