"""The rest of the economy: outside customers and suppliers.

It buys what the modelled actors sell to people and firms outside the model (dedicated
launches, PV modules for the world's installations, AI accelerators for every other data
center, broadband, robot hours, Starcloud's compute) and receives every cost the actors pay
out. Its cash is the mirror of everyone else's, so money on the ledger always balances.

**Outside launches.** Satellite operators, governments and crews outside the model want a
latent number of dedicated launches a year (logistic growth) at a reference price; at the
lowest price of a dedicated launch on offer (the launchers' ``launch_price_usd_per_launch``)
they buy ``latent x (price / reference)^-elasticity`` (a constant-elasticity demand curve,
:func:`launch_demand_per_month`). A share ``assured_access_frac`` (government missions under
assured-access rules) is split evenly over the launchers with free slots, whatever their price;
the rest goes to the cheapest launcher with free slots first (``launch_slots_per_month``), and
what no slot can take queues at the cheapest. Launches are bought as whole flights: a launch on
a vehicle is its payload (``launch_payload_t``) of mass, paid at its price per kg.

It also runs two markets' shared state and publishes it:

* the frontier-AI market (:meth:`Market._ai`): the price of inference falls with the cost of
  compute (``inference_usd_per_eflops_month`` in the hardware's reference month, times the
  accelerator price per W x W per H100e relative to then), and rises above it when the modelled
  labs together have less inference compute than their customers want at it
  (:func:`clear_inference`, at most ``scarcity_price_ratio_max`` times); the revenue the labs could earn grows
  logistically toward its ceiling at the reference price and capability, at a rate that halves
  every ``growth_half_life_yr`` from ``growth_fade_start_month`` on (:func:`ai_growth_frac_per_yr`:
  the rate fitted to 2023-2025 is not carried on for ever), is larger when the best
  model is better (the labs' ``capability`` signals, and those not modelled at
  ``others_capability_ratio`` of the best; ``capability_elasticity``; beyond the best model of the fitted years'
  last month, the month before ``growth_fade_start_month``, saturating toward
  ``capability_multiplier_max`` times its level then: :func:`capability_multiplier`) and when the price is
  lower (``(price / reference)^(1 - price_elasticity)``: demand for tokens of constant
  elasticity); the inference wanted is that revenue over the price (``ai_demand_eflops``). Each
  lab's deserved share is its capability^``share_exponent`` over everyone's
  (``ai_share_frac``). Demand a lab cannot serve with its inference compute (its
  ``inference_capacity_eflops`` and ``ai_market_share_frac`` signals) goes to the labs with
  compute to spare, in proportion to their shares and those of the labs not modelled
  (``ai_spill_eflops``); and, to a lab in the training race, the largest other lab's training compute
  (``frontier_compute_eflops``, from their ``lab_training_eflops``) while another lab's model is
  better than its own (a logistic switch of width ``race_softness_ratio`` in the capability
  ratio), and the share its capability would deserve if it were as good as the best other lab's
  (``ai_share_at_frontier_frac``, :func:`share_at_frontier_frac`: what catching up would win it);
* the world's cumulative PV output, which drives the module learning curve
  (``pv_cumulative_gw``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import UNLIMITED, EcosimAgent, clip
from ecosim.physics.ufunc import columns


class Market(EcosimAgent):
    kind = "market"
    label = "Customers & economy"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        sh = self.shared
        self.lab_names = self.ex.senders(self.name, "capability")
        self.launchers = self.ex.senders(self.name, "launch_price_usd_per_launch")
        # the labs in the training race, and the labs whose training compute sets the frontier
        self.racers = self.ex.readers(self.name, "frontier_compute_eflops")
        self.trainers = self.ex.senders(self.name, "lab_training_eflops")
        self.race_share_readers = set(self.ex.readers(self.name, "ai_share_at_frontier_frac"))
        self.s.launches_per_yr = self.full(p.external_launches_per_yr_initial)
        self.s.launch_carry = np.zeros((self.K, len(self.launchers)))  # part launches waiting to make a whole one
        self.launches_ordered = np.zeros((self.K, len(self.launchers)))
        self.s.pv_gw_per_yr = self.full(sh.pv.world_installs_gw_per_yr_initial)
        self.s.chips_h100e_per_month = self.full(sh.chips.market_demand_h100e_per_month_initial)
        self.s.pv_cum_gw = self.full(sh.pv.cumulative_gw_initial)
        self.s.ai_pool_usd_per_yr = self.full(sh.ai_market.revenue_usd_per_yr_initial)
        self.s.others_capability = self.zeros()
        self.s.capability_anchor = self.zeros()  # the best model of the fitted years' last month [index]
        self.scarcity_ratio = self.full(1.0)
        self._publish_ai(self.zeros(), self.zeros(), [self.zeros() for _ in self.lab_names], [self.zeros() for _ in self.lab_names])
        for lab in self.racers:
            self.ex.publish_to(self.name, lab, "frontier_compute_eflops", self.zeros())
        for lab in self.race_share_readers:
            self.ex.publish_to(self.name, lab, "ai_share_at_frontier_frac", self.zeros())
        self.publish("pv_cumulative_gw", self.s.pv_cum_gw)

    def _publish_ai(self, price: np.ndarray, demand: np.ndarray, deserved: list[np.ndarray], spill: list[np.ndarray]) -> None:
        self.publish("ai_price_usd_per_eflops_month", price)
        self.publish("ai_demand_eflops", demand)
        for lab, share, extra in zip(self.lab_names, deserved, spill, strict=True):
            self.ex.publish_to(self.name, lab, "ai_share_frac", share)
            self.ex.publish_to(self.name, lab, "ai_spill_eflops", extra)

    def _ai(self) -> None:
        """This month's AI market: price, demand, deserved shares and spilled demand."""
        am, s = self.shared.ai_market, self.s
        if not self.lab_names:
            return
        caps = [np.maximum(self.read(lab, "capability"), 0.0) for lab in self.lab_names]
        best_lab = _largest(caps)
        s.others_capability = am.others_capability_ratio * best_lab
        best = np.maximum(best_lab, s.others_capability)
        cost = self.full(self.cost_index_at(self.t))
        powered = [c**am.share_exponent for c in caps]
        total = sum(powered, s.others_capability**am.share_exponent)
        deserved = [np.divide(pw, total, out=np.zeros(self.K), where=total > 0) for pw in powered]
        shares = [clip(self.read(lab, "ai_market_share_frac"), 0.0, 1.0) for lab in self.lab_names]
        capacity = [np.maximum(self.read(lab, "inference_capacity_eflops"), 0.0) for lab in self.lab_names]
        revenue_at_cost = s.ai_pool_usd_per_yr / 12.0 * self._capability_multiplier(best) * cost ** (1.0 - am.price_elasticity)
        cost_price = am.inference_usd_per_eflops_month * cost
        price, demand = clear_inference(cost_price, revenue_at_cost, sum(shares, self.zeros()), sum(capacity, self.zeros()),
                                        am.price_elasticity, am.scarcity_price_ratio_max)
        self.scarcity_ratio = price / np.maximum(cost_price, 1e-12)
        spill = spill_eflops(demand, shares, capacity)
        self._publish_ai(price, demand, deserved, spill)
        computes = {lab: np.maximum(self.read(lab, "lab_training_eflops"), 0.0) for lab in self.trainers}
        capability = dict(zip(self.lab_names, caps, strict=True))
        for lab in self.racers:
            others = [c for n, c in computes.items() if n != lab]
            ahead = [c for n, c in capability.items() if n != lab]
            frontier = _largest(others) if others else self.zeros()
            at_frontier = self.zeros()
            if ahead and lab in capability:  # a lab races only while another lab's model is better than its own
                best_other = _largest(ahead)
                behind = best_other / np.maximum(capability[lab], 1e-9) - 1.0
                frontier = frontier / (1.0 + np.exp(-clip(behind / am.race_softness_ratio, -50, 50)))
                at_frontier = share_at_frontier_frac(capability[lab], best_other, total, am.share_exponent)
            self.ex.publish_to(self.name, lab, "frontier_compute_eflops", frontier)
            if lab in self.race_share_readers:
                self.ex.publish_to(self.name, lab, "ai_share_at_frontier_frac", at_frontier)

    def _capability_multiplier(self, best: np.ndarray) -> np.ndarray:
        """How much the best model multiplies the AI pool [ratio]: ``best^capability_elasticity``
        through the fitted years (before ``growth_fade_start_month``), then that of the best model
        of their last month times :func:`capability_multiplier` of the best model over it (at most
        ``capability_multiplier_max`` times more)."""
        am, s = self.shared.ai_market, self.s
        e = am.capability_elasticity
        x = np.maximum(best, 1e-6)
        if self.t < am.growth_fade_start_month:
            s.capability_anchor = x  # a new array (np.maximum's), which nothing changes in place
            return np.asarray(x**e)
        anchor = s.capability_anchor
        if not (anchor > 0).all():  # a run that starts after the fitted years: its first month's (set once, then kept)
            anchor = s.capability_anchor = np.where(anchor > 0, anchor, x)
        return np.asarray(anchor**e * capability_multiplier(x / anchor, e, am.capability_multiplier_max))

    def offer(self) -> None:
        p, sh = self.p, self.shared
        am = sh.ai_market
        ex = self.ex
        s = self.s
        s.launches_per_yr = self.grow_logistic(s.launches_per_yr, p.external_launches_growth_frac_per_yr, p.external_launches_per_yr_max)
        s.pv_gw_per_yr = self.grow(s.pv_gw_per_yr, sh.pv.world_installs_growth_frac_per_yr, sh.pv.world_installs_gw_per_yr_max)
        s.chips_h100e_per_month = self.grow_logistic(s.chips_h100e_per_month, sh.chips.market_demand_growth_frac_per_yr, sh.chips.market_demand_h100e_per_month_max)
        s.ai_pool_usd_per_yr = self.grow_logistic(s.ai_pool_usd_per_yr, ai_growth_frac_per_yr(am, self.t), am.revenue_usd_per_yr_max)

        self._ai()

        self._order_launches()
        ex.demand(self.name, "pv_modules", s.pv_gw_per_yr / 12.0, tier=1, kind="capex")
        ex.demand(self.name, "accelerators", s.chips_h100e_per_month, tier=1, kind="capex")
        # subscribers' bandwidth: the constellations cap what they sell to the market at what
        # their subscribers use
        ex.demand(self.name, "bandwidth", self.full(UNLIMITED), tier=1, kind="opex")
        ex.demand(self.name, "compute", self.full(UNLIMITED), tier=1, kind="opex")
        ex.demand(self.name, "labour", self.full(UNLIMITED), tier=2, kind="opex")

    def _order_launches(self) -> None:
        """This month's dedicated launches, by launcher (see the module docstring)."""
        p, s = self.p, self.s
        if not self.launchers:
            return
        prices = columns([self.read(ln, "launch_price_usd_per_launch") for ln in self.launchers])
        slots = np.maximum(columns([self.read(ln, "launch_slots_per_month") for ln in self.launchers]), 0.0)
        payloads = columns([self.read(ln, "launch_payload_t") for ln in self.launchers])
        orders = allocate_launches(
            launch_demand_per_month(s.launches_per_yr, prices, slots, p.launch_reference_price_usd, p.launch_price_elasticity),
            prices, slots, p.assured_access_frac,
        )
        want = orders + s.launch_carry
        whole = np.floor(want + 1e-9)
        s.launch_carry = want - whole
        self.launches_ordered = whole
        for j, launcher in enumerate(self.launchers):
            self.ex.demand(self.name, "launch_mass", whole[:, j] * payloads[:, j], tier=0, kind="opex", seller=launcher)

    def settle(self) -> None:
        # the world's cumulative PV output: the world's installations this month and every
        # module sold to the modelled buyers
        ex = self.ex
        others = ex.cleared("pv_modules") - ex.received(self.name, "pv_modules")
        self.s.pv_cum_gw = self.s.pv_cum_gw + self.s.pv_gw_per_yr / 12.0 + others
        self.publish("pv_cumulative_gw", self.s.pv_cum_gw)


def _largest(arrays: list[np.ndarray]) -> np.ndarray:
    """``np.maximum.reduce(arrays)`` of (K,) arrays, the same numbers (np.maximum of each in turn,
    the reduction's order) without stacking them first; callers never write into it.

    >>> _largest([np.array([1.0, 5.0]), np.array([3.0, 2.0]), np.array([0.0, 4.0])]).tolist()
    [3.0, 5.0]
    """
    out = arrays[0]
    for a in arrays[1:]:
        out = np.maximum(out, a)
    return out


def share_at_frontier_frac(capability: np.ndarray, best_other: np.ndarray, total_powered: np.ndarray, exponent: Any) -> np.ndarray:
    """Share of the AI market a lab's capability would deserve if it were as good as the best
    other lab's [-]: its term of the contest (capability^exponent over everyone's) with its
    capability replaced by ``best_other``; ``total_powered`` is everyone's sum today.

    >>> round(float(share_at_frontier_frac(np.array([1.0]), np.array([2.0]), np.array([1.0 + 4.0 + 1.0]), 2.0)[0]), 3)  # 4 / (4 + 4 + 1)
    0.444
    """
    e = np.asarray(exponent, float)
    mine = np.maximum(best_other, 0.0) ** e
    total = np.maximum(total_powered - np.maximum(capability, 0.0) ** e, 0.0) + mine
    return np.divide(mine, total, out=np.zeros(mine.shape, mine.dtype), where=total > 0)


def launch_demand_per_month(latent_per_yr: np.ndarray, prices_usd: np.ndarray, slots: np.ndarray, reference_usd: Any, elasticity: Any) -> np.ndarray:
    """Dedicated launches outside buyers want this month [launches/month]: the latent demand
    [launches/yr] at the lowest price on offer (among launchers with free slots, else all),
    ``latent / 12 x (price / reference)^-elasticity``.

    >>> round(float(launch_demand_per_month(np.array([48.0]), np.array([[60e6, 110e6]]), np.array([[3.0, 1.0]]), 95e6, 0.7)[0]), 4)
    5.5177
    """
    open_ = slots > 0
    lowest = np.where(open_.any(axis=1), np.where(open_, prices_usd, np.inf).min(axis=1), prices_usd.min(axis=1))
    return latent_per_yr / 12.0 * (lowest / np.asarray(reference_usd, dtype=float)) ** (-np.asarray(elasticity, dtype=float))


def allocate_launches(wanted: np.ndarray, prices_usd: np.ndarray, slots: np.ndarray, assured_frac: Any) -> np.ndarray:
    """Launches bought from each launcher (members, launchers) [launches/month]: the assured
    share split evenly over launchers with free slots (within their slots), the rest cheapest
    first within free slots, and what is left over queued at the cheapest launcher.

    >>> allocate_launches(np.array([6.0]), np.array([[60e6, 110e6, 120e6]]), np.array([[10.0, 1.0, 2.0]]), 0.5).tolist()
    [[4.0, 1.0, 1.0]]
    """
    K, L = prices_usd.shape
    out = np.zeros((K, L))
    open_ = slots > 0
    n_open = open_.sum(axis=1)
    even = np.divide(wanted * np.asarray(assured_frac, dtype=float), n_open, out=np.zeros(K), where=n_open > 0)
    out += np.minimum(even[:, None], slots) * open_
    rest = wanted - np.add.reduce(out, axis=1)
    free = slots - out
    rank = prices_usd.argsort(axis=1, kind="stable")
    rows = np.arange(K)
    for r in range(L):
        j = rank[:, r]
        take = np.minimum(rest, np.maximum(free[rows, j], 0.0))
        out[rows, j] += take
        rest = rest - take
    out[rows, rank[:, 0]] += np.maximum(rest, 0.0)
    return out


def spill_eflops(demand: np.ndarray, shares: list[np.ndarray], capacity: list[np.ndarray]) -> list[np.ndarray]:
    """Demand each lab takes from labs that cannot serve theirs [EFLOP/s]: what the labs short
    of compute leave (share x demand - capacity), split over the labs with compute to spare in
    proportion to their shares and to the share of the labs not modelled (1 - the sum), each
    at most its spare compute.

    >>> [round(float(x[0]), 3) for x in spill_eflops(np.array([100.0]), [np.array([0.5]), np.array([0.3])], [np.array([20.0]), np.array([60.0])])]
    [0.0, 18.0]
    """
    want = [sh * demand for sh in shares]
    short = sum((np.maximum(w - c, 0.0) for w, c in zip(want, capacity, strict=True)), np.zeros(demand.shape, demand.dtype))
    spare = [np.maximum(c - w, 0.0) for w, c in zip(want, capacity, strict=True)]
    others = np.maximum(1.0 - sum(shares, np.zeros(demand.shape, demand.dtype)), 0.0)
    weight = sum((np.where(sp > 0, sh, 0.0) for sh, sp in zip(shares, spare, strict=True)), others)
    return [np.where(sp > 0, np.minimum(sp, np.divide(short * sh, weight, out=np.zeros(demand.shape, demand.dtype), where=weight > 0)), 0.0) for sh, sp in zip(shares, spare, strict=True)]


def capability_multiplier(capability: Any, elasticity: Any, multiplier_max: Any) -> np.ndarray:
    """How much the best model multiplies the AI market's revenue [ratio]: ``capability^elasticity``
    up to capability 1 (the market's anchor: :meth:`Market._capability_multiplier`), then saturating
    toward ``multiplier_max`` M: with ``y = capability^elasticity - 1``, ``1 + y / (1 + y / (M - 1))``,
    the same value and slope at 1, the power law again as M grows, never above M
    (better models widen what AI is bought for, but the budgets they take from are finite).

    >>> [round(float(x), 3) for x in capability_multiplier(np.array([0.25, 1.0, 2.0, 1e6]), 0.5, 2.0)]
    [0.5, 1.0, 1.293, 1.999]
    """
    x = np.maximum(np.asarray(capability, float), 1e-6)
    e = np.asarray(elasticity, float)
    power = x**e
    y = np.maximum(power - 1.0, 0.0)
    room = np.maximum(np.asarray(multiplier_max, float) - 1.0, 1e-12)
    return np.asarray(np.where(x <= 1.0, power, 1.0 + y / (1.0 + y / room)))


def ai_growth_frac_per_yr(am: Any, month: int) -> Any:
    """The growth of the AI revenue pool this month [fraction/yr, far below its ceiling]:
    ``growth_frac_per_yr`` until ``growth_fade_start_month``, then halving every
    ``growth_half_life_yr`` years (a new market's growth fades as it matures).

    >>> from types import SimpleNamespace as N
    >>> am = N(growth_frac_per_yr=1.6, growth_fade_start_month=100, growth_half_life_yr=2.0)
    >>> [float(ai_growth_frac_per_yr(am, m)) for m in (90, 100, 124, 148)]
    [1.6, 1.6, 0.8, 0.4]
    """
    years = np.maximum(month - np.asarray(am.growth_fade_start_month, float), 0.0) / 12.0
    return am.growth_frac_per_yr * 0.5 ** (years / np.asarray(am.growth_half_life_yr, float))


def clear_inference(cost_price: np.ndarray, revenue_at_cost: np.ndarray, labs_share: np.ndarray, labs_capacity: np.ndarray,
                    elasticity: Any, ratio_max: Any) -> tuple[np.ndarray, np.ndarray]:
    """Price of inference [USD/(EFLOP/s month)] and the inference the market wants at it
    [EFLOP/s]. At the cost-based price the market wants ``revenue / price``; when the modelled labs
    (``labs_share`` of the demand) have less inference compute than their share of that, the price
    rises until their share of the demand, ``D(p) = D(cost) (p / cost)^-elasticity``, is what they
    can serve (at most ``ratio_max`` times the cost-based price).

    >>> [round(float(x[0]), 3) for x in clear_inference(np.array([1.0]), np.array([100.0]), np.array([0.5]), np.array([25.0]), 1.0, 10.0)]
    [2.0, 50.0]
    >>> [round(float(x[0]), 3) for x in clear_inference(np.array([1.0]), np.array([100.0]), np.array([0.5]), np.array([80.0]), 1.0, 10.0)]
    [1.0, 100.0]
    """
    demand_at_cost = revenue_at_cost / np.maximum(cost_price, 1e-12)
    wanted = labs_share * demand_at_cost
    e = np.maximum(np.asarray(elasticity, float), 1e-3)
    inf = np.empty(wanted.shape, wanted.dtype)  # np.full_like(wanted, np.inf), sooner
    inf.fill(np.inf)
    short = np.divide(wanted, labs_capacity, out=inf, where=labs_capacity > 0)
    ratio = clip(np.where(wanted > 0, short, 1.0) ** (1.0 / e), 1.0, np.asarray(ratio_max, float))
    return cost_price * ratio, demand_at_cost * ratio ** (-e)
