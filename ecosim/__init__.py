"""ecosim: an agent-based simulation of the Musk-ecosystem flywheel, on Mesa.

Start with :class:`ecosim.model.EcosimModel` and :func:`ecosim.scenario.load_scenario`;
``ecosim run scenarios/baseline.toml`` on the command line.
"""

__version__ = "0.1.0"
