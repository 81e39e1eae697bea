"""Plain words for the terms the app uses: one definition each, for help texts and the sidebar glossary.

A sales leader in a workshop should not have to ask what "FTE", "pp" or "P10" means. Every page that
shows such a term can put :func:`define` in the widget's help, and the sidebar lists them all.
"""

from __future__ import annotations

import streamlit as st

from salesops.ui.text import md

__all__ = ["GLOSSARY", "define", "render"]

GLOSSARY: dict[str, str] = {
    "FTE": "Full-time equivalent: one person's full working time. 0.5 FTE is half of one person's week, "
    "so a small role can be a share of a generalist's time.",
    "pp": "Percentage points: the difference between two percentages. ROI going from 78% to 68% is -10 pp.",
    "ROI": "Return on investment: what sales ops adds a year (extra gross margin and control value) less what "
    "it costs, divided by what it costs. 100% means it returns its cost twice over.",
    "Net value": "What sales ops adds a year less what it costs, in dollars. Advice ranks by it, because a "
    "ratio such as ROI favours the cheapest design.",
    "NPV": "Net present value: every month's net return over the three years, discounted to today at the "
    "scenario's discount rate.",
    "Payback": "Months from the start until the money sales ops has returned passes what it has cost, with "
    "hiring, ramp and one-off costs included.",
    "P10 / P50 / P90": "From the simulation: 1 run in 10 comes out below P10, half below P50 (the median), "
    "9 in 10 below P90. P10 to P90 holds 8 runs in 10.",
    "Draws": "How many what-ifs the simulation runs, each with every uncertain assumption picked at random "
    "from its range. More draws give steadier figures and take longer.",
    "Seed": "The starting number of the random picks. The same seed gives the same figures, so a result "
    "can be shown again.",
    "Triangular range": "How the simulation picks a value: anywhere between low and high, most often near "
    "the likely value.",
    "Single-point figure": "The figure with every assumption at its likely value, as the other pages show it "
    "(also called deterministic).",
    "Elasticity": "How strongly sales follow selling time: 1 means 10% more selling time gives 10% more "
    "sales; 0.5 means about 5% more.",
    "Utilisation (busy)": "The share of a team's time spent on requests. Teams are sized to stay at or below "
    "the highest utilisation (85% by default), so that requests do not queue for long.",
    "Service level": "The share of requests picked up within the role's target time (80% by default).",
    "Hub": "A role's central team, serving every region from one place (at HQ unless moved).",
    "Embedded team": "Sales-ops staff who sit in a region and serve it alone (a localized role).",
    "Hybrid": "The hub takes the standard work and embedded staff in each region take the local work.",
    "Standard process": "One way of working for a role across its teams: it speeds the work and keeps "
    "control (pricing, forecasts, data, plans), at some effort for teams in the regions.",
    "Control value": "What one central way of working is worth a year: discounts kept to policy, one "
    "forecast method, clean CRM data, territories and pay set one way.",
    "Selling conversion": "The share of the hours sales ops gives back that reps spend selling.",
    "Peak week": "A week of heavy demand: quarter-end for the deal desk and analytics, the planning season "
    "for planning.",
    "Hiring lag": "Months from the decision until new sales-ops staff start: nothing is spent or gained before.",
}


def define(term: str) -> str:
    """The definition of ``term`` (a key of :data:`GLOSSARY`), for a widget's help text.

    >>> define("pp").startswith("Percentage points")
    True
    """
    return GLOSSARY[term]


def render() -> None:
    """Every term and its definition, as one markdown list (the sidebar's "Words used here")."""
    st.markdown("\n".join(f"- **{md(term)}**: {md(text)}" for term, text in GLOSSARY.items()))
