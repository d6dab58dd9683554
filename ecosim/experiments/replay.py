"""Ceteris-paribus replay of a run: the causal trace Loops that Matter reads.

One model advances the run (member 0) with ``2 + V`` members, V the variables of the
aggregate causal graph (:mod:`ecosim.analysis.dominance`): every agent's state arrays, each
company's cash, every enabled signal edge and every enabled goods edge. At the start of every
month each member is made a copy of member 0 (:meth:`~ecosim.exchange.Exchange.clone_member`
and the agents' state arrays), then member ``2 + i`` holds variable ``i`` at its value of
the month before:

* a state or a cash account starts the month at member 0's value of a month earlier;
* a signal edge's reader reads the value published a month earlier
  (:meth:`~ecosim.exchange.Exchange.hold_signal`);
* a goods edge carries what it carried last month (:meth:`~ecosim.exchange.Exchange.pin_goods`).

One month is stepped and the difference of every variable between member 0 and member
``2 + i`` is the partial change ``Δ_i z`` (the knock-out of :mod:`ecosim.analysis.ltm`).
Member 1 holds nothing: it must follow member 0 exactly, which checks that the copy is whole
(:attr:`Replay.control_error`). Random draws follow member 0 (:func:`ecosim.model.follow_first`):
member 0 is the same run as ``ecosim run`` of the scenario and seed, and members whose inputs
equal member 0's draw what it draws.

For a stock (a state that carries its value on, or cash) the held member's own change also
loses last month's change; that carry-over is removed from the self link, so ``Δ_S S`` is the
change of S's net flow due to S. A state counts as a stock when holding it moves it by its
last change (up to half of it, in the median month); others are recomputed every month.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import mesa
import numpy as np

from ecosim.analysis.dominance import CausalTrace, Variable
from ecosim.model import EcosimModel, MetricsCollector
from ecosim.scenario.loader import LoadedScenario
from ecosim.timeline import format_month, parse_month

Progress = Callable[[int, int], None] | None

#: a partial change smaller than this share of the target's level is noise [fraction]
NOISE = 1e-9


@dataclass
class Replay:
    """A causal trace and how it was measured."""

    trace: CausalTrace
    members: int
    control_error: float  # largest |member 1 - member 0| over variables and months, relative to the variable's scale
    runtime_s: float


def final_companies(loaded: LoadedScenario, companies: dict[str, str]) -> dict[str, str]:
    """Each agent's company as it stands at the end of the run (a merger inside the run moves
    the absorbed company's agents into the absorbing one)."""
    cm = loaded.model.capital_market
    merged = parse_month(cm.merger_month) <= parse_month(loaded.model.scenario.end_month)
    return {n: (cm.merger_into_company if merged and c == cm.merger_company else c) for n, c in companies.items()}


class _Variables:
    """The variables of a model, how to read them for every member and how to hold them."""

    def __init__(self, model: EcosimModel, loaded: LoadedScenario) -> None:
        ex = model.exchange
        self.states = [(a, k) for a, agent in model.by_name.items() for k in agent.s.arrays()]
        owner = final_companies(loaded, dict(ex.companies))
        self.cash = {c: [ex.index[n] for n in sorted(owner) if owner[n] == c] for c in sorted(set(owner.values()))}
        self.cash = {c: idx for c, idx in self.cash.items() if c not in ("market", "capital_market")}
        self.signals = [e for e, on in ex.signal_enabled.items() if on]
        self.goods = [e for e in ex.goods_edges if ex.markets[e[2]].enabled[ex.markets[e[2]].s_index[e[0]], ex.markets[e[2]].b_index[e[1]]] > 0]
        self.names = (
            [f"{a}.{k}" for a, k in self.states]
            + [f"cash:{c}" for c in self.cash]
            + [f"{s}->{r}:{k}" for s, r, k in self.signals]
            + [f"{s}->{b}:{c}" for s, b, c in self.goods]
        )
        self.kinds = ["state"] * len(self.states) + ["cash"] * len(self.cash) + ["signal"] * len(self.signals) + ["goods"] * len(self.goods)
        self.agents = [a for a, _ in self.states] + list(self.cash) + [e[0] for e in self.signals] + [e[0] for e in self.goods]
        self.differ: dict[int, np.ndarray] = {}  # state -> the members whose values differ from member 0's (:meth:`read`)

    def read(self, model: EcosimModel) -> np.ndarray:
        """Every variable for every member, (K, V) (a view of a (V, K) array: one row a variable).

        A state array of more than one value per member is summed per member; only the members
        whose values differ from member 0's (bit for bit) are summed, the others take member 0's
        sum (the same bits summed alike): in a replay most members are member 0's copies in most
        states. The members that differ are kept (:attr:`differ`) for :meth:`clone`."""
        ex = model.exchange
        out = np.empty((len(self.names), model.members))
        self.differ = {}
        row = 0
        for a, k in self.states:
            v = getattr(model.by_name[a].s, k)
            if v.ndim == 1:
                out[row] = v
            elif v.dtype == np.float64:
                flat = v.reshape(v.shape[0], -1)
                bits = flat.view(np.int64)
                rows = np.flatnonzero((bits[1:] != bits[:1]).any(axis=1)) + 1
                self.differ[row] = rows
                np.add.reduce(flat[:1], axis=1, out=out[row, :1])  # np.sum's sum, without a temporary
                out[row, 1:] = out[row, 0]
                if len(rows):
                    out[row, rows] = np.add.reduce(flat[rows], axis=1)
            else:
                out[row] = np.asarray(v, dtype=float).reshape(v.shape[0], -1).sum(axis=1)
            row += 1
        for idx in self.cash.values():
            out[row] = ex.cash[:, idx].sum(axis=1)
            row += 1
        for s, r, k in self.signals:
            sent = ex.published(s, r, k)
            out[row] = 0.0 if sent is None else sent
            row += 1
        for s, b, c in self.goods:
            m = ex.markets[c]
            out[row] = m.x[:, m.s_index[s], m.b_index[b]]
            row += 1
        bad = ~np.isfinite(out)
        if bad.any():
            out[bad] = 0.0  # an infinite delay (a closed option) reads 0
        return out.T

    def clone(self, model: EcosimModel) -> None:
        """Make every member a copy of member 0: states, cash, signals, goods
        (:meth:`~ecosim.exchange.Exchange.clone_member`). A state array :meth:`read` summed
        member by member is copied only to the members it found different (the others hold
        member 0's bits already)."""
        for i, (a, k) in enumerate(self.states):
            arr = getattr(model.by_name[a].s, k)
            rows = self.differ.get(i)
            if rows is None:
                arr[1:] = arr[:1]
            elif len(rows):
                arr[rows] = arr[:1]
        model.exchange.clone_member(0)

    def published(self, model: EcosimModel) -> list[np.ndarray]:
        """What member 0 has published on every signal edge (the value its readers read next month)."""
        ex = model.exchange
        out = []
        for s, r, k in self.signals:
            v = ex.published(s, r, k)
            out.append(np.zeros(1) if v is None else np.asarray(v, dtype=float)[:1].copy())
        return out


def _states0(model: EcosimModel, states: list[tuple[str, str]]) -> list[np.ndarray]:
    return [np.asarray(getattr(model.by_name[a].s, k))[:1].copy() for a, k in states]


def replay(loaded: LoadedScenario, seed: int | None = None, months: int | None = None, progress: Progress = None) -> Replay:
    """Replay a scenario's run month by month and measure every partial change (module
    docstring); ``months``: only the first so many (default: all)."""
    t0 = time.perf_counter()
    probe = EcosimModel(loaded, seed=seed, members=1, record_ledger=False)
    V = len(_Variables(probe, loaded).names)
    mesa.Agent._ids.pop(probe, None)
    K = 2 + V
    model = EcosimModel(loaded, seed=seed, members=K, record_ledger=False)
    model.follow_member0 = True
    model.datacollector = MetricsCollector(model_reporters={})  # the trace reads the variables, not the metrics
    try:
        return _replay(model, loaded, months, progress, t0)
    finally:
        mesa.Agent._ids.pop(model, None)


def _replay(model: EcosimModel, loaded: LoadedScenario, months: int | None, progress: Progress, t0: float) -> Replay:
    var = _Variables(model, loaded)
    ex = model.exchange
    V, K = len(var.names), model.members
    T = model.n_steps if months is None else max(1, min(int(months), model.n_steps))
    nS, nC, nG = len(var.states), len(var.cash), len(var.signals)
    member = np.arange(K)
    held = [member == 2 + i for i in range(V)]  # the member that holds variable i
    values = np.full((T, V), np.nan)
    own = np.full((T, V), np.nan)  # each variable's change when it alone is held
    found: list[tuple[int, np.ndarray, np.ndarray]] = []  # per month: (month, x * V + z, partial change) of the links found
    control = 0.0
    prev_states = cur_states = _states0(model, var.states)
    prev_cash = cur_cash = ex.cash[:1].copy()
    pub_before = pub_last = var.published(model)  # published before the previous month, and before this one
    goods_last: np.ndarray | None = None
    for t in range(T):
        if t:
            var.clone(model)
            for i, (a, k) in enumerate(var.states):
                getattr(model.by_name[a].s, k)[2 + i] = prev_states[i][0]
            for j, idx in enumerate(var.cash.values()):
                ex.cash[2 + nS + j, idx] = prev_cash[0, idx]
            for j, e in enumerate(var.signals):
                if e in ex.signal_scale or pub_before[j].tobytes() != pub_last[j].tobytes():  # else its reader reads that value anyway
                    ex.hold_signal(e, held[nS + nC + j], np.broadcast_to(pub_before[j], (K,)))
            if goods_last is not None:
                for j, e in enumerate(var.goods):
                    ex.pin_goods(e, held[nS + nC + nG + j], np.full(K, goods_last[nS + nC + nG + j]))
        model.step()
        ex.release()
        now = var.read(model)
        values[t] = now[0]
        if t:
            d = now[0][None, :] - now[2:]
            own[t] = np.diagonal(d)
            scale = np.maximum(np.abs(now[0]), 1e-12)
            control = max(control, float(np.max(np.abs(now[1] - now[0]) / scale)))
            x, z = np.nonzero(np.abs(d) > NOISE * scale[None, :])
            off = x != z
            x, z = x[off], z[off]
            found.append((t, x * V + z, d[x, z]))
        goods_last = now[0].copy()
        prev_states, cur_states = cur_states, _states0(model, var.states)
        prev_cash, cur_cash = cur_cash, ex.cash[:1].copy()
        pub_before, pub_last = pub_last, var.published(model)
        if progress is not None:
            progress(t + 1, T)
    dates = [format_month(model.start_month + i) for i in range(T)]
    return Replay(_trace(var, dates, values, own, found), K, control, time.perf_counter() - t0)


def _lagged_delta(a: np.ndarray) -> np.ndarray:
    out = np.full_like(a, np.nan)
    out[2:] = a[1:-1] - a[:-2]
    return out


def _found_links(found: list[tuple[int, np.ndarray, np.ndarray]], V: int, T: int) -> tuple[np.ndarray, np.ndarray]:
    """The links found, in the order first found (month, then source, then target), and their
    partial changes per month (links, T), 0 in months not found.

    >>> links, p = _found_links([(1, np.array([5, 2]), np.array([0.5, -1.0])), (2, np.array([2]), np.array([3.0]))], V=3, T=3)
    >>> links.tolist(), p.tolist()
    ([5, 2], [[0.0, 0.5, 0.0], [0.0, -1.0, 3.0]])
    """
    if not found:
        return np.zeros(0, dtype=np.intp), np.zeros((0, T))
    months = np.concatenate([np.full(len(c), t, dtype=np.intp) for t, c, _ in found])
    codes = np.concatenate([c for _, c, _ in found])
    deltas = np.concatenate([d for _, _, d in found])
    links, first, slot = np.unique(codes, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    partial = np.zeros((len(links), T))
    partial[rank[slot.ravel()], months] = deltas
    return links[order], partial


def _trace(var: _Variables, dates: list[str], values: np.ndarray, own: np.ndarray, found: list[tuple[int, np.ndarray, np.ndarray]]) -> CausalTrace:
    """The causal trace from member 0's values (T, V), each variable's change when held
    (T, V) and the other partial changes found (per month: month, link code x * V + z, Δ_x z)."""
    T, V = values.shape
    stock = np.zeros(V, dtype=bool)
    self_partial: dict[int, np.ndarray] = {}
    for i, kind in enumerate(var.kinds):
        if kind not in ("state", "cash"):
            continue
        carry = _lagged_delta(values[:, i])
        moving = np.isfinite(carry) & (np.abs(carry) > 0) & np.isfinite(own[:, i])
        if kind == "cash":
            stock[i] = True
        elif moving.sum() >= 3:
            stock[i] = float(np.median(np.abs(own[moving, i] - carry[moving]) / np.abs(carry[moving]))) <= 0.5
        p = own[:, i] - np.nan_to_num(carry) if stock[i] else own[:, i].copy()
        scale = NOISE * np.maximum(np.abs(values[:, i]), 1e-12)
        p = np.where(np.abs(p) > scale, p, 0.0)
        if np.any(p[1:] != 0):
            self_partial[i] = p
    changing = np.nanmax(np.abs(np.diff(values, axis=0)), axis=0) > 0 if T > 1 else np.zeros(V, dtype=bool)
    keep = [i for i in range(V) if changing[i]]
    partial: dict[tuple[str, str], np.ndarray] = {}
    lag: dict[tuple[str, str], int] = {}

    def add(x: int, z: int, p: np.ndarray) -> None:
        if not (changing[x] and changing[z]):
            return
        p[0] = np.nan
        pair = (var.names[x], var.names[z])
        partial[pair] = p
        lag[pair] = 0 if var.kinds[x] == "goods" else 1

    for i, p in self_partial.items():
        add(i, i, p)
    links, found_partial = _found_links(found, V, T)
    for code, p in zip(links.tolist(), found_partial, strict=True):
        add(code // V, code % V, p)
    return CausalTrace(
        dates,
        {var.names[i]: Variable(var.names[i], var.kinds[i], var.agents[i], bool(stock[i])) for i in keep},
        {var.names[i]: values[:, i].copy() for i in keep},
        partial,
        lag,
    )


__all__ = ["Replay", "final_companies", "replay"]
