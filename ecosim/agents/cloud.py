"""Clouds and neoclouds: the market where AI labs lease compute (Microsoft, Oracle, CoreWeave, ...).

The lessors hold a stock of leasable AI capacity [MW of IT power]. Each lab says how much
leased capacity it wants in service or signed (its ``lease_wanted_mw`` stock; the labs that may
lease are whoever the network wires to this node). Each month:

* **Price.** Capacity signed this month costs
  ``cost x (1 + margin x (u / u_target)^elasticity)`` [USD per W of IT power a month], with
  ``u`` = capacity wanted over capacity built (:func:`lease_price_usd_per_w_month`): it falls
  toward the lessors' cost recovery (``cost_usd_per_w_yr``: chips, facility and power
  annualised; it follows the accelerator price) when capacity is slack, is
  ``cost x (1 + margin)`` at the target utilisation, and rises steeply when labs want more than
  there is, so the labs' payback test (:class:`ecosim.agents.xai.Lab`) clears the market
  (``u`` counted up to ``price_utilisation_max_frac``: a lessor of one lab, whose only customer
  bids against nobody, rations what it lacks at ``cost x (1 + margin)`` instead). The
  price moves toward that level over ``price_adjust_months`` (list prices and contract
  negotiations lag the market).
* **Contracts.** A lease runs ``lease_term_yr`` at the price it was signed at. At its end it is
  **renewed** at the current price, with the lessor's current chips, as far as the lab still
  wants the capacity (chips retire at the end of their life and are replaced at renewal); the
  rest returns to the lessors. New leases come into service ``lease_lead_months`` after signing
  from capacity that is free; when labs ask for more than is free, each gets the same share of
  its request.
* **Capacity.** Lessors order new capacity when the labs' wanted stock, grown over the build
  lead at its growth over the last year, at the target utilisation, exceeds what is built and
  under construction (the gap over ``build_adjust_months``); it arrives
  ``build_lead_months`` later; what is built and ordered grows at most
  ``capacity_growth_pct_per_yr_max`` a year, slowing logistically toward ``capacity_mw_max``
  (the power and sites lessors can get).

The month's book is decided a month ahead, so the compute a lab is told it will have next month
(``leased_eflops``) is what this agent offers it then (a ``leased_compute`` good at no price,
apart from the compute market), and the payments it is told it will make
(``lease_payment_usd_per_month``, which its plan reads) are what this agent bills it then, on the
lab's money edge to its lessor (an operating cost of the lab's): cutting that signal blinds the
lab's plan to what it pays, never the payment. The lessors' own accounts (the ``clouds``
company's cash) are not read by anyone.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import EcosimAgent, clip, take_slot
from ecosim.physics.compute import accelerator_usd_per_w, watts_per_h100e
from ecosim.physics.ufunc import ratio_or

RING_MONTHS = 240
#: ``x.sum(axis=...)``: the same reduction, without ndarray.sum's Python wrapper (settle sums its rings a dozen times a month)
_sum = np.add.reduce


def lease_price_usd_per_w_month(cost_usd_per_w_month: Any, wanted_mw: Any, capacity_mw: Any, margin_frac: Any,
                                target_utilisation_frac: Any, elasticity: Any, max_ratio: Any = 4.0) -> np.ndarray:
    """Price of capacity signed this month [USD/(W month)]: cost recovery times
    ``1 + margin x (u / u_target)^elasticity``, ``u = wanted / capacity`` (at most ``max_ratio``).

    >>> float(lease_price_usd_per_w_month(1.0, 85.0, 100.0, 0.5, 0.85, 2.0))  # at the target utilisation
    1.5
    >>> round(float(lease_price_usd_per_w_month(1.0, 170.0, 100.0, 0.5, 0.85, 2.0)), 6)  # twice the target: 4x the margin
    3.0
    >>> float(lease_price_usd_per_w_month(1.0, 0.0, 100.0, 0.5, 0.85, 2.0))  # slack: cost recovery
    1.0
    >>> float(lease_price_usd_per_w_month(1.0, 170.0, 100.0, 0.5, 0.85, 2.0, max_ratio=0.85))  # a lessor of one lab: no scarcity rent
    1.5
    """
    cap = np.maximum(np.asarray(capacity_mw, float), 1e-9)
    u = np.minimum(np.asarray(wanted_mw, float) / cap, max_ratio)
    ratio = u / np.asarray(target_utilisation_frac, float)
    return np.asarray(cost_usd_per_w_month, float) * (1.0 + np.asarray(margin_frac, float) * ratio ** np.asarray(elasticity, float))


def ring_months(value: Any, months_per_unit: float = 1.0) -> np.ndarray:
    """A duration as whole months that fit the contract ring (1 to ``RING_MONTHS - 1``), one
    per member (a float for all members gives one value).

    >>> ring_months(5.0, 12.0).tolist(), ring_months([6, 7]).tolist(), ring_months(0.01).tolist()
    (60, [6, 7], 1)
    """
    return np.clip(np.rint(np.asarray(value, dtype=float) * months_per_unit), 1, RING_MONTHS - 1).astype(int)


def _power(base: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    """``base ** exponent`` for (K,) arrays, each distinct exponent raised as a Python float (as
    a run whose members share it does: NumPy computes a scalar power by other routines, e.g.
    ``x * x`` for 2.0, which may differ from ``pow`` in the last bit).

    >>> _power(np.array([4.0, 4.0, 9.0]), np.array([0.5, 2.0, 0.5])).tolist()
    [2.0, 16.0, 3.0]
    """
    first = float(exponent[0])
    if (exponent == first).all():
        return base ** first
    out = np.empty(np.shape(base))
    for e in np.unique(exponent):
        at = exponent == e
        out[at] = base[at] ** float(e)
    return out


class Cloud(EcosimAgent):
    kind = "cloud"
    label = "Clouds & neoclouds"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        K = self.K
        self.lessees = self.ex.senders(self.name, "lease_wanted_mw")
        J = len(self.lessees)
        start = world.start_month
        self.s.capacity_mw = self.full(p.capacity_mw_initial)
        self.s.capacity_pipe_mw = np.zeros((K, RING_MONTHS))  # capacity under construction, by month it arrives
        self.s.wanted_seen_mw = np.zeros((K, 12))  # capacity the labs wanted in each of the last 12 months, by month % 12
        # contracts in service by the month they (re)started, and signed ones by the month they arrive
        self.s.mw = np.zeros((K, J, RING_MONTHS))
        self.s.eflops = np.zeros((K, J, RING_MONTHS))
        self.s.usd = np.zeros((K, J, RING_MONTHS))  # monthly payment
        self.s.pipe_mw = np.zeros((K, J, RING_MONTHS))
        self.s.pipe_usd = np.zeros((K, J, RING_MONTHS))
        self.s.price_usd_per_w_month = self.cost_usd_per_w_month(start)
        # lease term, lease lead and build lead [months], per member: functions of its
        # parameters, fixed in a run (each member's ring slots are offset by its own)
        self._rows = np.arange(K)
        self._term_months = term = np.broadcast_to(ring_months(p.lease_term_yr, 12.0), (K,))
        self._lease_lead_months = np.broadcast_to(ring_months(p.lease_lead_months), (K,))
        self._build_lead_months = np.broadcast_to(ring_months(p.build_lead_months), (K,))
        # the same, as one number when every member shares it (None when they differ)
        self._term_month, self._lease_lead_month, self._build_lead_month = (
            int(a[0]) if (a == a[0]).all() else None for a in (self._term_months, self._lease_lead_months, self._build_lead_months))
        # more functions of its parameters, fixed in a run: worked out once, not every month
        self._build_lead_yr = self._build_lead_months / 12.0  # the exponent of its demand's growth
        #: the same exponent as a number when every member shares it (what _power raises to), else None
        self._build_lead_yr_one = float(self._build_lead_yr[0]) if (self._build_lead_yr == float(self._build_lead_yr[0])).all() else None
        self._price_step = np.minimum(1.0 / p.price_adjust_months, 1.0)  # of the way to the clearing price a month
        self._growth_max = 1.0 + p.capacity_growth_frac_per_yr_max  # the most its wanted stock grows a year [ratio]
        self._growth_month_max = (1.0 + p.capacity_growth_frac_per_yr_max) ** (1.0 / 12.0) - 1.0  # ... a month [-]
        for j, lab in enumerate(self.lessees):  # leases at start: signed evenly over each member's term before
            mw0 = float(dict(p.leases_mw_initial).get(lab, 0.0))
            for age in range(int(term.max())):
                slot = (start - age) % RING_MONTHS
                signed = age < term
                self.s.mw[:, j, slot] = np.where(signed, mw0 / term, 0.0)
                self.s.eflops[:, j, slot] = np.where(signed, mw0 / term * self.eflops_per_mw(start), 0.0)
                self.s.usd[:, j, slot] = np.where(signed, mw0 / term * 1e6 * self.s.price_usd_per_w_month, 0.0)
        self.wanted_mw = np.zeros((K, J))
        self.renewed_mw = np.zeros((K, J))
        self.expired_mw = np.zeros((K, J))
        self.granted_mw = np.zeros((K, J))
        self.utilisation = np.zeros(K)
        #: leased IT power in service by lab, as the book last published left it (K, labs) [MW]:
        #: :attr:`leased_mw` without summing the ring again (the metrics read it)
        self.in_service_mw = np.zeros((K, J))
        #: the monthly payments of the book published for next month, by lab (K, labs) [USD]:
        #: what it bills then (:meth:`settle`)
        self.book_usd = np.zeros((K, J))
        self._publish()

    # ---------------------------------------------------------------- helpers

    def cost_usd_per_w_month(self, month: int) -> np.ndarray:
        """The lessors' cost recovery per W of IT power a month in ``month``, following the
        accelerator price (most of it) from the hardware's reference month [USD/(W month)]."""
        hw = self.shared.ai_hardware  # the index once a month for the lessors sharing the trend
        idx = self.once_a_month(("accelerator_index", id(hw), month), lambda: accelerator_usd_per_w(1.0, hw.usd_per_w_change_frac_per_yr, hw.reference_month, month))
        return self.full(self.p.cost_usd_per_w_yr / 12.0 * idx)

    def eflops_per_mw(self, month: int) -> np.ndarray:
        """Compute of one MW of the lessors' chips installed in ``month`` [EFLOP/s per MW]
        (once a month for the lessors sharing the ``[ai_hardware]`` trend; callers never write
        into it)."""
        hw = self.shared.ai_hardware
        return self.once_a_month(("eflops_per_mw", id(hw), month), lambda: self.full(1e6 / watts_per_h100e(hw.w_per_h100e, hw.efficiency_gain_frac_per_yr, hw.reference_month, month) * hw.flops_per_h100e / 1e18))

    @property
    def leased_mw(self) -> np.ndarray:
        """Leased IT power in service, by lab (K, labs) [MW]."""
        return self.s.mw.sum(axis=2)

    def leased_mw_of(self, lab: str) -> np.ndarray:
        """Leased IT power in service for one lab [MW] (0 if it does not lease)."""
        return self.leased_mw[:, self.lessees.index(lab)] if lab in self.lessees else self.zeros()

    @property
    def committed_mw(self) -> np.ndarray:
        """In service and signed, by lab (K, labs) [MW]."""
        return self.leased_mw + self.s.pipe_mw.sum(axis=2)

    def after_restore(self) -> None:
        super().after_restore()
        self.in_service_mw = self.leased_mw
        self.book_usd = self.s.usd.sum(axis=2)

    def _publish(self, nxt: np.ndarray | None = None, leased_mw: np.ndarray | None = None) -> None:
        """Next month's book to each lab; the price of this month's signings to all. ``nxt``:
        ``eflops_per_mw(t + 1)``, and ``leased_mw``: :attr:`leased_mw`, if the caller has them."""
        self.publish("lease_usd_per_w_month", self.s.price_usd_per_w_month)
        if nxt is None:
            nxt = self.eflops_per_mw(self.t + 1)
        # each ring summed once over its months, for all labs (a lab's row is the same sum as
        # summing that lab's slice alone, and the contiguous pass is cheaper than one per lab)
        pipe_mw = _sum(self.s.pipe_mw, axis=2)
        self.in_service_mw = _sum(self.s.mw, axis=2) if leased_mw is None else leased_mw
        committed = self.in_service_mw + pipe_mw
        eflops = _sum(self.s.eflops, axis=2)
        usd = self.book_usd = _sum(self.s.usd, axis=2)
        committed_eflops = eflops + pipe_mw * nxt[:, None]  # every lab's at once (each lab's column the same numbers)
        pub = self.ex.publish_to
        for j, lab in enumerate(self.lessees):
            pub(self.name, lab, "leased_eflops", eflops[:, j])
            pub(self.name, lab, "lease_payment_usd_per_month", usd[:, j])
            pub(self.name, lab, "lease_committed_mw", committed[:, j])
            pub(self.name, lab, "lease_committed_eflops", committed_eflops[:, j])

    # ---------------------------------------------------------------- phases

    def offer(self) -> None:
        """This month's leased compute, to the labs that hold it (they ask for it by name)."""
        self.ex.offer(self.name, "leased_compute", _sum(self.s.eflops, axis=(1, 2)), 0.0)

    def settle(self) -> None:
        """Bill this month's book (the payments published for it last month); decide next
        month's: capacity arrives, leases arrive, expire or renew, new ones are signed at this
        month's price, and lessors order capacity."""
        p, s = self.p, self.s
        K, J = self.K, len(self.lessees)
        for j, lab in enumerate(self.lessees):  # the book in service this month, as published last month
            self.ex.pay(lab, self.name, self.book_usd[:, j], "opex")
        m = self.t + 1  # the month decided
        now = m % RING_MONTHS
        s.capacity_mw = s.capacity_mw + s.capacity_pipe_mw[:, now]
        s.capacity_pipe_mw[:, now] = 0.0
        wanted = np.empty((K, J))  # a column per lab (np.stack's table, without its Python)
        for j, lab in enumerate(self.lessees):
            wanted[:, j] = np.maximum(self.read(lab, "lease_wanted_mw"), 0.0)
        self.wanted_mw = wanted
        total_wanted = _sum(wanted, axis=1)
        self.utilisation = total_wanted / np.maximum(s.capacity_mw, 1e-9)
        clearing = lease_price_usd_per_w_month(self.cost_usd_per_w_month(self.t), total_wanted, s.capacity_mw,
                                               p.margin_at_target_frac, p.target_utilisation_frac, p.scarcity_elasticity,
                                               p.price_utilisation_max_frac)
        s.price_usd_per_w_month = s.price_usd_per_w_month + (clearing - s.price_usd_per_w_month) * self._price_step
        price_mw = s.price_usd_per_w_month[:, None] * 1e6
        eff_m = self.eflops_per_mw(m)
        eff = eff_m[:, None]
        # arrivals of signed leases
        s.mw[:, :, now] = s.pipe_mw[:, :, now]
        s.eflops[:, :, now] = s.pipe_mw[:, :, now] * eff
        s.usd[:, :, now] = s.pipe_usd[:, :, now]
        s.pipe_mw[:, :, now] = 0.0
        s.pipe_usd[:, :, now] = 0.0
        # leases at the end of their term: renewed as far as the lab still wants them
        rows = self._rows
        end = (m - (self._term_months if self._term_month is None else self._term_month)) % RING_MONTHS
        expiring = take_slot(s.mw, end, rows)  # (K, labs)
        take_slot(s.eflops, end, rows)
        take_slot(s.usd, end, rows)
        signed_mw = _sum(s.pipe_mw, axis=2)  # the renewals below leave the signed ring as it is
        renew = np.minimum(expiring, np.maximum(wanted - (_sum(s.mw, axis=2) + signed_mw), 0.0))
        s.mw[:, :, now] += renew
        s.eflops[:, :, now] += renew * eff
        s.usd[:, :, now] += renew * price_mw
        self.renewed_mw, self.expired_mw = renew, expiring - renew
        # new leases from free capacity, shared pro rata to the requests
        leased: np.ndarray | None = _sum(s.mw, axis=2)
        committed = leased + signed_mw
        request = np.maximum(wanted - committed, 0.0)
        free = np.maximum(s.capacity_mw - _sum(committed, axis=1), 0.0)
        asked = _sum(request, axis=1)
        fill = ratio_or(free, asked, self._ones)
        grant = request * np.minimum(fill, 1.0)[:, None]
        self.granted_mw = grant
        if self._lease_lead_month is not None:  # one lead for every member: in service at once for all, or a slot
            at = (self.t + self._lease_lead_month) % RING_MONTHS
            if at == now:  # a lead of one month: in service in the month decided
                leased = None  # the ring in service changes: summed again when published
                s.mw[:, :, now] += grant
                s.eflops[:, :, now] += grant * eff
                s.usd[:, :, now] += grant * price_mw
            else:
                s.pipe_mw[:, :, at] += grant
                s.pipe_usd[:, :, at] += grant * price_mw
            self._order(total_wanted, rows, leased, eff_m)
            return
        slot = (self.t + self._lease_lead_months) % RING_MONTHS
        at_once = slot == now  # a lead of one month: in service in the month decided
        if at_once.any():
            leased = None  # the ring in service changes: summed again when published
            r = rows[at_once]
            s.mw[r, :, now] += grant[at_once]
            s.eflops[r, :, now] += (grant * eff)[at_once]
            s.usd[r, :, now] += (grant * price_mw)[at_once]
        if not at_once.all():
            later = ~at_once
            r = rows[later]
            s.pipe_mw[r, :, slot[later]] += grant[later]
            s.pipe_usd[r, :, slot[later]] += (grant * price_mw)[later]
        self._order(total_wanted, rows, leased, eff_m)

    def _order(self, total_wanted: np.ndarray, rows: np.ndarray, leased: np.ndarray | None, eff_m: np.ndarray) -> None:
        """Order capacity (settle's last step) and publish next month's book."""
        p, s = self.p, self.s
        # lessors build toward the stock wanted when what they order now arrives (at its growth
        # over the last year), at their target utilisation
        build = self._build_lead_months
        then = s.wanted_seen_mw[:, self.t % 12]
        growth = clip(ratio_or(total_wanted, then, self._ones), 1.0, self._growth_max)
        s.wanted_seen_mw[:, self.t % 12] = total_wanted
        planned = s.capacity_mw + _sum(s.capacity_pipe_mw, axis=1)
        gap = total_wanted * (_power(growth, self._build_lead_yr) if self._build_lead_yr_one is None else growth ** self._build_lead_yr_one) / p.target_utilisation_frac - planned
        room = clip(1.0 - planned / p.capacity_mw_max, 0.0, 1.0)
        most = planned * self._growth_month_max * room
        order = np.minimum(np.maximum(gap, 0.0) / p.build_adjust_months, most)
        if self._build_lead_month is not None:  # one lead for every member: a column
            s.capacity_pipe_mw[:, (self.t + self._build_lead_month) % RING_MONTHS] += order
        else:
            s.capacity_pipe_mw[rows, (self.t + build) % RING_MONTHS] += order
        self._publish(eff_m, leased)
