"""The Python API in one import, for notebooks and scripts (``docs/python-api.md``).

>>> from ecosim.api import simulate, value, Results   # doctest: +SKIP

* :func:`load_scenario` — a bundled scenario by name (``"baseline"``) or a TOML file, with
  ``--set``-style overrides (``["scenario.end_month=2030-12"]``).
* :func:`simulate` — run K members of a scenario; gives :class:`Results` (series of shape
  (months, members) with their units; :meth:`Results.to_frame` for pandas with a dated index).
* :func:`run_scenario` — what ``ecosim run`` computes (results, calibration checks,
  ``summary.json`` with the headline), without writing; :func:`write_run` writes it.
* :func:`value` — value a run in one call, as ``ecosim value`` does (entities, marks).
* :func:`equity_at_start` — each company's equity per member (SpaceX (+xAI), Tesla...), for experiments.
* :func:`read_run` — a run directory read back (``.results`` is a :class:`Results`).
* :class:`EcosimModel` — the Mesa model, to step month by month (:attr:`EcosimModel.date`,
  :meth:`EcosimModel.to_frame`).
"""

from __future__ import annotations

from ecosim.finance.gap import RunValue
from ecosim.finance.series_value import equity_at_start
from ecosim.metrics import METRICS
from ecosim.model import EcosimModel
from ecosim.results import Results, SavedRun, read_run
from ecosim.run import RunResult, run_scenario, value, write_run
from ecosim.scenario.loader import load_scenario
from ecosim.simulate import simulate

__all__ = [
    "METRICS",
    "EcosimModel",
    "Results",
    "RunResult",
    "RunValue",
    "SavedRun",
    "equity_at_start",
    "load_scenario",
    "read_run",
    "run_scenario",
    "simulate",
    "value",
    "write_run",
]
