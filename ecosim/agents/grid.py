"""Electric grids (US, China): generation, large-load interconnection queues, price.

Data centers ask to connect IT power [MW] (their ``connection_request_mw`` signal); requests
wait in the grid's queue. Each month the grid connects up to ``large_load_gw_per_yr / 12`` of
queued load, shared pro rata among the waiting requests, and a connection then takes
``base_delay_yr`` of studies and construction before power flows; the grid tells each data
center what was connected (``connection_added_mw``). A new request's expected wait is
``base_delay + backlog / connection rate`` [yr], published as ``interconnection_delay_yr`` (the
figure the builders price into their terrestrial option). The price of power rises with the
share of generation the modelled loads take. The data centers it serves are the readers of its
signals on the network.

[1] LBNL, Queued Up 2024: 2,600 GW in US interconnection queues, ~5 years median to operation.
[2] Energy Institute Statistical Review 2025: US 4,635 TWh and China 10,087 TWh in 2024.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import HOURS_PER_MONTH, EcosimAgent

PIPE_MONTHS = 240


class Grid(EcosimAgent):
    kind = "grid"
    label = "Grid"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        K = self.K
        self.s.generation_twh_per_yr = np.full(K, p.generation_twh_per_yr_initial, dtype=float)
        self.s.connect_gw_per_yr = np.full(K, p.large_load_gw_per_yr_initial, dtype=float)
        self.s.price_usd_per_mwh = np.full(K, p.price_usd_per_mwh_initial, dtype=float)
        self.consumers = self.ex.readers(self.name, "connection_added_mw")
        for c in self.consumers:
            setattr(self.s, f"backlog_{c}", np.zeros(K))
            setattr(self.s, f"pipe_{c}", np.zeros((K, PIPE_MONTHS)))
            self.ex.publish_to(self.name, c, "connection_added_mw", np.zeros(K))
        self.sold_mw = np.zeros(K)
        self.publish("interconnection_delay_yr", self.delay_yr)

    @property
    def backlog_mw(self) -> np.ndarray:
        return sum((getattr(self.s, f"backlog_{c}") for c in self.consumers), self.zeros())

    @property
    def delay_yr(self) -> np.ndarray:
        """Expected wait of a request made now [yr]: studies/construction plus the queue."""
        rate = np.maximum(self.s.connect_gw_per_yr * 1000.0, 1e-9)
        return self.p.base_delay_yr + self.backlog_mw / rate


    def offer(self) -> None:
        # power is limited by connections (each consumer demands at most what it has connected)
        supply = self.s.generation_twh_per_yr * 1e6 / (HOURS_PER_MONTH * 12.0)  # average MW
        self.ex.offer(self.name, "power", supply, self.s.price_usd_per_mwh * HOURS_PER_MONTH)

    def settle(self) -> None:
        p, s = self.p, self.s
        t = self.t
        rate = s.connect_gw_per_yr * 1000.0 / 12.0
        delay_m = np.clip(np.rint(np.asarray(p.base_delay_yr) * 12.0), 0, PIPE_MONTHS - 1).astype(int)
        rows = np.arange(self.K)
        for c in self.consumers:
            backlog = getattr(s, f"backlog_{c}") + np.maximum(self.read(c, "connection_request_mw"), 0.0)
            setattr(s, f"backlog_{c}", backlog)
        total = self.backlog_mw
        for c in self.consumers:
            backlog = getattr(s, f"backlog_{c}")
            grant = np.minimum(backlog, np.divide(backlog * rate, total, out=np.zeros(self.K), where=total > 0))
            setattr(s, f"backlog_{c}", backlog - grant)
            pipe = getattr(s, f"pipe_{c}")
            pipe[rows, np.broadcast_to((t + delay_m) % PIPE_MONTHS, (self.K,))] += grant
            arrive = pipe[:, t % PIPE_MONTHS].copy()
            pipe[:, t % PIPE_MONTHS] = 0.0
            self.ex.publish_to(self.name, c, "connection_added_mw", arrive)
        self.sold_mw = self.ex.sold(self.name, "power")
        share = self.sold_mw * HOURS_PER_MONTH * 12.0 / (s.generation_twh_per_yr * 1e6)
        s.price_usd_per_mwh = p.price_usd_per_mwh_initial * (1.0 + p.price_scarcity_elasticity * share)
        self.pay_costs(self.ex.earned(self.name, "power") * p.cost_frac_of_price, "opex")
        s.generation_twh_per_yr = self.grow(s.generation_twh_per_yr, p.generation_growth_frac_per_yr)
        s.connect_gw_per_yr = self.grow(s.connect_gw_per_yr, p.large_load_growth_frac_per_yr, p.large_load_gw_per_yr_max)
        self.publish("interconnection_delay_yr", self.delay_yr)
