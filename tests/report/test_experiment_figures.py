"""The grid map of a cost ratio draws where orbit breaks even (issue 19, item 7: break-even contours)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ecosim.report.experiment_figures import _break_even  # noqa: E402


def test_a_cost_ratio_grid_that_crosses_one_gets_the_break_even_contour() -> None:
    """Ratios 0.5-2.0 over a 3 x 3 grid: the contour at 1 lies between the cells below and above it."""
    fig, ax = plt.subplots()
    grid = np.array([[0.5, 0.8, 1.2], [0.7, 1.1, 1.5], [0.9, 1.4, 2.0]])
    _break_even(ax, "odc_cost_ratio_2030", grid)
    (cs,) = [c for c in ax.collections if hasattr(c, "levels")]
    assert list(cs.levels) == [1.0]
    xy = np.vstack(cs.allsegs[0])
    # on the bottom row (0.5, 0.8, 1.2) the ratio crosses 1 at column 1.5 (linear between 0.8 and 1.2)
    assert np.isclose(xy[np.isclose(xy[:, 1], 0.0)][:, 0], 1.5).any()
    plt.close(fig)


def test_a_grid_that_never_crosses_one_says_so_and_other_outcomes_are_untouched() -> None:
    fig, ax = plt.subplots()
    ax.set_title("odc_cost_ratio_2030 [ratio]")
    _break_even(ax, "odc_cost_ratio_2030", np.array([[1.04, 1.07], [2.5, 4.0]]))
    assert ax.get_title() == "odc_cost_ratio_2030 [ratio]\nabove 1 everywhere: no break-even line on this grid"
    assert not [c for c in ax.collections if hasattr(c, "levels")]
    ax.set_title("odc_power_2035_gw [GW]")
    _break_even(ax, "odc_power_2035_gw", np.array([[0.5, 2.0], [0.5, 2.0]]))
    assert ax.get_title() == "odc_power_2035_gw [GW]" and not ax.collections
    plt.close(fig)
