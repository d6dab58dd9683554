"""Claims on their own terms (issue 16, item 4): each claim names its entity and date; a dated
claim is true or false at its date; 'late' only for operational milestones; no vacuous truths;
seed 002's SpaceX-alone claims scored on SpaceX alone."""

from __future__ import annotations

import numpy as np
import pytest

from ecosim.analysis.scorecard import ENTITIES, evaluate_claim, load_claims
from ecosim.errors import ClaimError
from ecosim.results.rundir import SavedRun
from tests.analysis.test_scorecard import DATES, claim, ramp


def test_a_dated_claim_is_judged_at_its_date_and_never_late() -> None:
    """odc_power_gw rises 1 GW a month from 2026-01 (0 GW): '>= 5 GW by 2026-03' is false at
    its date (2 GW then) although it holds from 2026-06 — a milestone of the same test is late."""
    test = {"metric": "odc_power_gw", "op": ">=", "threshold": 5.0, "deadline": "2026-03"}
    dated = evaluate_claim(claim(test, kind="at_date"), ramp(1.0), DATES)
    assert dated.status.tolist() == ["false"] and dated.when.tolist() == ["2026-03"] and dated.value.tolist() == [2.0]
    milestone = evaluate_claim(claim(test, kind="milestone"), ramp(1.0), DATES)
    assert milestone.status.tolist() == ["late"] and milestone.when.tolist() == ["2026-06"]
    # true at its date: judged in that month, with its value then
    ok = evaluate_claim(claim({**test, "threshold": 2.0}, kind="at_date"), ramp(1.0), DATES)
    assert ok.status.tolist() == ["true"] and ok.when.tolist() == ["2026-03"] and ok.value.tolist() == [2.0]
    # a date after the run's end: open
    later = evaluate_claim(claim({**test, "deadline": "2030-01"}, kind="at_date"), ramp(1.0), DATES)
    assert later.status.tolist() == ["open"]
    with pytest.raises(ValueError, match="at_date"):
        claim({"metric": "odc_power_gw", "op": ">=", "threshold": 5.0}, kind="at_date")


def test_nothing_against_nothing_is_not_a_claim_come_true() -> None:
    """'Orbital compute >= terrestrial compute' with both zero in 2026 holds only when orbit
    actually has compute: 0 >= 0 is not true."""
    n = len(DATES)
    odc = np.r_[np.zeros(12), np.full(n - 12, 5.0)][:, None]
    ground = np.r_[np.zeros(12), np.full(n - 12, 3.0)][:, None]
    e = evaluate_claim(claim({"metric": "odc_compute_eflops", "op": ">=", "versus": ["terrestrial_compute_eflops"]}),
                       {"odc_compute_eflops": odc, "terrestrial_compute_eflops": ground}, DATES)
    assert e.status.tolist() == ["true"] and e.when.tolist() == ["2027-01"]
    zero = evaluate_claim(claim({"metric": "odc_power_gw", "op": ">=", "threshold": 0.0}), {"odc_power_gw": np.zeros((n, 1))}, DATES)
    assert zero.status.tolist() == ["false"]


def test_every_claim_names_its_entity_and_seed_002_spacex_is_spacex_alone() -> None:
    """Every bundled claim names an entity; seed 002 values SpaceX alone, so its revenue, cash
    flow and valuation claims read the spacex_alone_* metrics; valuations and forecasts of a
    year are judged at their date."""
    claims = {c.id: c for c in load_claims()}
    assert all(c.entity in ENTITIES for c in claims.values())
    for cid in ("spacex_fair_value_210b", "revenue_89b_2030", "revenue_245b_2035", "fcf_positive_from_2026", "fcf_18b_2030"):
        c = claims[cid]
        assert c.entity == "spacex" and c.test is not None and all(m.startswith("spacex_alone_") for m in c.test.metric), cid
    for cid in ("valuation_1_25t", "ipo_over_1t", "ipo_1_5t", "spacex_fair_value_210b", "revenue_89b_2030", "revenue_245b_2035", "fcf_18b_2030"):
        assert claims[cid].kind == "at_date", cid
    assert claims["valuation_1_25t"].entity == "spacex_xai"
    with pytest.raises(ValueError, match="SpaceX alone"):
        claim({"metric": "spacex_revenue_usd", "op": ">=", "threshold": 1.0}, entity="spacex")


def test_a_wrong_entity_in_a_claims_file_is_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import write_toml

    path = write_toml(tmp_path, "bad.toml", '[[claim]]\nid="a"\nclaim="c"\nquote="q"\nseed="s"\nline=3\nspeaker="p"\nsaid="2026-02"\nstance="narrative"\nentity="mars"\nnot_modelled="x"\n')
    with pytest.raises(ClaimError, match=r"claim\[0\]\.entity: "):
        load_claims(path)


@pytest.mark.slow
def test_seed_002_revenue_is_scored_on_spacex_alone_at_its_date(baseline_saved: SavedRun) -> None:
    """revenue_89b_2030 is SpaceX alone's revenue over 2030 (sum of spacex_alone_revenue_usd),
    judged in 2030-12; SpaceX alone's revenue is below SpaceX with xAI's."""
    from ecosim.analysis.scorecard import run_scorecard, score_results

    rows = {r["id"]: r for r in run_scorecard(score_results(baseline_saved.results))}
    ts = baseline_saved.timeseries
    in2030 = ts["date"].str.startswith("2030")
    alone = float(ts.loc[in2030, "spacex_alone_revenue_usd"].sum())
    assert alone < float(ts.loc[in2030, "spacex_revenue_usd"].sum())
    r = rows["revenue_89b_2030"]
    assert r["when"] == "2030-12" and r["value"] == pytest.approx(alone, rel=1e-9)
    assert r["status"] == ("true" if alone >= 8.92e10 else "false")
    v = rows["valuation_1_25t"]
    assert v["when"] == "2026-02" and v["status"] in ("true", "false")  # judged at the merger mark's month


def test_a_claim_on_an_anthropic_mark_is_judged_on_anthropic() -> None:
    """The scorecard's ``anthropic`` entity: a valuation claim on Anthropic's Series F mark is
    valued from Anthropic's own free cash flow (its company of the series valuation), and the
    claim must name that company's metric."""
    from ecosim.analysis.scorecard import Claim
    from ecosim.finance.series_value import COMPANIES, company_of_mark

    base = {"id": "a", "claim": "Anthropic is worth $183B", "quote": "q", "seed": "s", "line": 1, "speaker": "p", "said": "2025-09",
            "stance": "analyst", "entity": "anthropic", "kind": "at_date", "mark": {"entity": "Anthropic", "date": "2025-09", "value_usd": 183e9}}
    ok = Claim.model_validate({**base, "test": {"metric": "anthropic_fcf_usd", "transform": "equity_value", "op": ">=", "threshold": 183e9, "deadline": "2025-09"}})
    mark = ok.mark.resolve() if ok.mark is not None else None
    assert mark is not None and company_of_mark(mark) == "anthropic" and COMPANIES["anthropic"].cash == ("anthropic_cash_usd",)
    with pytest.raises(ValueError, match="the mark prices Anthropic"):
        Claim.model_validate({**base, "test": {"metric": "tesla_fcf_usd", "transform": "equity_value", "op": ">=", "threshold": 183e9, "deadline": "2025-09"}})
