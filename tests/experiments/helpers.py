"""Experiment files shared by the experiment tests (short runs: baseline cut to 2026)."""

from __future__ import annotations

#: a valid experiment: 2 lever settings x 3 LHS draws x 2 seeds = 12 runs in chunks of 4
TINY = """
[experiment]
name = "tiny"
description = "tiny test experiment"
scenario = "baseline"
sampler = "lhs"
size = 3
seed = 11
replications = 2
chunk_size = 4

[constants]
"scenario.end_month" = "2026-12"

[uncertainties."launch.starship.cost_per_flight_usd_floor"]
distribution = "triangular"
low = 10e6
mode = 15e6
high = 25e6
source = "seed 002"

[uncertainties."capital_market.terminal_growth_pct"]
distribution = "uniform"
low = 2.0
high = 4.0
source = "assumption"

[levers."xai.compute_budget_frac"]
values = [0.5, 1.0]
source = "assumption"

[outcomes.spacex_fcf_2026_usd]
metric = "spacex_fcf_usd"
year = 2026
direction = "maximize"

[outcomes.spacex_value_2026_usd]
metric = "spacex_fcf_usd"
stat = "fundamental_value"
year = 2026
direction = "maximize"

[outcomes.launch_cost]
metric = "launch_cost_usd_per_kg"
stat = "series"
direction = "info"
"""
