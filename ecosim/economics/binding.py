"""Binding constraints: which limit stops a build in a month, as a small integer code.

The agents record the code of their tightest limit every month (metrics ``odc_binding``,
``tdc_binding``); the flywheel probe and the reports turn the codes back into words. The table
lives here, below the agents, so that code reading results never imports the world.
"""

from __future__ import annotations

import numpy as np

#: the limits a build can meet, by code (the index in this tuple)
BINDING: tuple[str, ...] = ("none", "demand", "launch", "pv", "chips", "power", "capital", "manufacturing", "regulation", "economics")


def binding_code(limits: dict[str, np.ndarray]) -> np.ndarray:
    """Index in :data:`BINDING` of the tightest limit per member (the smallest value).

    >>> binding_code({"power": np.array([3.0, 1.0]), "chips": np.array([2.0, 5.0])}).tolist()
    [4, 5]
    """
    names = tuple(limits)
    return binding_code_of(names, np.array([limits[n] for n in names], dtype=float))  # the limits share a shape: np.stack's table, in one call


def binding_code_of(names: tuple[str, ...], table: np.ndarray) -> np.ndarray:
    """:func:`binding_code` of the limits ``names`` whose values are the rows of ``table`` (a
    caller that has the table already).

    >>> binding_code_of(("power", "chips"), np.array([[3.0, 1.0], [2.0, 5.0]])).tolist()
    [4, 5]
    """
    which = table.argmin(axis=0)  # (np.argmin's method, without its Python wrapper)
    codes = _CODES.get(names)
    if codes is None:
        codes = _CODES[names] = np.array([BINDING.index(n) for n in names], dtype=np.int8)
    return codes[which]


#: the codes of each tuple of limit names :func:`binding_code` has met (a handful: one per builder)
_CODES: dict[tuple[str, ...], np.ndarray] = {}
