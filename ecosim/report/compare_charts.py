"""The interactive charts of ``ecosim compare``'s ``report.html`` (Plotly, :mod:`ecosim.report.interactive`).

Each chart shows what its PNG twin of :mod:`ecosim.report.compare_figures` shows (the PNGs stay
for ``report.md``), with hover readouts, zoom, legend toggles and its data as a CSV download.
The numbers come from the same functions: :func:`ecosim.report.compare_figures.panel_values`
for the series, the scorecard's evaluations, the bridges' Shapley steps, the loop gains.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecosim.analysis.scorecard import ClaimEval
from ecosim.report.compare_figures import SERIES_FIGURES, market_marks, panel_values
from ecosim.report.interactive import (
    Chart,
    axis_style,
    band_traces,
    base_layout,
    hover_texts,
    human_text,
    log_ticks,
    subplot_figure,
    value_ticks,
)
from ecosim.report.sources import Source
from ecosim.report.style import FAN_BANDS, GAIN_COLOUR, LOSS_COLOUR, line_width
from ecosim.report.valuation_view import COMPANY_LABELS, PairBridge


def series_chart(name: str, sources: Sequence[Source], colours: dict[str, str]) -> Chart:
    """One figure of :data:`SERIES_FIGURES` as a row of interactive panels, every source overlaid
    (experiments: median with 50 % and 80 % bands)."""
    title, spec = SERIES_FIGURES[name]
    fig = subplot_figure([f"{p.title} [{p.unit}]" if p.unit not in ("-", "") else p.title for p in spec], title)
    rows: list[pd.DataFrame] = []
    for col, p in enumerate(spec, start=1):
        sub = {"row": 1, "col": col}
        drawn: list[np.ndarray] = []
        for j, s in enumerate(sources):
            v = panel_values(s, p.metric, p.how)
            if v is None:
                continue
            dates = list(s.dates)
            if p.how == "dcf":
                ok = np.isfinite(v).any(axis=1)
                dates = [d for d, k in zip(dates, ok, strict=True) if k]
                v = v[ok]
            med = np.nanmedian(v, axis=1) if v.shape[1] > 1 else v[:, 0]
            show = col == 1
            if v.shape[1] > 1:
                for lo, hi, alpha in FAN_BANDS:
                    for t in band_traces(dates, np.nanquantile(v, lo, axis=1), np.nanquantile(v, hi, axis=1), colours[s.label], s.label, alpha, s.label):
                        fig.add_trace(t, **sub)
            mode = "lines+markers" if p.how == "dcf" else "lines"
            fig.add_trace(go.Scatter(x=dates, y=med, mode=mode, name=s.label, legendgroup=s.label, showlegend=show,
                                     line={"color": colours[s.label], "width": line_width(j)}, marker={"size": 5},
                                     customdata=hover_texts(med, p.unit), hovertemplate=f"{s.label}: %{{customdata}}<extra></extra>"), **sub)
            drawn.append(med)
            frame = pd.DataFrame({"panel": p.title, "source": s.label, "date": dates, "value": med, "unit": p.unit})
            if v.shape[1] > 1:
                frame["p10"], frame["p90"] = np.nanquantile(v, 0.1, axis=1), np.nanquantile(v, 0.9, axis=1)
            rows.append(frame)
            if p.dashed and p.dashed in s.series:
                d = s.series[p.dashed]
                dm = np.nanmedian(d, axis=1) if d.shape[1] > 1 else d[:, 0]
                fig.add_trace(go.Scatter(x=list(s.dates), y=dm, mode="lines", name=f"{s.label} {p.dashed_label}", legendgroup=s.label, showlegend=False,
                                         line={"color": colours[s.label], "width": max(1.0, line_width(j) - 0.6), "dash": "dash"},
                                         customdata=hover_texts(dm, p.unit), hovertemplate=f"{s.label} {p.dashed_label}: %{{customdata}}<extra></extra>"), **sub)
                drawn.append(dm)
                rows.append(pd.DataFrame({"panel": f"{p.title}: {p.dashed_label}", "source": s.label, "date": list(s.dates), "value": dm, "unit": p.unit}))
        if p.reference is not None:
            fig.add_hline(y=p.reference[0], line={"color": "black", "width": 1, "dash": "dot"}, annotation_text=p.reference[1], annotation_position="top left", **sub)
        if p.how == "dcf":
            m = market_marks()
            fig.add_trace(go.Scatter(x=list(m["date"]), y=m["value_usd"], mode="markers", name="market marks (valuation_marks.csv)",
                                     marker={"symbol": "diamond", "color": "black", "size": 8}, showlegend=True,
                                     customdata=hover_texts(m["value_usd"], "USD"), hovertemplate="market mark: %{customdata}<extra></extra>"), **sub)
        log = p.log or p.symlog is not None  # lines on a log axis (zeros drop out), never stacked
        ticks = {} if not drawn else (log_ticks if log else value_ticks)(np.concatenate(drawn), p.unit)
        fig.update_yaxes(**{**axis_style(log, p.unit), **ticks}, **sub)
    return Chart(name, fig, pd.concat(rows, ignore_index=True) if rows else pd.DataFrame())


def scorecard_chart(evals: dict[str, list[ClaimEval]], sources: Sequence[Source], colours: dict[str, str]) -> Chart:
    """When each testable claim first comes true, by source; a claim that never does is marked
    "never" at the right edge, and each claim's deadline is a black tick."""
    first = evals[sources[0].label]
    rows = [i for i, e in enumerate(first) if e.claim.test is not None]
    names = [f"{first[i].claim.claim} ({first[i].claim.short_source})" for i in rows]
    end = max(s.dates[-1] for s in sources)
    never_x = f"{int(end[:4]) + 1}-06"
    fig = go.Figure()
    deadlines = [(first[i].claim.test.deadline, names[r]) for r, i in enumerate(rows) if first[i].claim.test and first[i].claim.test.deadline]  # type: ignore[union-attr]
    fig.add_trace(go.Scatter(x=[d for d, _ in deadlines], y=[n for _, n in deadlines], mode="markers", name="deadline",
                             marker={"symbol": "line-ns-open", "size": 14, "line": {"width": 3, "color": "black"}},
                             hovertemplate="deadline %{x|%Y-%m}<extra></extra>"))
    data = []
    for s in sources:
        xs, ys, symbols, texts = [], [], [], []
        for r, i in enumerate(rows):
            e = evals[s.label][i]
            status = e.status.astype(str)
            if s.members == 1:
                st, when = str(status[0]), str(e.when[0] or "")
                if st in ("true", "late") and when:
                    xs.append(when)
                    symbols.append("circle" if st == "true" else "circle-open")
                elif st == "false" and e.claim.test and e.claim.test.check == "always" and when:
                    xs.append(when)
                    symbols.append("x")
                elif st == "open":
                    xs.append(end)
                    symbols.append("triangle-right-open")
                else:
                    xs.append(never_x)
                    symbols.append("x-thin-open")
                texts.append({"true": "on time", "late": "late", "false": "never" if symbols[-1] != "x" else "first fails", "open": "still open"}.get(st, st))
            else:
                came = np.isin(status, ("true", "late"))
                p = float(np.mean(status == "true"))
                if came.any():
                    xs.append(f"{int(np.median([int(str(w)[:4]) for w in e.when[came]]))}-07")
                    symbols.append("circle")
                else:
                    xs.append(never_x)
                    symbols.append("x-thin-open")
                texts.append(f"p(on time) = {p:.2f}")
            ys.append(names[r])
            data.append({"claim": e.claim.id, "source": s.label, "month": xs[-1] if symbols[-1] != "x-thin-open" else "never", "verdict": texts[-1]})
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name=s.label, text=texts,
                                 marker={"symbol": symbols, "size": 10, "color": colours[s.label], "line": {"width": 2, "color": colours[s.label]}},
                                 hovertemplate=f"{s.label}: %{{text}} %{{x|%Y-%m}}<extra></extra>"))
    layout = base_layout("Narrative scorecard: when each claim first comes true (filled: on time; hollow: late; ×: never in the run)", height=28 * len(rows) + 160)
    layout["hovermode"] = "closest"
    layout["margin"]["l"] = 16
    fig.update_layout(**layout)
    fig.add_vline(x=never_x, line={"color": "#bbb", "width": 1})
    fig.add_annotation(x=never_x, y=1.0, yref="paper", text="never", showarrow=False, yanchor="bottom")
    fig.update_xaxes(**axis_style(), title="month the claim first comes true")
    fig.update_yaxes(autorange="reversed", automargin=True, showgrid=True, gridcolor="#f0f0f0", tickfont={"size": 11})
    return Chart("scorecard", fig, pd.DataFrame(data))


def bridge_chart(bridges: Sequence[PairBridge], colours: dict[str, str]) -> Chart:
    """Waterfalls of each company's equity value from the first run to each other run; gains
    and losses in neutral greys (the scenarios keep their own colours)."""
    fig = go.Figure()
    data = []
    for k, pb in enumerate(bridges):
        b = pb.bridge
        title = f"{COMPANY_LABELS.get(b.company, b.company)}, start of {b.year}: {pb.a} → {pb.b}"
        labels = [f"{pb.a}"] + [name for name, _ in b.steps] + [f"{pb.b}"]
        values = [b.value_a] + [v for _, v in b.steps] + [b.value_b]
        measure = ["absolute"] + ["relative"] * len(b.steps) + ["total"]
        fig.add_trace(go.Waterfall(
            name=title, orientation="h", y=[f"{title} | {lab}" for lab in labels], x=values, measure=measure,
            text=human_text(values, "USD"), textposition="outside",
            increasing={"marker": {"color": GAIN_COLOUR}}, decreasing={"marker": {"color": LOSS_COLOUR}},
            totals={"marker": {"color": colours.get(pb.b, "#444")}}, connector={"line": {"color": "#999", "width": 1}},
            customdata=human_text(values, "USD"), hovertemplate="%{y}: %{customdata}<extra></extra>", visible=True if k == 0 else "legendonly",
        ))
        data += [{"bridge": title, "step": lab, "usd": v} for lab, v in zip(labels, values, strict=True)]
    layout = base_layout("Valuation bridges (click a bridge in the legend to show it): dark grey adds value, light grey takes it away",
                         height=34 * (len(bridges[0].bridge.steps) + 2) + 200 if bridges else 300)
    layout["hovermode"] = "closest"
    fig.update_layout(**layout)
    lo_hi = [v for pb in bridges for v in (pb.bridge.value_a, pb.bridge.value_b, *np.cumsum([pb.bridge.value_a] + [x for _, x in pb.bridge.steps]))]
    fig.update_xaxes(**axis_style(), **value_ticks(lo_hi, "USD"), title="equity value [USD]")
    fig.update_yaxes(autorange="reversed", automargin=True)
    return Chart("bridge", fig, pd.DataFrame(data))


def valuation_chart(valuation: pd.DataFrame, colours: dict[str, str]) -> Chart:
    """SpaceX+xAI's value of each source at each mark's month, like for like (bars, one group per
    mark), beside the mark (black diamond); hover for the share of the mark."""
    t = valuation[valuation["company"] == "SpaceX+xAI"]
    fig = go.Figure()
    keys = [c.removeprefix("value at ").removesuffix(" [USD]") for c in t.columns if c.startswith("value at ") and c.endswith("[USD]")]
    data = []
    for _, r in t.iterrows():
        ys = [float(r[f"value at {k} [USD]"]) for k in keys]
        shares = [f"{100 * y / float(r[f'mark {k} [USD]']):.0f}%" for y, k in zip(ys, keys, strict=True)]
        fig.add_trace(go.Bar(x=keys, y=ys, name=str(r["source"]), marker={"color": colours.get(str(r["source"]), "#444")},
                             customdata=list(zip(human_text(ys, "USD"), shares, strict=True)),
                             hovertemplate=f"{r['source']}: %{{customdata[0]}} at the mark's month, %{{customdata[1]}} of the mark<extra></extra>"))
        data += [{"source": r["source"], "mark": k, "value_like_for_like_usd": y, "mark_usd": float(r[f"mark {k} [USD]"])} for y, k in zip(ys, keys, strict=True)]
    marks_usd = [float(t[f"mark {k} [USD]"].iloc[0]) for k in keys] if len(t) else []
    fig.add_trace(go.Scatter(x=keys, y=marks_usd, mode="markers", name="mark", marker={"symbol": "diamond", "color": "black", "size": 10},
                             customdata=human_text(marks_usd, "USD"), hovertemplate="%{x}: mark %{customdata}<extra></extra>"))
    layout = base_layout("SpaceX+xAI equity value at each mark's month, like for like, against the mark", height=380)
    fig.update_layout(**layout, barmode="group")
    tops = [*marks_usd, *[d["value_like_for_like_usd"] for d in data]]
    fig.update_yaxes(**axis_style(), **value_ticks(tops, "USD"), title="equity value [USD]")
    return Chart("valuation", fig, pd.DataFrame(data, columns=["source", "mark", "value_like_for_like_usd", "mark_usd"]))
