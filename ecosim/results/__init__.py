"""The results layer: what a simulation gives back (:class:`Results`), run directories and the
experiment store, read back as typed objects. Imports nothing above :mod:`ecosim.scenario`
(economics and physics at most), so everything that reads results can do so without the model.
"""

from ecosim.results.results import AgentInfo, CostOfCapital, Results
from ecosim.results.rundir import RunSummary, SavedRun, read_run

__all__ = ["AgentInfo", "CostOfCapital", "Results", "RunSummary", "SavedRun", "read_run"]
