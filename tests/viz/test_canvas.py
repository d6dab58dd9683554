"""Blitted panels look exactly like fully drawn ones, and redraw their static parts rarely."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.lines import Line2D
from numpy.testing import assert_array_equal
from PIL import Image

from ecosim.viz.canvas import DPI, LiveFigure, encode_png, grow_limit, log_limits


def _decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _figure() -> tuple[LiveFigure, Line2D]:
    live = LiveFigure(4.0, 3.0)
    ax = live.fig.add_subplot()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    (line,) = ax.plot([], [], color="red", lw=2)
    return live, line


def test_blitted_frame_equals_a_full_draw() -> None:
    """Restoring the static background and drawing the line gives the same pixels as drawing all."""
    live, line = _figure()
    line.set_data([0, 5], [0, 5])
    live.png([line], key="k")
    line.set_data([0, 5, 9], [0, 5, 2])
    blitted = _decode(live.png([line], key="k"))
    fresh, fresh_line = _figure()
    fresh_line.set_data([0, 5, 9], [0, 5, 2])
    full = _decode(fresh.png([fresh_line], key="other"))
    assert blitted.shape == (3 * DPI, 4 * DPI, 3)
    assert_array_equal(blitted, full)
    assert live.full_draws == 1


def test_static_parts_are_redrawn_only_when_the_key_changes() -> None:
    """Same key: no static redraw; a new key (new axis limits): one."""
    live, line = _figure()
    for key in ("a", "a", "a", "b", "b"):
        live.png([line], key=key)
    assert live.full_draws == 2


def test_overlay_is_drawn_above_the_changing_artists() -> None:
    """What sits on the overlay (network nodes) stays visible where a changing artist passes under it."""
    live, line = _figure()
    over = live.overlay_axes(live.fig.axes[0])
    over.scatter([5], [5], s=400, color="blue")
    line.set_data([0, 10], [0, 10])
    img = _decode(live.png([line], key="k"))
    # the data point (5, 5) in pixels: the middle of the axes
    bbox = live.fig.axes[0].get_window_extent()
    px, py = int((bbox.x0 + bbox.x1) / 2), int(img.shape[0] - (bbox.y0 + bbox.y1) / 2)
    r, g, b = img[py, px]
    assert b > 200 and r < 60  # blue node on top of the red line


def test_axis_limits_grow_in_coarse_steps() -> None:
    """A line growing from 1 to 1000 rescales its axis a handful of times, never shrinks it."""
    limit, changes = 0.0, 0
    for peak in np.geomspace(1, 1000, 200):
        new = grow_limit(float(peak), limit)
        assert new >= peak and new >= limit
        changes += new != limit
        limit = new
    assert changes <= 22
    lims: tuple[float, float] | None = None
    for hi in np.geomspace(10, 1e5, 100):
        wider = log_limits(1.0, float(hi), lims)
        assert lims is None or (wider[0] <= lims[0] and wider[1] >= lims[1])
        lims = wider
    assert lims == (0.1, 1e6)


def test_png_encoding_is_lossless() -> None:
    """encode_png gives a standard PNG that decodes to the very pixels of the figure."""
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    assert_array_equal(_decode(encode_png(rgb)), rgb)
