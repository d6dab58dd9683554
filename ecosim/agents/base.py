"""What every ecosim actor shares: NumPy state with a leading member axis, parameters, phases.

An agent is an actor at the level a decision is made (a company, a fleet, a cohort of
vehicles). It holds its many objects as arrays whose first axis is the ensemble *member*
(K of them; K = 1 for a single run), so one model advances K independent runs at once.
Parameters are floats, or arrays of shape (K,) when they differ between members.

An agent sees the world only through a small typed :class:`World` (the month, the members,
random draws, the exchange and the roster) and its own parameters: ``p`` (its scenario
section) and ``shared`` (the shared sections its roster entry names: technology trends,
regulation, market-wide parameters). It reads other actors only through the exchange: goods
that cleared, and signals they published (:attr:`EcosimAgent.read`), which are always last
month's values, whatever the order agents act in.

Each month the model calls, on every agent in roster order:

``offer()``
    produce, read signals, then post offers and demands on the exchange;
``fulfil()``
    sellers whose deliveries can fail (launchers) fly and report what was lost;
``settle()``
    read what cleared and arrived, update stocks, pay what is owed, publish signals.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Hashable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

import mesa
import numpy as np

from ecosim.physics.compute import compute_cost_index, watts_per_h100e
from ecosim.physics.launch import wright_cost
from ecosim.physics.ufunc import clip

if TYPE_CHECKING:
    from ecosim.exchange.clearing import Exchange
    from ecosim.scenario.roster import Actor, Roster

DAYS_PER_MONTH = 30.4375
HOURS_PER_MONTH = DAYS_PER_MONTH * 24.0
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600.0
#: a demand with no limit of its own (the seller's offer or a tier cap decides) [unit/month]
UNLIMITED = 1e15

T = TypeVar("T")

#: ``(1 + g)^(1/12)`` of the yearly growth rates ``g`` [fraction/yr] given as numbers, by rate
#: (:meth:`EcosimAgent.grow`; the same NumPy float as computing it again)
_MONTHLY_GROWTH: dict[float, Any] = {}

_NUMBER = (float, int)
#: a value no memo holds (:meth:`MonthMemo.getter`; a memo may keep None)
_MISSING: Any = object()


class OnceAMonth(Protocol):
    """``get(key, compute)``: ``compute()``'s value for ``key`` this month (:meth:`MonthMemo.getter`)."""

    def __call__(self, key: Hashable, compute: Callable[[], T]) -> T: ...


class MonthMemo:
    """Values several agents of one model would compute alike in a month, each computed once:
    its getters (:meth:`getter`) keep them by key until the month changes. One per model (a
    model's agents share it; another model, stepped in another thread or after this one, has
    its own).

    >>> clock, calls = SimpleNamespace(month=5), []
    >>> get = MonthMemo().getter(clock)
    >>> [get("k", lambda: calls.append(1) or len(calls)) for _ in range(2)]
    [1, 1]
    >>> clock.month = 6; get("k", lambda: -1)
    -1
    """

    def __init__(self) -> None:
        self.month: int | None = None
        self.values: dict[Hashable, Any] = {}

    def getter(self, clock: Any) -> OnceAMonth:
        """``get(key, compute)``: ``compute()``'s value for ``key`` in ``clock.month``, computed
        at the month's first call (by any getter of this memo); bound once, as an agent's
        :attr:`EcosimAgent.once_a_month` (asked thousands of times a run)."""
        memo = self

        def get(key: Hashable, compute: Callable[[], T]) -> T:
            month = clock.month
            if month != memo.month:
                memo.month = month
                memo.values = {}
            values = memo.values
            got = values.get(key, _MISSING)
            if got is _MISSING:
                got = values[key] = compute()
            return got

        return get


def monthly(method: Callable[[Any], np.ndarray]) -> Callable[[Any], np.ndarray]:
    """An agent's method of no arguments whose value is a function of its parameters and the
    month alone, computed once a month (parameters stay fixed in a run): callers get copies.

    >>> class A:
    ...     world, calls = type("W", (), {"month": 5})(), 0
    ...     @monthly
    ...     def f(self):
    ...         A.calls += 1
    ...         return np.ones(2)
    >>> a = A(); a.f()[0] = 9.0; a.f().tolist(), A.calls
    ([1.0, 1.0], 1)
    """
    attr = f"_monthly_{method.__name__}"

    @functools.wraps(method)
    def cached(self: Any) -> np.ndarray:
        t = self.world.month
        got = self.__dict__.get(attr)
        if got is None or got[0] != t:
            got = self.__dict__[attr] = (t, method(self))
        return got[1].copy()

    return cached


class World(Protocol):
    """All an agent may know of the world besides its own parameters and the exchange."""

    month: int  # absolute month (see ecosim.timeline)
    start_month: int
    members: int
    exchange: Exchange
    roster: Roster
    month_memo: MonthMemo  # values this month that several agents compute alike (EcosimAgent.once_a_month)

    def binomial(self, n: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Binomial draws from the model's seeded generator, one per member."""
        ...


class State(SimpleNamespace):
    """An agent's stocks: NumPy arrays with the member axis first. Copied whole on hand-over."""

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: v for k, v in vars(self).items() if isinstance(v, np.ndarray)}


class EcosimAgent(mesa.Agent):
    """Base of every actor.

    Parameters
    ----------
    world : the model, seen through :class:`World`.
    actor : its roster entry (name, company at start, groups, ...).
    p : its parameter section (a namespace; leaves are floats or (K,) arrays).
    shared : the shared sections it reads (a namespace by section name).
    """

    kind: ClassVar[str] = "agent"
    label: ClassVar[str] = "agent"

    #: ``read(sender, signal)``: last month's value of ``sender``'s ``signal`` as this agent sees
    #: it (per member); the exchange's reader for this agent (:meth:`Exchange.reader
    #: <ecosim.exchange.clearing.Exchange.reader>`), bound when the agent is built
    read: Callable[[str, str], np.ndarray]
    #: ``publish(signal, value, internal=None)``: publish ``signal`` on every edge this agent
    #: sends it on (read next month; ``internal``: what readers in its own company see instead);
    #: the exchange's publisher for this agent (:meth:`Exchange.publisher
    #: <ecosim.exchange.clearing.Exchange.publisher>`), bound when the agent is built
    publish: Callable[..., None]
    #: ``once_a_month(key, compute)``: ``compute()`` computed once this month in this model for
    #: ``key``: agents that would compute the same value (the same arguments, in ``key``) share
    #: the first's; the model's :class:`MonthMemo`'s getter, bound when the agent is built
    once_a_month: OnceAMonth
    #: ``pay_costs(usd, kind)``: pay the rest of the economy (``market``) for costs not traded
    #: on the network (``kind``: ``opex`` or ``capex``); the exchange's payer from this agent
    #: to ``market`` (:meth:`Exchange.payer <ecosim.exchange.clearing.Exchange.payer>`),
    #: bound when the agent is built
    pay_costs: Callable[[np.ndarray | float, str], object]

    def __init__(self, world: World, actor: Actor, p: Any, shared: Any = None) -> None:
        super().__init__(world)
        self.world: World = world
        self.actor = actor
        self.name = actor.name
        self.p = p
        self.shared = shared if shared is not None else SimpleNamespace()
        self.K = world.members
        #: the world's exchange (the same object for the whole run: an attribute, not a property,
        #: as agents reach it thousands of times a month)
        self.ex: Exchange = world.exchange
        self.s = State()
        self.binding = np.zeros(self.K, dtype=np.int8)  # index into ecosim.economics.binding.BINDING
        self._ones = np.ones(self.K)
        self._zeros = np.zeros(self.K)
        self.read = self.ex.reader(self.name)
        self.publish = self.ex.publisher(self.name)
        self.once_a_month = world.month_memo.getter(world)
        self.pay_costs = self.ex.payer(self.name, "market")

    # ---------------------------------------------------------------- helpers

    @property
    def company(self) -> str:
        """The company this agent belongs to now (a merger moves it)."""
        return self.ex.companies[self.name]

    #: Current absolute month (see :mod:`ecosim.timeline`): ``self.world.month``, read by a getter
    #: in C (agents ask for it tens of thousands of times a run)
    t = property(operator.attrgetter("world.month"), doc="Current absolute month (see :mod:`ecosim.timeline`).")

    @property
    def years_since_start(self) -> float:
        return (self.world.month - self.world.start_month) / 12.0

    def zeros(self) -> np.ndarray:
        return np.zeros(self.K)

    def full(self, value: Any) -> np.ndarray:
        if type(value) is float or isinstance(value, _NUMBER):  # a number (np.float64 included): the same array, sooner
            out = np.empty(self.K)
            out.fill(float(value))
            return out
        if type(value) is np.ndarray and value.dtype == np.float64:
            if value.shape == (self.K,):  # one per member already
                return value.copy()
            if value.ndim == 0:  # one number (a 0-d array): as a number, without broadcast_to's Python
                out = np.empty(self.K)
                out.fill(value.item())
                return out
        return np.broadcast_to(np.asarray(value, dtype=float), (self.K,)).copy()

    def partner(self, signal: str, *, sends: bool = False) -> str | None:
        """The one actor this agent reads ``signal`` from (or, ``sends=True``, sends it to) on
        the network, or None: partners are wired by the topology, never named in code."""
        names = self.ex.readers(self.name, signal) if sends else self.ex.senders(self.name, signal)
        return names[0] if names else None

    def w_per_h100e(self) -> np.ndarray:
        """IT power of one H100-equivalent this month [W] (the shared ``[ai_hardware]`` trend)."""
        t = self.world.month
        hw = self.shared.ai_hardware  # computed once a month for the agents sharing a trend (a copy each)
        return self.once_a_month(("w_per_h100e", id(hw)), lambda: watts_per_h100e(hw.w_per_h100e, hw.efficiency_gain_frac_per_yr, hw.reference_month, t) * np.ones(self.K)).copy()

    def cost_index_at(self, month: int) -> np.ndarray:
        """:func:`~ecosim.physics.compute.compute_cost_index` of the shared ``[ai_hardware]``
        section in ``month``, computed once a month in this model (the labs and the market
        ask for the same months); callers never write into it."""
        hw = self.shared.ai_hardware
        return self.once_a_month(("compute_cost_index", id(hw), month), lambda: compute_cost_index(hw, month))

    @staticmethod
    def grow(value: np.ndarray, frac_per_yr: Any, cap: Any = np.inf) -> np.ndarray:
        """One month of growth at ``frac_per_yr`` [fraction/yr], capped: ``min(cap, v (1 + g)^(1/12))``.

        Growing quantities are state, so a run that starts from another's end state (baseline
        from history) continues them where they were.
        """
        if type(frac_per_yr) is float:  # a rate for every member (a parameter): its monthly factor, once per process
            factor = _MONTHLY_GROWTH.get(frac_per_yr)
            if factor is None:
                factor = _MONTHLY_GROWTH[frac_per_yr] = (1.0 + np.asarray(frac_per_yr, float)) ** (1.0 / 12.0)
            return np.minimum(cap if type(cap) is float else np.asarray(cap, float), value * factor)
        return np.minimum(np.asarray(cap, float), value * (1.0 + np.asarray(frac_per_yr, float)) ** (1.0 / 12.0))

    def after(self, month: Any) -> np.ndarray:
        """1.0 from ``month`` (absolute) on, else 0.0 — per member."""
        if isinstance(month, _NUMBER) or np.ndim(month) == 0:  # one month for every member
            return (self._ones if self.world.month >= month else self._zeros).copy()
        return (self.t >= np.asarray(month)).astype(float) * np.ones(self.K)

    def capital_usd(self, deploy_months: Any = None) -> np.ndarray:
        """What the agent may spend on capacity this month [USD]: its company's cash when the
        month opened (none when negative), spread over ``deploy_months`` (default its section's
        ``cash_deploy_months``). Every build limited by cash reads it here."""
        months = self.p.cash_deploy_months if deploy_months is None else deploy_months
        # the exchange's own array, not a copy: np.maximum makes a new one
        return np.maximum(self.ex.cash_open_of(self.name), 0.0) / months

    def affordable_units(self, unit_usd: Any, deploy_months: Any = None) -> np.ndarray:
        """Units the agent's capital (:meth:`capital_usd`) pays for this month at ``unit_usd``
        each; unlimited where a unit costs nothing."""
        unit = np.asarray(unit_usd, dtype=float)
        return np.divide(self.capital_usd(deploy_months), unit, out=self.full(np.inf), where=unit > 0)

    def offer_data(self, pb: np.ndarray) -> None:
        """Offer this month's sensor data [PB] to the labs (``[data_market]``): all of it to the
        contract holder at the contract price, else to the lab that bids most for it."""
        dm = self.shared.data_market
        contract = None if dm.contract_buyer == "none" else dm.contract_buyer
        self.ex.offer(self.name, "data", pb, dm.contract_usd_per_pb, contract=contract)

    @staticmethod
    def grow_logistic(value: np.ndarray, frac_per_yr: Any, ceiling: Any) -> np.ndarray:
        """One month of logistic growth: the rate ``frac_per_yr`` [fraction/yr] while far below
        ``ceiling``, slowing to zero at it."""
        if type(frac_per_yr) is float:  # a rate for every member (a parameter): its monthly factor, once per process
            factor = _MONTHLY_GROWTH.get(frac_per_yr)
            if factor is None:
                factor = _MONTHLY_GROWTH[frac_per_yr] = (1.0 + np.asarray(frac_per_yr, float)) ** (1.0 / 12.0)
            step = factor - 1.0
        else:
            step = (1.0 + np.asarray(frac_per_yr, float)) ** (1.0 / 12.0) - 1.0
        return value + value * step * (1.0 - value / np.asarray(ceiling, float))

    # ---------------------------------------------------------------- phases

    def start(self, restored: bool) -> None:
        """After every agent exists (and, if ``restored``, continues another run): publish
        what readers must see in the first month."""

    def offer(self) -> None:
        """Produce, then post offers and demands."""

    def fulfil(self) -> None:
        """After clearing: deliver what was sold (launchers fly)."""

    def settle(self) -> None:
        """Read what cleared; update stocks; pay."""

    # ---------------------------------------------------------------- hand-over

    def snapshot(self) -> dict[str, np.ndarray]:
        """Copies of every state array, every member."""
        return {k: v.copy() for k, v in self.s.arrays().items()}

    def restore(self, arrays: dict[str, np.ndarray]) -> None:
        """Start from another run's end state: one member's, broadcast to this model's K
        members, or K members', one each."""
        for key, value in arrays.items():
            current = getattr(self.s, key, None)
            shape = (self.K, *value.shape[1:])
            if current is not None and current.shape[1:] != value.shape[1:]:
                raise ValueError(f"{self.name}.{key}: state shape {value.shape[1:]} does not fit {current.shape[1:]}")
            rows = value if value.shape[0] == self.K else value[:1]
            setattr(self.s, key, np.broadcast_to(rows, shape).copy())
        self.after_restore()

    def after_restore(self) -> None:
        """Hook: recompute anything derived from state after a hand-over."""


def per_member(value: Any, ndim: int) -> Any:
    """A parameter ready to broadcast against member-first state of ``ndim`` dimensions:
    a float unchanged, a per-member array (K,) reshaped to (K, 1, ..., 1).

    >>> per_member(2.0, 3), per_member(np.array([1.0, 2.0]), 3).shape
    (2.0, (2, 1, 1))
    """
    if np.ndim(value) == 0:
        return value
    return np.asarray(value, dtype=float).reshape((-1,) + (1,) * (ndim - 1))


def per_item(items: Any, field: str, K: int) -> np.ndarray:
    """``field`` of every item of a list section (generations, ...) as a table (K, items):
    a column per item, a row per member (an item's value may be a float or a (K,) array).

    >>> from types import SimpleNamespace as NS
    >>> per_item([NS(w=1.0), NS(w=np.array([2.0, 3.0]))], "w", 2).tolist()
    [[1.0, 2.0], [1.0, 3.0]]
    """
    out = np.empty((K, len(items)))
    for j, g in enumerate(items):  # a column at a time: the numbers np.stack of the broadcast columns gives, sooner
        out[:, j] = getattr(g, field)
    return out


def ramped_capacity(factories: Any, field: str, month: int, K: int) -> np.ndarray:
    """Installed capacity in ``month`` [the unit of ``field``], per member: each factory's
    ``field`` times its ramp share, rising linearly from ``start_month`` over ``ramp_months``.

    >>> from types import SimpleNamespace as NS
    >>> ramped_capacity([NS(start_month=10, ramp_months=4, cap=8.0)], "cap", 12, 1).tolist()
    [4.0]
    """
    total = np.zeros(K)
    for f in factories:
        ramp = clip((month - np.asarray(f.start_month)) / np.asarray(f.ramp_months), 0.0, 1.0)
        total = total + ramp * np.asarray(getattr(f, field), dtype=float)
    return total


class ByValue:
    """The value of a function of one array, worked out again only when the array's values change
    (by value, not identity: a replay writes into state arrays between months). One entry;
    callers never write into the value.

    >>> memo, calls = ByValue(), []
    >>> a = np.array([1.0])
    >>> [memo.get(a, lambda: calls.append(1) or len(calls)) for _ in range(2)]
    [1, 1]
    >>> a[0] = 2.0; memo.get(a, lambda: -1)
    -1
    """

    __slots__ = ("key", "value")

    def __init__(self) -> None:
        self.key: bytes | None = None
        self.value: Any = None

    def get(self, array: np.ndarray, compute: Callable[[], T]) -> T:
        """``compute()``, or the value it gave when ``array`` last had these values."""
        key = array.tobytes()
        if key != self.key:
            self.key, self.value = key, compute()
        return self.value


def chips_per_mw(agent: EcosimAgent) -> np.ndarray:
    """H100-equivalents per MW of IT power this month [H100e/MW] (``1e6 / w_per_h100e``),
    computed once a month for the data-center builders, on the ground and in orbit, sharing the
    ``[ai_hardware]`` trend; callers never write into it."""
    return agent.once_a_month(("chips_per_mw", id(agent.shared.ai_hardware)), lambda: 1e6 / agent.w_per_h100e())


def take_slot(ring: np.ndarray, slot: Any, rows: np.ndarray) -> np.ndarray:
    """Each member's entries at ``slot`` of a ring whose last axis is months (what leaves it this
    month), removed from the ring (set to 0); a copy. ``slot``: one index for every member (a
    column: no fancy indexing) or one per member (``rows``: ``np.arange(K)``).

    >>> ring = np.arange(6.0).reshape(2, 3)
    >>> take_slot(ring, 1, np.arange(2)).tolist(), ring.tolist()
    ([1.0, 4.0], [[0.0, 0.0, 2.0], [3.0, 0.0, 5.0]])
    >>> take_slot(ring, np.array([0, 2]), np.arange(2)).tolist(), ring.tolist()
    ([0.0, 5.0], [[0.0, 0.0, 2.0], [3.0, 0.0, 0.0]])
    """
    if type(slot) is int or np.ndim(slot) == 0:
        at = int(slot)
        out = ring[..., at].copy()
        ring[..., at] = 0.0
        return out
    idx: Any = (rows, *(slice(None),) * (ring.ndim - 2), np.broadcast_to(slot, rows.shape))
    out = ring[idx]  # fancy indexing: a copy
    ring[idx] = 0.0
    return out


def wright(initial: Any, cumulative: Any, initial_cumulative: Any, progress_ratio: Any, floor: Any = 0.0) -> np.ndarray:
    """Shorthand for :func:`ecosim.physics.launch.wright_cost`."""
    return wright_cost(initial, cumulative, initial_cumulative, progress_ratio, floor)
