"""Amazon's Project Kuiper: 3,232 authorized satellites under FCC deployment milestones.

Half the constellation must be in orbit by 2026-07 and all of it by 2029-07 (FCC license
conditions). Under ``milestone_rule = "reduce"`` a missed milestone cuts the authorization to
what is in orbit (the strict reading); ``"extension"`` records the miss and goes on (what
the FCC usually grants). Kuiper buys launches from New Glenn, Vulcan/Atlas/Ariane and
Falcon 9, and competes with Starlink for subscribers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.constellation import Constellation


class Kuiper(Constellation):
    kind = "kuiper"
    label = "Kuiper"
    launch_tier = 1

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        self.s.milestones_missed = np.zeros(self.K)

    def authorized(self) -> np.ndarray:
        """FCC authorization, less any cut for a missed milestone."""
        return np.minimum(np.asarray(self.p.authorized_satellites, dtype=float), self.s.authorization_cut)

    def settle(self) -> None:
        super().settle()
        for m in self.p.milestones:
            if int(m.month) == self.t:
                missed = self.active < m.satellites
                self.s.milestones_missed = self.s.milestones_missed + missed
                if self.p.milestone_rule == "reduce":
                    self.s.authorization_cut = np.where(missed, np.minimum(self.s.authorization_cut, self.active), self.s.authorization_cut)
