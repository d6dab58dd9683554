"""The narrative scorecard: the claims file, verdicts on hand-made series, and verdict dates that
match a real run's time series."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from ecosim.analysis.scorecard import (
    Claim,
    ensemble_scorecard,
    evaluate_claim,
    load_claims,
    run_scorecard,
    score_results,
)
from ecosim.errors import ClaimError
from ecosim.finance.series_value import company_equity, results_equity
from ecosim.finance.valuation import Assumptions
from ecosim.results.rundir import SavedRun
from ecosim.run import RunResult
from tests.conftest import write_toml

SEEDS = {"000_b8cdceee8bd549a0.txt", "001_d6124ff9d4e99c35.txt", "002_790d88de6b92b6de.txt", "003_20b57c1fe67da0ed.txt"}
DATES = [f"{2026 + i // 12}-{i % 12 + 1:02d}" for i in range(36)]  # 2026-01 .. 2028-12


def claim(test: dict | None = None, **kw: object) -> Claim:
    base = {"id": "c", "claim": "x", "quote": "q", "seed": "000_b8cdceee8bd549a0.txt", "line": 1, "speaker": "s", "said": "2026-02", "stance": "narrative", "entity": "world"}
    if test is None:
        base["not_modelled"] = "absent"
    else:
        base["test"] = test
    return Claim.model_validate({**base, **kw})


def ramp(*members: float) -> dict[str, np.ndarray]:
    """Metric ``m`` rising by ``step`` a month from 0, one column per step value."""
    return {"odc_power_gw": np.outer(np.arange(36.0), np.asarray(members))}


def test_bundled_claims_cite_a_seed_and_line() -> None:
    """Every bundled claim names one of the four seed files and a line, has a test or a reason, and its id is unique."""
    claims = load_claims()
    assert len(claims) >= 25
    assert len({c.id for c in claims}) == len(claims)
    for c in claims:
        assert c.seed in SEEDS and c.line >= 1, c.id
        for place in c.also:
            f, line = place.split(":")
            assert f in SEEDS and int(line) >= 1, c.id
        assert (c.test is None) != (c.not_modelled is None)
    ids = {c.id for c in claims}
    for must in ("space_cheapest_36m", "spacex_solar_100gw_yr", "tesla_solar_100gw_yr", "starship_10000_per_yr", "starlink_1m_satellites",
                 "chips_unpowered_2026", "space_ai_hundreds_gw_5yr", "valuation_1_25t", "cybercab_april_2026", "fsd_europe_2026_03"):
        assert must in ids


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[claim]]\nid='a'\n", r"bad\.toml: claim\[0\]\.claim: Field required"),
        ('[[claim]]\nid="a"\nclaim="c"\nquote="q"\nseed="s"\nline=3\nspeaker="p"\nsaid="2026-02"\nstance="narrative"\nentity="world"\n[claim.test]\nmetric="nope"\nop="<"\nthreshold=1\n',
         r"claim\[0\]\.test\.metric\.0: must be a metric of ecosim\.metrics\.METRICS \(got 'nope'\)"),
        ('[[claim]]\nid="a"\nclaim="c"\nquote="q"\nseed="s"\nline=3\nspeaker="p"\nsaid="2026-02"\nstance="narrative"\nentity="world"\n[claim.test]\nmetric="odc_power_gw"\nop="between"\nthreshold=1\n',
         r"claim\[0\]\.test: op 'between' needs threshold = \[low, high\] with low <= high \(got 1\.0\)"),
        ('[[claim]]\nid="a"\nclaim="c"\nquote="q"\nseed="s"\nline=3\nspeaker="p"\nsaid="2026-02"\nstance="narrative"\nentity="world"\n',
         r"claim\[0\]: give exactly one of \[claim\.test\] and not_modelled"),
        ("claim = 3\n", r"bad\.toml: must hold \[\[claim\]\] tables"),
    ],
)
def test_bad_claims_file_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    """A wrong claims file raises ClaimError naming the file, the claim's index and field, and the value."""
    path = write_toml(tmp_path, "bad.toml", text)
    with pytest.raises(ClaimError, match=message) as err:
        load_claims(path)
    assert "\n" not in str(err.value)


def test_first_month_on_time_late_false_open() -> None:
    """A 'first' test is true at the first month it holds by the deadline, late after it, false or open when it never holds."""
    c = claim({"metric": "odc_power_gw", "op": ">=", "threshold": 10.0, "deadline": "2026-12"})
    e = evaluate_claim(c, ramp(1.0, 0.5, 0.1), DATES)
    # member 0 reaches 10 in month 10 (2026-11); member 1 in month 20 (2027-09); member 2 reaches 3.5 at most
    assert e.status.tolist() == ["true", "late", "false"]
    assert e.when.tolist() == ["2026-11", "2027-09", ""]
    assert_allclose(e.value.astype(float), [10.0, 10.0, 1.1])  # member 2: its best up to the deadline (month 11)
    assert e.holds_at_end.tolist() == [True, True, False]
    later = claim({"metric": "odc_power_gw", "op": ">=", "threshold": 100.0, "deadline": "2030-12"})
    assert evaluate_claim(later, ramp(1.0), DATES).status.tolist() == ["open"]
    before = claim({"metric": "odc_power_gw", "op": ">=", "threshold": 1.0, "deadline": "2025-06"})
    assert evaluate_claim(before, ramp(1.0), DATES).status.tolist() == ["before run"]


def test_always_check_reports_the_first_failure() -> None:
    """An 'always' test holds in every month of its window (true), fails at a month (false, when = that month), or is open past the run."""
    fcf = {"spacex_fcf_usd": np.column_stack([np.ones(36), np.where(np.arange(36) == 30, -5.0, 1.0)])}
    c = claim({"metric": "spacex_fcf_usd", "op": ">", "threshold": 0.0, "check": "always", "start": "2026-06", "deadline": "2028-12"})
    e = evaluate_claim(c, fcf, DATES)
    assert e.status.tolist() == ["true", "false"] and e.when.tolist() == ["", "2028-07"]
    assert_allclose(e.value.astype(float), [1.0, -5.0])
    open_ended = claim({"metric": "spacex_fcf_usd", "op": ">", "threshold": 0.0, "check": "always", "deadline": "2031-12"})
    assert evaluate_claim(open_ended, fcf, DATES).status.tolist() == ["open", "false"]


def test_transforms_sum12_change12_versus_between() -> None:
    """sum12 checks trailing 12-month totals from the 12th month; change12 12-month changes; versus compares with summed metrics; between is inclusive."""
    launches = {"starship_launches": np.full((36, 1), 10.0), "spacex_launches": np.full((36, 1), 5.0)}
    c = claim({"metric": "starship_launches", "transform": "sum12", "op": ">=", "threshold": 120.0})
    e = evaluate_claim(c, launches, DATES)
    assert e.status[0] == "true" and e.when[0] == "2026-12" and e.value[0] == 120.0
    assert claim({"metric": "starship_launches", "transform": "sum12", "op": ">=", "threshold": 120.0}).test.unit == "launches/yr"  # type: ignore[union-attr]
    robots = {"optimus_robots": np.arange(36.0)[:, None] ** 2, "cybercab_fleet": np.zeros((36, 1))}
    ch = claim({"metric": ["optimus_robots", "cybercab_fleet"], "transform": "change12", "op": ">=", "threshold": 300.0})
    e = evaluate_claim(ch, robots, DATES)  # x^2 - (x-12)^2 = 24x - 144 >= 300 first at x = 18.5 -> month 19
    assert e.when[0] == "2027-08" and e.value[0] == 19**2 - 7**2
    vs = claim({"metric": "odc_power_gw", "op": ">", "versus": ["spacex_launches"]})
    e = evaluate_claim(vs, {**ramp(1.0), "spacex_launches": np.full((36, 1), 5.0)}, DATES)
    assert e.when[0] == "2026-07"  # 6 > 5 first in month 6
    bt = claim({"metric": "odc_power_gw", "op": "between", "threshold": [3.0, 4.0], "deadline": "2026-12"})
    assert evaluate_claim(bt, ramp(1.0), DATES).when[0] == "2026-04"


def test_equity_value_claims_value_as_ecosim_value_does() -> None:
    """An equity_value test checks, in January of each full year, the company's equity value as ecosim value computes it (multi-stage DCF after tax, plus cash)."""
    a = Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, terminal="gordon", discounting="end")
    series = {"spacex_revenue_usd": np.full((36, 1), 2e9), "spacex_fcf_usd": np.full((36, 1), 1e9), "spacex_capex_usd": np.zeros((36, 1)),
              "spacex_cash_usd": np.full((36, 1), 5e9), "xai_cash_usd": np.zeros((36, 1)),
              **{f"xai_premerger_{k}_usd": np.zeros((36, 1)) for k in ("revenue", "fcf", "capex")}}
    equity = company_equity(series, DATES, a)
    # 12e9/yr for 3 years, then the same forever (Gordon, g = 0) at 10%: 12e9 / 0.10 = 1.2e11; plus 5e9 of cash
    # (at the start of 2026: January's cash less January's free cash flow: 5e9 - 1e9)
    assert_allclose(equity["spacex"][0, 0], 1.2e11 + 4e9)
    assert_allclose(equity["spacex"][12, 0], 1.2e11 + 5e9)
    assert np.isnan(equity["spacex"][1:12]).all() and "tesla" not in equity
    c = claim({"metric": "spacex_fcf_usd", "transform": "equity_value", "op": ">=", "threshold": 1.245e11, "deadline": "2026-12"})
    e = evaluate_claim(c, series, DATES, equity)
    assert e.status[0] == "late" and e.when[0] == "2027-01"
    assert_allclose(e.value[0], 1.25e11)
    assert evaluate_claim(c, series, DATES).status[0] == "not recorded"
    with pytest.raises(ValueError, match="must be the free-cash-flow metric of spacex_fcf_usd, tesla_fcf_usd"):
        claim({"metric": "odc_power_gw", "transform": "equity_value", "op": ">=", "threshold": 1.0})


def test_not_modelled_and_not_recorded() -> None:
    """A claim without a test is 'not modelled' with its reason; a test on a metric absent from the results is 'not recorded'."""
    assert evaluate_claim(claim(None), ramp(1.0), DATES).status[0] == "not modelled"
    e = evaluate_claim(claim({"metric": "starlink_satellites", "op": ">", "threshold": 1.0}), ramp(1.0), DATES)
    assert e.status[0] == "not recorded" and "starlink_satellites" in e.reason


def test_ensemble_probability_and_median_year() -> None:
    """Over members: probability on time, probability by the end and the median year among members where the claim comes true."""
    c = claim({"metric": "odc_power_gw", "op": ">=", "threshold": 12.0, "deadline": "2026-12"})
    e = evaluate_claim(c, ramp(2.0, 1.0, 0.5, 0.1), DATES)  # month 6 (2026), 12 (2027), 24 (2028), never
    (row,) = ensemble_scorecard([e])
    assert row["members"] == 4
    assert_allclose([row["p_on_time"], row["p_by_end"], row["median_year"]], [0.25, 0.75, 2027.0])


def _lhs(ts: pd.DataFrame, metrics: list[str], transform: str, equity: dict[str, np.ndarray]) -> pd.Series:
    """The test's left side computed independently of the scorecard (pandas rolling; the
    equity values of ecosim.finance.series_value)."""
    if transform == "equity_value":
        from ecosim.finance.series_value import company_of

        return pd.Series(sum(equity[company_of(m)][:, 0] for m in metrics), index=ts.index)  # spacex_alone_fcf_usd is SpaceX alone's
    x = ts[metrics].sum(axis=1)
    if transform == "sum12":
        return x.rolling(12).sum()
    if transform == "change12":
        return x.diff(12)
    return x


def test_verdict_dates_match_the_run_time_series(baseline_run: RunResult) -> None:
    """In a real run the month a claim comes true is the first month its test holds in the time series, and a false claim's test never holds by its deadline."""
    ts = baseline_run.timeseries
    equity = results_equity(baseline_run.results)
    rows = {r.id: r for r in baseline_run.summary.scorecard}
    checked = 0
    for c in load_claims():
        t = c.test
        if t is None or t.check != "first":
            continue
        lhs = _lhs(ts, t.metric, t.transform, equity)
        rhs = _lhs(ts, t.versus, t.transform, equity) if t.versus else None
        if t.op == "between":
            lo, hi = t.threshold  # type: ignore[misc]
            holds = (lhs >= lo) & (lhs <= hi)
        else:
            other = rhs if rhs is not None else t.threshold
            holds = {"<": lhs < other, "<=": lhs <= other, ">": lhs > other, ">=": lhs >= other}[t.op]
        months = ts["date"][holds.fillna(False).astype(bool)].tolist()
        r = rows[c.id]
        if c.mark is not None:  # judged at the mark's month on its value like for like (test_quantities_across_commands)
            assert r.when == c.mark.date, c.id
            checked += 1
        elif c.kind == "at_date":
            # judged at its date: the last checkable month up to the deadline, true there or false
            last = ts["date"][lhs.notna() & (ts["date"] <= t.deadline)].iloc[-1]
            assert r.when == last and r.status == ("true" if last in months else "false"), c.id
            checked += 1
        elif r.status in ("true", "late"):
            assert r.when == months[0], c.id
            assert_allclose(r.value, lhs[ts["date"] == r.when].iloc[0], rtol=1e-12)
            assert (r.status == "true") == (r.when <= (t.deadline or ts["date"].iloc[-1])), c.id
            checked += 1
        elif r.status == "false":
            assert not months, c.id
            checked += 1
    assert checked >= 20


def test_run_summary_holds_the_scorecard(baseline_run: RunResult, baseline_saved: SavedRun) -> None:
    """`ecosim run`'s summary lists every claim with its verdict; the run read back from its directory (stored WACC and cash at the start) scores the same."""
    rows = baseline_run.summary.scorecard
    assert [r.id for r in rows] == [c.id for c in load_claims()]
    assert {r.status for r in rows} <= {"true", "late", "false", "open", "not modelled"}
    again = run_scorecard(score_results(baseline_saved.results))
    assert again == [dataclasses.asdict(r) for r in rows]
    skeptic = {r.id: r for r in rows}["space_dc_not_yet"]
    assert skeptic.status == "true" and skeptic.when == "2026-02"  # baseline: orbit dearer than ground at the claim's date


def test_ecosim_run_prints_and_saves_the_scorecard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ecosim run` prints the scorecard and writes it to summary.json; a shortened run leaves later deadlines open."""
    import json

    from ecosim.cli import main

    out = tmp_path / "short"
    assert main(["run", "baseline", "--set", "scenario.end_month=2027-06", "--no-figures", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Narrative scorecard" in printed and "Cybercab volume production starts in April 2026" in printed
    rows = {r["id"]: r for r in json.loads((out / "summary.json").read_text())["scorecard"]}
    assert rows["cybercab_april_2026"]["status"] == "true" and rows["cybercab_april_2026"]["when"] == "2026-04"
    assert rows["starlink_20m_2030"]["status"] in ("open", "true")
    assert rows["space_cheapest_5yr"]["status"] == "open"  # deadline 2030-12 is after the run's end
    assert rows["tesla_solar_100gw_yr"]["status"] == "not modelled"


def test_a_run_in_progress_keeps_undated_claims_open() -> None:
    """Scored before the run's end (run_end later than the series), a claim without a deadline that has not come true is open, not false; one that came true is true."""
    never = claim({"metric": "odc_power_gw", "op": ">=", "threshold": 1e6})
    assert evaluate_claim(never, ramp(1.0), DATES).status[0] == "false"
    assert evaluate_claim(never, ramp(1.0), DATES, run_end="2040-12").status[0] == "open"
    soon = claim({"metric": "odc_power_gw", "op": ">=", "threshold": 3.0})
    e = evaluate_claim(soon, ramp(1.0), DATES, run_end="2040-12")
    assert (e.status[0], e.when[0]) == ("true", "2026-04")


def test_a_run_without_a_value_leaves_valuation_claims_unrecorded(tmp_path: Path) -> None:
    """A scenario whose terminal growth reaches its discount rate (unlevered 4.5 + 0.5 x 5.5 = 7.25 % against 10 %) still runs and is scored; its valuation claims are 'not recorded'."""
    from ecosim.run import run_scenario
    from ecosim.scenario import load_scenario

    result = run_scenario(load_scenario("baseline", ["scenario.end_month=2026-12", "capital_market.terminal_growth_pct=10", "capital_market.beta_unlevered=0.5"]))
    rows = {r.id: r for r in result.summary.scorecard}
    assert rows["valuation_1_25t"].status == "not recorded"
    assert rows["cybercab_april_2026"].status == "true"


def test_a_claim_on_a_mark_is_judged_at_the_marks_month_on_its_value_like_for_like() -> None:
    """A valuation claim naming a mark of valuation_marks.csv is true or false at the mark's month on the value set
    against that mark (here given by hand), not on the start-of-year equity; without that value it is 'not recorded'
    (or 'open' in a run still going); the claim file refuses a mark it cannot be judged on."""
    mark = {"entity": "SpaceX+xAI", "date": "2026-02", "value_usd": 1.25e12}
    test = {"metric": "spacex_fcf_usd", "transform": "equity_value", "op": ">=", "threshold": 1.25e12, "deadline": "2026-02"}
    c = claim(test, entity="spacex_xai", kind="at_date", mark=mark)
    m = c.mark.resolve()  # type: ignore[union-attr]
    assert (m.kind, m.basis) == ("merger (SpaceX 1.0e12 + xAI 0.25e12)", "traded")
    equity = {"spacex": np.where(np.arange(36)[:, None] % 12 == 0, 1.2e12, np.nan) * np.ones((36, 2))}  # 1.2T at each January: below the mark
    e = evaluate_claim(c, {}, DATES, equity, members=2, marks={m: np.array([1.26e12, 1.24e12])})
    assert e.status.tolist() == ["true", "false"] and e.when.tolist() == ["2026-02", "2026-02"]
    assert e.value.tolist() == [1.26e12, 1.24e12]
    assert evaluate_claim(c, {}, DATES, equity, members=2).status.tolist() == ["not recorded"] * 2
    assert evaluate_claim(c, {}, DATES[:6], {"spacex": np.full((6, 1), np.nan)}, members=1, run_end="2028-12").status.tolist() == ["open"]
    with pytest.raises(ValueError, match="deadline must be 2026-02"):
        claim({**test, "deadline": "2026-12"}, entity="spacex_xai", kind="at_date", mark=mark)
    with pytest.raises(ValueError, match="which spacex_alone_fcf_usd's company"):
        claim({**test, "metric": "spacex_alone_fcf_usd"}, entity="spacex", kind="at_date", mark=mark)
    with pytest.raises(ValueError, match="one row of ecosim/data/valuation_marks.csv"):
        claim(test, entity="spacex_xai", kind="at_date", mark={**mark, "value_usd": 1.3e12})


def test_bundled_valuation_claims_on_marks() -> None:
    """The merger valuation (000:5), the 2026 IPO above $1T (000:34, at the IPO pricing talk's month), the $1.5T IPO
    target of SpaceX alone (001:4) and seed 002's fair value of SpaceX alone (002:485, its own $210B mark in the
    report's month) are judged on their marks."""
    on = {c.short_source + " " + c.id: c.mark.resolve() for c in load_claims() if c.mark is not None}
    assert {k: (m.entity, m.date, m.value_usd) for k, m in on.items()} == {
        "000:5 valuation_1_25t": ("SpaceX+xAI", "2026-02", 1.25e12), "000:34 ipo_over_1t": ("SpaceX+xAI", "2026-06", 1.75e12),
        "001:4 ipo_1_5t": ("SpaceX", "2025-12", 1.5e12), "002:485 spacex_fair_value_210b": ("SpaceX", "2026-02", 2.1e11)}
