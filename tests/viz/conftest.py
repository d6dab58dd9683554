"""Mesa's SolaraViz declares a hook after an early return; Solara warns about it on import."""

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    import mesa.visualization  # noqa: F401
