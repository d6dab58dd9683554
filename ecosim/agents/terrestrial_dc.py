"""Terrestrial AI data centers behind grid interconnection queues.

The owner lab sets how much new IT power it wants each month. A site with on-site gas
turbines adds them as fast as turbines can be had (``onsite_gas_mw_per_month_max``); the rest
of the request joins the grid's queue (:class:`~ecosim.agents.grid.Grid`). The facility is built when power is
connected (capex per W), then filled with accelerators from stock; accelerators retire at
the end of their life and free their space for new ones. The lab orders accelerators
``chip_order_lead_months`` before it *expects* power (at the scenario's nominal delay): when
the queue is longer than planned, they pile up unpowered (:attr:`chips_unpowered_h100e`).
Power is bought from the grid (or fuel from the market), at the site's PUE.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import HOURS_PER_MONTH, EcosimAgent, binding_code
from ecosim.economics.odc_cost import energy_price_usd_per_mwh
from ecosim.physics.compute import watts_per_h100e

RING_MONTHS = 240


class TerrestrialDataCenter(EcosimAgent):
    kind = "terrestrial_dc"
    label = "Terrestrial DCs"
    owner_lab = "xai"

    def __init__(self, model: Any, name: str, company: str, p: Any) -> None:
        super().__init__(model, name, company, p)
        K = self.K
        hw = model.params.ai_hardware
        w0 = watts_per_h100e(hw.w_per_h100e, hw.efficiency_gain_frac_per_yr, hw.reference_month, model.start_month)
        self.s.facility_mw = np.full(K, p.it_mw_initial, dtype=float)
        self.s.chip_mw = np.zeros((K, RING_MONTHS))  # IT MW of accelerators by install month
        self.s.chip_eflops = np.zeros((K, RING_MONTHS))
        start = model.start_month
        life = int(round(float(np.max(hw.chip_life_yr)) * 12))
        for age in range(min(life, 36)):  # initial fleet installed evenly over three years
            slot = (start - 1 - age) % RING_MONTHS
            mw = p.it_mw_initial / min(life, 36)
            self.s.chip_mw[:, slot] = mw
            self.s.chip_eflops[:, slot] = mw * 1e6 / w0 * hw.flops_per_h100e / 1e18
        self.s.used_mw_total = self.s.chip_mw.sum(axis=1)
        self.s.eflops_total = self.s.chip_eflops.sum(axis=1)
        self.s.chips_h100e = np.zeros(K)
        self.s.onsite_mw = np.full(K, p.it_mw_initial if p.energy_source == "onsite_gas" else 0.0, dtype=float)
        self.s.order_plan = np.zeros((K, RING_MONTHS))  # MW whose chips are due, by month
        self.s.budget_usd_per_yr = np.full(K, p.capex_budget_usd_per_yr, dtype=float)
        self.grid = model.agent("grid_us")
        self.grid.register(name)
        self.grid.add_connected(name, np.full(K, p.it_mw_initial if p.energy_source == "grid" else 0.0))
        self.power_factor = np.ones(K)
        self.built_mw = np.zeros(K)
        self.target_mw = np.zeros(K)

    @property
    def connected_mw(self) -> np.ndarray:
        """IT power the site can run [MW]: grid connection or on-site generation."""
        return self.grid.connected_mw(self.name) + self.s.onsite_mw

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
        return self.agent(self.owner_lab).terrestrial_target_mw

    def offer(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        K = self.K
        rows = np.arange(K)
        hw = self.model.params.ai_hardware
        life = np.clip(np.rint(np.asarray(hw.chip_life_yr) * 12.0), 1, RING_MONTHS - 1).astype(int)
        slot = np.broadcast_to((self.t - life) % RING_MONTHS, (K,))
        s.used_mw_total = np.maximum(s.used_mw_total - s.chip_mw[rows, slot], 0.0)
        s.eflops_total = np.maximum(s.eflops_total - s.chip_eflops[rows, slot], 0.0)
        s.chip_mw[rows, slot] = 0.0
        s.chip_eflops[rows, slot] = 0.0

        want = self.wanted_mw()
        self.target_mw = want
        tsmc = self.agent("tsmc")
        # on-site turbines first (as fast as they can be added), the rest through the grid queue
        onsite = np.minimum(want, p.onsite_gas_mw_per_month_max) if p.energy_source == "onsite_gas" else self.zeros()
        s.onsite_mw = s.onsite_mw + onsite
        s.order_plan[:, self.t % RING_MONTHS] += onsite
        to_grid = want - onsite
        self.grid.request(self.name, to_grid)
        nominal = self.model.params.grid_us.base_delay_yr if p.energy_source == "onsite_gas" else p.interconnection_delay_yr
        lead = np.clip(np.rint(np.asarray(nominal) * 12.0 - p.chip_order_lead_months), 0, RING_MONTHS - 1).astype(int)
        s.order_plan[rows, np.broadcast_to((self.t + lead) % RING_MONTHS, (K,))] += to_grid
        due = s.order_plan[:, self.t % RING_MONTHS].copy()
        s.order_plan[:, self.t % RING_MONTHS] = 0.0
        cpm = 1e6 / tsmc.w_per_h100e()
        free = np.maximum(s.facility_mw - self.used_mw, 0.0)
        refill = np.maximum(free * cpm - s.chips_h100e, 0.0)
        self._chip_order = due * cpm + refill
        ex.demand(self.name, "accelerators", self._chip_order, tier=1, kind="capex")

        grid_it = np.maximum(self.used_mw - s.onsite_mw, 0.0)
        ex.demand(self.name, "power", np.minimum(grid_it, self.grid.connected_mw(self.name)) * p.pue, tier=1, kind="opex")
        ex.offer(self.name, "compute", self.compute_capacity_eflops() * self.power_factor, 0.0)

    def settle(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        tsmc = self.agent("tsmc")
        hw = self.model.params.ai_hardware
        s.chips_h100e = s.chips_h100e + ex.received(self.name, "accelerators")
        # build the facility where power is connected, then install chips into free space
        new_facility = np.maximum(self.connected_mw - s.facility_mw, 0.0)
        s.facility_mw = s.facility_mw + new_facility
        self.built_mw = new_facility
        self.pay_costs(new_facility * 1e6 * p.capex_usd_per_w, "capex")
        cpm = 1e6 / tsmc.w_per_h100e()
        free = np.maximum(s.facility_mw - self.used_mw, 0.0)
        install_mw = np.minimum(free, s.chips_h100e / cpm)
        s.chips_h100e = np.maximum(s.chips_h100e - install_mw * cpm, 0.0)
        slot = self.t % RING_MONTHS
        added_eflops = install_mw * cpm * hw.flops_per_h100e / 1e18
        s.chip_mw[:, slot] += install_mw
        s.chip_eflops[:, slot] += added_eflops
        s.used_mw_total = s.used_mw_total + install_mw
        s.eflops_total = s.eflops_total + added_eflops
        self.binding = binding_code({"power": self.connected_mw - self.used_mw, "chips": s.chips_h100e / cpm + 1e-9})

        onsite_it = np.minimum(self.used_mw, s.onsite_mw)
        grid_it = self.used_mw - onsite_it
        got_it = ex.received(self.name, "power") / p.pue
        self.power_factor = np.divide(onsite_it + np.minimum(got_it, grid_it), self.used_mw, out=np.ones(self.K), where=self.used_mw > 0)
        if p.energy_source == "onsite_gas":
            self.pay_costs(onsite_it * p.pue * HOURS_PER_MONTH * energy_price_usd_per_mwh(p), "opex")
        self.pay_costs(s.facility_mw * 1e6 * p.capex_usd_per_w * p.opex_frac_of_capex_per_yr / 12.0, "opex")
        s.budget_usd_per_yr = self.grow(s.budget_usd_per_yr, p.capex_budget_growth_frac_per_yr, p.capex_budget_usd_per_yr_max)
