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

* the frontier-AI revenue pool: it grows logistically toward its ceiling and is larger when the
  best model (the labs' ``capability`` signals, and those not modelled at
  ``others_capability_ratio`` of the best) is better; each lab's deserved share is its
  capability^``share_exponent`` over everyone's (``ai_pool_usd_per_month``, ``ai_share_frac``,
  ``ai_market_room_frac``);
* the world's cumulative PV output, which drives the module learning curve
  (``pv_cumulative_gw``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import UNLIMITED, EcosimAgent


class Market(EcosimAgent):
    kind = "market"
    label = "Customers & economy"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        sh = self.shared
        self.lab_names = self.ex.senders(self.name, "capability")
        self.launchers = self.ex.senders(self.name, "launch_price_usd_per_launch")
        self.s.launches_per_yr = self.full(p.external_launches_per_yr_initial)
        self.s.launch_carry = np.zeros((self.K, len(self.launchers)))  # part launches waiting to make a whole one
        self.launches_ordered = np.zeros((self.K, len(self.launchers)))
        self.s.pv_gw_per_yr = self.full(sh.pv.world_installs_gw_per_yr_initial)
        self.s.chips_h100e_per_month = self.full(sh.chips.market_demand_h100e_per_month_initial)
        self.s.pv_cum_gw = self.full(sh.pv.cumulative_gw_initial)
        self.s.ai_pool_usd_per_yr = self.full(sh.ai_market.revenue_usd_per_yr_initial)
        self.s.others_capability = self.zeros()
        self._publish_ai(self.zeros(), [self.zeros() for _ in self.lab_names])
        self.publish("pv_cumulative_gw", self.s.pv_cum_gw)

    def _publish_ai(self, pool_usd_per_month: np.ndarray, deserved: list[np.ndarray]) -> None:
        am = self.shared.ai_market
        self.publish("ai_pool_usd_per_month", pool_usd_per_month)
        self.publish("ai_market_room_frac", np.clip(1.0 - self.s.ai_pool_usd_per_yr / am.revenue_usd_per_yr_max, 0.0, 1.0))
        for lab, share in zip(self.lab_names, deserved, strict=True):
            self.ex.publish_to(self.name, lab, "ai_share_frac", share)

    def offer(self) -> None:
        p, sh = self.p, self.shared
        am = sh.ai_market
        ex = self.ex
        s = self.s
        s.launches_per_yr = self.grow_logistic(s.launches_per_yr, p.external_launches_growth_frac_per_yr, p.external_launches_per_yr_max)
        s.pv_gw_per_yr = self.grow(s.pv_gw_per_yr, sh.pv.world_installs_growth_frac_per_yr, sh.pv.world_installs_gw_per_yr_max)
        s.chips_h100e_per_month = self.grow_logistic(s.chips_h100e_per_month, sh.chips.market_demand_growth_frac_per_yr, sh.chips.market_demand_h100e_per_month_max)
        s.ai_pool_usd_per_yr = self.grow_logistic(s.ai_pool_usd_per_yr, am.growth_frac_per_yr, am.revenue_usd_per_yr_max)

        # the AI pool and the share each lab's capability (last month) deserves
        caps = [np.maximum(self.read(lab, "capability"), 0.0) for lab in self.lab_names]
        best_lab = np.maximum.reduce(caps) if caps else self.zeros()
        s.others_capability = am.others_capability_ratio * best_lab
        best = np.maximum(best_lab, s.others_capability)
        pool = s.ai_pool_usd_per_yr / 12.0 * np.maximum(best, 1e-6) ** am.capability_elasticity
        total = sum((c**am.share_exponent for c in caps), s.others_capability**am.share_exponent)
        deserved = [np.divide(c**am.share_exponent, total, out=np.zeros(self.K), where=total > 0) for c in caps]
        self._publish_ai(pool, deserved)

        self._order_launches()
        ex.demand(self.name, "pv_modules", s.pv_gw_per_yr / 12.0, tier=1, kind="capex")
        ex.demand(self.name, "accelerators", s.chips_h100e_per_month, tier=1, kind="capex")
        # subscribers' bandwidth: the constellations cap what they sell to the market at what
        # their subscribers use
        ex.demand(self.name, "bandwidth", np.full(self.K, UNLIMITED), tier=1, kind="opex")
        ex.demand(self.name, "compute", np.full(self.K, UNLIMITED), tier=1, kind="opex")
        ex.demand(self.name, "labour", np.full(self.K, UNLIMITED), tier=2, kind="opex")

    def _order_launches(self) -> None:
        """This month's dedicated launches, by launcher (see the module docstring)."""
        p, s = self.p, self.s
        if not self.launchers:
            return
        prices = np.stack([self.read(ln, "launch_price_usd_per_launch") for ln in self.launchers], axis=1)
        slots = np.stack([np.maximum(self.read(ln, "launch_slots_per_month"), 0.0) for ln in self.launchers], axis=1)
        payloads = np.stack([self.read(ln, "launch_payload_t") for ln in self.launchers], axis=1)
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
    rest = wanted - out.sum(axis=1)
    free = slots - out
    rank = np.argsort(prices_usd, axis=1, kind="stable")
    rows = np.arange(K)
    for r in range(L):
        j = rank[:, r]
        take = np.minimum(rest, np.maximum(free[rows, j], 0.0))
        out[rows, j] += take
        rest = rest - take
    out[rows, rank[:, 0]] += np.maximum(rest, 0.0)
    return out
