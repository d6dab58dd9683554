"""The AI labs' forward world, year by year: what an analyst checks before trusting it.

For each scenario (history's 2024-2025, then baseline, musk_narrative and skeptic from 2026) and
each lab, per year: revenue, total and inference compute, owned and leased compute, the lease
price, capital spending and free cash flow of the lab with its data centers, and `ecosim value`'s
SpaceX+xAI headline; then the gates of tests/agents/test_labs_forward.py on baseline (revenue
never falls more than 25 % in a year unless compute or capability does; revenue per EFLOP/s of
inference within 3x across labs; leases never lapse to nothing while a lab wants compute; xAI's
2029 revenue beside its bankers' $14B).

    .venv/bin/python scripts/labs_forward_check.py [--scenarios baseline musk_narrative skeptic] [--out DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

LABS = {"xai": ("xai", "terrestrial_dc"), "openai": ("openai", "openai_dc"), "anthropic": ("anthropic", "anthropic_dc"), "google": ("google", "google_dc")}
#: xAI's bankers' 2029 revenue projection (Morgan Stanley investor materials via Bloomberg, June 2025; history.csv)
XAI_2029_PROJECTION_USD = 14e9


def yearly(run: Path) -> pd.DataFrame:
    """Per lab and year: revenue [USD], compute [EFLOP/s at year end], leased [EFLOP/s and GW],
    capex and FCF of the lab with its data centers [USD], the lease price [USD/(W yr)], capability."""
    ts = pd.read_parquet(run / "timeseries.parquet")
    ts["year"] = ts["date"].astype(str).str[:4].astype(int)
    ledger = pd.read_parquet(run / "ledger.parquet")
    ledger["year"] = ledger["date"].astype(str).str[:4].astype(int)
    rows = []
    for lab, agents in LABS.items():
        for year, g in ts.groupby("year"):
            end = g.iloc[-1]
            led = ledger[ledger["year"] == year]
            out = led[led["from"].isin(agents) & ~led["to"].isin(agents)]
            revenue = float(g[f"{lab}_revenue_usd"].sum()) + (float(g["x_revenue_usd"].sum()) if lab == "xai" else 0.0)
            capex = float(out[out["kind"] == "capex"]["usd"].sum())
            paid = float(out[out["kind"].isin(["capex", "opex"])]["usd"].sum())
            leased = float(end[f"{lab}_leased_eflops"]) if f"{lab}_leased_eflops" in end else 0.0
            rows.append({
                "lab": lab, "year": int(year), "revenue_usd": revenue, "model_revenue_usd": float(g[f"{lab}_revenue_usd"].sum()),
                "compute_eflops": float(end[f"{lab}_compute_eflops"]), "inference_eflops": float(end[f"{lab}_inference_eflops"]),
                "owned_eflops": float(end[f"{lab}_compute_eflops"]) - leased, "leased_eflops": leased,
                "leased_gw": float(end[f"{lab}_leased_gw"]) if f"{lab}_leased_gw" in end else 0.0,
                "lease_price_usd_per_w_yr": float(end["lease_price_usd_per_w_yr"]), "capex_usd": capex, "fcf_usd": revenue - paid,
                "capability_index": float(end[f"{lab}_capability_index"]),
            })
    return pd.DataFrame(rows)


def headline_usd(run: Path) -> float:
    """`ecosim value`'s SpaceX+xAI equity value of a saved run [USD]."""
    from ecosim.finance.gap import value_run
    from ecosim.results.rundir import read_run

    return value_run(read_run(run)).entities["spacex_xai"].equity_usd


def gates(y: pd.DataFrame) -> list[str]:
    """The forward-world gates on one scenario's years; each failure as a sentence."""
    bad = []
    y = y[y["year"] >= 2026]
    for lab, g in y.groupby("lab"):
        g = g.set_index("year").sort_index()
        for year in g.index[1:]:
            r0, r1 = g.loc[year - 1, "model_revenue_usd"], g.loc[year, "model_revenue_usd"]
            if r0 > 1e9 and r1 < 0.75 * r0:
                fell = min(g.loc[year, "compute_eflops"] / g.loc[year - 1, "compute_eflops"], g.loc[year, "capability_index"] / g.loc[year - 1, "capability_index"])
                if fell > 0.75:
                    bad.append(f"{lab} {year}: revenue fell {100 * (1 - r1 / r0):.0f} % while compute and capability held")
        if lab in ("xai", "openai"):
            wants = g["compute_eflops"] > 0
            lapsed = wants & (g["leased_eflops"] <= 0) & (g["leased_eflops"].shift(1) > 0)
            for year in g.index[lapsed]:
                bad.append(f"{lab} {year}: its leases lapsed to nothing while it wants compute")
    for year, g in y.groupby("year"):
        per = (g["model_revenue_usd"] / g["inference_eflops"]).replace([np.inf, -np.inf], np.nan).dropna()
        per = per[g.loc[per.index, "model_revenue_usd"] > 1e9]
        if len(per) > 1 and per.max() > 3.0 * per.min():
            bad.append(f"{year}: revenue per EFLOP/s of inference spans {per.max() / per.min():.1f}x across labs")
    return bad


def run(scenario: str, out: Path) -> Path:
    path = out / scenario
    subprocess.run([str(Path(sys.executable).parent / "ecosim"), "-q", "run", scenario, "--out", str(path), "--no-figures"], check=True, stdout=subprocess.DEVNULL)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", nargs="*", default=["baseline", "musk_narrative", "skeptic"])
    ap.add_argument("--out", type=Path, default=None, help="keep the runs here (default: a temporary directory)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        hist = yearly(run("history", out))
        hist = hist[hist["year"] >= 2024]
        pd.set_option("display.width", 250)
        for scenario in args.scenarios:
            path = run(scenario, out)
            y = pd.concat([hist, yearly(path)], ignore_index=True)
            print(f"\n== {scenario}: SpaceX+xAI headline (ecosim value) {headline_usd(path) / 1e9:,.0f} B USD")
            for lab, g in y.groupby("lab", sort=False):
                t = g.set_index("year")
                table = pd.DataFrame({
                    "revenue $B": t["revenue_usd"] / 1e9, "compute EF/s": t["compute_eflops"], "inference EF/s": t["inference_eflops"],
                    "owned EF/s": t["owned_eflops"], "leased EF/s": t["leased_eflops"], "leased GW": t["leased_gw"],
                    "lease $/W-yr": t["lease_price_usd_per_w_yr"], "capex $B": t["capex_usd"] / 1e9, "FCF $B": t["fcf_usd"] / 1e9,
                })
                print(f"-- {lab}" + (" (revenue with X's)" if lab == "xai" else ""))
                print(table.round(2).to_string())
            x29 = y[(y["lab"] == "xai") & (y["year"] == 2029)]["revenue_usd"]
            if len(x29):
                print(f"xAI 2029 revenue (with X's): {float(x29.iloc[0]) / 1e9:.1f} B USD beside its bankers' {XAI_2029_PROJECTION_USD / 1e9:.0f} B "
                      f"({float(x29.iloc[0]) / XAI_2029_PROJECTION_USD:.2f}x)")
            bad = gates(y)
            print("gates: " + ("all pass" if not bad else "; ".join(bad)))


if __name__ == "__main__":
    main()
