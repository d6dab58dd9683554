"""Terrestrial AI data centers behind grid interconnection queues.

The owner lab sets how much new IT power it wants each month (its ``terrestrial_target_mw``
signal). A site with on-site gas turbines adds them as fast as turbines can be had
(``onsite_gas_mw_per_month_max``); the rest of the request joins the grid's queue (the
``connection_request_mw`` signal to :class:`~ecosim.agents.grid.Grid`, which answers with
``connection_added_mw``). The facility is built when power is connected (capex per W), then
filled with accelerators from stock; accelerators retire at the end of their life and free their
space for new ones. The lab orders accelerators ``chip_order_lead_months`` before it *expects*
power (the site's own lead time for turbines, the grid's published wait for a grid connection):
when the queue is longer than planned, they pile up unpowered (:attr:`chips_unpowered_h100e`).
Power is bought from the grid (or fuel from the market), at the site's PUE.

A grid site may add on-site generation of its own from ``onsite_start_month`` (Stargate Abilene's
gas turbines beside its grid connection; an ``onsite_gas`` site from its start), at most
``onsite_gas_mw_per_month_max`` a month (the turbines' supply, published as
``site_onsite_mw_per_month``), at ``onsite_capex_usd_per_w`` on top of the facility's capex, and
pays fuel (gas price x heat rate) for the IT power it runs. Where it can, the wait it publishes
(``site_delay_yr``) is the turbines' lead ``onsite_lead_yr`` and its capex per W carries theirs;
its lab weighs that against the grid's queue for what the turbines cannot supply
(:func:`ecosim.agents.xai.lease_share_frac`).

It publishes what a builder of the alternative needs to price this site (the ``site_*``
signals: capex per W, energy price, PUE, capacity factor, facility life and the wait for power),
and to its lab its compute, any capital budget its parent sets, and the IT power it has asked the
grid for and not yet got (``site_pending_mw``: what the lab still owes for, its facility paid when
power comes, its chips as they arrive, ``chip_order_lead_months`` before the power expected).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import HOURS_PER_MONTH, EcosimAgent, chips_per_mw, clip, monthly, take_slot
from ecosim.economics.binding import binding_code_of
from ecosim.economics.odc_cost import energy_price_usd_per_mwh, fuel_usd_per_mwh
from ecosim.physics.compute import watts_per_h100e
from ecosim.physics.ufunc import ONE_MEMBER, ratio_or

RING_MONTHS = 240
#: the limits of a site's installs, in the order its binding code weighs them
_SITE_LIMITS = ("power", "chips")




class TerrestrialDataCenter(EcosimAgent):
    kind = "terrestrial_dc"
    label = "Terrestrial DCs"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        K = self.K
        hw = self.shared.ai_hardware
        w0 = watts_per_h100e(hw.w_per_h100e, hw.efficiency_gain_frac_per_yr, hw.reference_month, world.start_month)
        self.s.facility_mw = np.full(K, p.it_mw_initial, dtype=float)
        self.s.chip_mw = np.zeros((K, RING_MONTHS))  # IT MW of accelerators by install month
        self.s.chip_eflops = np.zeros((K, RING_MONTHS))
        start = world.start_month
        # initial fleet installed evenly over the spread (at most a chip life), per member
        life = np.rint(np.asarray(hw.chip_life_yr, dtype=float) * 12).astype(int)
        spread = np.asarray(p.initial_fleet_spread_months).astype(int)
        n = np.broadcast_to(np.minimum(life, spread), (K,))
        for age in range(int(n.max())):
            slot = (start - 1 - age) % RING_MONTHS
            mw = p.it_mw_initial / np.maximum(n, 1)
            self.s.chip_mw[:, slot] = np.where(age < n, mw, 0.0)
            self.s.chip_eflops[:, slot] = np.where(age < n, mw * 1e6 / w0 * hw.flops_per_h100e / 1e18, 0.0)
        self.s.used_mw_total = self.s.chip_mw.sum(axis=1)
        self.s.eflops_total = self.s.chip_eflops.sum(axis=1)
        self.s.chips_h100e = np.zeros(K)
        self.s.onsite_mw = np.full(K, p.it_mw_initial if p.energy_source == "onsite_gas" else 0.0, dtype=float)
        self.s.grid_mw = np.full(K, p.it_mw_initial if p.energy_source == "grid" else 0.0, dtype=float)
        self.s.order_plan = np.zeros((K, RING_MONTHS))  # MW whose chips are due, by month
        self.s.pending_mw = np.zeros(K)  # MW asked of the grid, not yet connected
        self.s.budget_usd_per_yr = np.full(K, p.capex_budget_usd_per_yr, dtype=float)
        self.grid = self.partner("connection_added_mw")
        self.owner_lab = self.partner("terrestrial_target_mw")
        self.power_factor = np.ones(K)
        self._rows = np.arange(K)
        #: months its accelerators serve: a function of the shared hardware, fixed in a run
        self._chip_life_months = np.clip(np.rint(np.asarray(hw.chip_life_yr) * 12.0), 1, RING_MONTHS - 1).astype(int)
        #: the same as a number when every member shares it (None when they differ)
        self._chip_life_month = int(self._chip_life_months) if np.ndim(self._chip_life_months) == 0 else None
        self.built_mw = np.zeros(K)
        self.target_mw = np.zeros(K)
        #: the site's signals that are functions of its parameters, fixed in a run (per member)
        self._site = {
            "site_energy_usd_per_mwh": self.full(energy_price_usd_per_mwh(p)),
            "site_pue": self.full(p.pue),
            "site_capacity_factor": self.full(p.capacity_factor),
            "site_facility_life_yr": self.full(p.facility_life_yr),
        }
        self._onsite_capex_usd_per_w = np.asarray(p.onsite_capex_usd_per_w, float)  # [USD/W] the turbines'
        self._fuel_usd_per_mwh = fuel_usd_per_mwh(p)  # [USD/MWh] of on-site gas (its parameters stay fixed in a run)
        #: a grid site's chip order lead [months], from its stated wait: fixed in a run (an
        #: on-site site's follows the grid's published wait)
        self._grid_site_lead = None if p.energy_source == "onsite_gas" else self._order_lead(self.full(p.interconnection_delay_yr))
        # before the first month: the site as the scenario states it
        self._publish(self.full(p.interconnection_delay_yr))
        self.publish("connection_request_mw", self.zeros())

    @property
    def connected_mw(self) -> np.ndarray:
        """IT power the site can run [MW]: grid connection or on-site generation."""
        return self.s.grid_mw + self.s.onsite_mw

    @property
    def used_mw(self) -> np.ndarray:
        """IT power of installed accelerators [MW]."""
        return self.s.used_mw_total

    @property
    def chips_unpowered_h100e(self) -> np.ndarray:
        return self.s.chips_h100e

    def compute_capacity_eflops(self) -> np.ndarray:
        return self.s.eflops_total

    def wanted_mw(self) -> np.ndarray:
        if self.owner_lab is None:
            return self.zeros()
        return self.read(self.owner_lab, "terrestrial_target_mw")

    def grid_delay_yr(self) -> np.ndarray:
        """The wait for a new grid connection the grid publishes [yr] (its base delay if none)."""
        return self.read(self.grid, "interconnection_delay_yr") if self.grid else self.full(self.p.interconnection_delay_yr)

    @monthly  # asked several times a month (offer, the published site)
    def onsite_mw_per_month(self) -> np.ndarray:
        """On-site generation the site can add this month [MW/month]: the turbines' supply from
        ``onsite_start_month`` (an ``onsite_gas`` site: always), else none."""
        p = self.p
        if p.energy_source == "onsite_gas":
            return self.full(p.onsite_gas_mw_per_month_max)
        return self.after(p.onsite_start_month) * p.onsite_gas_mw_per_month_max

    def site_delay_yr(self) -> np.ndarray:
        """Wait before new capacity at this site has power [yr]: the turbines' lead where on-site
        generation can be added (:meth:`onsite_mw_per_month`), else the grid's queue."""
        onsite = self.onsite_mw_per_month()
        if onsite.shape == ONE_MEMBER:  # one member: the turbines' lead or the grid's queue, without the mask
            return self.full(self.p.onsite_lead_yr) if onsite[0] > 0 else self.grid_delay_yr()
        return np.where(onsite > 0, self.p.onsite_lead_yr, self.grid_delay_yr())

    def site_capex_usd_per_w(self, onsite_mw_per_month: np.ndarray | None = None) -> np.ndarray:
        """Capital cost of new capacity at this site [USD/W of IT power]: the facility, and the
        turbines where on-site generation can be added (``onsite_mw_per_month``: this month's
        :meth:`onsite_mw_per_month`, if the caller has it)."""
        p = self.p
        onsite = self.onsite_mw_per_month() if onsite_mw_per_month is None else onsite_mw_per_month
        return np.asarray(p.capex_usd_per_w + (onsite > 0) * self._onsite_capex_usd_per_w, float)

    def _publish(self, delay_yr: np.ndarray | None) -> None:
        """What the lab and the builders of alternatives read next month."""
        onsite = self.onsite_mw_per_month()
        self.publish("site_capex_usd_per_w", self.site_capex_usd_per_w(onsite))
        self.publish("site_onsite_mw_per_month", onsite)
        for signal, value in self._site.items():  # published every month (publish stores a copy)
            self.publish(signal, value)
        if delay_yr is not None:
            self.publish("site_delay_yr", delay_yr)
        budget = self.s.budget_usd_per_yr
        if budget.shape == ONE_MEMBER:  # one member: its budget or none, without the mask
            self.publish("capex_budget_usd_per_month", budget / 12.0 if budget[0] > 0 else self.zeros())
        else:
            self.publish("capex_budget_usd_per_month", np.where(budget > 0, budget / 12.0, 0.0))
        self.publish("compute_capacity_eflops", self.compute_capacity_eflops())
        self.publish("site_pending_mw", self.s.pending_mw)

    def offer(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        K = self.K
        rows = self._rows
        slot = (self.t - (self._chip_life_months if self._chip_life_month is None else self._chip_life_month)) % RING_MONTHS
        s.used_mw_total = np.maximum(s.used_mw_total - take_slot(s.chip_mw, slot, rows), 0.0)
        s.eflops_total = np.maximum(s.eflops_total - take_slot(s.chip_eflops, slot, rows), 0.0)

        if self.grid is not None:  # connections the grid made last month
            added = self.read(self.grid, "connection_added_mw")
            s.grid_mw = s.grid_mw + added
            s.pending_mw = np.maximum(s.pending_mw - added, 0.0)
        want = self.wanted_mw()
        self.target_mw = want
        # on-site turbines first (as fast as they can be added), the rest through the grid queue
        onsite = np.minimum(want, self.onsite_mw_per_month())
        s.onsite_mw = s.onsite_mw + onsite
        self.pay_costs(onsite * 1e6 * p.onsite_capex_usd_per_w, "capex")
        s.order_plan[:, self.t % RING_MONTHS] += onsite
        to_grid = want - onsite
        self.publish("connection_request_mw", to_grid)
        if self.grid is not None:
            s.pending_mw = s.pending_mw + to_grid
        # chips are ordered for when power is expected: the grid's wait for an on-site site's
        # grid share, the site's planned wait for a grid site
        lead = self._order_lead(self.grid_delay_yr()) if self._grid_site_lead is None else self._grid_site_lead
        if lead.size == 1:  # one lead for every member: a column, the same additions without fancy indexing
            s.order_plan[:, (self.t + int(lead.flat[0])) % RING_MONTHS] += to_grid
        else:
            due = (self.t + lead) % RING_MONTHS
            s.order_plan[rows, due if due.shape == (K,) else np.broadcast_to(due, (K,))] += to_grid
        due = s.order_plan[:, self.t % RING_MONTHS].copy()
        s.order_plan[:, self.t % RING_MONTHS] = 0.0
        cpm = chips_per_mw(self)
        free = np.maximum(s.facility_mw - self.used_mw, 0.0)
        refill = np.maximum(free * cpm - s.chips_h100e, 0.0)
        self._chip_order = due * cpm + refill
        ex.demand(self.name, "accelerators", self._chip_order, tier=1, kind="capex")

        grid_it = np.maximum(self.used_mw - s.onsite_mw, 0.0)
        ex.demand(self.name, "power", np.minimum(grid_it, s.grid_mw) * p.pue, tier=1, kind="opex")
        ex.offer(self.name, "compute", self.compute_capacity_eflops() * self.power_factor, 0.0)

    def _order_lead(self, nominal_yr: np.ndarray) -> np.ndarray:
        """Months from ordering chips to their delivery, for power expected in ``nominal_yr``."""
        return clip(np.rint(np.asarray(nominal_yr) * 12.0 - self.p.chip_order_lead_months), 0, RING_MONTHS - 1).astype(int)

    def settle(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        hw = self.shared.ai_hardware
        s.chips_h100e = s.chips_h100e + ex.received(self.name, "accelerators")
        # build the facility where power is connected, then install chips into free space
        connected = self.connected_mw  # (not changed below)
        new_facility = np.maximum(connected - s.facility_mw, 0.0)
        s.facility_mw = s.facility_mw + new_facility
        self.built_mw = new_facility
        self.pay_costs(new_facility * 1e6 * p.capex_usd_per_w, "capex")
        cpm = chips_per_mw(self)
        free = np.maximum(s.facility_mw - self.used_mw, 0.0)
        install_mw = np.minimum(free, s.chips_h100e / cpm)
        install_h100e = install_mw * cpm
        s.chips_h100e = np.maximum(s.chips_h100e - install_h100e, 0.0)
        slot = self.t % RING_MONTHS
        added_eflops = install_h100e * hw.flops_per_h100e / 1e18
        s.chip_mw[:, slot] += install_mw
        s.chip_eflops[:, slot] += added_eflops
        s.used_mw_total = s.used_mw_total + install_mw
        s.eflops_total = s.eflops_total + added_eflops
        used = s.used_mw_total  # (used_mw)
        self.binding = binding_code_of(_SITE_LIMITS, np.array([connected - used, s.chips_h100e / cpm + 1e-9], dtype=float))

        onsite_it = np.minimum(used, s.onsite_mw)
        grid_it = used - onsite_it
        got_it = ex.received(self.name, "power") / p.pue
        self.power_factor = ratio_or(onsite_it + np.minimum(got_it, grid_it), used, self._ones)
        # fuel for what on-site generation runs (a grid site's turbines too)
        self.pay_costs(onsite_it * p.pue * HOURS_PER_MONTH * self._fuel_usd_per_mwh, "opex")
        self.pay_costs(s.facility_mw * 1e6 * p.capex_usd_per_w * p.opex_frac_of_capex_per_yr / 12.0, "opex")
        s.budget_usd_per_yr = self.grow(s.budget_usd_per_yr, p.capex_budget_growth_frac_per_yr, p.capex_budget_usd_per_yr_max)
        self._publish(self.site_delay_yr())
