"""Public orbital-compute cost models reproduced under their own conventions.

Each case of ``ecosim/data/odc_cross_check.toml`` holds a published calculator's or study's
inputs (in ecosim's field names), the totals it publishes and the :class:`Convention` it uses;
:func:`cross_check` prices the same inputs with :func:`~ecosim.economics.odc_cost.compare_costs`
under that convention (the reproduction, its difference from the published totals) and under
every other named convention (how far the convention alone moves the ratio and the break-even
launch price). ``ecosim odc-cost --cross-check`` prints it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from types import SimpleNamespace
from typing import Any

from ecosim.economics.odc_cost import CONVENTIONS, CostComparison, Site, compare_costs

#: fields a published model has no use for, set so that they change nothing
_NEUTRAL = {"array_specific_power_w_per_kg": 1.0, "chip_mass_kg_per_w": 0.0, "structure_mass_frac": 0.0}


@dataclass(frozen=True)
class CrossCheck:
    """One published case: its totals, ecosim's under the case's convention, and the ratio and
    break-even launch price [USD/kg] under every named convention."""

    name: str
    source: str
    convention: str
    note: str
    published_orbital_usd: float
    published_terrestrial_usd: float
    orbital_usd: float
    terrestrial_usd: float
    by_convention: dict[str, dict[str, float]]

    @property
    def orbital_error_frac(self) -> float:
        return self.orbital_usd / self.published_orbital_usd - 1.0

    @property
    def terrestrial_error_frac(self) -> float:
        return self.terrestrial_usd / self.published_terrestrial_usd - 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "convention": self.convention,
            "note": self.note,
            "published_orbital_usd": self.published_orbital_usd,
            "published_terrestrial_usd": self.published_terrestrial_usd,
            "orbital_usd": self.orbital_usd,
            "terrestrial_usd": self.terrestrial_usd,
            "orbital_error_frac": self.orbital_error_frac,
            "terrestrial_error_frac": self.terrestrial_error_frac,
            "published_ratio": self.published_orbital_usd / self.published_terrestrial_usd,
            "by_convention": self.by_convention,
        }


def load_cases() -> list[dict[str, Any]]:
    """The bundled cases (``ecosim/data/odc_cross_check.toml``)."""
    text = (resources.files("ecosim") / "data" / "odc_cross_check.toml").read_text(encoding="utf-8")
    cases: list[dict[str, Any]] = tomllib.loads(text)["case"]
    return cases


def _price(case: dict[str, Any], convention: str) -> CostComparison:
    odc = dict(case["orbital_dc"])
    launch = odc.pop("launch_usd_per_kg")
    site = dict(case["site"])
    wacc = site.pop("wacc")
    return compare_costs(
        SimpleNamespace(**_NEUTRAL, **odc),
        Site(**site),
        ai_hardware_usd_per_w=0.0,
        launch_usd_per_kg=launch,
        wacc=wacc,
        array_cost_frac=0.0,
        convention=CONVENTIONS[convention],
    )


def cross_check(cases: list[dict[str, Any]] | None = None) -> list[CrossCheck]:
    """Every case reproduced under its own convention and priced under every named one.

    >>> rows = cross_check()
    >>> [(r.name, round(100 * r.orbital_error_frac, 3), round(100 * r.terrestrial_error_frac, 3)) for r in rows][:1]
    [('mccalip baseline', 0.0, 0.005)]
    """
    out = []
    for case in cases if cases is not None else load_cases():
        own = _price(case, case["convention"])
        by_conv = {}
        for name in CONVENTIONS:
            c = _price(case, name)
            by_conv[name] = {"ratio": float(c.ratio), "breakeven_launch_usd_per_kg": float(c.breakeven_launch_usd_per_kg)}
        out.append(
            CrossCheck(
                name=case["name"],
                source=case["source"],
                convention=case["convention"],
                note=case["note"],
                published_orbital_usd=float(case["published_orbital_usd"]),
                published_terrestrial_usd=float(case["published_terrestrial_usd"]),
                orbital_usd=float(own.orbital_total_usd),
                terrestrial_usd=float(own.terrestrial_total_usd),
                by_convention=by_conv,
            )
        )
    return out
