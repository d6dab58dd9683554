"""``ecosim odc-cost``: orbital versus terrestrial cost per W for a scenario, itemised.

Inputs are the scenario's ``[orbital_dc]``, ``[terrestrial_dc]`` and ``[ai_hardware]``
sections and its WACC (``[capital_market]``). When ``orbital_dc.launch_cost_usd_per_kg`` is
unset, the launch price is the year's average of SpaceX's internal cost per kg on its
learning curve in a run of the scenario (``--year``, default the scenario's first year).
The accelerator price is ``[ai_hardware]``'s trend at mid-year (0 compares the power and
cooling infrastructure alone); the interconnection wait is ``terrestrial_dc``'s stated delay.
The arithmetic is :func:`ecosim.economics.odc_cost.compare_costs`, the same the orbital
data-center agents use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ecosim.economics.odc_cost import (
    ORBITAL_ITEMS,
    TERRESTRIAL_ITEMS,
    CostComparison,
    compare_costs,
    site_of,
)
from ecosim.errors import UsageError
from ecosim.physics.compute import accelerator_usd_per_w
from ecosim.results.results import CostOfCapital
from ecosim.scenario.loader import LoadedScenario
from ecosim.scenario.params import params_of
from ecosim.simulate import simulate
from ecosim.timeline import parse_month, year_of


@dataclass
class OdcCostResult:
    comparison: CostComparison
    year: int
    launch_source: str
    wacc: float
    ai_hardware_usd_per_w: float
    sweep: dict[str, list[float]] | None = None

    def as_dict(self) -> dict[str, Any]:
        out = self.comparison.as_dict()
        out.update(
            {
                "year": self.year,
                "launch_cost_source": self.launch_source,
                "wacc": self.wacc,
                "ai_hardware_usd_per_w": self.ai_hardware_usd_per_w,
                "orbital_items_usd_per_w": {k: v / (out["capacity_gw"] * 1e9) for k, v in out["orbital_items_usd"].items()},
                "terrestrial_items_usd_per_w": {k: v / (out["capacity_gw"] * 1e9) for k, v in out["terrestrial_items_usd"].items()},
            }
        )
        if self.sweep is not None:
            out["sweep"] = self.sweep
        return out


def parse_sweep(text: str) -> tuple[str, np.ndarray]:
    """``launch_cost_usd_per_kg=START:STOP:STEP`` -> values START, START+STEP, ... <= STOP.

    >>> name, v = parse_sweep("launch_cost_usd_per_kg=20:3000:50")
    >>> name, float(v[0]), float(v[-1]), len(v)
    ('launch_cost_usd_per_kg', 20.0, 2970.0, 60)
    """
    field, sep, rng = text.partition("=")
    if field.strip() != "launch_cost_usd_per_kg" or not sep:
        raise UsageError(f"--sweep {text}: expected launch_cost_usd_per_kg=START:STOP:STEP (only the launch price can be swept)")
    try:
        start, stop, step = (float(x) for x in rng.split(":"))
    except ValueError:
        raise UsageError(f"--sweep {text}: expected three numbers START:STOP:STEP (got {rng!r})") from None
    if not (start > 0 and stop > start and step > 0):
        raise UsageError(f"--sweep {text}: must have 0 < START < STOP and STEP > 0 (got {start:g}:{stop:g}:{step:g})")
    values = np.arange(start, stop + step * 1e-9, step)
    if len(values) > 100_000:
        raise UsageError(f"--sweep {text}: must give at most 100000 points (got {len(values)})")
    return "launch_cost_usd_per_kg", values


def run_launch_price(loaded: LoadedScenario, year: int) -> float:
    """Average SpaceX cost per kg in ``year`` in a run of the scenario up to that year's end [USD/kg]."""
    _check_year(loaded, year)
    results = simulate(loaded, until=f"{year}-12")
    costs = results.series["launch_cost_usd_per_kg"][:, 0]
    return float(np.mean([c for c, d in zip(costs, results.months, strict=True) if d.startswith(str(year))]))


def _check_year(loaded: LoadedScenario, year: int) -> None:
    meta = loaded.model.scenario
    first, last = year_of(parse_month(meta.start_month)), year_of(parse_month(meta.end_month))
    if not first <= year <= last:
        raise UsageError(f"--year {year}: must be within the scenario's years {first}-{last} (got {year})")


def odc_cost(loaded: LoadedScenario, year: int | None = None, sweep: str | None = None) -> OdcCostResult:
    """The itemised comparison for a scenario (and, with ``sweep``, its curves)."""
    sc = loaded.model
    y = year if year is not None else year_of(parse_month(sc.scenario.start_month))
    if sc.orbital_dc.launch_cost_usd_per_kg is not None:
        if year is not None:
            _check_year(loaded, year)
        price = float(sc.orbital_dc.launch_cost_usd_per_kg)
        source = "orbital_dc.launch_cost_usd_per_kg"
    else:
        price = run_launch_price(loaded, y)
        source = f"SpaceX learning curve in the run, {y} average"
    P = params_of(sc)
    wacc = float(CostOfCapital.of(P.capital_market).wacc[0])
    hw = P.ai_hardware
    ai = float(accelerator_usd_per_w(hw.usd_per_w, hw.usd_per_w_change_frac_per_yr, hw.reference_month, y * 12 + 6))
    cmp = compare_costs(P.orbital_dc, site_of(P.terrestrial_dc), ai_hardware_usd_per_w=ai, launch_usd_per_kg=price, wacc=wacc, array_cost_frac=P.orbital_dc.array_cost_frac)
    result = OdcCostResult(cmp, y, source, wacc, ai)
    if sweep is not None:
        _, values = parse_sweep(sweep)
        curve = compare_costs(P.orbital_dc, site_of(P.terrestrial_dc), ai_hardware_usd_per_w=ai, launch_usd_per_kg=values, wacc=wacc, array_cost_frac=P.orbital_dc.array_cost_frac)
        result.sweep = {
            "launch_cost_usd_per_kg": values.tolist(),
            "orbital_usd_per_w": np.broadcast_to(curve.orbital_usd_per_w, values.shape).tolist(),
            "terrestrial_usd_per_w": np.broadcast_to(curve.terrestrial_usd_per_w, values.shape).tolist(),
        }
    return result


__all__ = ["ORBITAL_ITEMS", "TERRESTRIAL_ITEMS", "OdcCostResult", "odc_cost", "parse_sweep"]
