"""Audit of seed 002's valuation: recompute every figure from the report's own stated inputs.

Seed 002 ("SpaceX IPO in-depth research report (5)", Yunayun think tank, 2026-02-10) values
SpaceX with a three-stage DCF, comparables and precedent transactions, weights them, and
turns the result into an IPO share price. Its stated numbers, each with its line in the seed
and its original words, are in ``ecosim/data/seed002_valuation.toml``. :func:`audit`
recomputes each derived figure from the figures it is derived from and compares:

* **holds** — the recomputed value rounds to the stated one (to the precision stated) or is
  within 0.5 % of it;
* **mismatch** — it does not: the stated figure, the recomputed one and the difference are
  listed (largest relative difference first in :func:`headline`);
* **note** — a remark without a stated figure to compare (e.g. an inconsistency of method).

Checks that need the report's FCF for 2032-2034, which it does not give, interpolate them
geometrically between 2031 and 2035 and say so.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

SECTIONS = (
    "Cost of capital",
    "Free cash flow and DCF",
    "Scenarios",
    "Comparables",
    "Precedent transactions",
    "Weighted valuation and range",
    "Share price",
)


@dataclass(frozen=True)
class Figure:
    """A number the report states."""

    id: str
    value: float
    unit: str
    decimals: int
    line: int
    label: str
    quote: str


@lru_cache(maxsize=1)
def figures() -> dict[str, Figure]:
    """Every figure of ``ecosim/data/seed002_valuation.toml``."""
    data = tomllib.loads((resources.files("ecosim") / "data" / "seed002_valuation.toml").read_text(encoding="utf-8"))
    return {k: Figure(k, float(v["value"]), v["unit"], int(v["decimals"]), int(v["line"]), v["label"], v["quote"]) for k, v in data["figure"].items()}


def fmt(value: float, unit: str) -> str:
    """A figure in plain English units: 1e8 USD as billions of dollars, and so on.

    >>> fmt(2115.0, "1e8 USD"), fmt(105.75, "USD/share"), fmt(9.2, "%"), fmt(8.45, "x")
    ('$211.5B', '$105.75', '9.20%', '8.45x')
    """
    if unit == "1e8 USD":
        return f"${value / 10:,.2f}B" if abs(value) < 100 else f"${value / 10:,.1f}B"
    if unit == "1e8 shares":
        return f"{value / 10:,.2f}B shares"
    if unit == "1e8 people":
        return f"{value / 10:,.1f}B people"
    if unit == "%":
        return f"{value:,.2f}%"
    if unit == "x":
        return f"{value:,.2f}x"
    if unit == "USD/share":
        return f"${value:,.2f}"
    if unit == "USD/person":
        return f"${value:,.2f}/person"
    return f"{value:,.4g}"


@dataclass(frozen=True)
class Check:
    """One figure of the report against its recomputation from the report's own inputs."""

    section: str
    id: str
    label: str
    unit: str
    stated: float | None
    recomputed: float
    formula: str
    lines: tuple[int, ...]
    decimals: int = 2
    note: str = ""

    @property
    def difference(self) -> float | None:
        return None if self.stated is None else self.recomputed - self.stated

    @property
    def relative(self) -> float | None:
        """Recomputed over stated minus one [fraction]; None without a stated figure."""
        if self.stated is None or self.stated == 0:
            return None
        return self.recomputed / self.stated - 1.0

    @property
    def status(self) -> str:
        if self.stated is None:
            return "note"
        diff = abs(self.recomputed - self.stated)
        if diff <= 0.5 * 10.0 ** -self.decimals * (1 + 1e-9) or diff <= 0.005 * abs(self.stated):
            return "holds"
        return "mismatch"

    def as_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "id": self.id,
            "label": self.label,
            "unit": self.unit,
            "stated": self.stated,
            "recomputed": self.recomputed,
            "difference": self.difference,
            "relative_difference": self.relative,
            "status": self.status,
            "formula": self.formula,
            "lines": list(self.lines),
            "note": self.note,
            "stated_text": None if self.stated is None else fmt(self.stated, self.unit),
            "recomputed_text": fmt(self.recomputed, self.unit),
        }


def _dcf_path(F: dict[str, Figure]) -> tuple[list[float], list[float]]:
    """FCF 2026-2035 as the report gives it, 2032-2034 interpolated geometrically [1e8 USD]."""
    known = [F[f"fcf_{y}"].value for y in (2026, 2027, 2028, 2029, 2030, 2031)]
    a, b = F["fcf_2031"].value, F["fcf_2035"].value
    step = (b / a) ** 0.25
    fcf = known + [a * step**k for k in (1, 2, 3)] + [b]
    return fcf, [float(y) for y in range(2026, 2036)]


def _dcf_value(fcf: list[float], wacc: float, g: float) -> tuple[float, float, float, float]:
    """(PV 2026-2030, PV 2031-2035, PV of the Gordon value on 2035, total) at start 2026 [1e8 USD]."""
    d = [(1 + wacc) ** -(t + 1) for t in range(len(fcf))]
    pv1 = sum(f * x for f, x in zip(fcf[:5], d[:5], strict=True))
    pv2 = sum(f * x for f, x in zip(fcf[5:], d[5:], strict=True))
    tv = fcf[-1] * (1 + g) / (wacc - g) * d[-1]
    return pv1, pv2, tv, pv1 + pv2 + tv


def audit() -> list[Check]:
    """Every check of seed 002's valuation, in the report's order (see the module docstring)."""
    F = figures()
    v = {k: f.value for k, f in F.items()}
    checks: list[Check] = []

    def add(section: str, stated: str | None, recomputed: float, formula: str, *, label: str | None = None, unit: str | None = None,
            lines: tuple[int, ...] = (), note: str = "", id: str | None = None) -> None:
        f = F[stated] if stated is not None else None
        checks.append(
            Check(
                section=section,
                id=id or (stated or "note"),
                label=label or (f.label if f else ""),
                unit=unit or (f.unit if f else ""),
                stated=f.value if f else None,
                recomputed=float(recomputed),
                formula=formula,
                lines=tuple(sorted({*(lines or ()), *((f.line,) if f else ())})),
                decimals=f.decimals if f else 2,
                note=note,
            )
        )

    # ------------------------------------------------------------ cost of capital
    s = SECTIONS[0]
    t = v["tax_rate"] / 100
    dv = v["debt_to_capital"] / 100
    de = dv / (1 - dv)
    beta_mean = (v["beta_tesla"] + v["beta_boeing"] + v["beta_lockheed"]) / 3
    add(s, "beta_peer_mean", beta_mean, f"({v['beta_tesla']} + {v['beta_boeing']} + {v['beta_lockheed']}) / 3")
    beta_l = v["beta_unlevered"] * (1 + (1 - t) * de)
    add(s, "beta_levered", beta_l, f"{v['beta_unlevered']} × [1 + (1 − {t:.2f}) × 30/70] = {v['beta_unlevered']} × {1 + (1 - t) * de:.4f}",
        note=f"1.15 would need (1 − t) × D/E = {v['beta_levered'] / v['beta_unlevered'] - 1:.3f}, a debt/equity of {(v['beta_levered'] / v['beta_unlevered'] - 1) / (1 - t):.2f} instead of 30/70 = {de:.2f}")
    re_stated_beta = v["risk_free"] + v["beta_levered"] * v["market_risk_premium"]
    add(s, "cost_of_equity", re_stated_beta, f"{v['risk_free']}% + {v['beta_levered']} × {v['market_risk_premium']}% (with the stated beta)")
    re_true = v["risk_free"] + beta_l * v["market_risk_premium"]
    add(s, "cost_of_equity", re_true, f"{v['risk_free']}% + {beta_l:.4f} × {v['market_risk_premium']}% (with the beta recomputed above)",
        label="cost of equity with the levered beta its inputs give", id="cost_of_equity_recomputed_beta")
    w_stated_re = v["cost_of_equity"] * (1 - dv) + v["cost_of_debt"] * (1 - t) * dv
    add(s, "wacc", w_stated_re, f"{v['cost_of_equity']}% × 70% + {v['cost_of_debt']}% × (1 − 21%) × 30% = {v['cost_of_equity'] * 0.7:.4f}% + {v['cost_of_debt'] * (1 - t) * dv:.4f}%",
        note="the report's own formula with its own cost of equity gives 8.76 %, not 9.2 %")
    w_true = re_true * (1 - dv) + v["cost_of_debt"] * (1 - t) * dv
    add(s, "wacc", w_true, f"{re_true:.3f}% × 70% + {v['cost_of_debt']}% × (1 − 21%) × 30% (beta recomputed)",
        label="WACC from the stated inputs end to end (beta, cost of equity and WACC recomputed)", id="wacc_end_to_end",
        note="the two errors partly cancel: the true chain gives 9.75 %; ecosim's baseline uses these inputs (capital_market)")
    add(s, "terminal_growth", v["gdp_growth"] + v["space_premium"], f"{v['gdp_growth']}% + {v['space_premium']}%")

    # ------------------------------------------------------------ free cash flow and DCF
    s = SECTIONS[1]
    for y in (2026, 2027, 2028, 2029, 2030, 2031, 2035):
        add(s, f"fcf_{y}", v[f"nopat_{y}"] - v[f"capex_{y}"] - v[f"nwc_{y}"], f"NOPAT {v[f'nopat_{y}']} − capex {v[f'capex_{y}']} − Δ working capital {v[f'nwc_{y}']}",
            label=f"{y} FCF = after-tax operating profit − capex − increase in working capital")
    ratios = [v[f"nopat_{y}"] / v[f"ebitda_{y}"] for y in (2026, 2027, 2028, 2029, 2030, 2031, 2035)]
    add(s, None, 100 * (1 - sum(ratios) / len(ratios)), "1 − NOPAT / EBITDA, averaged over the table's years",
        label="tax the FCF table takes from EBITDA", unit="%", lines=tuple(range(332, 340)),
        note=f"NOPAT is {100 * min(ratios):.1f}–{100 * max(ratios):.1f} % of EBITDA in every year: EBITDA is taxed as if depreciation were zero although capex is "
        f"{fmt(v['capex_2026'], '1e8 USD')}–{fmt(v['capex_2035'], '1e8 USD')} a year, and FCF adds no depreciation back", id="fcf_tax_on_ebitda")
    add(s, "stage1_fcf_start", v["fcf_2026"], "the FCF table's 2026 FCF", note="the high-growth stage is said to start at 45, which is the table's 2027 FCF")
    add(s, "stage1_cagr", 100 * ((v["stage1_fcf_end"] / v["stage1_fcf_start"]) ** 0.25 - 1), f"({v['stage1_fcf_end']:.0f} / {v['stage1_fcf_start']:.0f})^(1/4) − 1, the stated end points")
    add(s, "stage1_cagr", 100 * ((v["fcf_2030"] / v["fcf_2026"]) ** 0.25 - 1), f"({v['fcf_2030']} / {v['fcf_2026']})^(1/4) − 1, the table's 2026 and 2030",
        label="high-growth stage FCF growth from the FCF table", id="stage1_cagr_table")
    add(s, "stage2_fcf_start", v["fcf_2031"], "the FCF table's 2031 FCF")
    add(s, "stage2_fcf_end", v["fcf_2035"], "the FCF table's 2035 FCF")
    add(s, "stage2_cagr", 100 * ((v["stage2_fcf_end"] / v["stage2_fcf_start"]) ** 0.25 - 1), f"({v['stage2_fcf_end']:.0f} / {v['stage2_fcf_start']:.0f})^(1/4) − 1: 2031 to 2035 is four years of growth",
        note=f"24 % is ({v['stage2_fcf_end']:.0f}/{v['stage2_fcf_start']:.0f})^(1/5) − 1, five years of growth for a four-year span")
    add(s, "fcf_2035_ch5", v["fcf_2035"], "the DCF table's 2035 FCF (line 339)", label="2035 FCF: chapter 5 forecast against chapter 6's DCF table")
    g, w = v["terminal_growth"] / 100, v["wacc"] / 100
    tv = v["fcf_2035"] * (1 + g) / (w - g)
    g_needed = (v["terminal_value"] * w - v["fcf_2035"]) / (v["fcf_2035"] + v["terminal_value"])
    add(s, "terminal_value", tv, f"{v['fcf_2035']} × (1 + 3.5%) / (9.2% − 3.5%) = {v['fcf_2035'] * (1 + g):.1f} / {w - g:.3f} — the report's own formula (line 341)",
        note=f"12,850 would need a 2035 FCF of {v['terminal_value'] * (w - g) / (1 + g):,.1f} or a growth of {100 * g_needed:.2f} %")
    d10 = (1 + w) ** 10
    add(s, "pvtv_base", v["terminal_value"] / d10, f"{v['terminal_value']:,.0f} / 1.092^10 (end of 2035 to the start of 2026)",
        note=f"with the terminal value its formula gives, {tv:,.1f} / 1.092^10 = {tv / d10:,.1f}")
    fcf, _ = _dcf_path(F)
    pv1, pv2, pvtv, total = _dcf_value(fcf, w, g)
    add(s, "pv1_base", pv1, "Σ FCF 2026–2030 / 1.092^t, t = 1..5: " + " + ".join(f"{x:.1f}" for x in fcf[:5]))
    add(s, "pv2_base", pv2, "Σ FCF 2031–2035 / 1.092^t, t = 6..10: " + " + ".join(f"{x:.1f}" for x in fcf[5:]),
        note="estimate: 2032–2034 are not given and are interpolated geometrically between 2031 and 2035")
    for case in ("bull", "base", "bear"):
        add(s, f"ev_{case}", v[f"pv1_{case}"] + v[f"pv2_{case}"] + v[f"pvtv_{case}"], f"{v[f'pv1_{case}']:,.0f} + {v[f'pv2_{case}']:,.0f} + {v[f'pvtv_{case}']:,.0f} (the stated parts)",
            label=f"{case} case: enterprise value = sum of its stated parts", id=f"ev_{case}_parts")
    add(s, "ev_base", total, f"{pv1:,.1f} + {pv2:,.1f} + {pvtv:,.1f}: the table's FCF at 9.2 % with the terminal value of its own formula",
        label="base-case value recomputed from the FCF table", id="ev_base_recomputed",
        note="estimate (2032–2034 interpolated); with the stated terminal value 12,850 it would be " f"{pv1 + pv2 + v['terminal_value'] / d10:,.0f}")
    up_w = _dcf_value(fcf, w + 0.01, g)[3]
    add(s, "sens_wacc", 100 * (up_w / total - 1), f"value at WACC 10.2 % / value at 9.2 % − 1 (FCF table, Gordon on 2035): {up_w:,.0f} / {total:,.0f}",
        note="estimate (2032–2034 interpolated)")
    up_g = _dcf_value(fcf, w, g + 0.005)[3]
    add(s, "sens_growth", 100 * (up_g / total - 1), f"value at g 4.0 % / value at 3.5 % − 1: {up_g:,.0f} / {total:,.0f}", note="estimate (2032–2034 interpolated)")

    # ------------------------------------------------------------ scenarios
    s = SECTIONS[2]
    add(s, "range_low", min(v["ev_bull"], v["ev_base"], v["ev_bear"]), "lowest scenario value (bear, line 378)")
    add(s, "range_high", max(v["ev_bull"], v["ev_base"], v["ev_bear"]), "highest scenario value (bull, line 376)")
    add(s, None, v["p_bull"] + v["p_base"] + v["p_bear"], "20% + 60% + 20%", label="scenario probabilities sum to 100 %", unit="%", lines=(380, 381, 382), id="probabilities_sum",
        note="they do: the weighting is well formed")
    add(s, "weighted_dcf", (v["ev_bull"] * v["p_bull"] + v["ev_base"] * v["p_base"] + v["ev_bear"] * v["p_bear"]) / 100, "2,855 × 20% + 2,100 × 60% + 1,500 × 20%")

    # ------------------------------------------------------------ comparables
    s = SECTIONS[3]
    for peer in ("rocketlab", "virgin", "planet"):
        add(s, f"ps_{peer}_adj", v[f"ps_{peer}"] + v[f"adj_{peer}"], f"{v[f'ps_{peer}']} {v[f'adj_{peer}']:+.1f}")
    adj_mean = (v["ps_rocketlab_adj"] + v["ps_virgin_adj"] + v["ps_planet_adj"]) / 3
    add(s, "ps_spacex_benchmark", adj_mean, "mean of the three adjusted peers (5.8 + 9.5 + 7.7) / 3", note="the benchmark 8.5x is not derived from the peer table")
    add(s, "ps_starlink", v["ps_tmobile"] + v["growth_premium_starlink"], f"T-Mobile {v['ps_tmobile']} + growth premium {v['growth_premium_starlink']}")
    sh_l, sh_s = v["rev_launch_2027"] / v["rev_2027"], v["rev_starlink_2027"] / v["rev_2027"]
    blend = sh_l * v["ps_ula"] + sh_s * v["ps_starlink"]
    sh_l25, sh_s25 = v["rev_launch_2025"] / v["rev_2025"], v["rev_starlink_2025"] / v["rev_2025"]
    need = (v["ps_blend"] - v["ps_ula"]) / (v["ps_starlink"] - v["ps_ula"])
    add(s, "ps_blend", blend, f"{100 * sh_l:.1f}% × 4.0 + {100 * sh_s:.1f}% × 8.5, the nearest stated revenue split (2027E, lines 133-135)",
        lines=(133, 134, 135), note=f"with 2025's split ({100 * sh_l25:.1f}%, {100 * sh_s25:.1f}%) it is {sh_l25 * 4.0 + sh_s25 * 8.5:.2f}x; 7.8x needs Starlink at {100 * need:.0f} % of revenue and launch at the rest")
    total_w = v["aws_rev_share"] * v["aws_ps"] + v["retail_rev_share"] * v["retail_ps"] + v["other_rev_share"] * v["other_ps"]
    for part in ("aws", "retail", "other"):
        add(s, f"{part}_contribution", 100 * v[f"{part}_rev_share"] * v[f"{part}_ps"] / total_w,
            f"{v[f'{part}_rev_share']:.0f}% × {v[f'{part}_ps']} / (17% × 8.0 + 75% × 1.2 + 8% × 3.0)")
    for part in ("starlink", "launch", "starship"):
        add(s, f"eco_val_{part}", v[f"eco_rev_{part}"] * v[f"eco_ps_{part}"], f"{v[f'eco_rev_{part}']:,.0f} × {v[f'eco_ps_{part}']}")
    add(s, "eco_rev_sum", v["eco_rev_starlink"] + v["eco_rev_launch"] + v["eco_rev_starship"], "650 + 120 + 85")
    add(s, "eco_val_sum", v["eco_val_starlink"] + v["eco_val_launch"] + v["eco_val_starship"], "6,500 + 600 + 1,275")
    add(s, "eco_val_total", v["eco_val_sum"] + v["eco_synergy"], "8,375 + 300 (synergy)")
    add(s, "eco_rev_total", v["eco_rev_sum"], "the revenue of the rows above it",
        note="the total row's 892 includes 37 of 'other' 2030 revenue (line 137) that no row values")
    add(s, None, v["eco_synergy"] / (v["eco_synergy_savings"] + v["eco_synergy_revenue"]), f"synergy 300 / yearly benefit ({v['eco_synergy_savings']} + {v['eco_synergy_revenue']})",
        label="years of undiscounted synergy benefit the 300 synergy premium stands for", unit="x", lines=(414, 416), id="synergy_years",
        note="the premium is 44 years of the stated benefits, undiscounted (one of them, earlier revenue, is not even a profit)")
    add(s, "eco_pv", v["eco_val_total"] / (1 + w) ** 5, "8,675 / 1.092^5")
    add(s, "eco_after_success", v["eco_pv"] * v["eco_success"] / 100, "5,580 × 70%")
    add(s, "eco_after_sentiment", v["eco_after_success"] * v["eco_sentiment"] / 100, "3,906 × 85%")
    add(s, "eco_midpoint", (v["eco_after_sentiment"] + v["ev_base"]) / 2, "(3,320 + 2,100) / 2, the midpoint with the DCF it cross-checks")
    add(s, "ps_base", (v["ps_base_tesla"] + v["ps_base_snowflake"]) / 2, "(8.0 + 7.5) / 2")
    add(s, "ps_final", v["ps_base"] + v["ps_growth_premium"] + v["ps_quality_premium"] + v["ps_risk_discount"], "7.8 + 0.5 + 0.7 − 0.5")
    add(s, "ps_revenue_2026", v["rev_2026"], "the FCF table's 2026 revenue (line 332)",
        note="328.5 is chapter 5's 2027 revenue (line 133); the same figure is used as 2027E revenue again on line 524")
    add(s, "ps_equity", v["ps_final"] * v["ps_revenue_2026"], "8.5 × 328.5")
    add(s, "ps_equity", v["ps_final"] * v["rev_2026"], "8.5 × 185.0, the FCF table's 2026 revenue", label="comparables value on the DCF's own 2026 revenue", id="ps_equity_on_2026_revenue")
    add(s, "net_debt", v["cash_2025"] - v["debt_2025"], "cash 125 − debt 110", note="a positive 15 is net cash, not net debt; the EV below treats it correctly")
    add(s, "ev_comparables", v["ps_equity"] - v["cash_2025"] + v["debt_2025"], "equity 2,792 − cash 125 + debt 110")
    add(s, "ev_revenue", v["ev_comparables"] / v["ps_revenue_2026"], "2,777 / 328.5")
    add(s, "ps_final", v["ipo_ps_avg"] * (1 + v["scarcity_premium"] / 100), "6.2 × (1 + 37%)", label="price/sales: 2024 tech-IPO average plus the scarcity premium", id="ps_scarcity")

    # ------------------------------------------------------------ precedent transactions
    s = SECTIONS[4]
    add(s, "oneweb_value", v["oneweb_ps"] * v["oneweb_revenue"], "28.3 × 1.2")
    add(s, "deal_ps_adj", v["oneweb_ps"] * (1 - v["geo_discount"] / 100) * (1 + v["launch_synergy"] / 100), "28.3 × (1 − 40%) × (1 + 30%)")
    add(s, "deal_ps_ipo", v["deal_ps_adj"] * (1 - v["ipo_discount"] / 100), "22.1 × (1 − 50%)")
    add(s, "spectrum_value", v["cband_price"] * v["people_covered"], "$0.85 × 3.0 B people = $2.55 B (25.5 × 1e8)",
        note="ten times too large: 0.85 × 30亿 is 25.5亿, not 255亿")
    add(s, "spectrum_starlink", v["spectrum_value"] * v["spectrum_share"] / 100, "255 × 60% (with the stated 255)",
        note=f"with the spectrum value its inputs give, {v['cband_price'] * v['people_covered'] * v['spectrum_share'] / 100:.2f}")
    add(s, "spectrum_pct", 100 * v["spectrum_starlink"] / v["ev_base"], "150 / 2,100")
    add(s, "prem_spectrum_low", v["cband_price"] * v["people_covered"] * v["spectrum_share"] / 100, "$0.85 × 30亿 people × 60% (the table's own method)")
    add(s, "prem_gov", v["gov_backlog"] * v["gov_margin"] / 100 / (1 + w) ** 3, "300 × 40% / 1.092^3 = 120 / 1.302",
        note="120 is the undiscounted margin; the stated discounting was not applied")
    add(s, "prem_total_low", v["prem_spectrum_low"] + v["prem_licence_low"] + v["prem_orbit_low"] + v["prem_gov"], "150 + 80 + 50 + 120")
    add(s, "prem_total_high", v["prem_spectrum_high"] + v["prem_licence_high"] + v["prem_orbit_high"] + v["prem_gov"], "200 + 100 + 70 + 120")
    add(s, "ipo_uplift", v["ev_base"] * v["ipo_uplift_pct"] / 100, "2,100 × 10%")

    # ------------------------------------------------------------ weighted valuation and range
    s = SECTIONS[5]
    add(s, "wv_dcf", v["val_dcf"] * v["w_dcf"] / 100, "2,100 × 50%")
    add(s, "wv_comps", v["val_comps"] * v["w_comps"] / 100, "2,792 × 30%")
    add(s, "wv_deals", v["val_deals"] * v["w_deals"] / 100, "2,310 × 20%")
    add(s, "weighted_avg", v["wv_dcf"] + v["wv_comps"] + v["wv_deals"], "1,050 + 838 + 462")
    add(s, "strategic_adj", v["weighted_avg"] * v["strategic_adj_pct"] / 100, "2,350 × −10%")
    add(s, "final_value", v["weighted_avg"] + v["strategic_adj"], "2,350 − 235")
    add(s, "val_deals", v["ev_base"] * (1 + v["ipo_uplift_pct"] / 100), "2,100 × (1 + 10%), the IPO uplift of line 472", note="the precedent-transactions value is the DCF value plus the 10 % uplift, not a transaction multiple")
    add(s, "val_dcf", v["weighted_dcf"], "the report's own probability-weighted DCF (line 383)", note="the weighting uses the base case, not the probability-weighted value")
    by_method = v["val_dcf"] * v["method_w_dcf"] / 100 + v["val_comps"] * v["method_w_comps"] / 100 + v["val_deals"] * v["method_w_deals"] / 100
    add(s, "weighted_avg", by_method, "2,100 × 60% + 2,792 × 25% + 2,310 × 15%, the weights the method section sets (line 319)",
        label="weighted average with the weights of the method section", id="weighted_avg_method_weights", note=f"after the −10 % adjustment: {by_method * 0.9:,.0f}")
    add(s, "core_low", v["ev_base"] * 0.85, "2,100 × (1 − 15%)")
    add(s, "core_high", v["ev_base"] * 1.15, "2,100 × (1 + 15%)")
    add(s, "abstract_low", v["core_low"], "chapter 6's core range, low (line 485)")
    add(s, "abstract_high", v["core_high"], "chapter 6's core range, high (line 485)")
    add(s, "lead_base", v["val_dcf"], "chapter 6's DCF value (line 478)",
        note=f"the lead paragraph's parts sum to {v['lead_base'] + v['lead_option'] + v['lead_synergy']:,.0f} (820 + 345 + 210), stated as a 1,250–1,450 range, against a final 2,115")
    add(s, "ch5_dcf_base", v["val_dcf"], "chapter 6's base-case DCF at WACC 9.2 % (line 377)",
        note="chapter 5 values the same base case at 1,650 with a lower WACC (9 %); a higher WACC cannot give the higher value")

    # ------------------------------------------------------------ share price
    s = SECTIONS[6]
    add(s, "price_equity", v["price_ev"] + v["cash_2025"] - v["debt_2025"], "2,100 + (125 − 110)")
    base = v["price_equity"] / v["shares"]
    add(s, "base_price", base, "2,115亿 USD / 200亿 shares = $211.5 B / 20 B shares", note="ten times too large: the ratio of two figures both in 亿 is in dollars, $10.58")
    add(s, "price_low", v["base_price"] * 0.85, "105.75 × (1 − 15%) (with the stated base)", note=f"with the base its inputs give: ${base * 0.85:.2f}")
    add(s, "price_high", v["base_price"] * 1.15, "105.75 × (1 + 15%) (with the stated base)", note=f"with the base its inputs give: ${base * 1.15:.2f}")
    add(s, "new_shares", v["raise"] / v["price_mid"], "1,200亿 USD / $95")
    add(s, "greenshoe", v["new_shares"] * v["greenshoe_pct"] / 100, "12.6 × 15%")
    add(s, "total_shares_issued", v["new_shares"] + v["greenshoe"], "12.6 + 1.9")
    add(s, "proceeds", v["total_shares_issued"] * v["price_mid"], "14.5亿 shares × $95")
    add(s, "final_value", v["price_mid"] * v["shares"], "$95 × 200亿 shares", label="market value the $95 offer price implies, against the valuation it is derived from", id="offer_market_value", lines=(499, 502),
        note=f"the offer prices SpaceX at {fmt(v['price_mid'] * v['shares'], '1e8 USD')}, {v['price_mid'] * v['shares'] / v['final_value']:.1f} times its own valuation; the raise of {fmt(v['proceeds'], '1e8 USD')} is {100 * v['proceeds'] / v['final_value']:.0f} % of that valuation")
    add(s, "low_price_value", v["price_low"] * v["shares"], "$85 × 200亿 shares", lines=(499, 501), note=f"and the bear case is {v['ev_bear']:,.0f}, not 1,700")
    add(s, "ipo_day_value", v["ps_final"] * v["ps_revenue_2026"], "8.5 × 328.5 (the 2026E price/sales on the revenue the report applies it to)")
    add(s, "target_gross", v["rev_2027"] * v["target_ps"], "328.5 × 10")
    add(s, "target_after_sentiment", v["target_gross"] * v["target_sentiment"] / 100, "3,285 × 85%")
    add(s, "target_value", v["target_after_sentiment"] * v["target_risk"] / 100, "2,792 × 86%")
    add(s, "target_price", v["target_value"] / v["shares"], "2,400亿 USD / 200亿 shares", note="ten times too large, as the base price")
    add(s, "upside", 100 * (v["target_price"] - v["price_mid"]) / v["price_mid"], "(120 − 95) / 95")
    return checks


def summary(checks: list[Check]) -> dict[str, int]:
    """How many checks hold, are mismatches, or are notes."""
    out = {"holds": 0, "mismatch": 0, "note": 0}
    for c in checks:
        out[c.status] += 1
    return out


def headline(checks: list[Check], n: int | None = None) -> list[str]:
    """One sentence per mismatch, largest relative difference first (for a reader in a hurry)."""
    wrong = sorted((c for c in checks if c.status == "mismatch"), key=lambda c: -abs(math.log(abs(c.stated / c.recomputed))) if c.stated and c.recomputed else -math.inf)
    out = []
    for c in wrong[:n]:
        assert c.stated is not None
        factor = c.stated / c.recomputed if c.recomputed else math.inf
        if abs(factor) >= 2:
            size = f"stated {abs(factor):.1f}× too large"
        elif abs(factor) <= 0.5:
            size = f"stated {1 / abs(factor):.1f}× too small"
        else:
            size = f"{100 * (c.relative or 0.0):+.0f}% from the stated"
        out.append(f"line {', '.join(map(str, c.lines))}: {c.label}: stated {fmt(c.stated, c.unit)}, its inputs give {fmt(c.recomputed, c.unit)} ({size})")
    return out


# --------------------------------------------------------------------------- root causes

#: a stated figure of at most this many significant figures within ROUNDING_FRAC of its
#: recomputation is the report rounding, not an error (e.g. 150 for 153); tighter than that
#: (half a unit of the stated precision, or 0.5 %) a figure holds
ROUNDING_SIG_FIGS = 2
ROUNDING_FRAC = 0.025


@dataclass(frozen=True)
class Cause:
    """One root cause of the report's mismatches: ``kind`` ``error`` (an error of arithmetic or
    of inputs; ``cross_check``: two places of the report state the same figure differently) or
    ``method`` (a remark on method, not an error: an illustrative example, a deliberately
    chosen case, a total that includes an unvalued row); ``checks``: the ids of the dependent
    figures, the first one the root."""

    id: str
    kind: str
    title: str
    checks: tuple[str, ...]
    cross_check: bool = False


CAUSES: tuple[Cause, ...] = (
    Cause("share_count", "error", "per-share figures divide 亿 dollars by 亿 shares and multiply by ten: 200亿 shares are 20 B shares, so a share is worth $10.58, not $105.75; every price and the market values built on it are tenfold",
          ("base_price", "target_price", "offer_market_value", "low_price_value")),
    Cause("hamada_beta", "error", "the levered beta: Hamada with the report's own 30/70 debt/equity gives 1.41, not 1.15; the cost of equity and the WACC built on it follow",
          ("beta_levered", "cost_of_equity_recomputed_beta", "wacc_end_to_end")),
    Cause("wacc_formula", "error", "the WACC formula with the report's own cost of equity gives 8.76 %, not 9.2 %", ("wacc",)),
    Cause("two_fcf_paths", "error", "two FCF forecasts: chapter 5's stage end points (45, 210, 620) are not the DCF table's FCF (25.3, 241.2, 440)",
          ("fcf_2035_ch5", "stage1_fcf_start", "stage2_fcf_start", "stage2_fcf_end", "stage1_cagr_table"), cross_check=True),
    Cause("stage_years", "error", "the 2031-2035 growth is taken over five years for a four-year span", ("stage2_cagr",)),
    Cause("terminal_formula", "error", "the terminal value: its own formula on the 2035 FCF gives 7,989, not 12,850", ("terminal_value",)),
    Cause("dcf_present_values", "error", "the DCF's present values do not follow from its FCF table at 9.2 % (nor the stated terminal value from its present value); the value and its sensitivities follow",
          ("ev_base_recomputed", "pv1_base", "pv2_base", "pvtv_base", "sens_wacc", "sens_growth")),
    Cause("scenario_range", "error", "the scenario range (1,600-2,500) is not the scenarios' own values (1,500-2,855)", ("range_low", "range_high")),
    Cause("ps_benchmark", "error", "the P/S benchmark 8.5x is not the mean of its adjusted peers (7.67x)", ("ps_spacex_benchmark",)),
    Cause("ps_blend", "error", "the blended P/S does not follow from any revenue split the report states", ("ps_blend",)),
    Cause("revenue_year", "error", "2027E revenue (328.5, chapter 5) is applied as 2026 revenue; the DCF table's 2026 revenue is 185",
          ("ps_revenue_2026", "ps_equity_on_2026_revenue"), cross_check=True),
    Cause("ipo_day_value", "error", "the IPO-day value is not the price/sales it states times the revenue it applies it to", ("ipo_day_value",)),
    Cause("eco_midpoint", "error", "the ecosystem value's midpoint with the DCF is not the midpoint of the two", ("eco_midpoint",)),
    Cause("spectrum_units", "error", "spectrum: $0.85 x 30亿 people is 25.5亿, not 255亿 (tenfold); the premium table's own method gives 15.3亿", ("spectrum_value", "prem_spectrum_low")),
    Cause("gov_discounting", "error", "the government-backlog premium is the undiscounted margin; the stated discounting was not applied", ("prem_gov",)),
    Cause("premium_sum", "error", "the high premium total is not the sum of its parts", ("prem_total_high",)),
    Cause("summary_range", "error", "the summary's range (185-230) is not chapter 6's (180-240)", ("abstract_low", "abstract_high"), cross_check=True),
    Cause("lead_paragraph", "error", "the lead paragraph's value (820 + 345 + 210) is not chapter 6's DCF value", ("lead_base",), cross_check=True),
    Cause("chapter5_dcf", "error", "chapter 5 values the same base case at 1,650 with a lower WACC; a higher WACC cannot give chapter 6's higher value", ("ch5_dcf_base",), cross_check=True),
    Cause("method_weights", "error", "the weighting uses 50/30/20, the method section sets 60/25/15", ("weighted_avg_method_weights",), cross_check=True),
    Cause("price_range", "error", "the IPO price range ($85-105) is not the stated ±15 % around the base price", ("price_low", "price_high")),
    Cause("amazon_example", "method", "an illustrative example (Amazon's segment weights), not part of SpaceX's value", ("aws_contribution", "retail_contribution")),
    Cause("other_revenue", "method", "the 2030 revenue total includes 37 of 'other' revenue that no row values", ("eco_rev_total",)),
    Cause("chosen_case", "method", "the weighting takes the base case (2,100), deliberately, rather than the probability-weighted DCF (2,131)", ("val_dcf",), cross_check=True),
)


def is_rounding(c: Check) -> bool:
    """A mismatch that is the report rounding: the stated figure has at most
    :data:`ROUNDING_SIG_FIGS` significant figures and is within :data:`ROUNDING_FRAC` of the
    recomputed one.

    >>> is_rounding(Check("s", "x", "x", "1e8 USD", 150.0, 153.0, "", ()))
    True
    >>> is_rounding(Check("s", "x", "x", "1e8 USD", 2350.0, 2304.0, "", ()))
    False
    """
    if c.status != "mismatch" or c.stated is None or c.stated == 0 or c.relative is None:
        return False
    digits = f"{abs(c.stated):.6e}".split("e")[0].replace(".", "").rstrip("0")
    return len(digits) <= ROUNDING_SIG_FIGS and abs(c.relative) <= ROUNDING_FRAC


@dataclass(frozen=True)
class Group:
    """A root cause with the checks that depend on it (the root first)."""

    cause: Cause
    checks: tuple[Check, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.cause.id, "kind": self.cause.kind, "title": self.cause.title, "cross_check": self.cause.cross_check,
                "figures": [c.id for c in self.checks]}


def root_causes(checks: list[Check]) -> tuple[list[Group], list[Check], list[Group]]:
    """The mismatches grouped by root cause: (errors, one group per root cause, largest first;
    rounding, the mismatches within the rounding tolerance; method notes, groups of kind
    ``method`` plus every note). A mismatch no cause names is its own root cause."""
    by_id = {c.id: c for c in checks}
    named = {i for cause in CAUSES for i in cause.checks}
    method_named = {i for cause in CAUSES if cause.kind == "method" for i in cause.checks}
    errors: list[Group] = []
    methods: list[Group] = []
    for cause in CAUSES:
        if cause.kind == "method":
            got = tuple(by_id[i] for i in cause.checks if i in by_id and by_id[i].status != "holds")
        else:
            got = tuple(by_id[i] for i in cause.checks if i in by_id and by_id[i].status == "mismatch" and not is_rounding(by_id[i]))
        if got:
            (methods if cause.kind == "method" else errors).append(Group(cause, got))
    rounding = [c for c in checks if is_rounding(c) and c.id not in method_named]
    for c in checks:
        if c.status == "mismatch" and c.id not in named and not is_rounding(c) and c.id not in method_named:
            errors.append(Group(Cause(c.id, "error", c.label, (c.id,)), (c,)))
        elif c.status == "note":
            methods.append(Group(Cause(c.id, "method", c.label, (c.id,)), (c,)))

    def size(g: Group) -> float:
        r = [abs(math.log(abs(c.stated / c.recomputed))) for c in g.checks if c.stated and c.recomputed and c.stated / c.recomputed > 0]
        return -max(r, default=0.0)

    return sorted(errors, key=size), rounding, methods


ROUNDING_NOTE = (f"holds: within half a unit of the stated precision or 0.5 %; rounding (not an error): a stated figure of at most {ROUNDING_SIG_FIGS} "
                 f"significant figures within {100 * ROUNDING_FRAC:g} % of the recomputed one (e.g. 150 for 153)")


def grouped_summary(checks: list[Check]) -> dict[str, Any]:
    """Counts by root cause: error root causes (and of them cross-checks), dependent figures,
    rounding, method notes, figures stated twice and how many of those agree."""
    errors, rounding, methods = root_causes(checks)
    cross = cross_checks(checks)
    return {
        "root_causes": len(errors),
        "figures_under_root_causes": sum(len(g.checks) for g in errors),
        "rounding": len(rounding),
        "method_notes": len(methods),
        "stated_twice_checked": len(cross),
        "stated_twice_disagree": sum(c.id in {x.id for g in errors for x in g.checks} for c in cross),
        "rounding_tolerance": ROUNDING_NOTE,
    }


def cross_checks(checks: list[Check]) -> list[Check]:
    """Checks of a figure the report states in two places against each other."""
    ids = {i for cause in CAUSES if cause.cross_check for i in cause.checks}
    return [c for c in checks if c.id in ids]
