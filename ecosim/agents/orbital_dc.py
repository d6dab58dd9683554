"""Orbital data centers: solar-powered compute satellites and the decision to build them.

Clusters are cohorts by launch month (a 240-month ring) of nameplate IT power [MW] and
compute [EFLOP/s]. A satellite's mass per W comes from its arrays (W/kg, oversized for
end-of-life power after degradation), radiators (area from Stefan-Boltzmann at the chips'
radiator temperature), chips and shielding, plus structure (:mod:`ecosim.economics.odc_cost`).
It computes only in sunlight (``sunlight_fraction``); accelerators fail at
``chip_failure_frac_per_yr`` (radiation and wear) and are replaced from stock when the
builder has chips — failures and replacements are spread evenly over the fleet (one working
fraction), so fleet totals are kept as running sums; cohorts deorbit at the end of their life.

Each month the builder prices the alternative it has with :func:`compare_costs` (the same
arithmetic ``ecosim odc-cost`` prints, counted under its section's ``cost_convention``, levelised
by default), from what the network tells it: the launch price it
pays (the launcher's ``launch_price_usd_per_kg``: SpaceX's own builder sees its cost on the
learning curve, others its price), the accelerator price (``accelerator_usd_per_w``), the cost
of capital (``wacc``), and the terrestrial site it would otherwise build (the ``site_*``
signals of its alternative, the wait for power included). Orbit is built when it is the cheaper
way to the compute the owner wants (the owner lab's ``orbital_target_mw``), and satellites that
deorbit are replaced while it stays cheaper (plus ``prototype_mw_per_yr`` demonstrators),
limited by what it can make, launch (the share of Starship's payload its launcher allots it,
for a builder that needs Starship; it publishes the payload it would fly, ``starship_need_t``),
power, buy and pay for (its budget, or its company's cash when the month opened). It buys
accelerators and PV modules ``chip_stock_months`` ahead, and launches what its stock allows, on
its launcher (the demand is addressed to it). The programme's development (NRE) is paid evenly
over the ``development_months`` before the first build month. The tightest limit is recorded
as :attr:`binding` (see
:data:`ecosim.economics.binding.BINDING`). It publishes its cost ratio and up-front cost per W to its
owner, and the backhaul its fleet needs to the constellation that carries it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import EcosimAgent, chips_per_mw, clip, take_slot
from ecosim.economics.binding import BINDING, binding_code_of
from ecosim.economics.odc_cost import CONVENTIONS, Site, compare_costs, mass_per_w_kg, orbit_fixed
from ecosim.physics.compute import accelerator_usd_per_w
from ecosim.physics.radiation import monthly_failure_frac
from ecosim.physics.solar import (
    SOLAR_CONSTANT_W_PER_M2,
    STC_IRRADIANCE_W_PER_M2,
    oversize_for_degradation,
)
from ecosim.physics.ufunc import ONE_MEMBER, ratio_or

RING_MONTHS = 240


class OrbitalDataCenter(EcosimAgent):
    kind = "orbital_dc"
    label = "Orbital data centers"
    launch_tier = 1

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        K = self.K
        self.owner_lab = self.partner("orbital_target_mw")
        self.alternative = self.partner("site_capex_usd_per_w")
        self.launcher = self.partner("launch_price_usd_per_kg")
        self.starship = self.partner("starship_capacity_t")  # None: flies on Falcon rideshares
        self.s.mw = np.zeros((K, RING_MONTHS))
        self.s.eflops = np.zeros((K, RING_MONTHS))
        self.s.mw_total = np.zeros(K)
        self.s.eflops_total = np.zeros(K)
        self.s.working = np.ones(K)  # fleet-wide share of accelerators working
        self.s.chips_h100e = np.zeros(K)
        self.s.pv_gw = np.zeros(K)
        self.s.budget_usd_per_yr = np.full(K, p.capex_budget_usd_per_yr, dtype=float)
        self._own_budget = np.broadcast_to(np.asarray(p.capex_budget_usd_per_yr) > 0, (K,))  # per member: a budget of its own, not its company's cash
        self._mass_per_w_kg = mass_per_w_kg(p)  # [kg/W] as compare_costs computes it (parameters stay fixed in a run)
        self._orbit_fixed = orbit_fixed(p, array_cost_frac=p.array_cost_frac, convention=CONVENTIONS[p.cost_convention], mass_kg_per_w=self._mass_per_w_kg)
        self._life_months = clip(np.rint(np.asarray(p.lifetime_yr) * 12.0), 1, RING_MONTHS - 1).astype(int)  # [months] in orbit
        #: the same as a number when every member shares it (None when they differ)
        self._life_month = int(self._life_months) if self._life_months.ndim == 0 else None
        self._rows = np.arange(K)
        #: whether members' spending is their own budget: every member's, none's (else some)
        self._own_all, self._own_any = bool(self._own_budget.all()), bool(self._own_budget.any())
        #: the binding code of a month it wants nothing: economics, or none while it builds prototypes
        self._idle_code = np.where(np.asarray(p.prototype_mw_per_yr) == 0, np.int8(BINDING.index("economics")), np.int8(0))
        self._idle_codes = np.broadcast_to(self._idle_code, (K,)).copy()  # (one per member)
        self._no_codes = np.zeros(K, dtype=np.int8)
        self.mass_kg_per_w = self._mass_per_w_kg * np.ones(K)
        self._kg_per_mw = self.mass_kg_per_w * 1e6  # [kg/MW]
        self._hw_usd_per_mw = p.satellite_hardware_usd_per_w * 1e6  # [USD/MW] the satellites' own hardware
        self._build_mw_max = np.full(K, p.build_mw_per_month_max)  # [MW/month] what it can make
        self._eflops_per_h100e_ = self.shared.ai_hardware.flops_per_h100e / 1e18
        self._eflops_per_h100e_floor = np.maximum(self._eflops_per_h100e_, 1e-30)
        self._chip_mass_kg_per_w = np.asarray(p.chip_mass_kg_per_w)
        #: the nameplate IT power of compare_costs' capacity [W] (its fixed factors' capacity, as
        #: the comparison gives it back: per GW, x 1e9, over the sunlight fraction)
        self._nameplate_w = self._orbit_fixed.cap_w / 1e9 * 1e9 / np.asarray(p.sunlight_fraction)
        # more functions of its parameters, fixed in a run: computed once, not every month
        ovs = oversize_for_degradation(p.degradation_frac_per_yr, p.lifetime_yr)
        self._pv_gw_per_mw = ovs * STC_IRRADIANCE_W_PER_M2 / SOLAR_CONSTANT_W_PER_M2 / 1000.0  # [GW/MW]
        self._survival_month = 1.0 - monthly_failure_frac(p.chip_failure_frac_per_yr)  # chips still working after a month
        hw = self.shared.ai_hardware
        #: the price per H100e in the hardware's reference month [USD], which compute prices scale from
        self._ref_usd_per_h100e = accelerator_usd_per_w(hw.usd_per_w, hw.usd_per_w_change_frac_per_yr, hw.reference_month, hw.reference_month) * hw.w_per_h100e
        dev = np.asarray(p.development_months, dtype=float)
        self._dev_start_month = np.asarray(p.first_build_month) - dev  # development runs from here to the first build
        self._nre_usd_per_month = np.asarray(p.nre_usd, dtype=float) / dev
        self.ratio = np.full(K, np.inf)
        self.orbital_usd_per_w = np.full(K, np.inf)
        self.terrestrial_usd_per_w = np.full(K, np.inf)
        self.launch_usd_per_kg = np.zeros(K)
        self.bandwidth_need_tbps = np.zeros(K)
        self.compute_eflops = np.zeros(K)
        self.built_mw = np.zeros(K)
        self.target_mw = np.zeros(K)
        self.ready_mw = np.zeros(K)
        self._launch_t = np.zeros(K)
        self._bw_factor = np.ones(K)
        self._replace_h100e = np.zeros(K)
        self.deorbited_mw = np.zeros(K)
        self._publish(self.full(np.inf), self.full(np.inf))
        if self.starship is not None:
            self.publish("starship_need_t", self.zeros())

    # ---------------------------------------------------------------- readings

    @property
    def nameplate_mw(self) -> np.ndarray:
        """IT power in orbit [MW] (nameplate)."""
        return self.s.mw_total

    @property
    def satellites(self) -> np.ndarray:
        """Compute satellites in orbit [count]: nameplate IT power / IT power per satellite."""
        return self.s.mw_total * 1000.0 / np.asarray(self.p.satellite_it_kw, dtype=float)

    def pv_gw_per_mw(self) -> np.ndarray:
        """PV modules (STC rating) per MW of nameplate IT power [GW/MW]: oversized for
        degradation, less area in orbit where the sun is 1361 W/m^2, not 1000."""
        return self._pv_gw_per_mw  # computed once (its parameters stay fixed in a run)

    def chips_per_mw(self) -> np.ndarray:
        return chips_per_mw(self)  # (once a month; callers never write into it)

    def launch_price_usd_per_kg(self) -> np.ndarray:
        """What a kg to orbit costs this builder [USD/kg]: the scenario's fixed price if set,
        else what its launcher publishes (its cost inside SpaceX, its price outside)."""
        p = self.p
        if p.launch_cost_usd_per_kg is not None or self.launcher is None:
            return self.full(p.launch_cost_usd_per_kg if p.launch_cost_usd_per_kg is not None else np.inf)
        return self.read(self.launcher, "launch_price_usd_per_kg")

    def site(self) -> Site:
        """The terrestrial site it would otherwise build, as its alternative published it."""
        alt = self.alternative
        if alt is None:
            raise KeyError(f"{self.name}: no terrestrial alternative on the network (site_* signals)")
        read = self.read
        return Site(read(alt, "site_capex_usd_per_w"), read(alt, "site_facility_life_yr"), read(alt, "site_pue"),
                    read(alt, "site_capacity_factor"), read(alt, "site_energy_usd_per_mwh"), read(alt, "site_delay_yr"))

    def compare(self) -> None:
        """Price orbit against the terrestrial alternative this month (sets ``ratio``)."""
        cmp = compare_costs(
            self.p,
            self.site(),
            ai_hardware_usd_per_w=self.read("tsmc", "accelerator_usd_per_w"),
            launch_usd_per_kg=self.launch_usd_per_kg,
            wacc=self.read("capital_market", "wacc"),
            convention=CONVENTIONS[self.p.cost_convention],
            fixed=self._orbit_fixed,  # its array cost share and mass per W, worked out at start
        )
        # one per member (each a new array; one already per member as it is: x * 1.0 is x)
        self.ratio, self.orbital_usd_per_w, self.terrestrial_usd_per_w = (
            x if x.shape == self._ones.shape else x * self._ones for x in (cmp.ratio, cmp.orbital_usd_per_w, cmp.terrestrial_usd_per_w))
        self.comparison = cmp

    def _publish(self, ratio: np.ndarray, capex_usd_per_w: np.ndarray) -> None:
        if self.owner_lab is not None:
            self.publish("orbital_cost_ratio", ratio)
            self.publish("orbital_capex_usd_per_w", capex_usd_per_w)
        self.publish("bandwidth_need_tbps", self.bandwidth_need_tbps)

    def wanted_mw(self) -> np.ndarray:
        """IT power [MW/month] the owner wants from orbit this month."""
        if self.owner_lab is None:
            return self.zeros()
        return self.read(self.owner_lab, "orbital_target_mw")

    def capital_usd(self, deploy_months: Any = None) -> np.ndarray:
        """What this builder may spend this month [USD]: its budget, else its company's cash
        when the month opened, deployed over ``cash_deploy_months``."""
        if self._own_all:
            return self.s.budget_usd_per_yr / 12.0
        if not self._own_any:
            return super().capital_usd(deploy_months)
        return np.where(self._own_budget, self.s.budget_usd_per_yr / 12.0, super().capital_usd(deploy_months))

    # ---------------------------------------------------------------- phases

    def offer(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        slot = (self.t - (self._life_months if self._life_month is None else self._life_month)) % RING_MONTHS
        rows = self._rows
        self.deorbited_mw = take_slot(s.mw, slot, rows)
        s.mw_total = np.maximum(s.mw_total - self.deorbited_mw, 0.0)
        s.eflops_total = np.maximum(s.eflops_total - take_slot(s.eflops, slot, rows), 0.0)

        self.launch_usd_per_kg = self.launch_price_usd_per_kg()
        self.compare()
        active = self.after(p.first_build_month)
        economic = (self.ratio < 1.0).astype(float)
        # new capacity the owner wants, plus what deorbits this month, while orbit stays cheaper
        want = ((self.wanted_mw() + self.deorbited_mw) * economic + p.prototype_mw_per_yr / 12.0) * active
        self.target_mw = want

        # what stock allows to launch now, under every limit
        kg_per_mw = self._kg_per_mw
        cpm = self.chips_per_mw()
        ppm = self._pv_gw_per_mw
        unit_usd = self._hw_usd_per_mw + kg_per_mw * self.launch_usd_per_kg
        reg = self.shared.regulation
        limits = {
            "demand": want,
            "chips": s.chips_h100e / cpm,
            "pv": s.pv_gw / ppm,
            "manufacturing": self._build_mw_max * active,
            "regulation": np.maximum(reg.odc_power_cap_gw * 1000.0 - self.nameplate_mw, 0.0),
            "capital": self.capital_usd() / np.maximum(unit_usd, 1e-9),
        }
        if self.starship is not None:
            unlaunched = np.minimum.reduce(list(limits.values()))
            self.publish("starship_need_t", np.maximum(unlaunched, 0.0) * kg_per_mw / 1000.0)
            limits["launch"] = self.read(self.starship, "starship_capacity_t") * 1000.0 / kg_per_mw
        names = tuple(limits)
        table = np.array([limits[n] for n in names], dtype=float)  # one table for the tightest limit and its code
        ready = np.minimum.reduce(table)
        self.ready_mw = np.maximum(ready, 0.0)
        opened = active > 0
        if want.shape == ONE_MEMBER:  # one member: the code that applies, without the masks
            self.binding = (binding_code_of(names, table) if want[0] > 0 else self._idle_codes.copy()) if opened[0] else self._no_codes.copy()
        else:
            self.binding = np.where(want > 0, binding_code_of(names, table), self._idle_code)
            self.binding = np.where(opened, self.binding, np.int8(0))

        # chip replacements ride on the same launches (their mass is small)
        failed = s.eflops_total * (1.0 - s.working)
        self._replace_h100e = np.minimum(failed / self._eflops_per_h100e_floor, np.maximum(s.chips_h100e - self.ready_mw * cpm, 0.0))
        self._launch_t = self.ready_mw * kg_per_mw / 1000.0 + self._replace_h100e * self._chip_mass_kg_per_w * self.w_per_h100e() / 1000.0
        ex.demand(self.name, "launch_mass", self._launch_t, tier=self.launch_tier, kind="capex", seller=self.launcher)

        # buy chips and PV ahead (demand beyond what stock already covers)
        next_want = np.minimum(want, limits["manufacturing"]) * p.chip_stock_months
        ex.demand(self.name, "accelerators", np.maximum(next_want * cpm - s.chips_h100e, 0.0), tier=1, kind="capex")
        ex.demand(self.name, "pv_modules", np.maximum(next_want * ppm - s.pv_gw, 0.0), tier=0, kind="capex")

        # backhaul for what is in orbit, compute for the owner
        self.bandwidth_need_tbps = self.nameplate_mw / 1000.0 * p.bandwidth_tbps_per_gw
        if ex.buys(self.name, "bandwidth"):
            ex.demand(self.name, "bandwidth", self.bandwidth_need_tbps, tier=0, kind="opex")
        compute = s.eflops_total * s.working * p.sunlight_fraction * self._bw_factor
        ex.offer(self.name, "compute", compute, self.compute_price_usd_per_eflops_month())

        # what the owner reads next month: the cost ratio and the up-front cost per nameplate W
        items = self.comparison.orbital
        nameplate_w = self._nameplate_w
        capex = (items["hardware"] + items["launch"] + items["oversizing"] + items["ai_hardware"]) / nameplate_w
        if opened.shape == ONE_MEMBER:  # one member: its figures or none, without the masks
            shown = (self.ratio, capex) if opened[0] else (self.full(np.inf), self.full(np.inf))
            self._publish(*shown)
        else:
            self._publish(np.where(opened, self.ratio, np.inf), np.where(opened, capex, np.inf))

    def compute_price_usd_per_eflops_month(self) -> np.ndarray:
        """Price of compute this month [USD/(EFLOP/s month)]: the reference-month price scaled by
        how much cheaper a FLOP of accelerator has become since (price per W x W per H100e)."""
        price_per_h100e = self.read("tsmc", "accelerator_usd_per_w") * self.w_per_h100e()
        return self.p.compute_price_usd_per_eflops_month * price_per_h100e / self._ref_usd_per_h100e

    def _eflops_per_h100e(self) -> np.ndarray:
        return self._eflops_per_h100e_  # (the shared hardware stays fixed in a run)

    def settle(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        bought = ex.received(self.name, "launch_mass")
        delivered = ex.delivered(self.name, "launch_mass")
        frac_bought = ratio_or(bought, self._launch_t, self._zeros)
        frac_ok = ratio_or(delivered, self._launch_t, self._zeros)
        cpm = self.chips_per_mw()
        ppm = self._pv_gw_per_mw
        launched_mw = self.ready_mw * frac_bought
        arrived_mw = self.ready_mw * frac_ok
        s.chips_h100e = s.chips_h100e + ex.received(self.name, "accelerators") - launched_mw * cpm
        pv_in = ex.received(self.name, "pv_modules")
        pv_spend = ex.spent(self.name, "pv_modules")
        s.pv_gw = s.pv_gw + pv_in - launched_mw * ppm
        slot = self.t % RING_MONTHS
        eflops_per_h100e = self._eflops_per_h100e_
        new_eflops = arrived_mw * cpm * eflops_per_h100e
        s.mw[:, slot] += arrived_mw
        s.eflops[:, slot] += new_eflops
        working_eflops = s.eflops_total * s.working + new_eflops
        s.mw_total = s.mw_total + arrived_mw
        s.eflops_total = s.eflops_total + new_eflops
        s.working = ratio_or(working_eflops, s.eflops_total, self._ones)
        self.built_mw = arrived_mw

        # radiation and wear, then replacements from stock (delivered with this month's launches)
        s.working = s.working * self._survival_month
        lost = s.eflops_total * (1.0 - s.working)
        repl = self._replace_h100e * frac_ok * eflops_per_h100e
        restore = ratio_or(np.minimum(repl, lost), lost, self._zeros)
        s.working = s.working + (1.0 - s.working) * restore
        s.chips_h100e = np.maximum(s.chips_h100e - self._replace_h100e * frac_bought, 0.0)

        # development before the first build month, then the satellites' own hardware (beyond the
        # PV cells bought on the exchange) and the US tariff
        developing = self.after(self._dev_start_month) * (1.0 - self.after(p.first_build_month))
        self.pay_costs(self._nre_usd_per_month * developing, "opex")
        hardware = launched_mw * 1e6 * p.satellite_hardware_usd_per_w
        self.pay_costs(np.maximum(hardware - pv_spend, 0.0), "capex")
        self.pay_costs(pv_spend * self.shared.pv.us_tariff_frac, "capex")
        self.pay_costs(self.nameplate_mw * 1e6 * p.satellite_hardware_usd_per_w * p.ops_frac_of_hardware_per_yr / 12.0, "opex")
        self.compute_eflops = ex.sold(self.name, "compute")
        bw = ex.received(self.name, "bandwidth") if ex.buys(self.name, "bandwidth") else self.bandwidth_need_tbps
        self._bw_factor = ratio_or(bw, self.bandwidth_need_tbps, self._ones)
        s.budget_usd_per_yr = self.grow(s.budget_usd_per_yr, p.capex_budget_growth_frac_per_yr, p.capex_budget_usd_per_yr_max)


class SpaceXOrbitalDC(OrbitalDataCenter):
    """SpaceX's orbital data centers (for xAI's compute), launched on its own Starship."""

    kind = "orbital_dc"
    label = "SpaceX orbital DCs"

