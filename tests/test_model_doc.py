"""The worked examples of docs/MODEL.md sections 6b and 17b, reproduced from the model.

If a figure here changes, the document says something the model no longer does: update both.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from salesops.model import evaluate
from salesops.model.optimize import optimize, win_odds
from salesops.model.queueing import erlang_c_continuous, fte_for_target, servers_for_target
from salesops.model.samples import load_sample, synthetic

# The words of the document with its line breaks as single spaces.
DOC = " ".join((Path(__file__).resolve().parent.parent / "docs" / "MODEL.md").read_text(encoding="utf-8").split())


def _in_doc(text: str) -> None:
    assert text in DOC, f"docs/MODEL.md no longer says {text!r}"


def test_fractional_staffing_example():
    startup = load_sample("startup")
    a = startup.assumptions
    role = startup.plan("deal_desk").role
    lam = role.demand_per_rep_week * 25
    mu = role.service_rate_per_fte_week * (1 + role.standardization_gain)
    t = role.target_answer_hours / a.ops_hours_per_week
    assert (lam, mu, t) == pytest.approx((11.25, 36.0, 0.1))
    assert servers_for_target(lam, mu, t, a.service_level_target, a.max_utilization) == 1
    c = fte_for_target(lam, mu, t, a.service_level_target, a.max_utilization)
    _in_doc(f"`c = {c:.3f}` FTE")
    _in_doc(f"`C({c:.3f}, A) = {erlang_c_continuous(c, lam / mu):.3f}`")
    res = evaluate(startup)
    whole = evaluate(replace(startup, staffing="integer", model_version=2))
    _in_doc(f"need {res.sales_ops_fte:.2f} FTE in all ({whole.sales_ops_fte:.0f} whole people before)")
    _in_doc(f"ROI at the defaults is {res.roi:.1%} ({whole.roi:.1%} with")
    one = evaluate(synthetic(1, 1))
    assert 1.0 < one.sales_ops_fte < 1.3
    _in_doc(f"A one-rep, one-region org needs {one.sales_ops_fte:.2f} FTE over its six roles")
    pooled = evaluate(replace(synthetic(1, 1), generalists=True))
    with_generalists = evaluate(replace(startup, generalists=True))
    shared = with_generalists.sales_ops_fte
    one_rep = pooled.sales_ops_fte
    _in_doc(
        f"The one-rep org then needs {one_rep:.2f} FTE and the startup {shared:.2f} ({res.sales_ops_fte:.2f} without)"
    )


def _usd(value: float) -> str:
    return f"${value:,.0f}".replace("$-", "-$")


def test_optimizer_example():
    scenario = load_sample("midmarket")
    rec = optimize(scenario)
    assert rec.method == "exhaustive" and rec.space == 729
    _in_doc(f"net value now {_usd(rec.current_value)} a year")
    assert rec.changes == [("enablement", "localized", "centralized")]
    _in_doc(f"{_usd(rec.best_value)} (+{_usd(rec.gain)})")
    assert rec.runner_up.differences(rec.best) == [("enablement", "centralized", "hybrid")]
    _in_doc(f"is {_usd(rec.margin)} behind")
    odds = win_odds(scenario, rec, draws=2_000, seed=0)
    _in_doc(
        f"beats the runner-up in {odds.p_beats_runner_up:.0%} of draws and the current design in "
        f"{odds.p_beats_current:.0%}"
    )
    _in_doc(f"from {_usd(odds.margin_p10)} (P10) to {_usd(odds.margin_p90)} (P90)")


def test_the_document_names_the_model_version_and_the_legacy_test():
    _in_doc("open as model version 2 with exactly the figures they had")
    _in_doc("`tests/test_legacy.py`")


def test_the_model_4_section_states_what_it_changes_on_the_samples():
    new = {n: evaluate(load_sample(n)) for n in ("startup", "midmarket", "enterprise")}
    old = {
        n: evaluate(replace(load_sample(n), model_version=3).with_assumptions(productivity_elasticity=0.7)) for n in new
    }
    _in_doc("ROI " + " / ".join(f"{new[n].roi:.0%}" for n in new) + " (startup / mid-market / enterprise)")
    _in_doc("instead of " + " / ".join(f"{old[n].roi:.0%}" for n in old))
    _in_doc("payback " + " / ".join(f"{new[n].payback_months:.1f}" for n in new) + " months instead of")
    _in_doc(" / ".join(f"{old[n].payback_months:.1f}" for n in old))


def _num(value) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"


def test_the_defaults_tables_are_the_data_files():
    """Section 16's tables say what data/assumptions.json and data/roles.json hold, row by row."""
    import json
    from dataclasses import fields

    from salesops.model.parts import Assumptions
    from salesops.model.paths import DATA_DIR

    text = (Path(__file__).resolve().parent.parent / "docs" / "MODEL.md").read_text(encoding="utf-8")
    info = json.loads((DATA_DIR / "assumptions.json").read_text())["assumptions"]
    for f in fields(Assumptions):
        m = info[f.name]
        row = (
            f"| `{f.name}` | {_num(m['default'])} | {_num(m['low'])} | {_num(m['high'])} | {m['unit'] or '-'} | "
            f"{m['firmness']} | {m['source']} |"
        )
        assert row in text, f.name
    roles = json.loads((DATA_DIR / "roles.json").read_text())
    for name, source in roles["sources"].items():
        assert f"| `{name}` | {source} |" in text, name
        cells = [(_num(r[name]) if not isinstance(r[name], str) else r[name] or "-") for r in roles["roles"]]
        if name != "functions":
            assert f"| `{name}` | " + " | ".join(cells) + " |" in text, name


def test_the_worked_example_of_section_17_is_model_2_and_its_model_4_table_is_today():
    old = replace(load_sample("midmarket"), staffing="integer", model_version=2)
    old = old.with_assumptions(productivity_elasticity=0.7)
    shipped = evaluate(old)
    assert (shipped.sales_ops_fte, shipped.sales_ops_cost_usd) == (12.0, 1_810_000.0)
    assert (round(shipped.roi, 2), round(shipped.roi_3yr, 2), round(shipped.payback_months, 2)) == (1.42, 1.25, 3.91)
    _in_doc(f"| Gross-margin uplift (USD/year) | {shipped.gross_margin_uplift_usd:,.0f} |")
    ftes = [evaluate(old.with_placement("all", p)).sales_ops_fte for p in ("centralized", "localized", "hybrid")]
    _in_doc("| Sales-ops FTE | 12 | " + " | ".join(f"{f:.0f}" for f in ftes) + " |")
    mid = load_sample("midmarket")
    now = [evaluate(mid)] + [evaluate(mid.with_placement("all", p)) for p in ("centralized", "localized", "hybrid")]
    _in_doc("| Net value (USD/year) | " + " | ".join(f"{r.net_value_usd:,.0f}" for r in now) + " |")
    _in_doc("| Control value (USD/year) | " + " | ".join(f"{r.control_value_usd:,.0f}" for r in now) + " |")
    _in_doc("| Payback (months) | " + " | ".join(f"{r.payback_months:.1f}" for r in now) + " |")
