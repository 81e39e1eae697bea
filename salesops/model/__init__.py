"""The model: Scenario, roles, queueing, evaluation, initiatives, uncertainty, what-ifs and samples.

May import only the standard library, numpy, pandas and networkx: nothing from the other layers.
``salesops.model`` itself re-exports :func:`evaluate` and :class:`Results` (``salesops.model.evaluation``).
"""

from salesops.model.evaluation import *  # noqa: F401,F403 (the evaluation API under its old name)
from salesops.model.evaluation import __all__  # noqa: F401
