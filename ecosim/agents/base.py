"""What every ecosim actor shares: NumPy state with a leading member axis, parameters, phases.

An agent is an actor at the level a decision is made (a company, a fleet, a cohort of
vehicles). It holds its many objects as arrays whose first axis is the ensemble *member*
(K of them; K = 1 for a single run), so one model advances K independent runs at once.
Parameters are floats, or arrays of shape (K,) when they differ between members.

Each month the model calls, on every agent in creation order:

``offer()``
    produce, then post offers and demands on the exchange (reads other agents' state as it
    stood at the end of last month);
``settle()``
    read what cleared, update stocks, pay what is owed.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, ClassVar

import mesa
import numpy as np

if TYPE_CHECKING:
    from ecosim.exchange.clearing import Exchange
    from ecosim.model import EcosimModel

DAYS_PER_MONTH = 30.4375
HOURS_PER_MONTH = DAYS_PER_MONTH * 24.0
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600.0


class State(SimpleNamespace):
    """An agent's stocks: NumPy arrays with the member axis first. Copied whole on hand-over."""

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: v for k, v in vars(self).items() if isinstance(v, np.ndarray)}


class EcosimAgent(mesa.Agent):
    """Base of every actor.

    Parameters
    ----------
    model : the :class:`~ecosim.model.EcosimModel`.
    name : node name in the exchange network (``"starlink"``).
    company : company id that owns it (cash pools by company).
    p : its parameter section (a namespace; leaves are floats or (K,) arrays).
    """

    kind: ClassVar[str] = "agent"
    label: ClassVar[str] = "agent"

    def __init__(self, model: EcosimModel, name: str, company: str, p: Any) -> None:
        super().__init__(model)
        self.name = name
        self.company = company
        self.p = p
        self.K = model.members
        self.s = State()
        self.binding = np.zeros(self.K, dtype=np.int8)  # index into BINDING (issue: binding constraint)

    # ---------------------------------------------------------------- helpers

    @property
    def ex(self) -> Exchange:
        return self.model.exchange

    @property
    def t(self) -> int:
        """Current absolute month (see :mod:`ecosim.timeline`)."""
        return self.model.month

    @property
    def years_since_start(self) -> float:
        return (self.model.month - self.model.start_month) / 12.0

    def zeros(self) -> np.ndarray:
        return np.zeros(self.K)

    def full(self, value: Any) -> np.ndarray:
        return np.broadcast_to(np.asarray(value, dtype=float), (self.K,)).copy()

    def agent(self, name: str) -> Any:
        return self.model.agent(name)

    @staticmethod
    def grow(value: np.ndarray, frac_per_yr: Any, cap: Any = np.inf) -> np.ndarray:
        """One month of growth at ``frac_per_yr`` [fraction/yr], capped: ``min(cap, v (1 + g)^(1/12))``.

        Growing quantities are state, so a run that starts from another's end state (baseline
        from history) continues them where they were.
        """
        return np.minimum(np.asarray(cap, float), value * (1.0 + np.asarray(frac_per_yr, float)) ** (1.0 / 12.0))

    def after(self, month: Any) -> np.ndarray:
        """1.0 from ``month`` (absolute) on, else 0.0 — per member."""
        return (self.t >= np.asarray(month)).astype(float) * np.ones(self.K)

    def pay_costs(self, usd: np.ndarray, kind: str) -> None:
        """Pay the rest of the economy (``market``) for costs not traded on the network."""
        self.ex.pay(self.name, "market", usd, kind)

    def delivered_launch_mass(self) -> tuple[np.ndarray, np.ndarray]:
        """(bought, delivered) launch mass this month [t]: delivered excludes payloads lost
        in failed flights (each launcher reports its lost share after it settles)."""
        m = self.ex.markets["launch_mass"]
        j = m.b_index[self.name]
        bought = m.x[:, :, j].sum(axis=1)
        delivered = self.zeros()
        for si, seller in enumerate(m.sellers):
            delivered += m.x[:, si, j] * (1.0 - self.agent(seller).lost_frac)
        return bought, delivered

    def capability_signal(self, source: str = "xai") -> np.ndarray:
        """AI capability this agent sees from ``source``: live on an enabled edge, else frozen
        at its value at the start of the run (per member: an experiment may cut or damp the
        signal for some members only, see :meth:`Exchange.set_edge_scale`)."""
        lab = self.agent(source)
        factor = self.ex.signal_factor(source, self.name, "capability")
        if np.all(factor == 1.0):
            return lab.s.capability
        return np.where(factor > 0.0, lab.s.capability * factor, lab.capability_at_start)

    @staticmethod
    def grow_logistic(value: np.ndarray, frac_per_yr: Any, ceiling: Any) -> np.ndarray:
        """One month of logistic growth: the rate ``frac_per_yr`` [fraction/yr] while far below
        ``ceiling``, slowing to zero at it."""
        step = (1.0 + np.asarray(frac_per_yr, float)) ** (1.0 / 12.0) - 1.0
        return value + value * step * (1.0 - value / np.asarray(ceiling, float))

    # ---------------------------------------------------------------- phases

    def offer(self) -> None:
        """Produce, then post offers and demands."""

    def settle(self) -> None:
        """Read what cleared; update stocks; pay."""

    # ---------------------------------------------------------------- hand-over

    def snapshot(self) -> dict[str, np.ndarray]:
        """Copies of every state array (member 0 only is needed for a hand-over)."""
        return {k: v.copy() for k, v in self.s.arrays().items()}

    def restore(self, arrays: dict[str, np.ndarray]) -> None:
        """Start from another run's end state, broadcast to this model's K members."""
        for key, value in arrays.items():
            current = getattr(self.s, key, None)
            shape = (self.K, *value.shape[1:])
            if current is not None and current.shape[1:] != value.shape[1:]:
                raise ValueError(f"{self.name}.{key}: state shape {value.shape[1:]} does not fit {current.shape[1:]}")
            setattr(self.s, key, np.broadcast_to(value[:1], shape).copy())
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
    return np.stack([np.broadcast_to(np.asarray(getattr(g, field), dtype=float), (K,)) for g in items], axis=1)


BINDING = ("none", "demand", "launch", "pv", "chips", "power", "capital", "manufacturing", "regulation", "economics")


def binding_code(limits: dict[str, np.ndarray]) -> np.ndarray:
    """Index in :data:`BINDING` of the tightest limit per member (the smallest value)."""
    names = list(limits)
    stack = np.stack([np.asarray(limits[n], dtype=float) for n in names], axis=0)
    which = np.argmin(stack, axis=0)
    codes = np.array([BINDING.index(n) for n in names], dtype=np.int8)
    return codes[which]


def wright(initial: Any, cumulative: Any, initial_cumulative: Any, progress_ratio: Any, floor: Any = 0.0) -> np.ndarray:
    """Shorthand for :func:`ecosim.physics.launch.wright_cost`."""
    from ecosim.physics.launch import wright_cost

    return wright_cost(initial, cumulative, initial_cumulative, progress_ratio, floor)
