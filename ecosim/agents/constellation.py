"""Broadband constellations: satellites by generation and launch month, subscribers, revenue.

Satellites live in a ring buffer indexed by launch month (``A`` = 240 months) and by
generation; a cohort deorbits when its age reaches the design life, and a share fails or is
deorbited early each year (``attrition_frac_per_yr``). The operator builds
toward a target constellation (capped by regulation and, for Kuiper, its FCC authorization)
at a production rate that grows each year, and launches what it has built (satellites that
need Starship wait for Starship capacity).

Subscribers follow a Bass diffusion over a satellite-broadband market shared with the rival
constellation (new adopters split by appeal; the rival's adopters and appeal arrive as its
``broadband_adopters`` and ``broadband_appeal`` signals), and are capped by capacity: usable
capacity [Tbps] over the busy-hour need of one subscriber [Mbps], less what the operator's own
orbital data centers need (their ``bandwidth_need_tbps``). Revenue is subscribers x ARPU (sold
as bandwidth to the market, which takes at most what subscribers use) plus government and
enterprise revenue. Generations that need Starship wait for the launcher's published
``starship_capacity_t``.

[1] Bass, F. M. (1969). A new product growth model for consumer durables. Management Science 15(5).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import EcosimAgent, per_item

RING_MONTHS = 240


class Constellation(EcosimAgent):
    kind = "constellation"
    label = "Constellation"
    launch_tier = 1

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        self.market_p = self.shared.satellite_market
        self.reg = self.shared.regulation
        self.rival = self.partner("broadband_adopters")
        self.launcher = self.partner("starship_capacity_t")
        self.own_odc = self.partner("bandwidth_need_tbps")
        G = len(p.generations)
        K = self.K
        self.s.sats = np.zeros((K, G, RING_MONTHS))
        start = world.start_month
        n0 = np.asarray(p.satellites_initial, dtype=float)
        spread = int(p.initial_fleet_spread_months)
        for age in range(spread):  # the initial fleet spread evenly over its first months
            self.s.sats[:, 0, (start - 1 - age) % RING_MONTHS] = n0 / spread
        self.s.active_gen = self.s.sats.sum(axis=2)  # running total by generation
        self.s.inventory = np.zeros((K, G))
        self.s.production_rate = np.full(K, p.production_per_month_initial, dtype=float)
        self.s.demand_subs = np.full(K, p.subscribers_initial, dtype=float)
        self.s.subs = np.full(K, p.subscribers_initial, dtype=float)
        self.s.arpu_usd = np.full(K, p.arpu_usd_per_month_initial, dtype=float)
        self.s.other_revenue_usd_per_yr = np.full(K, p.other_revenue_usd_per_yr_initial, dtype=float)
        self.s.added_this_year = np.zeros(K)
        self.s.authorization_cut = np.full(K, np.inf)  # set when a regulator cuts the licence
        self.s.potential = np.full(K, self.market_p.potential_subscribers_initial, dtype=float)
        self.built = np.zeros(K)
        self.launch_demand_t = np.zeros(K)
        self.capacity_tbps = np.zeros(K)
        self.subscriber_tbps = np.zeros(K)
        self.deorbited = np.zeros(K)
        self._publish_market()

    def authorized(self) -> np.ndarray:
        """Satellites the operator is licensed for (Starlink: its target decides)."""
        return self.s.authorization_cut

    # ---------------------------------------------------------------- readings

    @property
    def active(self) -> np.ndarray:
        """Working satellites in orbit [count]."""
        return self.s.active_gen.sum(axis=1)

    def active_by_generation(self) -> np.ndarray:
        return self.s.active_gen

    def starship_available(self) -> np.ndarray:
        """Starship payload the launcher offers this month [t] (0 without Starship)."""
        return self.read(self.launcher, "starship_capacity_t") if self.launcher else self.zeros()

    def _publish_market(self) -> None:
        """Adopters and appeal, for the rival's share of new adopters next month."""
        self.publish("broadband_adopters", self.s.demand_subs)
        self.publish("broadband_appeal", self.p.appeal_ratio * self.after(self.p.service_start_month))

    # ---------------------------------------------------------------- phases

    def offer(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        K = self.K
        life = np.clip(np.rint(np.asarray(p.lifetime_yr) * 12.0), 1, RING_MONTHS - 1).astype(int)
        slot = (self.t - life) % RING_MONTHS
        rows = np.arange(K)
        leaving = s.sats[rows, :, np.broadcast_to(slot, (K,))]
        self.deorbited = leaving.sum(axis=1)
        s.active_gen = np.maximum(s.active_gen - leaving, 0.0)
        s.sats[rows, :, np.broadcast_to(slot, (K,))] = 0.0
        attrition = 1.0 - (1.0 - np.asarray(p.attrition_frac_per_yr)) ** (1.0 / 12.0)
        early = s.active_gen * np.reshape(attrition, (-1, 1))
        s.sats = s.sats * (1.0 - np.reshape(attrition, (-1, 1, 1)))
        s.active_gen = s.active_gen - early
        self.deorbited = self.deorbited + early.sum(axis=1)
        if self.t % 12 == 0:
            s.added_this_year = np.zeros(K)

        # production of the newest generation that can fly
        gen = self._generation_to_build()
        active = self.active
        target = np.minimum.reduce([np.broadcast_to(np.asarray(p.target_satellites, float), (K,)), self.authorized(), np.broadcast_to(np.asarray(self.reg.max_satellites_per_operator, float), (K,))])
        stock = active + s.inventory.sum(axis=1)
        room = np.maximum(self.reg.deployment_approval_per_yr - s.added_this_year - s.inventory.sum(axis=1), 0.0)
        producing = (gen >= 0).astype(float)
        build = np.minimum.reduce([s.production_rate, np.maximum(target - stock, 0.0), room]) * producing
        s.inventory[rows, np.maximum(gen, 0)] += build
        self.built = build

        # launch demand, satellites that need Starship capped by its capacity
        mass_t = s.inventory * per_item(p.generations, "mass_kg", K) / 1000.0
        needs = np.array([g.needs_starship for g in p.generations])
        heavy = mass_t[:, needs].sum(axis=1)
        light = mass_t[:, ~needs].sum(axis=1)
        self.launch_demand_t = light + np.minimum(heavy, self.starship_available())
        self._heavy_share = np.divide(np.minimum(heavy, self.starship_available()), heavy, out=np.zeros(K), where=heavy > 0)
        ex.demand(self.name, "launch_mass", self.launch_demand_t, tier=self.launch_tier, kind="capex")

        # subscribers: Bass diffusion on a shared market, capped by capacity
        gbps = per_item(p.generations, "capacity_gbps", K)
        self.capacity_tbps = (self.active_by_generation() * gbps).sum(axis=1) / 1000.0 * p.usable_capacity_frac
        self._update_subscribers()
        price_per_tbps = s.arpu_usd * 1e6 / p.mbps_per_subscriber
        self.subscriber_tbps = s.subs * p.mbps_per_subscriber / 1e6
        reserved = np.minimum(self.reserved_tbps(), self.capacity_tbps)
        caps = {0: reserved, 1: self.subscriber_tbps}  # own data centers first, subscribers what they use
        self.ex.offer(self.name, "bandwidth", self.subscriber_tbps + reserved, price_per_tbps, self.p.bandwidth_price_usd_per_tbps_month, tier_caps=caps)
        self._publish_market()

        eo_tb = per_item(p.generations, "eo_data_tb_per_month", K)
        eo_pb = (self.active_by_generation() * eo_tb).sum(axis=1) / 1000.0
        if ex.sells(self.name, "data"):
            ex.offer(self.name, "data", eo_pb, 0.0)

    def reserved_tbps(self) -> np.ndarray:
        """Capacity kept for the operator's own orbital data centers [Tbps] (their published need)."""
        return self.read(self.own_odc, "bandwidth_need_tbps") if self.own_odc else self.zeros()

    def _generation_to_build(self) -> np.ndarray:
        """Index of the newest buildable generation per member (-1: none yet)."""
        gen = np.full(self.K, -1)
        ship = self.starship_available() > 0
        for i, g in enumerate(self.p.generations):
            ok = self.t >= np.asarray(g.available_month)
            if g.needs_starship:
                ok = ok & ship
            gen = np.where(ok, i, gen)
        return gen

    def _update_subscribers(self) -> None:
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
        cap_subs = np.maximum(self.capacity_tbps - self.reserved_tbps(), 0.0) * 1e6 / p.mbps_per_subscriber
        s.subs = np.minimum(s.demand_subs, cap_subs) * live

    def settle(self) -> None:
        p, s = self.p, self.s
        K = self.K
        bought = self.ex.received(self.name, "launch_mass")
        delivered = self.ex.delivered(self.name, "launch_mass")
        frac_bought = np.divide(bought, self.launch_demand_t, out=np.zeros(K), where=self.launch_demand_t > 0)
        frac_ok = np.divide(delivered, self.launch_demand_t, out=np.zeros(K), where=self.launch_demand_t > 0)
        needs = np.array([g.needs_starship for g in p.generations])
        take = np.where(needs[None, :], self._heavy_share[:, None], 1.0) * frac_bought[:, None]
        ok = np.where(needs[None, :], self._heavy_share[:, None], 1.0) * frac_ok[:, None]
        launched = s.inventory * take
        arrived = s.inventory * ok
        s.inventory = s.inventory - launched
        s.sats[:, :, self.t % RING_MONTHS] += arrived
        s.active_gen = s.active_gen + arrived
        s.added_this_year = s.added_this_year + arrived.sum(axis=1)

        unit_cost = per_item(p.generations, "unit_cost_usd", K)
        gen = self._generation_to_build()
        self.pay_costs(self.built * unit_cost[np.arange(K), np.maximum(gen, 0)], "capex")
        self.pay_costs(self.active * p.opex_usd_per_satellite_yr / 12.0 + s.subs * p.opex_usd_per_subscriber_month, "opex")
        live = self.after(p.service_start_month)
        self.ex.pay("market", self.name, s.other_revenue_usd_per_yr / 12.0 * live, "revenue")

        s.production_rate = np.where(gen >= 0, self.grow(s.production_rate, p.production_growth_frac_per_yr, p.production_per_month_max), s.production_rate)
        s.other_revenue_usd_per_yr = np.where(
            live > 0, self.grow_logistic(s.other_revenue_usd_per_yr, p.other_revenue_growth_frac_per_yr, p.other_revenue_usd_per_yr_max), s.other_revenue_usd_per_yr
        )
        s.arpu_usd = s.arpu_usd * (1.0 + np.asarray(p.arpu_change_frac_per_yr)) ** (1.0 / 12.0)
