"""``ecosim value`` on the console: the valuation assumptions (the WACC built up), value by
entity, the narrative marks against it, what each mark requires, cash flows, accounts,
probability weights and the operational requirements."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.economics.wacc import wacc_build_up
from ecosim.finance.accounts import AgentBook, by_year, segment_accounts
from ecosim.finance.gap import RunValue, weighted_values
from ecosim.finance.valuation import valuation_data
from ecosim.numbers import human
from ecosim.report.console.common import pct
from ecosim.scenario.params import params_of


def requirement_cell(r: Any) -> str:
    """A reverse-DCF requirement: what the mark needs (what the run has), or unreachable."""
    def v(x: float | None) -> str:
        if x is None:
            return "—"
        if r.unit.startswith("fraction"):
            return pct(x)
        return f"{x:,.2f}x" if r.unit == "x" else f"{x:,.2f}"

    if r.required is None:
        return "unreachable"
    return f"{v(r.required)} ({v(r.run)})"


def value_tables(out: Console, rv: RunValue) -> None:
    """A valued run: the assumptions, value by entity, every mark against it and what each mark requires."""
    a = rv.assumptions
    cm = rv.run.scenario.model.capital_market
    b = wacc_build_up(params_of(cm))
    first = next(iter(rv.entities.values())).valuation
    out.print(f"[bold]ecosim value[/bold] — {escape(rv.run.name)} ({escape(str(rv.run.path))}), values at the start of {first.years[0]}; cash flows {first.years[0]}–{first.years[-1]} from the run's ledger")
    basis = valuation_data()["basis"]
    timing = "mid-year (flows arrive monthly)" if a.discounting == "mid" else "year end"
    if "wacc" in a.sources and a.sources["wacc"] == "command-line override":
        out.print(f"discount rate {pct(a.wacc, 2)} (--wacc, on the valuation's basis: {a.basis}); discounted at {timing}")
    else:
        unlev = b["risk_free"] + b["beta_unlevered"] * b["market_risk_premium"]
        out.print(
            f"discount rate {pct(a.wacc, 2)} ({a.basis}; discounted at {timing}) = (1 + rf {pct(b['risk_free'])} + βU {b['beta_unlevered']:.2f} × MRP {pct(b['market_risk_premium'])} = {pct(unlev, 2)})"
            f" / (1 + inflation {basis['inflation_pct']:g}%) − 1. The world's flows are constant dollars and it has no debt, so the rate is real and unlevered;"
            f" the scenario's nominal WACC with {pct(b['debt_to_capital'], 0)} debt and its tax shield is {pct(b['wacc'], 2)} (ecosim/data/valuation.toml \\[basis])"
        )
    term = {
        "normalised": f"normalised (value driver: NOPAT × (1 − (1 − t) g/RONIC) / (rate − g), net capex expensed as in the run's years, RONIC {pct(a.ronic_value, 2)}, NOPAT margin of the last {a.normalise_years:g} years, {a.fade_years} fade years, capex depreciated over {a.asset_life_yr:g} yr)",
        "gordon": "Gordon growth on the last year's FCF",
        "exit": f"exit at {a.exit_multiple:g}× last-year {a.exit_metric}",
    }[a.terminal]
    out.print(f"terminal growth {pct(a.terminal_growth, 2)} (the scenario's {pct(float(params_of(cm).terminal_growth_frac), 2)} nominal, on the same basis); tax {pct(a.tax_rate, 0)} on pre-tax FCF (full expensing), losses carried forward (offset ≤ {pct(a.nol_limit_frac, 0)} of a year's profit); terminal value: {term}")

    t = Table(title="Fundamental value by entity (equity = enterprise value + cash; the world has no debt)", title_justify="left")
    for c, j in (("entity", "left"), ("enterprise value", "right"), ("cash", "right"), ("equity value", "right"), ("after the run", "right"), ("normalised", "right"), ("Gordon", "right"), ("exit", "right"), ("comparables (low–high)", "right")):
        t.add_column(c, justify=j)  # type: ignore[arg-type]
    for e in rv.entities.values():
        v = e.valuation
        comp = e.comparables.iloc[-1]
        comps = "—" if comp["value_median_usd"] != comp["value_median_usd"] else f"{human(comp['value_median_at_first_year_usd'], 'USD')} ({human(comp['value_low_at_first_year_usd'], 'USD')}–{human(comp['value_high_at_first_year_usd'], 'USD')})"
        t.add_row(escape(e.spec.label), human(float(v.enterprise_value[0]), "USD"), human(float(v.cash[0]), "USD"), f"[bold]{human(e.equity_usd, 'USD')}[/bold]", pct(float(v.terminal_share[0]), 0),
                  *[human(e.by_method[m], "USD") for m in ("normalised", "gordon", "exit")], comps)
    out.print(t)
    head = rv.entities.get("spacex_xai")
    if head is not None and head.sensitivity:
        base = head.sensitivity[0][1]
        t = Table(title=f"{escape(head.spec.label)}: the headline and its sensitivity (one change at a time)", title_justify="left")
        for c, j in (("valued with", "left"), ("equity value", "right"), ("change", "right")):
            t.add_column(c, justify=j)  # type: ignore[arg-type]
        for label, x in head.sensitivity:
            t.add_row(escape(label), human(x, "USD"), "" if label == "headline" else f"{100 * (x / base - 1):+.0f}%")
        out.print(t)
    first_date = str(next(iter(rv.entities.values())).comparables["discounted_to"].iloc[0]) if rv.entities else ""
    vy = rv.assumptions.valuation_year
    later = f", discounted back from the start of {vy} to {first_date} at the discount rate" if vy is not None and f"{vy}-01" != first_date else ""
    out.print("'after the run': share of the enterprise value from years after the run (fade and terminal). Comparables: dated market multiples of peers "
              f"(ecosim/data/peers.csv: market value over reported revenue, with date and source; an entity's own round is never its peer) on each segment's revenue in the valuation year{later}.")
    unpriced = sorted({f"{e.spec.label}: {r['label']}" for e in rv.entities.values() for r in e.comparables.to_dict("records") if r["segment"] != "total" and not r["priced"]})
    if unpriced:
        out.print("Unpriced segments (no peer group with peers; left out of the comparables total): " + escape("; ".join(unpriced)) + ".")

    t = Table(title="Narrative marks against the run's value, like for like: the mark's entity at its date, on its basis (ecosim/data/valuation_marks.csv)", title_justify="left")
    for c, j in (("mark", "left"), ("date", "left"), ("basis", "left"), ("mark value", "right"), ("value compared", "right"), ("gap", "right"), ("gap / mark", "right"), ("mark / value", "right"), ("mark / run revenue", "right")):
        t.add_column(c, justify=j)  # type: ignore[arg-type]
    for g in rv.gaps:
        ratio = g.mark.value_usd / g.value_usd if g.value_usd > 0 else float("nan")
        basis = g.mark.basis + (f" ({human(g.mark.raise_usd, 'USD')} raise)" if g.mark.basis == "post-money" else "")
        t.add_row(escape(f"{g.mark.entity}: {g.mark.kind}"), g.mark.date, escape(basis), human(g.mark.value_usd, "USD"), human(g.value_usd, "USD"), human(g.gap_usd, "USD"), pct(g.gap_share_of_mark, 0),
                  "—" if ratio != ratio else f"{ratio:,.1f}×", "—" if g.implied_ev_revenue != g.implied_ev_revenue else f"{g.implied_ev_revenue:,.0f}×")
    out.print(t)
    for g in rv.gaps:
        if g.like is not None:
            out.print(escape(f"{g.mark.entity} {g.mark.date}: {g.like.note}."))
    out.print("value compared: the entity's equity at the start of the valuation year carried to the mark's month at the discount rate, plus raises the run books in between; a post-money mark's round added once. gap / mark: the share of the mark the run's cash flows do not support. mark / run revenue: the EV/revenue the mark implies on the simulated revenue of its year. A value below zero means the run's cash flows destroy value at this cost of capital.")

    t = Table(title="What each mark requires, financially (reverse DCF on the run's flows, no re-simulation): required (run)", title_justify="left")
    labels = [r.label for r in rv.gaps[0].requirements] if rv.gaps else []
    t.add_column("mark")
    for lab in ("FCF ×", "WACC", "perpetual g (Gordon)", "exit EV/revenue", "FCF margin", "revenue CAGR"):
        t.add_column(lab, justify="right")
    for g in rv.gaps:
        if g.mark.narrative:
            t.add_row(escape(f"{g.mark.entity} {g.mark.date} {human(g.mark.value_usd, 'USD')}"), *[requirement_cell(r) for r in g.requirements])
    if rv.gaps:
        out.print("The reverse DCF solves for each mark carried back to the valuation date on the DCF's basis (pre-money, before later raises).")
    if rv.gaps:
        out.print(t)
        out.print("; ".join(escape(f"{lab}") for lab in labels) + ". 'unreachable': no value of that quantity alone closes the gap (use --json for the reason).")


def cash_flow_tables(out: Console, rv: RunValue, entity: str | None) -> None:
    """Each entity's (or one entity's) yearly cash flows and discounting."""
    for eid, e in rv.entities.items():
        if entity is not None and eid != entity:
            continue
        df = e.valuation.table()
        t = Table(title=f"{escape(e.spec.label)}: cash flows behind the value [USD] ({escape(e.cash_note)})", title_justify="left")
        cols = ("year", "stage", "revenue_usd", "ebitda_usd", "capex_usd", "tax_usd", "fcf_usd", "discount", "pv_usd")
        for c in cols:
            t.add_column(c.removesuffix("_usd"), justify="left" if c == "stage" else "right")
        for r in df.to_dict("records"):
            t.add_row(*[str(int(r["year"])) if c == "year" else escape(str(r[c])) if c == "stage" else ("" if r.get(c) is None or r.get(c) != r.get(c) else (f"{r[c]:.4f}" if c == "discount" else human(float(r[c]), "USD"))) for c in cols])
        out.print(t)


def accounts_tables(out: Console, rv: RunValue, entity: str | None) -> None:
    """SpaceX's and Tesla's (or one entity's company's) accounts by segment and year."""
    book = AgentBook.from_summary(rv.run.summary)
    seg = by_year(segment_accounts(rv.run.ledger, book), ["company", "segment"])
    companies = ["spacex", "tesla"] if entity is None else [rv.entities[entity].spec.company or "spacex"]
    for company in companies:
        part = seg[seg["company"] == company]
        t = Table(title=f"{escape(company)}: accounts by segment and year [USD] (intra = with sister segments at internal prices)", title_justify="left")
        cols = ("year", "segment", "revenue_usd", "intra_revenue_usd", "opex_usd", "intra_opex_usd", "capex_usd", "ebitda_usd", "fcf_usd")
        for c in cols:
            t.add_column(c.removesuffix("_usd"), justify="left" if c == "segment" else "right")
        for r in part.to_dict("records"):
            t.add_row(*[str(r[c]) if c in ("year", "segment") else human(float(r[c]), "USD") for c in cols])
        out.print(t)


def operational_table(out: Console, op: Any) -> None:
    """What each mark requires of one field at a time (:class:`ecosim.probe.OperationalRequirements`)."""
    t = Table(title=f"What each mark requires, operationally: the world re-run over one field at a time ({escape(op.scenario)}; SpaceX + xAI pro forma, "
              f"valued {human(op.base_value_usd, 'USD')} in the scenario)", title_justify="left")
    for c, j in (("field", "left"), ("mark", "left"), ("required", "right"), ("scenario", "right"), ("there", "left")):
        t.add_column(c, justify=j)  # type: ignore[arg-type]
    def num(x: float, unit: str) -> str:
        return human(x, "USD") if unit.startswith("USD") and abs(x) >= 1e6 else f"{x:,.4g}"

    for a in op.answers:
        scen = "learning curve" if a.scenario_value is None else num(a.scenario_value, a.unit)
        req = "unreachable" if a.required is None else f"{num(a.required, a.unit)} {a.unit}"
        there = "; ".join(f"{k.split('@')[0]} {k.split('@')[1]}: {num(v, op.units[k.split('@')[0]])}" for k, v in a.outcomes.items()) or a.note
        if a.required is not None and a.note:
            there += f" ({a.note})"
        t.add_row(escape(f"{a.field}\n{a.label}"), escape(f"{a.mark} {human(a.mark_usd, 'USD')}"), req, scen, escape(there))
    out.print(t)


def weighted_table(out: Console, values: list[RunValue], weights: list[float]) -> None:
    """Probability-weighted equity value of every entity over several runs."""
    df = weighted_values(values, weights)
    t = Table(title="Probability-weighted equity value (--weights " + ", ".join(f"{w:g}" for w in weights) + ")", title_justify="left")
    for c in df.columns:
        if c != "entity":
            t.add_column(escape(c), justify="left" if c == "label" else "right")
    for r in df.to_dict("records"):
        t.add_row(escape(r["label"]), *[human(float(r[c]), "USD") for c in df.columns if c not in ("entity", "label")])
    out.print(t)
