"""The browser view (Mesa SolaraViz): watch the ecosystem month by month and pull its levers.

=====================  =====================================================================
module                 holds
=====================  =====================================================================
``levers``             sliders and link toggles derived from the scenario schema; ``Settings``
``live``               ``LiveModel`` (the model the page steps), frames, the value definitions
``charts``             the interactive (Plotly) time charts and the value chart
``network``            the exchange-network chart
``scorecard``          the narrative scorecard so far
``panels``             the panels of the page, ``PANELS``
``glossary``           tooltips of terms and units (from ``ecosim.nomenclature``)
``export``             command line, scenario TOML, watched months, the link, loaded files
``widgets``            small Vue widgets: copy a line, load a file
``controls``           the sidebar (scenario, file, reference run, seed, levers, links) and
                       the take-away card
``page``               ``EcosimPage``: SolaraViz plus the intro, time slider, panels, sidebar
``server``             ``ecosim viz``: checks, offline settings, the Solara server
=====================  =====================================================================

Nothing else in ecosim imports this package; ``viz/app.py`` is the page Solara serves.
"""

import warnings

# Mesa's SolaraViz declares a hook after an early return (ComponentsView); Solara's hook
# checker warns about it when mesa.visualization is imported. It is Mesa's, and harmless here.
warnings.filterwarnings("ignore", message=r"(?s).*ComponentsView: `use_state` found despite early return", category=UserWarning)
