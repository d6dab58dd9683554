"""Launch vehicles: a family's boosters, upper stages, pads, cadence, learning curve and failures.

:class:`VehicleLine` is one vehicle family (Falcon 9, New Glenn, Vulcan/Ariane 6). Its
monthly flight capacity is the smallest of

* boosters x days per month / turnaround (reusable) or vehicles in stock (expendable),
* pads x days per month / pad turnaround,
* the upper stages it can make a month (each flight expends one; Falcon 9 was second-stage
  limited in 2025), and
* its manifest's cadence (flights a year from a given month: sourced production plans),

where both turnarounds fall with cumulative flights (a learning curve, floored). The cost
of a flight follows Wright's law in cumulative flights [1]. Flights fail with a probability;
a failed flight loses its payload and its booster.

**Whole flights.** Every tonne sold flies: a line flies ``ceil(mass sold / payload)`` flights
(a part load flies as a part-full flight), which its offer (whole flights x payload) always
allows. Buyers of dedicated launches buy whole flights; satellites ride only on flights that
fly, so no mass or satellite moves without the flight that carries it.

**Built to need.** Boosters and upper-stage production follow a forecast of the flights
buyers ask for (an exponential average of this month's order book, weight
``demand_smoothing_frac``): boosters are bought until forecast flights use
``target_utilisation_frac`` of them, up to ``booster_build_per_month``; upper-stage production
grows toward forecast / target at most ``upper_stage_growth_pct_per_yr`` (it is never scrapped:
an idle line costs nothing). Idle boosters are not replaced.

:class:`LaunchProvider` is an agent that sells one line's flights to outside buyers. Its price
of a dedicated flight follows its cost (the ratio of ``price_per_flight_usd`` to the first
flight cost is kept), and it publishes it (per launch and per kg), its free slots and the
payload of a flight, which buyers choose by. It flies in the model's ``fulfil`` phase, after
clearing, and reports the share of this month's deliveries lost in failed flights to the
exchange (buyers read what arrived).

[1] Wright (1936), see :mod:`ecosim.physics.launch`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import DAYS_PER_MONTH, ByValue, EcosimAgent, State, clip
from ecosim.physics.launch import wright_cost, wright_costs

#: tolerance when counting whole flights for a mass (a load within this of a whole flight is one)
FLIGHT_TOL = 1e-9


def whole_flights(mass_t: np.ndarray, payload_t: Any) -> np.ndarray:
    """Flights that carry ``mass_t`` [t] at ``payload_t`` [t/flight]: every part load flies.

    >>> whole_flights(np.array([0.0, 21.0, 21.5, 40.0]), 21.0).tolist()
    [0.0, 1.0, 2.0, 2.0]
    """
    return np.ceil(np.maximum(np.asarray(mass_t, dtype=float) / np.asarray(payload_t, dtype=float) - FLIGHT_TOL, 0.0))


def cadence_per_month(cadence: list[Any], month: int, K: int) -> np.ndarray:
    """Most flights a month the latest cadence entry at or before ``month`` allows [flights/month]
    (infinite without one).

    >>> from types import SimpleNamespace as NS
    >>> cadence_per_month([NS(month=10, flights_per_yr=12.0), NS(month=20, flights_per_yr=24.0)], 21, 1).tolist()
    [2.0]
    """
    if all(type(c.month) is int and type(c.flights_per_yr) is float for c in cadence):  # one manifest for every member
        rate = np.inf
        for c in cadence:
            if month >= c.month:
                rate = c.flights_per_yr / 12.0  # the float64 division NumPy does
        return np.full(K, rate)
    out = np.full(K, np.inf)
    for c in cadence:
        out = np.where(month >= np.asarray(c.month), np.asarray(c.flights_per_yr, dtype=float) / 12.0, out)
    return out


class VehicleLine:
    """Stocks and flight arithmetic of one vehicle family (all arrays over members)."""

    def __init__(self, agent: EcosimAgent, p: Any, state: State, prefix: str) -> None:
        self.agent, self.p, self.s, self.prefix = agent, p, state, prefix
        K = agent.K
        setattr(state, f"{prefix}_boosters", np.full(K, p.boosters_initial, dtype=float))
        setattr(state, f"{prefix}_pads", np.full(K, p.pads_initial, dtype=float))
        setattr(state, f"{prefix}_cum_flights", np.full(K, p.cumulative_flights_initial, dtype=float))
        setattr(state, f"{prefix}_carry", np.zeros(K))
        setattr(state, f"{prefix}_demand_flights", np.zeros(K))
        stages = np.inf if p.upper_stages_per_month_initial is None else p.upper_stages_per_month_initial
        setattr(state, f"{prefix}_stage_rate", np.full(K, stages, dtype=float))
        self.capacity = np.zeros(K)
        self.flights = np.zeros(K)
        self.failures = np.zeros(K)
        #: per member, whether boosters fly more than once (its parameters stay fixed in a run)
        self._life = np.asarray(p.booster_life_flights)  # [flights] (fixed in a run)
        self._reusable = np.broadcast_to(self._life > 1.0, (K,))
        self._every = bool(self._reusable.all())  # every member's boosters are reusable
        self._none = not self._reusable.any()  # every member's vehicles fly once
        #: the state attribute of each of its stocks ("boosters": "falcon_boosters", ...)
        self._names = {key: f"{prefix}_{key}" for key in ("boosters", "pads", "cum_flights", "carry", "demand_flights", "stage_rate")}
        self._v = vars(state)  # the state's attributes: each stock read and set as self._v[self._names[key]]
        # functions of its parameters, fixed in a run: worked out once, not every month
        #: (month, flights a month) of its manifest when every member shares it (in order), else None
        self._cadence = [(c.month, c.flights_per_yr / 12.0) for c in p.cadence] if all(type(c.month) is int and type(c.flights_per_yr) is float for c in p.cadence) else None
        self._smoothing = np.asarray(p.demand_smoothing_frac, dtype=float)
        self._kept = 1.0 - self._smoothing
        self._utilisation = np.asarray(p.target_utilisation_frac, dtype=float)
        self._build_max = np.asarray(p.booster_build_per_month, dtype=float)
        self._pads_a_month = np.asarray(p.pads_added_per_yr) / 12.0
        if p.upper_stages_per_month_initial is not None:
            self._stage_ceiling = np.inf if p.upper_stages_per_month_max is None else p.upper_stages_per_month_max
            self._stage_growth = (1.0 + np.asarray(p.upper_stage_growth_frac_per_yr)) ** (1.0 / 12.0) - 1.0
        self._failure: tuple[Any, np.ndarray] | None = None  # (failure probability given, its per-member array)
        # functions of the flights flown so far, worked out again when their values change (by
        # value: a replay writes into state arrays between months); a month's flights and the
        # next month's offer read the same
        self._cost_now = ByValue()  # cost_per_flight_usd() of the flights so far
        self._turnarounds_now = ByValue()  # _turnarounds() of the flights so far


    @property
    def cumulative_flights(self) -> np.ndarray:
        return self._v[self._names["cum_flights"]]

    @property
    def boosters(self) -> np.ndarray:
        return self._v[self._names["boosters"]]

    @property
    def upper_stage_rate(self) -> np.ndarray:
        """Upper stages the line can make a month [count/month] (infinite: no limit)."""
        return self._v[self._names["stage_rate"]]

    @property
    def demand_flights(self) -> np.ndarray:
        """Forecast of the flights buyers ask for [flights/month]."""
        return self._v[self._names["demand_flights"]]

    def cost_per_flight_usd(self) -> np.ndarray:
        """Cost of a flight [USD] (callers never write into it)."""
        cum, p = self._v[self._names["cum_flights"]], self.p
        return self._cost_now.get(cum, lambda: wright_cost(p.cost_per_flight_usd_initial, cum, p.cumulative_flights_initial, p.cost_progress_ratio, p.cost_per_flight_usd_floor))

    def turnaround_days(self) -> np.ndarray:
        p = self.p
        return wright_cost(p.turnaround_days_initial, self._v[self._names["cum_flights"]], p.cumulative_flights_initial, p.turnaround_progress_ratio, p.turnaround_days_floor)

    def pad_turnaround_days(self) -> np.ndarray:
        p = self.p
        return wright_cost(p.pad_turnaround_days_initial, self._v[self._names["cum_flights"]], p.cumulative_flights_initial, p.turnaround_progress_ratio, p.pad_turnaround_days_floor)

    def _turnarounds(self) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`turnaround_days` and :meth:`pad_turnaround_days`: both curves share their
        learning curve's power, worked out once (callers never write into them)."""
        cum, p = self._v[self._names["cum_flights"]], self.p
        turn, pad_turn = self._turnarounds_now.get(cum, lambda: wright_costs(cum, p.cumulative_flights_initial, p.turnaround_progress_ratio,
                                                                   (p.turnaround_days_initial, p.turnaround_days_floor),
                                                                   (p.pad_turnaround_days_initial, p.pad_turnaround_days_floor)))
        return turn, pad_turn

    @property
    def reusable(self) -> np.ndarray:
        """Per member, boosters fly more than once (booster life above one flight) (K,)."""
        return self._reusable

    def _by_reuse(self, reusable: Any, expendable: Any) -> Any:
        """``reusable`` for members whose boosters fly again, ``expendable`` for the others
        (either computed only when some member needs it: pass callables)."""
        if self._every:
            return reusable()
        if self._none:
            return expendable()
        return np.where(self._reusable, reusable(), expendable())

    def plan(self, active: np.ndarray) -> np.ndarray:
        """Whole flights this line can fly this month [flights] (sets ``self.capacity``)."""
        p = self.p
        boosters = self._v[self._names["boosters"]]
        if self._none:  # no member's boosters fly again: the pads' turnaround alone
            by_boosters = np.floor(boosters)
            pad_turn = self.pad_turnaround_days()
        else:  # both turnarounds, their learning curve's power once
            turn, pad_turn = self._turnarounds()
            by_boosters = self._by_reuse(lambda: boosters * DAYS_PER_MONTH / turn, lambda: np.floor(boosters))
        by_pads = self._v[self._names["pads"]] * DAYS_PER_MONTH / pad_turn
        month = self.agent.t
        if self._cadence is not None:  # one manifest for every member: cadence_per_month's loop
            rate = np.inf
            for when, per_month in self._cadence:
                if month >= when:
                    rate = per_month
            by_cadence: Any = rate  # the same for every member: np.minimum with it as with np.full(K, rate)
        else:
            by_cadence = cadence_per_month(p.cadence, month, self.agent.K)
        # np.minimum.reduce of the four, in the same order, without stacking them first
        cap = np.minimum(np.minimum(np.minimum(by_boosters, by_pads), self._v[self._names["stage_rate"]]), by_cadence) * active
        with_carry = cap + self._v[self._names["carry"]]
        whole = np.floor(with_carry)
        self._v[self._names["carry"]] = clip(with_carry - whole, 0.0, 1.0) * active
        self.capacity = whole
        return whole

    def flights_for(self, mass_t: np.ndarray, payload_t: Any) -> np.ndarray:
        """Flights that carry this month's mass [t]: whole flights, part loads included."""
        return np.minimum(whole_flights(mass_t, payload_t), self.capacity)

    def fly(self, flights: np.ndarray, failure_prob: Any) -> np.ndarray:
        """Fly ``flights`` (whole numbers); returns failures drawn from the model's generator."""
        n = np.maximum(np.rint(flights), 0).astype(np.int64)
        got = self._failure
        if got is None or got[0] is not failure_prob or got[1].shape != n.shape:  # a parameter: the same object every month
            got = self._failure = (failure_prob, np.broadcast_to(np.asarray(failure_prob, dtype=float), n.shape))
        fails = self.agent.world.binomial(n, got[1]).astype(float)
        boosters = self._v[self._names["boosters"]]
        retired: Any
        lost: Any
        if self._every:  # _by_reuse's cases, without its lambdas
            retired, lost = n / self._life, fails
        elif self._none:
            retired, lost = n, 0.0
        else:
            retired, lost = np.where(self._reusable, n / self._life, n), np.where(self._reusable, fails, 0.0)
        self._v[self._names["boosters"]] = np.maximum(boosters - retired - lost, 0.0)
        self._v[self._names["cum_flights"]] = self._v[self._names["cum_flights"]] + n
        self.flights = n.astype(float)
        self.failures = fails
        return fails

    def plan_fleet(self, wanted_flights: np.ndarray, started: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Update the demand forecast with this month's ``wanted_flights`` [flights/month] and
        return (boosters to build, upper-stage production to add) that serve it at the target
        utilisation, before any limit of capital; pads follow their schedule."""
        p = self.p
        w = self._smoothing
        demand = self._kept * self._v[self._names["demand_flights"]] + w * np.maximum(wanted_flights, 0.0)
        self._v[self._names["demand_flights"]] = demand
        target = demand / self._utilisation
        # expendable: a month of flights in stock
        needed = self._by_reuse(lambda: target * self._turnarounds()[0] / DAYS_PER_MONTH, lambda: target)  # next month's plan reads them too
        build = clip(needed - self._v[self._names["boosters"]], 0.0, self._build_max) * started
        rate = self._v[self._names["stage_rate"]]
        if p.upper_stages_per_month_initial is not None:
            grow = clip(np.minimum(target, self._stage_ceiling) - rate, 0.0, rate * self._stage_growth) * started
        else:
            grow = np.zeros(self.agent.K)
        self._v[self._names["pads"]] = np.minimum(self._v[self._names["pads"]] + self._pads_a_month * started, p.pads_max)
        return build, grow

    def add(self, boosters: np.ndarray, stage_rate: np.ndarray) -> None:
        """Put new boosters in stock and new upper-stage production in service."""
        self._v[self._names["boosters"]] = self._v[self._names["boosters"]] + boosters
        self._v[self._names["stage_rate"]] = self._v[self._names["stage_rate"]] + stage_rate


class LaunchProvider(EcosimAgent):
    """An outside launch provider selling one vehicle line's flights as launch mass [t]."""

    kind = "launch_provider"
    label = "Launch provider"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        self.line = VehicleLine(self, p, self.s, "line")
        self.customer_launches = self.zeros()
        self._payload_signal = self.full(p.payload_t)  # a flight's payload, published every month (publish copies it)
        self._publish(self.zeros())

    def price_per_flight_usd(self) -> np.ndarray:
        """Price of a dedicated flight [USD]: the starting price, moved in step with the cost."""
        p = self.p
        return p.price_per_flight_usd * self.line.cost_per_flight_usd() / p.cost_per_flight_usd_initial

    def _publish(self, slots: np.ndarray, price: np.ndarray | None = None) -> None:
        """What buyers read next month; ``price``: :meth:`price_per_flight_usd` if the caller has it."""
        p = self.p
        if price is None:
            price = self.price_per_flight_usd()
        self.publish("launch_price_usd_per_launch", price)
        self.publish("launch_price_usd_per_kg", price / (p.payload_t * 1000.0))
        self.publish("launch_slots_per_month", slots)
        self.publish("launch_payload_t", self._payload_signal)

    def offer(self) -> None:
        p = self.p
        flights = self.line.plan(self.after(p.first_flight_month))
        price = self.price_per_flight_usd()  # the fleet's flights so far: the same in the offer and what is published
        self.ex.offer(self.name, "launch_mass", flights * p.payload_t, price / p.payload_t)
        self._publish(flights, price)

    def fulfil(self) -> None:
        p, ex = self.p, self.ex
        mass = ex.sold(self.name, "launch_mass")
        flights = self.line.flights_for(mass, p.payload_t)
        fails = self.line.fly(flights, p.failure_prob)
        ex.lose(self.name, "launch_mass", np.divide(fails, flights, out=np.zeros(self.K), where=flights > 0))
        self.customer_launches = mass / p.payload_t
        wanted = ex.asked_of(self.name, "launch_mass") / p.payload_t
        build, stages = self.line.plan_fleet(wanted, self.after(p.first_flight_month - p.build_lead_months))
        self.line.add(build, stages)
        self.pay_costs(flights * self.line.cost_per_flight_usd() + self.customer_launches * p.customer_mission_cost_usd, "opex")
        self.pay_costs(build * p.booster_cost_usd, "capex")

    @property
    def launches(self) -> np.ndarray:
        return self.line.flights
