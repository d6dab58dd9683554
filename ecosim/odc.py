"""``ecosim odc-cost``: orbital versus terrestrial cost per W for a scenario, itemised.

A year's figure is SpaceX's orbital data-center builder's own comparison in **December** of
that year (``--year``, default the scenario's first year), the month every command reads a
ratio, a cost or a price at (:mod:`ecosim.analysis.quantities`): the scenario is run to that
December and the comparison is itemised with exactly the inputs the builder read on the
network that month (last month's published values: SpaceX's transfer price per kg to its own builder (at cost), or
``orbital_dc.launch_cost_usd_per_kg`` when the scenario fixes it; the accelerator price per W;
the WACC; the terrestrial alternative's site). Its ratio is therefore the run's
``odc_cost_ratio`` of that December, the figure ``ecosim run`` and ``ecosim compare`` print.
The arithmetic is :func:`ecosim.economics.odc_cost.compare_costs`, the same the agents use.

*Cost* is what SpaceX spends per kg to orbit; *price* is what an outside customer pays: the
builder, inside SpaceX, pays the cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ecosim.analysis.quantities import QUANTITIES, year_value
from ecosim.economics.odc_cost import (
    CONVENTIONS,
    ORBITAL_ITEMS,
    TERRESTRIAL_ITEMS,
    CostComparison,
    Site,
    compare_costs,
)
from ecosim.errors import UsageError
from ecosim.results.results import Results
from ecosim.scenario.loader import LoadedScenario
from ecosim.scenario.params import bounds_of, params_of
from ecosim.simulate import simulate
from ecosim.timeline import parse_month, year_of


@dataclass
class OdcCostResult:
    """The itemised December comparison of a year, the inputs it used and the year's figures.

    ``launch_cost_usd_per_kg`` (in :meth:`as_dict`) is what the builder paid per kg that month
    (last month's published cost); ``year_figures`` holds the year's quantities as every
    command prints them (December values: the cost ratio, SpaceX's launch cost and price).
    """

    comparison: CostComparison
    year: int
    launch_source: str
    wacc: float
    ai_hardware_usd_per_w: float
    month: str = ""
    year_figures: dict[str, float] | None = None
    sweep: dict[str, list[float]] | None = None

    def as_dict(self) -> dict[str, Any]:
        out = self.comparison.as_dict()
        out.update(
            {
                "year": self.year,
                "month": self.month,
                "launch_cost_source": self.launch_source,
                "wacc": self.wacc,
                "ai_hardware_usd_per_w": self.ai_hardware_usd_per_w,
                "orbital_items_usd_per_w": {k: v / (out["capacity_gw"] * 1e9) for k, v in out["orbital_items_usd"].items()},
                "terrestrial_items_usd_per_w": {k: v / (out["capacity_gw"] * 1e9) for k, v in out["terrestrial_items_usd"].items()},
                "year_figures": dict(self.year_figures or {}),
            }
        )
        if self.sweep is not None:
            out["sweep"] = self.sweep
        return out


#: the most points of a --sweep (assumption: a figure 1,000 pixels wide shows no more than this)
MAX_SWEEP_POINTS = 10_000


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
    if not all(np.isfinite((start, stop, step))):
        raise UsageError(f"--sweep {text}: START, STOP and STEP must be finite numbers (got {start:g}:{stop:g}:{step:g})")
    if not (start > 0 and stop > start and step > 0):
        raise UsageError(f"--sweep {text}: must have 0 < START < STOP and STEP > 0 (got {start:g}:{stop:g}:{step:g})")
    top = bounds_of("orbital_dc.launch_cost_usd_per_kg")["le"]
    if stop > top:
        raise UsageError(f"--sweep {text}: STOP must be <= {top:g} USD/kg, the bound of orbital_dc.launch_cost_usd_per_kg (got {stop:g})")
    points = math.floor((stop - start) / step + 1e-9) + 1  # counted before anything is allocated
    if points > MAX_SWEEP_POINTS:
        raise UsageError(f"--sweep {text}: must give at most {MAX_SWEEP_POINTS:,} points (got {points:,}); use a larger STEP")
    values = np.arange(start, stop + step * 1e-9, step)
    return "launch_cost_usd_per_kg", values


def _check_year(loaded: LoadedScenario, year: int) -> None:
    meta = loaded.model.scenario
    first, last = year_of(parse_month(meta.start_month)), year_of(parse_month(meta.end_month))
    if not first <= year <= last:
        raise UsageError(f"--year {year}: must be within the scenario's years {first}-{last} (got {year})")


#: the signals SpaceX's orbital builder prices its comparison with, from its readers' side
BUILDER = "orbital_dc"


def _read(results: Results, sender: str, signal: str, row: int) -> float:
    return float(results.edge_flows[f"{sender}->{BUILDER}:{signal}"][row, 0])


def odc_cost(loaded: LoadedScenario, year: int | None = None, sweep: str | None = None, infrastructure_only: bool = False, convention: str | None = None) -> OdcCostResult:
    """The itemised December comparison of ``year`` for a scenario (and, with ``sweep``, its
    curves against the launch cost); ``infrastructure_only`` leaves the AI accelerators out of
    both sides (power, cooling, launch and facility alone, as most public calculators compare);
    ``convention`` names what cost per W counts (:data:`~ecosim.economics.odc_cost.CONVENTIONS`;
    default the builder's own, ``[orbital_dc] cost_convention``, levelised unless the scenario
    says otherwise): the inputs are the builder's that month whatever the convention; the world,
    which decides under the builder's own, is unchanged)."""
    sc = loaded.model
    world = str(sc.orbital_dc.cost_convention)
    convention = world if convention is None else convention
    if convention not in CONVENTIONS:
        raise UsageError(f"--convention {convention}: must be one of {', '.join(sorted(CONVENTIONS))} (got {convention!r})")
    conv = CONVENTIONS[convention]
    y = year if year is not None else year_of(parse_month(sc.scenario.start_month))
    _check_year(loaded, y)
    month = f"{y}-12"
    results = simulate(loaded, until=month, record_flows=True)
    row = results.months.index(month)
    odc = results.scenario.model.orbital_dc

    P = params_of(sc)
    site = Site(*(_read(results, "terrestrial_dc", k, row) for k in ("site_capex_usd_per_w", "site_facility_life_yr", "site_pue", "site_capacity_factor", "site_energy_usd_per_mwh", "site_delay_yr")))
    if odc.launch_cost_usd_per_kg is not None:
        launch = float(odc.launch_cost_usd_per_kg)
        source = "orbital_dc.launch_cost_usd_per_kg"
    else:
        launch = _read(results, "spacex_launch", "launch_price_usd_per_kg", row)
        source = (f"SpaceX's transfer price to its own orbital data centers as published in {results.months[row - 1] if row else 'the month before'}: "
                  "the recent cost per kg of the flights that carried its own payloads, plus cost not yet recovered (its learning curve in the run; "
                  "not the cheapest vehicle's cost per kg, the run's launch cost)")
    wacc = _read(results, "capital_market", "wacc", row)
    ai = 0.0 if infrastructure_only else _read(results, "tsmc", "accelerator_usd_per_w", row)
    cmp = compare_costs(P.orbital_dc, site, ai_hardware_usd_per_w=ai, launch_usd_per_kg=launch, wacc=wacc, array_cost_frac=P.orbital_dc.array_cost_frac, convention=conv)
    figures = {k: float(year_value(results.series, results.months, QUANTITIES[k], y)[0]) for k in ("odc_cost_ratio", "launch_cost", "launch_price")}
    if infrastructure_only or convention != world:
        key = "odc_cost_ratio" + ("_infrastructure_only" if infrastructure_only else "") + (f"_{convention}" if convention != world else "")
        figures[key] = float(cmp.ratio)
    result = OdcCostResult(cmp, y, source, wacc, ai, month, figures)
    if sweep is not None:
        _, values = parse_sweep(sweep)
        curve = compare_costs(P.orbital_dc, site, ai_hardware_usd_per_w=ai, launch_usd_per_kg=values, wacc=wacc, array_cost_frac=P.orbital_dc.array_cost_frac, convention=conv)
        result.sweep = {
            "launch_cost_usd_per_kg": values.tolist(),
            "orbital_usd_per_w": np.broadcast_to(curve.orbital_usd_per_w, values.shape).tolist(),
            "terrestrial_usd_per_w": np.broadcast_to(curve.terrestrial_usd_per_w, values.shape).tolist(),
        }
    return result


__all__ = ["ORBITAL_ITEMS", "TERRESTRIAL_ITEMS", "OdcCostResult", "odc_cost", "parse_sweep"]
