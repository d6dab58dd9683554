"""The figures of one run (``figures/*.png``): launches and cost per kg, compute by source,
data by source, Starlink and Kuiper, and the exchange network with this run's flows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd

from ecosim.report.compute_sources import COMPUTE_SOURCES
from ecosim.report.style import (
    COMMODITY_COLOURS,
    date_axis,
    finish,
    legend_outside,
    new_figure,
    to_dates,
    unit_axis,
)

#: matplotlib's line style for each dash a compute source names
_MPL_DASH = {"solid": "-", "dash": "--", "dashdot": "-."}


def _yearly(ts: pd.DataFrame, cols: list[str], how: str = "sum") -> pd.DataFrame:
    df = ts[["date", *cols]].copy()
    df["year"] = df["date"].str[:4].astype(int)
    g = df.groupby("year")[cols]
    return g.sum() if how == "sum" else g.last()


def launches_and_cost(ts: pd.DataFrame, path: Path) -> None:
    y = _yearly(ts, ["falcon_launches", "starship_launches", "new_glenn_launches"])
    cost = _yearly(ts, ["launch_cost_usd_per_kg"], how="last")
    fig, ax = new_figure()
    years = y.index.to_numpy()
    ax.bar(years - 0.27, y["falcon_launches"], width=0.27, label="Falcon 9/Heavy", color="#1f77b4")
    ax.bar(years, y["starship_launches"], width=0.27, label="Starship", color="#d62728")
    ax.bar(years + 0.27, y["new_glenn_launches"], width=0.27, label="New Glenn", color="#7f7f7f")
    unit_axis(ax, "launches", "launches/yr")
    ax.set_xlabel("year")
    ax2 = ax.twinx()
    ax2.plot(years, cost["launch_cost_usd_per_kg"], color="black", marker="o", label="SpaceX cost to LEO [USD/kg]")
    unit_axis(ax2, "cost to LEO", "USD/kg", log=True)
    ax2.spines["right"].set_visible(True)
    ax2.grid(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", bbox_to_anchor=(1.12, 1.0), frameon=False)
    ax.set_title("Launches and launch cost")
    finish(fig, str(path))


def _stacked(ax: Any, dates: pd.DatetimeIndex, series: list[tuple[str, pd.Series, str]], alpha: float) -> None:
    """Stacked areas of (label, series, colour) in order."""
    ax.stackplot(dates, *[s for _, s, _ in series], labels=[n for n, _, _ in series], colors=[c for _, _, c in series], alpha=alpha)


def compute_by_source(ts: pd.DataFrame, path: Path) -> None:
    """AI compute by source (:data:`~ecosim.report.compute_sources.COMPUTE_SOURCES`) as lines on
    a log axis (never stacked: a stack on a log axis hides the small series, here SpaceX's orbital
    compute, under the large one); a source whose metrics an older run lacks is left out."""
    d = to_dates(ts["date"])
    fig, ax = new_figure()
    drawn = []
    for src in COMPUTE_SOURCES:
        if all(m in ts for m in src.metrics):
            v = src.values(lambda m: ts[m].to_numpy())
            ax.plot(d, v, color=src.colour, lw=src.width, ls=_MPL_DASH[src.dash], label=src.label)
            drawn.append(v)
    unit_axis(ax, "compute", "EFLOP/s", log=True)
    positive = np.concatenate(drawn) if drawn else np.zeros(0)
    positive = positive[positive > 0]
    if positive.size:
        ax.set_ylim(max(float(positive.min()) / 2, 1e-3), float(positive.max()) * 2)
    ax.set_title("AI compute by source (log scale; a source at zero is not drawn)")
    date_axis(ax)
    legend_outside(ax)
    finish(fig, str(path))


def data_by_source(ts: pd.DataFrame, path: Path) -> None:
    d = to_dates(ts["date"])
    fig, ax = new_figure()
    series = [
        ("Tesla cars", ts["data_from_vehicles_pb"], "#1f77b4"),
        ("Cybercabs", ts["data_from_cybercab_pb"], "#17becf"),
        ("Optimus", ts["data_from_optimus_pb"], "#8c564b"),
        ("Starlink Earth observation", ts["data_from_satellites_pb"], "#ff7f0e"),
    ]
    _stacked(ax, d, series, 0.85)
    unit_axis(ax, "data reaching xAI", "PB/month")
    ax.set_title("Real-world data by source")
    date_axis(ax)
    legend_outside(ax)
    finish(fig, str(path))


def constellations(ts: pd.DataFrame, path: Path) -> None:
    d = to_dates(ts["date"])
    fig, ax = new_figure()
    ax.plot(d, ts["starlink_satellites"], color="#1f77b4", lw=2, label="Starlink satellites")
    ax.plot(d, ts["kuiper_satellites"], color="#ff7f0e", lw=2, label="Kuiper satellites")
    unit_axis(ax, "in orbit", "satellites", symlog=100)
    ax2 = ax.twinx()
    ax2.plot(d, ts["starlink_subscribers"], color="#1f77b4", ls="--", label="Starlink subscribers")
    ax2.plot(d, ts["kuiper_subscribers"], color="#ff7f0e", ls="--", label="Kuiper subscribers")
    unit_axis(ax2, "subscribers (dashed)", "subscribers")
    ax2.spines["right"].set_visible(True)
    ax2.grid(False)
    date_axis(ax)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", bbox_to_anchor=(1.12, 1.0), frameon=False)
    ax.set_title("Broadband constellations")
    finish(fig, str(path))


#: layout columns of the network picture (left to right: supply, builders, operators, demand)
LAYERS = (
    ("capital_market", "grid_us", "grid_china", "tsmc", "terafab"),
    ("spacex_launch", "new_glenn", "legacy_launch"),
    ("orbital_dc", "google_planet", "starcloud", "terrestrial_dc", "openai_dc", "anthropic_dc", "google_dc", "cloud", "anthropic_cloud"),
    ("starlink", "kuiper", "xai", "openai", "anthropic", "google"),
    ("tesla_fleet", "cybercab", "optimus", "market"),
)


def network_positions(g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Fixed columns of actors (PV suppliers in the first column)."""
    pos: dict[str, tuple[float, float]] = {}
    layers = [list(col) for col in LAYERS]
    layers[0] += [n for n, k in g.nodes(data="kind") if k == "pv_supplier"]
    for x, col in enumerate(layers):
        present = [n for n in col if n in g]
        for i, n in enumerate(present):
            pos[n] = (float(x), 1.0 - (i + 0.5) / max(len(present), 1))
    for n in g.nodes:
        pos.setdefault(n, (len(layers) + 0.0, 0.5))
    return pos


def network_figure(g: nx.MultiDiGraph, flows: dict[tuple[str, str, str], float], path: Path, title: str = "Exchange network") -> None:
    """Nodes per actor; an edge per trade link, coloured by commodity, width by this run's
    flow (relative to the largest flow of the same commodity); cut edges dashed."""
    pos = network_positions(g)
    fig, ax = new_figure(13, 8)
    by_commodity: dict[str, float] = {}
    for (_s, _b, c), v in flows.items():
        by_commodity[c] = max(by_commodity.get(c, 0.0), abs(v))
    for s, b, c, d in g.edges(keys=True, data=True):
        if c == "money":
            continue
        v = abs(flows.get((s, b, c), 0.0))
        rel = v / by_commodity[c] if by_commodity.get(c) else 0.0
        width = 0.4 + 5.0 * np.sqrt(rel)
        style = "solid" if d["enabled"] else "dashed"
        alpha = 0.85 if (v > 0 or not d["enabled"]) else 0.15
        nx.draw_networkx_edges(
            g, pos, edgelist=[(s, b)], ax=ax, width=width, edge_color=COMMODITY_COLOURS.get(c, "grey"),
            style=style, alpha=alpha, arrows=True, arrowsize=8, connectionstyle="arc3,rad=0.08", node_size=900,
        )
    companies = sorted({c for _, c in g.nodes(data="company")})
    palette = plt.get_cmap("tab20")
    colour = {c: palette(i % 20) for i, c in enumerate(companies)}
    nx.draw_networkx_nodes(g, pos, ax=ax, node_size=900, node_color=[colour[g.nodes[n]["company"]] for n in g.nodes], edgecolors="black", linewidths=0.6)
    nx.draw_networkx_labels(g, pos, ax=ax, font_size=7)
    for c, col in COMMODITY_COLOURS.items():
        if c in by_commodity or c == "capability":
            ax.plot([], [], color=col, lw=3, label=c)
    ax.plot([], [], color="black", lw=1, ls="dashed", label="cut edge")
    ax.set_axis_off()
    ax.set_title(title + " (edge width: this run's flow, per commodity)")
    legend_outside(ax)
    finish(fig, str(path))


def run_flows(ledger: pd.DataFrame) -> dict[tuple[str, str, str], float]:
    """Total quantity per (seller, buyer, commodity) over a run's ledger (member 0)."""
    if ledger.empty:
        return {}
    goods = ledger[(ledger["commodity"] != "money") & (ledger["member"] == 0)]
    total = goods.groupby(["from", "to", "commodity"])["quantity"].sum()
    return {(str(k[0]), str(k[1]), str(k[2])): float(v) for k, v in total.items()}  # type: ignore[index]


def write_run_figures(ts: pd.DataFrame, ledger: pd.DataFrame, graph: nx.MultiDiGraph, folder: Path) -> list[Path]:
    """Every figure of a run into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, fn in (
        ("launches_and_cost.png", launches_and_cost),
        ("compute_by_source.png", compute_by_source),
        ("data_by_source.png", data_by_source),
        ("starlink.png", constellations),
    ):
        fn(ts, folder / name)
        out.append(folder / name)
    network_figure(graph, run_flows(ledger), folder / "network.png")
    out.append(folder / "network.png")
    return out


def odc_sweep_figure(result: Any, path: Path, scenario_name: str) -> Path:
    """Cost per W of delivered IT power against the launch cost, both sides, as a PNG
    (``result``: an :class:`ecosim.odc.OdcCostResult` with its sweep)."""
    assert result.sweep is not None
    x = np.asarray(result.sweep["launch_cost_usd_per_kg"])
    fig, ax = new_figure()
    ax.plot(x, result.sweep["orbital_usd_per_w"], color="#D55E00", lw=2, label="orbital")
    ax.plot(x, result.sweep["terrestrial_usd_per_w"], color="#0072B2", lw=2, label="terrestrial")
    be = result.comparison.as_dict()["breakeven_launch_usd_per_kg"]
    if np.isfinite(be) and be > 0:
        ax.axvline(be, color="grey", ls="--", label=f"break-even {be:,.0f} USD/kg")
    ax.axvline(result.comparison.as_dict()["launch_cost_usd_per_kg"], color="black", ls=":", label=f"launch paid by the builder in {result.month}")
    ax.set_xscale("log")
    ax.set_xlabel("launch cost to LEO [USD/kg] (log)")
    ax.set_ylabel("lifetime cost per W of delivered IT power [USD/W]")
    ax.set_title(f"Orbital vs terrestrial compute — {scenario_name}, {result.month}")
    legend_outside(ax)
    finish(fig, str(path))
    return path
