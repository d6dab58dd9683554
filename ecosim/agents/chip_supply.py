"""AI accelerator supply: TSMC (with its customers' designs) and Tesla's TeraFab.

Output [H100-equivalents/month] grows each year to a ceiling. TeraFab first ramps up: it
advances one month of its ``ramp_months`` per calendar month, plus one more month per
``robot_hours_per_ramp_month`` hours of Optimus labour it receives (robots build and run
the fab). The price of an H100-equivalent is ``ai_hardware.usd_per_w`` x the IT power of
one H100-equivalent; both fall each year (cheaper accelerators, more compute per W),
and TSMC carries that technology state for the whole model.

[1] Epoch AI (2024), "Trends in machine learning hardware": compute per W and per dollar.
"""

from __future__ import annotations

import numpy as np

from ecosim.agents.base import EcosimAgent


class ChipFab(EcosimAgent):
    kind = "chip_fab"
    label = "Chip fab"

    def __init__(self, model, name, company, p) -> None:  # type: ignore[no-untyped-def]
        super().__init__(model, name, company, p)
        K = self.K
        started = model.start_month >= int(p.start_month)
        self.s.capacity = np.full(K, p.capacity_h100e_per_month_initial, dtype=float)
        self.s.ramp = np.full(K, 1.0 if started else 0.0)
        hw = model.params.ai_hardware
        self.s.usd_per_w = np.full(K, hw.usd_per_w, dtype=float)
        self.s.w_per_h100e = np.full(K, hw.w_per_h100e_initial, dtype=float)
        self.output = np.zeros(K)

    # the model-wide accelerator technology (read from TSMC)
    def price_usd_per_h100e(self) -> np.ndarray:
        tech = self.agent("tsmc").s
        return tech.usd_per_w * tech.w_per_h100e

    def offer(self) -> None:
        self.output = self.s.capacity * self.s.ramp * self.after(self.p.start_month)
        self.ex.offer(self.name, "accelerators", self.output, self.price_usd_per_h100e())

    def settle(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        sold = ex.sold(self.name, "accelerators")
        self.pay_costs(sold * self.price_usd_per_h100e() * p.cost_frac_of_price, "opex")
        started = self.after(p.start_month)
        ramping = (s.ramp < 1.0) & (started > 0)
        if "labour" in ex.markets and self.name in ex.markets["labour"].b_index:
            hours = ex.received(self.name, "labour")
        else:
            hours = self.zeros()
        boost = np.divide(hours, p.robot_hours_per_ramp_month, out=np.zeros(self.K), where=np.asarray(p.robot_hours_per_ramp_month) > 0)
        step = (1.0 + boost) / p.ramp_months
        self.pay_costs(np.where(ramping, np.minimum(step, 1.0 - s.ramp) * p.build_capex_usd, 0.0), "capex")
        s.ramp = np.where(ramping, np.minimum(s.ramp + step, 1.0), s.ramp)
        grown = (s.ramp >= 1.0) & (started > 0)
        s.capacity = np.where(grown, self.grow(s.capacity, p.capacity_growth_pct_per_yr, p.capacity_h100e_per_month_max), s.capacity)
        if self.name == "tsmc":
            hw = self.model.params.ai_hardware
            s.usd_per_w = s.usd_per_w * (1.0 + np.asarray(hw.usd_per_w_change_pct_per_yr) / 100.0) ** (1.0 / 12.0)
            s.w_per_h100e = s.w_per_h100e / (1.0 + np.asarray(hw.efficiency_gain_pct_per_yr) / 100.0) ** (1.0 / 12.0)
