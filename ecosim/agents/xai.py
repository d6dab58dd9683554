"""AI labs (xAI and its rivals): compute and data make capability; capability wins revenue.

* Training compute: an exponential moving sum of the lab's compute over
  ``training_window_months`` (x training share x MFU) is the budget of its frontier run.
* Data: usable web text (growing toward the data wall) plus real-world sensor data (vehicles,
  robots, satellites) at ``tokens_per_pb``.
* Capability: the Chinchilla scaling law (:func:`ecosim.physics.scaling.capability_index`),
  index 1 = the reference run of ``[scaling]``. Published as the ``capability`` signal (to the
  market, and xAI's to Tesla's cars and robots).
* Revenue: the market publishes the frontier-AI revenue pool and the share each lab's
  capability deserves (``ai_pool_usd_per_month``, ``ai_share_frac``); the lab's share moves
  toward it at ``share_adjust_per_yr`` (customers switch slowly). Revenue is capped by the
  inference compute left after training.
* Compute plan: each month the lab spends on new IT power a share of its revenue plus its cash
  (spread over ``cash_deploy_months``), scaled by the growth left in the AI market (the
  market's ``ai_market_room_frac``), unless its parent sets its data centers a budget
  (``capex_budget_usd_per_month``). The spend is split between its terrestrial data centers
  and, when orbit is cheaper (the ``orbital_cost_ratio`` its orbital builder publishes), orbital
  data centers, on a logistic switch of width ``orbital_switch_softness_ratio``; the targets go
  to the builders as signals. Its builders are whoever the network wires to it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import SECONDS_PER_MONTH, UNLIMITED, EcosimAgent
from ecosim.physics.scaling import capability_index


class Lab(EcosimAgent):
    kind = "ai_lab"
    label = "AI lab"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        K = self.K
        self.law = self.shared.scaling
        self.terrestrial_builder = self.partner("site_capex_usd_per_w")
        self.orbital_builder = self.partner("orbital_cost_ratio")
        self.s.train_flop = np.zeros(K)
        self.s.data_pb = np.full(K, p.data_pb_initial, dtype=float)
        self.s.web_tokens = np.full(K, p.web_tokens_initial, dtype=float)
        self.s.revenue_usd = np.full(K, p.revenue_initial_usd_per_yr / 12.0, dtype=float)
        self.s.capability = np.zeros(K)
        self.s.market_share = np.full(K, p.market_share_initial_frac, dtype=float)
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
        """The training budget of the fleet the lab starts with (the compute its builder
        published), and what readers see in the first month. A continued run keeps what the
        run it continues published."""
        if restored:
            return
        eflops = self.ex.published(self.terrestrial_builder, self.name, "compute_capacity_eflops") if self.terrestrial_builder else None
        self.s.train_flop = self._flop_per_month(self.zeros() if eflops is None else eflops) * self.law.training_window_months
        self.s.capability = self._capability()
        self.publish("capability", self.s.capability)
        self._publish_targets()

    def _publish_targets(self) -> None:
        if self.terrestrial_builder:
            self.ex.publish_to(self.name, self.terrestrial_builder, "terrestrial_target_mw", self.terrestrial_target_mw)
        if self.orbital_builder:
            self.ex.publish_to(self.name, self.orbital_builder, "orbital_target_mw", self.orbital_target_mw)

    # ---------------------------------------------------------------- phases

    def budget_usd(self) -> np.ndarray:
        """What the lab spends on new IT power this month [USD]: its parent's budget for its
        data centers if one is set, else a share of revenue plus cash (deployed over
        ``cash_deploy_months``) while the AI market still grows."""
        p, s = self.p, self.s
        cash = np.maximum(self.ex.company_cash_open(self.company), 0.0)
        room = self.read("market", "ai_market_room_frac")
        own = p.compute_budget_frac * room * (s.revenue_usd + cash / p.cash_deploy_months)
        if self.terrestrial_builder is None:
            return own
        parent = self.read(self.terrestrial_builder, "capex_budget_usd_per_month")
        return np.where(parent > 0, parent, own)

    def offer(self) -> None:
        p, ex = self.p, self.ex
        budget = self.budget_usd()
        accel = self.read("tsmc", "accelerator_usd_per_w")
        t_cost = (self.read(self.terrestrial_builder, "site_capex_usd_per_w") if self.terrestrial_builder else np.inf) + accel
        share = self.zeros()
        o_cost = np.full(self.K, np.inf)
        if self.orbital_builder is not None and p.orbital_first:
            ratio = self.read(self.orbital_builder, "orbital_cost_ratio")
            open_ = np.isfinite(ratio)
            z = np.clip((np.where(open_, ratio, 1.0) - 1.0) / p.orbital_switch_softness_ratio, -50, 50)
            share = np.where(open_, 1.0 / (1.0 + np.exp(z)), 0.0)
            o_cost = self.read(self.orbital_builder, "orbital_capex_usd_per_w")
        self.orbital_share = share
        self.orbital_target_mw = np.where(np.isfinite(o_cost), budget * share / (np.maximum(o_cost, 1e-9) * 1e6), 0.0)
        self.terrestrial_target_mw = budget * (1.0 - share) / (t_cost * 1e6)
        self._publish_targets()
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

        # revenue: the pool and the share this lab's capability deserves, as the market published them
        am = self.shared.ai_market
        pool = self.read("market", "ai_pool_usd_per_month")
        deserved = self.read("market", "ai_share_frac")
        s.market_share = s.market_share + (deserved - s.market_share) * np.minimum(am.share_adjust_per_yr / 12.0, 1.0)
        inference = self.compute_eflops * (1.0 - p.training_frac)
        revenue = np.minimum(pool * s.market_share, inference * p.ai_revenue_per_eflops_month)
        ex.pay("market", self.name, revenue, "revenue")
        self.pay_costs(revenue * p.opex_frac_of_revenue, "opex")
        s.revenue_usd = revenue
        self.publish("capability", s.capability)


class XAI(Lab):
    kind = "xai"
    label = "xAI"
