"""Optimus earns its keep in Tesla's value (issue 14): robots are deployed where their labour is
worth more than their cost, so a weaker robot brain (xAI's capability signal to Optimus cut:
frozen at its 2026 value) can only lower Tesla's value, never raise it, as it did while robots
were bought as capex with their labour valued at zero."""

from __future__ import annotations

import numpy as np
import pytest

from ecosim.finance.series_value import equity_at_start
from ecosim.simulate import simulate

pytestmark = pytest.mark.slow


def test_cutting_xais_capability_to_optimus_does_not_raise_teslas_value() -> None:
    r = simulate("baseline", seed=42, members=2, edge_scales={"xai->optimus:capability": np.array([1.0, 0.0])})
    robots = r.series["optimus_robots"][-1]
    assert robots[1] < robots[0]  # the cut matters: fewer robots by 2040
    tesla = equity_at_start(r)["tesla"]
    assert np.all(np.isfinite(tesla))
    assert tesla[1] <= tesla[0]
