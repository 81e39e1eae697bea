"""What the charts share: the colours, the registry of named charts and the spec builders.

Altair chart builders: Results (or an org graph) in, ``alt.Chart`` out.

Like altair's own API these functions draw nothing; the page decides where to
show the chart. Tests inspect ``chart.to_dict()``.

Each chart of the registry is a structure on named datasets (built and validated once
per process) plus a data function; :func:`chart_spec` joins the two.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import altair as alt
import pandas as pd

from salesops.model import Results

PLACEMENT_COLORS = {"central": "#1f5f99", "embedded": "#e07b39"}
KIND_COLORS = {
    "leader": "#3b3b58",
    "manager": "#5b8def",
    "rep": "#7cc48a",
    "sales_ops": "#e07b39",
    "other": "#9e9e9e",
}
_USD = "$,.0f"


def _records(df: pd.DataFrame) -> list[dict]:
    return df.to_dict(orient="records")


# Chart name -> (structure builder, data function); each subject module adds its own charts.
_CHARTS: dict[str, tuple[Callable[[], alt.TopLevelMixin], Callable]] = {}


@lru_cache(maxsize=None)
def _structure_spec(name: str) -> dict:
    return _CHARTS[name][0]().to_dict()


def chart_spec(name: str, data_source) -> dict:
    """The Vega-Lite spec of a named chart for one Results (or, for ``"whatif"``, a table).

    The structure is built and validated once per process; each call only adds the
    data, which keeps a rerun cheap. Pass the dict to ``st.vega_lite_chart``.
    """
    spec = dict(_structure_spec(name))
    spec["datasets"] = _CHARTS[name][1](data_source)
    return spec


@lru_cache(maxsize=256)
def results_spec(name: str, results: Results) -> dict:
    """:func:`chart_spec` memoised on the (immutable) Results: a toggle back is free.

    Callers must not mutate the returned dict.
    """
    return chart_spec(name, results)


def _chart(name: str, data_source) -> alt.TopLevelMixin:
    spec = chart_spec(name, data_source)
    cls = alt.LayerChart if "layer" in spec else alt.Chart
    return cls.from_dict(spec)


def _top_level(spec: dict) -> alt.TopLevelMixin:
    """The altair object of a top-level spec of any of the shapes used here (validates it)."""
    for key, cls in (
        ("facet", alt.FacetChart),
        ("layer", alt.LayerChart),
        ("vconcat", alt.VConcatChart),
        ("hconcat", alt.HConcatChart),
    ):
        if key in spec:
            return cls.from_dict(spec)
    return alt.Chart.from_dict(spec)
