"""``ecosim flywheel``: loop dominance per outcome from the replay, families, reinvestment loops, ablations with intervals."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from ecosim.analysis.flywheel import (
    Flywheel,
    OutcomeView,
    Variant,
    family_ranges,
    family_share,
    fragility,
    is_reinvestment,
    with_ranges,
)
from ecosim.cli import main


def test_family_share_sums_the_family_signed() -> None:
    """A family's share is the signed sum of its loops' relative scores; nan where no loop is active."""
    r = {"L1": np.array([np.nan, 0.5, np.nan]), "L2": np.array([np.nan, -0.2, np.nan]), "L3": np.array([np.nan, 0.3, np.nan])}
    names = {"L1": "data loop (tesla_fleet -> xai)", "L2": "data loop (optimus -> xai)", "L3": "spacex cash loop"}
    out = family_share(r, names, "data loop", 3)
    assert np.isnan(out[0]) and out[1] == pytest.approx(0.3) and np.isnan(out[2])
    assert family_share(r, names, "cash loop", 3)[1] == pytest.approx(0.3)


def test_reinvestment_needs_cash_and_a_capacity_decision() -> None:
    """Through a company's cash and a capacity agent's state: reinvestment; through cash and a signal only: not."""
    assert is_reinvestment(("cash:spacex", "orbital_dc.mw_total", "orbital_dc->xai:compute", "xai.revenue_usd"))
    assert not is_reinvestment(("orbital_dc.mw_total", "orbital_dc->xai:compute", "xai.train_flop"))
    assert not is_reinvestment(("cash:spacex", "xai.revenue_usd"))


@pytest.fixture(scope="module")
def flywheel_json(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["flywheel", "baseline", "--set", "scenario.end_month=2027-12", "--seeds", "2", "--json"])
    assert code == 0
    return json.loads(buf.getvalue())  # type: ignore[no-any-return]


def test_flywheel_reports_dominance_per_outcome_and_year(flywheel_json: dict) -> None:  # type: ignore[type-arg]
    """Each outcome has a row per year; a dominant loop carries more than half of the relative score."""
    d = flywheel_json
    assert set(d["outcomes"]) == {"capability", "launches", "orbital_compute", "spacex_value"}
    cap = d["outcomes"]["capability"]
    assert [r["year"] for r in cap["by_year"]] == [2026, 2027]
    for r in cap["by_year"]:
        if r["dominant"]:
            assert r["share"] > 0.5 and r["polarity"] in (1, -1)
    assert d["control_error"] == 0.0 and d["verdict"]


def test_flywheel_ablation_has_intervals_over_seeds(flywheel_json: dict) -> None:  # type: ignore[type-arg]
    """Every link cut over 2 samples: median inside its 5-95 % interval; cutting the data centre's compute lowers xAI's capability."""
    a = flywheel_json["ablation"]
    assert a["samples"] == 2
    rows = {(r["link"], r["outcome"]): r for r in a["table"]}
    r = rows[("terrestrial_dc->xai:compute", "xai_capability")]
    assert r["relative"] and r["relative_p05"] <= r["relative_median"] <= r["relative_p95"] < 0
    assert r["change_p05"] <= r["change_median"] <= r["change_p95"] < 0  # in the capability index's unit
    v = rows[("terrestrial_dc->xai:compute", "spacex_value")]
    assert not v["relative"] and v["unit"] == "USD" and v["change_p05"] <= v["change_median"] <= v["change_p95"]


def test_flywheel_says_what_orbit_costs_against_the_ground(flywheel_json: dict) -> None:  # type: ignore[type-arg]
    """The verdict's orbital sentence is built from the yearly cost ratio the JSON carries: the
    baseline's orbit costs about twice the ground in 2027 (orbital_dc's published ratio), never below it."""
    orbit = flywheel_json["orbit"]
    assert orbit["cost_ratio"]["2026"] is None  # not published before the first orbital decision
    assert 1.5 < orbit["cost_ratio"]["2027"] < 2.5
    line = next(s for s in flywheel_json["verdict"] if s.startswith("Orbital compute:"))
    assert f"{orbit['cost_ratio']['2027']:.2f}-{orbit['cost_ratio']['2027']:.2f}x the ground over 2027-2027" in line
    assert "never below it" in line


def test_flywheel_tells_signal_cuts_from_goods_cuts(flywheel_json: dict) -> None:  # type: ignore[type-arg]
    """The JSON lists the ablated links that are signal edges: the orbital cost ratio xAI is shown
    is one, the compute the data centre delivers is not; each is a row of the ablation table."""
    a = flywheel_json["ablation"]
    links = {r["link"] for r in a["table"]}
    assert "orbital_dc->xai:orbital_cost_ratio" in a["signals"]
    assert "terrestrial_dc->xai:compute" in links and "terrestrial_dc->xai:compute" not in a["signals"]
    assert set(a["signals"]) <= links


# --------------------------------------------------------------- robustness over link thresholds


def _toy(shares: dict[float, dict[int, float]], dominant: dict[float, dict[int, tuple[str, str, int]]]) -> Flywheel:
    """A flywheel of one outcome found at 5 %, with the cash loops' share by year and the
    dominant loop by year at each threshold (4 %, 5 %, 6 %)."""
    years = sorted(shares[0.05])
    fam = {t: pd.DataFrame({"data loops": [0.0] * len(years), "compute loops": [0.0] * len(years), "cash loops": [s[y] for y in years]},
                           index=pd.Index(years, name="year")) for t, s in shares.items()}
    own = dominant[0.05]
    ids = {path: f"L{i + 1}" for i, path in enumerate(sorted({d[0] for ds in dominant.values() for d in ds.values() if d[0]}))}
    table = pd.DataFrame({"dominant": [ids.get(own[y][0], "") for y in years], "name": [own[y][1] for y in years],
                          "polarity": [own[y][2] for y in years], "share": [0.6] * len(years)}, index=pd.Index(years, name="year"))
    top = [{"id": "L1", "name": "spacex cash loop", "path": "a -> b -> a", "mean_abs_share": 0.2, "polarity": 1}]
    view = OutcomeView("spacex_value", "SpaceX+xAI value", ("cash:spacex",), 10, table, fam[0.05].copy(), top)
    f = Flywheel("toy", 1, [f"{y}-01" for y in years], 0, 0, 10, 8, 0.05, {"spacex_value": view}, [], pd.DataFrame())
    variants = [Variant(t, 10, {"spacex_value": fam[t]}, {"spacex_value": dominant[t]},
                        {"spacex_value": {"a -> b -> a": 0.2 if t < 0.06 else 0.1}}, {}) for t in shares]
    with_ranges(f, variants, ids)
    return f


def test_range_contains_the_default_value() -> None:
    """Each share's range over the thresholds holds the default threshold's value (no loop counting 0)."""
    loop = ("a -> b -> a", "spacex cash loop", 1)
    f = _toy({0.04: {2030: 0.09, 2031: 0.3}, 0.05: {2030: 0.21, 2031: np.nan}, 0.06: {2030: 0.24, 2031: 0.1}},
             {t: {2030: loop, 2031: loop} for t in (0.04, 0.05, 0.06)})
    rows = {r["year"]: r["cash loops"] for r in family_ranges(f.outcomes["spacex_value"])}
    assert (rows[2030]["low"], rows[2030]["high"]) == (0.09, 0.24) and rows[2030]["not_robust"] == ""
    assert rows[2030]["by_threshold"] == [0.09, 0.21, 0.24]
    assert (rows[2031]["low"], rows[2031]["high"]) == (0.0, 0.3) and rows[2031]["not_robust"] == "reaches 0"
    top = f.outcomes["spacex_value"].top
    assert top[0]["low"] <= top[0]["mean_abs_share"] <= top[0]["high"] and top[0]["absent_at"] == []


def test_a_share_that_flips_sign_across_thresholds_is_not_robust() -> None:
    """The cash loops' share is +20 % at 5 % and -10 % at 4 %: the range crosses zero, the JSON
    says it changes sign and the verdict says it is not robust, with the year; a year whose
    dominant loop differs at 6 % is marked not robust, the others are not."""
    a, b = ("a -> b -> a", "spacex cash loop", 1), ("c -> d -> c", "spacex cash loop", -1)
    f = _toy({0.04: {2030: -0.1, 2031: 0.2}, 0.05: {2030: 0.2, 2031: 0.2}, 0.06: {2030: 0.25, 2031: 0.2}},
             {0.04: {2030: a, 2031: a}, 0.05: {2030: a, 2031: a}, 0.06: {2030: a, 2031: b}})
    o = f.outcomes["spacex_value"]
    row = {r["year"]: r["cash loops"] for r in family_ranges(o)}[2030]
    assert row["low"] < 0 < row["high"] and row["not_robust"] == "changes sign"
    assert fragility([-0.1, 0.2, 0.25]) == "changes sign" and fragility([0.1, 0.2, 0.25]) == ""
    assert o.years["robust"].tolist() == [True, False]
    assert o.years.loc[2031, "elsewhere"] == "6 %: L2 spacex cash loop (B)"
    line = next(s for s in f.verdict() if s.startswith("SpaceX+xAI value"))
    assert "dominated by L1 spacex cash loop (reinforcing) 2030-2031 (not robust in 2031)" in line
    assert "not robust: another loop, or none, dominates at another threshold in 2031; the cash loops' yearly share changes sign across thresholds in 2030" in line
    assert "cash loops explain 20 % [15-22 %]" in line  # the mean |share| over the years at 4, 5 and 6 %
    robust = _toy({t: {2030: 0.2, 2031: 0.3} for t in (0.04, 0.05, 0.06)}, {t: {2030: a, 2031: a} for t in (0.04, 0.05, 0.06)})
    line = next(s for s in robust.verdict() if s.startswith("SpaceX+xAI value"))
    assert "not robust" not in line and "cash loops explain 25 % of its change" in line


def test_flywheel_json_carries_the_ranges(flywheel_json: dict) -> None:  # type: ignore[type-arg]
    """--json: the thresholds and loops found at each; per outcome and year each family's range
    (holding the default value, no loop counting 0), why it is not robust and its value at each
    threshold; each year's dominant loop marked robust or not; the strongest loops' ranges."""
    rob = flywheel_json["robustness"]
    assert rob["thresholds"] == [0.04, 0.05, 0.06] and rob["default"] == flywheel_json["min_link"] == 0.05
    assert len(rob["loops"]) == 3 and rob["loops"][1] == flywheel_json["loops"] and rob["loops"][0] >= rob["loops"][1] >= rob["loops"][2]
    assert set(rob["marginal"]) == set(flywheel_json["outcomes"])
    for o in flywheel_json["outcomes"].values():
        value = {r["year"]: r for r in o["families_by_year"]}
        for r in o["families_range_by_year"]:
            for fam in ("data loops", "compute loops", "cash loops"):
                c, v = r[fam], value[r["year"]][fam]
                assert len(c["by_threshold"]) == 3 and c["by_threshold"][1] == v and c["not_robust"] in ("", "reaches 0", "changes sign")
                if c["low"] is not None:
                    assert c["low"] <= (v or 0.0) <= c["high"]
        for r in o["by_year"]:
            assert isinstance(r["robust"], bool) and (r["elsewhere"] == "") == r["robust"]
        for t in o["top"]:
            assert t["low"] <= t["mean_abs_share"] <= t["high"] and 0.05 not in t["absent_at"]
    assert flywheel_json["verdict"][0].startswith("Ranges [low-high] are over link-strength thresholds 4 %, 5 %, 6 %")


def test_flywheel_loops_are_deterministic(flywheel_json: dict) -> None:  # type: ignore[type-arg]
    """The same scenario and seed give the same loops, ranges and verdict on loops (the replay
    run again, here without the ablation)."""
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["flywheel", "baseline", "--set", "scenario.end_month=2027-12", "--no-ablation", "--json"]) == 0
    again = json.loads(buf.getvalue())
    for key in ("outcomes", "robustness", "reinvestment", "loops", "links"):
        assert again[key] == flywheel_json[key], key
    cuts = ("The cut", "The goods cut")
    assert [s for s in again["verdict"] if not s.startswith(cuts)] == [s for s in flywheel_json["verdict"] if not s.startswith(cuts)]


def test_console_prints_each_share_with_its_range() -> None:
    """The console's table: the cash loops' share with its range over the thresholds, and the
    loop that dominates at another threshold where it is another one."""
    from rich.console import Console

    from ecosim.report.console.flywheel import print_flywheel

    a, b = ("a -> b -> a", "spacex cash loop", 1), ("c -> d -> c", "spacex cash loop", -1)
    f = _toy({0.04: {2030: -0.1, 2031: 0.2}, 0.05: {2030: 0.2, 2031: 0.2}, 0.06: {2030: 0.25, 2031: 0.2}},
             {0.04: {2030: a, 2031: a}, 0.05: {2030: a, 2031: a}, 0.06: {2030: a, 2031: b}})
    out = Console(record=True, width=240, color_system=None)
    print_flywheel(out, f)
    rows = {s.split("│")[1].strip(): [c.strip() for c in s.split("│")[2:-1]] for s in out.export_text().splitlines() if s.startswith("│ 20")}
    assert rows["2030"][-2:] == ["+20% [-10%, +25%]", "same"]
    assert rows["2031"][-2:] == ["+20%", "6 %: L2 spacex cash loop (B)"]
