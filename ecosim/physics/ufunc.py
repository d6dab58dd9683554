"""NumPy's ufuncs called directly where the agents and the exchange call them every month: the
same numbers as the NumPy functions that wrap them, without their Python wrappers."""

from __future__ import annotations

from typing import Any

try:
    from numpy._core.umath import clip as _clip_ufunc  # type: ignore[attr-defined]
except ImportError:  # NumPy 1.x
    from numpy.core.umath import clip as _clip_ufunc  # type: ignore[no-redef]


def clip(value: Any, lo: Any, hi: Any) -> Any:
    """``np.clip(value, lo, hi)`` of floats, bit for bit: NumPy's clip ufunc, which ``np.clip``
    calls, without the Python wrappers around it (they cost several times the clipping of the
    few numbers an agent clips at a time).

    >>> import numpy as np
    >>> clip(np.array([-1.0, 0.5, 2.0]), 0.0, 1.0).tolist()
    [0.0, 0.5, 1.0]
    """
    return _clip_ufunc(value, lo, hi)
