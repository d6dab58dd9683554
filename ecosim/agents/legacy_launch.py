"""Expendable heavy launchers (ULA Vulcan and Atlas V, Arianespace Ariane 6).

They sell most of their flights to Kuiper (Amazon bought 38 Vulcan, 9 Atlas V and 18
Ariane 6 launches). Expendable: ``booster_life_flights = 1``, so a vehicle flies once and
the build rate is the cadence. Parameters: ``[legacy_launch]``.
"""

from __future__ import annotations

from ecosim.agents.launcher import LaunchProvider


class LegacyLaunch(LaunchProvider):
    kind = "legacy_launch"
    label = "ULA & Arianespace"
