"""Sales-operations org design: org chart, centralized/localized model, ROI.

The package holds the domain logic of the app; nothing here imports streamlit
except :mod:`salesops.ui`.
"""

from salesops.model.scenario import Assumptions, Region, RolePlan, Scenario, ScenarioError
from salesops.model import Results, evaluate

__all__ = [
    "Assumptions",
    "Region",
    "RolePlan",
    "Results",
    "Scenario",
    "ScenarioError",
    "evaluate",
]
__version__ = "0.1.0"
