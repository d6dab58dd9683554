"""SpaceX's launch fleet: Falcon 9 and Starship.

Falcon 9 is a :class:`~ecosim.agents.launcher.VehicleLine` (boosters, turnaround, pads,
learning curve). Starship flies first a test campaign, one flight every
``test_interval`` months (shrinking by ``test_interval_progress_ratio`` per flight, with a
``mishap_delay_months`` stand-down after a failure; every test stack is expended), and from
``operational_month`` (once ``min_flights_for_operations`` have flown) carries payload:
its cadence is then limited by stacks x days / turnaround and by pads x days / pad
turnaround, both falling with cumulative flights. Payload steps up by version (V2 35 t, V3
100 t, V4 150 t), each gated by a date and by cumulative flights. Cost per flight follows
Wright's law in cumulative flights down to a floor.

SpaceX's own payloads (its buyers in the same company: Starlink, orbital data centers) clear
first (tier 0) and fly on the cheapest vehicle; satellites too large for Falcon wait for
Starship's capacity, which it publishes (``starship_capacity_t``). It publishes its launch
price too (``launch_price_usd_per_kg``: the list price per kg to outsiders, its cost to its own
company's buyers). Outside customers pay list prices. It flies in the ``fulfil`` phase and
reports payloads lost in failures to the exchange. Starship stacks are built from
``build_lead_months`` before the first flight.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import DAYS_PER_MONTH, EcosimAgent, wright
from ecosim.agents.launcher import VehicleLine


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
        self.s.ship_pads = np.full(K, sp.pads_initial, dtype=float)
        self.s.ship_test_interval = np.full(K, sp.test_interval_months_initial, dtype=float)
        self.s.ship_months_since_test = np.full(K, 1e3)
        self.s.ship_carry = np.zeros(K)
        self.s.ship_partial = np.zeros(K)
        self.ship_capacity = np.zeros(K)
        self.starship_mass_capacity_t = np.zeros(K)
        self.ship_ops_flights = np.zeros(K)
        self.ship_test_flights = np.zeros(K)
        self.ship_failures = np.zeros(K)
        self.cost_per_kg = np.zeros(K)
        self.price_per_kg = np.zeros(K)
        self._refresh_costs()
        self._publish()

    def _publish(self) -> None:
        self.publish("launch_price_usd_per_kg", self.price_per_kg, internal=self.cost_per_kg)
        self.publish("starship_capacity_t", self.starship_mass_capacity_t)

    # ------------------------------------------------------------ Starship quantities

    def ship_payload_t(self) -> np.ndarray:
        """Payload of the best Starship version flying this month [t]."""
        sp = self.p.starship
        payload = np.full(self.K, sp.versions[0].payload_t, dtype=float)
        for v in sp.versions:
            ok = (self.t >= np.asarray(v.available_month)) & (self.s.ship_cum_flights >= np.asarray(v.min_cumulative_flights))
            payload = np.where(ok, np.maximum(payload, v.payload_t), payload)
        return payload

    def ship_cost_per_flight_usd(self) -> np.ndarray:
        sp = self.p.starship
        return wright(sp.cost_per_flight_usd_initial, self.s.ship_cum_flights, np.maximum(sp.cumulative_flights_initial, 1.0), sp.cost_progress_ratio, sp.cost_per_flight_usd_floor)

    def ship_operational(self) -> np.ndarray:
        sp = self.p.starship
        return ((self.t >= np.asarray(sp.operational_month)) & (self.s.ship_cum_flights >= np.asarray(sp.min_flights_for_operations))).astype(float)

    def _refresh_costs(self) -> None:
        fal = self.p.falcon
        falcon_cost_kg = self.falcon.cost_per_flight_usd() / (fal.payload_t * 1000.0)
        falcon_price_kg = fal.price_per_flight_usd / (fal.payload_t * 1000.0)
        ship_cost_kg = self.ship_cost_per_flight_usd() / (self.ship_payload_t() * 1000.0)
        ops = self.ship_operational() > 0
        self.cost_per_kg = np.where(ops, np.minimum(falcon_cost_kg, ship_cost_kg), falcon_cost_kg)
        ship_price_kg = ship_cost_kg * (1.0 + self.p.starship.price_markup_frac)
        self.price_per_kg = np.where(ops, np.minimum(falcon_price_kg, ship_price_kg), falcon_price_kg)

    # ------------------------------------------------------------ phases

    def offer(self) -> None:
        p, s = self.p, self.s
        self._refresh_costs()
        falcon_flights = self.falcon.plan(self.after(p.falcon.first_flight_month))
        sp = p.starship
        ops = self.ship_operational()
        cum0 = np.maximum(sp.cumulative_flights_initial, 1.0)
        turnaround = wright(sp.turnaround_days_initial, s.ship_cum_flights, cum0, sp.turnaround_progress_ratio, sp.turnaround_days_floor)
        pad_turn = wright(sp.pad_turnaround_days_initial, s.ship_cum_flights, cum0, sp.turnaround_progress_ratio, sp.pad_turnaround_days_floor)
        cap = np.minimum(s.ship_stacks * DAYS_PER_MONTH / turnaround, s.ship_pads * DAYS_PER_MONTH / pad_turn) * ops
        whole = np.floor(cap + s.ship_carry)
        s.ship_carry = np.clip(cap + s.ship_carry - whole, 0.0, 1.0) * ops
        self.ship_capacity = whole
        self.starship_mass_capacity_t = whole * self.ship_payload_t()
        mass = falcon_flights * p.falcon.payload_t + self.starship_mass_capacity_t
        self.ex.offer(self.name, "launch_mass", mass, self.price_per_kg * 1000.0, self.cost_per_kg * 1000.0)
        self._publish()

    def fulfil(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        sp, fal = p.starship, p.falcon
        sold = ex.sold(self.name, "launch_mass")
        own_buyers = [b for b in ex.markets["launch_mass"].buyers if ex.company_of(b) == self.company]
        own = ex.sold_to(self.name, "launch_mass", own_buyers)
        ship_cap_t = self.starship_mass_capacity_t
        falcon_cap_t = self.falcon.capacity * fal.payload_t
        ship_t = np.minimum(ship_cap_t, own)
        falcon_t = sold - ship_t
        overflow = np.maximum(falcon_t - falcon_cap_t, 0.0)
        moved = np.minimum(overflow, ship_cap_t - ship_t)
        ship_t, falcon_t = ship_t + moved, falcon_t - moved

        falcon_flights = self.falcon.flights_for(falcon_t, fal.payload_t)
        falcon_fails = self.falcon.fly(falcon_flights, fal.failure_prob)
        payload = self.ship_payload_t()
        loads = ship_t / payload + s.ship_partial
        ops_flights = np.minimum(np.floor(loads + 1e-9), self.ship_capacity)
        s.ship_partial = np.clip(loads - ops_flights, 0.0, 1.0)
        n_ops = ops_flights.astype(np.int64)
        ops_fails = self.world.binomial(n_ops, np.broadcast_to(np.asarray(sp.failure_prob_operational, float), n_ops.shape)).astype(float)

        # test campaign (before operations): one expended stack per test flight
        not_ops = 1.0 - self.ship_operational()
        s.ship_months_since_test = s.ship_months_since_test + 1.0
        due = (s.ship_months_since_test >= s.ship_test_interval) & (s.ship_stacks >= 1.0)
        test = (due & (self.t >= np.asarray(sp.first_flight_month))).astype(float) * not_ops
        test_fail = self.world.binomial(test.astype(np.int64), np.broadcast_to(np.asarray(sp.failure_prob_test, float), test.shape)).astype(float)
        s.ship_months_since_test = np.where(test > 0, -sp.mishap_delay_months * test_fail, s.ship_months_since_test)
        s.ship_test_interval = np.where(test > 0, np.maximum(sp.test_interval_months_floor, s.ship_test_interval * sp.test_interval_progress_ratio), s.ship_test_interval)

        s.ship_stacks = np.maximum(s.ship_stacks - test - ops_fails - ops_flights / sp.vehicle_life_flights, 0.0)
        s.ship_cum_flights = s.ship_cum_flights + ops_flights + test
        self.ship_ops_flights, self.ship_test_flights = ops_flights, test
        self.ship_failures = ops_fails + test_fail

        lost_t = np.divide(falcon_fails, np.maximum(falcon_flights, 1)) * falcon_t + np.divide(ops_fails, np.maximum(ops_flights, 1)) * ship_t
        ex.lose(self.name, "launch_mass", np.divide(lost_t, sold, out=np.zeros(self.K), where=sold > 0))

        # production: Starship stacks (rate grows), Falcon boosters, pads
        building = self.after(sp.first_flight_month - sp.build_lead_months)
        stacks_built = s.ship_build_rate * building
        s.ship_stacks = s.ship_stacks + stacks_built
        s.ship_build_rate = np.where(building > 0, self.grow(s.ship_build_rate, sp.build_growth_frac_per_yr, sp.build_per_month_max), s.ship_build_rate)
        s.ship_pads = np.minimum(s.ship_pads + np.asarray(sp.pads_added_per_yr) / 12.0 * self.after(sp.first_flight_month), sp.pads_max)
        boosters_built = self.falcon.build(self.after(fal.first_flight_month - fal.build_lead_months))

        ship_cost = self.ship_cost_per_flight_usd()
        self.pay_costs(falcon_flights * self.falcon.cost_per_flight_usd() + (ops_flights + test) * ship_cost, "opex")
        self.pay_costs(stacks_built * sp.vehicle_cost_usd + boosters_built * fal.booster_cost_usd, "capex")

    # ------------------------------------------------------------ what the metrics read

    @property
    def falcon_launches(self) -> np.ndarray:
        return self.falcon.flights

    @property
    def starship_launches(self) -> np.ndarray:
        return self.ship_ops_flights + self.ship_test_flights
