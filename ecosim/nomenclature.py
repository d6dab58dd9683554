"""The glossary ``docs/nomenclature.md``: the terms and units people meet on the page and in the
reports, and every scenario field, metric and commodity with its meaning and unit, rendered from
the schema and the metric table so the two cannot disagree.

:data:`TERMS` and :data:`UNITS` are also the browser view's tooltips (``ecosim.viz.glossary``).

Regenerate with ``python -m ecosim.nomenclature > docs/nomenclature.md`` (a test checks it).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ecosim.exchange.topology import COMMODITY_UNITS, SIGNALS
from ecosim.metrics import METRICS
from ecosim.scenario.loader import _field_type, _list_item_type
from ecosim.scenario.schema import (
    CEILINGS,
    FIRST_MONTH,
    LAST_MONTH,
    MAX_TEXT_CHARS,
    Scenario,
    _month,
    ceiling,
    has_lower_bound,
)

SUFFIXES = """\
Names carry their unit: `_t` tonnes, `_kg`, `_usd`, `_w`/`_mw`/`_gw` watts, `_gbps`/`_tbps`,
`_pb`/`_tb` bytes, `_eflops` EFLOP/s, `_h100e` H100-equivalents, `_yr`/`_months`/`_days`,
`_per_yr` and `_per_month` rates, `_pct` percent (read by the code as `_frac`, the value / 100), `_frac` a fraction 0..1, `_ratio` a
dimensionless ratio, `_index` an index (1 = a stated reference), `_month` a month `YYYY-MM`,
`_initial` the value in January 2020 (the history scenario's start), `_max`/`_floor` bounds."""


#: Terms of the page and the reports: term -> what it means (one or two sentences).
TERMS: dict[str, str] = {
    "flywheel": "The loop under test: cars, robots and satellites collect data that trains xAI's models; Starship launches Starlink satellites and solar-powered orbital data centers; orbital compute feeds AI training; revenue pays for more launches.",
    "narrative mark": "The price the story puts on a company (SpaceX+xAI's, for instance), from ecosim/data/valuation_marks.csv, moved by the capital market with revenue. It is the market's claim under test, not the model's forecast of value.",
    "perfect foresight": "A value computed from the whole run's cash flows, including months not yet shown: the run is deterministic, so it is the very path being watched, known in advance.",
    "DCF": "Discounted cash flow: the yearly after-tax free cash flows of the run discounted at the WACC, plus a terminal value and cash (as `ecosim value` computes it).",
    "run-rate value": "What the cash flows so far alone support: the trailing-12-month after-tax free cash flow as a growing perpetuity, FCF (1 - t)(1 + g) / (WACC - g). Negative while a company invests more than it earns.",
    "FCF": "Free cash flow: operating cash flow minus capital spending [USD].",
    "WACC": "Weighted average cost of capital: the discount rate of the valuation (CAPM cost of equity with Hamada's levered beta, after-tax cost of debt) [%/yr].",
    "terminal growth": "The perpetual growth rate of cash flows after the last year of the run [%/yr].",
    "trailing 12 months": "The total of the last 12 months: a monthly flow read as a rate per year (the first months of a run annualised).",
    "log axis": "An axis where each step multiplies by 10: equal distances are equal ratios, so small and large series share a chart. Zero cannot be drawn on it.",
    "LEO": "Low Earth orbit, where Starlink satellites and orbital data centers fly; launch costs are quoted per kg delivered there.",
    "ODC": "Orbital data center: solar-powered AI compute in orbit (SpaceX's, Google's Suncatcher, Starcloud).",
    "H100e": "H100-equivalents: AI accelerators counted as the compute of one Nvidia H100.",
    "EFLOP/s": "Exa floating-point operations per second (10^18 per second): AI compute capacity.",
    "capability index": "xAI's model capability from its scaling law in compute and data (1 = the stated reference model).",
    "Earth observation": "Imagery and sensing data Starlink satellites send xAI.",
    "Suncatcher": "Google's (with Planet) project of solar-powered AI satellites.",
    "Starcloud": "A start-up building orbital data centers.",
    "Kuiper": "Amazon's broadband constellation, Starlink's rival.",
    "New Glenn": "Blue Origin's heavy reusable rocket.",
    "Cybercab": "Tesla's robotaxi.",
    "Optimus": "Tesla's humanoid robot: labour hours and interaction data.",
    "cost to LEO": "What a kg to low Earth orbit costs SpaceX (vehicle, propellant, operations) [USD/kg].",
    "price to LEO": "What outside customers pay SpaceX per kg to low Earth orbit [USD/kg].",
    "reference run": "A second run drawn faintly (a ghost) behind every chart: the scenario as loaded, before any lever moved or link was cut, or another bundled scenario.",
    "ghost": "The reference run's line: dotted and faint, over the whole run.",
    "cut link": "An edge of the exchange network switched off ([exchange] disable): nothing flows on it.",
    "goods edge": "A trade link of the exchange network: a seller's goods cleared each month and booked in the ledger.",
    "signal edge": "A link that carries what one actor publishes and another reads the next month (prices, capacities, targets); no goods move on it.",
    "binding constraint": "The limit that stops a build in a month (demand, launch, PV, chips, power, capital, ...).",
    "scorecard": "The claims of the seed documents (ecosim/data/claims.toml, seed:line), each tested on the run: come true on time, late, never, or still open.",
    "lever": "A scenario field the page lets you move, within the range the schema marks for it.",
    "seed": "The seed of the model's random generator: same scenario and seed, same run.",
}

#: Units of the page and the reports: unit -> what it means.
UNITS: dict[str, str] = {
    "USD": "US dollars (nominal)",
    "USD/yr": "US dollars per year",
    "USD/month": "US dollars per month",
    "USD/kg": "US dollars per kilogram to low Earth orbit",
    "USD/W": "US dollars per watt of capacity",
    "USD/MWh": "US dollars per megawatt-hour of electricity",
    "EFLOP/s": "exa floating-point operations per second (10^18/s)",
    "H100e": "H100-equivalent accelerators",
    "PB": "petabytes (10^15 bytes)",
    "PB/month": "petabytes per month",
    "Tbps": "terabits per second",
    "GW": "gigawatts (10^9 W)",
    "GW/yr": "gigawatts per year",
    "MW": "megawatts (10^6 W)",
    "MW/month": "megawatts per month",
    "W/kg": "watts per kilogram launched",
    "t": "tonnes (1,000 kg)",
    "t/month": "tonnes per month",
    "launches/yr": "launches per year (trailing 12 months)",
    "launches/month": "launches per month",
    "satellites": "working satellites in orbit",
    "subscribers": "broadband subscribers",
    "count": "a number of things",
    "count/yr": "a number per year",
    "count/month": "a number per month",
    "vehicles/month": "vehicles built per month",
    "%": "percent",
    "%/yr": "percent per year",
    "frac": "a fraction from 0 to 1",
    "ratio": "a dimensionless ratio",
    "index": "an index (1 = a stated reference)",
    "yr": "years",
    "h": "hours (of robot labour)",
    "flights": "flights of a booster or ship",
    "days": "days",
    "-": "no unit",
}



def bounds_text(info: Any) -> str:
    """The bounds of a field as the glossary shows them: ``> 0, ≤ 1e+06 ᶜ`` (ᶜ: the ceiling of
    its unit, from :data:`ecosim.scenario.schema.CEILINGS`), ``1950-01 … 2200-12`` for months,
    ``≤ 2,000 chars`` for text."""
    if any(getattr(m, "func", None) is _month for m in info.metadata):
        return f"{FIRST_MONTH} … {LAST_MONTH}"
    parts = []
    for m in info.metadata:
        for key, op in (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤")):
            if hasattr(m, key):
                parts.append(f"{op} {getattr(m, key):g}")
        if hasattr(m, "max_length") and m.max_length is not None:
            parts.append(f"≤ {m.max_length:,} chars")
    top = ceiling(info)
    if top is not None:
        if not has_lower_bound(info):
            parts.append(f"≥ {-top[0]:g} ᶜ")
        parts.append(f"≤ {top[0]:g} ᶜ")
    if info.annotation is str and not any("chars" in p for p in parts):
        parts.append(f"≤ {MAX_TEXT_CHARS:,} chars")
    return ", ".join(parts)


def _rows(model: type[BaseModel], prefix: str) -> list[tuple[str, str, str, str]]:
    out: list[tuple[str, str, str, str]] = []
    for name, info in model.model_fields.items():
        t = _field_type(info.annotation)
        item = _list_item_type(t)
        path = f"{prefix}{name}"
        extra: dict[str, Any] = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if isinstance(t, type) and issubclass(t, BaseModel):
            out += _rows(t, path + ".")
        elif isinstance(item, type) and issubclass(item, BaseModel):
            out.append((path + "[]", "list", "", info.description or ""))
            out += _rows(item, path + "[].")
        else:
            lever = extra.get("lever")
            doc = (info.description or "") + (f" (slider {lever[0]:g}–{lever[1]:g})" if lever else "")
            out.append((path, str(extra.get("unit", "")), bounds_text(info), doc))
    return out


def render() -> str:
    lines = ["# Nomenclature", "", "Generated by `python -m ecosim.nomenclature` from the scenario schema and the metric table.", "", SUFFIXES, ""]
    lines += ["## Terms (the browser view's tooltips)", "", "| term | meaning |", "|---|---|"]
    lines += [f"| {t} | {d} |" for t, d in TERMS.items()]
    lines += ["", "## Units", "", "| unit | meaning |", "|---|---|"]
    lines += [f"| `{u}` | {d} |" for u, d in UNITS.items()]
    lines += [""]
    lines += ["## Scenario fields", "", "Bounds: every number is finite (no NaN or infinity); ᶜ marks the ceiling of the field's unit (below).", ""]
    lines += ["| field | unit | bounds | meaning |", "|---|---|---|---|"]
    lines += [f"| `{p}` | {u} | {b} | {d} |" for p, u, b, d in _rows(Scenario, "")]
    lines += ["", "## Ceilings by unit", "", "A number without an upper bound of its own is held below the ceiling of its unit: far above any value a "
              "scenario means, far below what breaks arithmetic.", "", "| unit | ceiling | why |", "|---|--:|---|"]
    lines += [f"| {u} | {c:g} | {why} |" for u, (c, why) in CEILINGS.items()]
    lines += ["", "## Metrics (`timeseries.parquet`, monthly)", "", "| metric | unit | meaning |", "|---|---|---|"]
    lines += [f"| `{n}` | {m.unit} | {m.doc} |" for n, m in METRICS.items()]
    lines += ["", "## Commodities (goods edges of the exchange network, ledger)", "", "| name | unit |", "|---|---|"]
    lines += [f"| `{c}` | {u} |" for c, u in COMMODITY_UNITS.items()]
    lines += ["", "## Signals (signal edges: published by one actor, read by another the next month)", "", "| name | unit | meaning |", "|---|---|---|"]
    lines += [f"| `{c}` | {s.unit} | {s.doc} |" for c, s in SIGNALS.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
