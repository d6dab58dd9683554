"""Amazon's Project Kuiper: 3,232 authorized satellites under FCC deployment milestones.

Half the constellation must be in orbit by 2026-07 and all of it by 2029-07 (FCC license
conditions). Under ``milestone_rule = "reduce"`` a missed milestone cuts the authorization to
what is in orbit (the strict reading); ``"extension"`` records the miss and goes on (what
the FCC usually grants).

**Launch contracts.** Amazon booked its launches by vehicle (9 Atlas V, 38 Vulcan, 18 Ariane 6,
12 New Glenn, 3 Falcon 9): ``launch_contracts`` lists them per launcher with the satellites a
launch carries. Each month Kuiper books whole flights on each contracted launcher, as many as
the launcher has slots for (its ``launch_slots_per_month``, and always one while the contract
runs, so that the launcher builds for it), its contract has left and its satellites in stock
fill, in the order the contracts are listed; a contract is drawn down by
the flights that fly. Only when every contract is used up does it buy further launches on the
spot, spread over the launchers with free slots by a discrete choice on the price per satellite
(its ``launch_price_usd_per_launch`` over the satellites a launch carries; share in proportion
to price^-``launch_choice_price_exponent``, within each launcher's slots, :func:`spot_launches`). So contracted
satellites fly on the vehicle they were booked on, when that vehicle flies.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import per_member
from ecosim.agents.constellation import Constellation, LaunchOrder
from ecosim.errors import ScenarioError
from ecosim.physics.ufunc import columns


class Kuiper(Constellation):
    kind = "kuiper"
    label = "Kuiper"
    launch_tier = 0

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        self.s.milestones_missed = np.zeros(self.K)
        self.launchers = self.ex.senders(self.name, "launch_slots_per_month")
        seen: set[str] = set()
        for i, c in enumerate(p.launch_contracts):
            if c.launcher not in self.launchers or c.launcher in seen:
                raise ScenarioError(
                    f"{actor.section}.launch_contracts[{i}].launcher must name a launcher selling to {self.name}, once "
                    f"({', '.join(self.launchers)}) (got {c.launcher!r})"
                )
            seen.add(c.launcher)
        self.s.spot_carry = np.zeros((self.K, len(self.launchers)))  # part launches waiting to make a whole one
        self.s.contract_launches_left = np.stack([np.full(self.K, c.booked_flights, dtype=float) for c in p.launch_contracts], axis=1) if p.launch_contracts else np.zeros((self.K, 0))

    def authorized(self) -> np.ndarray:
        """FCC authorization, less any cut for a missed milestone."""
        return np.minimum(np.asarray(self.p.authorized_satellites, dtype=float), self.s.authorization_cut)

    def satellites_per_launch(self, launcher: str, mass_kg: np.ndarray) -> np.ndarray:
        """Satellites one launch of ``launcher`` carries: the contract's figure, else as many as
        its payload lifts (``mass_kg`` per satellite, per member)."""
        for c in self.p.launch_contracts:
            if c.launcher == launcher:
                return self.full(c.satellites_per_launch)
        return np.floor(self.read(launcher, "launch_payload_t") * 1000.0 / mass_kg)

    def launch_orders(self, mass_kg: np.ndarray) -> list[LaunchOrder]:
        """Whole flights on the contracted launchers (in contract order), then on the spot; one
        order per launcher (a member on the spot has no contract launch left anywhere)."""
        s, K = self.s, self.K
        inv = s.inventory
        stock = np.add.reduce(inv, axis=1)
        share = np.divide(inv, stock[:, None], out=np.zeros(inv.shape), where=stock[:, None] > 0)
        avg_mass_kg = np.add.reduce(share * mass_kg, axis=1)
        left = stock.copy()
        orders: dict[str, LaunchOrder] = {}
        signals: dict[tuple[str, str], np.ndarray] = {}

        def read(launcher: str, signal: str) -> np.ndarray:
            """A launcher's signal, read once in this call (callers never write into it)."""
            got = signals.get((launcher, signal))
            if got is None:
                got = signals[(launcher, signal)] = self.read(launcher, signal)
            return got

        def book(launcher: str, launches: np.ndarray, per_launch: np.ndarray, contract: int) -> None:
            nonlocal left
            sats = launches * per_launch
            left = left - sats
            mass = launches * read(launcher, "launch_payload_t")
            o = orders.get(launcher)
            if o is None:
                orders[launcher] = LaunchOrder(launcher, mass, share * sats[:, None], launches, contract)
            else:  # the spot adds to a used-up contract's (empty) order on the same launcher
                o.mass_t, o.sats, o.launches = o.mass_t + mass, o.sats + share * sats[:, None], (o.launches if o.launches is not None else 0.0) + launches

        for i, c in enumerate(self.p.launch_contracts):
            # at least one launch is always on the contracted launcher's books, so it builds for it
            slots = np.maximum(read(c.launcher, "launch_slots_per_month"), 1.0)
            n = np.floor(np.minimum(np.minimum(slots, s.contract_launches_left[:, i]), left / c.satellites_per_launch) + 1e-9)
            book(c.launcher, np.maximum(n, 0.0), self.full(c.satellites_per_launch), i)
        # a contract with less than a whole launch left is used up
        spot = np.logical_and.reduce(s.contract_launches_left < 1.0, axis=1) if s.contract_launches_left.size else np.ones(K, dtype=bool)  # np.all's reduction
        if spot.any():
            lns = self.launchers
            kg = np.where(avg_mass_kg > 0, avg_mass_kg, 1.0)
            per = columns([self.satellites_per_launch(ln, mass_kg=kg) for ln in lns])
            slots = np.maximum(columns([read(ln, "launch_slots_per_month") for ln in lns]), 0.0)
            per_sat = columns([read(ln, "launch_price_usd_per_launch") for ln in lns]) / np.maximum(per, 1.0)
            want = s.spot_carry + spot_launches(left * spot, per, per_sat, slots, self.p.launch_choice_price_exponent, s.spot_carry)
            whole = np.floor(want + 1e-9)
            s.spot_carry = np.where(spot[:, None] & (slots > 0), want - whole, 0.0)
            for j, ln in enumerate(lns):
                book(ln, whole[:, j] * spot, per[:, j], -1)
        return [o for o in orders.values() if np.logical_or.reduce(o.mass_t > 0, axis=None)]  # np.any's reduction

    def settle(self) -> None:
        super().settle()
        for o in self.orders:
            if o.contract >= 0 and o.launches is not None and o.bought_frac is not None:
                left = self.s.contract_launches_left
                left[:, o.contract] = np.maximum(left[:, o.contract] - o.launches * o.bought_frac, 0.0)
        for m in self.p.milestones:
            if int(m.month) == self.t:
                missed = self.active < m.satellites
                self.s.milestones_missed = self.s.milestones_missed + missed
                if self.p.milestone_rule == "reduce":
                    self.s.authorization_cut = np.where(missed, np.minimum(self.s.authorization_cut, self.active), self.s.authorization_cut)


def spot_launches(satellites: np.ndarray, per_launch: np.ndarray, price_per_sat: np.ndarray, slots: np.ndarray, exponent: Any, carry: np.ndarray) -> np.ndarray:
    """Launches bought on each launcher (members, launchers) for ``satellites`` waiting: shares in
    proportion to price^-exponent over the launchers with slots, each capped by its slots (less
    the part launch it carries) and by the satellites left; the cheapest take what the others'
    caps leave.

    >>> spot_launches(np.array([96.0]), np.array([[24.0, 48.0]]), np.array([[2.5e6, 2.3e6]]), np.array([[10.0, 0.0]]), 3.0, np.zeros((1, 2))).tolist()
    [[4.0, 0.0]]
    >>> n = spot_launches(np.array([240.0]), np.array([[24.0, 48.0]]), np.array([[2.0e6, 2.0e6]]), np.array([[10.0, 10.0]]), 3.0, np.zeros((1, 2)))
    >>> n.round(3).tolist()   # equal prices: half the satellites each
    [[5.0, 2.5]]
    >>> two = spot_launches(np.array([96.0, 96.0]), np.array([[24.0, 48.0]] * 2), np.array([[2.5e6, 2.3e6]] * 2), np.array([[10.0, 10.0]] * 2), np.array([0.0, 3.0]), np.zeros((2, 2)))
    >>> two.round(3).tolist()   # each member its own exponent: 0 (even shares), 3 (96 x 2.5^-3 / (2.5^-3 + 2.3^-3) / 24 = 1.751)
    [[2.0, 1.0], [1.751, 1.124]]
    """
    open_ = slots > 0
    w = np.where(open_, np.maximum(price_per_sat, 1e-9) ** (-per_member(np.asarray(exponent, dtype=float), 2)), 0.0)  # a member's exponent on its row
    total = np.add.reduce(w, axis=1, keepdims=True)  # w.sum(axis=1, keepdims=True)
    share = np.divide(w, total, out=np.zeros(w.shape), where=total > 0)
    room = np.maximum(slots - carry, 0.0)
    n = np.minimum(satellites[:, None] * share / np.maximum(per_launch, 1e-9), room)
    left = satellites - np.add.reduce(n * per_launch, axis=1)
    rank = price_per_sat.argsort(axis=1, kind="stable")
    rows = np.arange(len(satellites))
    for r in range(w.shape[1]):  # what the caps left over, cheapest first
        j = rank[:, r]
        more = np.minimum(np.maximum(room[rows, j] - n[rows, j], 0.0), np.maximum(left, 0.0) / np.maximum(per_launch[rows, j], 1e-9))
        n[rows, j] += more
        left = left - more * per_launch[rows, j]
    return n
