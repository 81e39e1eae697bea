""" "How is this computed?": each headline figure explained with the scenario's own numbers, no file paths."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

import pytest

from salesops.model import evaluate
from salesops.model.metrics import HEADLINE, METRIC, explain
from salesops.model.samples import load_sample
from salesops.ui.text import plain
from tests.apptest_support import app, goto, open_sections, warm_server  # noqa: F401  (autouse: temp database, warm server)

ROOT = Path(__file__).resolve().parent.parent
KEYS = [m.key for m in HEADLINE] + ["npv"]
PATH = re.compile(r"(docs/|data/|\.json\b|\.md\b)")


@pytest.mark.parametrize("name", ["startup", "midmarket", "enterprise"])
@pytest.mark.parametrize("key", KEYS)
def test_each_figure_is_explained_with_the_number_the_screen_shows(name, key):
    res = evaluate(load_sample(name))
    text = explain(key, res)
    assert METRIC[key].text(res.headline()[key]) in text
    assert not PATH.search(text)


def test_roi_shows_its_parts_and_a_design_that_costs_nothing_has_none():
    res = evaluate(load_sample("midmarket"))
    text = explain("roi", res)
    for part in (res.gross_margin_uplift_usd, res.sales_ops_cost_usd, res.revenue_usd, res.baseline_revenue_usd):
        assert METRIC["net_value"].text(part) in text
    mid = load_sample("midmarket")
    free = replace(mid, roles=tuple(replace(p, role=replace(p.role, cost_usd_per_year=0.0)) for p in mid.roles))
    assert "costs nothing, so there is no ROI to show (n/a)" in explain("roi", evaluate(free))


def test_the_roi_page_explains_every_headline_figure_in_place():
    at = open_sections(goto(app(), "pages/roi.py"), "roi:how")
    res = evaluate(at.session_state["scenario"])
    shown = [plain(m.value) for m in at.markdown]
    for key in KEYS:
        assert any(plain(explain(key, res)) in text for text in shown), key
    roi = next(m for m in at.metric if m.label == "ROI")
    assert "How it is computed:" in plain(roi.help) and plain(explain("roi", res)) in plain(roi.help)


def _shown_strings(path: Path) -> list[str]:
    """String constants of a page that are not docstrings (what the page can show)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}  # fmt: skip
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]  # fmt: skip


@pytest.mark.parametrize("page", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_no_page_sends_a_viewer_to_a_file_they_cannot_open(page):
    offending = [s for s in _shown_strings(page) if re.search(r"docs/\w+\.md|data/\w+\.json", s)]
    assert not offending, offending


def test_a_design_that_costs_nothing_shows_no_roi_everywhere(tmp_path, capsys):
    import json

    from salesops.cli import main

    mid = load_sample("midmarket")
    free = replace(mid, roles=tuple(replace(p, role=replace(p.role, cost_usd_per_year=0.0)) for p in mid.roles))
    free = free.with_assumptions(ops_recruiting_cost_usd=0.0)  # nothing to employ, nothing to recruit
    res = evaluate(free)
    assert res.headline()["roi"] is None and res.roi == 0.0 and res.payback_months == 0.0
    assert METRIC["roi"].text(res.headline()["roi"]) == "n/a (no cost)"
    path = tmp_path / "free.json"
    path.write_text(free.to_json(), encoding="utf-8")
    assert main(["evaluate", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["roi"] is None
    assert main(["evaluate", str(path)]) == 0
    assert "n/a (no cost)" in capsys.readouterr().out
