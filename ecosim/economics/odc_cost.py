"""Orbital versus terrestrial compute: the itemised lifetime cost of delivered IT power.

This is the one copy of the arithmetic: ``ecosim odc-cost`` prints it and the orbital
data-center agents decide to build with it.

Basis of comparison
-------------------
Both sides deliver the same *average* IT power, ``capacity_gw``, for ``lifetime_yr``.
An orbital satellite computes only in sunlight (no batteries, as the seeds propose), so its
nameplate IT power is ``capacity / sunlight_fraction``; a terrestrial site runs a share
``capacity_factor`` of hours, so its nameplate is ``capacity / capacity_factor``. Costs
are undiscounted lifetime sums in USD, except the interconnection wait, which is priced at
the cost of capital (WACC).

Orbital items [USD]
    hardware          satellite_hardware_usd_per_w x nameplate W (bus, arrays, radiators; no AI chips)
    launch            satellite mass (1 / specific power) x launch price, arrays at nameplate size
    oversizing        extra array area for end-of-life power (degradation): its hardware and launch
    chip_replacement  failed accelerators replaced each year: their price and their launch
    operations        ops_frac_of_hardware_per_yr x hardware x life
    nre               the programme's fixed development cost
    ai_hardware       ai_hardware.usd_per_w x nameplate W
Terrestrial items [USD]
    facility          capex_usd_per_w x nameplate W x min(1, life / facility_life)
    energy            average IT power x PUE x hours x price (grid, or heat rate x gas price)
    interconnection   (facility + AI hardware) x ((1 + WACC)^delay - 1): capital waiting for power
    ai_hardware       ai_hardware.usd_per_w x nameplate W

Conventions
-----------
What is in and out of "cost per W" is a named :class:`Convention` (``CONVENTIONS``), shown in
every output of ``ecosim odc-cost``. ``levelised`` is the default (:data:`DEFAULT_CONVENTION`: the
one the builders decide with unless their section's ``cost_convention`` names another, and the one
``ecosim odc-cost`` prints). ``ecosim`` (the agents' own until issue 13) is the itemisation above: undiscounted sums, the facility charged its life share ``min(1, life / facility_life)``,
AI hardware on both sides (each at its own utilisation) bought before power arrives, so both
wait for it at the WACC. ``levelised`` recovers every up-front capital item at the WACC over its
asset's life (capital recovery factor ``r / (1 - (1 + r)^-n)`` per year, times the life compared),
runs the ground at the orbit's sunlight fraction (both sides on the same utilisation basis) and
lets only the facility wait for power (accelerators bought when it comes). ``calculator`` is
the convention of the public calculators (McCalip's; Starcloud's white paper counts alike;
:mod:`ecosim.economics.odc_cross_check` reproduces them): undiscounted, the facility in full, no AI hardware, no wait; the ground's
nameplate is the capacity compared (it delivers capacity x capacity factor); orbit sized for the
mean retention of arrays and accelerators over the life (failed chips not replaced), whole
satellites, operations charged once.

References
----------
[1] ``ecosim/data/parameters.csv`` (sources of every default), ``ecosim.physics``.
[2] EIA: a heat rate [Btu/kWh] times a gas price [USD/MMBtu] / 1000 is a fuel cost [USD/MWh].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ecosim.physics.launch import satellite_mass_kg_per_w
from ecosim.physics.radiation import replacements_per_w
from ecosim.physics.solar import HOURS_PER_YR, oversize_for_degradation


@dataclass(frozen=True)
class Convention:
    """What a cost per W counts and how (see the module's *Conventions*).

    capital : 'undiscounted' (sums) or 'levelised' (up-front capital recovered at the WACC over
        each asset's life).
    facility : 'life_share' (capex x min(1, life / facility life)) or 'full' (all of it).
    terrestrial_basis : 'delivered' (the ground delivers the capacity compared on average, its
        nameplate capacity / capacity factor) or 'nameplate' (its nameplate is the capacity
        compared; it delivers capacity x capacity factor).
    same_utilisation : the ground runs at the orbit's sunlight fraction.
    degradation : 'end_of_life' (arrays sized for end-of-life power, failed chips replaced) or
        'mean_retention' (the whole satellite sized for the mean retention of arrays and chips
        over the life, failed chips not replaced).
    operations_once : operations charged for one year instead of every year of the life.
    ai_hardware : accelerators counted on both sides.
    interconnection : 'all' (facility and accelerators wait for power at the WACC), 'facility'
        (only the facility waits) or 'none'.
    whole_satellites : orbit's nameplate rounded up to whole satellites (``satellite_it_kw``).
    """

    name: str
    summary: str
    capital: str = "undiscounted"
    facility: str = "life_share"
    terrestrial_basis: str = "delivered"
    same_utilisation: bool = False
    degradation: str = "end_of_life"
    operations_once: bool = False
    ai_hardware: bool = True
    interconnection: str = "all"
    whole_satellites: bool = False


#: undiscounted sums, the itemisation of the module's docstring (the agents' own until issue 13)
ECOSIM = Convention("ecosim", "undiscounted lifetime sums; facility life share; AI hardware on both sides, each at its own utilisation, waiting for power at the WACC")
#: capital recovered at the WACC over each asset's life, both sides at the same utilisation
LEVELISED = Convention("levelised", "capital recovered at the WACC over each asset's life; both sides at the orbit's utilisation; only the facility waits for power", capital="levelised", same_utilisation=True, interconnection="facility")
_CALCULATOR = dict(facility="full", terrestrial_basis="nameplate", degradation="mean_retention", operations_once=True, ai_hardware=False, interconnection="none", whole_satellites=True)
CONVENTIONS: dict[str, Convention] = {
    c.name: c
    for c in (
        ECOSIM,
        LEVELISED,
        Convention("calculator", "the public calculators' (McCalip's; Starcloud's white paper counts alike): undiscounted, facility in full, no AI hardware or wait, the ground priced per nameplate W, orbit sized for the mean retention of cells and chips, operations once", **_CALCULATOR),  # type: ignore[arg-type]
    )
}
#: the convention the world decides with (``[orbital_dc] cost_convention``'s default) and
#: ``ecosim odc-cost`` prints unless ``--convention`` names another (issue 13: a levelised default)
DEFAULT_CONVENTION = LEVELISED.name


def capital_recovery_factor(rate: ArrayLike, life_yr: ArrayLike) -> np.ndarray:
    """Share of a capital cost paid each year to recover it with return ``rate`` over
    ``life_yr`` [1/yr]: ``r / (1 - (1 + r)^-n)``, ``1 / n`` at ``r = 0``.

    >>> round(float(capital_recovery_factor(0.09, 15)), 5), float(capital_recovery_factor(0.0, 4))
    (0.12406, 0.25)
    """
    r = np.asarray(rate, dtype=float)
    n = np.asarray(life_yr, dtype=float)
    if r.size + n.size > _CRF_MEMO_SIZE_MAX:
        return _capital_recovery_factor(r, n)
    # a builder or a lab prices every month at a cost of capital and lives that rarely change:
    # the factor of the same numbers is the same factor, computed once
    key = (r.tobytes(), r.shape, n.tobytes(), n.shape)
    got = _CRF_MEMO.get(key)
    if got is None:
        if len(_CRF_MEMO) >= 1024:
            _CRF_MEMO.clear()
        got = _CRF_MEMO[key] = _capital_recovery_factor(r, n)
    return got.copy()


#: :func:`capital_recovery_factor` by its arguments' bytes (arrays of up to a few thousand numbers)
_CRF_MEMO: dict[tuple[bytes, tuple[int, ...], bytes, tuple[int, ...]], np.ndarray] = {}
_CRF_MEMO_SIZE_MAX = 4096


def _capital_recovery_factor(r: np.ndarray, n: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        crf = r / (1.0 - (1.0 + r) ** -n)
    return np.where(np.abs(r) < 1e-12, 1.0 / n, crf)


def mean_retention(frac_per_yr: ArrayLike, lifetime_yr: ArrayLike) -> np.ndarray:
    """Mean over the years of a life of the share still working, losing ``frac_per_yr`` a year
    [fraction]: ``(1 - q^N) / (N (1 - q))`` with ``q = 1 - frac_per_yr`` (year 0 whole).

    >>> round(float(mean_retention(1 - 0.975 * 0.91, 5)), 6)
    0.798524
    """
    q = 1.0 - np.asarray(frac_per_yr, dtype=float)
    n = np.asarray(lifetime_yr, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (1.0 - q**n) / (n * (1.0 - q))
    return np.where(np.abs(1.0 - q) < 1e-12, 1.0, mean)


ORBITAL_ITEMS = ("hardware", "launch", "oversizing", "chip_replacement", "operations", "nre", "ai_hardware")
TERRESTRIAL_ITEMS = ("facility", "energy", "interconnection", "ai_hardware")


def mass_per_w_kg(odc: Any) -> np.ndarray:
    """Launch mass per W of nameplate IT power [kg/W]: ``1 / specific_power_w_per_kg`` when set,
    else from the component masses (:func:`ecosim.physics.launch.satellite_mass_kg_per_w`)."""
    sp = getattr(odc, "specific_power_w_per_kg", None)
    if sp is not None:
        return 1.0 / np.asarray(sp, dtype=float)
    return satellite_mass_kg_per_w(
        odc.array_specific_power_w_per_kg,
        odc.degradation_frac_per_yr,
        odc.lifetime_yr,
        odc.radiator_temp_k,
        odc.emissivity,
        odc.radiator_sides,
        odc.sink_temp_k,
        odc.radiator_areal_density_kg_per_m2,
        odc.chip_mass_kg_per_w,
        odc.shielding_kg_per_w,
        odc.structure_mass_frac,
    )


def energy_price_usd_per_mwh(tdc: Any) -> np.ndarray:
    """Price of a MWh at a terrestrial site [USD/MWh]: grid price, or fuel of on-site gas [2].

    >>> from types import SimpleNamespace as NS
    >>> round(float(energy_price_usd_per_mwh(NS(energy_source="onsite_gas", heat_rate_btu_per_kwh=6400,
    ...       gas_price_usd_per_mmbtu=4.3, electricity_usd_per_mwh=80))), 2)
    27.52
    """
    if tdc.energy_source == "onsite_gas":
        return fuel_usd_per_mwh(tdc)
    return np.asarray(tdc.electricity_usd_per_mwh, dtype=float)


def fuel_usd_per_mwh(tdc: Any) -> np.ndarray:
    """Fuel of a MWh of on-site gas generation [USD/MWh]: heat rate x gas price [2].

    >>> from types import SimpleNamespace as NS
    >>> round(float(fuel_usd_per_mwh(NS(heat_rate_btu_per_kwh=9500, gas_price_usd_per_mmbtu=4.3))), 2)
    40.85
    """
    return np.asarray(tdc.heat_rate_btu_per_kwh, float) * np.asarray(tdc.gas_price_usd_per_mmbtu, float) / 1000.0


@dataclass(frozen=True)
class Site:
    """A terrestrial data-center site as the cost model prices it (fields may be arrays along
    an ensemble axis). An orbital builder assembles it from the ``site_*`` signals its
    alternative publishes; :func:`site_of` builds it from a ``[terrestrial_dc]`` section."""

    capex_usd_per_w: ArrayLike  # [USD/W] facility per W of IT power
    facility_life_yr: ArrayLike  # [yr] building and plant
    pue: ArrayLike  # [ratio] power usage effectiveness
    capacity_factor: ArrayLike  # [fraction] share of hours the cluster runs
    energy_usd_per_mwh: ArrayLike  # [USD/MWh] grid price or fuel of on-site gas
    interconnection_delay_yr: ArrayLike  # [yr] wait before power


def site_of(tdc: Any, interconnection_delay_yr: ArrayLike | None = None) -> Site:
    """The :class:`Site` of a ``[terrestrial_dc]`` section (its stated wait unless given)."""
    delay = tdc.interconnection_delay_yr if interconnection_delay_yr is None else interconnection_delay_yr
    return Site(tdc.capex_usd_per_w, tdc.facility_life_yr, tdc.pue, tdc.capacity_factor, energy_price_usd_per_mwh(tdc), delay)


@dataclass(frozen=True)
class CostComparison:
    """Itemised lifetime costs of ``capacity_gw`` of delivered IT power on each side [USD]."""

    capacity_gw: np.ndarray
    lifetime_yr: np.ndarray
    launch_usd_per_kg: np.ndarray
    mass_per_w_kg: np.ndarray
    orbital: dict[str, np.ndarray] = field(default_factory=dict)
    terrestrial: dict[str, np.ndarray] = field(default_factory=dict)
    #: (nameplate W, kg/W, USD per USD up front, replaced kg/W per W) whose
    #: ``nameplate * (mass * upfront + replaced)`` is the launch sensitivity, worked out only when read
    launch_sensitivity_terms: tuple[Any, ...] | None = None
    convention: Convention = LEVELISED

    @cached_property
    def launch_sensitivity_usd_per_usd_per_kg(self) -> np.ndarray:
        """Orbital total per USD/kg of launch price [USD per USD/kg] (0 without its terms)."""
        if self.launch_sensitivity_terms is None:
            return np.zeros(())
        nameplate, mass, upfront, replaced_kg_per_w = self.launch_sensitivity_terms
        return nameplate * (mass * upfront + replaced_kg_per_w)

    @cached_property  # summed once (its ratio and costs per W and per MWh all read it)
    def orbital_total_usd(self) -> np.ndarray:
        return sum(self.orbital.values(), np.zeros(()))

    @cached_property
    def terrestrial_total_usd(self) -> np.ndarray:
        return sum(self.terrestrial.values(), np.zeros(()))

    @property
    def ratio(self) -> np.ndarray:
        """Orbital over terrestrial total [ratio]; < 1 means orbit is cheaper."""
        return self.orbital_total_usd / self.terrestrial_total_usd

    def _per_w(self, total: np.ndarray) -> np.ndarray:
        return total / (self.capacity_gw * 1e9)

    def _per_mwh(self, total: np.ndarray) -> np.ndarray:
        return total / (self.capacity_gw * 1e3 * HOURS_PER_YR * self.lifetime_yr)

    @property
    def orbital_usd_per_w(self) -> np.ndarray:
        return self._per_w(self.orbital_total_usd)

    @property
    def terrestrial_usd_per_w(self) -> np.ndarray:
        return self._per_w(self.terrestrial_total_usd)

    @property
    def orbital_usd_per_mwh(self) -> np.ndarray:
        return self._per_mwh(self.orbital_total_usd)

    @property
    def terrestrial_usd_per_mwh(self) -> np.ndarray:
        return self._per_mwh(self.terrestrial_total_usd)

    @property
    def breakeven_launch_usd_per_kg(self) -> np.ndarray:
        """Launch price at which both totals are equal [USD/kg]; negative when even a free
        launch leaves orbit dearer (no launch price closes the gap)."""
        slope = self.launch_sensitivity_usd_per_usd_per_kg
        at_zero = self.orbital_total_usd - slope * self.launch_usd_per_kg
        with np.errstate(divide="ignore", invalid="ignore"):
            return (self.terrestrial_total_usd - at_zero) / slope

    def as_dict(self) -> dict[str, Any]:
        """Plain floats (first member if an ensemble), for JSON and tables."""

        def f(x: ArrayLike) -> float:
            return float(np.ravel(np.asarray(x, dtype=float))[0])

        out: dict[str, Any] = {
            "capacity_gw": f(self.capacity_gw),
            "lifetime_yr": f(self.lifetime_yr),
            "launch_cost_usd_per_kg": f(self.launch_usd_per_kg),
            "specific_power_w_per_kg": 1.0 / f(self.mass_per_w_kg),
            "orbital_items_usd": {k: f(v) for k, v in self.orbital.items()},
            "terrestrial_items_usd": {k: f(v) for k, v in self.terrestrial.items()},
            "orbital_total_usd": f(self.orbital_total_usd),
            "terrestrial_total_usd": f(self.terrestrial_total_usd),
            "orbital_usd_per_w": f(self.orbital_usd_per_w),
            "terrestrial_usd_per_w": f(self.terrestrial_usd_per_w),
            "orbital_usd_per_mwh": f(self.orbital_usd_per_mwh),
            "terrestrial_usd_per_mwh": f(self.terrestrial_usd_per_mwh),
            "ratio": f(self.ratio),
            "breakeven_launch_usd_per_kg": f(self.breakeven_launch_usd_per_kg),
            "convention": self.convention.name,
            "convention_summary": self.convention.summary,
        }
        return out


@dataclass(frozen=True)
class OrbitFixed:
    """What :func:`compare_costs` works out of an ``[orbital_dc]`` section, the share of arrays
    in its hardware and a convention alone (no price, no WACC): the factors of each orbital item
    that come first in its product, so that the items are the same numbers whether worked out
    here once or every time. Names: ``cap_w`` [W] average IT power, ``life`` [yr], ``sun``
    [-] sunlight fraction, ``mass`` [kg/W], ``nameplate`` [W], ``hw`` [USD] satellite hardware,
    ``chip_kg_per_w`` [kg/W] per W of nameplate, ``launch_kg`` [kg] launched, ``oversize_usd``
    [USD] and ``oversize_kg`` [kg] of oversized arrays, ``replaced_w`` [W] of chips replaced,
    ``replaced_kg_per_w`` [kg/W], ``operations_usd`` [USD], ``nre_usd`` [USD]."""

    convention: Convention
    cap_w: Any
    life: Any
    sun: Any
    mass: Any
    nameplate: Any
    hw: Any
    chip_kg_per_w: Any
    launch_kg: Any
    oversize_usd: Any
    oversize_kg: Any
    replaced_w: Any
    replaced_kg_per_w: Any
    operations_usd: Any
    nre_usd: Any


def orbit_fixed(odc: Any, *, array_cost_frac: ArrayLike = 0.3, convention: Convention = LEVELISED, mass_kg_per_w: ArrayLike | None = None) -> OrbitFixed:
    """The orbital side's factors of :func:`compare_costs` that depend on ``odc``,
    ``array_cost_frac``, ``convention`` and ``mass_kg_per_w`` alone (:class:`OrbitFixed`).

    >>> from types import SimpleNamespace as NS
    >>> odc = NS(capacity_gw=1.0, lifetime_yr=5.0, satellite_hardware_usd_per_w=10.0, sunlight_fraction=1.0,
    ...          degradation_frac_per_yr=0.0, chip_failure_frac_per_yr=0.0, ops_frac_of_hardware_per_yr=0.02,
    ...          nre_usd=0.0, array_specific_power_w_per_kg=150.0, chip_mass_kg_per_w=0.004, structure_mass_frac=0.25)
    >>> f = orbit_fixed(odc, convention=ECOSIM, mass_kg_per_w=0.04)
    >>> float(f.nameplate) / 1e9, float(f.launch_kg) / 1e6, float(f.operations_usd) / 1e9   # GW, kt, billions USD
    (1.0, 40.0, 1.0)
    """
    conv = convention
    cap_w = np.asarray(odc.capacity_gw, dtype=float) * 1e9
    life = np.asarray(odc.lifetime_yr, dtype=float)
    sun = np.asarray(odc.sunlight_fraction, dtype=float)
    mass = mass_per_w_kg(odc) if mass_kg_per_w is None else np.asarray(mass_kg_per_w, dtype=float)
    structure = 1.0 - np.asarray(odc.structure_mass_frac, dtype=float)
    if conv.degradation == "mean_retention":
        kept = (1.0 - np.asarray(odc.degradation_frac_per_yr, float)) * (1.0 - np.asarray(odc.chip_failure_frac_per_yr, float))
        nameplate = cap_w / (sun * mean_retention(1.0 - kept, life))
        ovs = np.ones_like(nameplate)
        repl = np.zeros_like(nameplate)
    else:
        nameplate = cap_w / sun
        ovs = oversize_for_degradation(odc.degradation_frac_per_yr, life)
        repl = replacements_per_w(odc.chip_failure_frac_per_yr, life)
    if conv.whole_satellites:
        sat_w = np.asarray(odc.satellite_it_kw, dtype=float) * 1e3
        nameplate = np.ceil(nameplate / sat_w - 1e-9) * sat_w
    extra_array_kg_per_w = (ovs - 1.0) / np.asarray(odc.array_specific_power_w_per_kg, float) / structure
    hw = np.asarray(odc.satellite_hardware_usd_per_w, dtype=float) * nameplate
    chip_kg_per_w = np.asarray(odc.chip_mass_kg_per_w, dtype=float) / structure
    ops_years = 1.0 if conv.operations_once else life
    return OrbitFixed(
        convention=conv,
        cap_w=cap_w,
        life=life,
        sun=sun,
        mass=mass,
        nameplate=nameplate,
        hw=hw,
        chip_kg_per_w=chip_kg_per_w,
        launch_kg=nameplate * (mass - extra_array_kg_per_w),
        oversize_usd=(ovs - 1.0) * np.asarray(array_cost_frac, float) * hw,
        oversize_kg=nameplate * extra_array_kg_per_w,
        replaced_w=nameplate * repl,
        replaced_kg_per_w=repl * chip_kg_per_w,
        operations_usd=np.asarray(odc.ops_frac_of_hardware_per_yr, dtype=float) * ops_years * hw,
        nre_usd=np.asarray(odc.nre_usd, dtype=float) * np.ones_like(cap_w),
    )


def compare_costs(
    odc: Any,
    site: Site,
    *,
    ai_hardware_usd_per_w: ArrayLike,
    launch_usd_per_kg: ArrayLike,
    wacc: ArrayLike,
    array_cost_frac: ArrayLike = 0.3,
    convention: Convention = LEVELISED,
    mass_kg_per_w: ArrayLike | None = None,
    fixed: OrbitFixed | None = None,
) -> CostComparison:
    """Itemised lifetime cost of ``odc.capacity_gw`` of average IT power, in orbit and on the ground.

    Parameters
    ----------
    odc
        an ``[orbital_dc]`` section (or any object with those fields; fields may be arrays
        along an ensemble axis).
    site : the terrestrial alternative (:class:`Site`; :func:`site_of` a section).
    ai_hardware_usd_per_w : [USD/W] accelerators per W of IT power, the same on both sides.
    launch_usd_per_kg : [USD/kg] launch price paid by the builder.
    wacc : [fraction/yr] cost of capital for the interconnection wait.
    array_cost_frac : [fraction] share of satellite hardware cost in the solar arrays.
    convention : what is counted and how (:class:`Convention`; levelised by default).
    mass_kg_per_w : [kg/W] ``mass_per_w_kg(odc)`` when the caller has it already (a builder
        pricing every month computes it once).
    fixed : :func:`orbit_fixed` of ``odc``, ``array_cost_frac``, ``convention`` and
        ``mass_kg_per_w`` when the caller has it already (a builder pricing every month works it
        out once; its section stays fixed in a run).

    A small case by hand under ``ecosim``'s undiscounted sums (1 GW, 5 yr, 500 USD/kg, 25 W/kg, no
    oversizing, failures or NRE):

    >>> from types import SimpleNamespace as NS
    >>> odc = NS(capacity_gw=1.0, lifetime_yr=5.0, satellite_hardware_usd_per_w=10.0,
    ...          specific_power_w_per_kg=25.0, sunlight_fraction=1.0, degradation_frac_per_yr=0.0,
    ...          chip_failure_frac_per_yr=0.0, ops_frac_of_hardware_per_yr=0.02, nre_usd=0.0,
    ...          array_specific_power_w_per_kg=150.0, chip_mass_kg_per_w=0.004, structure_mass_frac=0.25)
    >>> tdc = NS(capex_usd_per_w=12.0, facility_life_yr=15.0, pue=1.2, energy_source="grid",
    ...          electricity_usd_per_mwh=80.0, capacity_factor=1.0, interconnection_delay_yr=0.0)
    >>> c = compare_costs(odc, site_of(tdc), ai_hardware_usd_per_w=0.0, launch_usd_per_kg=500.0, wacc=0.09, convention=ECOSIM)
    >>> {k: round(float(v) / 1e9, 3) for k, v in c.orbital.items() if v}   # billions USD
    {'hardware': 10.0, 'launch': 20.0, 'operations': 1.0}
    >>> {k: round(float(v) / 1e9, 3) for k, v in c.terrestrial.items() if v}
    {'facility': 4.0, 'energy': 4.208}
    >>> round(float(c.breakeven_launch_usd_per_kg), 1)   # (8.208 - 11) / (1e9 W x 0.04 kg/W)
    -69.8
    """
    conv = convention
    if fixed is None:
        fixed = orbit_fixed(odc, array_cost_frac=array_cost_frac, convention=conv, mass_kg_per_w=mass_kg_per_w)
    elif fixed.convention is not conv:
        raise ValueError(f"fixed was worked out for the {fixed.convention.name!r} convention, not {conv.name!r}")
    f = fixed
    cap_w, life, sun, mass = f.cap_w, f.life, f.sun, f.mass
    price = np.asarray(launch_usd_per_kg, dtype=float)
    ai = np.asarray(ai_hardware_usd_per_w, dtype=float)  # (x 1.0 leaves it as it is)
    if not conv.ai_hardware:
        ai = ai * 0.0
    r = np.asarray(wacc, dtype=float)
    levelised = conv.capital == "levelised"
    upfront = capital_recovery_factor(r, life) * life if levelised else 1.0  # [USD per USD up front]

    # ----- orbital (each item the same expression, its factors of the section alone worked out in orbit_fixed)
    orbital = {
        "hardware": f.hw * upfront,
        "launch": f.launch_kg * price * upfront,
        "oversizing": (f.oversize_usd + f.oversize_kg * price) * upfront,
        "chip_replacement": f.replaced_w * (ai + f.chip_kg_per_w * price),
        "operations": f.operations_usd,
        "nre": f.nre_usd * upfront,
        "ai_hardware": ai * f.nameplate * upfront,
    }

    # ----- terrestrial
    cf = sun if conv.same_utilisation else np.asarray(site.capacity_factor, dtype=float)
    if conv.terrestrial_basis == "nameplate":
        t_nameplate, delivered_w = cap_w, cap_w * cf
    else:
        t_nameplate, delivered_w = cap_w / cf, cap_w
    f_life = np.asarray(site.facility_life_yr, dtype=float)
    capex_full = np.asarray(site.capex_usd_per_w, dtype=float) * t_nameplate
    if levelised:
        share = capital_recovery_factor(r, f_life) * life
    elif conv.facility == "full":
        share = np.ones_like(f_life)
    else:
        share = np.minimum(1.0, life / f_life)
    facility = capex_full * share
    delay = np.asarray(site.interconnection_delay_yr, float)
    t_ai = ai * t_nameplate * upfront
    if conv.interconnection == "all":
        waiting = facility + t_ai
    elif conv.interconnection == "facility":
        waiting = facility
    elif conv.interconnection == "none":
        waiting = np.zeros_like(facility)
    else:
        raise KeyError(conv.interconnection)
    energy_mwh = delivered_w * np.asarray(site.pue, dtype=float) * HOURS_PER_YR * life / 1e6
    terrestrial = {
        "facility": facility,
        "energy": energy_mwh * np.asarray(site.energy_usd_per_mwh, dtype=float),
        "interconnection": waiting * ((1.0 + r) ** delay - 1.0),
        "ai_hardware": t_ai,
    }
    return CostComparison(
        capacity_gw=cap_w / 1e9,
        lifetime_yr=life,
        launch_usd_per_kg=price,
        mass_per_w_kg=mass,
        orbital=orbital,
        terrestrial=terrestrial,
        launch_sensitivity_terms=(f.nameplate, mass, upfront, f.replaced_kg_per_w),  # the slope only when read
        convention=conv,
    )
