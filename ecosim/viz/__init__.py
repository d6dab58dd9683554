"""The browser view (Mesa SolaraViz): watch the ecosystem month by month and pull its levers.

=====================  =====================================================================
module                 holds
=====================  =====================================================================
``levers``             sliders and link toggles derived from the scenario schema; ``Settings``
``live``               ``LiveModel`` (the model the page steps), frames, the value definitions
``canvas``             fast redrawing of matplotlib panels (blitting)
``panels``             the live panels, ``PANELS``
``controls``           the sidebar: scenario chooser, levers, links
``page``               ``EcosimPage``: SolaraViz plus the panels and the sidebar
``server``             ``ecosim viz``: checks, offline settings, the Solara server
=====================  =====================================================================

Nothing else in ecosim imports this package; ``viz/app.py`` is the page Solara serves.
"""

import warnings

# Mesa's SolaraViz declares a hook after an early return (ComponentsView); Solara's hook
# checker warns about it when mesa.visualization is imported. It is Mesa's, and harmless here.
warnings.filterwarnings("ignore", message=r"(?s).*ComponentsView: `use_state` found despite early return", category=UserWarning)
