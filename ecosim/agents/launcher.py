"""Launch vehicles: a family's boosters, turnaround, pads, learning curve and failures.

:class:`VehicleLine` is one vehicle family (Falcon 9, New Glenn, Vulcan/Ariane 6). Its
monthly flight capacity is the smaller of

* boosters x days per month / turnaround (reusable) or boosters in stock (expendable), and
* pads x days per month / pad turnaround,

where both turnarounds fall with cumulative flights (a learning curve, floored). The cost
of a flight follows Wright's law in cumulative flights [1]. Flights fail with a probability;
a failed flight loses its payload and its booster.

:class:`LaunchProvider` is an agent that sells one line's capacity as launch mass [t]. It flies
in the model's ``fulfil`` phase, after clearing, and reports the share of this month's
deliveries lost in failed flights to the exchange (buyers read what arrived). Boosters are
built from ``build_lead_months`` before the first flight.

[1] Wright (1936), see :mod:`ecosim.physics.launch`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import DAYS_PER_MONTH, EcosimAgent, State, wright


class VehicleLine:
    """Stocks and flight arithmetic of one vehicle family (all arrays over members)."""

    def __init__(self, agent: EcosimAgent, p: Any, state: State, prefix: str) -> None:
        self.agent, self.p, self.s, self.prefix = agent, p, state, prefix
        K = agent.K
        setattr(state, f"{prefix}_boosters", np.full(K, p.boosters_initial, dtype=float))
        setattr(state, f"{prefix}_pads", np.full(K, p.pads_initial, dtype=float))
        setattr(state, f"{prefix}_cum_flights", np.full(K, p.cumulative_flights_initial, dtype=float))
        setattr(state, f"{prefix}_carry", np.zeros(K))
        setattr(state, f"{prefix}_partial", np.zeros(K))
        self.capacity = np.zeros(K)
        self.flights = np.zeros(K)
        self.failures = np.zeros(K)

    def _get(self, key: str) -> np.ndarray:
        return getattr(self.s, f"{self.prefix}_{key}")

    def _set(self, key: str, value: np.ndarray) -> None:
        setattr(self.s, f"{self.prefix}_{key}", value)

    @property
    def cumulative_flights(self) -> np.ndarray:
        return self._get("cum_flights")

    def cost_per_flight_usd(self) -> np.ndarray:
        p = self.p
        return wright(p.cost_per_flight_usd_initial, self._get("cum_flights"), p.cumulative_flights_initial, p.cost_progress_ratio, p.cost_per_flight_usd_floor)

    def turnaround_days(self) -> np.ndarray:
        p = self.p
        return wright(p.turnaround_days_initial, self._get("cum_flights"), p.cumulative_flights_initial, p.turnaround_progress_ratio, p.turnaround_days_floor)

    def pad_turnaround_days(self) -> np.ndarray:
        p = self.p
        return wright(p.pad_turnaround_days_initial, self._get("cum_flights"), p.cumulative_flights_initial, p.turnaround_progress_ratio, p.pad_turnaround_days_floor)

    def plan(self, active: np.ndarray) -> np.ndarray:
        """Whole flights this line can fly this month [flights] (sets ``self.capacity``)."""
        p = self.p
        boosters = self._get("boosters")
        reusable = np.asarray(p.booster_life_flights) > 1.0
        by_boosters = np.where(reusable, boosters * DAYS_PER_MONTH / self.turnaround_days(), np.floor(boosters))
        by_pads = self._get("pads") * DAYS_PER_MONTH / self.pad_turnaround_days()
        cap = np.minimum(by_boosters, by_pads) * active
        whole = np.floor(cap + self._get("carry"))
        self._set("carry", np.clip(cap + self._get("carry") - whole, 0.0, 1.0) * active)
        self.capacity = whole
        return whole

    def flights_for(self, mass_t: np.ndarray, payload_t: Any) -> np.ndarray:
        """Whole flights for this month's mass [t]: partial loads wait to share a later rocket."""
        loads = mass_t / np.asarray(payload_t, dtype=float) + self._get("partial")
        flights = np.minimum(np.floor(loads + 1e-9), self.capacity)
        self._set("partial", np.clip(loads - flights, 0.0, 1.0))
        return flights

    def fly(self, flights: np.ndarray, failure_prob: Any) -> np.ndarray:
        """Fly ``flights`` (whole numbers); returns failures drawn from the model's generator."""
        n = np.maximum(np.rint(flights), 0).astype(np.int64)
        fails = self.agent.world.binomial(n, np.broadcast_to(np.asarray(failure_prob, dtype=float), n.shape)).astype(float)
        p = self.p
        boosters = self._get("boosters")
        retired = np.where(np.asarray(p.booster_life_flights) > 1.0, n / np.asarray(p.booster_life_flights), n)
        lost = np.where(np.asarray(p.booster_life_flights) > 1.0, fails, 0.0)
        self._set("boosters", np.maximum(boosters - retired - lost, 0.0))
        self._set("cum_flights", self._get("cum_flights") + n)
        self.flights = n.astype(float)
        self.failures = fails
        return fails

    def build(self, started: np.ndarray) -> np.ndarray:
        """Add this month's new boosters and pads; returns boosters built."""
        p = self.p
        built = np.full(self.agent.K, p.booster_build_per_month) * started
        self._set("boosters", self._get("boosters") + built)
        self._set("pads", np.minimum(self._get("pads") + np.asarray(p.pads_added_per_yr) / 12.0 * started, p.pads_max))
        return built


class LaunchProvider(EcosimAgent):
    """An outside launch provider selling one vehicle line's capacity as launch mass [t]."""

    kind = "launch_provider"
    label = "Launch provider"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        self.line = VehicleLine(self, p, self.s, "line")

    def offer(self) -> None:
        p = self.p
        active = self.after(p.first_flight_month)
        flights = self.line.plan(active)
        price_per_t = p.price_per_flight_usd / p.payload_t
        self.ex.offer(self.name, "launch_mass", flights * p.payload_t, price_per_t)

    def fulfil(self) -> None:
        p = self.p
        mass = self.ex.sold(self.name, "launch_mass")
        flights = self.line.flights_for(mass, p.payload_t)
        fails = self.line.fly(flights, p.failure_prob)
        self.ex.lose(self.name, "launch_mass", np.divide(fails, flights, out=np.zeros(self.K), where=flights > 0))
        built = self.line.build(self.after(p.first_flight_month - p.build_lead_months))
        self.pay_costs(flights * self.line.cost_per_flight_usd(), "opex")
        self.pay_costs(built * p.booster_cost_usd, "capex")

    @property
    def launches(self) -> np.ndarray:
        return self.line.flights
