"""Batch experiments: specs, samplers, fast ensembles on the member axis, runners, the store.

From Python (worker processes are spawned, so guard a script with ``if __name__ == "__main__"``)::

    from ecosim.experiments import load_experiment, run_experiment
    spec = load_experiment("monte_carlo_baseline")
    run = run_experiment(spec, "runs/monte_carlo_baseline", workers=2)

See ``docs/experiments.md`` for the file format, the store layout and running on a cluster.
"""

# Mesa first: its model module names its logger by walking the import stack (inspect.stack and
# getmodule over every loaded module), which costs ~0.4 s more per process once pandas, SciPy and
# NetworkX are loaded; every experiment worker process imports this package first
import mesa  # noqa: F401

from ecosim.experiments.experiment import ExperimentRun, run_experiment
from ecosim.experiments.samplers import Design, build_design
from ecosim.experiments.spec import ExperimentSpec, bundled_experiments, load_experiment
from ecosim.results.store import ExperimentStore

__all__ = [
    "Design",
    "ExperimentRun",
    "ExperimentSpec",
    "ExperimentStore",
    "build_design",
    "bundled_experiments",
    "load_experiment",
    "run_experiment",
]
