"""Regenerate the README's flywheel section from ``ecosim flywheel S --json``.

Run after any change to the world::

    .venv/bin/python scripts/readme_flywheel.py            # runs the command on each scenario
    .venv/bin/python scripts/readme_flywheel.py --from DIR # reads DIR/S.json saved from it
    .venv/bin/python scripts/readme_flywheel.py --check    # writes nothing; exit 1 if the section is stale

For each scenario (``baseline``, ``musk_narrative``) it prints the loops that dominate each
outcome by year, the data, compute and cash loops' shares of each outcome's change over time
(each with its range over the link-strength thresholds, and where a dominant loop is not robust),
the ablation of the narrative's data and compute links and of the links that move value most
(median change and 5-95 % interval over the samples), the stranded cuts, and the command's own
verdict. It replaces the text between ``<!-- BEGIN flywheel -->`` and ``<!-- END flywheel -->``
in README.md. Nothing is written that the command did not print: :func:`render` only formats the
JSON. ``tests/test_docs.py`` (slow) checks that the section is what the command prints now.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_sections import README, add_check_flag, ecosim_all, publish  # noqa: E402

from ecosim.numbers import change_in  # noqa: E402

SCENARIOS = ("baseline", "musk_narrative")
#: years shown in the loop-family table
YEARS = (2026, 2028, 2030, 2032, 2035, 2038, 2040)
#: ablation outcomes as columns: key, header
ABLATION_OUTCOMES = (("xai_capability", "xAI capability"), ("spacex_launches", "launches"), ("odc_compute_peak", "orbital compute (peak)"),
                     ("spacex_value", "SpaceX+xAI value"), ("tesla_value", "Tesla value"))
#: links of the narrative's loops, always shown when they exist: data into xAI, orbital compute into xAI, launches to orbit
NARRATIVE_LINK = ("->xai:data", "orbital_dc->xai:compute", "spacex_launch->orbital_dc:launch_mass")
#: more links: the ones that move SpaceX+xAI's value most
TOP_VALUE_LINKS = 5


def pct(x: float | None, signed: bool = True) -> str:
    """A fraction as a rounded percentage ('—' when undefined, '<0.1 %' when smaller but not 0).

    >>> pct(0.1234), pct(-0.004), pct(None), pct(0.5, signed=False), pct(0.0), pct(-1e-6)
    ('+12 %', '-0.4 %', '—', '50 %', '0 %', '-<0.1 %')
    """
    if x is None:
        return "—"
    v = 100.0 * x
    if v == 0:
        return "0 %"
    sign = ("+" if v > 0 else "-") if signed else ""
    if abs(v) < 0.05:
        return f"{sign}<0.1 %"
    digits = 0 if abs(v) >= 10 else 1
    return f"{sign}{abs(v):.{digits}f} %"


def spans(by_year: list[dict[str, Any]]) -> str:
    """Consecutive years with the same dominant loop and polarity, as text; where another loop
    (or none) dominates at another link-strength threshold, what does (``elsewhere``).

    >>> spans([{"year": 2026, "dominant": "L1", "name": "a", "polarity": 1}, {"year": 2027, "dominant": "L1", "name": "a", "polarity": 1},
    ...        {"year": 2028, "dominant": "", "name": "", "polarity": 0}, {"year": 2029, "dominant": "L2", "name": "b", "polarity": -1}])
    'L1 a (R) 2026–2027; none 2028; L2 b (B) 2029'
    >>> spans([{"year": 2026, "dominant": "L1", "name": "a", "polarity": 1, "elsewhere": "6 %: none"},
    ...        {"year": 2027, "dominant": "L1", "name": "a", "polarity": 1, "elsewhere": ""}])
    'L1 a (R) 2026 (not robust, 6 %: none); L1 a (R) 2027'
    """
    parts: list[list[Any]] = []
    for r in by_year:
        key = (r["dominant"], r["polarity"], r.get("elsewhere", ""))
        if parts and parts[-1][0] == key and parts[-1][2] == r["year"] - 1:
            parts[-1][2] = r["year"]
        else:
            parts.append([key, r["year"], r["year"], r["name"]])
    out = []
    for (lid, pol, elsewhere), a, b, name in parts:
        years = f"{a}" if a == b else f"{a}–{b}"
        shaky = f" (not robust, {elsewhere})" if elsewhere else ""
        out.append((f"none {years}" if not lid else f"{lid} {name} ({'R' if pol > 0 else 'B'}) {years}") + shaky)
    return "; ".join(out)


def ranged(value: float | None, cell: dict[str, Any] | None, signed: bool = True) -> str:
    """A share with its range over the link-strength thresholds, ``+21 % [+9 %, +24 %]``; the
    value alone where the range is that value (or there is no range).

    >>> ranged(0.21, {"low": 0.09, "high": 0.24}), ranged(0.0, {"low": 0.0, "high": 0.0}), ranged(None, {"low": 0.0, "high": 0.03})
    ('+21 % [+9.0 %, +24 %]', '0 %', '— [0 %, +3.0 %]')
    >>> ranged(0.52, {"low": 0.51, "high": 0.55}, signed=False), ranged(0.1, None)
    ('52 % [51 %, 55 %]', '+10 %')
    """
    v = pct(value, signed)
    if not cell or cell.get("low") is None:
        return v
    lo, hi = pct(cell["low"], signed), pct(cell["high"], signed)
    return v if lo == hi == v else f"{v} [{lo}, {hi}]"


def _at(t: float) -> str:
    return f"{100 * t:.4g} %"


def _cell(row: dict[str, Any] | None) -> str:
    """An ablation row's median change [5 %, 95 %] as it reads: relative, or in its unit (a value in dollars).

    >>> _cell({"relative": True, "unit": "index", "relative_median": -0.13, "relative_p05": -0.2, "relative_p95": -0.05})
    '-13 % [-20 %, -5.0 %]'
    >>> _cell({"relative": False, "unit": "USD", "change_median": -4.8e10, "change_p05": -6e10, "change_p95": 1.5e9})
    '-$48.0B [-$60.0B, +$1.5B]'
    """
    if row is None:
        return "—"
    rel = row.get("relative", True)
    med, lo, hi = (row[f"{'relative' if rel else 'change'}_{q}"] for q in ("median", "p05", "p95"))
    if med is None:
        return "—"
    if med == 0 and lo == 0 and hi == 0:
        return "0"
    if rel:
        return f"{pct(med)} [{pct(lo)}, {pct(hi)}]"
    unit = row["unit"]
    return f"{change_in(med, unit)} [{change_in(lo, unit)}, {change_in(hi, unit)}]"


def ablation_links(table: list[dict[str, Any]]) -> list[str]:
    """The narrative's data and compute links present, then the links moving SpaceX+xAI's value most."""
    links = list(dict.fromkeys(r["link"] for r in table))
    chosen = [lk for lk in links if any(lk.endswith(n) or lk == n for n in NARRATIVE_LINK)]
    value = [r for r in table if r["outcome"] == "spacex_value" and r["change_median"] is not None and r["link"] not in chosen]
    value.sort(key=lambda r: (-abs(r["change_median"]), r["link"]))
    return chosen + [r["link"] for r in value[:TOP_VALUE_LINKS]]


def _absent(loop: dict[str, Any]) -> str:
    """' (not robust: not a loop at 6 %)' for a loop missing at some threshold.

    >>> _absent({"absent_at": [0.06]}), _absent({"absent_at": []})
    (' (not robust: not a loop at 6 %)', '')
    """
    at = loop.get("absent_at") or []
    return f" (not robust: not a loop at {', '.join(_at(t) for t in at)})" if at else ""


def render_one(d: dict[str, Any]) -> list[str]:
    """One scenario's part of the section, from its ``ecosim flywheel --json``."""
    a = d["ablation"]
    lines = [f"**{d['scenario']}** (seed {d['seed']}): {d['variables']} variables, {d['links']:,} measured links, {d['loops']:,} loops of up to "
             f"{d['max_length']} variables through links of mean strength ≥ {pct(d['min_link'], signed=False)}; replay control error {d['control_error']:g}.", ""]
    rob = d.get("robustness", {})
    over = rob.get("thresholds", [])
    if len(over) > 1:
        lines += [f"In brackets below, the range of a figure over link-strength thresholds {', '.join(_at(t) for t in over)} (the loops found again "
                  f"on the same replay at each: {', '.join(f'{n:,}' for n in rob['loops'])} loops; {_at(d['min_link'])}, the default, gives "
                  "the figure before the brackets; a loop missing at a threshold counts 0 there). A share whose range reaches 0 or the other "
                  "sign is not robust: links near the threshold decide it. A year's dominant loop marked *not robust* is not the one that "
                  "dominates at the threshold named (none: no loop does).", ""]
        near = [(o["label"].split(" (")[0], m) for k, o in d["outcomes"].items() for m in rob.get("marginal", {}).get(k, [])[:2]]
        if near:
            lines += [f"Links near the threshold (mean strength {_at(over[0])} to {_at(over[-1])}) on the loops of an outcome, with the share of its "
                      "loop score those loops carry (the two largest of each outcome, at least 1 %): "
                      + "; ".join(f"{label}: `{m['link']}` ({pct(m['strength'], signed=False)}) {pct(m['carries'], signed=False)}" for label, m in near) + ".", ""]
    lines += ["| outcome | dominant loop by year (R reinforcing, B balancing) | loops through it |", "|---|---|---:|"]
    for o in d["outcomes"].values():
        lines.append(f"| {o['label']} | {spans(o['by_year'])} | {o['loops']:,} |")
    lines += ["", "Signed share of each outcome's change explained by each loop family, yearly mean of the monthly relative loop scores "
              "(— no loop through the outcome active that year; a threshold where none is active counts as 0 in the range):", ""]
    lines += ["| outcome | family | " + " | ".join(str(y) for y in YEARS) + " |", "|---|---|" + "---:|" * len(YEARS)]
    for o in d["outcomes"].values():
        fam = {r["year"]: r for r in o["families_by_year"]}
        rng = {r["year"]: r for r in o.get("families_range_by_year", [])}
        for f in ("data loops", "compute loops", "cash loops"):
            lines.append(f"| {o['label'].split(' (')[0]} | {f} | " + " | ".join(ranged(fam.get(y, {}).get(f), rng.get(y, {}).get(f)) for y in YEARS) + " |")
    tops = [(o["label"].split(" (")[0], t) for o in d["outcomes"].values() for t in o["top"][:2]]
    if tops:
        lines += ["", "The two strongest loops of each outcome (mean |relative score| over the run):", ""]
        lines += [f"* {label}: {t['id']} {t['name']}, {ranged(t['mean_abs_share'], t, signed=False)}{_absent(t)}: `{t['path']}`" for label, t in tops]
    if d["reinvestment"]:
        r = d["reinvestment"][0]
        lines += ["", f"Reinvestment loops (through a company's cash and a capacity decision): {len(d['reinvestment'])} listed; the strongest "
                  f"{r['id']} carries {ranged(r['mean_abs_share'], r, signed=False)} of the loops through {r['cash']}{_absent(r)}, active "
                  f"{pct(r['active_months'], signed=False)} of months: `{r['path']}`."]
    if a["table"]:
        by = {(r["link"], r["outcome"]): r for r in a["table"]}
        lines += ["", f"Link ablations, each link cut for the whole run: median change [5 %, 95 %] over {a['samples']} samples "
                  f"(seeds × draws of {len(a['sampled'])} uncertain parameters), values in dollars and the others relative to the "
                  "uncut run; the narrative's data and compute links, then the "
                  f"{TOP_VALUE_LINKS} cuts that move SpaceX+xAI's value most:", ""]
        lines += ["| link cut | " + " | ".join(h for _, h in ABLATION_OUTCOMES) + " |", "|---|" + "---:|" * len(ABLATION_OUTCOMES)]
        for lk in ablation_links(a["table"]):
            lines.append(f"| `{lk}` | " + " | ".join(_cell(by.get((lk, k))) for k, _ in ABLATION_OUTCOMES) + " |")
        stranded = sorted(a["stranded"], key=lambda s: -s["stranded_usd"])[:3]
        if stranded:
            lines += ["", "Cuts that strand spending (an end keeps buying while its output is lost; the largest three of "
                      f"{len(a['stranded'])}): " + "; ".join(f"`{s['link']}` leaves {s['agent']} spending {pct(s['spending_kept'], signed=False)} "
                                                            f"with {pct(s['output_kept'], signed=False)} of its output"
                                                            for s in stranded) + "."]
    lines += ["", "The command's verdict (its own sentences):", ""] + [f"* {v}" for v in d["verdict"]]
    return lines


def render(results: dict[str, dict[str, Any]]) -> str:
    """The section's body from each scenario's ``ecosim flywheel --json``."""
    names = list(results)
    lines = [f"Printed by `ecosim flywheel S --json` for S in {', '.join(names)}. A loop's share says how much of an outcome's "
             "month-to-month change that feedback loop explains; a cut says what the run loses without a link, through loops and "
             "open chains alike (docs/flywheel.md, reading the output).", ""]
    for s in names:
        lines += render_one(results[s]) + [""]
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="src", metavar="DIR", help="read DIR/SCENARIO.json instead of running the command")
    add_check_flag(ap)
    args = ap.parse_args()
    if args.src:
        printed = [(Path(args.src) / f"{s}.json").read_text(encoding="utf-8") for s in SCENARIOS]
    else:
        printed = ecosim_all([["flywheel", s, "--json"] for s in SCENARIOS])
    results = {s: json.loads(text) for s, text in zip(SCENARIOS, printed, strict=True)}
    raise SystemExit(publish({README: {"flywheel": render(results)}}, args.check, "readme_flywheel.py"))


if __name__ == "__main__":
    main()
