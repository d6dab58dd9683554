"""Analysis of a stored experiment: Sobol' and Morris tables and figures from a small real run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecosim.analysis.experiment import summarise
from ecosim.experiments import ExperimentStore, load_experiment, run_experiment
from ecosim.report.experiment_report import write_experiment_analysis
from ecosim.results.store import ManifestOutcome

SMALL = """
[experiment]
name = "small_{sampler}"
description = "small sensitivity test"
scenario = "baseline"
sampler = "{sampler}"
size = {size}
seed = 5
chunk_size = 64

[constants]
"scenario.end_month" = "2027-12"

[uncertainties."ai_market.revenue_usd_per_yr_max"]
distribution = "uniform"
low = 0.3e12
high = 2.0e12
source = "assumption: test range"

[uncertainties."launch.starship.cost_per_flight_usd_floor"]
distribution = "uniform"
low = 5e6
high = 25e6
source = "assumption: test range"

[outcomes.xai_revenue_2027_usd]
metric = "xai_revenue_usd"
year = 2027
direction = "maximize"
"""


@pytest.mark.parametrize(("sampler", "size", "table", "key"), [("sobol", 8, "sobol", "ST"), ("morris", 4, "morris", "mu_star")])
@pytest.mark.slow
def test_sensitivity_tables_and_figures(tmp_path: Path, sampler: str, size: int, table: str, key: str) -> None:
    """A sobol (morris) experiment writes its index table, CSV copy and one figure per outcome; the AI market dominates xAI's revenue."""
    exp = tmp_path / "exp.toml"
    exp.write_text(SMALL.format(sampler=sampler, size=size), encoding="utf-8")
    run_experiment(load_experiment(exp), tmp_path / "s", workers=1)
    store = ExperimentStore(tmp_path / "s")
    res, _ = write_experiment_analysis(store)
    df = pd.read_parquet(tmp_path / "s" / "analysis" / f"{table}.parquet")
    assert (tmp_path / "s" / "analysis" / f"{table}.csv").is_file()
    assert (tmp_path / "s" / "figures" / f"{table}_xai_revenue_2027_usd.png").is_file()
    assert set(df["input"]) == {"ai_market_revenue_usd_per_yr_max", "starship_cost_per_flight_usd_floor"}
    top = df.sort_values(key, ascending=False).iloc[0]
    assert top["input"] == "ai_market_revenue_usd_per_yr_max" and np.isfinite(top[key])
    assert (res.sobol if sampler == "sobol" else res.morris) is not None
    q = store.query(f"SELECT count(*) AS n FROM {table}")
    assert int(q["n"].iloc[0]) == 2


def test_summary_percentiles_by_lever() -> None:
    """Summaries are per outcome (and lever setting), over successful runs only, with hand-checkable percentiles."""
    df = pd.DataFrame({
        "status": ["ok"] * 4 + ["failed"],
        "lever_setting": [0, 0, 1, 1, 1],
        "v": [1.0, 3.0, 10.0, 20.0, 999.0],
    })
    out = summarise(df, [ManifestOutcome("v", "m", "last", None, None, None, None, "info", "x", "")], by="lever_setting")
    assert out["mean"].tolist() == [2.0, 15.0] and out["runs"].tolist() == [2.0, 2.0]
    assert out["p50"].tolist() == [2.0, 15.0] and out["max"].tolist() == [3.0, 20.0]
