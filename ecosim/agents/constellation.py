"""Broadband constellations: satellites by generation and launch month, subscribers, money.

**Satellites** live in a ring buffer indexed by launch month (``A`` = 240 months) and by
generation; a cohort deorbits when its age reaches the design life, and a share fails or is
deorbited early each year (``attrition_frac_per_yr``). The operator builds toward a target
constellation (capped by regulation and, for Kuiper, its FCC authorization) at a factory rate
that grows each year, within the capital it can spend (its company's cash when the month
opened, over ``cash_deploy_months``), and launches what it has built: satellites ride only on
flights that fly (what reached orbit, :meth:`~ecosim.exchange.clearing.Exchange.delivered_from`,
is what is added). Generations that need Starship wait for the share of Starship's payload the
launcher allots them (``starship_capacity_t``); the operator publishes what it would fly
(``starship_need_t``), which the launcher builds its fleet to. Light satellites fly in whole
Falcon loads (the launcher's ``launch_payload_t``). Subclasses decide where launches are bought
(:meth:`Constellation.launch_orders`: Starlink on its own launcher, Kuiper on its contracts).

**Capacity.** Usable capacity [Tbps] is each generation's capacity times the share over paying
users in the busy hour (its shell: inclination, altitude, land below), summed over the
satellites in orbit, less what the operator's own orbital data centers need (their
``bandwidth_need_tbps``). One subscriber needs ``busy_hour_mbps`` in the busy hour, growing at
``traffic_growth_pct_per_yr`` (more video, more devices), so the network can serve usable
capacity / Mbps per subscriber: without new capacity (a Starship delay) that number falls year
by year. Capacity is spread over the cells the constellation covers, demand is not: people
live in towns and valleys, so dense cells fill while sparse ones have room to spare. With the
demand of the cells lognormal with spread ``cell_demand_spread_index`` (sigma of its log), the
share of adopters served at capacity / demand = r is

    served(r) = Phi((ln r - s^2/2) / s) + r (1 - Phi((ln r + s^2/2) / s))

(the expected ``min(demand, capacity)`` of a cell over its expected demand,
:func:`served_share`): near r for scarce capacity, tending to 1 only as capacity far exceeds
demand, so every satellite added serves more subscribers somewhere.

**Demand.** Adopters follow a Bass diffusion [1] over a satellite-broadband market shared with
the rival constellation (new adopters split by appeal; the rival's adopters and appeal arrive as
its ``broadband_adopters`` and ``broadband_appeal`` signals); the addressable market grows toward
its ceiling and widens as ARPU falls (``price_elasticity``). Subscribers are the adopters the
capacity can serve.

**Money.** Revenue lines: service (subscribers x ARPU, sold as bandwidth to the market, which
takes at most what subscribers use), user terminals (kit price x new and replacement kits),
government (Starshield and government services) and direct-to-cell wholesale, each its own
logistic line. Costs: kits (kit cost x kits), satellite operations, the ground segment per Tbps
of busy-hour traffic carried, customer support per subscriber, SG&A as a share of revenue
(operating costs); satellites and the ground segment per Tbps of traffic added (capex), launches
bought as capex. So the segment margin is a
result, not a constant.

[1] Bass, F. M. (1969). A new product growth model for consumer durables. Management Science 15(5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr

from ecosim.agents.base import EcosimAgent, clip, per_item, take_slot

RING_MONTHS = 240


def served_share(capacity_ratio: Any, spread: Any) -> np.ndarray:
    """Share of demand a network serves when its capacity is spread evenly over cells whose
    demand is lognormal with log-spread ``spread`` (sigma), at total capacity / demand
    ``capacity_ratio`` [-]: ``E[min(X, c)] / E[X]`` for a lognormal X (closed form).

    >>> served_share(np.array([0.0, 1.0, 1e9]), 1.0).round(3).tolist()
    [0.0, 0.617, 1.0]
    >>> served_share(np.array([0.5, 2.0]), 1e-6).round(3).tolist()   # no spread: min(1, r)
    [0.5, 1.0]
    """
    r = np.maximum(np.asarray(capacity_ratio, dtype=float), 1e-300)
    if type(spread) is float and spread == spread:  # one spread (not NaN): its maximum and sd^2 / 2 as floats, the same operations
        sd: Any = spread if spread > 1e-9 else 1e-9
    else:
        sd = np.maximum(np.asarray(spread, dtype=float), 1e-9)
    half = sd * sd / 2.0
    finite = np.isfinite(r)
    log_r = np.log(np.where(finite, r, 1.0))
    tail = np.where(finite, np.where(finite, r, 0.0) * (1.0 - ndtr((log_r + half) / sd)), 0.0)
    return np.asarray(np.where(finite, ndtr((log_r - half) / sd), 1.0) + tail)


def monthly(frac_per_yr: Any) -> np.ndarray:
    """The monthly factor of a yearly change [fraction/yr]: ``(1 + g)^(1/12)``.

    >>> round(float(monthly(0.2) ** 12), 12)
    1.2
    """
    return (1.0 + np.asarray(frac_per_yr, dtype=float)) ** (1.0 / 12.0)


@dataclass
class LaunchOrder:
    """Satellites (K, generations) put on one launcher this month, and the mass bought [t]
    (whole flights for a dedicated launch: ``launches`` x the launcher's payload)."""

    seller: str
    mass_t: np.ndarray
    sats: np.ndarray
    launches: np.ndarray | None = None
    contract: int = -1  #: index of the launch contract it draws on (-1: bought on the spot)
    bought_frac: np.ndarray | None = None  #: share of the order that cleared (set when it settles)


class Constellation(EcosimAgent):
    kind = "constellation"
    label = "Constellation"
    launch_tier = 1

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        self.market_p = self.shared.satellite_market
        self.reg = self.shared.regulation
        self.rival = self.partner("broadband_adopters")
        self.own_odc = self.partner("bandwidth_need_tbps")
        G = len(p.generations)
        K = self.K
        self.s.sats = np.zeros((K, G, RING_MONTHS))
        # functions of its parameters, fixed in a run: computed once, not every month
        self._life_months = clip(np.rint(np.asarray(p.lifetime_yr) * 12.0), 1, RING_MONTHS - 1).astype(int)  # [months] in orbit
        self._rows = np.arange(K)  # member rows, for fancy indexing by member
        self._target_satellites = np.broadcast_to(np.asarray(p.target_satellites, float), (K,))
        self._max_satellites = np.broadcast_to(np.asarray(self.reg.max_satellites_per_operator, float), (K,))  # per operator
        attrition = 1.0 - (1.0 - np.asarray(p.attrition_frac_per_yr)) ** (1.0 / 12.0)  # [fraction/month]
        self._attrition_by_gen = np.reshape(attrition, (-1, 1))
        self._survival_ring = 1.0 - np.reshape(attrition, (-1, 1, 1))
        self._churn = 1.0 - (1.0 - np.asarray(p.churn_frac_per_yr)) ** (1.0 / 12.0)  # [fraction/month]
        #: which generations fly only on Starship; per generation and member: unit cost [USD],
        #: mass [kg], Earth-observation data [TB/month], usable capacity [Gbps]
        self.needs_starship = np.array([g.needs_starship for g in p.generations])
        self._light = np.logical_not(self.needs_starship)  # the generations that fly on any launcher
        self._unit_cost_usd = per_item(p.generations, "unit_cost_usd", K)
        self._mass_kg = per_item(p.generations, "mass_kg", K)
        self._eo_tb = per_item(p.generations, "eo_data_tb_per_month", K)
        self._usable_gbps = per_item(p.generations, "capacity_gbps", K) * per_item(p.generations, "usable_capacity_frac", K)
        #: one calendar of generations for every member (int months: the scenarios), as
        #: (available month, needs Starship) per generation; None: a calendar per member
        self._calendar = tuple((g.available_month, bool(g.needs_starship)) for g in p.generations) if all(type(g.available_month) is int for g in p.generations) else None
        #: monthly factors of the yearly changes (fixed in a run): ARPU, busy-hour traffic, kit price and cost
        self._arpu_factor = monthly(p.arpu_change_frac_per_yr)
        self._traffic_factor = monthly(p.traffic_growth_frac_per_yr)
        self._kit_price_factor = monthly(p.terminal_price_change_frac_per_yr)
        self._kit_cost_factor = monthly(p.terminal_cost_change_frac_per_yr)
        #: its partners on the network (fixed in a run)
        self._ship_launcher = self.partner("starship_capacity_t")
        self._sends_ship_need = self.partner("starship_need_t", sends=True) is not None
        start = world.start_month
        n0 = np.asarray(p.satellites_initial, dtype=float)
        spread = np.broadcast_to(np.asarray(p.initial_fleet_spread_months).astype(int), (K,))  # per member
        for age in range(int(spread.max())):  # the initial fleet spread evenly over its first months
            self.s.sats[:, 0, (start - 1 - age) % RING_MONTHS] = np.where(age < spread, n0 / spread, 0.0)
        self.s.active_gen = np.add.reduce(self.s.sats, axis=2)  # running total by generation
        self._active_now: tuple[int, np.ndarray, np.ndarray] | None = None  # (month, active_gen, active)
        self.s.inventory = np.zeros((K, G))
        self.s.production_rate = np.full(K, p.production_per_month_initial, dtype=float)
        self.s.demand_subs = np.full(K, p.subscribers_initial, dtype=float)
        self.s.subs = np.full(K, p.subscribers_initial, dtype=float)
        self.s.arpu_usd = np.full(K, p.arpu_usd_per_month_initial, dtype=float)
        self.s.mbps_per_sub = np.full(K, p.busy_hour_mbps_per_subscriber_initial, dtype=float)
        self.s.terminal_price_usd = np.full(K, p.terminal_price_usd_initial, dtype=float)
        self.s.terminal_cost_usd = np.full(K, p.terminal_cost_usd_initial, dtype=float)
        self.s.government_usd_per_yr = np.full(K, p.government_revenue_usd_per_yr_initial, dtype=float)
        self.s.d2c_usd_per_yr = np.full(K, p.direct_to_cell_revenue_usd_per_yr_initial, dtype=float)
        self.s.ground_tbps_built = np.zeros(K)  # most busy-hour traffic ever carried (ground built for it)
        self.s.added_this_year = np.zeros(K)
        self.s.authorization_cut = np.full(K, np.inf)  # set when a regulator cuts the licence
        self.s.potential = np.full(K, self.market_p.potential_subscribers_initial, dtype=float)
        self.built = np.zeros(K)
        self._built_usd = np.zeros(K)
        self._price_per_tbps = np.zeros(K)
        self.orders: list[LaunchOrder] = []
        self.capacity_tbps = np.zeros(K)
        self.subscriber_tbps = np.zeros(K)
        self._reserved_need: np.ndarray | None = None  # this month's reserved_tbps, read in offer
        self.deorbited = np.zeros(K)
        self.kits = np.zeros(K)
        self.arrived = np.zeros(K)
        self.arrived_from: dict[str, np.ndarray] = {}  # satellites that reached orbit this month, by launcher
        self.launched = np.zeros(K)
        self.revenue_lines_usd: dict[str, np.ndarray] = {}
        self.opex_lines_usd: dict[str, np.ndarray] = {}
        self._publish_market()
        if self._sends_ship_need:
            self.publish("starship_need_t", self.zeros())

    def authorized(self) -> np.ndarray:
        """Satellites the operator is licensed for (Starlink: its target decides)."""
        return self.s.authorization_cut

    # ---------------------------------------------------------------- readings

    @property
    def active(self) -> np.ndarray:
        """Working satellites in orbit [count] (worked out again when the month or its array by
        generation changes: replaced in a month, never written into); callers never write into it."""
        by_gen = self.s.active_gen
        got = self._active_now
        if got is None or got[0] != self.t or got[1] is not by_gen:
            got = self._active_now = (self.t, by_gen, np.add.reduce(by_gen, axis=1))
        return got[2]

    def active_by_generation(self) -> np.ndarray:
        return self.s.active_gen

    def usable_tbps(self) -> np.ndarray:
        """Capacity over paying users in the busy hour [Tbps], every satellite in orbit."""
        return np.add.reduce(self.active_by_generation() * self._usable_gbps, axis=1) / 1000.0

    def carried_tbps(self, reserved: np.ndarray | None = None) -> np.ndarray:
        """Busy-hour traffic the network carries [Tbps]: subscribers' and the data centers' backhaul
        (``reserved``: this month's :meth:`reserved_tbps` if already read)."""
        need = self.reserved_tbps() if reserved is None else reserved
        return self.subscriber_tbps + np.minimum(need, self.capacity_tbps)

    def capacity_subscribers(self, reserved: np.ndarray | None = None) -> np.ndarray:
        """Subscribers the usable capacity can serve at this month's busy-hour traffic [subscribers]
        (``reserved``: this month's :meth:`reserved_tbps` if already read)."""
        need = self.reserved_tbps() if reserved is None else reserved
        return np.maximum(self.capacity_tbps - need, 0.0) * 1e6 / self.s.mbps_per_sub

    def _publish_market(self) -> None:
        """Adopters and appeal, for the rival's share of new adopters next month."""
        self.publish("broadband_adopters", self.s.demand_subs)
        self.publish("broadband_appeal", self.p.appeal_ratio * self.after(self.p.service_start_month))

    # ---------------------------------------------------------------- launches

    def launch_orders(self, mass_kg: np.ndarray) -> list[LaunchOrder]:
        """Where this month's launches are bought: subclasses decide (``mass_kg`` per generation)."""
        return []

    def ship_need_t(self, mass_kg: np.ndarray) -> np.ndarray:
        """Starship payload the operator would fly this month: its heavy satellites ready [t]."""
        return np.add.reduce((self.s.inventory * mass_kg)[:, self.needs_starship], axis=1) / 1000.0

    # ---------------------------------------------------------------- phases

    def offer(self) -> None:
        s, ex = self.s, self.ex
        K = self.K
        slot = (self.t - self._life_months) % RING_MONTHS
        rows = self._rows
        leaving = take_slot(s.sats, slot, rows)
        self.deorbited = np.add.reduce(leaving, axis=1)
        s.active_gen = np.maximum(s.active_gen - leaving, 0.0)
        early = s.active_gen * self._attrition_by_gen
        s.sats *= self._survival_ring  # in place: the ring is large (K, generations, 240)
        s.active_gen = s.active_gen - early
        self.deorbited = self.deorbited + np.add.reduce(early, axis=1)
        if self.t % 12 == 0:
            s.added_this_year = np.zeros(K)

        # production of the newest generation that can fly, within the capital it may spend
        gen = self._gen_now = self._generation_to_build()  # last month's signal: the same in settle
        # np.minimum.reduce of these, in the same order, without stacking them first
        target = np.minimum(np.minimum(self._target_satellites, self.authorized()), self._max_satellites)
        inventory = np.add.reduce(s.inventory, axis=1)
        stock = self.active + inventory
        room = np.maximum(self.reg.deployment_approval_per_yr - s.added_this_year - inventory, 0.0)
        producing = (gen >= 0).astype(float)
        g = np.maximum(gen, 0)
        unit_cost = self._unit_cost_usd[rows, g]
        affordable = self.affordable_units(unit_cost)
        build = np.minimum(np.minimum(np.minimum(s.production_rate, np.maximum(target - stock, 0.0)), room), affordable) * producing
        s.inventory[rows, g] += build
        self.built = build
        self._built_usd = build * unit_cost

        # launch orders, addressed to the launchers chosen
        mass_kg = self._mass_kg
        if self._sends_ship_need:
            self.publish("starship_need_t", self.ship_need_t(mass_kg))
        self.orders = self.launch_orders(mass_kg)
        for o in self.orders:
            ex.demand(self.name, "launch_mass", o.mass_t, tier=self.launch_tier, kind="capex", seller=o.seller)

        # subscribers: Bass diffusion on a shared market, capped by usable capacity
        self.capacity_tbps = self.usable_tbps()
        need = self._reserved_need = self.reserved_tbps()  # last month's signal: read once a month (settle reads it too)
        self._update_subscribers(need)
        price_per_tbps = self._price_per_tbps = s.arpu_usd * 1e6 / s.mbps_per_sub
        self.subscriber_tbps = s.subs * s.mbps_per_sub / 1e6
        reserved = np.minimum(need, self.capacity_tbps)
        caps = {0: reserved, 1: self.subscriber_tbps}  # own data centers first, subscribers what they use
        self.ex.offer(self.name, "bandwidth", self.subscriber_tbps + reserved, price_per_tbps, self.p.bandwidth_price_usd_per_tbps_month, tier_caps=caps)
        self._publish_market()

        if ex.sells(self.name, "data"):
            self.offer_data(np.add.reduce(self.active_by_generation() * self._eo_tb, axis=1) / 1000.0)

    def reserved_tbps(self) -> np.ndarray:
        """Capacity kept for the operator's own orbital data centers [Tbps] (their published need)."""
        return self.read(self.own_odc, "bandwidth_need_tbps") if self.own_odc else self.zeros()

    def heavy_share_t(self) -> np.ndarray:
        """Starship payload the launcher allots this operator this month [t] (0 without one)."""
        launcher = self._ship_launcher
        return self.read(launcher, "starship_capacity_t") if launcher else self.zeros()

    def _generation_to_build(self) -> np.ndarray:
        """Index of the newest buildable generation per member (-1: none yet)."""
        gens = self.p.generations
        calendar = self._calendar
        if calendar is not None:  # one calendar for every member
            # the loop below keeps the last generation available (and flyable): the newest
            # available one, of all (members with Starship payload) or of those that need no Starship
            t = self.t
            newest = newest_light = -1
            for i, (month, heavy) in enumerate(calendar):
                if t >= month:
                    newest = i
                    if not heavy:
                        newest_light = i
            if newest == newest_light:
                return np.full(self.K, newest)
            return np.where(self.heavy_share_t() > 0, newest, newest_light)
        ship = self.heavy_share_t() > 0
        gen = np.full(self.K, -1)
        for i, g in enumerate(gens):
            ok = self.t >= np.asarray(g.available_month)
            if g.needs_starship:
                ok = ok & ship
            gen = np.where(ok, i, gen)
        return gen

    def _update_subscribers(self, reserved: np.ndarray | None = None) -> None:
        p, s, mp = self.p, self.s, self.market_p
        live = self.after(p.service_start_month)
        s.potential = self.grow(s.potential, mp.potential_growth_frac_per_yr, mp.potential_max)
        arpu_rel = s.arpu_usd / p.arpu_usd_per_month_initial
        market = s.potential * arpu_rel ** (-mp.price_elasticity)
        n_all = s.demand_subs + (self.read(self.rival, "broadband_adopters") if self.rival else 0.0)
        appeal = p.appeal_ratio * live
        appeal_all = appeal + (self.read(self.rival, "broadband_appeal") if self.rival else 0.0)
        share = np.divide(appeal, appeal_all, out=np.zeros(self.K), where=appeal_all > 0)
        adopt = (p.bass_innovation_per_yr + p.bass_imitation_per_yr * n_all / market) * np.maximum(market - n_all, 0.0) / 12.0
        s.demand_subs = s.demand_subs + adopt * share
        before = s.subs
        ratio = np.divide(self.capacity_subscribers(reserved), s.demand_subs, out=self.full(np.inf), where=s.demand_subs > 0)
        s.subs = s.demand_subs * served_share(ratio, mp.cell_demand_spread_index) * live
        self.kits = np.maximum(s.subs - before, 0.0) + before * self._churn

    def settle(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        K = self.K
        launched = np.zeros(s.inventory.shape)
        arrived = np.zeros(s.inventory.shape)
        self.arrived_from = {}
        for o in self.orders:
            bought = ex.flow(o.seller, self.name, "launch_mass")
            delivered = ex.delivered_from(o.seller, self.name, "launch_mass")
            o.bought_frac = np.divide(bought, o.mass_t, out=np.zeros(K), where=o.mass_t > 0)
            launched += o.sats * o.bought_frac[:, None]
            came = o.sats * np.divide(delivered, o.mass_t, out=np.zeros(K), where=o.mass_t > 0)[:, None]
            self.arrived_from[o.seller] = np.add.reduce(came, axis=1)
            arrived += came
        s.inventory = np.maximum(s.inventory - launched, 0.0)
        s.sats[:, :, self.t % RING_MONTHS] += arrived
        s.active_gen = s.active_gen + arrived
        s.added_this_year = s.added_this_year + np.add.reduce(arrived, axis=1)
        self.launched, self.arrived = np.add.reduce(launched, axis=1), np.add.reduce(arrived, axis=1)

        live = self.after(p.service_start_month)
        d2c_live = self.after(p.direct_to_cell_start_month)
        # revenue lines beside the service sold as bandwidth
        self.revenue_lines_usd = {
            "service": ex.flow(self.name, "market", "bandwidth") * self._price_per_tbps,
            "terminals": self.kits * s.terminal_price_usd * live,
            "government": s.government_usd_per_yr / 12.0 * live,
            "direct_to_cell": s.d2c_usd_per_yr / 12.0 * d2c_live,
        }
        for line in ("terminals", "government", "direct_to_cell"):
            self.ex.pay("market", self.name, self.revenue_lines_usd[line], "revenue")
        revenue = sum(self.revenue_lines_usd.values(), self.zeros())
        carried = self.carried_tbps(self._reserved_need)  # the month's traffic: subscribers' and the data centers'
        self.opex_lines_usd = {
            "terminals": self.kits * s.terminal_cost_usd * live,
            "satellites": self.active * p.opex_usd_per_satellite_yr / 12.0,
            "ground": carried * p.ground_opex_usd_per_tbps_yr / 12.0,
            "support": s.subs * p.support_usd_per_subscriber_month,
            "sga": revenue * p.sga_frac_of_revenue,
        }
        self.pay_costs(sum(self.opex_lines_usd.values(), self.zeros()), "opex")
        new_ground = np.maximum(carried - s.ground_tbps_built, 0.0)
        s.ground_tbps_built = np.maximum(s.ground_tbps_built, carried)
        self.pay_costs(self._built_usd + new_ground * p.ground_capex_usd_per_tbps, "capex")

        gen = self._gen_now  # this month's offer's
        s.production_rate = np.where(gen >= 0, self.grow(s.production_rate, p.production_growth_frac_per_yr, p.production_per_month_max), s.production_rate)
        s.government_usd_per_yr = np.where(live > 0, self.grow_logistic(s.government_usd_per_yr, p.government_revenue_growth_frac_per_yr, p.government_revenue_usd_per_yr_max), s.government_usd_per_yr)
        s.d2c_usd_per_yr = np.where(d2c_live > 0, self.grow_logistic(s.d2c_usd_per_yr, p.direct_to_cell_growth_frac_per_yr, p.direct_to_cell_revenue_usd_per_yr_max), s.d2c_usd_per_yr)
        s.arpu_usd = s.arpu_usd * self._arpu_factor
        s.mbps_per_sub = s.mbps_per_sub * self._traffic_factor
        s.terminal_price_usd = s.terminal_price_usd * self._kit_price_factor
        s.terminal_cost_usd = s.terminal_cost_usd * self._kit_cost_factor
