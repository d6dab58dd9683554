"""Does Tesla's cash limit its capacity decisions? Print the figures docs/flywheel.md quotes.

Tesla's car and storage factories, Cybercab builds and Optimus builds and line growth each spend
at most the company's cash when the month opened over ``cash_deploy_months`` (``[tesla]``,
``[cybercab]``, ``[optimus]``; 4 months, an assumption). For ``history`` and each bundled future scenario this runs the
world as it is and with the limits lifted (every deploy months 0.001: the cash pays for anything)
and says whether the runs are identical series for series (the limit never binds); then it
tightens (future scenarios) the deploy months (the cash spread over 12, 24, 48 months) to show where the limit
starts to bind and what it moves: Tesla's value (``ecosim value``'s DCF, start of the first full
year), its deliveries and Optimus's robots in 2030 and 2040.

Run: ``.venv/bin/python scripts/tesla_cash_limits.py [SCENARIO ...]``
"""

from __future__ import annotations

import sys

import numpy as np

from ecosim.finance.series_value import equity_at_start
from ecosim.results import Results
from ecosim.scenario import load_scenario
from ecosim.simulate import simulate

SCENARIOS = ("history", "baseline", "musk_narrative", "skeptic")
#: the sections whose capacity decisions read Tesla's cash
SECTIONS = ("tesla", "cybercab", "optimus")
TIGHTER = (12.0, 24.0, 48.0)


def run(name: str, deploy_months: float | None) -> Results:
    """The scenario, every Tesla deploy months set to ``deploy_months`` (None: as it is)."""
    sets = [] if deploy_months is None else [f"{s}.cash_deploy_months={deploy_months}" for s in SECTIONS]
    return simulate(load_scenario(name, sets=sets))


def figures(r: Results) -> dict[str, float]:
    """Tesla's value [USD], deliveries [vehicles/yr] and Optimus's robots [robots] in 2030 and 2040."""
    out = {"tesla value $B": float(equity_at_start(r)["tesla"][0]) / 1e9}
    for y in (2030, 2040):
        rows = [i for i, m in enumerate(r.months) if m.startswith(str(y))]
        out[f"deliveries {y} M"] = float(np.asarray(r.series["tesla_deliveries"])[rows, 0].sum()) / 1e6
        out[f"Optimus robots {y} M"] = float(np.asarray(r.series["optimus_robots"])[rows[-1], 0]) / 1e6
    return out


def identical(a: Results, b: Results) -> bool:
    return all(np.array_equal(a.series[k], b.series[k], equal_nan=True) for k in a.series)


def main(names: list[str]) -> None:
    for name in names or SCENARIOS:
        base = run(name, None)
        lifted = run(name, 0.001)
        print(f"{name}: limits lifted -> {'identical (never binds)' if identical(base, lifted) else 'DIFFERENT (binds)'}")
        if not any(m.startswith("2040") for m in base.months):
            continue
        f0 = figures(base)
        print(f"  {'deploy months':>14} " + " ".join(f"{k:>20}" for k in f0) + f" {'value change $B':>16}")
        print(f"  {'as scenario':>14} " + " ".join(f"{v:20.3f}" for v in f0.values()) + f" {'':>20}")
        for m in TIGHTER:
            r = run(name, m)
            f = figures(r)
            change = f["tesla value $B"] - f0["tesla value $B"]
            tag = "" if not identical(base, r) else " (identical)"
            print(f"  {m:14.0f} " + " ".join(f"{v:20.3f}" for v in f.values()) + f" {change:16.3f}{tag}")


if __name__ == "__main__":
    main(sys.argv[1:])
