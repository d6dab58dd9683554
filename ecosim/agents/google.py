"""Google (DeepMind) and its terrestrial TPU data centers.

Google's AI capex is set by Alphabet's budget (``[google_dc] capex_budget_usd_per_yr``), not
by the lab's revenue. Its orbital option is Project Suncatcher with Planet
(:mod:`ecosim.agents.google_planet`), on launches bought from SpaceX.
"""

from __future__ import annotations

from ecosim.agents.terrestrial_dc import TerrestrialDataCenter
from ecosim.agents.xai import Lab


class Google(Lab):
    kind = "google"
    label = "Google"


class GoogleDataCenters(TerrestrialDataCenter):
    kind = "terrestrial_dc"
    label = "Google DCs"
