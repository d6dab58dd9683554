"""How the valuation's terminal value depends on the run's last years: print the tables.

The ``normalised`` terminal value (``ecosim/data/valuation.toml [terminal]``) is built on the
NOPAT margin of the run's last ``capital_market.terminal_normalise_yr`` years (5; the Monte Carlo samples 3-8) (:func:`ecosim.finance.valuation.normalised_nopat`).
This prints, for a scenario (default ``baseline``):

1. every entity that ``ecosim value`` values, its equity value at the start of the run's first
   full year with the terminal NOPAT margin of the last 1 (the last year alone), 3, 5, 7 and 10
   years, Gordon and exit beside them (the point run, booked from its ledger as ``ecosim value``
   books it);
2. SpaceX+xAI's value (and SpaceX alone's, and their difference: what xAI adds net of trade
   between the two) against the AI pool's growth half-life (``ai_market.growth_half_life_yr``)
   and the normalisation years: one simulation with one member per half-life (common random
   numbers, so members differ only in the half-life), each valued as ``ecosim value`` values a
   run (:func:`ecosim.finance.series_value.equity_at_start`; the series value equals the
   ledger's);
3. with ``--ends``, the same headline for runs that end later (the run's horizon).

Run: ``.venv/bin/python scripts/terminal_sweep.py [SCENARIO] [--half-lives 2,2.5,...]
[--years 1,3,5,7,10] [--ends 2040-12,2045-12] [--markdown]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ecosim.finance.gap import book_entity, entity_specs
from ecosim.finance.series_value import company_equity
from ecosim.finance.valuation import (
    Assumptions,
    assumptions_for,
    member_assumptions,
    value_cash_flows,
)
from ecosim.results import Results
from ecosim.run import run_scenario
from ecosim.scenario import load_scenario
from ecosim.simulate import simulate
from ecosim.timeline import full_years

HALF_LIVES = (2.0, 2.5, 3.0, 3.4, 4.0, 5.0, 6.0, 1000.0)
YEARS = (1, 3, 5, 7, 10)
FIELD = "ai_market.growth_half_life_yr"


def usd(x: float) -> str:
    return f"-${-x / 1e9:,.1f}B" if x < 0 else f"${x / 1e9:,.1f}B"


def table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])
    w = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{n}}}" for i, n in enumerate(w))
    return "\n".join([fmt.format(*header)] + [fmt.format(*r) for r in rows])


def entities_by_years(name: str, years: tuple[int, ...], markdown: bool) -> str:
    """Table 1: each entity of the point run against the normalisation years, Gordon and exit."""
    run = run_scenario(name).saved()
    a = assumptions_for(run.scenario.model.capital_market, run.results.cost_of_capital)
    rows = []
    for spec in entity_specs():
        b = book_entity(run, spec, a)
        v = b.valuation
        cash = v.cash
        values = [float(value_cash_flows(b.flows, v.assumptions.replace(normalise_years=n), cash).equity_value[0]) for n in years]
        other = [float(value_cash_flows(b.flows, v.assumptions.replace(terminal=m), cash).equity_value[0]) for m in ("gordon", "exit")]
        rows.append([spec.label, *(usd(x) for x in values), *(usd(x) for x in other)])
    head = ["entity", *(f"normalised, {n} yr" + (" (default)" if n == a.normalise_years else "") for n in years), "gordon", "exit"]
    return table(head, rows, markdown)


def half_life_values(name: str, half_lives: tuple[float, ...], years: tuple[int, ...], end: str | None = None) -> tuple[Results, dict[int, dict[str, np.ndarray]]]:
    """One simulation with a member per half-life; each company's equity at the start of the run's
    first full year, per normalisation years [USD] (years -> company -> (members,))."""
    scenario = load_scenario(name, sets=[f"scenario.end_month={end}"] if end else [])
    r = simulate(scenario, members=len(half_lives), member_values={FIELD: np.asarray(half_lives, dtype=float)}, common_random_numbers=True)
    base = member_assumptions(r.scenario.model.capital_market, r.cost_of_capital)
    row = r.months.index(f"{full_years(r.months)[0]}-01")
    out = {}
    for n in years:
        per: list[Assumptions | None] = [None if a is None else a.replace(normalise_years=n) for a in base]
        eq = company_equity(r.series, r.months, per, r.cash_start)
        out[n] = {c: np.asarray(eq[c][row], dtype=float) for c in ("spacex", "spacex_alone")}
    return r, out


def label(h: float) -> str:
    return "no fade" if h >= 1000 else f"{h:g} yr"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("scenario", nargs="?", default="baseline")
    p.add_argument("--half-lives", default=",".join(f"{h:g}" for h in HALF_LIVES), help="AI pool growth half-lives [yr] (1000: no fade)")
    p.add_argument("--years", default=",".join(str(n) for n in YEARS), help="normalisation years of the terminal NOPAT margin")
    p.add_argument("--ends", default="", help="also value runs that end at these months (YYYY-MM, comma-separated)")
    p.add_argument("--markdown", action="store_true", help="Markdown tables")
    args = p.parse_args()
    half_lives = tuple(float(x) for x in args.half_lives.split(","))
    years = tuple(int(x) for x in args.years.split(","))
    t0 = time.perf_counter()

    print(f"1. {args.scenario}: equity value at the start of the run's first full year by terminal method (normalised over the last N years' NOPAT margin)\n")
    print(entities_by_years(args.scenario, years, args.markdown))

    r, values = half_life_values(args.scenario, half_lives, years)
    default = int(member_assumptions(r.scenario.model.capital_market, r.cost_of_capital)[0].normalise_years)  # type: ignore[union-attr]
    print(f"\n2. {args.scenario}: SpaceX+xAI's equity value against {FIELD} ({len(half_lives)} members of one simulation, common random numbers) and the normalisation years\n")
    head = ["half-life", *(f"SpaceX+xAI, {n} yr" for n in years), f"SpaceX alone, {default} yr", f"difference, {default} yr"]
    rows = []
    for k, h in enumerate(half_lives):
        sx = values.get(default, values[years[0]])
        rows.append([label(h), *(usd(float(values[n]["spacex"][k])) for n in years), usd(float(sx["spacex_alone"][k])), usd(float(sx["spacex"][k] - sx["spacex_alone"][k]))])
    spread = ["max - min", *(usd(float(np.ptp(values[n]["spacex"]))) for n in years), "", ""]
    print(table(head, [*rows, spread], args.markdown))

    for end in [e for e in args.ends.split(",") if e]:
        _, v = half_life_values(args.scenario, half_lives, (default,), end)
        print(f"\n3. {args.scenario} run to {end}: SpaceX+xAI's equity value against {FIELD} ({default} yr)\n")
        print(table(["half-life", "SpaceX+xAI", "SpaceX alone"], [[label(h), usd(float(v[default]["spacex"][k])), usd(float(v[default]["spacex_alone"][k]))] for k, h in enumerate(half_lives)], args.markdown))
    print(f"\n({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
