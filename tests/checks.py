"""Assertions shared by several test files."""

from __future__ import annotations

import math

NULLABLE = {"payback_months", "reps_per_sales_ops_fte", "reps_per_ops_fte", "roi"}  # roi: a design that costs nothing


def assert_all_finite(value, path: str = "results") -> None:
    """Every number reachable from ``value`` is finite; None only where allowed."""
    if value is None:
        assert path.rsplit(".", 1)[-1] in NULLABLE, f"{path} is None"
    elif isinstance(value, (bool, str)):
        return
    elif isinstance(value, (int, float)):
        assert math.isfinite(value), f"{path} = {value!r}"
    elif isinstance(value, dict):
        for k, v in value.items():
            assert_all_finite(v, f"{path}.{k}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            assert_all_finite(v, f"{path}[{i}]")
    else:
        raise AssertionError(f"{path}: unexpected {type(value).__name__}")
