"""Electric grids (US, China): generation, interconnection queues with all their load, price.

**The queue.** Every request to connect waits in one interconnection queue [GW]: the modelled
data centers' requests (their ``connection_request_mw`` signal) and a background of everyone
else's (other data centers, industry, and the generation and storage projects whose studies
share the queue [1]), which arrives at ``background_requests_gw_per_yr`` (growing) on top of a
``background_queue_gw_initial`` already waiting. Each month the grid works through
``queue_throughput_gw_per_yr / 12`` of the queue (studies completed, projects connected or
withdrawn), every entry in proportion to its size, and a data center's processed request is
connected ``base_delay_yr`` later (facilities and construction); the grid tells each data
center what was connected (``connection_added_mw``). A new request's expected wait is

    delay = base_delay + queue / throughput     [yr]

published as ``interconnection_delay_yr`` (the figure the builders price into their
terrestrial option). So the wait is an outcome: it grows when requests (modelled or not) come
faster than the grid can process them, and shrinks when the grid catches up.

**Price.** The price of power rises with the share of generation the modelled loads take. The
data centers it serves are the readers of its signals on the network.

[1] LBNL, Queued Up (2020-2024 editions): 734 GW in US interconnection queues at the end of 2019,
    2,600 GW at the end of 2023, ~5 years median from request to operation.
[2] Energy Institute Statistical Review 2025: US 4,635 TWh and China 10,087 TWh in 2024.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import HOURS_PER_MONTH, EcosimAgent, clip

PIPE_MONTHS = 240


class Grid(EcosimAgent):
    kind = "grid"
    label = "Grid"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        K = self.K
        self.s.generation_twh_per_yr = np.full(K, p.generation_twh_per_yr_initial, dtype=float)
        self.s.throughput_gw_per_yr = np.full(K, p.queue_throughput_gw_per_yr_initial, dtype=float)
        self.s.background_gw = np.full(K, p.background_queue_gw_initial, dtype=float)
        self.s.background_requests_gw_per_yr = np.full(K, p.background_requests_gw_per_yr_initial, dtype=float)
        self.s.price_usd_per_mwh = np.full(K, p.price_usd_per_mwh_initial, dtype=float)
        self.consumers = self.ex.readers(self.name, "connection_added_mw")
        for c in self.consumers:
            setattr(self.s, f"backlog_{c}", np.zeros(K))
            setattr(self.s, f"pipe_{c}", np.zeros((K, PIPE_MONTHS)))
            self.ex.publish_to(self.name, c, "connection_added_mw", np.zeros(K))
        self.sold_mw = np.zeros(K)
        #: each consumer's state names (its backlog, its pipe), formatted once
        self._state_keys = [(c, f"backlog_{c}", f"pipe_{c}") for c in self.consumers]
        #: the months from a grant to its connection: a function of its parameters, fixed in a run
        #: (one number when every member shares it)
        delay_m = clip(np.rint(np.asarray(p.base_delay_yr) * 12.0), 0, PIPE_MONTHS - 1).astype(int)
        self._delay_m: Any = int(delay_m) if np.ndim(delay_m) == 0 else delay_m
        self.publish("interconnection_delay_yr", self.delay_yr)

    @property
    def backlog_mw(self) -> np.ndarray:
        """The modelled data centers' requests waiting in the queue [MW]."""
        s = self.s
        return sum((getattr(s, backlog) for _, backlog, _ in self._state_keys), self.zeros())

    @property
    def queue_gw(self) -> np.ndarray:
        """Everything waiting in the queue [GW]: the background and the modelled requests."""
        return self.s.background_gw + self.backlog_mw / 1000.0

    @property
    def delay_yr(self) -> np.ndarray:
        """Expected wait of a request made now [yr]: facilities and construction plus the queue."""
        rate = np.maximum(self.s.throughput_gw_per_yr, 1e-9)
        return self.p.base_delay_yr + self.queue_gw / rate

    def offer(self) -> None:
        # power is limited by connections (each consumer demands at most what it has connected)
        supply = self.s.generation_twh_per_yr * 1e6 / (HOURS_PER_MONTH * 12.0)  # average MW
        self.ex.offer(self.name, "power", supply, self.s.price_usd_per_mwh * HOURS_PER_MONTH)

    def settle(self) -> None:
        p, s = self.p, self.s
        t = self.t
        keys = self._state_keys
        for c, name, _ in keys:
            setattr(s, name, getattr(s, name) + np.maximum(self.read(c, "connection_request_mw"), 0.0))
        s.background_gw = s.background_gw + s.background_requests_gw_per_yr / 12.0
        total_gw = self.queue_gw
        processed_gw = np.minimum(total_gw, s.throughput_gw_per_yr / 12.0)
        if self.K == 1:  # one member: the division or none, without the mask
            share = processed_gw / total_gw if total_gw[0] > 0 else self.zeros()  # of every entry
        else:
            share = np.divide(processed_gw, total_gw, out=np.zeros(self.K), where=total_gw > 0)
        s.background_gw = s.background_gw * (1.0 - share)
        due = (t + self._delay_m) % PIPE_MONTHS
        # one delay for every member: a column, the same additions without fancy indexing
        at: Any = (slice(None), due) if type(due) is int else (np.arange(self.K), np.broadcast_to(due, (self.K,)))
        for c, name, pipe_name in keys:
            backlog = getattr(s, name)
            grant = backlog * share
            setattr(s, name, backlog - grant)
            pipe = getattr(s, pipe_name)
            pipe[at] += grant
            arrive = pipe[:, t % PIPE_MONTHS].copy()
            pipe[:, t % PIPE_MONTHS] = 0.0
            self.ex.publish_to(self.name, c, "connection_added_mw", arrive)
        self.sold_mw = self.ex.sold(self.name, "power")
        load_share = self.sold_mw * HOURS_PER_MONTH * 12.0 / (s.generation_twh_per_yr * 1e6)
        s.price_usd_per_mwh = p.price_usd_per_mwh_initial * (1.0 + p.price_scarcity_elasticity * load_share)
        self.pay_costs(self.ex.earned(self.name, "power") * p.cost_frac_of_price, "opex")
        s.generation_twh_per_yr = self.grow(s.generation_twh_per_yr, p.generation_growth_frac_per_yr)
        s.throughput_gw_per_yr = self.grow(s.throughput_gw_per_yr, p.queue_throughput_growth_frac_per_yr, p.queue_throughput_gw_per_yr_max)
        s.background_requests_gw_per_yr = self.grow(s.background_requests_gw_per_yr, p.background_requests_growth_frac_per_yr)
        self.publish("interconnection_delay_yr", self.delay_yr)
