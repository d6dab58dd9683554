"""Loops that Matter on textbook models whose loop dominance is known analytically or published.

Models: Bass diffusion (dominance shifts at the analytic inflection point), logistic growth
(the reference output of an LTM implementation), births and deaths (the published +67 % /
-33 % split) and the three-party arms race of "Finding the loops that matter" (8 loops, the
two three-party loops among them, shares in steady growth computed by hand).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.testing import assert_allclose

from ecosim.analysis.ltm import (
    CausalGraph,
    Link,
    bounded_cycles,
    dominance,
    link_scores,
    loop_scores,
    loops_through,
    partial_changes,
    relative_loop_scores,
    shifts,
)


def _rk4(deriv: Callable[[np.ndarray], np.ndarray], y0: np.ndarray, h: float, n: int) -> np.ndarray:
    """Classical Runge-Kutta, ``n`` steps of ``h``: the trajectory, time first."""
    ys = [np.asarray(y0, dtype=float)]
    for _ in range(n):
        y = ys[-1]
        k1 = deriv(y)
        k2 = deriv(y + h / 2 * k1)
        k3 = deriv(y + h / 2 * k2)
        k4 = deriv(y + h * k3)
        ys.append(y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4))
    return np.array(ys)


def _relative(graph: CausalGraph, values: dict[str, np.ndarray], equations: dict[str, Callable[..., np.ndarray]]) -> tuple[list, dict[str, np.ndarray]]:  # type: ignore[type-arg]
    loops = graph.loops()
    scores = link_scores(graph, values, partial_changes(graph, values, equations))
    return loops, relative_loop_scores(loop_scores(loops, scores))


# ------------------------------------------------------------------ Bass diffusion

#: (p, q) per member [1/yr]: innovation and imitation; (0.03, 0.38) are the mean estimates of
#: Sultan, Farley and Lehmann (1990), J. Marketing Research 27(1); the others bracket them
BASS = np.array([[0.03, 0.38], [0.01, 0.5], [0.005, 0.3], [0.02, 0.2]])


def _bass(months: int = 360) -> tuple[CausalGraph, dict[str, np.ndarray], dict[str, Callable[..., np.ndarray]]]:
    """Potential adopters P and adopters A (market N = 1), adoption from advertising p·P and
    word of mouth q·A·P/N; four members with their own (p, q), monthly steps (RK4)."""
    p, q, n = BASS[:, 0], BASS[:, 1], 1.0
    K = len(BASS)

    def deriv(y: np.ndarray) -> np.ndarray:
        adopting = p * y[0] + q * y[1] * y[0] / n
        return np.stack([-adopting, adopting])

    ys = _rk4(deriv, np.stack([np.full(K, n), np.zeros(K)]), 1.0 / 12.0, months)
    P, A = ys[:, 0], ys[:, 1]
    equations: dict[str, Callable[..., np.ndarray]] = {
        "advertising": lambda P: p * P,
        "word_of_mouth": lambda A, P: q * A * P / n,
        "adopting": lambda advertising, word_of_mouth: advertising + word_of_mouth,
    }
    values = {"P": P, "A": A, "advertising": p * P, "word_of_mouth": q * A * P / n}
    values["adopting"] = values["advertising"] + values["word_of_mouth"]
    graph = CausalGraph((
        Link("P", "advertising"), Link("P", "word_of_mouth"), Link("A", "word_of_mouth"),
        Link("advertising", "adopting"), Link("word_of_mouth", "adopting"),
        Link("adopting", "A", flow=1), Link("adopting", "P", flow=-1),
    ), variables=("P", "A"))
    return graph, values, equations


def test_bass_loops_are_word_of_mouth_and_two_depletion_loops() -> None:
    """Bass has three loops: word of mouth (reinforcing) and market depletion through word of mouth and through advertising (balancing)."""
    graph, values, equations = _bass()
    loops, rel = _relative(graph, values, equations)
    assert [lp.path for lp in loops] == [
        "P -> advertising -> adopting -> P",
        "P -> word_of_mouth -> adopting -> P",
        "A -> word_of_mouth -> adopting -> A",
    ]
    signs = {lp.path: np.sign(np.nanmedian(rel[lp.id])) for lp in loops}
    assert list(signs.values()) == [-1.0, -1.0, 1.0]


def test_bass_dominance_shifts_at_the_inflection_point() -> None:
    """Word of mouth dominates until the analytic inflection t* = ln(q/p)/(p+q), then market depletion: the shift is found within one month of t*."""
    graph, values, equations = _bass()
    loops, rel = _relative(graph, values, equations)
    d = dominance(rel)
    t_star_months = 12.0 * np.log(BASS[:, 1] / BASS[:, 0]) / BASS.sum(axis=1)
    for k, t_star in enumerate(t_star_months):
        found = shifts(d.polarity[:, k])
        assert len(found) == 1 and abs(found[0] - t_star) <= 1.0, (BASS[k], found, t_star)
        ids = d.dominant_ids()[:, k]
        assert set(ids[1 : found[0]]) == {"L3"}  # word of mouth
        assert set(ids[found[0] :]) == {"L2"}  # depletion through word of mouth


def test_bass_relative_scores_by_hand() -> None:
    """Word of mouth's share is q·P_t / (N (p + q)) at every month (the knock-out partial change of q·A·P/N)."""
    graph, values, equations = _bass()
    _, rel = _relative(graph, values, equations)
    P = values["P"]
    assert_allclose(rel["L3"][1:], BASS[:, 1] * P[1:] / BASS.sum(axis=1), rtol=1e-9)
    assert_allclose(rel["L1"][1:], -BASS[:, 0] / BASS.sum(axis=1) + 0 * P[1:], rtol=1e-9)


def test_relative_scores_of_a_variable_sum_to_one_each_month() -> None:
    """The relative scores of the loops through a variable have magnitudes summing to 100 % in every month with any loop active."""
    graph, values, equations = _bass()
    loops = graph.loops()
    scores = loop_scores(loops, link_scores(graph, values, partial_changes(graph, values, equations)))
    for variable in ("A", "P", "word_of_mouth"):
        through = [lp.id for lp in loops_through(loops, variable)]
        rel = relative_loop_scores(scores, among=through)
        total = np.sum([np.abs(rel[i]) for i in through], axis=0)
        assert through and np.isnan(total[0]).all()
        assert_allclose(total[1:], 1.0, rtol=1e-12)


def test_no_active_loop_gives_no_relative_score() -> None:
    """At an equilibrium nothing changes: every loop score is 0 and relative scores are undefined (nan), not a division by zero."""
    graph = CausalGraph((Link("S", "outflow"), Link("outflow", "S", flow=-1), Link("S", "inflow"), Link("inflow", "S", flow=1)))
    flat = {v: np.full((5, 2), 3.0) for v in graph.variables}
    partial = {(s, t): np.zeros((5, 2)) for s, t in (("S", "outflow"), ("S", "inflow"))}
    rel = relative_loop_scores(loop_scores(graph.loops(), link_scores(graph, flat, partial)))
    assert all(np.isnan(r).all() for r in rel.values())
    assert (dominance(rel).polarity == 0).all()


# ------------------------------------------------------------------ logistic growth

#: relative loop scores [%] of the logistic model below, years 0-100: the LTM reference output
#: shipped with simlin (github.com/bpowers/simlin, test/logistic_growth_ltm/ltm_results.tsv),
#: rounded by its authors to 3 significant digits; R1 population -> net births -> population,
#: B1 through the fraction of carrying capacity used
LOGISTIC_R1 = [0, 99.4, 99.4, 99.3, 99.2, 99.1, 99, 98.9, 98.8, 98.6, 98.5, 98.3, 98.1, 97.9, 97.6, 97.3, 97, 96.7, 96.3, 95.8, 95.4,
               94.8, 94.2, 93.6, 92.9, 92.1, 91.2, 90.2, 89.2, 88, 86.7, 85.4, 83.9, 82.2, 80.5, 78.6, 76.6, 74.4, 72.2, 69.7, 67.2,
               64.6, 61.8, 59, 56.1, 53.1, 50.1, 47.1, 44.2, 41.2, 38.3, 35.5, 32.7, 30.1, 27.5, 25.1, 22.9, 20.8, 18.8, 17, 15.3,
               13.7, 12.3, 11, 9.83, 8.77, 7.81, 6.94, 6.17, 5.47, 4.85, 4.3, 3.8, 3.37, 2.98, 2.63, 2.32, 2.05, 1.81, 1.6, 1.41,
               1.24, 1.09, 0.96, 0.85, 0.75, 0.66, 0.58, 0.51, 0.45, 0.4, 0.35, 0.31, 0.27, 0.24, 0.21, 0.19, 0.16, 0.14, 0.13, 0.11]


def test_logistic_growth_reproduces_the_reference_output() -> None:
    """Logistic growth (r = 0.12/yr, K = 1000, P0 = 5, Euler dt = 1): R1's share is 1 - P_t/K and matches the reference output to its rounding."""
    r, cap, years = 0.12, 1000.0, 100
    P = np.empty(years + 1)
    P[0] = 5.0
    for t in range(years):
        P[t + 1] = P[t] + r * (1 - P[t] / cap) * P[t]
    values = {"P": P, "used": P / cap, "growth": r * (1 - P / cap)}
    values["net_births"] = values["growth"] * P
    graph = CausalGraph((Link("P", "net_births"), Link("P", "used"), Link("used", "growth"), Link("growth", "net_births"), Link("net_births", "P", flow=1)))
    equations: dict[str, Callable[..., np.ndarray]] = {
        "used": lambda P: P / cap, "growth": lambda used: r * (1 - used), "net_births": lambda growth, P: growth * P}
    loops, rel = _relative(graph, values, equations)
    assert [lp.path for lp in loops] == ["P -> net_births -> P", "P -> used -> growth -> net_births -> P"]
    assert_allclose(rel["L1"][1:], 1 - P[1:] / cap, rtol=1e-9)
    ref = np.array(LOGISTIC_R1[1:])
    assert np.all(np.abs(100 * rel["L1"][1:] - ref) <= np.maximum(0.05, 0.005 * ref) + 1e-9)
    assert_allclose(rel["L2"][1:], rel["L1"][1:] - 1, atol=1e-12)
    assert shifts(dominance(rel).polarity) == [47]  # the reference: R1 50.1 % in year 46, 47.1 % in year 47


# ------------------------------------------------------------------ births and deaths


def test_births_and_deaths_split_two_thirds_one_third() -> None:
    """Births at 10 %/yr and deaths with a 20-year lifetime: R1 explains +67 % and B1 -33 % at every step (Schoenberg & Eberlein 2020)."""
    t = np.arange(30.0)
    pop = 100 * (1 + 0.1 - 0.05) ** t
    values = {"pop": pop, "births": 0.1 * pop, "deaths": pop / 20}
    graph = CausalGraph((Link("pop", "births"), Link("births", "pop", flow=1), Link("pop", "deaths"), Link("deaths", "pop", flow=-1)))
    equations: dict[str, Callable[..., np.ndarray]] = {"births": lambda pop: 0.1 * pop, "deaths": lambda pop: pop / 20}
    _, rel = _relative(graph, values, equations)
    assert_allclose(rel["L1"][1:], 2 / 3, rtol=1e-12)
    assert_allclose(rel["L2"][1:], -1 / 3, rtol=1e-12)


# ------------------------------------------------------------------ three-party arms race


#: the arms target of each party: weights on the other two parties' arms
ARMS_TARGETS = {"a": {"b": 1.0, "c": 0.9}, "b": {"a": 1.0, "c": 1.1}, "c": {"a": 1.1, "b": 0.9}}


def _arms_race(years: int = 100) -> tuple[CausalGraph, dict[str, np.ndarray], dict[str, Callable[..., np.ndarray]]]:
    """Eberlein & Schoenberg (2020): each party adjusts its arms toward a target set by the
    other two (:data:`ARMS_TARGETS`) over 10 years; 50, 100, 150 at start, Euler dt = 1 yr."""
    weights = ARMS_TARGETS
    arms = {k: np.empty(years + 1) for k in weights}
    for k, v in zip(weights, (50.0, 100.0, 150.0), strict=True):
        arms[k][0] = v
    for t in range(years):
        target = {k: sum(w * arms[o][t] for o, w in ws.items()) for k, ws in weights.items()}
        for k in weights:
            arms[k][t + 1] = arms[k][t] + (target[k] - arms[k][t]) / 10.0
    values: dict[str, np.ndarray] = dict(arms)
    links = []
    equations: dict[str, Callable[..., np.ndarray]] = {}
    for k, ws in weights.items():
        values[f"target_{k}"] = sum(w * arms[o] for o, w in ws.items())
        values[f"change_{k}"] = (values[f"target_{k}"] - arms[k]) / 10.0
        links += [Link(o, f"target_{k}") for o in ws] + [Link(k, f"change_{k}"), Link(f"target_{k}", f"change_{k}"), Link(f"change_{k}", k, flow=1)]
        (o1, w1), (o2, w2) = ws.items()
        equations[f"target_{k}"] = lambda w1=w1, w2=w2, o1=o1, o2=o2, **x: w1 * x[o1] + w2 * x[o2]
        equations[f"change_{k}"] = lambda k=k, **x: (x[f"target_{k}"] - x[k]) / 10.0
    return CausalGraph(tuple(links), variables=("a", "b", "c")), values, equations


def test_arms_race_has_eight_loops_two_of_them_three_party() -> None:
    """Three self-adjustment (balancing), three two-party and two three-party (reinforcing) loops, as the paper counts."""
    graph, values, equations = _arms_race()
    loops, rel = _relative(graph, values, equations)
    parties = [len({"a", "b", "c"} & set(lp.variables)) for lp in loops]
    assert parties == [1, 1, 1, 2, 2, 2, 3, 3]
    polarity = [int(np.sign(rel[lp.id][-1])) for lp in loops]
    assert polarity == [-1, -1, -1, 1, 1, 1, 1, 1]


def test_arms_race_shares_in_steady_growth_by_hand() -> None:
    """In steady growth at rate g a loop's score is its gain over g^(stocks in it): self -0.1/g, pairs w·w'·0.01/g², triads w·w'·w''·0.001/g³."""
    graph, values, equations = _arms_race()
    loops, rel = _relative(graph, values, equations)
    g = values["a"][-1] / values["a"][-2] - 1.0
    expected = []
    for lp in loops:
        stocks = [v for v in lp.variables if v in "abc"]
        w = float(np.prod([ARMS_TARGETS[lk.target[-1]][lk.source] for lk in lp.links if lk.target.startswith("target_")]))
        n = len(stocks)
        expected.append(-0.1 / g if n == 1 else w * 0.1**n / g**n)
    expected_rel = np.array(expected) / np.abs(expected).sum()
    assert_allclose([rel[lp.id][-1] for lp in loops], expected_rel, rtol=1e-3)
    triads = sum(abs(rel[lp.id]) for lp in loops[-2:])
    assert triads[1] < 0.02 and triads[-1] > 0.25  # the loops an independent loop set leaves out grow to a quarter of the behaviour
    assert dominance(rel).polarity[-1] == 1


def test_a_stock_folded_with_its_net_flow_scores_as_with_the_flow_explicit() -> None:
    """S_t = S_{t-1} + f_t with f = r S (1 - S/K) + u: the loop S -> f -> S has the score of the folded self link S -> S (stock declared, lagged)."""
    r, cap, T = 0.3, 100.0, 40
    u = 0.5 + 0.4 * np.sin(np.arange(T) / 3.0)
    S, f = np.empty(T), np.empty(T)
    S[0], f[0] = 5.0, 0.0
    for t in range(1, T):
        f[t] = r * S[t - 1] * (1 - S[t - 1] / cap) + u[t]
        S[t] = S[t - 1] + f[t]
    prev = np.concatenate([[np.nan], S[:-1]])
    growth = r * prev * (1 - prev / cap)
    # knock-out partial changes of f (= of S's net flow): S held at S_{t-2}, u held at u_{t-1}
    held_S = np.concatenate([[np.nan, np.nan], S[:-2]])
    d_S = growth - r * held_S * (1 - held_S / cap)
    d_u = np.concatenate([[np.nan], np.diff(u)])
    explicit = CausalGraph((Link("S", "f", lag=1), Link("u", "f"), Link("f", "S", flow=1)))
    ls_e = link_scores(explicit, {"S": S, "f": f, "u": u}, {("S", "f"): d_S, ("u", "f"): d_u})
    folded = CausalGraph((Link("S", "S", lag=1), Link("u", "S")), stocks=frozenset({"S"}))
    ls_f = link_scores(folded, {"S": S, "u": u}, {("S", "S"): d_S, ("u", "S"): d_u})
    loop_e = loop_scores(explicit.loops(), ls_e)["L1"]
    loop_f = loop_scores(folded.loops(), ls_f)["L1"]
    assert [lp.path for lp in folded.loops()] == ["S -> S"]
    assert_allclose(loop_f[2:], loop_e[2:], rtol=1e-9)
    assert np.sign(loop_f[3]) == 1 and np.sign(loop_f[-1]) == -1  # growth, then crowding past K/2


def test_bounded_cycles_are_networkx_simple_cycles_within_the_bound() -> None:
    """bounded_cycles finds the cycles nx.simple_cycles(length_bound=L) finds, each once (self
    loops and repeated edges included), on random graphs of up to 40 nodes, L from 1 to 7."""
    import random

    import networkx as nx

    def canon(c: list[str]) -> tuple[str, ...]:
        k = c.index(min(c))
        return tuple(c[k:] + c[:k])

    rng = random.Random(1)
    for _ in range(60):
        n = rng.randint(1, 40)
        edges = [(f"v{rng.randrange(n)}", f"v{rng.randrange(n)}") for _ in range(int(rng.uniform(0.02, 0.3) * n * n) + 1)]
        bound = rng.randint(1, 7)
        g = nx.DiGraph(edges)
        got = [canon(c) for c in bounded_cycles(edges, bound)]
        assert len(set(got)) == len(got)
        assert sorted(got) == sorted(canon(c) for c in nx.simple_cycles(g, length_bound=bound))
