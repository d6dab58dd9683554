"""ecosim in the browser (Mesa SolaraViz): ``ecosim viz``, or ``solara run viz/app.py``.

Thin on purpose: the model is :class:`ecosim.viz.live.LiveModel`, the panels are
:data:`ecosim.viz.panels.PANELS`, the page is :func:`ecosim.viz.page.EcosimPage`.
"""

from ecosim.viz.page import EcosimPage
from ecosim.viz.panels import PANELS

page = EcosimPage(panels=tuple(PANELS))
