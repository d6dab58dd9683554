"""ecosim: an agent-based simulation of the Musk-ecosystem flywheel, on Mesa.

From Python: :mod:`ecosim.api` (``simulate``, ``Results``, ``value``, ``EcosimModel``...),
documented in ``docs/python-api.md`` with ``notebooks/quickstart.ipynb``; on the command line,
``ecosim run baseline``.
"""

__version__ = "0.1.0"
