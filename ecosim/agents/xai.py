"""AI labs (xAI and its rivals): compute and data make capability; capability and compute win revenue.

* Training compute: an exponential moving sum, over ``training_window_months``, of the lab's
  compute for training (its training share, and the inference compute no customer used) x MFU
  is the budget of its frontier run.
* Data: usable web text (growing toward the data wall; the scaling law's ``web_tokens_*_ratio``
  scale every lab's growth and wall alike) plus the real-world sensor data it bought (vehicles,
  robots, satellites) at ``tokens_per_pb``. The contract holder of ``[data_market]`` gets all of
  it; else each lab bids what a PB is worth to it (:meth:`Lab.data_bid_usd_per_pb`) and the
  highest bidder buys it at the runner-up's bid (:mod:`ecosim.exchange.clearing`).
* Capability: the Chinchilla scaling law (:func:`ecosim.physics.scaling.capability_index`),
  index 1 = the reference run of ``[scaling]``. Published as the ``capability`` signal (to the
  market, and xAI's to Tesla's cars and robots).
* Revenue: the market publishes the price of inference (``ai_price_usd_per_eflops_month``,
  falling with the cost of compute), the inference the whole market wants at that price
  (``ai_demand_eflops``), the share this lab's capability deserves (``ai_share_frac``) and the
  demand other labs could not serve that it may take (``ai_spill_eflops``). The lab's share
  moves toward the deserved one at ``share_adjust_per_yr`` (customers switch slowly; the market's,
  or the lab's own where its customers move faster); it sells
  ``min(share x demand + spill, inference compute)`` at the price, so more inference compute
  earns more wherever demand is there. Its inference compute is all but its training share of
  the compute it planned for its demand; what a lab in the training race bought beyond that
  trains (:meth:`Lab.inference_capacity_eflops`).
* Costs beside compute: research staff, sized for the lab's compute at its cost in the
  hardware's reference month, growing as that compute to the power ``rd_staff_scale_exponent``
  (:func:`rd_staff_usd_per_month`; staff are hired toward the lab's compute over
  ``staff_adjust_months``) and
  selling, general and administration as a share of revenue, falling with scale from the lab's
  own share to a mature one (:func:`sga_frac`); its leases' payments.
* Compute plan (:meth:`Lab.plan`): the lab plans compute for the demand it expects
  ``plan_horizon_months`` ahead (its demand grown at the market's growth over the last year)
  divided by its inference share, times ``capacity_plan_ratio``, or, if more, for
  ``frontier_compute_ratio`` times the frontier lab's training compute (its compute x its
  training share), if the network wires it into the race (the training race: a lab that wants
  to be at the frontier needs the frontier's compute before it has customers) -- beyond its demand only as far
  as catching up pays for it, if the network tells it what the frontier would win it
  (``ai_share_at_frontier_frac``: :func:`race_gain_usd_per_month` over the channel's cost per EFLOP/s,
  :func:`race_affordable_eflops`) -- as long as one more EFLOP/s of
  compute pays back: what an added EFLOP/s earns -- today's price of inference, times its
  inference share (the training share rides along), times the share of its inference compute
  customers used last month, net of SG&A, times what its fall with the cost of compute over the chips' life leaves of it
  (:func:`price_decline_frac`, at the WACC) to the power ``obsolescence_weight_frac`` (0: the lab
  looks at today's price only) -- against the cost of the channel it would use (lease price; or own capex annualised at the WACC over the chips' and facility's lives),
  on a logistic switch of width ``payback_softness_ratio`` around 1 (where the race is bought as
  far as catching up pays for it, the race beyond its demand has passed that test of its own and
  is not switched off by its inference's payback: only the compute for its demand is). The gap to
  that target is closed by
  **leases** (``lease_wanted_mw`` to the lessors: a stock, so leases renew while the lab still
  wants them; new leases only as far as its funding pays them) and **own builds** (its funding
  less lease payments, times the share of the target still missing), split between leasing and
  building on a logistic switch in the wait for the power it would use and the lease/own cost ratio
  (:func:`lease_share_frac`): the turbines' lead (its site's ``site_delay_yr``) for the share of
  its missing compute the turbines it can add within ``plan_horizon_months`` supply
  (:func:`onsite_frac`, from the site's ``site_onsite_mw_per_month``), the grid's queue for the rest.
  Funding is ``compute_budget_frac`` x (revenue expected ahead + cash over
  ``cash_deploy_months``); revenue funds only the compute its demand needs, the training race
  beyond it is funded from cash (raises); or its parent's budget for its data centers
  (``capex_budget_usd_per_month``). What it commits in a month -- its new leases' monthly
  payments, then its own builds from what they and the sites it ordered before and has not yet
  paid for (:meth:`Lab.pending_usd`) leave -- is at most, together, its company's cash in hand
  when the month opened (:meth:`~ecosim.agents.base.EcosimAgent.capital_usd`): a lab whose cash
  has run out, or is owed to the sites it ordered, builds and signs nothing new until revenue or
  a raise (:mod:`ecosim.agents.capital_market`, its follow-ons up to a share of its mark) refills
  it, so capital binds its growth as it binds every other builder's. Own spend is split between its terrestrial data centers and,
  when orbit is cheaper (the ``orbital_cost_ratio`` its orbital builder publishes), orbital data
  centers, on a logistic switch of width ``orbital_switch_softness_ratio``.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from ecosim.agents.base import SECONDS_PER_MONTH, UNLIMITED, EcosimAgent, clip
from ecosim.economics.odc_cost import capital_recovery_factor
from ecosim.physics.scaling import reducible_loss, reference_reducible
from ecosim.physics.ufunc import ONE_MEMBER, ratio_or


def logistic(z: Any) -> np.ndarray:
    """1 / (1 + e^-z), clipped for safety."""
    return 1.0 / (1.0 + np.exp(-clip(np.asarray(z, float), -50.0, 50.0)))


def price_decline_frac(change_per_yr: Any, rate_frac_per_yr: Any, life_yr: Any) -> np.ndarray:
    """Present value of a price that changes ``change_per_yr`` (ratio a year later) over
    ``life_yr``, monthly, relative to the same price held constant, both discounted at
    ``rate_frac_per_yr`` [-]: what obsolescence leaves of today's price over an asset's life.

    >>> round(float(price_decline_frac(0.76, 0.0975, 5.0)), 2)
    0.58
    >>> float(price_decline_frac(1.0, 0.1, 5.0))
    1.0
    """
    n = np.maximum(np.rint(np.asarray(life_yr, float) * 12.0), 1.0)
    r = (1.0 + np.maximum(np.asarray(rate_frac_per_yr, float), 0.0)) ** (1.0 / 12.0)
    q = np.asarray(change_per_yr, float) ** (1.0 / 12.0) / r

    def annuity(x: np.ndarray) -> np.ndarray:
        return np.where(np.abs(1.0 - x) < 1e-12, n, (1.0 - x**n) / np.where(np.abs(1.0 - x) < 1e-12, 1.0, 1.0 - x))

    return annuity(q) / annuity(1.0 / r)


def _memo_key(x: Any) -> Any:
    """A key of an argument that tells apart arguments giving different results: a number
    (np.float64 included) itself (equal numbers give the same float64 result), else its shape
    and its bytes as floats.

    >>> _memo_key(0.5), _memo_key(np.array([0.5]))[0]
    (0.5, (1,))
    """
    if isinstance(x, float):
        return x
    return np.shape(x), np.asarray(x, float).tobytes()


def rd_staff_usd_per_month(staffed_eflops_ref: Any, usd_per_eflops_month: Any, elasticity: Any, scale_eflops: float = 1000.0) -> np.ndarray:
    """Research staff's cost [USD/month] for a lab whose staff are sized for ``staffed_eflops_ref``
    EFLOP/s of compute at the hardware's reference-month cost: ``usd_per_eflops_month`` per EFLOP/s
    at 1,000 EFLOP/s, growing as that compute to the power ``elasticity`` (staff grow slower than
    compute: economies of scale).

    >>> round(float(rd_staff_usd_per_month(4000.0, 1e6, 0.5)) / 1e9, 3)  # 4x the scale: 2x the cost
    2.0
    """
    x = np.maximum(np.asarray(staffed_eflops_ref, float), 0.0)
    return np.asarray(usd_per_eflops_month, float) * scale_eflops * (x / scale_eflops) ** np.asarray(elasticity, float)


def sga_frac(revenue_usd_per_yr: Any, frac_small: Any, frac_mature: Any, small_usd_per_yr: Any, mature_usd_per_yr: Any) -> np.ndarray:
    """Selling, general and administration as a share of revenue [-] at a revenue run-rate
    ``revenue_usd_per_yr``: ``frac_small`` up to ``small_usd_per_yr``, falling linearly in the
    logarithm of revenue to ``frac_mature`` at ``mature_usd_per_yr`` and beyond (operating
    leverage: sales and administration grow slower than revenue).

    >>> [round(float(sga_frac(r, 0.3, 0.125, 20e9, 300e9)), 4) for r in (0.0, 20e9, (20e9 * 300e9) ** 0.5, 300e9, 1e12)]
    [0.3, 0.3, 0.2125, 0.125, 0.125]
    """
    return sga_frac_at(revenue_usd_per_yr, sga_terms(frac_small, frac_mature, small_usd_per_yr, mature_usd_per_yr))


def sga_terms(frac_small: Any, frac_mature: Any, small_usd_per_yr: Any, mature_usd_per_yr: Any) -> tuple[Any, ...]:
    """The factors of :func:`sga_frac` that are functions of its parameters alone (a lab works
    them out once): the small revenue, the log-revenue span, the small share and its fall to
    the mature share."""
    small = np.asarray(small_usd_per_yr, float)
    try:  # numbers (a lab's and the market's parameters): the span once per process
        span = _sga_span(small_usd_per_yr, mature_usd_per_yr)
    except TypeError:  # per-member arrays (unhashable)
        span = _sga_span.__wrapped__(small_usd_per_yr, mature_usd_per_yr)
    return small, span, frac_small, np.asarray(frac_mature, float) - frac_small


def sga_frac_at(revenue_usd_per_yr: Any, terms: tuple[Any, ...]) -> np.ndarray:
    """:func:`sga_frac` at a revenue run-rate, of its parameters' :func:`sga_terms`."""
    small, span, frac_small, fall = terms
    revenue = revenue_usd_per_yr if type(revenue_usd_per_yr) is np.ndarray else np.asarray(revenue_usd_per_yr, float)
    x = clip(np.log(np.maximum(revenue, small) / small) / span, 0.0, 1.0)
    frac = frac_small + fall * x
    return frac if type(frac) is np.ndarray and frac.dtype == np.float64 else np.asarray(frac, float)


@functools.lru_cache(maxsize=64)
def _sga_span(small_usd_per_yr: Any, mature_usd_per_yr: Any) -> np.ndarray:
    """The log-revenue span of :func:`sga_frac` [-] (a function of its parameters alone)."""
    return np.log(np.maximum(np.asarray(mature_usd_per_yr, float) / np.asarray(small_usd_per_yr, float), 1.0 + 1e-9))


def x_revenue_usd_per_month(months: int, trough_months: int, initial_usd_per_yr: Any, change_frac_per_yr: Any, change_after_frac_per_yr: Any) -> np.ndarray:
    """X's revenue [USD/month] ``months`` after its combination with xAI: ``initial_usd_per_yr``
    changing ``change_frac_per_yr`` a year for its first ``trough_months``, then
    ``change_after_frac_per_yr`` a year.

    >>> round(float(x_revenue_usd_per_month(24, 12, 1.2e9, -0.2, 0.05)) / 1e6, 1)  # 100 M x 0.8 x 1.05
    84.0
    """
    before, after = min(max(months, 0), max(trough_months, 0)), max(months - max(trough_months, 0), 0)
    return np.asarray(initial_usd_per_yr / 12.0 * (1.0 + np.asarray(change_frac_per_yr, float)) ** (before / 12.0) * (1.0 + np.asarray(change_after_frac_per_yr, float)) ** (after / 12.0), float)


def race_gain_usd_per_month(share_at_frontier_frac: Any, share_frac: Any, market_usd_per_month: Any, net_frac: Any, gain_frac: Any) -> np.ndarray:
    """What a lab behind the frontier would gain a month by catching up [USD/month]: the share its
    capability would deserve at the best other lab's level less its share now, of the market's
    inference revenue, times ``net_frac`` (net of SG&A and of the price's fall over the chips' life)
    and ``gain_frac`` (how much of that the lab and its investors count on).

    >>> round(float(race_gain_usd_per_month(0.4, 0.1, 10e9, 0.5, 1.0)) / 1e9, 3)  # 0.3 x 10 x 0.5
    1.5
    >>> float(race_gain_usd_per_month(0.1, 0.3, 10e9, 0.5, 1.0))  # ahead already: no gain
    0.0
    """
    return np.asarray(np.maximum(np.asarray(share_at_frontier_frac, float) - share_frac, 0.0) * market_usd_per_month * net_frac * gain_frac, float)


def race_affordable_eflops(gain_usd_per_month: Any, cost_usd_per_eflops_month: Any) -> np.ndarray:
    """Compute beyond its demand a racing lab buys [EFLOP/s]: as much as the gain from catching up
    pays for at the channel's cost (lease, or own capital annualised at the WACC over the chips'
    and facility's lives): the race's payback within the chips' life. No cost: no limit.

    >>> float(race_affordable_eflops(1.5e9, 3e6))
    500.0
    """
    c = np.asarray(cost_usd_per_eflops_month, float)
    return np.divide(np.asarray(gain_usd_per_month, float), c, out=np.full(np.shape(c), np.inf), where=c > 0)


def onsite_frac(onsite_mw_per_month: Any, horizon_months: Any, need_mw: Any) -> np.ndarray:
    """Share of a lab's missing IT power its site's on-site generation can supply within its
    planning horizon [-]: turbines added a month x months, over what is missing (all of it when
    nothing is missing and turbines can be had; none without turbines).

    >>> onsite_frac(100.0, 6.0, np.array([0.0, 300.0, 2400.0])).tolist()
    [1.0, 1.0, 0.25]
    >>> float(onsite_frac(0.0, 6.0, 0.0))
    0.0
    """
    supply, need = np.asarray(onsite_mw_per_month, float) * np.asarray(horizon_months, float), np.asarray(need_mw, float)
    if supply.shape != need.shape:  # (a lab's are one per member alike: no broadcasting to do)
        supply, need = np.broadcast_arrays(supply, need)
    if need.shape == ONE_MEMBER:  # one member: the division or the fill, without the masks
        return clip(supply / need if need[0] > 0 else np.array((1.0 if supply[0] > 0 else 0.0,)), 0.0, 1.0)
    return np.asarray(clip(np.divide(supply, need, out=np.where(supply > 0, 1.0, 0.0), where=need > 0), 0.0, 1.0))


def lease_share_frac(onsite: Any, onsite_wait_yr: Any, grid_wait_yr: Any, lease_own_ratio: Any, wait_over_yr: Any, softness_yr: Any, softness_ratio: Any) -> np.ndarray:
    """Share of its missing compute a lab leases [-]: a logistic switch in the wait for power
    (over ``wait_over_yr``, width ``softness_yr``) and the lease/own cost ratio (over 1, width
    ``softness_ratio``), at the turbines' wait for the ``onsite`` share on-site generation can
    supply and at the grid's wait for the rest.

    >>> round(float(lease_share_frac(0.0, 0.75, 4.0, 1.0, 1.5, 0.25, 0.5)), 4)  # the grid's 4 years: lease
    1.0
    >>> round(float(lease_share_frac(1.0, 0.75, 4.0, 1.0, 1.5, 0.25, 0.5)), 4)  # turbines in 9 months: own (1 / (1 + e^3))
    0.0474
    >>> round(float(lease_share_frac(0.25, 0.75, 4.0, 1.0, 1.5, 0.25, 0.5)), 4)  # a quarter from turbines
    0.7618
    """
    by_ratio = (np.asarray(lease_own_ratio, float) - 1.0) / softness_ratio  # the same for both waits

    def switch(wait: Any) -> np.ndarray:
        return logistic((np.minimum(np.asarray(wait, float), 100.0) - wait_over_yr) / softness_yr - by_ratio)

    f = np.asarray(onsite, float)
    if f.shape == ONE_MEMBER and getattr(onsite_wait_yr, "shape", None) == ONE_MEMBER and getattr(grid_wait_yr, "shape", None) == ONE_MEMBER:
        both = switch(np.concatenate((onsite_wait_yr, grid_wait_yr)))  # one member: both waits' switches in one pass (the same numbers)
        return f * both[:1] + (1.0 - f) * both[1:]
    return np.asarray(f * switch(onsite_wait_yr) + (1.0 - f) * switch(grid_wait_yr))


class Lab(EcosimAgent):
    kind = "ai_lab"
    label = "AI lab"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        K = self.K
        self.law = self.shared.scaling
        self._training_frac: tuple[int, np.ndarray, np.ndarray] | None = None  # (month, training_frac() of that month, 1 - it)
        self.terrestrial_builder = self.partner("site_capex_usd_per_w")
        self.orbital_builder = self.partner("orbital_cost_ratio")
        self.lessor = self.partner("lease_usd_per_w_month")
        self.grid = self.partner("interconnection_delay_yr")  # the queue its site's turbines cannot skip
        self.racing = self.partner("frontier_compute_eflops") is not None
        self.race_pays = self.partner("ai_share_at_frontier_frac") is not None  # the race is bought as far as catching up pays for it
        # functions of its parameters and the scaling law, fixed in a run: worked out once
        law = self.law
        self._law = (law.tokens_per_param_optimal, law.param_coeff, law.data_coeff, law.param_exponent, law.data_exponent)
        self._reference_reducible = reference_reducible(law.reference_compute_flop, law.reference_tokens, *self._law)
        self._staff_step = np.minimum(1.0 / p.staff_adjust_months, 1.0)  # of the way to its compute a month
        adjust = self.shared.ai_market.share_adjust_per_yr if p.share_adjust_per_yr is None else p.share_adjust_per_yr
        self._share_step = np.minimum(adjust / 12.0, 1.0)  # of the way to its deserved share a month
        #: rd_staff_usd_per_month's factors of its parameters (at its scale of 1,000 EFLOP/s)
        self._rd_usd_at_scale = np.asarray(p.rd_staff_usd_per_eflops_month, float) * 1000.0
        self._rd_exponent = np.asarray(p.rd_staff_scale_exponent, float)
        self._payback_none = np.full(K, 1e3)  # the payback ratio without a channel's cost
        self._sga_terms: tuple[Any, ...] | None = None  # sga_terms of its and the market's parameters, at its first sga_share
        self.s.train_flop = np.zeros(K)
        self.s.data_pb = np.full(K, p.data_pb_initial, dtype=float)
        self.s.web_tokens = np.full(K, p.web_tokens_initial, dtype=float)
        self.s.revenue_usd = np.full(K, p.revenue_initial_usd_per_yr / 12.0, dtype=float)
        self.s.capability = np.zeros(K)
        self.s.market_share = np.full(K, p.market_share_initial_frac, dtype=float)
        self.s.compute_eflops = np.zeros(K)
        self.s.leased_eflops = np.zeros(K)
        self.s.staffed_eflops = np.zeros(K)  # the compute its research staff are sized for (hired over staff_adjust_months)
        self.s.used_frac = np.ones(K)  # share of its inference compute customers used last month
        self.s.demand_seen = np.zeros((K, 12))  # the market's demand read in each of the last 12 months, by month % 12
        self.orbital_target_mw = np.zeros(K)
        self.terrestrial_target_mw = np.zeros(K)
        self.lease_wanted_mw = np.zeros(K)
        self.target_eflops = np.zeros(K)
        self.for_demand_eflops = np.full(K, np.inf)  # compute planned for its demand (the rest of a racing lab's is for training)
        self.demand_eflops = np.zeros(K)
        self.sold_eflops = np.zeros(K)
        self.lease_share = np.zeros(K)
        self.onsite_frac = np.zeros(K)  # share of its missing IT power its site's turbines can supply within its plan horizon
        self.payback_ratio = np.zeros(K)
        self.own_budget_usd = np.zeros(K)
        self.data_in_pb = np.zeros(K)
        self.orbital_share = np.zeros(K)
        self.rd_staff_usd = np.zeros(K)
        self.sga_usd = np.zeros(K)
        self.lease_paid_usd = np.zeros(K)
        self.x_revenue_usd = np.zeros(K)
        #: this month's accelerator price and a new terrestrial build's (site and accelerators)
        #: per W [USD/W], as plan read them (offer and pending_usd use them; None: no site)
        self._accel_usd_per_w = np.zeros(K)
        self._site_usd_per_w: np.ndarray | None = None
        #: (the WACC's bytes, its capital recovery factors over the facility's and the chips' lives)
        self._crf: tuple[bytes, np.ndarray, np.ndarray] | None = None

    @property
    def compute_eflops(self) -> np.ndarray:
        """Compute received this month: owned, orbital and leased [EFLOP/s]."""
        return self.s.compute_eflops

    # ---------------------------------------------------------------- capability

    def _capability(self, extra_pb: np.ndarray | float = 0.0) -> np.ndarray:
        """Capability index of the lab's training compute and data (``extra_pb``: with that many
        more PB of sensor data) [index]."""
        tokens = self.s.web_tokens + (self.s.data_pb + extra_pb) * self.law.tokens_per_pb
        # capability_index of its law, the reference run's reducible loss worked out at start
        return self._reference_reducible / reducible_loss(self.s.train_flop, tokens, *self._law)

    def data_bid_usd_per_pb(self) -> np.ndarray:
        """What sensor data is worth to the lab per PB [USD/PB], its bid where no lab holds a
        contract for it: of a lot as large as last month's whole market (at least 1 PB), the
        relative rise of its capability the lot brings (the scaling law at its training compute
        and data) x its revenue's elasticity to its own capability (its share of the market goes
        as capability^share_exponent over every lab's: ``share_exponent x (1 - share)``) x its
        revenue over ``data_value_horizon_yr``, per PB of the lot; at most what licensed text of
        as many tokens costs (``licensed_text_usd_per_million_tokens``)."""
        am, s = self.shared.ai_market, self.s
        lot = np.maximum(self.ex.last_cleared("data"), 1.0)
        gain = ratio_or(self._capability(lot), s.capability, self._ones) - 1.0
        value = gain * am.share_exponent * (1.0 - s.market_share) * s.revenue_usd * 12.0 * am.data_value_horizon_yr / lot
        return clip(value, 0.0, am.licensed_text_usd_per_million_tokens * self.law.tokens_per_pb / 1e6)

    def _flop_per_month(self, eflops: np.ndarray) -> np.ndarray:
        return eflops * 1e18 * SECONDS_PER_MONTH * self.law.mfu_frac

    def start(self, restored: bool) -> None:
        """The training budget of the fleet the lab starts with (the compute its builder and its
        lessors published), and what readers see in the first month. A continued run keeps what
        the run it continues published."""
        if restored:
            return
        ex = self.ex
        eflops = self.zeros()
        if self.terrestrial_builder:
            own = ex.published(self.terrestrial_builder, self.name, "compute_capacity_eflops")
            eflops = eflops + (0.0 if own is None else own)
        if self.lessor:
            leased = ex.published(self.lessor, self.name, "leased_eflops")
            eflops = eflops + (0.0 if leased is None else leased)
        self.s.compute_eflops = eflops
        self.s.train_flop = self._flop_per_month(eflops * self.training_frac()) * self.law.training_window_months
        self.s.capability = self._capability()
        self.publish("capability", self.s.capability)
        self._publish_market()
        self._publish_targets()

    def inference_capacity_eflops(self, training_frac: np.ndarray | None = None) -> np.ndarray:
        """Compute the lab keeps for inference [EFLOP/s]: all but its training share, of the
        compute it planned for its demand (what it bought beyond that for the training race is
        training compute). ``training_frac``: this month's :meth:`training_frac` if the caller has it."""
        tf = self.training_frac() if training_frac is None else training_frac
        return np.minimum(self.s.compute_eflops, self.for_demand_eflops) * self._inference_frac(tf)

    def _publish_market(self, training_frac: np.ndarray | None = None, inference_eflops: np.ndarray | None = None) -> None:
        """Training compute, inference capacity and share to the market (``training_frac`` and
        ``inference_eflops``: this month's, if the caller has them)."""
        tf = self.training_frac() if training_frac is None else training_frac
        self.publish("lab_training_eflops", self.s.compute_eflops * tf)
        self.publish("inference_capacity_eflops", self.inference_capacity_eflops(tf) if inference_eflops is None else inference_eflops)
        self.publish("ai_market_share_frac", self.s.market_share)

    def _publish_targets(self) -> None:
        if self.terrestrial_builder:
            self.ex.publish_to(self.name, self.terrestrial_builder, "terrestrial_target_mw", self.terrestrial_target_mw)
        if self.orbital_builder:
            self.ex.publish_to(self.name, self.orbital_builder, "orbital_target_mw", self.orbital_target_mw)
        if self.lessor:
            self.ex.publish_to(self.name, self.lessor, "lease_wanted_mw", self.lease_wanted_mw)

    # ---------------------------------------------------------------- economics

    def training_frac(self) -> np.ndarray:
        """Share of the lab's compute used for training this month [-]: ``training_frac`` up to
        the hardware's reference month, then changing ``training_frac_change_pct_per_yr`` a year
        (inference takes a growing share as usage grows), within ``training_min_frac`` and 0.95."""
        cached = self._training_frac
        if cached is None or cached[0] != self.t:  # computed once a month (parameters stay fixed in a run); callers do not write to it
            p = self.p
            years = max(self.t - self.shared.ai_hardware.reference_month, 0) / 12.0
            tf = self.full(clip(np.asarray(p.training_frac, float) * (1.0 + np.asarray(p.training_frac_change_frac_per_yr, float)) ** years, p.training_min_frac, 0.95))
            cached = self._training_frac = (self.t, tf, 1.0 - tf)
        return cached[1]

    def _inference_frac(self, training_frac: np.ndarray) -> np.ndarray:
        """``1 - training_frac`` (this month's share of compute for inference, once a month when
        ``training_frac`` is this month's :meth:`training_frac`); callers do not write to it."""
        cached = self._training_frac
        if cached is not None and cached[1] is training_frac and cached[0] == self.t:
            return cached[2]
        return 1.0 - training_frac

    def decline_frac(self, change_per_yr: Any, rate_frac_per_yr: Any, life_yr: Any) -> np.ndarray:
        """:func:`price_decline_frac`, computed once a month in this model for the same arguments
        (the same numbers, bit for bit): every lab's :meth:`plan` calls it with the same ones (the
        hardware's price trend, the WACC signal), so the labs after the first get the first's
        array (which no caller changes in place)."""
        key = ("price_decline_frac", _memo_key(change_per_yr), _memo_key(rate_frac_per_yr), _memo_key(life_yr))
        return self.once_a_month(key, lambda: price_decline_frac(change_per_yr, rate_frac_per_yr, life_yr))

    def cost_index(self) -> np.ndarray:
        return self.full(self.cost_index_at(self.t))

    def w_per_eflops(self) -> np.ndarray:
        """IT power of one EFLOP/s of new compute this month [W] (once a month for the labs
        sharing the hardware trend; callers never write into it)."""
        hw = self.shared.ai_hardware
        return self.once_a_month(("w_per_eflops", id(hw)), lambda: self.w_per_h100e() * 1e18 / hw.flops_per_h100e)

    def my_demand_eflops(self, market_eflops: np.ndarray | None = None) -> np.ndarray:
        """Inference this lab can sell this month [EFLOP/s]: its share of the market's demand
        (``market_eflops``: the market's ``ai_demand_eflops``, if the caller has read it) and
        the demand other labs could not serve that comes to it."""
        d = self.read("market", "ai_demand_eflops") if market_eflops is None else market_eflops
        return self.s.market_share * d + self.read("market", "ai_spill_eflops")

    def demand_growth_factor(self, market_eflops: np.ndarray | None = None) -> np.ndarray:
        """The market's demand ``plan_horizon_months`` ahead over today's, at its growth over
        the last 12 months (1 to 4 a year) [-] (``market_eflops``: today's, if the caller has
        read it)."""
        d_now = self.read("market", "ai_demand_eflops") if market_eflops is None else market_eflops
        d_then = self.s.demand_seen[:, self.t % 12]
        g = clip(ratio_or(d_now, d_then, self._ones), 1.0, 4.0)
        return g ** (self.p.plan_horizon_months / 12.0)

    def own_cost_usd_per_w_month(self, wacc: np.ndarray | None = None, site: np.ndarray | None = None, accel: np.ndarray | None = None) -> np.ndarray:
        """Own compute's capital cost per W of IT power a month [USD/(W month)]: facility and
        accelerators annualised at the WACC over their lives (power and upkeep left out).
        ``wacc``, ``site`` and ``accel``: this month's ``wacc``, ``site_capex_usd_per_w`` and
        ``accelerator_usd_per_w`` signals, if the caller has read them."""
        hw = self.shared.ai_hardware
        if self.terrestrial_builder is None:
            return self.full(np.inf)
        wacc = self.read("capital_market", "wacc") if wacc is None else wacc
        site = self.read(self.terrestrial_builder, "site_capex_usd_per_w") if site is None else site
        accel = self.read("tsmc", "accelerator_usd_per_w") if accel is None else accel
        key = wacc.tobytes()  # the factors of last month's WACC again while it stays the same
        if self._crf is None or self._crf[0] != key:
            self._crf = (key, capital_recovery_factor(wacc, self.p.facility_life_yr), capital_recovery_factor(wacc, hw.chip_life_yr))
        per_yr = site * self._crf[1] + accel * self._crf[2]
        return per_yr / 12.0

    def sga_share(self, revenue_usd_per_month: np.ndarray) -> np.ndarray:
        """The lab's selling, general and administration as a share of revenue [-] at a month's
        revenue (its run-rate, x 12): its ``sga_frac_of_revenue`` while small, the market's
        ``sga_mature_frac_of_revenue`` at scale (:func:`sga_frac`, ``[ai_market]``)."""
        if self._sga_terms is None:  # its parameters' terms, once (they stay fixed in a run)
            am = self.shared.ai_market
            self._sga_terms = sga_terms(self.p.sga_frac_of_revenue, am.sga_mature_frac_of_revenue, am.sga_revenue_usd_per_yr, am.sga_mature_revenue_usd_per_yr)
        return sga_frac_at(revenue_usd_per_month * 12.0, self._sga_terms)

    def pending_usd(self, per_w: np.ndarray | None = None) -> np.ndarray:
        """What the lab still owes for the sites it ordered [USD]: the IT power its terrestrial
        site waits for from the grid (``site_pending_mw``), at the site's capex and today's
        accelerator price per W (``per_w``: their sum, if the caller has it), as it prices a
        new build; none without a site."""
        if self.terrestrial_builder is None:
            return self.zeros()
        if per_w is None:
            per_w = self.read(self.terrestrial_builder, "site_capex_usd_per_w") + self.read("tsmc", "accelerator_usd_per_w")
        return self.read(self.terrestrial_builder, "site_pending_mw") * 1e6 * per_w

    def funding_usd(self, growth: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What the lab can put into compute this month [USD], from the revenue it expects and
        from its cash (spread over ``cash_deploy_months``), each times ``compute_budget_frac``;
        and its company's cash in hand when the month opened (none when negative), which bounds
        what it commits in the month (its own builds, its new leases' monthly payments)."""
        p = self.p
        cash = self.capital_usd(1.0)
        return p.compute_budget_frac * self.s.revenue_usd * growth, p.compute_budget_frac * cash / p.cash_deploy_months, cash

    def plan(self) -> np.ndarray:
        """Set the targets: leases wanted (stock), own builds (flow). Returns the own budget [USD]."""
        p, s = self.p, self.s
        market_eflops = self.read("market", "ai_demand_eflops")  # (each signal read once in the month's plan)
        growth = self.demand_growth_factor(market_eflops)
        self.demand_eflops = self.my_demand_eflops(market_eflops)
        price = self.read("market", "ai_price_usd_per_eflops_month")
        w_e = self.w_per_eflops()
        wacc = self.read("capital_market", "wacc")
        self._accel_usd_per_w = accel = self.read("tsmc", "accelerator_usd_per_w")
        if self.terrestrial_builder is not None:
            site = self.read(self.terrestrial_builder, "site_capex_usd_per_w")
            own_w = self.own_cost_usd_per_w_month(wacc, site, accel)
            self._site_usd_per_w = site + accel
        else:
            own_w = self.own_cost_usd_per_w_month()
            self._site_usd_per_w = None
        own_ok = np.isfinite(own_w)
        have = s.compute_eflops
        owned = np.maximum(have - s.leased_eflops, 0.0)  # (its compute and leases stay as they are in plan)
        if self.lessor is not None:
            lease_w = self.read(self.lessor, "lease_usd_per_w_month")
            if own_w.shape == ONE_MEMBER:  # one member: the division or none, without the masks
                ratio = lease_w / own_w if own_ok[0] and own_w[0] > 0 else self._zeros.copy()
            else:
                ratio = np.divide(lease_w, own_w, out=np.zeros(self.K), where=own_ok & (own_w > 0))
            if self.terrestrial_builder:
                wait = self.read(self.terrestrial_builder, "site_delay_yr")
                grid_wait = self.read(self.grid, "interconnection_delay_yr") if self.grid else wait
                need_mw = np.maximum(self.target_eflops - owned, 0.0) * w_e / 1e6
                self.onsite_frac = onsite_frac(self.read(self.terrestrial_builder, "site_onsite_mw_per_month"), p.plan_horizon_months, need_mw)
                z_share = lease_share_frac(self.onsite_frac, wait, grid_wait, ratio, p.lease_if_wait_over_yr, p.lease_switch_softness_yr, p.lease_switch_softness_ratio)
            else:
                z_share = self.full(1.0)
            share = (z_share if own_ok[0] else self._ones.copy()) if own_ok.shape == ONE_MEMBER else np.where(own_ok, z_share, 1.0)
        else:
            lease_w = self.full(np.inf)
            share = self.zeros()
        self.lease_share = share
        if share.shape == ONE_MEMBER:  # one member: the same sum of numbers, without the masks
            sh, lw, ow = share.item(), lease_w.item(), own_w.item()
            channel_w = np.array(((sh * (lw if math.isfinite(lw) else 0.0) if sh > 0 else 0.0) + ((1.0 - sh) * (ow if math.isfinite(ow) else 0.0) if sh < 1 else 0.0),))
        else:
            channel_w = np.where(share > 0, share * np.where(np.isfinite(lease_w), lease_w, 0.0), 0.0) + np.where(share < 1, (1.0 - share) * np.where(own_ok, own_w, 0.0), 0.0)
        hw = self.shared.ai_hardware
        t = self.t
        # what obsolescence leaves of today's price: the same for every lab that sees the same
        # WACC this month (the labs after the first get the first's)
        decline = self.once_a_month(("lab_decline_frac", id(hw), wacc.tobytes()), lambda: self.decline_frac(self.cost_index_at(t + 12) / self.cost_index_at(t), wacc, hw.chip_life_yr))
        tf = self.training_frac()
        net = (1.0 - self.sga_share(s.revenue_usd)) * decline ** p.obsolescence_weight_frac
        inf_frac = self._inference_frac(tf)
        earns = price * s.used_frac * inf_frac * net
        channel_e = channel_w * w_e  # [USD/(EFLOP/s month)]
        self.payback_ratio = ratio_or(earns, channel_e, self._payback_none, sign=channel_w)
        gate = logistic((self.payback_ratio - 1.0) / p.payback_softness_ratio)
        for_demand = self.demand_eflops * growth / np.maximum(inf_frac, 1e-3) * p.capacity_plan_ratio
        self.for_demand_eflops = for_demand
        for_frontier = self.read("market", "frontier_compute_eflops") * p.frontier_compute_ratio if self.racing else self.zeros()
        if self.race_pays:
            gain = race_gain_usd_per_month(self.read("market", "ai_share_at_frontier_frac"), s.market_share, price * market_eflops, net, p.race_gain_frac)
            for_frontier = np.minimum(for_frontier, for_demand + race_affordable_eflops(gain, channel_e))
            # the race beyond its demand passes its own payback test (what catching up wins), not
            # that of its inference: only the compute for its demand waits for inference to pay
            self.target_eflops = for_demand * gate + np.maximum(for_frontier - for_demand, 0.0)
        else:
            self.target_eflops = np.maximum(for_demand, for_frontier) * gate
        from_revenue, from_cash, cash = self.funding_usd(growth)
        funding = from_revenue + from_cash
        lease_paid = self.zeros()
        new_lease_usd = self.zeros()
        if self.lessor is not None:
            committed_mw = self.read(self.lessor, "lease_committed_mw")
            committed_e = self.read(self.lessor, "lease_committed_eflops")
            lease_paid = self.read(self.lessor, "lease_payment_usd_per_month")
            need_e = np.maximum(self.target_eflops - owned, 0.0)
            lease_e = lease_w * w_e
            afford_e = ratio_or(np.minimum(funding * share, cash), lease_e, self._zeros)
            # new leases: the leasing share of what is missing, as far as funding pays them and
            # their first month's payments are in hand; leases in hand are kept (renewed) while
            # the lab still needs the compute
            want_e = np.maximum(np.minimum(need_e * share, afford_e), np.minimum(need_e, committed_e))
            self.lease_wanted_mw = np.maximum(committed_mw + (want_e - committed_e) * w_e / 1e6, 0.0)
            new_lease_usd = np.maximum(want_e - committed_e, 0.0) * lease_e
            pipeline_e = np.maximum(committed_e - s.leased_eflops, 0.0)
        else:
            pipeline_e = self.zeros()
        def missing(target: np.ndarray) -> np.ndarray:
            return clip(ratio_or(target - have - pipeline_e, target, self._zeros), 0.0, 1.0)

        # own builds: revenue funds the compute its demand needs; only cash (raises) funds the race beyond it
        gap = missing(self.target_eflops)
        gap_demand = missing(np.minimum(self.target_eflops, self.for_demand_eflops))
        own = (np.maximum(from_revenue - lease_paid, 0.0) * gap_demand + from_cash * gap) * (1.0 - share)
        # a month's commitments are paid from cash in hand (raises refill it): its own builds from
        # what the first month's payments on its new leases, and the sites it ordered before and
        # has not yet paid for, leave of it
        own = np.minimum(own, np.maximum(cash - new_lease_usd - self.pending_usd(self._site_usd_per_w), 0.0))
        if self.terrestrial_builder is not None:
            parent = self.read(self.terrestrial_builder, "capex_budget_usd_per_month")
            if parent.shape == ONE_MEMBER:  # one member: the one it takes, without the mask
                own = parent * gap if parent[0] > 0 else own
            else:
                own = np.where(parent > 0, parent * gap, own)
        self.own_budget_usd = own
        return self.own_budget_usd

    # ---------------------------------------------------------------- phases

    def offer(self) -> None:
        p, ex = self.p, self.ex
        budget = self.plan()
        t_cost = np.inf + self._accel_usd_per_w if self._site_usd_per_w is None else self._site_usd_per_w  # (as plan read them)
        share = self.zeros()
        o_cost = self.full(np.inf)
        if self.orbital_builder is not None and p.orbital_first:
            ratio = self.read(self.orbital_builder, "orbital_cost_ratio")
            open_ = np.isfinite(ratio)
            if open_.shape == ONE_MEMBER:  # one member: the switch or none, without the masks
                share = logistic(-(ratio - 1.0) / p.orbital_switch_softness_ratio) if open_[0] else self.zeros()
            else:
                share = np.where(open_, logistic(-(np.where(open_, ratio, 1.0) - 1.0) / p.orbital_switch_softness_ratio), 0.0)
            o_cost = self.read(self.orbital_builder, "orbital_capex_usd_per_w")
        self.orbital_share = share
        if o_cost.shape == ONE_MEMBER:  # one member: its target or none, without the mask
            self.orbital_target_mw = budget * share / (np.maximum(o_cost, 1e-9) * 1e6) if math.isfinite(o_cost[0]) else self.zeros()
        else:
            self.orbital_target_mw = np.where(np.isfinite(o_cost), budget * share / (np.maximum(o_cost, 1e-9) * 1e6), 0.0)
        self.terrestrial_target_mw = budget * (1.0 - share) / (t_cost * 1e6)
        self._publish_targets()
        if ex.buys(self.name, "compute"):  # a lab with builders of its own (Anthropic leases all)
            ex.demand(self.name, "compute", self.full(UNLIMITED), tier=0, kind="opex")
        if self.lessor is not None:
            ex.demand(self.name, "leased_compute", self.read(self.lessor, "leased_eflops"), tier=0, kind="opex", seller=self.lessor)
        if ex.buys(self.name, "data"):
            ex.demand(self.name, "data", self.full(UNLIMITED), tier=0, kind="opex", bid=self.data_bid_usd_per_pb())

    def settle(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        s.leased_eflops = ex.received(self.name, "leased_compute") if self.lessor else self.zeros()
        s.compute_eflops = (ex.received(self.name, "compute") if ex.buys(self.name, "compute") else 0.0) + s.leased_eflops
        if ex.buys(self.name, "data"):
            self.data_in_pb = ex.received(self.name, "data")
            s.data_pb = s.data_pb + self.data_in_pb
        # revenue: its share of the market's demand (moving toward what its capability deserves)
        # and what others could not serve, as far as its inference compute serves it, at the price
        deserved = self.read("market", "ai_share_frac")
        s.market_share = s.market_share + (deserved - s.market_share) * self._share_step
        tf = self.training_frac()
        capacity = self.inference_capacity_eflops(tf)
        market_eflops = self.read("market", "ai_demand_eflops")
        self.sold_eflops = np.minimum(self.my_demand_eflops(market_eflops), capacity)
        s.used_frac = clip(ratio_or(self.sold_eflops, capacity, self._ones), 0.0, 1.0)
        # training: its training share, and the inference compute no customer used (labs leave no
        # accelerator idle)
        W = self.law.training_window_months
        s.train_flop = s.train_flop + self._flop_per_month(s.compute_eflops - self.sold_eflops) - s.train_flop / W
        law = self.law  # one internet: the scaling law's ratios scale every lab's web growth and wall alike
        s.web_tokens = self.grow(s.web_tokens, p.web_tokens_growth_frac_per_yr * law.web_tokens_growth_ratio, p.web_tokens_max * law.web_tokens_max_ratio)
        s.capability = self._capability()
        revenue = self.sold_eflops * self.read("market", "ai_price_usd_per_eflops_month")
        ex.pay("market", self.name, revenue, "revenue")
        # costs beside owned compute (its data centers pay for that): leases (its lessor bills
        # them; lease_paid_usd is what it was told it pays), research staff who scale with the
        # compute they use, selling, general and administration with revenue
        self.lease_paid_usd = self.read(self.lessor, "lease_payment_usd_per_month") if self.lessor else self.zeros()
        s.staffed_eflops = s.staffed_eflops + (s.compute_eflops - s.staffed_eflops) * self._staff_step
        # rd_staff_usd_per_month, its factors of the lab's parameters worked out at start
        self.rd_staff_usd = self._rd_usd_at_scale * (np.maximum(s.staffed_eflops * self.cost_index_at(self.t), 0.0) / 1000.0) ** self._rd_exponent
        self.sga_usd = revenue * self.sga_share(revenue)
        self.pay_costs(self.rd_staff_usd + self.sga_usd, "opex")  # its lessor bills its leases (lease_paid_usd)
        s.revenue_usd = revenue
        s.demand_seen[:, self.t % 12] = market_eflops
        self.publish("capability", s.capability)
        self._publish_market(tf, capacity)  # compute and its plan for demand are as above
        self.other_business()

    def other_business(self) -> None:
        """A lab's businesses beside its models (none but xAI's X)."""


class XAI(Lab):
    """xAI with X: X's advertising and subscriptions (``x_*`` fields) are xAI's revenue from
    ``x_start_month``, its costs the rest of its adjusted EBITDA margin."""

    kind = "xai"
    label = "xAI"

    def other_business(self) -> None:
        p = self.p
        self.x_revenue_usd = self.after(p.x_start_month) * x_revenue_usd_per_month(
            self.t - int(p.x_start_month), int(p.x_revenue_trough_month) - int(p.x_start_month),
            p.x_revenue_usd_per_yr_initial, p.x_revenue_change_frac_per_yr, p.x_revenue_change_after_frac_per_yr)
        self.ex.pay("market", self.name, self.x_revenue_usd, "revenue")
        self.pay_costs(self.x_revenue_usd * (1.0 - p.x_ebitda_margin_frac), "opex")
