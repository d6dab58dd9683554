"""Google and Planet's Project Suncatcher: TPU satellites in a dawn-dusk orbit.

Two prototype satellites are planned for early 2027 (Google Research, 2025-11-04); Google's
own paper puts orbital compute at parity near 200 USD/kg launch prices (~2035). It has no
rockets: it buys Falcon 9 / Starship launches from SpaceX at SpaceX's price, and builds
beyond prototypes only when :func:`compare_costs` says orbit is cheaper than its own data
centers (``[google_dc]``).
"""

from __future__ import annotations

from ecosim.agents.orbital_dc import OrbitalDataCenter


class GooglePlanet(OrbitalDataCenter):
    kind = "orbital_dc"
    label = "Google/Planet Suncatcher"
    launch_tier = 1
