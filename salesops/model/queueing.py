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
