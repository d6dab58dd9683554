"""OpenAI and its terrestrial compute (Microsoft Azure, then Stargate).

OpenAI is a rival lab (:class:`~ecosim.agents.xai.Lab`) with no rockets: all its compute is
terrestrial (``[openai_dc]``), funded by its revenue and its rounds. Its CEO's view that
space data centers are "absurd" for now is what ``compare_costs`` tests on its behalf.
"""

from __future__ import annotations

from ecosim.agents.terrestrial_dc import TerrestrialDataCenter
from ecosim.agents.xai import Lab


class OpenAI(Lab):
    kind = "openai"
    label = "OpenAI"


class OpenAIDataCenters(TerrestrialDataCenter):
    kind = "terrestrial_dc"
    label = "OpenAI DCs"
