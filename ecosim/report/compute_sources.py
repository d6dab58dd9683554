"""The sources of AI compute that every view draws: the run's figure
(:func:`ecosim.report.figures.compute_by_source`), the browser's chart and its orbital share
(:mod:`ecosim.viz.charts`, :mod:`ecosim.viz.panels`). One list, so that each view adds and
subtracts the same metrics: Google's ``google_compute_eflops`` includes its Suncatcher
satellites, which count in orbit, so its ground line is that metric less
``google_orbital_compute_eflops``; xAI's leased compute is its own line beside its own data
centers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

ORBITAL = "#D55E00"
TERRESTRIAL = "#E69F00"


@dataclass(frozen=True)
class ComputeSource:
    """One source of compute [EFLOP/s]: the metrics added (``plus``) less those subtracted
    (``minus``, never below zero), its label, colour, line width and dash (``solid``, ``dash``,
    ``dashdot``); ``orbital``: it runs in orbit."""

    label: str
    plus: tuple[str, ...]
    colour: str
    width: float
    dash: str = "solid"
    minus: tuple[str, ...] = ()
    orbital: bool = False

    @property
    def metrics(self) -> tuple[str, ...]:
        """Every metric the source reads."""
        return self.plus + self.minus

    def values(self, get: Callable[[str], np.ndarray]) -> np.ndarray:
        """Its values from ``get(metric)`` (equal-length arrays) [EFLOP/s].

        >>> src = ComputeSource("g", ("a",), "#000", 1.0, minus=("b",))
        >>> src.values({"a": np.array([3.0, 1.0]), "b": np.array([1.0, 2.0])}.__getitem__).tolist()
        [2.0, 0.0]
        """
        v = np.sum([np.asarray(get(m), dtype=float) for m in self.plus], axis=0)
        if self.minus:
            v = np.maximum(v - np.sum([np.asarray(get(m), dtype=float) for m in self.minus], axis=0), 0.0)
        return v


#: Every source of AI compute the views draw, in legend order.
COMPUTE_SOURCES: tuple[ComputeSource, ...] = (
    ComputeSource("SpaceX orbital (xAI)", ("odc_compute_eflops",), ORBITAL, 2.6, orbital=True),
    ComputeSource("other orbital (Google, Starcloud)", ("google_orbital_compute_eflops", "starcloud_compute_eflops"), "#CC79A7", 1.4,
                  dash="dash", orbital=True),
    ComputeSource("xAI terrestrial (own)", ("terrestrial_compute_eflops",), TERRESTRIAL, 2.4),
    ComputeSource("xAI leased (clouds, neoclouds)", ("xai_leased_eflops",), TERRESTRIAL, 1.6, dash="dashdot"),
    ComputeSource("OpenAI (owned and leased)", ("openai_compute_eflops",), "#009E73", 1.6),
    ComputeSource("Google terrestrial", ("google_compute_eflops",), "#0072B2", 1.6, minus=("google_orbital_compute_eflops",)),
    ComputeSource("Anthropic (owned and leased)", ("anthropic_compute_eflops",), "#56B4E9", 1.4),
)
