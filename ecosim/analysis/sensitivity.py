"""Global sensitivity of experiment outcomes: Sobol' indices and Morris screening (SALib).

Both read a stored experiment (its unit-cube draws and outcomes), never the model. Inputs are
analysed on the unit scale the sampler drew them on: Sobol' indices do not change under the
monotone map from that scale to the input's distribution; Morris elementary effects are per
unit of that probability scale, so effects compare across inputs whatever their units.

``sobol_indices``   first-order S1 and total ST indices with bootstrap confidence intervals
                    (Saltelli 2010 estimators, ``SALib.analyze.sobol``) [1, 2]
``morris_indices``  mu, mu* (mean absolute elementary effect), sigma, with the bootstrap
                    confidence interval of mu* (``SALib.analyze.morris``) [3, 4]

Replications of a design point are averaged before the analysis (the indices then describe
the expected outcome; the seeds' own spread is reported by the outcome summary).

References
----------
[1] Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and
    their Monte Carlo estimates. Mathematics and Computers in Simulation 55.
[2] Saltelli et al. (2010). Variance based sensitivity analysis of model output. Computer
    Physics Communications 181(2).
[3] Morris, M. D. (1991). Factorial sampling plans for preliminary computational
    experiments. Technometrics 33(2).
[4] Campolongo, Cariboni and Saltelli (2007). An effective screening design for sensitivity
    analysis of large models. Environmental Modelling & Software 22(10).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

SOBOL_COLUMNS = ["lever_setting", "outcome", "input", "S1", "S1_conf", "ST", "ST_conf", "runs", "note"]
MORRIS_COLUMNS = ["lever_setting", "outcome", "input", "mu", "mu_star", "mu_star_conf", "sigma", "runs", "note"]


def _problem(inputs: list[str]) -> dict[str, object]:
    return {"num_vars": len(inputs), "names": list(inputs), "bounds": [[0.0, 1.0]] * len(inputs)}


def mean_by_draw(results: pd.DataFrame, outcome: str, n_draws: int) -> tuple[np.ndarray, int]:
    """Outcome per draw (replications averaged), NaN where a draw has no successful run;
    and the number of draws missing."""
    y = np.full(n_draws, np.nan)
    ok = results[results["status"] == "ok"] if "status" in results else results
    g = ok.groupby("draw")[outcome].mean()
    y[g.index.to_numpy(dtype=int)] = g.to_numpy(dtype=float)
    return y, int(np.isnan(y).sum())


def sobol_indices(y: np.ndarray, inputs: list[str], *, second_order: bool = False, seed: int = 0, conf_level: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """S1, ST (and S2) of outcome ``y`` in Saltelli order over ``inputs``.

    Returns the first/total table (input, S1, S1_conf, ST, ST_conf) and, with second order,
    the S2 table (input_a, input_b, S2, S2_conf).
    """
    from SALib.analyze import sobol

    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        res = sobol.analyze(_problem(inputs), np.asarray(y, dtype=float), calc_second_order=second_order, num_resamples=200, conf_level=conf_level, seed=seed)
    first = pd.DataFrame({"input": inputs, "S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"]})
    s2 = None
    if second_order:
        rows = []
        for a in range(len(inputs)):
            for b in range(a + 1, len(inputs)):
                rows.append({"input_a": inputs[a], "input_b": inputs[b], "S2": res["S2"][a, b], "S2_conf": res["S2_conf"][a, b]})
        s2 = pd.DataFrame(rows, columns=["input_a", "input_b", "S2", "S2_conf"])
    return first, s2


def morris_indices(x_unit: np.ndarray, y: np.ndarray, inputs: list[str], *, levels: int = 4, seed: int = 0, conf_level: float = 0.95) -> pd.DataFrame:
    """mu, mu*, its confidence interval and sigma of outcome ``y`` over Morris trajectories."""
    from SALib.analyze import morris

    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        res = morris.analyze(_problem(inputs), np.asarray(x_unit, dtype=float), np.asarray(y, dtype=float), num_resamples=200, conf_level=conf_level, num_levels=levels, seed=seed)
    return pd.DataFrame({"input": inputs, "mu": res["mu"], "mu_star": res["mu_star"], "mu_star_conf": res["mu_star_conf"], "sigma": res["sigma"]})
