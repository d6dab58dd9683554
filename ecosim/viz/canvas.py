"""Fast redrawing of matplotlib panels for the browser view (blitting).

Drawing a whole figure costs ~30 ms here, mostly laying out tick labels and text; a page of
six figures redrawn every month would cap the view near 5 months per second. A
:class:`LiveFigure` draws its static parts (axes, ticks, labels, legend) once per *key* —
the axis limits — keeps that image, and each month only restores it and draws the artists
that changed (lines, areas, edges), the blitting recipe of the matplotlib documentation
("Faster rendering by using blitting"). Axis limits move in coarse steps
(:func:`grow_limit`, :func:`log_limits`), so the static parts are redrawn a few times per run.
The result is encoded as PNG (:func:`encode_png`), what ``solara.Image`` shows.

Matplotlib's object API is used (no pyplot): figures are private to one panel of one model
and guarded by a lock, so several browser sessions can draw at once.
"""

from __future__ import annotations

import math
import struct
import threading
import zlib
from collections.abc import Hashable, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

#: Resolution of panel images [dots per inch].
DPI = 80
#: zlib level of the PNG encoding (1: fast; the images are small and sent over loopback).
PNG_COMPRESS_LEVEL = 1


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def encode_png(rgb: np.ndarray, level: int = PNG_COMPRESS_LEVEL) -> bytes:
    """An RGB image (height, width, 3) of uint8 as a PNG file (PNG spec, ISO/IEC 15948).

    Rows are stored unfiltered (filter type 0) and deflated at ``level``. Pillow chooses a
    filter per row, which triples the encoding time of these charts (15 ms instead of 7 ms
    for the network panel here) for files of about the same size; the page encodes six
    images a month, so this is where its time would go.

    >>> import io
    >>> png = encode_png(np.zeros((2, 3, 3), dtype=np.uint8))
    >>> png[1:4], Image.open(io.BytesIO(png)).size
    (b'PNG', (3, 2))
    """
    height, width, _ = rgb.shape
    raw = np.empty((height, 1 + 3 * width), dtype=np.uint8)
    raw[:, 0] = 0  # filter type 0: none
    raw[:, 1:] = rgb.reshape(height, 3 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw.tobytes(), level)) + _chunk(b"IEND", b"")


#: Mantissas of the axis limits a growing line steps through (x 10^k).
NICE_STEPS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0)


def grow_limit(peak: float, current: float = 0.0) -> float:
    """An upper axis limit for data reaching ``peak``: kept while it fits, else the next
    :data:`NICE_STEPS` value above ``1.1 * peak`` (so a growing line rescales a few times).

    >>> grow_limit(3.2), grow_limit(3.2, 5.0), grow_limit(6.0, 5.0), grow_limit(0.0), grow_limit(204.0)
    (5.0, 5.0, 7.5, 1.0, 300.0)
    """
    if not math.isfinite(peak) or peak <= 0:
        return current if current > 0 else 1.0
    if peak <= current:
        return current
    target = 1.1 * peak
    k = math.floor(math.log10(target))
    return next(m * 10**k for m in NICE_STEPS if m * 10**k >= target)


def log_limits(lo: float, hi: float, current: tuple[float, float] | None = None) -> tuple[float, float]:
    """Limits of a log axis: whole decades around [lo / 1.25, 1.25 hi], widened only when the
    data leaves them (never narrowed, so the picture does not jump back and forth).

    >>> log_limits(150.0, 2700.0), log_limits(100.0, 2700.0, (100.0, 10000.0))
    ((100.0, 10000.0), (10.0, 10000.0))
    """
    lo = max(lo, 1e-300) / 1.25
    hi = max(hi * 1.25, lo)
    new = (10.0 ** math.floor(math.log10(lo)), 10.0 ** math.ceil(math.log10(hi)))
    if current is None:
        return new
    return (min(current[0], new[0]), max(current[1], new[1]))


class LiveFigure:
    """A figure whose static parts are drawn once per key and whose changing artists are blitted.

    Parameters
    ----------
    width_in, height_in : figure size [inch]; the PNG is ``DPI`` times that in pixels.

    Use ``fig`` to build axes; then each frame: update or replace the changing artists and
    call :meth:`png` with them and a key that changes when a static part must change.
    """

    #: Redraw everything every frame (no blitting): what the benchmark compares against.
    always_full = False

    def __init__(self, width_in: float, height_in: float) -> None:
        self.fig = Figure(figsize=(width_in, height_in), dpi=DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        self.lock = threading.Lock()
        self._key: Hashable = None
        self._background = None
        self.full_draws = 0  # static redraws so far (the benchmark reports it)
        self.frame_key: Hashable = None  # what the last PNG showed (set by the panels)
        self.last_png = b""
        self.overlay = Figure(figsize=(width_in, height_in), dpi=DPI)
        self.overlay.patch.set_alpha(0.0)
        self._overlay_canvas = FigureCanvasAgg(self.overlay)
        self._overlay_image: Image.Image | None = None

    def overlay_axes(self, ax: Axes) -> Axes:
        """Axes on the transparent overlay at the place and limits of ``ax``.

        What is drawn on them (e.g. labelled nodes) is rendered once and laid over every frame,
        above the changing artists, for the cost of an alpha composite instead of a text layout.
        """
        over = self.overlay.add_axes(ax.get_position().bounds)
        over.set_xlim(ax.get_xlim())
        over.set_ylim(ax.get_ylim())
        over.set_axis_off()
        over.patch.set_alpha(0.0)
        return over

    def png(self, dynamic: Sequence[Artist], key: Hashable) -> bytes:
        """The figure as PNG: static parts redrawn only if ``key`` changed, then ``dynamic`` on top."""
        for artist in dynamic:
            artist.set_animated(True)
        if self._background is None or key != self._key or self.always_full:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._key = key
            self.full_draws += 1
        else:
            self.canvas.restore_region(self._background)
        for artist in dynamic:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        rgba = np.asarray(self.canvas.buffer_rgba())
        if self.overlay.axes:
            if self._overlay_image is None:
                self._overlay_canvas.draw()
                self._overlay_image = Image.frombuffer("RGBA", (width, height), bytes(self._overlay_canvas.buffer_rgba()), "raw", "RGBA", 0, 1)
            frame = Image.frombuffer("RGBA", (width, height), rgba.tobytes(), "raw", "RGBA", 0, 1)
            rgba = np.asarray(Image.alpha_composite(frame, self._overlay_image))
        self.last_png = encode_png(rgba[:, :, :3])
        return self.last_png
