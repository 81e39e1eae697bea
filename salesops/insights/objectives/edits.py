"""Objectives from the rows of an edited table, checked all at once (the Objectives page's editor)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Mapping, Sequence

import pandas as pd

from salesops.model.plan_items import KPIS, Objective, PlanItemError
from salesops.insights.objectives.parsing import _NUMBER, _Rejected, resolve_kpi


class ObjectivesRejected(_Rejected):
    """Edited objectives that cannot be applied; ``problems`` name the row and field of each."""


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        if value is pd.NaT or pd.isna(value) is True:
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(value, str) and not value.strip()


def _row_number(value: Any, where: str, problems: list[str]) -> float | None:
    if _blank(value):
        problems.append(f"{where} is empty; give a number")
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not _NUMBER.match(text):
            problems.append(f"{where}: {value!r} is not a number")
            return None
        value = float(text)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            problems.append(f"{where}: {value!r} is not a number")
            return None
    if not math.isfinite(value):
        problems.append(f"{where}: {value!r} is not a finite number")
        return None
    return float(value)


def _iso_date(value: Any, where: str, problems: list[str]) -> str:
    if _blank(value):
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        problems.append(f"{where}: {text!r} is not a date YYYY-MM-DD")
        return ""


def objectives_from_rows(
    rows: Sequence[Mapping[str, Any]], current: Mapping[str, float] | None = None
) -> tuple[Objective, ...]:
    """Objectives from the rows of an edited table, checked all at once.

    Parameters
    ----------
    rows : sequence of mappings
        Each with ``id``, ``title``, ``kpi`` (id or label), ``baseline``,
        ``target``, ``owner`` and ``due`` (a date, ISO text or blank). Rows that
        are entirely blank are skipped.
    current : mapping of KPI id to value, optional
        The model's current values (:func:`kpi_values`): a blank baseline takes
        the current value of its KPI. Without it a blank baseline is a problem.

    Returns
    -------
    tuple of Objective
        In row order. A blank id becomes ``obj-<n>``, the first free number.

    Raises
    ------
    ObjectivesRejected
        Listing every problem as ``row <n>, field '<field>': ...`` (rows counted
        from 1 as the table shows them). Nothing is applied.

    Examples
    --------
    >>> objectives_from_rows([{"id": "o1", "kpi": "roi", "baseline": 1.4, "target": 1.6}])[0].target
    1.6
    >>> objectives_from_rows([{"id": "o1", "kpi": "roi", "baseline": 1.4, "target": None}])
    Traceback (most recent call last):
    ...
    salesops.insights.objectives.edits.ObjectivesRejected: row 1, field 'target' is empty; give a number
    """
    problems: list[str] = []
    fields = ("id", "title", "kpi", "baseline", "target", "owner", "due")
    kept = [(i, r) for i, r in enumerate(rows, start=1) if not all(_blank(r.get(f)) for f in fields)]
    used = {str(r.get("id")).strip() for _, r in kept if not _blank(r.get("id"))}
    seen: dict[str, int] = {}
    out = []
    counter = 1
    for n, row in kept:
        before = len(problems)
        where = f"row {n}, field"
        if _blank(row.get("id")):
            while f"obj-{counter}" in used:
                counter += 1
            oid = f"obj-{counter}"
            used.add(oid)
        else:
            oid = str(row.get("id")).strip()
            if oid in seen:
                problems.append(f"{where} 'id': {oid!r} is already used in row {seen[oid]}")
            elif len(oid) > 60:
                problems.append(f"{where} 'id' is longer than 60 characters")
        seen.setdefault(oid, n)
        kpi = resolve_kpi(row.get("kpi"))
        if _blank(row.get("kpi")):
            problems.append(f"{where} 'kpi' is empty; choose one of {', '.join(KPIS)}")
        elif kpi is None:
            problems.append(f"{where} 'kpi': unknown KPI {row.get('kpi')!r}; KPIs: {', '.join(KPIS)}")
        if (
            _blank(row.get("baseline"))
            and current is not None
            and kpi is not None
            and math.isfinite(current.get(kpi, math.nan))
        ):
            baseline = float(current[kpi])
        else:
            baseline = _row_number(row.get("baseline"), f"{where} 'baseline'", problems)
        target = _row_number(row.get("target"), f"{where} 'target'", problems)
        due = _iso_date(row.get("due"), f"{where} 'due'", problems)
        texts = {}
        for name in ("title", "owner"):
            value = row.get(name)
            texts[name] = "" if _blank(value) else str(value).strip()
            if len(texts[name]) > 200:
                problems.append(f"{where} '{name}' is longer than 200 characters")
        if len(problems) > before:
            continue
        try:
            out.append(
                Objective(
                    id=oid,
                    kpi=kpi,
                    baseline=baseline,
                    target=target,
                    owner=texts["owner"],
                    due=due,
                    title=texts["title"],
                )
            )
        except PlanItemError as exc:  # a range the checks above do not cover (|value| > 1e12)
            problems.append(f"row {n}: {exc}")
    if problems:
        raise ObjectivesRejected(problems)
    return tuple(out)
