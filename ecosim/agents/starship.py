"""SpaceX's launch business: Falcon 9 and Starship, their fleets, and the price of a launch.

**Falcon 9** is a :class:`~ecosim.agents.launcher.VehicleLine` (boosters, upper stages, pads,
learning curve), its boosters and upper-stage production built to the flights buyers ask for.

**Starship** flies first a test campaign, one flight every ``test_interval`` months
(shrinking by ``test_interval_progress_ratio`` per flight, with a ``mishap_delay_months``
stand-down after a failure; every test stack is expended and replaced, ``test_stacks_ready_count``
kept in stock), and from ``operational_month`` (once ``min_flights_for_operations`` have flown)
carries payload: its cadence is limited by stacks x days / turnaround and by pads x days / pad
turnaround, both falling with cumulative flights. Payload steps up by version (V2 35 t, V3
100 t, V4 150 t), each gated by a date and by cumulative flights; cost per flight follows
Wright's law down to a floor. Stacks and pads are built to need: SpaceX's own buyers that need
Starship publish the payload they would fly (``starship_need_t``); stacks and pads are bought
until the forecast of those flights (an exponential average) uses ``target_utilisation_frac`` of
them, within the factory's build rate and the capital the company can spend (its cash when the
month opened over ``cash_deploy_months``). Idle stacks are not bought; retired and lost ones are
replaced only if needed. Its overhead is a share of its outside revenue (``overhead_pct_of_revenue``).
The factory (and launch sites) is built to the programme's plan before
operations and afterwards only when the stacks needed outrun it, at
``factory_capex_usd_per_stack_month`` per stack a month of capacity. Development (R&D) is
expensed until the last version flies.

**Prices.** SpaceX's own buyers (Starlink, its orbital data centers) pay its cost: the recent
cost per tonne of the flights that carried their payloads, with any cost not yet charged
recovered over a year (:meth:`SpaceXLaunch.transfer_usd_per_kg`; ``launch_price_usd_per_kg`` as
its own company reads it), so that launches sold inside the company earn no margin and lose none. Outside buyers pay the price of a dedicated launch, which SpaceX sets as a
firm with market power (limit pricing against a competitive fringe):

    target = min(price_to_competitor_ratio x cheapest competitor's list price,
                 MC x e / (e - 1) if e > 1)          [USD/launch]

where MC is the marginal cost of an outside mission (a Falcon flight and the mission's own
cost) and ``e`` the outside demand's price elasticity (the Lerner rule; an inelastic demand
leaves only the competitors' price to bound it), never below MC. The price moves toward the
target by at most ``price_change_max_pct_per_month`` a month (no cliffs). Outside buyers pay it
per kg of a Falcon flight (``launch_price_usd_per_kg``).

It publishes its prices, its free Falcon slots for outside buyers, the payload of a dedicated
launch and, to each own buyer that needs Starship, its share of next month's Starship payload
(``starship_capacity_t``: shares in proportion to their published needs). It flies in the
``fulfil`` phase and reports payloads lost in failures to the exchange.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import DAYS_PER_MONTH, ByValue, EcosimAgent, clip
from ecosim.agents.launcher import VehicleLine, whole_flights
from ecosim.physics.launch import wright_cost, wright_costs


def limit_price_usd(competitor_usd: np.ndarray, ratio: Any, marginal_cost_usd: np.ndarray, elasticity: Any) -> np.ndarray:
    """Price of a dominant firm facing a fringe [USD]: the lower of ``ratio`` x the cheapest
    competitor's price and the Lerner price MC e/(e-1) (none when demand is inelastic, e <= 1),
    never below marginal cost.

    >>> limit_price_usd(np.array([110e6]), 0.86, np.array([30e6]), 0.7).tolist()      # fringe binds
    [94600000.0]
    >>> limit_price_usd(np.array([110e6]), 0.86, np.array([30e6]), 1.5).tolist()      # Lerner: 3 x MC
    [90000000.0]
    """
    e = np.asarray(elasticity, dtype=float)
    if type(elasticity) is float and 0.0 < elasticity < 1e300:  # one finite positive elasticity: nothing to divide by zero or make invalid
        lerner = np.where(e > 1.0, marginal_cost_usd * e / np.maximum(e - 1.0, 1e-12), np.inf)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            lerner = np.where(e > 1.0, marginal_cost_usd * e / np.maximum(e - 1.0, 1e-12), np.inf)
    return np.maximum(np.minimum(np.asarray(ratio, dtype=float) * competitor_usd, lerner), marginal_cost_usd)


class SpaceXLaunch(EcosimAgent):
    kind = "launch_fleet"
    label = "SpaceX launch"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        self.falcon = VehicleLine(self, p.falcon, self.s, "falcon")
        sp = p.starship
        K = self.K
        self.s.ship_stacks = np.full(K, sp.vehicles_initial, dtype=float)
        self.s.ship_build_rate = np.full(K, sp.build_per_month_initial, dtype=float)
        self.s.ship_cum_flights = np.full(K, sp.cumulative_flights_initial, dtype=float)
        self._operational_now: tuple[int, np.ndarray, np.ndarray] | None = None  # (month, flights so far, ship_operational())
        self._ship_payload: tuple[int, np.ndarray, np.ndarray] | None = None  # (month, flights so far, _payload())
        self._ship_cost = ByValue()  # ship_cost_per_flight_usd() of the flights so far
        self.s.ship_pads = np.full(K, sp.pads_initial, dtype=float)
        self.s.ship_test_interval = np.full(K, sp.test_interval_months_initial, dtype=float)
        self.s.ship_months_since_test = np.full(K, 1e3)
        self.s.ship_carry = np.zeros(K)
        self.s.ship_demand_flights = np.zeros(K)
        self.s.price_usd_per_launch = np.full(K, p.falcon.price_per_flight_usd, dtype=float)
        self.s.own_falcon_flights = np.zeros(K)
        self.s.own_cost_avg_usd = np.zeros(K)  # cost of the flights carrying own payloads, averaged [USD/month]
        self.s.own_mass_avg_t = np.zeros(K)  # own payloads flown, averaged [t/month]
        self.s.transfer_unrecovered_usd = np.zeros(K)  # own flights' cost not yet charged to the own buyers
        self.competitors = self.ex.senders(self.name, "launch_price_usd_per_launch")
        self.heavy_buyers = self.ex.senders(self.name, "starship_need_t")
        self.ship_capacity = np.zeros(K)
        self.starship_mass_capacity_t = np.zeros(K)
        self.ship_ops_flights = np.zeros(K)
        self.ship_test_flights = np.zeros(K)
        self.ship_failures = np.zeros(K)
        self.stacks_built = np.zeros(K)
        self.customer_launches = np.zeros(K)
        self.falcon_mass_t = np.zeros(K)  # mass each vehicle carried this month [t]
        self.ship_mass_t = np.zeros(K)
        self.own_flight_cost_usd = np.zeros(K)
        self.cost_per_kg = np.zeros(K)
        self.price_per_kg = np.zeros(K)
        # functions of its parameters, fixed in a run: worked out once, not every month
        self._last_version_month = max(int(v.available_month) for v in sp.versions)  # development ends when it flies
        self._ship_smoothing = np.asarray(sp.demand_smoothing_frac, dtype=float)
        self._ship_kept = 1.0 - self._ship_smoothing
        self._ship_utilisation = np.asarray(sp.target_utilisation_frac, dtype=float)
        self._ship_pads_a_month = np.asarray(sp.pads_added_per_yr) / 12.0
        self._ship_fail_ops = np.broadcast_to(np.asarray(sp.failure_prob_operational, float), (K,))
        self._ship_fail_test = np.broadcast_to(np.asarray(sp.failure_prob_test, float), (K,))
        self._own_buyers: tuple[int, list[str]] | None = None  # (mergers so far, own buyers of launch mass)
        self._turnarounds_now = ByValue()  # _turnarounds() of the flights so far
        self._ship_cum0 = np.maximum(sp.cumulative_flights_initial, 1.0)  # its learning curves' start
        self._payload_signal = self.full(p.falcon.payload_t)  # a dedicated launch's payload, published every month (publish copies it)
        self._refresh_costs()
        self._publish(self.zeros(), {b: self.zeros() for b in self.heavy_buyers})

    # ------------------------------------------------------------ Starship quantities

    def ship_payload_t(self) -> np.ndarray:
        """Payload of the best Starship version flying this month [t]."""
        return self._payload().copy()

    def _payload(self) -> np.ndarray:
        """:meth:`ship_payload_t` (a function of the month and the flights flown so far: worked
        out again when the month or its array of flights changes); callers never write into it."""
        cum = self.s.ship_cum_flights
        got = self._ship_payload
        if got is None or got[0] != self.t or got[1] is not cum:
            got = self._ship_payload = (self.t, cum, self._ship_payload_now())
        return got[2]

    def _ship_payload_now(self) -> np.ndarray:
        sp = self.p.starship
        payload = np.full(self.K, sp.versions[0].payload_t, dtype=float)
        for v in sp.versions:
            if type(v.available_month) is int and self.t < v.available_month:  # flying for no member yet: as np.where of no member
                continue
            ok = (self.t >= np.asarray(v.available_month)) & (self.s.ship_cum_flights >= np.asarray(v.min_cumulative_flights))
            payload = np.where(ok, np.maximum(payload, v.payload_t), payload)
        return payload

    def ship_cost_per_flight_usd(self) -> np.ndarray:
        """Cost of a Starship flight [USD] (a function of the flights flown so far: worked out
        again when their values change, by value: a replay writes into state arrays between
        months); callers never write into it."""
        cum, sp = self.s.ship_cum_flights, self.p.starship
        return self._ship_cost.get(cum, lambda: wright_cost(sp.cost_per_flight_usd_initial, cum, self._ship_cum0, sp.cost_progress_ratio, sp.cost_per_flight_usd_floor))

    def ship_operational(self) -> np.ndarray:
        """1.0 where Starship flies operationally this month, else 0.0 (a function of the month and
        the flights flown so far: worked out again when the month or its array of flights
        changes); callers never write into it."""
        cum = self.s.ship_cum_flights
        got = self._operational_now
        if got is not None and got[0] == self.t and got[1] is cum:
            return got[2]
        sp = self.p.starship
        ops = ((self.t >= np.asarray(sp.operational_month)) & (cum >= np.asarray(sp.min_flights_for_operations))).astype(float)
        self._operational_now = (self.t, cum, ops)
        return ops

    def _turnarounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Days a stack and a pad take between flights (a function of the flights flown so far:
        worked out again when their values change, by value: a replay writes into state arrays
        between months; a month's fleet and the next month's offer read the same); callers never
        write into them."""
        sp, cum = self.p.starship, self.s.ship_cum_flights
        # both curves share their learning curve's power: worked out once
        turnaround, pad_turn = self._turnarounds_now.get(cum, lambda: wright_costs(cum, self._ship_cum0, sp.turnaround_progress_ratio,
                                                                   (sp.turnaround_days_initial, sp.turnaround_days_floor),
                                                                   (sp.pad_turnaround_days_initial, sp.pad_turnaround_days_floor)))
        return turnaround, pad_turn

    # ------------------------------------------------------------ prices

    def marginal_cost_usd_per_launch(self, falcon_cost_usd: np.ndarray | None = None) -> np.ndarray:
        """Cost of one more outside dedicated launch [USD]: a Falcon flight and the mission
        (``falcon_cost_usd``: the Falcon's cost per flight, if the caller has it)."""
        if falcon_cost_usd is None:
            falcon_cost_usd = self.falcon.cost_per_flight_usd()
        return falcon_cost_usd + self.p.falcon.customer_mission_cost_usd

    def competitor_price_usd(self) -> np.ndarray:
        """The cheapest competitor's list price of a dedicated launch [USD] (last month's)."""
        if not self.competitors:
            return self.full(np.inf)
        # np.minimum.reduce of their prices, in the same order, without stacking them first
        lowest = self.read(self.competitors[0], "launch_price_usd_per_launch")
        for c in self.competitors[1:]:
            lowest = np.minimum(lowest, self.read(c, "launch_price_usd_per_launch"))
        return lowest

    def _set_price(self, falcon_cost_usd: np.ndarray | None = None) -> None:
        p = self.p
        target = limit_price_usd(self.competitor_price_usd(), p.price_to_competitor_ratio, self.marginal_cost_usd_per_launch(falcon_cost_usd), self.shared.market.launch_price_elasticity)
        step = np.asarray(p.price_change_max_frac_per_month, dtype=float)
        price = self.s.price_usd_per_launch
        self.s.price_usd_per_launch = np.where(np.isfinite(target), clip(target, price * (1.0 - step), price * (1.0 + step)), price)

    def _refresh_costs(self, falcon_cost_usd: np.ndarray | None = None) -> None:
        fal = self.p.falcon
        if falcon_cost_usd is None:
            falcon_cost_usd = self.falcon.cost_per_flight_usd()
        falcon_cost_kg = falcon_cost_usd / (fal.payload_t * 1000.0)
        ship_cost_kg = self.ship_cost_per_flight_usd() / (self._payload() * 1000.0)
        ops = self.ship_operational() > 0
        self.cost_per_kg = np.where(ops, np.minimum(falcon_cost_kg, ship_cost_kg), falcon_cost_kg)
        self.price_per_kg = self.s.price_usd_per_launch / (fal.payload_t * 1000.0)

    def transfer_usd_per_kg(self) -> np.ndarray:
        """What SpaceX's own buyers pay a kg [USD/kg]: the recent cost of the flights that carried
        their payloads (averaged, weight ``demand_smoothing_frac``), plus a twelfth of any cost
        not yet recovered; before any own payload, the cheapest vehicle's cost per kg."""
        s = self.s
        per_t = np.divide(s.own_cost_avg_usd + s.transfer_unrecovered_usd / 12.0, s.own_mass_avg_t, out=self.cost_per_kg * 1000.0, where=s.own_mass_avg_t > 0)
        return np.maximum(per_t, 0.0) / 1000.0

    def _publish(self, slots: np.ndarray, ship_shares_t: dict[str, np.ndarray]) -> None:
        self.publish("launch_price_usd_per_kg", self.price_per_kg, internal=self.transfer_usd_per_kg())
        self.publish("launch_price_usd_per_launch", self.s.price_usd_per_launch)
        self.publish("launch_slots_per_month", slots)
        self.publish("launch_payload_t", self._payload_signal)
        for buyer, share in ship_shares_t.items():
            self.ex.publish_to(self.name, buyer, "starship_capacity_t", share)

    def ship_needs_t(self) -> dict[str, np.ndarray]:
        """Starship payload each own buyer would fly [t/month] (their last published need)."""
        return {b: np.maximum(self.read(b, "starship_need_t"), 0.0) for b in self.heavy_buyers}

    # ------------------------------------------------------------ phases

    def offer(self) -> None:
        p, s = self.p, self.s
        falcon_cost = self.falcon.cost_per_flight_usd()  # the fleet's flights so far: the same for the price and the costs
        self._set_price(falcon_cost)
        self._refresh_costs(falcon_cost)
        falcon_flights = self.falcon.plan(self.after(p.falcon.first_flight_month))
        ops = self.ship_operational()
        turnaround, pad_turn = self._turnarounds()
        cap = np.minimum(s.ship_stacks * DAYS_PER_MONTH / turnaround, s.ship_pads * DAYS_PER_MONTH / pad_turn) * ops
        whole = np.floor(cap + s.ship_carry)
        s.ship_carry = clip(cap + s.ship_carry - whole, 0.0, 1.0) * ops
        self.ship_capacity = whole
        self.starship_mass_capacity_t = whole * self._payload()
        mass = falcon_flights * p.falcon.payload_t + self.starship_mass_capacity_t
        self.ex.offer(self.name, "launch_mass", mass, self.price_per_kg * 1000.0, self.transfer_usd_per_kg() * 1000.0)
        # next month: each own heavy buyer's share of Starship, in proportion to its need
        needs = self.ship_needs_t()
        total = sum(needs.values(), self.zeros())
        n = max(len(needs), 1)
        shares = {b: np.where(total > 0, self.starship_mass_capacity_t * np.divide(v, total, out=np.zeros(self.K), where=total > 0), self.starship_mass_capacity_t / n) for b, v in needs.items()}
        self._publish(np.maximum(falcon_flights - s.own_falcon_flights, 0.0), shares)

    def _own_launch_buyers(self) -> list[str]:
        """The buyers of launch mass in its own company (worked out again after a merger)."""
        ex = self.ex
        got = self._own_buyers
        if got is None or got[0] != len(ex.company_log):
            company = self.company
            got = self._own_buyers = (len(ex.company_log), [b for b in ex.markets["launch_mass"].buyers if ex.company_of(b) == company])
        return got[1]

    def fulfil(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        sp, fal = p.starship, p.falcon
        sold = ex.sold(self.name, "launch_mass")
        own_buyers = self._own_launch_buyers()
        own = ex.sold_to(self.name, "launch_mass", own_buyers)
        outside = sold - own
        ship_cap_t = self.starship_mass_capacity_t
        falcon_cap_t = self.falcon.capacity * fal.payload_t
        # own payloads on Starship first (the cheapest, and the only vehicle for heavy satellites),
        # outside customers on Falcon (their payloads are built for it), overflow where room is left
        ship_own = np.minimum(ship_cap_t, own)
        falcon_own = own - ship_own
        falcon_out = np.minimum(outside, np.maximum(falcon_cap_t - falcon_own, 0.0))
        ship_out = outside - falcon_out
        ship_t = ship_own + ship_out
        falcon_t = falcon_own + falcon_out
        self.falcon_mass_t, self.ship_mass_t = falcon_t, ship_t

        falcon_flights = self.falcon.flights_for(falcon_t, fal.payload_t)
        falcon_fails = self.falcon.fly(falcon_flights, fal.failure_prob)
        payload = self._payload()
        ops_flights = np.minimum(whole_flights(ship_t, payload), self.ship_capacity)
        n_ops = ops_flights.astype(np.int64)
        ops_fails = self.world.binomial(n_ops, self._ship_fail_ops).astype(float)
        s.own_falcon_flights = whole_flights(falcon_own, fal.payload_t)
        self.customer_launches = falcon_out / fal.payload_t + ship_out / payload

        # test campaign (before operations): one expended stack per test flight
        not_ops = 1.0 - self.ship_operational()
        s.ship_months_since_test = s.ship_months_since_test + 1.0
        due = (s.ship_months_since_test >= s.ship_test_interval) & (s.ship_stacks >= 1.0)
        test = (due & (self.t >= np.asarray(sp.first_flight_month))).astype(float) * not_ops
        test_fail = self.world.binomial(test.astype(np.int64), self._ship_fail_test).astype(float)
        s.ship_months_since_test = np.where(test > 0, -sp.mishap_delay_months * test_fail, s.ship_months_since_test)
        s.ship_test_interval = np.where(test > 0, np.maximum(sp.test_interval_months_floor, s.ship_test_interval * sp.test_interval_progress_ratio), s.ship_test_interval)

        s.ship_stacks = np.maximum(s.ship_stacks - test - ops_fails - ops_flights / sp.vehicle_life_flights, 0.0)
        s.ship_cum_flights = s.ship_cum_flights + ops_flights + test
        self.ship_ops_flights, self.ship_test_flights = ops_flights, test
        self.ship_failures = ops_fails + test_fail

        lost_t = np.divide(falcon_fails, np.maximum(falcon_flights, 1)) * falcon_t + np.divide(ops_fails, np.maximum(ops_flights, 1)) * ship_t
        ex.lose(self.name, "launch_mass", np.divide(lost_t, sold, out=np.zeros(self.K), where=sold > 0))

        # money for this month's flights: outside missions carry their own cost too
        falcon_cost, ship_cost = self.falcon.cost_per_flight_usd(), self.ship_cost_per_flight_usd()
        flight_cost = falcon_flights * falcon_cost + (ops_flights + test) * ship_cost
        own_share_f = np.divide(falcon_own, falcon_t, out=np.zeros(self.K), where=falcon_t > 0)
        own_share_s = np.divide(ship_own, ship_t, out=np.zeros(self.K), where=ship_t > 0)
        self.own_flight_cost_usd = falcon_flights * falcon_cost * own_share_f + ops_flights * ship_cost * own_share_s
        charged = sum((ex.paid(self.name, b, "launch_mass") for b in own_buyers), self.zeros())  # own buyers' payments
        s.transfer_unrecovered_usd = s.transfer_unrecovered_usd + self.own_flight_cost_usd - charged
        w, kept = self._ship_smoothing, self._ship_kept
        s.own_cost_avg_usd = kept * s.own_cost_avg_usd + w * self.own_flight_cost_usd
        s.own_mass_avg_t = kept * s.own_mass_avg_t + w * own
        self.pay_costs(flight_cost + (falcon_out / fal.payload_t) * fal.customer_mission_cost_usd, "opex")
        developing = np.asarray(self.t < self._last_version_month, dtype=float) * self.after(sp.first_flight_month - sp.build_lead_months)
        outside_revenue = ex.earned(self.name, "launch_mass") - charged
        self.pay_costs(sp.development_usd_per_yr / 12.0 * developing + p.overhead_frac_of_revenue * outside_revenue, "opex")
        self._build(falcon_t, ship_t)

    def _build(self, falcon_t: np.ndarray, ship_t: np.ndarray) -> None:
        """Fleets to need, within build rates and the capital the company can spend."""
        p, s, ex = self.p, self.s, self.ex
        sp, fal = p.starship, p.falcon
        # Falcon: the flights asked of it (order book, less what Starship carried)
        asked = ex.asked_of(self.name, "launch_mass")
        falcon_wanted = np.maximum(asked - ship_t, 0.0) / fal.payload_t
        boosters, stages = self.falcon.plan_fleet(falcon_wanted, self.after(fal.first_flight_month - fal.build_lead_months))
        # Starship: the own buyers' needs and outside mass it carried, in flights
        payload = self._payload()
        needs = sum(self.ship_needs_t().values(), self.zeros())
        ops = self.ship_operational()  # the flights so far: the same for the wanted flights and the stacks
        wanted = (needs + np.maximum(ship_t - np.minimum(needs, ship_t), 0.0)) / payload * ops
        w = self._ship_smoothing
        s.ship_demand_flights = self._ship_kept * s.ship_demand_flights + w * wanted
        target = s.ship_demand_flights / self._ship_utilisation
        turnaround, pad_turn = self._turnarounds()
        building = self.after(sp.first_flight_month - sp.build_lead_months)
        stacks_needed = np.where(ops > 0, target * turnaround / DAYS_PER_MONTH, 0.0) + sp.test_stacks_ready_count * (1.0 - ops)
        stacks = clip(stacks_needed - s.ship_stacks, 0.0, s.ship_build_rate) * building
        pads_needed = target * pad_turn / DAYS_PER_MONTH
        room = np.maximum(np.asarray(sp.pads_max) - s.ship_pads, 0.0)
        pads = clip(pads_needed - s.ship_pads, 0.0, np.minimum(self._ship_pads_a_month, room)) * self.after(sp.first_flight_month)
        # the factory: built ahead of operations to the programme's plan, then only when the
        # stacks needed outrun what it can build
        grown = self.grow(s.ship_build_rate, sp.build_growth_frac_per_yr, sp.build_per_month_max)
        short = np.maximum(stacks_needed - s.ship_stacks - s.ship_build_rate, 0.0)
        factory = np.where(ops > 0, np.minimum(grown - s.ship_build_rate, short), grown - s.ship_build_rate) * building
        # capital: everything built this month within the company's cash over the deploy months
        cost = stacks * sp.vehicle_cost_usd + pads * sp.pad_cost_usd + boosters * fal.booster_cost_usd + factory * sp.factory_capex_usd_per_stack_month
        capital = self.capital_usd()
        scale = np.minimum(1.0, np.divide(capital, cost, out=np.ones(self.K), where=cost > 0))
        stacks, pads, boosters, factory = stacks * scale, pads * scale, boosters * scale, factory * scale
        self.falcon.add(boosters, stages)
        s.ship_stacks = s.ship_stacks + stacks
        s.ship_pads = s.ship_pads + pads
        s.ship_build_rate = s.ship_build_rate + factory
        self.stacks_built = stacks
        self.pay_costs(cost * scale, "capex")

    # ------------------------------------------------------------ what the metrics read

    @property
    def falcon_launches(self) -> np.ndarray:
        return self.falcon.flights

    @property
    def starship_launches(self) -> np.ndarray:
        return self.ship_ops_flights + self.ship_test_flights

    def stacks_busy(self) -> np.ndarray:
        """Stacks this month's operational flights keep busy [stacks]: flights x turnaround / days."""
        turnaround, _ = self._turnarounds()
        return self.ship_ops_flights * turnaround / DAYS_PER_MONTH
