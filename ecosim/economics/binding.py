"""What limits a build decision: the codes the agents record in ``odc_binding`` and
``tdc_binding`` (index into :data:`BINDING`), so readers of results can name them without the
agents."""

from __future__ import annotations

#: the limits a builder can hit, by code (a metric holds the index)
BINDING = ("none", "demand", "launch", "pv", "chips", "power", "capital", "manufacturing", "regulation", "economics")
