"""NumPy's ufuncs called directly where the agents and the exchange call them every month: the
same numbers as the NumPy functions that wrap them, without their Python wrappers; and
``ratio_or``, a masked division that skips the mask when there is one member.

``clip(value, lo, hi)`` is ``np.clip(value, lo, hi)`` of floats, bit for bit: NumPy's clip
ufunc itself, which ``np.clip`` calls, without the Python wrappers around it (they cost several
times the clipping of the few numbers an agent clips at a time), and without one of its own
(agents clip ~100 times a month).

>>> import numpy as np
>>> clip(np.array([-1.0, 0.5, 2.0]), 0.0, 1.0).tolist()
[0.0, 0.5, 1.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy import empty as _empty

try:
    from numpy._core.umath import clip as _clip_ufunc  # type: ignore[attr-defined]
except ImportError:  # NumPy 1.x
    from numpy.core.umath import clip as _clip_ufunc  # type: ignore[no-redef]

#: ``np.clip(value, lo, hi)`` of floats, bit for bit (see the module docstring)
clip: Any = _clip_ufunc


def columns(arrays: list[Any]) -> Any:
    """``np.stack(arrays, axis=1)`` of float64 arrays of one shape (K,): the same (K, n) table,
    written a column at a time (np.stack's Python costs more than the copying, for a few
    columns of a few members).

    >>> import numpy as np
    >>> a, b = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    >>> columns([a, b]).tolist() == np.stack([a, b], axis=1).tolist()
    True
    """
    first = arrays[0]
    out = _empty((first.shape[0], len(arrays)))
    for j, a in enumerate(arrays):
        out[:, j] = a
    return out


#: the shape of a per-member array of one member (the builders' and labs' one-member paths)
ONE_MEMBER = (1,)


def ratio_or(num: np.ndarray, den: np.ndarray, fill: np.ndarray, sign: np.ndarray | None = None) -> np.ndarray:
    """``np.divide(num, den, out=fill.copy(), where=(den if sign is None else sign) > 0)`` of
    per-member arrays: ``num / den`` where ``sign`` (``den``) is positive, ``fill`` elsewhere.
    One member: the division or a copy of the fill, without the mask and the masked divide
    (the same numbers, at a third of their cost).

    >>> ratio_or(np.array([3.0]), np.array([2.0]), np.zeros(1)).tolist(), ratio_or(np.array([3.0]), np.array([0.0]), np.ones(1)).tolist()
    ([1.5], [1.0])
    >>> ratio_or(np.array([3.0, 3.0]), np.array([2.0, -1.0]), np.zeros(2)).tolist()
    [1.5, 0.0]
    """
    positive = den if sign is None else sign
    if positive.shape == ONE_MEMBER:
        return num / den if positive[0] > 0 else fill.copy()
    return np.divide(num, den, out=fill.copy(), where=positive > 0)
