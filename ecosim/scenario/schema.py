"""The scenario schema: every parameter of the world, typed, bounded and unit-suffixed.

A scenario file is plain TOML data. It is validated once, here, at load; after that no
code reads raw dicts. Field names carry their unit (``payload_t``, ``capex_usd_per_w``,
``lifetime_yr``); dimensionless fields end in ``_frac`` (0..1), ``_pct`` (percent),
``_ratio`` or ``_index``; months are ``"YYYY-MM"`` strings ending in ``_month``. The
glossary of every name is ``docs/nomenclature.md``.

Defaults do not live here: the numbers, each with its source, live in
``scenarios/baseline.toml`` (the root that every bundled scenario extends). A field marked
``lever=(lo, hi)`` is a decision or an outside factor that the browser view shows as a
slider with that range.
"""

from __future__ import annotations

import functools
import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ecosim.timeline import format_month, parse_month

#: the first and last months a scenario may name (assumption: the space age to two centuries
#: ahead; a month outside is a typo, not a scenario)
FIRST_MONTH, LAST_MONTH = "1950-01", "2200-12"
#: the longest run [months] (assumption: a century; the baseline's 15 years take ~1 s, so a
#: century takes seconds with one member and minutes for a chunk of 500)
MAX_MONTHS = 1200
#: the longest text of a name [characters] (assumption: names are labels; the bundled are < 30)
MAX_NAME_CHARS = 100
#: the longest text of any other string field: descriptions, sources [characters] (assumption:
#: one paragraph; the bundled descriptions are < 200; a 100 kB text made tables take 84 s)
MAX_TEXT_CHARS = 2000


def _month(value: str) -> str:
    month = parse_month(value)  # raises ValueError("must be a month 'YYYY-MM' (got ...)")
    if not parse_month(FIRST_MONTH) <= month <= parse_month(LAST_MONTH):
        raise ValueError(f"must be a month from {FIRST_MONTH} to {LAST_MONTH} (got {value!r})")
    return value


Month = Annotated[str, AfterValidator(_month)]


def F(
    *,
    unit: str,
    doc: str,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    lever: tuple[float, float] | None = None,
    default: Any = ...,
    max_length: int | None = None,
) -> Any:
    """A field with its unit, a one-line meaning, bounds and (optionally) a slider range.

    A numeric field without an upper bound of its own is held below the ceiling of its unit
    (:data:`CEILINGS`, each with its source); ``max_length`` caps a text field below
    :data:`MAX_TEXT_CHARS`."""
    extra: dict[str, Any] = {"unit": unit}
    if lever is not None:
        extra["lever"] = list(lever)
    return Field(default, gt=gt, ge=ge, lt=lt, le=le, description=doc, json_schema_extra=extra, max_length=max_length)


_WORLD_GDP = "about ten times world GDP (World Bank: USD 105 trillion in 2023)"
_PEOPLE = "more than one per person on Earth (UN World Population Prospects 2024: 8.2 billion)"
_POWER = "1 PW: over 50 times world primary energy use (Energy Institute Statistical Review 2024: ~19 TW)"
#: Upper bounds of numeric fields by unit, for the fields without a bound of their own:
#: unit -> (ceiling, source or reason). Far above any value a scenario means (so no scenario is
#: judged here), far below what breaks arithmetic (1e308), each with why it is safe.
CEILINGS: dict[str, tuple[float, str]] = {
    "-": (1e4, "exponents, elasticities and betas are below 10 in the literature; Chinchilla's fitted A and B are ~400 (Hoffmann et al. 2022)"),
    "%": (1e3, "ten times the largest rate in the sources (a 300 % tariff lever)"),
    "%/yr": (1e3, "tenfold a year, above any sustained ramp in the sources (Optimus plan: +400 %/yr)"),
    "1/yr": (100.0, "a rate of 100/yr moves a state within days, faster than a monthly step resolves"),
    "1/index": (100.0, "a logistic steepness of 100 per index point is a step; capability indices change by ~0.1/yr"),
    "Btu/kWh": (1e5, "ten times the heat rate of the least efficient US plants (EIA: ~10,000 Btu/kWh)"),
    "FLOP": (1e35, "10^9 times the largest reported training runs (Epoch AI 2024: ~5e25 FLOP)"),
    "FLOP/s": (1e20, "10^5 times an H100's dense BF16 throughput (NVIDIA: 9.9e14 FLOP/s)"),
    "GW": (1e6, _POWER),
    "GW/yr": (1e6, _POWER + ", added in one year"),
    "MW": (1e9, _POWER),
    "MW/month": (1e9, _POWER + ", added in one month"),
    "MW/yr": (1e9, _POWER + ", added in one year"),
    "kW": (1e9, _POWER + " (in one satellite)"),
    "W": (1e6, "a megawatt per H100-equivalent, 1,400 times an H100 server's share (~700 W)"),
    "TWh/yr": (1e6, "six times world primary energy use (Energy Institute 2024: ~170,000 TWh/yr)"),
    "MWh/MW": (1e6, "a thousand times the energy to make a MW of PV modules (IEA PVPS: ~600 MWh/MW)"),
    "Gbps": (1e7, "10 Pbps per satellite, 10,000 times Starlink V3's planned 1 Tbps (SpaceX)"),
    "Mbps": (1e6, "1 Tbps per subscriber"),
    "Tbps/GW": (1e6, "1 Pbps per GW of IT power, above all of today's internet traffic (~1 Pbps)"),
    "H100e": (1e6, "a million accelerators in one vehicle or robot"),
    "H100e/month": (1e12, "10^5 times the world's 2025 accelerator output (~1e7 H100e a month)"),
    "K": (1e4, "above the melting point of every material (tungsten: 3,695 K)"),
    "PB": (1e9, "about seven times all data stored worldwide (IDC: ~150 ZB in 2024)"),
    "PB/1e9 miles": (1e6, "1 PB per mile driven"),
    "TB/h": (1e3, "a petabyte per hour from one robot"),
    "TB/month": (1e6, "an exabyte a month from one satellite"),
    "USD": (1e15, _WORLD_GDP),
    "USD/yr": (1e15, _WORLD_GDP + " a year"),
    "USD/month": (1e14, _WORLD_GDP + " a year, in one month"),
    "USD/(EFLOP/s month)": (1e12, "a trillion USD a month for one EFLOP/s, 10^5 times its rent today"),
    "USD/(Tbps month)": (1e12, "a trillion USD a month for one Tbps"),
    "USD/(vehicle/yr)": (1e8, "10,000 times the capex of a car plant per vehicle of yearly capacity (~USD 5,000)"),
    "USD/(vehicle yr)": (1e7, "10,000 times what Tesla earns a year from services per vehicle on the road (~USD 1,600)"),
    "USD/(GWh/yr)": (1e12, "10,000 times the capex of a battery-pack plant per GWh of yearly capacity (~USD 50M)"),
    "USD/kWh": (1e5, "a thousand times the price of a grid battery system (BNEF 2024: ~USD 165/kWh turnkey)"),
    "GWh": (1e7, "ten times the world's battery output of a decade (BNEF: ~1,500 GWh in 2024)"),
    "GWh/yr": (1e7, "ten times the world's battery output of a decade, each year (BNEF: ~1,500 GWh in 2024)"),
    "USD/MMBtu": (1e4, "400 times the highest Henry Hub spot price (EIA: USD 23.86 in February 2021)"),
    "USD/MWh": (1e5, "ten times the highest wholesale price cap in the US (ERCOT: USD 9,000/MWh in 2021)"),
    "USD/W": (1e4, "a thousand times the dearest hardware per W in the sources (orbital satellites: < USD 100/W)"),
    "USD/h": (1e5, "a thousand times the highest hourly wages"),
    "USD/kg": (1e6, "twenty times the Space Shuttle's cost to orbit (NASA: ~USD 54,500/kg)"),
    "USD/mile": (1e4, "a thousand times a taxi fare per mile"),
    "W/kg": (1e5, "a hundred times the best solar arrays' specific power (~1,000 W/kg)"),
    "count": (1e10, _PEOPLE),
    "count/month": (1e10, _PEOPLE + ", made in one month"),
    "count/yr": (1e11, _PEOPLE + ", ten times over in one year"),
    "days": (36525.0, "a century (the longest run is 1,200 months)"),
    "flights": (1e8, "10^4 times all orbital launches ever flown (~7,000 by 2024)"),
    "frac": (100.0, "a hundred times the whole (10,000 %)"),
    "h": (1e12, "a century of work by a million robots"),
    "index": (1e6, "a million times the capability of the reference model (index 1)"),
    "kg": (1e9, "a million tonnes in one satellite, 200 times Starship's full-stack mass (~5,000 t)"),
    "kg/W": (1e3, "a tonne per W, 10^5 times a satellite's mass per W of power"),
    "kg/m^2": (1e4, "a 1 m thick steel plate per m^2 (7,850 kg/m^2)"),
    "launches/yr": (1e6, "a hundred times the launches ever flown, each year"),
    "flights/yr": (1e6, "a hundred times the launches ever flown, each year"),
    "satellites": (1e7, "ten times the million-satellite constellation of SpaceX's FCC filing"),
    "miles": (1e15, "50 years of the world's road travel (~2e13 vehicle-miles a year, IEA)"),
    "miles/day": (2400.0, "100 mph for 24 hours"),
    "miles/yr": (1e15, "50 years of the world's road travel (~2e13 vehicle-miles a year, IEA)"),
    "months": (1200.0, "a century, the longest run (MAX_MONTHS)"),
    "nats": (100.0, "a hundred nats per token, ten times the loss of a uniform guess over a 100,000-token vocabulary (11.5)"),
    "ratio": (1e4, "ten thousand times the reference it is a ratio to"),
    "robots": (1e11, _PEOPLE + ", ten times over"),
    "robots/yr": (1e11, _PEOPLE + ", ten times over in one year"),
    "subscribers": (1e10, _PEOPLE),
    "t": (1e6, "200 times Starship's full-stack mass (~5,000 t) in one flight"),
    "tokens": (1e20, "10^6 times the stock of public human text (Villalobos et al. 2024: ~3e14 tokens)"),
    "tokens/PB": (1e15, "one token per byte of data"),
    "tokens/param": (1e6, "50,000 times the compute-optimal ratio (Hoffmann et al. 2022: ~20)"),
    "vehicles": (1e11, _PEOPLE + ", ten times over"),
    "vehicles/month": (1e10, _PEOPLE + ", made in one month"),
    "vehicles/yr": (1e10, _PEOPLE + ", made in one year"),
    "yr": (200.0, "two centuries"),
    "frac/yr": (100.0, "a hundred times the whole each year"),
    "h/day": (24.0, "the hours of a day"),
}


def numeric_kind(annotation: Any) -> str | None:
    """``"number"`` for a float or int field (optional or not), ``"table"`` for a table of
    numbers (``dict[str, float]``), else None (text, yes/no, months, lists, sections)."""
    if annotation in (float, int, float | None, int | None):
        return "number"
    if getattr(annotation, "__origin__", None) is dict and getattr(annotation, "__args__", (None, None))[1] in (float, int):
        return "table"
    return None


def has_lower_bound(info: Any) -> bool:
    """True when a field has a lower bound of its own (``gt`` or ``ge``)."""
    return any(hasattr(m, "ge") or hasattr(m, "gt") for m in info.metadata)


def ceiling(info: Any) -> tuple[float, str] | None:
    """(ceiling, source) that holds a numeric field without an upper bound of its own: its unit's
    :data:`CEILINGS` entry (and minus it, for a field without a lower bound either); None for
    fields with their own upper bound or not numeric."""
    if numeric_kind(info.annotation) is None:
        return None
    if any(hasattr(m, "le") or hasattr(m, "lt") for m in info.metadata):
        return None
    unit = (info.json_schema_extra or {}).get("unit") if isinstance(info.json_schema_extra, dict) else None
    return CEILINGS.get(str(unit))


class Section(BaseModel):
    """Base of every scenario table: unknown keys, wrong types, NaN and infinities, numbers above
    their unit's ceiling (:data:`CEILINGS`) and over-long text are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, str_max_length=MAX_TEXT_CHARS)

    @model_validator(mode="after")
    def _ceilings(self) -> Section:
        for name, limit, source, floor, unit in _ceiling_checks(type(self)):
            value = getattr(self, name)
            values = value.values() if isinstance(value, dict) else [value]
            for v in values:
                if not isinstance(v, int | float) or isinstance(v, bool):
                    continue
                if not math.isfinite(v) or v > limit:
                    raise ValueError(f"{name} must be <= {limit:g} [{unit}], the ceiling of its unit: {source} (got {v!r})")
                if floor is not None and v < floor:
                    raise ValueError(f"{name} must be >= {floor:g} [{unit}], minus the ceiling of its unit: {source} (got {v!r})")
        return self


@functools.cache
def _ceiling_checks(cls: type[Section]) -> tuple[tuple[str, float, str, float | None, Any], ...]:
    """What :meth:`Section._ceilings` checks on a section class, worked out once per class (a
    scenario validates about a hundred sections, and its fields' ceilings never change): per
    field with a ceiling, (name, ceiling, its source, floor or None, unit)."""
    out = []
    for name, info in cls.model_fields.items():
        bound = ceiling(info)
        if bound is None:
            continue
        floor = None if has_lower_bound(info) else -bound[0]
        unit = (info.json_schema_extra or {}).get("unit")  # type: ignore[union-attr]
        out.append((name, bound[0], bound[1], floor, unit))
    return tuple(out)


# --------------------------------------------------------------------------- scenario


#: time to simulate the baseline's 180 months with one member alone, and with 1,000 members
#: advanced together [s] (benchmarks/bench_world.py, CPU time on a 2-core machine at a load
#: average of 0.2-0.5, code of 1de8e0a: 2.18 s and 6.70 s)
BASELINE_K1_S, BASELINE_K1000_S = 2.18, 6.70
#: time to simulate one month of one member alone [s]
SECONDS_PER_MONTH = BASELINE_K1_S / 180
#: time per member of a month of 1,000 members advanced together [s]
SECONDS_PER_ENSEMBLE_MEMBER_MONTH = BASELINE_K1000_S / 1000 / 180


def estimate_run_s(months: int, members: int = 1) -> float:
    """Rough time to simulate ``months`` of ``members`` members [s] (one member alone; several
    members advance together at about a three-hundredth of that each:
    :data:`BASELINE_K1000_S`)."""
    per_member = SECONDS_PER_MONTH if members == 1 else SECONDS_PER_ENSEMBLE_MEMBER_MONTH
    return months * members * per_member


class ScenarioMeta(Section):
    name: str = F(unit="-", doc="short name of the scenario", max_length=MAX_NAME_CHARS)
    description: str = F(unit="-", doc="one line: what this scenario assumes")
    start_month: Month = F(unit="YYYY-MM", doc="first simulated month")
    end_month: Month = F(unit="YYYY-MM", doc="last simulated month (inclusive)")
    seed: int = F(unit="-", ge=0, le=2**63 - 1, doc="seed of the model's random generator (at most 2^63 - 1, a signed 64-bit integer as Parquet stores it)")
    initial_state_from: str = F(
        unit="-",
        doc="bundled scenario whose end state this one starts from ('' = the *_initial values)",
    )

    @model_validator(mode="after")
    def _order(self) -> ScenarioMeta:
        start, end = parse_month(self.start_month), parse_month(self.end_month)
        if end < start:
            raise ValueError(
                f"end_month must not be before start_month {self.start_month!r} (got {self.end_month!r})"
            )
        if end - start + 1 > MAX_MONTHS:
            raise ValueError(
                f"end_month must be at most {MAX_MONTHS:,} months after start_month (by {format_month(start + MAX_MONTHS - 1)}): "
                f"{end - start + 1:,} months would take about {estimate_run_s(end - start + 1):,.0f} s per member (got {self.end_month!r})"
            )
        return self


# --------------------------------------------------------------------------- launch


class Cadence(Section):
    """A launcher's flight rate from a month on (its production and range plan)."""

    month: Month = F(unit="YYYY-MM", doc="first month of this rate")
    flights_per_yr: float = F(unit="flights/yr", ge=0, doc="most flights a year the vehicle can fly from then on")


class VehicleLine(Section):
    """A reusable (or expendable) launch vehicle family: Falcon 9, New Glenn, Vulcan/Ariane."""

    first_flight_month: Month = F(unit="YYYY-MM", doc="first orbital flight; no flights before")
    boosters_initial: float = F(unit="count", ge=0, doc="flight-ready boosters at start")
    booster_build_per_month: float = F(unit="count/month", ge=0, doc="most new boosters a month (they are built to need)")
    booster_life_flights: float = F(unit="flights", ge=1, doc="flights before a booster retires (1 = expendable)")
    turnaround_days_initial: float = F(unit="days", gt=0, doc="booster turnaround between flights at start")
    turnaround_days_floor: float = F(unit="days", gt=0, doc="best turnaround reachable")
    turnaround_progress_ratio: float = F(
        unit="ratio", gt=0, le=1, doc="turnaround multiplier per doubling of cumulative flights"
    )
    pads_initial: float = F(unit="count", ge=0, doc="launch pads at start")
    pads_added_per_yr: float = F(unit="count/yr", ge=0, doc="pads added per year")
    pads_max: float = F(unit="count", ge=0, doc="most pads ever available")
    pad_turnaround_days_initial: float = F(unit="days", gt=0, doc="pad turnaround at start")
    pad_turnaround_days_floor: float = F(unit="days", gt=0, doc="best pad turnaround")
    payload_t: float = F(unit="t", gt=0, doc="effective payload to LEO per flight (reusable)", lever=(5, 60))
    cumulative_flights_initial: float = F(unit="flights", ge=0, doc="flights flown before start")
    cost_per_flight_usd_initial: float = F(unit="USD", gt=0, doc="internal marginal cost per flight at start")
    cost_progress_ratio: float = F(
        unit="ratio", gt=0, le=1, doc="cost multiplier per doubling of cumulative flights (Wright's law)"
    )
    cost_per_flight_usd_floor: float = F(unit="USD", gt=0, doc="lowest cost per flight reachable")
    price_per_flight_usd: float = F(unit="USD", gt=0, doc="price of a dedicated flight to outside customers at start (an outside provider's price then follows its cost; SpaceX's follows its pricing rule)")
    customer_mission_cost_usd: float = F(unit="USD", ge=0, doc="cost of an outside customer's mission beyond the flight: payload integration, crew and cargo capsules, mission assurance")
    booster_cost_usd: float = F(unit="USD", ge=0, doc="capital cost of one new booster")
    failure_prob: float = F(unit="frac", ge=0, le=1, doc="probability that a flight loses its payload")
    build_lead_months: float = F(unit="months", ge=0, doc="boosters are built from this long before the first flight")
    target_utilisation_frac: float = F(unit="frac", gt=0, le=1, doc="boosters and upper-stage production are built so that forecast demand uses this share of them")
    demand_smoothing_frac: float = F(unit="frac", gt=0, le=1, doc="weight of this month's demand in the forecast the fleet is built to")
    upper_stages_per_month_initial: float | None = F(
        unit="count/month", gt=0, default=None, doc="upper stages the line can make a month at start (each flight expends one); unset = no limit"
    )
    upper_stage_growth_pct_per_yr: float = F(unit="%/yr", ge=0, default=0.0, doc="fastest growth of upper-stage production when demand asks for more")
    upper_stages_per_month_max: float | None = F(unit="count/month", gt=0, default=None, doc="most upper stages a month the line can ever make")
    cadence: list[Cadence] = F(unit="-", default=[], doc="most flights a year from given months (a manifest's sourced cadence); empty = no limit but the fleet's")


class StarshipVersion(Section):
    name: str = F(unit="-", doc="version label")
    payload_t: float = F(unit="t", gt=0, doc="payload to LEO, reusable", lever=(20, 300))
    available_month: Month = F(unit="YYYY-MM", doc="earliest month this version flies")
    min_cumulative_flights: float = F(unit="flights", ge=0, doc="flights flown before it can fly")


class StarshipLine(Section):
    """Starship: a test campaign, then operational flights limited by ships, turnaround and pads."""

    first_flight_month: Month = F(unit="YYYY-MM", doc="first integrated test flight")
    vehicles_initial: float = F(unit="count", ge=0, doc="ship+booster stacks at start")
    build_per_month_initial: float = F(unit="count/month", ge=0, doc="stacks the factory can build per month at start (stacks are built to need, up to this rate)")
    build_growth_pct_per_yr: float = F(unit="%/yr", ge=0, doc="growth of the factory's build rate before operations; afterwards its fastest growth when stacks needed outrun it", lever=(0, 200))
    build_per_month_max: float = F(unit="count/month", ge=0, doc="most stacks the factory can build per month")
    vehicle_life_flights: float = F(unit="flights", ge=1, doc="flights before a stack retires")
    vehicle_cost_usd: float = F(unit="USD", ge=0, doc="capital cost of a stack")
    test_interval_months_initial: float = F(unit="months", gt=0, doc="months between test flights at first")
    test_interval_progress_ratio: float = F(unit="ratio", gt=0, le=1, doc="interval multiplier per test flight")
    test_interval_months_floor: float = F(unit="months", gt=0, doc="shortest interval between test flights")
    mishap_delay_months: float = F(unit="months", ge=0, doc="extra wait after a failed test flight")
    operational_month: Month = F(unit="YYYY-MM", doc="earliest month of operational (payload) flights")
    min_flights_for_operations: float = F(unit="flights", ge=0, doc="test flights before operations")
    turnaround_days_initial: float = F(unit="days", gt=0, doc="stack turnaround when operations start")
    turnaround_days_floor: float = F(unit="days", gt=0, doc="best turnaround reachable", lever=(0.5, 30))
    turnaround_progress_ratio: float = F(unit="ratio", gt=0, le=1, doc="turnaround multiplier per doubling of flights")
    pads_initial: float = F(unit="count", ge=0, doc="Starship pads at start")
    pads_added_per_yr: float = F(unit="count/yr", ge=0, doc="pads added per year", lever=(0, 20))
    pads_max: float = F(unit="count", ge=0, doc="most pads ever available")
    pad_turnaround_days_initial: float = F(unit="days", gt=0, doc="pad turnaround when operations start")
    pad_turnaround_days_floor: float = F(unit="days", gt=0, doc="best pad turnaround")
    cumulative_flights_initial: float = F(unit="flights", ge=0, doc="flights flown before start")
    cost_per_flight_usd_initial: float = F(unit="USD", gt=0, doc="cost of a flight at the first flight")
    cost_progress_ratio: float = F(
        unit="ratio", gt=0, le=1, doc="cost multiplier per doubling of cumulative flights", lever=(0.6, 1.0)
    )
    cost_per_flight_usd_floor: float = F(unit="USD", gt=0, doc="lowest cost per flight reachable", lever=(1e6, 1e8))
    failure_prob_test: float = F(unit="frac", ge=0, le=1, doc="failure probability of a test flight")
    failure_prob_operational: float = F(unit="frac", ge=0, le=1, doc="failure probability of an operational flight")
    build_lead_months: float = F(unit="months", ge=0, doc="stacks are built from this long before the first flight")
    test_stacks_ready_count: float = F(unit="count", ge=0, doc="stacks kept ready for the test campaign (each test flight expends one)")
    target_utilisation_frac: float = F(unit="frac", gt=0, le=1, doc="stacks and pads are built so that forecast flights use this share of them")
    demand_smoothing_frac: float = F(unit="frac", gt=0, le=1, doc="weight of this month's demand in the forecast the fleet is built to")
    pad_cost_usd: float = F(unit="USD", ge=0, doc="capital cost of a Starship launch pad")
    factory_capex_usd_per_stack_month: float = F(unit="USD", ge=0, doc="capital cost of the factory and sites per stack a month of build rate added")
    development_usd_per_yr: float = F(unit="USD/yr", ge=0, doc="research and development expensed each year until the last version flies")
    versions: list[StarshipVersion] = F(unit="-", doc="payload by version")

    @model_validator(mode="after")
    def _versions(self) -> StarshipLine:
        if not self.versions:
            raise ValueError("versions must list at least one version (got [])")
        return self


class Launch(Section):
    """SpaceX's launch business: its two vehicle lines and how it prices outside launches."""

    falcon: VehicleLine
    starship: StarshipLine
    price_to_competitor_ratio: float = F(unit="ratio", gt=0, le=2, doc="SpaceX's price of a dedicated launch over the cheapest competitor's list price (limit pricing)", lever=(0.5, 1.2))
    price_change_max_pct_per_month: float = F(unit="%/month", gt=0, le=100, doc="fastest monthly move of SpaceX's outside price toward its target")
    cash_deploy_months: float = F(unit="months", gt=0, doc="launch capex (stacks, boosters, pads) is limited to the company's cash spread over this many months")
    overhead_pct_of_revenue: float = F(unit="%", ge=0, le=100, doc="the launch business's overhead (SG&A, crew and cargo programme operations, mission assurance), % of its outside revenue")


# --------------------------------------------------------------------------- constellations


class SatelliteGeneration(Section):
    name: str = F(unit="-", doc="generation label")
    mass_kg: float = F(unit="kg", gt=0, doc="launch mass of one satellite")
    capacity_gbps: float = F(unit="Gbps", ge=0, doc="downlink capacity of one satellite")
    usable_capacity_frac: float = F(unit="frac", gt=0, le=1, doc="share of its capacity over paying users in the busy hour (its shell: inclination, altitude, land under it)")
    unit_cost_usd: float = F(unit="USD", ge=0, doc="build cost of one satellite")
    available_month: Month = F(unit="YYYY-MM", doc="first month it is built")
    needs_starship: bool = F(unit="-", doc="too heavy or wide for Falcon 9: waits for operational Starship")
    eo_data_tb_per_month: float = F(unit="TB/month", ge=0, doc="Earth-observation data per satellite")


class LaunchContract(Section):
    """Launches a constellation has booked on one launcher (they fly on it, when it flies)."""

    launcher: str = F(unit="-", doc="the launcher booked (an actor of the roster that sells launches)")
    booked_flights: float = F(unit="flights", ge=0, doc="launches booked")
    satellites_per_launch: float = F(unit="satellites", gt=0, doc="satellites one launch of this vehicle carries")


class Constellation(Section):
    """A broadband constellation and its subscriber business (Starlink, Kuiper)."""

    lifetime_yr: float = F(unit="yr", gt=0, le=19, doc="design life before deorbit", lever=(2, 15))
    attrition_pct_per_yr: float = F(unit="%/yr", ge=0, lt=100, doc="satellites failed or deorbited before the end of their design life")
    generations: list[SatelliteGeneration] = F(unit="-", doc="satellite generations")
    satellites_initial: float = F(unit="count", ge=0, doc="working satellites at start (first generation)")
    production_per_month_initial: float = F(unit="count/month", ge=0, doc="satellites the factory can build per month at start")
    production_growth_pct_per_yr: float = F(unit="%/yr", ge=0, doc="growth of the factory's rate")
    production_per_month_max: float = F(unit="count/month", ge=0, doc="most satellites built per month", lever=(0, 2000))
    target_satellites: float = F(unit="count", ge=0, doc="constellation size the operator deploys toward", lever=(1e3, 1e6))
    busy_hour_mbps_per_subscriber_initial: float = F(unit="Mbps", gt=0, doc="busy-hour capacity one subscriber needs at start (after oversubscription)")
    traffic_growth_pct_per_yr: float = F(unit="%/yr", ge=0, le=100, doc="growth of each subscriber's busy-hour traffic", lever=(0, 50))
    subscribers_initial: float = F(unit="subscribers", ge=0, doc="subscribers at start")
    service_start_month: Month = F(unit="YYYY-MM", doc="first month of commercial service")
    bass_innovation_per_yr: float = F(unit="1/yr", ge=0, doc="Bass innovation coefficient p")
    bass_imitation_per_yr: float = F(unit="1/yr", ge=0, doc="Bass imitation coefficient q")
    appeal_ratio: float = F(unit="ratio", gt=0, doc="attractiveness relative to Starlink (Starlink = 1)")
    arpu_usd_per_month_initial: float = F(unit="USD/month", gt=0, doc="service revenue per subscriber at start (consumer, business, maritime and aviation plans)")
    arpu_change_pct_per_yr: float = F(unit="%/yr", ge=-50, le=50, doc="yearly change of ARPU")
    terminal_price_usd_initial: float = F(unit="USD", ge=0, doc="price of a user terminal kit at start")
    terminal_price_change_pct_per_yr: float = F(unit="%/yr", ge=-50, le=50, doc="yearly change of the kit price")
    terminal_cost_usd_initial: float = F(unit="USD", ge=0, doc="cost of making a user terminal kit at start")
    terminal_cost_change_pct_per_yr: float = F(unit="%/yr", ge=-50, le=50, doc="yearly change of the kit cost")
    churn_pct_per_yr: float = F(unit="%/yr", ge=0, lt=100, doc="subscribers who leave each year (replaced by new kits)")
    opex_usd_per_satellite_yr: float = F(unit="USD/yr", ge=0, doc="operating cost per satellite: operations, insurance")
    ground_opex_usd_per_tbps_yr: float = F(unit="USD/yr", ge=0, doc="gateways, backhaul and points of presence per Tbps of busy-hour traffic carried")
    ground_capex_usd_per_tbps: float = F(unit="USD", ge=0, doc="gateways and network built per Tbps of busy-hour traffic added")
    support_usd_per_subscriber_month: float = F(unit="USD/month", ge=0, doc="customer support and billing per subscriber")
    sga_pct_of_revenue: float = F(unit="%", ge=0, le=100, doc="sales, general and administrative cost, % of revenue")
    government_revenue_usd_per_yr_initial: float = F(unit="USD/yr", ge=0, doc="government revenue at start (Starshield and government services)")
    government_revenue_growth_pct_per_yr: float = F(unit="%/yr", ge=-50, doc="growth of that revenue while far below its ceiling")
    government_revenue_usd_per_yr_max: float = F(unit="USD/yr", gt=0, doc="ceiling of that revenue (logistic growth)")
    direct_to_cell_start_month: Month = F(unit="YYYY-MM", doc="first month of direct-to-cell service")
    direct_to_cell_revenue_usd_per_yr_initial: float = F(unit="USD/yr", ge=0, doc="direct-to-cell wholesale revenue when service starts")
    direct_to_cell_growth_pct_per_yr: float = F(unit="%/yr", ge=-50, doc="growth of that revenue while far below its ceiling")
    direct_to_cell_revenue_usd_per_yr_max: float = F(unit="USD/yr", gt=0, doc="ceiling of that revenue (logistic growth)")
    bandwidth_price_usd_per_tbps_month: float = F(unit="USD/(Tbps month)", ge=0, doc="price of backhaul sold to orbital data centers")
    initial_fleet_spread_months: int = F(unit="months", ge=1, le=120, doc="the satellites at start were launched evenly over this many months (they deorbit as evenly)")
    cash_deploy_months: float = F(unit="months", gt=0, doc="satellite and ground capex is limited to the company's cash spread over this many months")
    launch_contracts: list[LaunchContract] = F(unit="-", default=[], doc="launches booked on named launchers (the rest is bought where slots and prices are best)")
    launch_choice_price_exponent: float = F(unit="-", ge=0, doc="how sharply spot launches go to the cheaper launcher per satellite (share in proportion to price^-exponent)")


class SatelliteMarket(Section):
    """The satellite broadband market that Starlink and Kuiper share."""

    potential_subscribers_initial: float = F(unit="subscribers", gt=0, doc="addressable subscribers at start")
    potential_growth_pct_per_yr: float = F(unit="%/yr", ge=-20, le=100, doc="growth of the addressable market")
    potential_max: float = F(unit="subscribers", gt=0, doc="ceiling of the addressable market")
    price_elasticity: float = F(unit="-", ge=0, doc="elasticity of the addressable market to ARPU")
    cell_demand_spread_index: float = F(unit="-", gt=0, le=5, doc="spread (sigma of the log) of demand across the cells a constellation covers: how unevenly people live under it", lever=(0.2, 2.5))


class FccMilestone(Section):
    month: Month = F(unit="YYYY-MM", doc="deadline")
    satellites: float = F(unit="count", ge=0, doc="satellites that must be in orbit by then")


class Kuiper(Constellation):
    authorized_satellites: float = F(unit="count", ge=0, doc="FCC-authorized constellation size")
    milestones: list[FccMilestone] = F(unit="-", doc="FCC deployment milestones")
    milestone_rule: Literal["extension", "reduce"] = F(
        unit="-", doc="'reduce': a missed milestone cuts the authorization to what is in orbit"
    )


class Regulation(Section):
    """Debris and spectrum limits on deployment (the regulatory_drag scenario's levers)."""

    max_satellites_per_operator: float = F(unit="count", gt=0, doc="cap on satellites in orbit per operator", lever=(1e4, 1e6))
    deployment_approval_per_yr: float = F(unit="count/yr", gt=0, doc="new satellites an operator may add per year")
    odc_power_cap_gw: float = F(unit="GW", gt=0, doc="cap on orbital data-center IT power per operator")


# --------------------------------------------------------------------------- Tesla


class Factory(Section):
    name: str = F(unit="-", doc="factory or line")
    start_month: Month = F(unit="YYYY-MM", doc="start of production")
    capacity_per_yr: float = F(unit="vehicles/yr", ge=0, doc="installed capacity when ramped")
    ramp_months: float = F(unit="months", gt=0, doc="months from start to full rate")


class Cohort(Section):
    year: int = F(unit="yr", ge=1990, le=2100, doc="build year")
    vehicles: float = F(unit="vehicles", ge=0, doc="vehicles built that year")


class Tesla(Section):
    factories: list[Factory] = F(unit="-", doc="vehicle factories and lines")
    fleet_cohorts_initial: list[Cohort] = F(unit="-", doc="vehicles delivered by build year before start")
    scrappage_median_yr: float = F(unit="yr", gt=0, doc="median vehicle life")
    scrappage_weibull_shape: float = F(unit="-", gt=0, doc="Weibull shape of vehicle survival")
    cumulative_production_initial: float = F(unit="vehicles", ge=0, doc="vehicles built before start")
    unit_cost_usd_initial: float = F(unit="USD", gt=0, doc="cost of goods per vehicle at start")
    cost_progress_ratio: float = F(unit="ratio", gt=0, le=1, doc="unit cost multiplier per doubling of production")
    asp_usd_initial: float = F(unit="USD", gt=0, doc="average selling price at start")
    price_response_per_yr: float = F(unit="1/yr", ge=0, doc="price change per year per unit of utilisation gap")
    min_gross_margin_frac: float = F(unit="frac", ge=-0.5, lt=1, doc="price floor above unit cost")
    max_gross_margin_frac: float = F(unit="frac", ge=0, lt=1, doc="price ceiling above unit cost")
    bev_market_initial_per_yr: float = F(unit="vehicles/yr", gt=0, doc="world battery-electric car sales at start")
    bev_market_growth_per_yr: float = F(unit="1/yr", ge=0, doc="logistic growth rate of BEV sales")
    bev_market_max_per_yr: float = F(unit="vehicles/yr", gt=0, doc="saturation of BEV sales")
    share_initial_frac: float = F(unit="frac", gt=0, le=1, doc="Tesla's share of BEV demand at start")
    share_decay_pct_per_yr: float = F(unit="%/yr", ge=0, le=100, doc="erosion of that share by competitors")
    share_floor_frac: float = F(unit="frac", ge=0, le=1, doc="share Tesla keeps however strong competitors get")
    price_elasticity: float = F(unit="-", ge=0, doc="elasticity of demand to price")
    fsd_demand_uplift_frac: float = F(unit="frac", ge=0, doc="demand gain per unit of FSD capability above 1")
    miles_per_vehicle_yr: float = F(unit="miles/yr", gt=0, doc="miles driven per vehicle")
    fsd_eligible_frac: float = F(unit="frac", ge=0, le=1, doc="share of the fleet with FSD-capable hardware")
    fsd_take_rate_initial_frac: float = F(unit="frac", ge=0, le=1, doc="share of eligible fleet on FSD at start")
    fsd_take_rate_max_frac: float = F(unit="frac", ge=0, le=1, doc="ceiling of the take rate")
    fsd_adoption_per_yr: float = F(unit="1/yr", ge=0, doc="speed at which the take rate follows capability")
    fsd_capability_elasticity: float = F(unit="-", ge=0, doc="elasticity of FSD performance to AI capability")
    fsd_engaged_frac: float = F(unit="frac", ge=0, le=1, doc="share of an FSD user's miles on FSD")
    fsd_price_usd_per_month: float = F(unit="USD/month", ge=0, doc="FSD subscription price")
    fsd_miles_cumulative_initial: float = F(unit="miles", ge=0, doc="FSD miles before start")
    fsd_learning_reference_pb: float = F(unit="PB", gt=0, doc="FSD training data at which Tesla's own FSD performance doubles (x2^exponent)")
    fsd_learning_exponent: float = F(unit="-", ge=0, doc="exponent of FSD performance in (1 + data / reference)")
    fsd_data_pb_initial: float = F(unit="PB", ge=0, doc="FSD training data collected before start")
    data_pb_per_billion_fsd_miles: float = F(unit="PB/1e9 miles", ge=0, doc="training data uploaded per FSD mile")
    data_pb_per_billion_miles: float = F(unit="PB/1e9 miles", ge=0, doc="training data uploaded per other mile")
    chips_h100e_per_vehicle: float = F(unit="H100e", ge=0, doc="inference compute in one vehicle")
    factory_capex_usd_per_vehicle_yr: float = F(unit="USD/(vehicle/yr)", ge=0, doc="capital per unit of annual capacity")
    labour_share_of_unit_cost_frac: float = F(unit="frac", ge=0, le=1, doc="direct labour share of a vehicle's cost (the most robots can save)")
    regulatory_credits_usd_per_vehicle: float = F(unit="USD", ge=0, doc="regulatory-credit sales per vehicle delivered (booked in automotive revenue)")
    services_revenue_usd_per_vehicle_yr: float = F(unit="USD/(vehicle yr)", ge=0, doc="services and other revenue per vehicle on the road (service, Supercharging, insurance, used cars)")
    services_gross_margin_frac: float = F(unit="frac", ge=-1, lt=1, doc="gross margin of services and other")
    operating_expenses_frac_of_revenue: float = F(unit="frac", ge=0, le=1, doc="R&D and SG&A as a share of Tesla's revenue")
    operating_expenses_stock_frac: float = F(unit="frac", ge=0, le=1, doc="share of R&D and SG&A paid in stock, not cash")
    sustaining_capex_usd_per_vehicle_yr: float = F(unit="USD/(vehicle/yr)", ge=0, doc="capital spent each year per vehicle of installed capacity (tooling, upkeep, Superchargers, AI training clusters)")
    cash_deploy_months: float = F(unit="months", gt=0, le=120, doc="a month's new car and storage factory capacity costs at most the company's cash spread over this many months")


class StorageFactory(Section):
    name: str = F(unit="-", doc="factory")
    start_month: Month = F(unit="YYYY-MM", doc="start of production")
    capacity_gwh_per_yr: float = F(unit="GWh/yr", ge=0, doc="installed capacity when ramped")
    ramp_months: float = F(unit="months", gt=0, doc="months from start to full rate")


class TeslaEnergy(Section):
    """Tesla Energy: stationary storage (Megapack, Powerwall) and solar generation."""

    factories: list[StorageFactory] = F(unit="-", doc="storage factories (Megafactories, Powerwall lines)")
    utilisation_frac: float = F(unit="frac", ge=0, le=1, doc="share of installed capacity deployed in a year")
    cumulative_gwh_initial: float = F(unit="GWh", gt=0, doc="storage deployed before start")
    price_usd_per_kwh_initial: float = F(unit="USD/kWh", gt=0, doc="realised storage revenue per kWh deployed at start")
    price_progress_ratio: float = F(unit="ratio", gt=0, le=1, doc="price multiplier per doubling of cumulative deployments (cost passed through at a steady margin)")
    gross_margin_frac: float = F(unit="frac", ge=-1, lt=1, doc="gross margin of the energy segment")
    generation_revenue_usd_per_yr: float = F(unit="USD/yr", ge=0, doc="solar generation revenue (not growing)")
    factory_capex_usd_per_gwh_yr: float = F(unit="USD/(GWh/yr)", ge=0, doc="capital per GWh of yearly capacity")


class Cybercab(Section):
    start_month: Month = F(unit="YYYY-MM", doc="start of volume production")
    production_per_month_initial: float = F(unit="vehicles/month", ge=0, doc="output in the first month")
    production_growth_pct_per_yr: float = F(unit="%/yr", ge=0, doc="growth of output")
    production_per_month_max: float = F(unit="vehicles/month", ge=0, doc="most output per month", lever=(0, 2e5))
    unit_cost_usd: float = F(unit="USD", gt=0, doc="build cost of one Cybercab")
    lifetime_yr: float = F(unit="yr", gt=0, doc="service life")
    miles_per_day: float = F(unit="miles/day", gt=0, doc="paid miles per vehicle per day at full use")
    fare_usd_per_mile: float = F(unit="USD/mile", gt=0, doc="fare per paid mile")
    cost_usd_per_mile: float = F(unit="USD/mile", ge=0, doc="operating cost per mile")
    approval_capability_index: float = F(unit="index", gt=0, doc="AI capability at which half the market is approved")
    approval_steepness: float = F(unit="1/index", gt=0, doc="steepness of approval with capability")
    addressable_miles_per_yr: float = F(unit="miles/yr", gt=0, doc="ride-hail and taxi miles the fleet could serve")
    addressable_growth_pct_per_yr: float = F(unit="%/yr", ge=-20, le=100, doc="growth of that market")
    data_pb_per_billion_miles: float = F(unit="PB/1e9 miles", ge=0, doc="training data per mile")
    chips_h100e_per_vehicle: float = F(unit="H100e", ge=0, doc="inference compute in one Cybercab")
    cash_deploy_months: float = F(unit="months", gt=0, le=120, doc="cabs built in a month cost at most the company's cash spread over this many months")


class OptimusGeneration(Section):
    name: str = F(unit="-", doc="generation label")
    available_month: Month = F(unit="YYYY-MM", doc="first month built")
    unit_cost_usd: float = F(unit="USD", gt=0, doc="build cost")
    hours_per_day: float = F(unit="h/day", gt=0, le=24, doc="working hours per day")
    productivity_ratio: float = F(unit="ratio", gt=0, doc="output per hour relative to a human worker")


class OptimusSector(Section):
    name: Literal["factory", "home", "care"] = F(unit="-", doc="where robots work")
    potential_robots: float = F(unit="robots", ge=0, doc="robots the sector would absorb at full capability")
    capability_index_half: float = F(unit="index", gt=0, doc="AI capability at which half the potential adopts")
    value_usd_per_hour: float = F(unit="USD/h", ge=0, doc="value of one robot hour to the buyer (for factories: the wage it replaces, also what Tesla's plants pay for it)")


class Optimus(Section):
    generations: list[OptimusGeneration] = F(unit="-", doc="robot generations")
    sectors: list[OptimusSector] = F(unit="-", doc="sectors that buy robots")
    robots_initial: float = F(unit="robots", ge=0, doc="robots working at start")
    capacity_per_yr_initial: float = F(unit="robots/yr", ge=0, doc="production capacity at start")
    capacity_growth_pct_per_yr: float = F(unit="%/yr", ge=0, doc="growth of capacity", lever=(0, 300))
    capacity_per_yr_max: float = F(unit="robots/yr", ge=0, doc="most robots built per year")
    price_usd: float = F(unit="USD", gt=0, doc="selling price of a robot")
    lifetime_yr: float = F(unit="yr", gt=0, doc="service life")
    capability_steepness: float = F(unit="1/index", gt=0, doc="steepness of adoption with capability")
    data_tb_per_robot_hour: float = F(unit="TB/h", ge=0, doc="interaction data per working hour")
    chips_h100e_per_robot: float = F(unit="H100e", ge=0, doc="inference compute in one robot")
    terafab_hours_share_frac: float = F(unit="frac", ge=0, le=1, doc="share of factory robot hours sent to TeraFab")
    cash_deploy_months: float = F(unit="months", gt=0, le=120, doc="robots built in a month cost at most the company's cash spread over this many months (a line whose builds it cuts does not grow)")


# --------------------------------------------------------------------------- compute


class OrbitalDC(Section):
    """Orbital data centers: the cost model of ``ecosim odc-cost`` and the builders' economics."""

    capacity_gw: float = F(unit="GW", gt=0, doc="planned fleet IT power over which NRE is spread", lever=(0.1, 1000))
    lifetime_yr: float = F(unit="yr", gt=0, le=19, doc="service life of a satellite", lever=(2, 15))
    launch_cost_usd_per_kg: float | None = F(
        unit="USD/kg", gt=0, default=None,
        doc="launch price; unset = the launch fleet's learning curve in the run", lever=(10, 5000),
    )
    satellite_hardware_usd_per_w: float = F(unit="USD/W", ge=0, doc="satellite bus, arrays and radiators per W of IT power (no AI chips)", lever=(1, 100))
    specific_power_w_per_kg: float | None = F(
        unit="W/kg", gt=0, default=None,
        doc="IT power per kg of the whole satellite at launch; unset = from component masses", lever=(10, 300),
    )
    sunlight_fraction: float = F(unit="frac", gt=0, le=1, doc="share of the orbit in sunlight")
    degradation_pct_per_yr: float = F(unit="%/yr", ge=0, lt=100, doc="solar array power loss per year")
    chip_failure_pct_per_yr: float = F(unit="%/yr", ge=0, lt=100, doc="accelerators lost to radiation and wear per year")
    ops_pct_of_hardware_per_yr: float = F(unit="%/yr", ge=0, doc="operations cost per year as % of hardware")
    nre_usd: float = F(unit="USD", ge=0, doc="fixed development cost of the program")
    development_months: float = F(unit="months", ge=1, doc="the development cost is paid evenly over this many months before the first build month")
    radiator_temp_k: float = F(unit="K", gt=0, doc="radiator surface temperature")
    emissivity: float = F(unit="frac", gt=0, le=1, doc="infrared emissivity of the radiator")
    radiator_sides: Literal[1, 2] = F(unit="count", doc="radiating faces of a radiator panel")
    sink_temp_k: float = F(unit="K", ge=0, doc="effective temperature of the environment the radiator sees")
    radiator_areal_density_kg_per_m2: float = F(unit="kg/m^2", gt=0, doc="radiator mass per panel area")
    array_specific_power_w_per_kg: float = F(unit="W/kg", gt=0, doc="solar array power per kg (array only)")
    chip_mass_kg_per_w: float = F(unit="kg/W", ge=0, doc="compute boards and their thermal path per W")
    shielding_kg_per_w: float = F(unit="kg/W", ge=0, doc="radiation shielding per W")
    structure_mass_frac: float = F(unit="frac", ge=0, lt=1, doc="bus and structure share of satellite mass")
    bandwidth_tbps_per_gw: float = F(unit="Tbps/GW", ge=0, doc="downlink needed per GW of IT power")
    satellite_it_kw: float = F(unit="kW", gt=0, doc="IT power of one compute satellite (for counting satellites)")
    first_build_month: Month = F(unit="YYYY-MM", doc="earliest month this builder can deploy")
    build_mw_per_month_max: float = F(unit="MW/month", ge=0, doc="most IT power this builder can make per month", lever=(0, 1e5))
    capex_budget_usd_per_yr: float = F(unit="USD/yr", ge=0, doc="spending ceiling (0 = the owner's cash decides)")
    capex_budget_growth_pct_per_yr: float = F(unit="%/yr", ge=-50, doc="growth of that ceiling")
    capex_budget_usd_per_yr_max: float = F(unit="USD/yr", ge=0, doc="most that ceiling grows to")
    compute_price_usd_per_eflops_month: float = F(unit="USD/(EFLOP/s month)", ge=0, doc="price of the compute it sells, in the [ai_hardware] reference month; it follows the accelerator price per FLOP")
    prototype_mw_per_yr: float = F(unit="MW/yr", ge=0, doc="demonstrators built whatever the economics")
    array_cost_frac: float = F(unit="frac", ge=0, le=1, doc="share of satellite hardware cost in the solar arrays")
    cash_deploy_months: float = F(unit="months", gt=0, doc="without a budget, the company's cash is spent on satellites over this many months")
    chip_stock_months: float = F(unit="months", ge=0, doc="accelerators and PV modules bought ahead, in months of planned builds")
    cost_convention: Literal["levelised", "ecosim", "calculator"] = F(
        unit="-", default="levelised",
        doc="what the builder's orbit-versus-ground cost per W counts and how (docs/odc-conventions.md); levelised: capital recovered at the WACC over each asset's life, both sides at the same utilisation",
    )


class TerrestrialDC(Section):
    """Terrestrial data centers behind grid interconnection queues."""

    capex_usd_per_w: float = F(unit="USD/W", ge=0, doc="facility capex: power, electrical, mechanical, civil, network", lever=(2, 30))
    facility_life_yr: float = F(unit="yr", gt=0, doc="life of the building and plant")
    pue: float = F(unit="ratio", ge=1, doc="power usage effectiveness")
    energy_source: Literal["grid", "onsite_gas"] = F(unit="-", doc="grid power or on-site gas turbines")
    electricity_usd_per_mwh: float = F(unit="USD/MWh", ge=0, doc="grid electricity price", lever=(20, 300))
    gas_price_usd_per_mmbtu: float = F(unit="USD/MMBtu", ge=0, doc="natural gas price")
    heat_rate_btu_per_kwh: float = F(unit="Btu/kWh", gt=0, doc="fuel per kWh of on-site generation")
    capacity_factor: float = F(unit="frac", gt=0, le=1, doc="share of hours the IT load runs")
    interconnection_delay_yr: float = F(unit="yr", ge=0, doc="wait for grid interconnection", lever=(0, 10))
    it_mw_initial: float = F(unit="MW", ge=0, doc="IT power in service at start")
    onsite_gas_mw_per_month_max: float = F(unit="MW/month", ge=0, doc="on-site generation that can be added per month (the turbines' supply to this site)")
    onsite_start_month: Month = F(unit="YYYY-MM", doc="first month a grid site can add on-site generation beside its grid connection (an onsite_gas site: from its start)")
    onsite_lead_yr: float = F(unit="yr", ge=0, le=10, doc="wait before on-site generation ordered now runs (the turbines' lead)")
    onsite_capex_usd_per_w: float = F(unit="USD/W", ge=0, doc="capital cost of on-site generation per W of IT power, beside the facility's")
    chip_order_lead_months: float = F(unit="months", ge=0, doc="accelerators are ordered this long before power is expected")
    opex_pct_of_capex_per_yr: float = F(unit="%/yr", ge=0, doc="facility operations and maintenance per year, % of facility capex")
    capex_budget_usd_per_yr: float = F(unit="USD/yr", ge=0, doc="spending ceiling (0 = the owner's cash decides)")
    capex_budget_growth_pct_per_yr: float = F(unit="%/yr", ge=-50, doc="growth of that ceiling")
    capex_budget_usd_per_yr_max: float = F(unit="USD/yr", ge=0, doc="most that ceiling grows to")
    initial_fleet_spread_months: int = F(unit="months", ge=1, le=120, doc="the IT power at start was installed evenly over this many months (its chips retire as evenly)")


class AIHardware(Section):
    reference_month: Month = F(unit="YYYY-MM", doc="month the two figures below describe")
    usd_per_w: float = F(unit="USD/W", gt=0, doc="accelerators per W of IT power in the reference month (same on ground and in orbit; > 0: compute prices follow it relative to this month)", lever=(0.5, 60))
    usd_per_w_change_pct_per_yr: float = F(unit="%/yr", ge=-50, le=50, doc="yearly change of that price")
    w_per_h100e: float = F(unit="W", gt=0, doc="IT power per H100-equivalent in the reference month, host included")
    efficiency_gain_pct_per_yr: float = F(unit="%/yr", ge=0, le=100, doc="yearly gain in compute per W")
    flops_per_h100e: float = F(unit="FLOP/s", gt=0, doc="dense BF16 throughput of one H100-equivalent")
    chip_life_yr: float = F(unit="yr", gt=0, doc="service life of an accelerator in a data center")


class ChipFab(Section):
    start_month: Month = F(unit="YYYY-MM", doc="first output")
    capacity_h100e_per_month_initial: float = F(unit="H100e/month", ge=0, doc="AI accelerator output at start")
    capacity_growth_pct_per_yr: float = F(unit="%/yr", ge=0, doc="growth of output", lever=(0, 200))
    capacity_h100e_per_month_max: float = F(unit="H100e/month", ge=0, doc="most output per month")
    ramp_months: float = F(unit="months", gt=0, doc="months to reach the growth path after start")
    robot_hours_per_ramp_month: float = F(unit="h", ge=0, doc="Optimus hours that save one month of ramp (0 = none)")
    build_capex_usd: float = F(unit="USD", ge=0, doc="capital cost of building the fab, spread over the ramp")
    expansion_capex_usd_per_h100e_month: float = F(unit="USD", ge=0, doc="capital cost of each H100e a month of capacity added after the ramp, in the fab's first month; later it follows the price of an H100e (0 = paid from the price)")
    cash_deploy_months: float = F(unit="months", gt=0, doc="expansion is limited to the company's cash spread over this many months")
    expansion_utilisation_min_frac: float = F(unit="frac", ge=0, le=1, doc="capacity is added only while the fab sells at least this share of its output")
    cost_frac_of_price: float = F(unit="frac", ge=0, le=1, doc="manufacturing cost as a share of the selling price")


class Chips(Section):
    tsmc: ChipFab
    terafab: ChipFab
    market_demand_h100e_per_month_initial: float = F(unit="H100e/month", ge=0, doc="rest-of-world demand at start")
    market_demand_growth_pct_per_yr: float = F(unit="%/yr", ge=-50, doc="growth of that demand while far below its ceiling")
    market_demand_h100e_per_month_max: float = F(unit="H100e/month", gt=0, doc="ceiling of that demand (logistic growth)")


class ScalingLaw(Section):
    """Chinchilla loss L(N, D) = E + A/N^alpha + B/D^beta (Hoffmann et al. 2022).

    The irreducible loss E is not a field: capability is a ratio of reducible losses (L - E), from
    which E cancels (:func:`ecosim.physics.scaling.capability_index`), and no run reads L itself.
    """

    param_coeff: float = F(unit="-", gt=0, doc="A")
    data_coeff: float = F(unit="-", gt=0, doc="B")
    param_exponent: float = F(unit="-", gt=0, doc="alpha")
    data_exponent: float = F(unit="-", gt=0, doc="beta")
    tokens_per_param_optimal: float = F(unit="tokens/param", gt=0, doc="compute-optimal tokens per parameter")
    reference_compute_flop: float = F(unit="FLOP", gt=0, doc="training compute of the run that defines index 1")
    reference_tokens: float = F(unit="tokens", gt=0, doc="data of the run that defines index 1")
    tokens_per_pb: float = F(unit="tokens/PB", ge=0, doc="training tokens per PB of real-world sensor data")
    web_tokens_max_ratio: float = F(unit="ratio", gt=0, le=100, doc="the stock of usable public text (the data wall) relative to every lab's web_tokens_max (one internet for all labs: 1 = the scenario's own figure)")
    web_tokens_growth_ratio: float = F(unit="ratio", ge=0, le=100, doc="growth of usable web text relative to every lab's web_tokens_growth_pct_per_yr (1 = the scenario's own figure)")
    training_window_months: float = F(unit="months", gt=0, doc="months of cluster time in one frontier run")
    mfu_frac: float = F(unit="frac", gt=0, le=1, doc="model FLOPs utilization of training clusters")


class Lab(Section):
    """An AI lab: compute and data make capability; capability wins revenue."""

    web_tokens_initial: float = F(unit="tokens", ge=0, doc="usable web/text tokens at start")
    web_tokens_growth_pct_per_yr: float = F(unit="%/yr", ge=0, doc="growth of usable web tokens")
    web_tokens_max: float = F(unit="tokens", ge=0, doc="stock of usable human text (the data wall)")
    data_pb_initial: float = F(unit="PB", ge=0, doc="real-world sensor data held at start")
    training_frac: float = F(unit="frac", ge=0, le=0.95, doc="share of compute used for training up to the hardware's reference month")
    training_frac_change_pct_per_yr: float = F(unit="%/yr", ge=-50, le=50, doc="yearly change of that share after the hardware's reference month (inference takes more as usage grows)")
    training_min_frac: float = F(unit="frac", ge=0, le=0.95, doc="least share of compute used for training")
    revenue_initial_usd_per_yr: float = F(unit="USD/yr", ge=0, le=1e13, doc="revenue at start")
    market_share_initial_frac: float = F(unit="frac", ge=0, le=1, doc="share of the AI market's demand at start")
    share_adjust_per_yr: float | None = F(
        unit="1/yr", gt=0, le=12, default=None,
        doc="speed at which this lab's share follows its capability share; unset = the market's ([ai_market] share_adjust_per_yr)",
    )
    compute_budget_frac: float = F(unit="frac", ge=0, le=2, doc="share of the revenue it expects plus its cash (over cash_deploy_months) the lab may put into compute")
    sga_frac_of_revenue: float = F(unit="frac", ge=0, le=2, doc="selling, general and administrative cost as a share of revenue while the lab's revenue run-rate is at most [ai_market] sga_revenue_usd_per_yr (it falls toward sga_mature_frac_of_revenue with scale)")
    rd_staff_usd_per_eflops_month: float = F(unit="USD/(EFLOP/s month)", ge=0, le=1e9, doc="research staff's cash cost per EFLOP/s of compute for a lab with 1,000 EFLOP/s at the hardware's reference-month cost (researchers scale with the compute they use, see rd_staff_scale_exponent)")
    rd_staff_scale_exponent: float = F(unit="-", ge=0, le=1, doc="research staff's cost grows as the lab's compute (at reference-month cost) to this power (below 1: economies of scale)")
    staff_adjust_months: float = F(unit="months", gt=0, le=120, doc="research staff are hired toward the lab's compute over this many months (exponential smoothing)")
    orbital_first: bool = F(unit="-", doc="the lab may buy orbital compute when it is cheaper")
    cash_deploy_months: float = F(unit="months", gt=0, le=240, doc="spare cash is spent on compute over this many months")
    orbital_switch_softness_ratio: float = F(unit="ratio", gt=0, le=10, doc="width of the switch to orbit in the orbital/terrestrial cost ratio (logistic)")
    plan_horizon_months: float = F(unit="months", ge=0, le=60, doc="the lab plans compute for the demand it expects this far ahead (the market's growth over the last year)")
    capacity_plan_ratio: float = F(unit="ratio", gt=0, le=20, doc="compute planned as a multiple of what the expected demand needs (inference over 1 - training_frac)")
    frontier_compute_ratio: float = F(unit="ratio", ge=0, le=10, doc="the lab plans at least this multiple of the frontier lab's training compute (the training race; labs the network wires to frontier_compute_eflops), beyond its demand as far as catching up pays for it (race_gain_frac)")
    race_gain_frac: float = F(unit="frac", ge=0, le=5, default=1.0, doc="share of what catching up with the frontier would win it (the share its capability would deserve there less its share now, of the market's inference revenue, net) a racing lab counts on to pay for compute beyond its demand (labs the network wires to ai_share_at_frontier_frac)")
    obsolescence_weight_frac: float = F(unit="-", ge=0, le=1, doc="how far the lab's payback test counts the fall of the price of inference over the chips' life (0: today's price, 1: the whole fall)")
    payback_softness_ratio: float = F(unit="ratio", gt=0, le=10, doc="width of the payback switch: the lab adds compute while the price of inference is above the cost of the channel per EFLOP/s (logistic in price/cost - 1)")
    lease_if_wait_over_yr: float = F(unit="yr", ge=0, le=100, doc="the lab leases rather than builds when its own site waits longer than this for power (the middle of the switch)")
    lease_switch_softness_yr: float = F(unit="yr", gt=0, le=10, doc="width of the switch from building to leasing in the site's wait for power (logistic)")
    lease_switch_softness_ratio: float = F(unit="ratio", gt=0, le=10, doc="width of the switch from leasing to building in the lease/own cost ratio (logistic)")
    facility_life_yr: float = F(unit="yr", gt=0, le=60, doc="life over which the lab annualises its own facility's capex when it compares building with leasing")


class XAILab(Lab):
    """xAI with X (the S-1's AI segment): X's advertising and subscriptions are xAI's."""

    x_start_month: Month = F(unit="YYYY-MM", doc="X's accounts are combined with xAI's from this month")
    x_revenue_usd_per_yr_initial: float = F(unit="USD/yr", ge=0, le=1e11, doc="X's advertising, subscription and data-licensing revenue in its first month")
    x_revenue_change_pct_per_yr: float = F(unit="%/yr", ge=-50, le=100, doc="yearly change of X's revenue up to x_revenue_trough_month")
    x_revenue_trough_month: Month = F(unit="YYYY-MM", doc="X's revenue changes at x_revenue_change_pct_per_yr up to this month, at x_revenue_change_after_pct_per_yr after it")
    x_revenue_change_after_pct_per_yr: float = F(unit="%/yr", ge=-50, le=100, doc="yearly change of X's revenue after x_revenue_trough_month")
    x_ebitda_margin_frac: float = F(unit="frac", ge=-1, le=1, doc="X's adjusted EBITDA margin (its operating costs are the rest)")


class DataMarket(Section):
    """Who buys the sensor data of Tesla's cars, robots and Cybercabs and of Starlink's imagers
    (the sellers read it): the contract holder, else the lab that bids most for it."""

    contract_buyer: str = F(unit="-", doc="the lab holding a contract for all of every seller's data ('none': each lab bids what the data is worth to it and the highest bidder buys)", max_length=40)
    contract_usd_per_pb: float = F(unit="USD/PB", ge=0, le=1e9, doc="what the contract holder pays per PB; without a contract, the least a seller takes")

    @model_validator(mode="after")
    def _a_lab(self) -> DataMarket:
        from ecosim.scenario.roster import roster

        labs = roster().group("lab")
        if self.contract_buyer != "none" and self.contract_buyer not in labs:
            raise ValueError(f"contract_buyer must be 'none' or a lab of the roster ({', '.join(labs)}) (got {self.contract_buyer!r})")
        return self


class Cloud(Section):
    """Clouds and neoclouds that lease AI capacity to the labs (Microsoft, Oracle, CoreWeave, Google Cloud, AWS, ...)."""

    capacity_mw_initial: float = F(unit="MW", gt=0, le=1e6, doc="IT power the lessors can lease to the modelled labs at start")
    leases_mw_initial: dict[str, float] = F(unit="MW", doc="leased IT power in service at start, by lab (signed evenly over the term before)")
    cost_usd_per_w_yr: float = F(unit="USD/(W yr)", gt=0, le=100, doc="the lessors' cost recovery per W of IT power a year in the hardware's reference month (chips, facility, power); it follows the accelerator price")
    margin_at_target_frac: float = F(unit="frac", ge=0, le=5, doc="the lessors' margin over cost when capacity wanted is at the target utilisation")
    target_utilisation_frac: float = F(unit="frac", gt=0, le=1, doc="share of their capacity the lessors aim to have leased (the price's reference point, and what they build toward)")
    scarcity_elasticity: float = F(unit="-", ge=0, le=10, doc="how steeply the margin rises with capacity wanted over capacity built: margin x (u / target)^elasticity")
    price_utilisation_max_frac: float = F(unit="frac", gt=0, le=4, default=4.0, doc="the highest utilisation (capacity wanted over built) the price counts; what labs want beyond it is rationed, not priced (4: the clouds' shared market; a lessor of one lab: its target utilisation, no scarcity rent on its only customer)")
    price_adjust_months: float = F(unit="months", gt=0, le=60, doc="the lease price moves toward its clearing level over this many months")
    lease_term_yr: float = F(unit="yr", gt=0, le=15, doc="length of a lease; renewed at its end, at the then price, as far as the lab still wants it")
    lease_lead_months: int = F(unit="months", ge=1, le=60, doc="from signing a lease on free capacity to its compute in service")
    build_lead_months: int = F(unit="months", ge=1, le=120, doc="from ordering new leasable capacity to its being available")
    build_adjust_months: float = F(unit="months", gt=0, le=120, doc="the lessors order the gap to their target capacity over this many months")
    capacity_growth_pct_per_yr_max: float = F(unit="%/yr", ge=0, le=1000, doc="fastest yearly growth of the capacity the lessors order")
    capacity_mw_max: float = F(unit="MW", gt=0, le=1e7, doc="most AI capacity the lessors can build for the modelled labs (power and sites); their growth slows logistically toward it")


class AIMarket(Section):
    revenue_usd_per_yr_initial: float = F(unit="USD/yr", gt=0, doc="revenue the frontier AI labs could earn at start, at the reference price and capability")
    growth_pct_per_yr: float = F(unit="%/yr", ge=-50, le=300, doc="growth of that revenue while far below its ceiling, at constant capability and price")
    revenue_usd_per_yr_max: float = F(unit="USD/yr", gt=0, doc="ceiling of that revenue at the reference price and capability (logistic growth)")
    growth_fade_start_month: Month = F(unit="YYYY-MM", doc="first month the growth of that revenue fades (growth_half_life_yr); before it the growth is growth_pct_per_yr")
    growth_half_life_yr: float = F(unit="yr", gt=0, le=1000, doc="years in which the growth of that revenue (growth_pct_per_yr) halves from growth_fade_start_month on: the fade of a new market's growth as it matures, below as well as near its ceiling")
    capability_elasticity: float = F(unit="-", ge=0, le=5, doc="elasticity of the market's revenue to the best capability (at capability 1 and below)")
    capability_multiplier_max: float = F(unit="ratio", ge=1, le=100, doc="most a better model multiplies the market's revenue by, over capability 1 (the multiplier saturates toward it)")
    sga_revenue_usd_per_yr: float = F(unit="USD/yr", gt=0, le=1e13, doc="a lab's own sga_frac_of_revenue holds up to this revenue run-rate; above it the share falls linearly in log revenue")
    sga_mature_frac_of_revenue: float = F(unit="frac", ge=0, le=2, doc="selling, general and administrative cost as a share of revenue of a lab at sga_mature_revenue_usd_per_yr and beyond (operating leverage)")
    sga_mature_revenue_usd_per_yr: float = F(unit="USD/yr", gt=0, le=1e14, doc="revenue run-rate at which a lab's selling, general and administrative share reaches sga_mature_frac_of_revenue")
    share_exponent: float = F(unit="-", ge=0, le=10, doc="how sharply capability wins share (contest exponent)")
    share_adjust_per_yr: float = F(unit="1/yr", gt=0, le=12, doc="speed at which a lab's share follows the capability share (customers switch slowly)")
    others_capability_ratio: float = F(unit="ratio", ge=0, le=2, doc="capability of labs not modelled (Meta, DeepSeek, Alibaba, Mistral, ...; Anthropic is modelled) relative to the best modelled lab")
    inference_usd_per_eflops_month: float = F(unit="USD/(EFLOP/s month)", gt=0, le=1e9, doc="price of one EFLOP/s of inference for a month in the hardware's reference month; it falls with the cost of compute")
    price_elasticity: float = F(unit="-", ge=0.1, le=5, doc="elasticity of the inference wanted to its price (above 1: revenue grows as the price falls)")
    race_softness_ratio: float = F(unit="ratio", gt=0, le=1, doc="width of the switch that ends a lab's training race once its model is as good as the best other lab's (logistic in the capability ratio)")
    scarcity_price_ratio_max: float = F(unit="ratio", ge=1, le=100, doc="most the price of inference rises above its cost-based level when the labs' compute is short")
    data_value_horizon_yr: float = F(unit="yr", ge=0, le=30, doc="years of a lab's revenue it counts a PB of sensor data's rise of its capability for when it bids for the data")
    licensed_text_usd_per_million_tokens: float = F(unit="USD/Mtoken", ge=0, le=1e6, doc="price of licensed text per million tokens: the most a lab bids for a PB of sensor data is what as many tokens of text cost")


# --------------------------------------------------------------------------- energy


class PVSupplier(Section):
    name: str = F(unit="-", doc="company")
    capacity_gw_per_yr_initial: float = F(unit="GW/yr", ge=0, doc="module-equivalent output capacity at start")
    capacity_growth_pct_per_yr: float = F(unit="%/yr", ge=-50, doc="growth of capacity while its plants are busy (none below half utilisation)")


class PV(Section):
    suppliers: list[PVSupplier] = F(unit="-", doc="Chinese PV suppliers")
    price_usd_per_w_initial: float = F(unit="USD/W", gt=0, doc="module price at start (FOB China)")
    price_progress_ratio: float = F(unit="ratio", gt=0, le=1, doc="price multiplier per doubling of cumulative output")
    price_usd_per_w_floor: float = F(unit="USD/W", gt=0, doc="lowest module price", lever=(0.02, 0.5))
    cumulative_gw_initial: float = F(unit="GW", gt=0, doc="PV made worldwide before start")
    oversupply_price_elasticity: float = F(unit="-", ge=0, doc="price response to spare capacity")
    export_policy_frac: float = F(unit="frac", ge=0, le=1, doc="share of output China lets US buyers take", lever=(0, 1))
    us_tariff_pct: float = F(unit="%", ge=0, doc="tariff on Chinese modules bought by US companies", lever=(0, 300))
    world_installs_gw_per_yr_initial: float = F(unit="GW/yr", ge=0, doc="rest-of-world demand at start")
    world_installs_growth_pct_per_yr: float = F(unit="%/yr", ge=-50, doc="growth of that demand")
    world_installs_gw_per_yr_max: float = F(unit="GW/yr", gt=0, doc="ceiling of that demand")
    manufacturing_mwh_per_mw: float = F(unit="MWh/MW", ge=0, doc="electricity to make one MW of modules")
    cost_frac_of_price: float = F(unit="frac", ge=0, le=1, doc="suppliers' cost as a share of the module price")
    price_utilisation_floor_frac: float = F(unit="frac", gt=0, le=1, doc="utilisation below which spare capacity stops lowering the price")
    expansion_utilisation_min_frac: float = F(unit="frac", ge=0, le=1, doc="utilisation below which suppliers add no capacity")
    expansion_utilisation_ramp_frac: float = F(unit="frac", gt=0, le=1, doc="utilisation above that minimum at which capacity grows at its full rate")


class Grid(Section):
    generation_twh_per_yr_initial: float = F(unit="TWh/yr", gt=0, doc="generation at start")
    generation_growth_pct_per_yr: float = F(unit="%/yr", ge=-10, le=30, doc="growth of generation")
    queue_throughput_gw_per_yr_initial: float = F(unit="GW/yr", gt=0, doc="interconnection requests the grid processes a year at start (studied and connected or withdrawn)", lever=(10, 3000))
    queue_throughput_growth_pct_per_yr: float = F(unit="%/yr", ge=-50, doc="growth of that throughput")
    queue_throughput_gw_per_yr_max: float = F(unit="GW/yr", gt=0, doc="most requests the grid can process a year")
    background_queue_gw_initial: float = F(unit="GW", ge=0, doc="requests of others (loads, generation and storage) in the queue at start")
    background_requests_gw_per_yr_initial: float = F(unit="GW/yr", ge=0, doc="new requests of others a year at start")
    background_requests_growth_pct_per_yr: float = F(unit="%/yr", ge=-50, le=100, doc="growth of those requests", lever=(-10, 30))
    base_delay_yr: float = F(unit="yr", ge=0, doc="facilities and construction after a request leaves the queue (the wait with an empty queue)")
    price_usd_per_mwh_initial: float = F(unit="USD/MWh", ge=0, doc="industrial electricity price at start")
    price_scarcity_elasticity: float = F(unit="-", ge=0, doc="price response to the share of generation the modelled loads take")
    cost_frac_of_price: float = F(unit="frac", ge=0, le=1, doc="generation cost as a share of the power price")


# --------------------------------------------------------------------------- money


class Raise(Section):
    month: Month = F(unit="YYYY-MM", doc="month the cash arrives")
    company: str = F(unit="-", doc="company that raises")
    usd: float = F(unit="USD", gt=0, doc="amount raised")
    kind: str = F(unit="-", doc="round, debt or IPO")


class CapitalMarket(Section):
    risk_free_pct: float = F(unit="%", ge=0, le=20, doc="10-year Treasury yield", lever=(0, 10))
    market_risk_premium_pct: float = F(unit="%", ge=0, le=20, doc="equity risk premium", lever=(2, 10))
    beta_unlevered: float = F(unit="-", gt=0, doc="asset beta of the space/AI business", lever=(0.5, 2.5))
    debt_to_capital_frac: float = F(unit="frac", ge=0, lt=1, doc="target debt share of capital")
    cost_of_debt_pct: float = F(unit="%", ge=0, le=30, doc="pre-tax cost of debt")
    tax_rate_pct: float = F(unit="%", ge=0, le=60, doc="corporate tax rate")
    terminal_growth_pct: float = F(unit="%/yr", ge=-5, le=10, doc="perpetual growth of free cash flow after the run (DCF terminal value)")
    terminal_normalise_yr: float = F(unit="yr", ge=1, le=15, doc="the run's last years whose NOPAT margin (and revenue growth) the normalised terminal value is built on (ecosim value; a fraction weighs the year before in part)")
    merger_month: Month = F(unit="YYYY-MM", doc="SpaceX absorbs xAI")
    raises: list[Raise] = F(unit="-", doc="scheduled raises (history and announced, e.g. the IPO)")
    follow_on_frac_of_mark_per_yr: float = F(unit="frac/yr", ge=0, le=1, doc="most a company raises per year as a share of its mark")
    min_cash_months: float = F(unit="months", ge=0, doc="cash (months of spending) below which a follow-on is sought")
    mark_revenue_multiple_initial: float = F(unit="ratio", gt=0, doc="narrative EV/revenue multiple at start")
    mark_multiple_decay_pct_per_yr: float = F(unit="%/yr", ge=0, le=100, doc="decay of that multiple toward the mature one")
    mark_revenue_multiple_mature: float = F(unit="ratio", gt=0, doc="multiple of a mature company")
    cash_initial_usd: dict[str, float] = F(unit="USD", doc="cash by company at start")
    merger_company: str = F(unit="-", doc="the company absorbed at merger_month")
    merger_into_company: str = F(unit="-", doc="the company that absorbs it")
    burn_smoothing_frac: float = F(unit="frac", gt=0, le=1, doc="weight of the latest month in a company's smoothed cash burn")
    raise_to_min_cash_ratio: float = F(unit="ratio", ge=1, doc="a follow-on raise lifts cash to this multiple of the minimum")


class Market(Section):
    external_launches_per_yr_initial: float = F(unit="launches/yr", ge=0, doc="dedicated launches bought by outside customers at start")
    external_launches_growth_pct_per_yr: float = F(unit="%/yr", ge=-50, doc="growth of that demand while far below its ceiling")
    external_launches_per_yr_max: float = F(unit="launches/yr", gt=0, doc="ceiling of that demand (logistic growth)")
    launch_price_elasticity: float = F(unit="-", ge=0, le=5, doc="elasticity of outside launch demand to the lowest price of a dedicated launch", lever=(0, 2))
    launch_reference_price_usd: float = F(unit="USD", gt=0, doc="price of a dedicated launch at which the latent demand above is measured")
    assured_access_frac: float = F(unit="frac", ge=0, le=1, doc="share of outside launches (government missions) split evenly over the launchers with free slots, whatever their price")


class Exchange(Section):
    disable: list[str] = F(unit="-", doc="edges cut from the network, 'seller->buyer:commodity'")


# --------------------------------------------------------------------------- root


class Scenario(Section):
    """A whole scenario, as validated from a TOML file (with ``extends`` resolved)."""

    scenario: ScenarioMeta
    launch: Launch
    new_glenn: VehicleLine
    legacy_launch: VehicleLine
    starlink: Constellation
    kuiper: Kuiper
    satellite_market: SatelliteMarket
    regulation: Regulation
    tesla: Tesla
    tesla_energy: TeslaEnergy
    cybercab: Cybercab
    optimus: Optimus
    orbital_dc: OrbitalDC
    google_planet: OrbitalDC
    starcloud: OrbitalDC
    terrestrial_dc: TerrestrialDC
    openai_dc: TerrestrialDC
    anthropic_dc: TerrestrialDC
    google_dc: TerrestrialDC
    ai_hardware: AIHardware
    chips: Chips
    scaling: ScalingLaw
    xai: XAILab
    openai: Lab
    anthropic: Lab
    google: Lab
    ai_market: AIMarket
    data_market: DataMarket
    cloud: Cloud
    anthropic_cloud: Cloud
    pv: PV
    grid_us: Grid
    grid_china: Grid
    capital_market: CapitalMarket
    market: Market
    exchange: Exchange
