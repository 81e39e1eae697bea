"""Number formatting shared by the pages and the command line."""

from __future__ import annotations

__all__ = ["fmt_usd", "fmt_pct", "fmt_months", "fmt_ratio"]


def fmt_usd(value: float, digits: int = 1) -> str:
    """Compact dollars.

    Examples
    --------
    >>> fmt_usd(1_234_567), fmt_usd(-52_300), fmt_usd(950)
    ('$1.2M', '-$52.3K', '$950')
    """
    sign = "-" if value < 0 else ""
    v = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if v >= limit:
            return f"{sign}${v / limit:,.{digits}f}{suffix}"
    return f"{sign}${v:,.0f}"


def fmt_pct(value: float, digits: int = 0) -> str:
    """A share as a percentage.

    >>> fmt_pct(1.398), fmt_pct(0.3217, 1)
    ('140%', '32.2%')
    """
    return f"{value * 100:,.{digits}f}%"


def fmt_months(value: float | None) -> str:
    """Payback months, or 'never' when the investment does not pay back.

    >>> fmt_months(3.96), fmt_months(None)
    ('4.0', 'never')
    """
    return "never" if value is None else f"{value:,.1f}"


def fmt_ratio(value: float | None) -> str:
    """A 'N : 1' ratio.

    >>> fmt_ratio(10), fmt_ratio(None)
    ('10.0 : 1', 'n/a')
    """
    return "n/a" if value is None else f"{value:,.1f} : 1"
