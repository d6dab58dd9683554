"""AI labs (xAI and its rivals): compute and data make capability; capability wins revenue.

* Training compute: an exponential moving sum of the lab's compute over
  ``training_window_months`` (x training share x MFU) is the budget of its frontier run.
* Data: usable web text (growing toward the data wall) plus real-world sensor data (vehicles,
  robots, satellites) at ``tokens_per_pb``.
* Capability: the Chinchilla scaling law (:func:`ecosim.physics.scaling.capability_index`),
  index 1 = the reference run of ``[scaling]``.
* Revenue: a frontier-AI revenue pool (growing, and larger when the best model is better).
  Each lab's share moves toward its capability^exponent share (among the labs and those not
  modelled) at ``share_adjust_per_yr``: customers switch slowly. Revenue is capped by the
  inference compute left after training.
* Compute plan: each month the lab spends on new IT power a share of its revenue plus its cash
  (spread over ``cash_deploy_months``), scaled by the growth left in the AI market
  (1 - pool / ceiling): labs race while the market grows and harvest as it matures. The
  spend is split between its terrestrial data centers and, when orbit is cheaper (the ratio
  its orbital builder computed with ``compare_costs``), orbital data centers.

xAI sends its capability to Tesla's cars, Cybercabs and robots (signal edges).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import SECONDS_PER_MONTH, EcosimAgent
from ecosim.physics.scaling import capability_index

UNLIMITED = 1e15


class Lab(EcosimAgent):
    kind = "ai_lab"
    label = "AI lab"
    terrestrial_builder = "terrestrial_dc"
    orbital_builder: str | None = "orbital_dc"

    def __init__(self, model: Any, name: str, company: str, p: Any) -> None:
        super().__init__(model, name, company, p)
        K = self.K
        self.law = model.params.scaling
        self.s.train_flop = np.zeros(K)
        self.s.data_pb = np.full(K, p.data_pb_initial, dtype=float)
        self.s.web_tokens = np.full(K, p.web_tokens_initial, dtype=float)
        self.s.revenue_usd = np.full(K, p.revenue_initial_usd_per_yr / 12.0, dtype=float)
        self.s.capability = np.zeros(K)
        self.s.capability_prev = np.zeros(K)
        self.s.market_share = np.full(K, p.market_share_initial_frac, dtype=float)
        self.capability_at_start = np.zeros(K)
        self.orbital_target_mw = np.zeros(K)
        self.terrestrial_target_mw = np.zeros(K)
        self.compute_eflops = np.zeros(K)
        self.data_in_pb = np.zeros(K)
        self.orbital_share = np.zeros(K)

    # ---------------------------------------------------------------- capability

    def _capability(self) -> np.ndarray:
        law = self.law
        tokens = self.s.web_tokens + self.s.data_pb * law.tokens_per_pb
        return capability_index(
            self.s.train_flop,
            tokens,
            loss_floor=law.loss_floor,
            param_coeff=law.param_coeff,
            data_coeff=law.data_coeff,
            param_exponent=law.param_exponent,
            data_exponent=law.data_exponent,
            tokens_per_param_optimal=law.tokens_per_param_optimal,
            reference_compute_flop=law.reference_compute_flop,
            reference_tokens=law.reference_tokens,
        )

    def _flop_per_month(self, eflops: np.ndarray) -> np.ndarray:
        return eflops * 1e18 * SECONDS_PER_MONTH * self.p.training_frac * self.law.mfu_frac

    def start(self, restored: bool) -> None:
        """After every agent exists: the training budget of the fleet the lab starts with."""
        if not restored:
            dc = self.agent(self.terrestrial_builder)
            self.s.train_flop = self._flop_per_month(dc.compute_capacity_eflops()) * self.law.training_window_months
            self.s.capability = self._capability()
            self.s.capability_prev = self.s.capability.copy()
        self.capability_at_start = self.s.capability.copy()

    # ---------------------------------------------------------------- phases

    def offer(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        s.capability_prev = s.capability.copy()
        dc = self.agent(self.terrestrial_builder)
        tsmc = self.agent("tsmc")
        if np.any(np.asarray(dc.p.capex_budget_usd_per_yr) > 0):
            budget = dc.s.budget_usd_per_yr / 12.0
        else:
            cash = np.maximum(ex.company_cash(self.company), 0.0)
            market = self.agent("market")
            room = np.clip(1.0 - market.s.ai_pool_usd_per_yr / self.model.params.ai_market.revenue_usd_per_yr_max, 0.0, 1.0)
            budget = p.compute_budget_frac * room * (s.revenue_usd + cash / p.cash_deploy_months)
        t_cost = dc.p.capex_usd_per_w + tsmc.usd_per_w()
        share = self.zeros()
        o_cost = np.full(self.K, np.inf)
        if self.orbital_builder is not None and p.orbital_first:
            odc = self.agent(self.orbital_builder)
            if self.t >= int(np.min(odc.p.first_build_month)):
                share = 1.0 / (1.0 + np.exp(np.clip((odc.ratio - 1.0) / 0.05, -50, 50)))
                items = odc.comparison.orbital
                nameplate_w = odc.comparison.capacity_gw * 1e9 / np.asarray(odc.p.sunlight_fraction)
                o_cost = (items["hardware"] + items["launch"] + items["oversizing"] + items["ai_hardware"]) / nameplate_w
        self.orbital_share = share
        self.orbital_target_mw = np.where(np.isfinite(o_cost), budget * share / (np.maximum(o_cost, 1e-9) * 1e6), 0.0)
        self.terrestrial_target_mw = budget * (1.0 - share) / (t_cost * 1e6)
        ex.demand(self.name, "compute", np.full(self.K, UNLIMITED), tier=0, kind="opex")
        if ex.buys(self.name, "data"):
            ex.demand(self.name, "data", np.full(self.K, UNLIMITED), tier=0, kind="opex")

    def settle(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        self.compute_eflops = ex.received(self.name, "compute")
        if ex.buys(self.name, "data"):
            self.data_in_pb = ex.received(self.name, "data")
            s.data_pb = s.data_pb + self.data_in_pb
        W = self.law.training_window_months
        s.train_flop = s.train_flop + self._flop_per_month(self.compute_eflops) - s.train_flop / W
        s.web_tokens = self.grow(s.web_tokens, p.web_tokens_growth_frac_per_yr, p.web_tokens_max)
        s.capability = self._capability()

        market = self.agent("market")
        am = self.model.params.ai_market
        labs = [a for a in self.model.labs]
        caps = [np.maximum(a.s.capability_prev, 0.0) for a in labs]
        best = np.maximum.reduce([*caps, market.s.others_capability])
        pool = market.s.ai_pool_usd_per_yr / 12.0 * np.maximum(best, 1e-6) ** am.capability_elasticity
        weights = [c ** am.share_exponent for c in caps]
        total = sum(weights, market.s.others_capability ** am.share_exponent)
        mine = np.maximum(s.capability_prev, 0.0) ** am.share_exponent
        deserved = np.divide(mine, total, out=np.zeros(self.K), where=total > 0)
        s.market_share = s.market_share + (deserved - s.market_share) * np.minimum(am.share_adjust_per_yr / 12.0, 1.0)
        share = s.market_share
        inference = self.compute_eflops * (1.0 - p.training_frac)
        revenue = np.minimum(pool * share, inference * p.ai_revenue_per_eflops_month)
        ex.pay("market", self.name, revenue, "revenue")
        self.pay_costs(revenue * p.opex_frac_of_revenue, "opex")
        s.revenue_usd = revenue


class XAI(Lab):
    kind = "xai"
    label = "xAI"
