"""AI accelerator supply: TSMC (with its customers' designs) and Tesla's TeraFab.

Output [H100-equivalents/month] grows each year to a ceiling. TeraFab first ramps up: it
advances one month of its ``ramp_months`` per calendar month, plus one more month per
``robot_hours_per_ramp_month`` hours of Optimus labour it receives (robots build and run
the fab), paying ``build_capex_usd`` over the ramp. Every H100e a month of capacity added
after that costs ``expansion_capex_usd_per_h100e_month`` in the fab's first month (new fabs,
tools, packaging), falling afterwards as the price of an H100-equivalent falls (the same wafers
yield more H100e as chips improve: the ``[ai_hardware]`` trends), paid by
its company within the capital it can spend (its cash when the month opened over
``cash_deploy_months``), and is added only while the fab sells at least
``expansion_utilisation_min_frac`` of its output (built to need): a fab that cannot pay or
cannot sell does not grow. The price of an H100-equivalent is the accelerator price per W x the IT power of one
H100-equivalent; both follow the ``[ai_hardware]`` trends (:mod:`ecosim.physics.compute`).
TSMC publishes its price per W (the ``accelerator_usd_per_w`` signal buyers price with); a fab
that ramps with robots buys Optimus hours itself and says so (``takes_robot_labour``).

[1] Epoch AI (2024), "Trends in machine learning hardware": compute per W and per dollar.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import UNLIMITED, EcosimAgent, monthly
from ecosim.physics.compute import accelerator_usd_per_w, watts_per_h100e


class ChipFab(EcosimAgent):
    kind = "chip_fab"
    label = "Chip fab"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        K = self.K
        started = world.start_month >= int(p.start_month)
        self.s.capacity = np.full(K, p.capacity_h100e_per_month_initial, dtype=float)
        self.s.ramp = np.full(K, 1.0 if started else 0.0)
        self.output = np.zeros(K)
        self.expansion_usd = np.zeros(K)
        # functions of its parameters, fixed in a run
        self._boosts = np.asarray(p.robot_hours_per_ramp_month) > 0  # where robots' hours speed the ramp
        self._utilisation_min = np.asarray(p.expansion_utilisation_min_frac)
        self.publish("accelerator_usd_per_w", self.usd_per_w())
        self.publish("takes_robot_labour", self._takes_labour())

    @monthly
    def usd_per_w(self) -> np.ndarray:
        """Accelerator price per W of IT power this month [USD/W]."""
        hw = self.shared.ai_hardware
        return accelerator_usd_per_w(hw.usd_per_w, hw.usd_per_w_change_frac_per_yr, hw.reference_month, self.t) * np.ones(self.K)

    @monthly
    def price_usd_per_h100e(self) -> np.ndarray:
        return self.usd_per_w() * self.w_per_h100e()

    @monthly
    def expansion_usd_per_h100e_month(self) -> np.ndarray:
        """Capital cost of one H100e a month of capacity added this month [USD]: the scenario's
        figure for the fab's first month times the fall since then of the price of an
        H100-equivalent (price per W x W per H100e; a capex in USD per H100e must follow the
        unit it is counted in, or a fab built in 2037 would cost per H100e what one built in
        2028 did, when each of its chips holds many more H100e)."""
        hw, start = self.shared.ai_hardware, self.p.start_month
        index = accelerator_usd_per_w(1.0, hw.usd_per_w_change_frac_per_yr, start, self.t) * watts_per_h100e(
            1.0, hw.efficiency_gain_frac_per_yr, start, self.t)
        return self.full(np.asarray(self.p.expansion_capex_usd_per_h100e_month, dtype=float) * index)

    def _takes_labour(self) -> np.ndarray:
        return self.after(self.p.start_month) if self.ex.buys(self.name, "labour") else self.zeros()


    def offer(self) -> None:
        self.output = self.s.capacity * self.s.ramp * self.after(self.p.start_month)
        self.ex.offer(self.name, "accelerators", self.output, self.price_usd_per_h100e())
        takes = self._takes_labour()
        if self.ex.buys(self.name, "labour"):
            self.ex.demand(self.name, "labour", UNLIMITED * takes, tier=0, kind="opex")
        self.publish("accelerator_usd_per_w", self.usd_per_w())
        self.publish("takes_robot_labour", takes)  # (publish stores a copy)

    def settle(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        sold = ex.sold(self.name, "accelerators")
        self.pay_costs(sold * self.price_usd_per_h100e() * p.cost_frac_of_price, "opex")
        started = self.after(p.start_month)
        ramping = (s.ramp < 1.0) & (started > 0)
        if ex.buys(self.name, "labour"):
            hours = ex.received(self.name, "labour")
        else:
            hours = self.zeros()
        if self.K == 1 and self._boosts.ndim == 0:  # one member: the step of its ramp, without the masks
            boost = np.divide(hours, p.robot_hours_per_ramp_month) if self._boosts else self.zeros()
            step = (1.0 + boost) / p.ramp_months
            if ramping[0]:
                self.pay_costs(np.minimum(step, 1.0 - s.ramp) * p.build_capex_usd, "capex")
                s.ramp = np.minimum(s.ramp + step, 1.0)
            else:
                self.pay_costs(self.zeros(), "capex")
        else:
            boost = np.divide(hours, p.robot_hours_per_ramp_month, out=np.zeros(self.K), where=self._boosts)
            step = (1.0 + boost) / p.ramp_months
            self.pay_costs(np.where(ramping, np.minimum(step, 1.0 - s.ramp) * p.build_capex_usd, 0.0), "capex")
            s.ramp = np.where(ramping, np.minimum(s.ramp + step, 1.0), s.ramp)
        selling = sold >= self._utilisation_min * self.output
        grown = (s.ramp >= 1.0) & (started > 0) & selling
        if self.K == 1:  # one member: its growth or none, without the mask
            wanted = self.grow(s.capacity, p.capacity_growth_frac_per_yr, p.capacity_h100e_per_month_max) - s.capacity if grown[0] else self.zeros()
        else:
            wanted = np.where(grown, self.grow(s.capacity, p.capacity_growth_frac_per_yr, p.capacity_h100e_per_month_max) - s.capacity, 0.0)
        unit = self.expansion_usd_per_h100e_month()
        added = np.minimum(wanted, self.affordable_units(unit))
        s.capacity = s.capacity + added
        self.expansion_usd = added * unit
        self.pay_costs(self.expansion_usd, "capex")
