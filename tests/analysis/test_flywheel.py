"""``ecosim flywheel``: loop dominance per outcome from the replay, families, reinvestment loops, ablations with intervals."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ecosim.analysis.flywheel import family_share, is_reinvestment
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
