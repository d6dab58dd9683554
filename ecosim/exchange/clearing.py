"""Monthly clearing of every commodity on the network, cash accounts, and the ledger.

Each month sellers post offers (quantity, price) and buyers post demands (quantity, a
priority tier, and whether the purchase is capex or opex). Every commodity then clears on
its enabled edges, for all ensemble members at once:

1. tiers clear in ascending order (0 first): a buyer in tier 0 (e.g. a launch customer's
   booked mission) is served before tier 1 (e.g. SpaceX's own Starlink, flown around them);
2. within a tier, demands a buyer addressed to one seller (it chose that seller: a contract,
   the cheapest price, a free slot) are served first; a seller asked for more than it has
   scales every such request down by the same ratio;
3. then a buyer spreads its other demand over the sellers it is linked to in proportion to
   their remaining offers, and a seller asked for more than it has scales every request down
   by the same ratio; a second pass gives unmet demand what other sellers still have.

So no seller gives more than it offered and no buyer gets more than it asked (conservation
is exact, tested in ``tests/exchange``). Buyers pay the seller's price (its internal price
when both belong to the same company). Every transfer is a ledger row
``(step, date, member, from, to, commodity, quantity, unit, usd, kind, internal)``.

Auctioned goods (:data:`~ecosim.exchange.topology.AUCTIONED`: sensor data) clear otherwise: each
seller's offer goes whole to one buyer a month. A seller may name a contract holder
(:meth:`Exchange.offer`'s ``contract``): while its edge to that buyer is live and the buyer asks,
the holder gets it all at the seller's price. Otherwise the highest bidder (:meth:`Exchange.demand`'s
``bid``, USD per unit; a bid must be positive and at least the seller's price) gets it and pays the
second-highest bid, or the seller's price if more (a second-price auction: the winner pays what
the data was worth to the runner-up); equal highest bids share it. Tiers and tier caps do not apply.

Delivery (:meth:`Exchange.lose`): after clearing, a seller whose goods can be lost on the way
(a launcher whose rocket fails) reports the share of this month's deliveries lost, in the
model's ``fulfil`` phase; buyers read what arrived with :meth:`Exchange.delivered` when they
settle. The ledger keeps what was sold and paid.

Signals (:meth:`Exchange.publish`, :meth:`Exchange.read`): an actor publishes a value (one per
member) on its signal edges; a reader gets the value published *last month*, whatever the order
actors act in (the exchange swaps its two buffers when a month opens). A publisher may give
readers in its own company another value (``internal``: e.g. a launch cost instead of a price),
or one reader its own value (:meth:`Exchange.publish_to`). Values persist until republished.
A cut signal edge (``[exchange] disable``, or scale 0) freezes what the reader sees at the value
published before the first month; a scale ``f`` in (0, 1) passes ``f`` times the signal.

Per-member edge throughput (:meth:`Exchange.set_edge_scale`): an experiment may give each
ensemble member its own throughput factor on any edge, from any month on: 1 is normal, 0
cuts the edge for that member (it clears as if disabled, so the seller's offer goes to its
other buyers), a value in between lets through only that share of what cleared (a partial
cut: the rest is neither delivered nor paid). A signal edge at factor f passes ``f`` times
the signal (0 freezes it at its start value, as a disabled edge does); a money edge pays
``f`` times the amount. Without a call every factor is 1 and results are unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

import networkx as nx
import numpy as np
import pandas as pd

from ecosim.exchange.topology import AUCTIONED, COMMODITY_UNITS, GOODS, edge_id, parse_edge_id
from ecosim.physics.ufunc import clip
from ecosim.timeline import format_month

KINDS = ("capex", "opex", "revenue", "raise")
#: how :meth:`Exchange.pay` books a payment between two companies, by kind: the payee's income
#: (1), the payer's spending (2), the payer's spending and capex (3), or neither (0)
_BOOK = {"revenue": 1, "opex": 2, "capex": 3, "raise": 0}
#: NumPy's count of non-zero numbers of a whole array, np.count_nonzero's own C function: its
#: public Python layer costs ~2,200 instructions a call, 42 M (0.6 %) of a K=1 run's 19,000 calls
#: (callgrind, NumPy 2.4); np.count_nonzero itself wherever NumPy keeps it elsewhere
_count_nonzero = getattr(getattr(getattr(np, "_core", None), "multiarray", None), "count_nonzero", np.count_nonzero)
#: the shape of a per-member value with one member, and the dtype of a float array
_ONE = (1,)
_F64 = np.dtype(np.float64)
_NUMBER = (float, int)

#: NumPy adds fewer terms than this in order (``((0 + a0) + a1) + ...``); more it adds pairwise
_IN_ORDER = 8


def _sum(a: np.ndarray, axis: int) -> np.ndarray:
    """``a.sum(axis=axis)``, bit for bit, faster on many members.

    NumPy reduces a short axis (fewer than eight terms, as every market's sellers or buyers
    axis here) in order but slowly, one reduction per row; over many rows a chain of
    whole-array additions in the same order is several times faster and gives the same
    numbers. A long axis, or a small array, is left to NumPy.
    """
    n = a.shape[axis]
    if n >= _IN_ORDER or n < 2 or a.size < 64 * n:
        return np.add.reduce(a, axis=axis)  # what a.sum(axis=axis) calls
    return _add_in_order(a, axis)


def _add_in_order(a: np.ndarray, axis: int) -> np.ndarray:
    """``((a[0] + a[1]) + a[2]) + ...`` along ``axis``, whole-array additions (at least 2 terms)."""
    lead: tuple[slice, ...] = (slice(None),) * axis
    parts = [a[(*lead, j)] for j in range(a.shape[axis])]  # type: ignore[arg-type]
    out = parts[0] + parts[1]
    for part in parts[2:]:
        out += part
    return out


def _sum_last(a: np.ndarray, axis: int) -> np.ndarray:
    """Of an array with the members on its *last* axis, the sum over ``axis``, bit for bit as
    :func:`_sum` gives it on the same array with the members first.

    Fewer than eight terms NumPy adds in order whatever the layout (so whole-array additions,
    contiguous along the members, give the same numbers); eight or more it adds pairwise along
    a contiguous last axis, so the array is laid out members first again and summed as
    :func:`_sum` sums it (only on a long axis: the accelerators' ten buyers).
    """
    n = a.shape[axis]
    if n >= _IN_ORDER:
        first = np.ascontiguousarray(np.moveaxis(a, -1, 0))
        return np.moveaxis(first.sum(axis=axis + 1), 0, -1)
    if n < 2 or a.size < 64 * n:
        return np.add.reduce(a, axis=axis)
    return _add_in_order(a, axis)


def _sums(a: np.ndarray, axis: int) -> np.ndarray:
    """Of a (K, S, B) array, ``_sum(a[:, :, j], 1)`` for every buyer ``j`` (``axis`` 1) or
    ``_sum(a[:, i, :], 1)`` for every seller ``i`` (``axis`` 2) in one call, bit for bit: the
    same additions in the same order (in order below eight terms, from 0 as NumPy reduces or
    from the first term as :func:`_add_in_order` adds, chosen as :func:`_sum` chooses on the
    (K, n) slice; eight or more along the contiguous buyers' axis, pairwise row by row)."""
    n = a.shape[axis]
    if n >= _IN_ORDER and axis == 1:  # a strided slice reduced pairwise: left to _sum, column by column
        return np.stack([_sum(a[:, :, j], 1) for j in range(a.shape[2])], axis=1)
    if n >= _IN_ORDER or n < 2 or a.shape[0] < 64:  # _sum's a.size < 64 * n on a (K, n) slice
        return np.add.reduce(a, axis=axis)
    return _add_in_order(a, axis)


def _any(a: np.ndarray) -> bool:
    """``a.any()``: on a small array counted (a fraction of ``any``'s fixed cost), on a large one
    reduced (faster there)."""
    return bool(a.any()) if a.size > 256 else bool(_count_nonzero(a))


def _all(a: np.ndarray) -> bool:
    """``a.all()`` of a boolean array, the way :func:`_any` counts."""
    return bool(a.all()) if a.size > 256 else _count_nonzero(a) == a.size


def _at_least_0(value: np.ndarray | float) -> np.ndarray | float:
    """``np.maximum(value, 0.0)``; of one member's value (a float or a (1,) float array), the same
    number worked out in Python (NumPy's maximum keeps a NaN and, of a zero of either sign, gives
    0.0): the one number, a float, where NumPy's call would cost several times the comparison."""
    if type(value) is np.ndarray:
        if value.shape != _ONE or value.dtype is not _F64:
            return np.maximum(value, 0.0)
        value = value[0]
    elif type(value) is not float:
        return np.maximum(value, 0.0)
    return value if value > 0.0 or value != value else 0.0


def _members_last(a: np.ndarray) -> np.ndarray:
    """A member-first array (K, ...) laid out members last (..., K), contiguous (with one
    member, the same memory: a view)."""
    shape = a.shape
    if shape[0] == 1 and a.flags.c_contiguous:
        return a.reshape((*shape[1:], 1))
    return np.ascontiguousarray(a.transpose(*range(1, a.ndim), 0))


class _Market:
    """Offers, demands and the cleared allocation of one commodity."""

    def __init__(self, commodity: str, edges: list[tuple[str, str, bool]], K: int) -> None:
        self.commodity = commodity
        self.sellers = list(dict.fromkeys(s for s, _, _ in edges))
        self.buyers = list(dict.fromkeys(b for _, b, _ in edges))
        self.s_index = {n: i for i, n in enumerate(self.sellers)}
        self.b_index = {n: i for i, n in enumerate(self.buyers)}
        S, B = len(self.sellers), len(self.buyers)
        self.enabled = np.zeros((S, B))
        self.pairs: list[tuple[int, int]] = []
        for s, b, on in edges:
            self.enabled[self.s_index[s], self.b_index[b]] = 1.0 if on else 0.0
            self.pairs.append((self.s_index[s], self.b_index[b]))
        self.pair_s = np.array([p[0] for p in self.pairs], dtype=int)
        self.pair_b = np.array([p[1] for p in self.pairs], dtype=int)
        self.scale: np.ndarray | None = None  # per-member throughput (K, S, B); None = all 1
        self.internal = np.zeros((S, B), dtype=bool)
        #: of :attr:`internal` (kept by :meth:`Exchange._refresh_internal`): any pair internal,
        #: every pair internal, and the external pairs as a (1, S, B) mask
        self.any_internal = False
        self.all_internal = False
        self.external = np.ones((1, S, B), dtype=bool)
        self.tier = np.zeros(B, dtype=int)
        self.kind = ["opex"] * B
        self.K = K
        # with one member every array of a clearing is small: NumPy's count of non-zeros answers
        # "any" sooner than a reduction (:func:`_any`), and a sum over the members-last axes is
        # NumPy's own reduction in any layout (what :func:`_sum_last` gives there)
        self._any = _count_nonzero if K == 1 else _any
        self._sum_last = np.add.reduce if K == 1 else _sum_last
        self.auction = commodity in AUCTIONED
        self.last_cleared = np.zeros(K)  # what cleared last month in all (auctioned goods) [unit]
        if self.auction:  # the auction's fixed arrays (:meth:`_clear_auction`; never written to)
            self._live = np.broadcast_to((self.enabled > 0.0)[:, :, None], (S, B, K))  # edges enabled
            self._column = np.arange(B)[:, None]
            self._nobody = np.zeros(K, dtype=bool)  # no contract holder
            self._no_bid = np.full(K, -np.inf)  # no runner-up with one buyer
        self._plans: dict[tuple[int, ...], list[tuple[int, slice | np.ndarray, np.ndarray | None, np.ndarray]]] = {}
        self.reset()

    @property
    def delivered_x(self) -> np.ndarray:
        """The cleared allocation less what sellers lost on the way (K, S, B)."""
        return self.x * (1.0 - self.lost[:, :, None])

    def reset(self) -> None:
        S, B, K = len(self.sellers), len(self.buyers), self.K
        self.offer = np.zeros((K, S))
        self.price = np.zeros((K, S))
        self.price_internal = np.zeros((K, S))
        self.demand = np.zeros((K, B))
        self.directed = np.zeros((K, S, B))  # demand a buyer addressed to one seller
        self.x = np.zeros((K, S, B))
        self.usd = np.zeros((K, S, B))
        self.lost = np.zeros((K, S))
        self.tier_cap: dict[int, np.ndarray] = {}
        self.totals: dict[tuple[str, int], np.ndarray] = {}  # each buyer's or seller's sum of x or usd (:meth:`total`)
        if self.auction:
            self.bid = np.zeros((K, B))  # what each buyer bids per unit [USD/unit]
            self.contract = np.full(S, -1)  # each seller's contract holder (buyer column; -1: none)
            self.clearing_price = np.zeros((K, S))  # what the buyer paid per unit this month [USD/unit]

    def total(self, which: str, axis: int) -> np.ndarray:
        """``which`` (``"x"`` or ``"usd"``) summed over the sellers (``axis`` 1: a column per
        buyer) or the buyers (``axis`` 2: a column per seller), (K, B) or (K, S), as
        :func:`_sum` sums one buyer's or seller's slice; computed once a month (``x`` and
        ``usd`` are new arrays after every clearing, and :meth:`Exchange._pin` forgets these)."""
        key = (which, axis)
        got = self.totals.get(key)
        if got is None:
            got = self.totals[key] = _sums(self.x if which == "x" else self.usd, axis)
        return got

    def cleared(self) -> np.ndarray:
        """Everything that cleared this month on the market's edges [unit], per member."""
        return self.x.sum(axis=(1, 2))

    @property
    def asked(self) -> np.ndarray:
        """Everything each buyer asked for this month, addressed or not (K, B)."""
        return self.demand + _sum(self.directed, 1)

    def _ration(self, ask: np.ndarray, remaining: np.ndarray, cap: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Serve requests ``ask`` (S, B, K): a seller asked for more than it has left (within the
        tier's cap) scales every request down by the same ratio. Returns (given, remaining, cap),
        members last."""
        avail = remaining if cap is None else np.minimum(remaining, cap)
        sum_last = self._sum_last
        asked = sum_last(ask, 1)
        over = asked > avail
        if self._any(over):
            # avail / asked where asked > avail is below 1 (IEEE division is monotone), so no
            # clip at 1 is needed; elsewhere the ratio is 1
            ones = np.empty(asked.shape)  # np.ones_like(asked) (float64, C order) in two C calls
            ones.fill(1.0)
            give = ask * np.divide(avail, asked, out=ones, where=over)[:, None, :]
            given = sum_last(give, 1)
        else:  # no seller over-asked: every request served whole (ask x 1.0 is ask, bit for bit)
            give, given = ask, asked
        return give, np.maximum(remaining - given, 0.0), None if cap is None else np.maximum(cap - given, 0.0)

    def _tier_plan(self) -> list[tuple[int, slice | np.ndarray, np.ndarray | None, np.ndarray]]:
        """Each tier in clearing order with the buyers' columns it clears on (or, on a long
        buyers' axis, summed pairwise by NumPy and so kept whole, a mask of them) and the
        enabled edges of those columns (S, B', 1); kept for as long as the buyers' tiers stay
        the same."""
        tiers = self.tier.tolist()
        key = tuple(tiers)
        plan = self._plans.get(key)
        if plan is None:
            B = len(self.buyers)
            plan = []
            E = self.enabled[:, :, None]
            for tier in sorted(set(tiers)):
                if tiers.count(tier) == B:
                    plan.append((tier, slice(None), None, E))
                elif B < _IN_ORDER:
                    cols = np.flatnonzero(self.tier == tier)
                    plan.append((tier, cols, None, E[:, cols]))
                else:
                    plan.append((tier, slice(None), (self.tier == tier)[:, None], E))
            self._plans[key] = plan
        return plan

    def clear(self) -> None:
        """Clear the month's offers and demands (see the module docstring) into ``x`` and ``usd``.

        Each tier clears on its own buyers' columns only, and a step that cannot give anything
        (nothing asked, nothing left) is skipped: both leave every number as the whole-axis
        computation gives it (sums over fewer than eight terms run in order, and adding zero
        changes nothing)."""
        if self.auction:
            self._clear_auction()
            return
        # cleared members last, (S, B, K): every operation runs along the members, contiguous
        # (members first, the short sellers' and buyers' axes made NumPy loop over a few numbers
        # at a time); each number is computed by the same operations as before
        S, B, K = len(self.sellers), len(self.buyers), self.K
        anyf, sum_last, ration = self._any, self._sum_last, self._ration
        remaining = _members_last(self.offer).copy()
        demand = _members_last(self.demand)
        # demand addressed to a seller, if any this month (else every tier's is 0: nothing addressed)
        directed_all = _members_last(self.directed) if anyf(self.directed) else None
        x = np.zeros((S, B, K))
        E = None if self.scale is None else self.enabled[:, :, None] * (_members_last(self.scale) > 0.0)
        for tier, cols, mask, E_cols in self._tier_plan():
            want = demand[cols] if mask is None else np.where(mask, demand, 0.0)
            if directed_all is None:
                directed = None
            else:
                directed = directed_all[:, cols] if mask is None else np.where(mask[None, :, :], directed_all, 0.0)
            has_want = anyf(want)
            if not has_want and (directed is None or not anyf(directed)):
                continue  # nothing asked in this tier: nothing given
            cap = self.tier_cap.get(tier)
            if cap is not None:
                cap = _members_last(cap).copy()
            Et = E_cols if E is None else E[:, cols]
            xt = x[:, cols] if mask is None else x
            served = False
            if directed is not None:
                addressed = directed * Et
                if anyf(addressed):
                    served = True
                    give, remaining, cap = ration(addressed, remaining, cap)
                    xt = xt + give
            if has_want:
                # with nothing addressed the tier's columns hold zeros: what the buyers got is
                # their sum less 0 (the same numbers), and before the first spread 0
                x_addressed = sum_last(xt, 0) if served else None
                for step in range(2):
                    avail = remaining if cap is None else np.minimum(remaining, cap)
                    if x_addressed is not None:
                        got = sum_last(xt, 0) - x_addressed
                        need = np.maximum(want - (got if mask is None else got * mask), 0.0)
                    elif step:
                        got = sum_last(xt, 0)
                        need = np.maximum(want - (got if mask is None else got * mask), 0.0)
                    else:
                        need = np.maximum(want, 0.0)  # want - 0 is want, bit for bit
                    if not anyf(need) or not anyf(avail):
                        break  # nothing more to ask for, or to give
                    w = avail[:, None, :] * Et
                    wsum = sum_last(w, 0)[None, :, :]
                    spread = need[None, :, :] * w
                    positive = wsum > 0
                    if _all(positive):
                        spread /= wsum  # the same quotients as the masked division, sooner
                    else:
                        spread = np.divide(spread, wsum, out=np.zeros(w.shape), where=positive)
                    give, remaining, cap = ration(spread, remaining, cap)
                    xt = xt + give
            if mask is None:
                x[:, cols] = xt
            else:
                x = xt
        self._settle(np.ascontiguousarray(x.transpose(2, 0, 1)))  # members first again

    def _settle(self, x: np.ndarray) -> None:
        """Keep the cleared allocation ``x`` (K, S, B), times the throughput scales, and what
        each pair pays (at the internal price inside a company)."""
        if self.scale is not None:
            x = x * self.scale
        self.x = x
        self.totals = {}
        if not self.any_internal:
            self.usd = x * self.price[:, :, None]
        elif self.all_internal:
            self.usd = x * self.price_internal[:, :, None]
        else:
            self.usd = x * np.where(self.internal[None, :, :], self.price_internal[:, :, None], self.price[:, :, None])


    def _clear_auction(self) -> None:
        """Each seller's offer whole to its contract holder, else to its highest bidder at the
        second-highest bid (at least the seller's price); see the module docstring. Sellers
        clear in network order; a buyer asks no more in all than it demanded.

        Members last, as :meth:`clear`: the highest and second-highest bids are maxima over
        the buyers (exact whatever the order: a bid in play is positive and never NaN), the
        winners counted, every other operation elementwise, so the same numbers as members
        first."""
        K, S, B = self.K, len(self.sellers), len(self.buyers)
        live = self._live
        if self.scale is not None:
            live = live & (_members_last(self.scale) > 0.0)
        want = _members_last(self.demand)  # undirected demand left (B, K)
        directed = _members_last(self.directed)
        bid = _members_last(self.bid)
        reserves = _members_last(self.price)
        offers = _members_last(self.offer)
        x = np.zeros((S, B, K))
        paid = np.zeros((S, K))
        bidding = bid > 0.0  # the same for every seller
        column = self._column
        top_of, count_of = np.maximum.reduce, np.add.reduce  # what max(axis=0) and sum(axis=0) call
        for i, c in enumerate(self.contract.tolist()):
            ask = want + directed[i]
            able = live[i] & (ask > 0.0)
            reserve = reserves[i]
            held = able[c] if c >= 0 else self._nobody
            bids = np.where(able & bidding & (bid >= reserve), bid, -np.inf)
            top = top_of(bids, axis=0)
            win = np.isfinite(top) & (bids == top)
            if B > 1:
                runner = top_of(np.where(win & (count_of(win, axis=0) == 1), -np.inf, bids), axis=0)
            else:
                runner = self._no_bid
            price = np.where(held, reserve, np.maximum(runner, reserve))
            if c >= 0:
                win = np.where(held, column == c, win)
            n = count_of(win, axis=0)
            share = np.divide(offers[i], n, out=np.zeros(K), where=n > 0)
            give = np.minimum(share, ask) * win
            x[i] = give
            want = np.maximum(want - np.maximum(give - directed[i], 0.0), 0.0)
            paid[i] = np.where(n > 0, price, 0.0)
        self.clearing_price[...] = paid.T
        x = np.ascontiguousarray(x.transpose(2, 0, 1))  # members first again
        if self.scale is not None:
            x = x * self.scale
        self.x = x
        self.totals = {}
        self.usd = x * self.clearing_price[:, :, None]


class Exchange:
    """Offers, clearing, cash accounts and the ledger of a model's network.

    Parameters
    ----------
    graph : the exchange network (:func:`ecosim.exchange.network.build_network`).
    companies : agent name -> company id (cash pools by company; same company = internal).
    members : ensemble size K (leading axis of every array).
    steps : number of months, for the ledger's preallocated arrays.
    record : keep the ledger (False saves memory in large ensembles; accounts still kept).
    """

    def __init__(self, graph: nx.MultiDiGraph, companies: dict[str, str], members: int, steps: int, record: bool = True) -> None:
        self.graph = graph
        self.K = members
        self.member_shape = (members,)  # of a per-member value
        self.T = steps
        self.record = record
        self.names = list(graph.nodes)
        self.index = {n: i for i, n in enumerate(self.names)}
        self.companies = dict(companies)
        self.initial_companies = dict(companies)
        self.cash = np.zeros((members, len(self.names)))
        self.cash_open = np.zeros((members, len(self.names)))
        self.markets: dict[str, _Market] = {}
        self.goods_edges: list[tuple[str, str, str]] = []
        for c in GOODS:
            edges = [(s, b, d["enabled"]) for s, b, k, d in graph.edges(keys=True, data=True) if k == c]
            if edges:
                self.markets[c] = _Market(c, edges, members)
                self.goods_edges += [(s, b, c) for s, b, _ in edges]
        self._goods_slices: dict[str, slice] = {}
        #: which buyers book a market's purchases as capex, by the buyers' kinds (:meth:`clear`)
        self._capex_of: dict[tuple[str, ...], np.ndarray] = {}
        #: each market's sellers' and buyers' columns in the cash and flow arrays
        self._market_index = {
            c: (np.array([self.index[n] for n in m.sellers]), np.array([self.index[n] for n in m.buyers])) for c, m in self.markets.items()
        }
        start = 0
        for c, m in self.markets.items():
            self._goods_slices[c] = slice(start, start + len(m.pairs))
            start += len(m.pairs)
        self.money_enabled = {
            (s, b): bool(d["enabled"]) for s, b, k, d in graph.edges(keys=True, data=True) if k == "money"
        }
        #: each money edge's (enabled, payer's column, payee's column), for :meth:`pay`
        self._money_edges = {(s, b): (on, self.index[s], self.index[b]) for (s, b), on in self.money_enabled.items()}
        #: :meth:`_pay_plan` of each (payer, payee, kind) paid so far, until a merger or a money edge's scale
        self._pay_plans: dict[tuple[str, str, str], tuple[bool, bool, int, int, int, np.ndarray | None, np.ndarray | None]] = {}
        self.signal_enabled = {
            (s, b, k): bool(d["enabled"]) for s, b, k, d in graph.edges(keys=True, data=True) if d.get("signal", False)
        }
        # signals: published this month (now), visible this month (last), before the first month (start)
        self._sig_now: dict[tuple[str, ...], np.ndarray] = {}
        self._sig_last: dict[tuple[str, ...], np.ndarray] = {}
        self._sig_start: dict[tuple[str, ...], np.ndarray] = {}
        # visible values by month (record=True): blocks (months, signals, members) of the signals
        # in the order first published (the buffers' order: keys are never removed), a block
        # for the signals new in a month, and each signal's (block, column)
        self._sig_hist: list[np.ndarray] = []
        self._sig_hist_at: dict[tuple[str, ...], tuple[np.ndarray, int]] = {}
        self._ends_memo: dict[tuple[str, str, str], tuple[str, ...]] = {}  # readers and senders of a signal
        self.money_scale: dict[tuple[str, str], np.ndarray] = {}
        self.signal_scale: dict[tuple[str, str, str], np.ndarray] = {}
        G = len(self.goods_edges)
        self.goods_qty = np.zeros((steps, G, members)) if record else None
        self.goods_usd = np.zeros((steps, G, members)) if record else None
        self.money_keys: dict[tuple[str, str, str], int] = {}
        self.money_usd: list[np.ndarray] = []
        N = len(self.names)
        self.month_in = np.zeros((members, N))  # external income this month [USD]
        self.month_out = np.zeros((members, N))  # external spending this month [USD]
        self.month_capex = np.zeros((members, N))  # of which booked as capex [USD]
        self.last_in = np.zeros((members, N))
        self.last_out = np.zeros((members, N))
        #: the first member's row of cash, month_in, month_out and month_capex (:meth:`pay`)
        self._rows = (self.cash[0], self.month_in[0], self.month_out[0], self.month_capex[0])
        self.step_index = -1
        self.company_log: list[tuple[int, str, str]] = []
        # replay hooks (ecosim.experiments.replay): per member, a value that replaces what a
        # reader reads of a signal edge, or what a goods edge carries, this month
        self.held_signals: dict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.pinned_goods: dict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]] = {}
        #: a company's agents and columns (:meth:`_company`), until a merger
        self._members_of: dict[str, tuple[list[str], np.ndarray]] = {}
        #: :meth:`company_cash_open` of each company asked for this month, until a merger
        self._cash_open_of: dict[str, np.ndarray] = {}
        #: the buffer key a live signal edge reads (:meth:`_read`), until a value is published
        #: under a new key (keys are never removed), a merger or a scale on the edge
        self._resolved: dict[tuple[str, str, str], tuple[str, ...]] = {}
        self._refresh_internal()

    # ------------------------------------------------------------------ companies

    def set_company(self, name: str, company: str) -> None:
        """Move an agent to another company (a merger) from this month on; internal prices follow."""
        self.company_log.append((self.step_index, name, company))
        self.companies[name] = company
        self._members_of = {}
        self._cash_open_of = {}
        self._resolved = {}
        self._pay_plans = {}
        self._refresh_internal()

    def _refresh_internal(self) -> None:
        for m in self.markets.values():
            for si, s in enumerate(m.sellers):
                for bi, b in enumerate(m.buyers):
                    m.internal[si, bi] = self.companies[s] == self.companies[b]
            m.any_internal = bool(m.internal.any())
            m.all_internal = bool(m.internal.all())
            m.external = ~m.internal[None, :, :]

    def company_of(self, name: str) -> str:
        """The company an agent belongs to now (mergers included)."""
        return self.companies[name]

    def company_agents(self, company: str) -> list[str]:
        """The agents of a company now, in network order (mergers included)."""
        return list(self._company(company)[0])

    def company_columns(self, company: str) -> np.ndarray:
        """The columns of a company's agents in the cash and flow arrays (network order)."""
        return self._company(company)[1]

    def _company(self, company: str) -> tuple[list[str], np.ndarray]:
        """A company's agents and their columns, kept until a merger moves an agent."""
        got = self._members_of.get(company)
        if got is None:
            names = [n for n, c in self.companies.items() if c == company]
            got = self._members_of[company] = (names, np.array([self.index[n] for n in names], dtype=np.intp))
        return got

    def company_cash(self, company: str) -> np.ndarray:
        """Cash of a company now [USD], summed over its agents' accounts."""
        return _sum(self.cash[:, self.company_columns(company)], 1)

    def company_cash_open(self, company: str) -> np.ndarray:
        """Cash of a company when the month opened [USD]: what its decisions this month see,
        whatever the order actors act in (raises of this month count from next month).
        Summed once a month per company (until a merger), a copy handed out each time."""
        got = self._cash_open_of.get(company)
        return (self._sum_cash_open(company) if got is None else got).copy()

    def cash_open_of(self, name: str) -> np.ndarray:
        """:meth:`company_cash_open` of the company ``name`` belongs to now, the month's own
        array, not a copy: for a caller that only reads it (an agent's capital, several times
        a month)."""
        company = self.companies[name]
        got = self._cash_open_of.get(company)
        return self._sum_cash_open(company) if got is None else got

    def _sum_cash_open(self, company: str) -> np.ndarray:
        """A company's cash when the month opened, summed over its agents and kept for the month."""
        got = self._cash_open_of[company] = _sum(self.cash_open[:, self.company_columns(company)], 1)
        return got

    def company_at(self, name: str, step_index: int) -> str:
        """Company of an agent in a given month (0-based step): its last change at or before
        that month (a merger), else the company it started in."""
        company = self.initial_companies[name]
        for when, who, to in self.company_log:
            if who == name and when <= step_index:
                company = to
        return company

    # ------------------------------------------------------------------ a month

    def open(self, step_index: int) -> None:
        """Start a month: forget last month's offers, demands and allocations."""
        self.step_index = step_index
        for m in self.markets.values():
            if m.auction:
                m.last_cleared = m.cleared()
            m.reset()
        # published arrays are never changed in place (publish stores a fresh one, read hands
        # out copies), so last month's buffer may hold the same arrays
        if len(self._sig_now) != len(self._sig_last):
            self._resolved = {}  # a value published for the first time may change what a reader sees
        self._sig_last = dict(self._sig_now)
        self.cash_open = self.cash.copy()
        self._cash_open_of = {}
        if self.record:
            self._record_signals(step_index)
        self.last_in, self.month_in = self.month_in, self.last_in
        self.last_out, self.month_out = self.month_out, self.last_out
        self.month_in.fill(0.0)
        self.month_out.fill(0.0)
        self.month_capex.fill(0.0)
        self._rows = (self.cash[0], self.month_in[0], self.month_out[0], self.month_capex[0])

    def _record_signals(self, step_index: int) -> None:
        """Keep what readers see this month of every signal (:meth:`signal_series`): one copy
        into each block of the history, the signals in buffer order."""
        values = list(self._sig_last.values())
        at = self._sig_hist_at
        if len(values) > len(at):  # signals published for the first time: a block of their own
            new = list(self._sig_last)[len(at):]
            block = np.full((self.T, len(new), self.K), np.nan)
            self._sig_hist.append(block)
            for j, key in enumerate(new):
                at[key] = (block, j)
        start = 0
        for block in self._sig_hist:
            end = start + block.shape[1]
            np.concatenate(values[start:end], out=block[step_index].reshape(-1))
            start = end

    def offer(
        self,
        seller: str,
        commodity: str,
        quantity: np.ndarray,
        price: np.ndarray | float,
        price_internal: np.ndarray | float | None = None,
        tier_caps: dict[int, np.ndarray] | None = None,
        contract: str | None = None,
    ) -> None:
        """Post what ``seller`` can give this month [commodity unit] at ``price`` [USD/unit].

        ``tier_caps`` limits what buyers of a tier may take in all (e.g. the share of Chinese
        PV output that export policy lets US buyers have). ``contract``: on an auctioned
        commodity, the buyer that holds a contract for all of it at ``price`` (None: sold to the
        highest bidder, ``price`` the least it takes); a buyer it has no edge to holds nothing.
        """
        m = self.markets[commodity]
        i = m.s_index[seller]
        if contract is not None:
            if not m.auction:
                raise ValueError(f"offer of {seller}: {commodity!r} is not auctioned, so it has no contracts")
            m.contract[i] = m.b_index.get(contract, -1)
        put = self._put
        if tier_caps:
            for tier, cap in tier_caps.items():
                arr = m.tier_cap.get(int(tier))
                if arr is None:
                    arr = m.tier_cap[int(tier)] = np.full((self.K, len(m.sellers)), np.inf)
                put(arr, i, cap)
        if self.K == 1:  # _put of each, inline
            for table, value in (
                (m.offer, _at_least_0(quantity)), (m.price, price), (m.price_internal, price if price_internal is None else price_internal),
            ):
                if type(value) is np.ndarray and value.shape == _ONE:
                    value = value[0]
                if type(value) is float or type(value) is np.float64:
                    table[0, i] = value
                else:
                    table[:, i] = value
            return
        put(m.offer, i, _at_least_0(quantity))
        put(m.price, i, price)
        put(m.price_internal, i, price if price_internal is None else price_internal)

    def demand(
        self, buyer: str, commodity: str, quantity: np.ndarray, tier: int = 1, kind: str = "opex", seller: str | None = None,
        bid: np.ndarray | float | None = None,
    ) -> None:
        """Post what ``buyer`` wants this month; ``tier`` 0 clears before 1; ``kind`` capex/opex.

        With ``seller``, the demand is addressed to that seller only (the buyer chose it: a
        contract, a price, a free slot); it clears before the buyer's other demand of its tier
        and never spills to other sellers. One buyer may address several sellers. ``bid``: on an
        auctioned commodity, what the buyer offers per unit [USD/unit] (see the module docstring).
        """
        m = self.markets[commodity]
        j = m.b_index[buyer]
        if bid is not None:
            if not m.auction:
                raise ValueError(f"demand of {buyer}: {commodity!r} is not auctioned, so it takes no bids")
            self._put(m.bid, j, bid)
        q = _at_least_0(quantity)
        if self.K == 1 and (type(q) is float or type(q) is np.float64):  # _put of one member's number, inline
            if seller is None:
                m.demand[0, j] = q
            else:
                m.directed[0, m.s_index[seller], j] = q
        elif seller is None:
            self._put(m.demand, j, q)
        else:
            self._put(m.directed, (m.s_index[seller], j), q)
        m.tier[j] = tier
        m.kind[j] = kind

    def asked_of(self, seller: str, commodity: str) -> np.ndarray:
        """What buyers addressed to ``seller`` this month [commodity unit] (its order book)."""
        m = self.markets[commodity]
        return _sum(m.directed[:, m.s_index[seller], :], 1)

    def clear(self) -> None:
        """Clear every commodity; move cash; write the month's ledger rows."""
        t = self.step_index
        add = self._add_to_columns
        for c, m in self.markets.items():
            m.clear()
            if self.pinned_goods:
                self._pin(c, m)
            s_idx, b_idx = self._market_index[c]
            usd = m.usd
            if m._any(usd):
                earned, spent = _sum(usd, 2), _sum(usd, 1)
                add(self.cash, s_idx, earned)
                add(self.cash, b_idx, spent, -1.0)
                if m.any_internal:
                    external = usd * m.external
                    paid_out, paid_in = _sum(external, 1), _sum(external, 2)
                else:  # every trade external: the same sums
                    paid_out, paid_in = spent, earned
                add(self.month_in, s_idx, paid_in)
                add(self.month_out, b_idx, paid_out)
                if "capex" in m.kind:
                    kinds = tuple(m.kind)
                    capex = self._capex_of.get(kinds)
                    if capex is None:
                        capex = self._capex_of[kinds] = np.array([k == "capex" for k in kinds])
                    add(self.month_capex, b_idx, paid_out * capex[None, :])
            if self.record and self.goods_qty is not None and self.goods_usd is not None:
                sl = self._goods_slices[c]
                if self.K == 1:  # the one member's numbers, without 2-D fancy indexing
                    self.goods_qty[t, sl, 0] = m.x[0][m.pair_s, m.pair_b]
                    self.goods_usd[t, sl, 0] = usd[0][m.pair_s, m.pair_b]
                else:
                    self.goods_qty[t, sl, :] = m.x[:, m.pair_s, m.pair_b].T
                    self.goods_usd[t, sl, :] = usd[:, m.pair_s, m.pair_b].T

    def _pin(self, commodity: str, m: _Market) -> None:
        """Replace what pinned edges of ``commodity`` carry in the members pinned (the money
        follows at the edge's unit price this month, or at the seller's offer price)."""
        for (seller, buyer, c), (mask, qty) in self.pinned_goods.items():
            if c != commodity:
                continue
            i, j = m.s_index[seller], m.b_index[buyer]
            old = m.x[:, i, j]
            price = m.price_internal[:, i] if m.internal[i, j] else m.price[:, i]
            unit = np.divide(m.usd[:, i, j], old, out=np.asarray(price, dtype=float).copy(), where=old > 0)
            m.x[:, i, j] = np.where(mask, qty, old)
            m.usd[:, i, j] = np.where(mask, qty * unit, m.usd[:, i, j])
            m.totals = {}

    def hold_signal(self, edge: tuple[str, str, str], mask: np.ndarray, value: np.ndarray) -> None:
        """Replay hook: members where ``mask`` is true read ``value`` [signal unit] on the signal
        edge ``(sender, reader, signal)`` this month instead of what was published."""
        if edge not in self.signal_enabled:
            raise KeyError(f"no signal edge {edge_id(*edge)} in the network topology")
        self.held_signals[edge] = (np.asarray(mask, dtype=bool), self._member_array(value))

    def pin_goods(self, edge: tuple[str, str, str], mask: np.ndarray, quantity: np.ndarray) -> None:
        """Replay hook: members where ``mask`` is true get ``quantity`` [commodity unit] on the
        goods edge ``(seller, buyer, commodity)`` when it clears this month."""
        if edge not in self.goods_edges:
            raise KeyError(f"no goods edge {edge_id(*edge)} in the network topology")
        self.pinned_goods[edge] = (np.asarray(mask, dtype=bool), self._member_array(quantity))

    def release(self) -> None:
        """Drop every held signal and pinned goods edge."""
        self.held_signals.clear()
        self.pinned_goods.clear()

    def clone_member(self, src: int = 0) -> None:
        """Replay hook: every member's accounts and signal buffers become member ``src``'s."""
        for a in (self.cash, self.cash_open, self.month_in, self.month_out, self.month_capex, self.last_in, self.last_out):
            a[:] = a[src]
        self._cash_open_of = {}
        for buf in (self._sig_now, self._sig_last):
            for v in buf.values():
                v[:] = v[src]

    def pay(self, src: str, dst: str, usd: np.ndarray | float, kind: str) -> np.ndarray:
        """Move money ``src -> dst`` [USD] on a money edge; returns what was paid.

        ``kind``: 'revenue' (a customer pays for something not traded on the network, e.g.
        subscriptions or cars), 'raise' (new capital), or how the payer books a cost paid to
        the rest of the economy: 'opex' or 'capex'. A cut edge pays nothing.
        """
        paid = self._pay(src, dst, usd, kind)
        if paid is None:  # one member's amount, paid whole
            return usd.copy() if type(usd) is np.ndarray else np.array([usd], dtype=float)
        return paid

    def payer(self, src: str, dst: str) -> Callable[[np.ndarray | float, str], object]:
        """``pay(usd, kind)``: :meth:`pay` from ``src`` to ``dst``, bound once, for a payer that
        needs nothing handed back (an agent's costs, thousands of payments a run)."""
        return functools.partial(self._pay, src, dst)

    def _pay(self, src: str, dst: str, usd: np.ndarray | float, kind: str) -> np.ndarray | None:
        """:meth:`pay`: what was paid, or None where one member's ``usd`` was paid whole."""
        plan = self._pay_plans.get((src, dst, kind))
        if plan is None:
            plan = self._pay_plan(src, dst, kind)
        one_member, on, i, j, book, hist, months = plan
        if one_member:  # one member, a live, unscaled edge
            one = usd.item() if type(usd) is np.ndarray and usd.shape == _ONE and usd.dtype is _F64 else usd if type(usd) is float else None
            if one is not None:
                # the same additions on the one number of each account (a Python float: the
                # same IEEE operations, without NumPy's cost of a column view or a 2-D index)
                cash, month_in, month_out, month_capex = self._rows
                cash[i] -= one
                cash[j] += one
                if book:
                    if book == 1:
                        month_in[j] += one
                    else:
                        month_out[i] += one
                        if book == 3:
                            month_capex[i] += one
                if months is not None:
                    months[self.step_index] += one
                return None
        amount = self._member_array(usd)
        if not on:
            amount[:] = 0.0
        if self.money_scale:
            scale = self.money_scale.get((src, dst))
            if scale is not None:
                amount = amount * scale
        add = self._add_to_column
        add(self.cash, i, amount, -1.0)
        add(self.cash, j, amount)
        if book == 1:
            add(self.month_in, j, amount)
        elif book:
            add(self.month_out, i, amount)
            if book == 3:
                add(self.month_capex, i, amount)
        if hist is not None:
            hist[self.step_index] += amount
        return amount

    def _pay_plan(
        self, src: str, dst: str, kind: str
    ) -> tuple[bool, bool, int, int, int, np.ndarray | None, np.ndarray | None]:
        """What :meth:`pay` needs of a (payer, payee, kind), looked up at its first payment and
        kept until a merger or a scale on a money edge: whether one member's number may be paid
        directly (one member, a live edge without a scale), the edge's state, the payer's and
        payee's columns, how a payment between two companies is booked (``_BOOK``; 0 inside a
        company) and its ledger row (None without a ledger). Raises as :meth:`pay` does."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS} (got {kind!r})")
        edge = self._money_edges.get((src, dst))
        if edge is None:
            raise KeyError(f"no money edge {src}->{dst} in the network topology")
        on, i, j = edge
        book = _BOOK[kind] if self.companies[src] != self.companies[dst] else 0
        hist = None
        if self.record:
            key = (src, dst, kind)
            k = self.money_keys.get(key)
            if k is None:
                k = self.money_keys[key] = len(self.money_usd)
                self.money_usd.append(np.zeros((self.T, self.K)))
            hist = self.money_usd[k]
        one_member = self.K == 1 and on and (src, dst) not in self.money_scale
        # with one member, its column of the ledger row (months): a 1-D index
        plan = self._pay_plans[(src, dst, kind)] = (one_member, on, i, j, book, hist, None if hist is None else hist[:, 0])
        return plan

    def _put(self, table: np.ndarray, where: int | tuple[int, int], value: np.ndarray | float) -> None:
        """``table[:, *where] = value``, every member. With one member the one number is set
        directly (the same number, without NumPy's cost of a column view)."""
        if self.K == 1:
            if type(value) is np.ndarray and value.shape == _ONE:
                value = value[0]
            if type(value) is float or type(value) is np.float64:
                table[(0, where) if isinstance(where, int) else (0, *where)] = value
                return
        table[(slice(None), where) if isinstance(where, int) else (slice(None), *where)] = value

    def _add_to_columns(self, accounts: np.ndarray, cols: np.ndarray, amounts: np.ndarray, sign: float = 1.0) -> None:
        """``accounts[:, cols] += amounts`` (``sign`` -1: ``-=``), every member (``cols`` without
        repeats). With one member the same additions on the one row (1-D fancy indexing: a
        fraction of the 2-D's cost)."""
        if self.K == 1:
            if sign > 0.0:
                accounts[0][cols] += amounts[0]
            else:
                accounts[0][cols] -= amounts[0]
        elif sign > 0.0:
            accounts[:, cols] += amounts
        else:
            accounts[:, cols] -= amounts

    def _add_to_column(self, accounts: np.ndarray, col: int, amount: np.ndarray, sign: float = 1.0) -> None:
        """``accounts[:, col] += amount`` (``sign`` -1: ``-=``), every member. With one member the
        same addition on the one number (the same IEEE operation, without NumPy's cost of a
        column view, several times the addition itself at this size)."""
        if self.K == 1:
            if sign > 0.0:
                accounts[0, col] += amount[0]
            else:
                accounts[0, col] -= amount[0]
        elif sign > 0.0:
            accounts[:, col] += amount
        else:
            accounts[:, col] -= amount

    # ------------------------------------------------------------------ reading the result

    # received, sold, spent and earned: a copy of the market's column (all buyers' or sellers'
    # sums computed in one call the first time one is asked for in a month)

    def received(self, buyer: str, commodity: str) -> np.ndarray:
        m = self.markets[commodity]
        return m.total("x", 1)[:, m.b_index[buyer]].copy()

    def sold(self, seller: str, commodity: str) -> np.ndarray:
        m = self.markets[commodity]
        return m.total("x", 2)[:, m.s_index[seller]].copy()

    def spent(self, buyer: str, commodity: str) -> np.ndarray:
        m = self.markets[commodity]
        return m.total("usd", 1)[:, m.b_index[buyer]].copy()

    def earned(self, seller: str, commodity: str) -> np.ndarray:
        m = self.markets[commodity]
        return m.total("usd", 2)[:, m.s_index[seller]].copy()

    def paid(self, seller: str, buyer: str, commodity: str) -> np.ndarray:
        """What ``buyer`` paid ``seller`` for ``commodity`` this month [USD]."""
        m = self.markets[commodity]
        return m.usd[:, m.s_index[seller], m.b_index[buyer]]

    def flow(self, seller: str, buyer: str, commodity: str) -> np.ndarray:
        m = self.markets[commodity]
        return m.x[:, m.s_index[seller], m.b_index[buyer]]

    def sold_to(self, seller: str, commodity: str, buyers: Iterable[str]) -> np.ndarray:
        m = self.markets[commodity]
        idx = [m.b_index[b] for b in buyers if b in m.b_index]
        return _sum(m.x[:, m.s_index[seller], idx], 1)

    def offered(self, seller: str, commodity: str) -> np.ndarray:
        m = self.markets[commodity]
        return m.offer[:, m.s_index[seller]]

    def buys(self, name: str, commodity: str) -> bool:
        """True when ``name`` has an edge to buy ``commodity`` on this network."""
        return commodity in self.markets and name in self.markets[commodity].b_index

    def sells(self, name: str, commodity: str) -> bool:
        """True when ``name`` has an edge to sell ``commodity`` on this network."""
        return commodity in self.markets and name in self.markets[commodity].s_index

    def delivered_from(self, seller: str, buyer: str, commodity: str) -> np.ndarray:
        """What reached ``buyer`` from ``seller`` this month [commodity unit] (after losses)."""
        m = self.markets[commodity]
        i = m.s_index[seller]
        return m.x[:, i, m.b_index[buyer]] * (1.0 - m.lost[:, i])

    def delivered(self, buyer: str, commodity: str) -> np.ndarray:
        """What reached ``buyer`` this month [commodity unit]: what it bought, less what its
        sellers lost on the way (:meth:`lose`; read it after the ``fulfil`` phase)."""
        m = self.markets[commodity]
        return _sum(m.x[:, :, m.b_index[buyer]] * (1.0 - m.lost), 1)

    def lose(self, seller: str, commodity: str, frac: np.ndarray) -> None:
        """``seller`` lost a share of everything it sold this month on the way [fraction per
        member] (a failed launch loses its payload). Sales and payments stand."""
        m = self.markets[commodity]
        m.lost[:, m.s_index[seller]] = clip(np.asarray(frac, dtype=float), 0.0, 1.0)  # the column takes a scalar or (K,)

    def last_cleared(self, commodity: str) -> np.ndarray:
        """What cleared last month on an auctioned commodity's edges in all [commodity unit]: the
        lot its bidders price (the market's volume, public as a price is)."""
        return self.markets[commodity].last_cleared.copy()

    def cleared(self, commodity: str) -> np.ndarray:
        """Everything that cleared this month on one commodity's edges [commodity unit]."""
        return self.markets[commodity].cleared()

    # ------------------------------------------------------------------ signals

    def readers(self, sender: str, signal: str) -> list[str]:
        """Who reads ``signal`` from ``sender`` on this network (edge order)."""
        return list(self._ends("readers", sender, signal))

    def senders(self, reader: str, signal: str) -> list[str]:
        """Whose ``signal`` ``reader`` reads on this network (edge order)."""
        return list(self._ends("senders", reader, signal))

    def _ends(self, which: str, name: str, signal: str) -> tuple[str, ...]:
        """:meth:`readers` or :meth:`senders`, each looked up once: the signal edges are the
        network's, fixed for the run (cuts and scales change what passes, not the edges)."""
        key = (which, name, signal)
        found = self._ends_memo.get(key)
        if found is None:
            if which == "readers":
                found = tuple(b for (s, b, k) in self.signal_enabled if s == name and k == signal)
            else:
                found = tuple(s for (s, b, k) in self.signal_enabled if b == name and k == signal)
            self._ends_memo[key] = found
        return found

    def reads(self, sender: str, reader: str, signal: str) -> bool:
        """True when there is a signal edge ``sender->reader:signal`` (cut or not)."""
        return (sender, reader, signal) in self.signal_enabled

    def publish(self, sender: str, signal: str, value: np.ndarray | float, internal: np.ndarray | float | None = None) -> None:
        """Publish ``signal`` [its unit] for every reader (readers see it next month).

        ``internal``: the value readers in the sender's own company see instead (a cost where
        outsiders see a price)."""
        self._sig_now[(sender, signal)] = self._member_array(value)
        if internal is not None:
            self._sig_now[(sender, signal, "@internal")] = self._member_array(internal)

    def publisher(self, sender: str) -> Callable[..., None]:
        """``publish(signal, value, internal=None)``: :meth:`publish` for ``sender``, bound once
        (an agent publishes thousands of times a run): one value per member, a float array
        without an internal value (the common case), stored without :meth:`publish`'s call."""
        sig_now, shape = self._sig_now, self.member_shape  # the same dict and shape for the run
        publish = self.publish

        def publish_as(signal: str, value: np.ndarray | float, internal: np.ndarray | float | None = None) -> None:
            if internal is None and type(value) is np.ndarray and value.shape == shape and value.dtype is _F64:
                sig_now[(sender, signal)] = value.copy()  # what _member_array gives, without its call
            else:
                publish(sender, signal, value, internal)

        return publish_as

    def publish_to(self, sender: str, reader: str, signal: str, value: np.ndarray | float) -> None:
        """Publish ``signal`` for one reader only (a per-reader value: a share, a connection)."""
        if (sender, reader, signal) not in self.signal_enabled:
            raise KeyError(f"no signal edge {edge_id(sender, reader, signal)} in the network topology")
        if type(value) is np.ndarray and value.shape == self.member_shape and value.dtype is _F64:
            self._sig_now[(sender, signal, reader)] = value.copy()  # what _member_array gives, without its call
            return
        self._sig_now[(sender, signal, reader)] = self._member_array(value)

    def published(self, sender: str, reader: str, signal: str) -> np.ndarray | None:
        """What ``sender`` has published for ``reader`` so far (before the first month: its
        initial value; None if nothing yet). For agents setting up, before :meth:`begin`."""
        if (sender, reader, signal) not in self.signal_enabled:
            raise KeyError(f"no signal edge {edge_id(sender, reader, signal)} in the network topology")
        if not self.signal_enabled[(sender, reader, signal)]:
            return None  # cut in the network: the reader sees nothing
        value = self._lookup(self._sig_now, sender, reader, signal)
        return None if value is None else value.copy()

    def _member_array(self, value: np.ndarray | float) -> np.ndarray:
        """A fresh float array of one value per member."""
        if isinstance(value, np.ndarray) and value.shape == self.member_shape:
            return value.copy() if value.dtype == np.float64 else value.astype(float)
        if isinstance(value, _NUMBER):  # a number (np.float64 included)
            return np.full(self.K, float(value))
        return np.broadcast_to(np.asarray(value, dtype=float), (self.K,)).copy()

    def begin(self) -> None:
        """Before the first month: what has been published so far becomes what readers see in
        the first month, and the value a cut signal edge freezes at."""
        self._sig_last = {k: v.copy() for k, v in self._sig_now.items()}
        self._sig_start = {k: v.copy() for k, v in self._sig_now.items()}
        self._resolved = {}

    def _lookup(self, buf: dict[tuple[str, ...], np.ndarray], sender: str, reader: str, signal: str) -> np.ndarray | None:
        key = self._lookup_key(buf, sender, reader, signal)
        return None if key is None else buf[key]

    def _lookup_key(self, buf: dict[tuple[str, ...], np.ndarray], sender: str, reader: str, signal: str) -> tuple[str, ...] | None:
        """The key of ``buf`` that ``reader`` sees of ``sender``'s ``signal``: its own value,
        else (same company) the internal one, else the public one; None if nothing."""
        own = (sender, signal, reader)
        if own in buf:
            return own
        if self.companies.get(sender) == self.companies.get(reader):
            internal = (sender, signal, "@internal")
            if internal in buf:
                return internal
        public = (sender, signal)
        return public if public in buf else None

    def read(self, sender: str, reader: str, signal: str) -> np.ndarray:
        """What ``reader`` sees of ``sender``'s ``signal`` this month [signal unit, per member]:
        the value published last month; on a cut edge the value before the first month; on a
        damped edge (scale f) f times the value. Raises KeyError naming a missing edge."""
        edge = (sender, reader, signal)
        resolved = self._resolved.get(edge)
        value = self._sig_last[resolved].copy() if resolved is not None else self._read(sender, reader, signal)
        held = self.held_signals.get(edge) if self.held_signals else None
        return value if held is None else np.where(held[0], held[1], value)

    def reader(self, reader: str) -> Callable[[str, str], np.ndarray]:
        """``read(sender, signal)``: :meth:`read` for ``reader``, bound once (an agent reads tens
        of thousands of times a run): the common case (a live edge whose buffer key is known,
        no replay hold) without :meth:`read`'s call."""
        read, held = self.read, self.held_signals  # the same dict of holds for the run

        def read_as(sender: str, signal: str) -> np.ndarray:
            resolved = self._resolved.get((sender, reader, signal))
            if resolved is None or held:
                return read(sender, reader, signal)
            return self._sig_last[resolved].copy()

        return read_as

    def _read(self, sender: str, reader: str, signal: str) -> np.ndarray:
        """What ``reader`` sees before any replay hold."""
        key = (sender, reader, signal)
        on = self.signal_enabled.get(key)
        if on is None:
            raise KeyError(f"no signal edge {edge_id(sender, reader, signal)} in the network topology")
        found = self._lookup_key(self._sig_last, sender, reader, signal)
        if found is None:
            raise KeyError(f"{sender} has published no {signal!r} yet (edge {edge_id(sender, reader, signal)})")
        last = self._sig_last[found]
        if on and key not in self.signal_scale:
            self._resolved[key] = found  # the same key until a new one is published, a merger or a scale
            return last.copy()
        factor = self.signal_factor(sender, reader, signal)
        if np.all(factor == 1.0):
            return last.copy()
        start = self._lookup(self._sig_start, sender, reader, signal)
        frozen = last if start is None else start
        with np.errstate(invalid="ignore"):  # an infinite value (a closed option) on a cut edge
            return np.where(factor > 0.0, last * factor, frozen)

    def signal_series(self, sender: str, reader: str, signal: str) -> np.ndarray:
        """What ``reader`` could read of ``sender``'s ``signal`` in every month so far (before
        any damping or cut), shape (months, members). Needs ``record=True``."""
        if not self.record:
            raise ValueError("signal_series needs an exchange that records (record=True)")
        months = self.step_index + 1
        out = np.full((months, self.K), np.nan)
        for key in ((sender, signal), (sender, signal, "@internal"), (sender, signal, reader)):
            if key[-1] == "@internal" and self.companies.get(sender) != self.companies.get(reader):
                continue
            found = self._sig_hist_at.get(key)
            if found is not None:
                hist = found[0][:months, found[1]]
                out = np.where(np.isnan(hist), out, hist)
        return out

    def signal_state(self, members: int = 1) -> dict[str, dict[tuple[str, ...], np.ndarray]]:
        """The signal buffers (the first ``members`` members), for a run that continues from
        this one's end."""
        return {"now": {k: v[:members].copy() for k, v in self._sig_now.items()}}

    def restore_signals(self, state: dict[str, dict[tuple[str, ...], np.ndarray]]) -> None:
        """Continue from another run's end: its last published values, one member's broadcast to
        K members or K members' one each."""
        for k, v in state["now"].items():
            self._sig_now[k] = np.broadcast_to(v if v.shape[0] == self.K else v[:1], (self.K,)).copy()

    def signal_on(self, seller: str, buyer: str, signal: str) -> bool:
        return self.signal_enabled.get((seller, buyer, signal), False)

    def signal_factor(self, seller: str, buyer: str, signal: str) -> np.ndarray:
        """Share of a signal that reaches ``buyer`` per member [fraction]: 1 live, 0 cut
        (the buyer then sees the value at the start of the run), in between a partial cut."""
        on = 1.0 if self.signal_on(seller, buyer, signal) else 0.0
        scale = self.signal_scale.get((seller, buyer, signal))
        return on * (np.ones(self.K) if scale is None else scale)

    # ------------------------------------------------------------------ per-member throughput

    def set_edge_scale(self, edge_id: str, scale: np.ndarray | float) -> None:
        """Give each member its own throughput on one edge from this month on [fraction].

        ``scale``: one factor per member (or one for all) in [0, 1]: 1 normal, 0 cut, in
        between a partial cut (see the module docstring). Raises ValueError naming the edge
        if it is not in the network or a factor is outside [0, 1].

        >>> import networkx as nx
        >>> g = nx.MultiDiGraph()
        >>> _ = g.add_edge("a", "b", key="bandwidth", enabled=True)
        >>> ex = Exchange(g, {"a": "a", "b": "b"}, members=2, steps=1)
        >>> ex.open(0); ex.set_edge_scale("a->b:bandwidth", [1.0, 0.0])
        >>> ex.offer("a", "bandwidth", np.array([4.0, 4.0]), 0.0); ex.demand("b", "bandwidth", np.array([9.0, 9.0]))
        >>> ex.clear(); ex.received("b", "bandwidth").tolist()
        [4.0, 0.0]
        """
        seller, buyer, commodity = parse_edge_id(edge_id)
        if not self.graph.has_edge(seller, buyer, key=commodity):
            raise ValueError(f"edge scale: {edge_id!r} must name an edge of the network (see `ecosim edges`)")
        f = np.broadcast_to(np.asarray(scale, dtype=float), (self.K,)).copy()
        if not np.all((f >= 0.0) & (f <= 1.0)):
            raise ValueError(f"edge scale of {edge_id}: every factor must be in [0, 1] (got {float(f[(f < 0) | (f > 1)][0])!r})")
        if commodity == "money":
            self.money_scale[(seller, buyer)] = f
            self._pay_plans = {}
        elif (seller, buyer, commodity) in self.signal_enabled:
            self.signal_scale[(seller, buyer, commodity)] = f
            self._resolved.pop((seller, buyer, commodity), None)
        else:
            m = self.markets[commodity]
            if m.scale is None:
                m.scale = np.ones((self.K, len(m.sellers), len(m.buyers)))
            m.scale[:, m.s_index[seller], m.b_index[buyer]] = f

    def edge_series(self, seller: str, buyer: str, commodity: str, usd: bool = False) -> np.ndarray:
        """Quantity (or USD) carried by one goods edge in every month recorded so far,
        shape (months, members) [commodity unit or USD]. Needs the ledger (``record=True``)."""
        if not self.record or self.goods_qty is None or self.goods_usd is None:
            raise ValueError("edge_series needs an exchange that records the ledger (record=True)")
        i = self.goods_edges.index((seller, buyer, commodity))
        arr = self.goods_usd if usd else self.goods_qty
        return arr[: self.step_index + 1, i, :].copy()

    # ------------------------------------------------------------------ the ledger

    def ledger_frame(self, start_month: int, steps: int, members: Iterable[int] | None = None) -> pd.DataFrame:
        """The ledger as a tidy table, one row per non-zero transfer (first ``steps`` months)."""
        cols = ["step", "date", "member", "from", "to", "commodity", "quantity", "unit", "usd", "kind", "internal"]
        if not self.record or self.goods_qty is None or self.goods_usd is None:
            return pd.DataFrame(columns=cols)
        members = list(range(self.K)) if members is None else list(members)
        frames = []
        G = len(self.goods_edges)
        kinds = {}
        for c, m in self.markets.items():
            for (s, b), (_si, bi) in zip(((m.sellers[p[0]], m.buyers[p[1]]) for p in m.pairs), m.pairs, strict=True):
                kinds[(s, b, c)] = m.kind[bi]
        t_idx, e_idx, k_idx = np.meshgrid(np.arange(steps), np.arange(G), np.array(members), indexing="ij")
        q = self.goods_qty[:steps][:, :, members]
        u = self.goods_usd[:steps][:, :, members]
        keep = (q != 0) | (u != 0)
        if keep.any():
            ei = e_idx[keep]
            frames.append(
                pd.DataFrame(
                    {
                        "step": t_idx[keep] + 1,
                        "member": k_idx[keep],
                        "from": [self.goods_edges[i][0] for i in ei],
                        "to": [self.goods_edges[i][1] for i in ei],
                        "commodity": [self.goods_edges[i][2] for i in ei],
                        "quantity": q[keep],
                        "usd": u[keep],
                        "kind": [kinds[self.goods_edges[i]] for i in ei],
                    }
                )
            )
        for (s, b, kind), i in self.money_keys.items():
            arr = self.money_usd[i][:steps][:, members]
            tt, kk = np.nonzero(arr)
            if len(tt):
                frames.append(
                    pd.DataFrame(
                        {
                            "step": tt + 1,
                            "member": np.array(members)[kk],
                            "from": s,
                            "to": b,
                            "commodity": "money",
                            "quantity": arr[tt, kk],
                            "usd": arr[tt, kk],
                            "kind": kind,
                        }
                    )
                )
        if not frames:
            return pd.DataFrame(columns=cols)
        df = pd.concat(frames, ignore_index=True)
        df["date"] = [format_month(start_month + s - 1) for s in df["step"]]
        df["unit"] = df["commodity"].map(COMMODITY_UNITS)
        df["internal"] = [
            self.company_at(a, s - 1) == self.company_at(b, s - 1)
            for a, b, s in zip(df["from"], df["to"], df["step"], strict=True)
        ]
        df = df.sort_values(["member", "step", "commodity", "from", "to", "kind"], kind="stable").reset_index(drop=True)
        return df[cols]
