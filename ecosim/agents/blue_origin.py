"""Blue Origin's New Glenn: a reusable 45 t heavy launcher selling launches to Kuiper and others.

Parameters: ``[new_glenn]`` (a :class:`~ecosim.scenario.schema.VehicleLine`); sources in
``scenarios/history.toml`` (payload 45 t and a booster designed for 25 flights: Blue Origin).
"""

from __future__ import annotations

from ecosim.agents.launcher import LaunchProvider


class NewGlenn(LaunchProvider):
    kind = "new_glenn"
    label = "Blue Origin"
