"""M/M/c queueing: Erlang B and C, waits, service levels and staffing.

Sales-ops teams are modelled as M/M/c queues: requests arrive at rate ``lam``,
each of ``c`` servers completes ``mu`` requests per unit of time. Erlang B is
computed with its numerically stable recursion, so a pool of thousands of
servers neither overflows nor loses precision; Erlang C follows from it.

All functions are total on their domain: an overloaded queue (``lam >= c*mu``)
returns a probability of waiting of 1 and an infinite-free capped wait rather
than dividing by zero.
"""

from __future__ import annotations

import math

__all__ = [
    "erlang_b",
    "erlang_c",
    "erlang_c_continuous",
    "fte_for_target",
    "mean_wait",
    "service_level",
    "servers_for_target",
]


def _check(c: int, load: float) -> None:
    if isinstance(c, bool) or not isinstance(c, int) or c < 0:
        raise ValueError(f"servers c must be a non-negative integer, got {c!r}")
    if not (isinstance(load, (int, float)) and math.isfinite(load) and load >= 0):
        raise ValueError(f"offered load must be a finite number >= 0, got {load!r}")


def _check_rates(lam: float, mu: float) -> None:
    if not (isinstance(mu, (int, float)) and math.isfinite(mu) and mu > 0):
        raise ValueError(f"service rate mu must be a finite number > 0, got {mu!r}")
    if not (isinstance(lam, (int, float)) and math.isfinite(lam) and lam >= 0):
        raise ValueError(f"arrival rate lam must be a finite number >= 0, got {lam!r}")


def _check_time(t: float) -> None:
    if not (isinstance(t, (int, float)) and math.isfinite(t) and t >= 0):
        raise ValueError(f"answer time t must be a finite number >= 0, got {t!r}")


def erlang_b(c: int, load: float) -> float:
    """Blocking probability of an M/M/c/c system (Erlang B).

    Parameters
    ----------
    c : int
        Number of servers.
    load : float
        Offered load A = lambda / mu, in erlangs.

    Returns
    -------
    float
        B(c, A) in [0, 1].

    Examples
    --------
    >>> round(erlang_b(2, 1.0), 4)
    0.2
    """
    _check(c, load)
    b = 1.0
    for k in range(1, c + 1):
        b = load * b / (k + load * b)
        if b == 0.0:  # underflowed: it stays 0 for every larger k (a huge team with a light load)
            break
    return b


def erlang_c(c: int, load: float) -> float:
    """Probability that an arriving request must wait in an M/M/c queue (Erlang C).

    Returns 1.0 when the queue is unstable (``load >= c``), including ``c == 0``.

    Examples
    --------
    >>> round(erlang_c(2, 1.0), 4)
    0.3333
    >>> erlang_c(3, 3.0)
    1.0
    """
    _check(c, load)
    if load == 0:
        return 0.0
    if load >= c:
        return 1.0
    b = erlang_b(c, load)
    return c * b / (c - load * (1.0 - b))


def mean_wait(c: int, lam: float, mu: float) -> float:
    """Mean time in queue Wq = C(c, A) / (c*mu - lam), in the units of 1/mu.

    Returns ``math.inf`` for an unstable queue; callers cap it.

    Examples
    --------
    >>> mean_wait(1, 0.5, 1.0)  # M/M/1: rho / (mu - lam) = 0.5 / 0.5
    1.0
    """
    _check(c, 0.0)
    _check_rates(lam, mu)
    if lam == 0:
        return 0.0
    if lam >= c * mu:
        return math.inf
    return erlang_c(c, lam / mu) / (c * mu - lam)


def service_level(c: int, lam: float, mu: float, t: float) -> float:
    """Share of requests that wait no longer than ``t``: 1 - C(c, A) exp(-(c mu - lam) t).

    Examples
    --------
    >>> round(service_level(2, 1.0, 1.0, 0.0), 4)
    0.6667
    """
    _check(c, 0.0)
    _check_rates(lam, mu)
    _check_time(t)
    if lam == 0:
        return 1.0
    if lam >= c * mu:
        return 0.0
    return 1.0 - erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * t)


def servers_for_target(
    lam: float, mu: float, t: float, target: float, max_utilization: float, max_servers: int = 10_000_000
) -> int:
    """Fewest servers meeting both a service level and a utilisation ceiling.

    The smallest ``c`` with ``service_level(c, lam, mu, t) >= target`` and
    ``lam / (c*mu) <= max_utilization``. Erlang B is carried forward one server
    at a time, so the search costs O(c) in all.

    Parameters
    ----------
    lam, mu : float
        Arrival rate and per-server service rate (same time unit).
    t : float
        Target answer time, same unit.
    target : float
        Service-level target in (0, 1).
    max_utilization : float
        Utilisation ceiling in (0, 1).

    Returns
    -------
    int
        0 when there is no demand, else at least 1.

    Examples
    --------
    >>> servers_for_target(lam=1.0, mu=1.0, t=0.0, target=0.5, max_utilization=0.9)
    2
    """
    _check_rates(lam, mu)
    _check_time(t)
    if not 0 < target < 1:
        raise ValueError(f"service-level target must be in (0, 1), got {target!r}")
    if not 0 < max_utilization < 1:
        raise ValueError(f"max_utilization must be in (0, 1), got {max_utilization!r}")
    if lam <= 0:
        return 0
    load = lam / mu
    c_min = max(1, math.floor(load / max_utilization))
    b = 1.0
    for k in range(1, max_servers + 1):
        b = load * b / (k + load * b)
        if k < c_min or load >= k or load / k > max_utilization:
            continue
        pw = k * b / (k - load * (1.0 - b))
        if 1.0 - pw * math.exp(-(k * mu - lam) * t) >= target:
            return k
    raise ValueError(f"no staffing up to {max_servers} servers meets the target for load {load:g}")


# --------------------------------------------------------------------------
# Fractional staffing: a team of c servers where c need not be whole
# --------------------------------------------------------------------------
def erlang_c_continuous(c: float, load: float) -> float:
    """Erlang C for a non-integer number of servers: linear between the whole numbers around ``c``.

    A fractional team is a share of people's time (a generalist covering several roles):
    each person still serves at the full rate when on the role. ``C(0) = 1`` (nobody there:
    every request waits). Equal to :func:`erlang_c` at whole ``c``, continuous and
    non-increasing in ``c``.

    Examples
    --------
    >>> erlang_c_continuous(2.0, 1.0) == erlang_c(2, 1.0)
    True
    >>> round(erlang_c_continuous(1.5, 0.5), 4)  # halfway between C(1) = 0.5 and C(2) = 0.1
    0.3
    """
    if not (isinstance(c, (int, float)) and math.isfinite(c) and c >= 0):
        raise ValueError(f"servers c must be a finite number >= 0, got {c!r}")
    if load == 0:
        return 0.0
    low = math.floor(c)
    theta = c - low
    c_low = erlang_c(low, load) if low > 0 else 1.0
    if theta == 0:
        return c_low
    return (1.0 - theta) * c_low + theta * erlang_c(low + 1, load)


def fte_for_target(lam: float, mu: float, t: float, target: float, max_utilization: float) -> float:
    """Fewest FTE, not necessarily whole, meeting the service level and the utilisation ceiling.

    The whole-server answer :func:`servers_for_target` bounds the search; inside the last step
    the service level ``1 - C(c) exp(-(c mu - lam) t)`` (with :func:`erlang_c_continuous`)
    rises with ``c``, so bisection finds the smallest ``c`` to 1e-9. It is continuous in the
    demand and the rates: a small change in either moves it a little, never by a whole FTE.

    Examples
    --------
    >>> servers_for_target(lam=1.0, mu=1.0, t=0.0, target=0.5, max_utilization=0.9)
    2
    >>> round(fte_for_target(lam=1.0, mu=1.0, t=0.0, target=0.5, max_utilization=0.9), 3)  # C(1.75) = 0.5
    1.75
    >>> fte_for_target(lam=0.01, mu=40.0, t=0.2, target=0.8, max_utilization=0.85) < 0.2  # a sliver of a person
    True
    """
    whole = servers_for_target(lam, mu, t, target, max_utilization)
    if whole == 0:
        return 0.0
    load = lam / mu
    low = whole - 1
    # Inside [whole - 1, whole] Erlang C is linear between its two ends: compute them once.
    c_low = erlang_c(low, load) if low > 0 else 1.0
    c_high = erlang_c(whole, load)

    def meets(c: float) -> bool:
        if c <= load or load / c > max_utilization:
            return False
        theta = c - low
        erlang = (1.0 - theta) * c_low + theta * c_high
        return 1.0 - erlang * math.exp(-(c * mu - lam) * t) >= target

    lo, hi = float(low), float(whole)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if meets(mid):
            hi = mid
        else:
            lo = mid
        if hi - lo <= 1e-9 * max(1.0, hi):
            break
    return hi
