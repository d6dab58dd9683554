"""The monthly metrics a run records (``timeseries.parquet``), each with unit and meaning.

Stocks are month-end values; flows are totals for the month. Every reporter returns one
value per ensemble member.
"""

from __future__ import annotations

import functools
import operator
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Metric:
    unit: str
    doc: str
    fn: Callable[[Any], np.ndarray]


class _read:  # noqa: N801 (a metric's function, named as the functions beside it)
    """The metric that reads ``path`` (dotted) of the agent named ``agent``: a copy (``copy``),
    as ``lambda m: m.by_name[agent].path.copy()`` gives it, or the value itself. :meth:`bind` gives
    the value without the copy, as a function of no argument, for a collector that copies it
    into its table."""

    __slots__ = ("agent", "copy", "get")

    def __init__(self, agent: str, path: str, copy: bool = True) -> None:
        self.agent, self.copy = agent, copy
        self.get = operator.attrgetter(path)

    def __call__(self, m: Any) -> np.ndarray:
        value = self.get(m.by_name[self.agent])
        return value.copy() if self.copy else value

    def bind(self, m: Any) -> Callable[[], np.ndarray]:
        return functools.partial(self.get, m.by_name[self.agent])


class _Flow:
    """The metric that reads what ``seller`` sold ``buyer`` of ``commodity`` this month (a copy);
    :meth:`bind` as :meth:`_read.bind`."""

    __slots__ = ("edge",)

    def __init__(self, seller: str, buyer: str, commodity: str) -> None:
        self.edge = (seller, buyer, commodity)

    def __call__(self, m: Any) -> np.ndarray:
        return m.exchange.flow(*self.edge).copy()

    def bind(self, m: Any) -> Callable[[], np.ndarray]:
        return functools.partial(m.exchange.flow, *self.edge)


class _Call:
    """The metric ``fn(m, *args)``; :meth:`bind` gives it as a function of no argument, as
    :meth:`_read.bind` does."""

    __slots__ = ("fn", "args")

    def __init__(self, fn: Callable[..., np.ndarray], *args: Any) -> None:
        self.fn, self.args = fn, args

    def __call__(self, m: Any) -> np.ndarray:
        return self.fn(m, *self.args)

    def bind(self, m: Any) -> Callable[[], np.ndarray]:
        return functools.partial(self.fn, m, *self.args)


class _Method:
    """The metric ``method(*args)`` of the agent named ``agent`` (``None``: of the model's
    exchange); :meth:`bind` gives the agent's method itself, as :meth:`_read.bind` does."""

    __slots__ = ("agent", "method", "args")

    def __init__(self, agent: str | None, method: str, *args: Any) -> None:
        self.agent, self.method, self.args = agent, method, args

    def _bound(self, m: Any) -> Callable[..., np.ndarray]:
        return getattr(m.exchange if self.agent is None else m.by_name[self.agent], self.method)

    def __call__(self, m: Any) -> np.ndarray:
        return self._bound(m)(*self.args)

    def bind(self, m: Any) -> Callable[[], np.ndarray]:
        return functools.partial(self._bound(m), *self.args) if self.args else self._bound(m)


def _once(m: Any, compute: Callable[..., np.ndarray], *args: Any) -> np.ndarray:
    """``compute(m, *args)``, computed once while the model collects a month's metrics (several
    metrics read the same sum: a company's receipts, SpaceX alone's flows, the leases in
    service) and every time outside a collection. Callers never write into what it returns."""
    memo = getattr(m, "metric_memo", None)
    if memo is None:
        return compute(m, *args)
    key = (compute, *args)
    got = memo.get(key)
    if got is None:
        got = memo[key] = compute(m, *args)
    return got


def _company_flow(m: Any, company: str, which: str) -> np.ndarray:
    return _once(m, _company_flow_now, company, which)


def _company_flow_now(m: Any, company: str, which: str) -> np.ndarray:
    ex = m.exchange
    arr = ex.month_in if which == "in" else ex.month_out
    return np.add.reduce(arr[:, ex.company_columns(company)], axis=1)


def _company_capex(m: Any, company: str) -> np.ndarray:
    return _once(m, _company_capex_now, company)


def _company_capex_now(m: Any, company: str) -> np.ndarray:
    ex = m.exchange
    return np.add.reduce(ex.month_capex[:, ex.company_columns(company)], axis=1)


def _spacex_revenue(m: Any) -> np.ndarray:
    return _company_flow(m, "spacex", "in")


def _spacex_fcf(m: Any) -> np.ndarray:
    return _company_flow(m, "spacex", "in") - _company_flow(m, "spacex", "out")


def _companies_flow(m: Any, companies: tuple[str, ...], which: str) -> np.ndarray:
    return sum((_company_flow(m, c, which) for c in companies), np.zeros(m.members))


#: the S-1 consolidates SpaceX with xAI (and X) for every period: the model's two companies
S1_GROUP = ("spacex", "xai")


def _s1_capitalised_launches(m: Any) -> np.ndarray:
    """Cost of the flights that carried SpaceX's own satellites [USD/month]: the model books it
    as the launcher's operating cost, the S-1 capitalises it with the satellites."""
    return m.by_name["spacex_launch"].own_flight_cost_usd.copy()


def _s1_adjusted_ebitda(m: Any) -> np.ndarray:
    """Revenue less operating costs of SpaceX and xAI together, own launches capitalised [USD/month]."""
    opex = _companies_flow(m, S1_GROUP, "out") - sum((_company_capex(m, c) for c in S1_GROUP), np.zeros(m.members))
    return _companies_flow(m, S1_GROUP, "in") - opex + _s1_capitalised_launches(m)


def _ai_segment_adjusted_ebitda(m: Any) -> np.ndarray:
    """Revenue less operating costs of the xAI company (xAI with X, its data centers) [USD/month]."""
    return _company_flow(m, "xai", "in") - (_company_flow(m, "xai", "out") - _company_capex(m, "xai"))


def _s1_capex(m: Any) -> np.ndarray:
    return sum((_company_capex(m, c) for c in S1_GROUP), np.zeros(m.members)) + _s1_capitalised_launches(m)


def _spacex_alone_names(m: Any) -> tuple[str, ...]:
    """SpaceX alone: the agents the roster gives to SpaceX before any merger (launch, Starlink,
    orbital compute), present in this model."""
    return tuple(a.name for a in m.roster.actors if a.company == "spacex" and a.name in m.exchange.index)


def _spacex_alone_flow(m: Any, which: str) -> np.ndarray:
    """SpaceX alone's external receipts (``in``), payments (``out``) or capex (``capex``) this
    month [USD/month]: its agents' flows with other companies, plus (after the merger, when they
    are internal) its sales to and purchases from xAI's agents at the price booked."""
    return _once(m, _spacex_alone_flow_now, which)


def _spacex_alone_flow_now(m: Any, which: str) -> np.ndarray:
    ex = m.exchange
    cols, trades = _spacex_alone_plan(m, which)
    arr = {"in": ex.month_in, "out": ex.month_out, "capex": ex.month_capex}[which]
    out = np.add.reduce(arr[:, cols], axis=1)
    for mk, k, others in trades:
        if which == "in":
            out = out + np.add.reduce(mk.usd[:, k, :] * others[None, :], axis=1)
        elif which != "capex" or mk.kind[k] == "capex":
            out = out + np.add.reduce(mk.usd[:, :, k] * others[None, :], axis=1)
    return out


#: per exchange, :func:`_spacex_alone_plan` by (which, mergers so far)
_PLANS: weakref.WeakKeyDictionary[Any, dict[tuple[str, int], Any]] = weakref.WeakKeyDictionary()


def _spacex_alone_plan(m: Any, which: str) -> tuple[np.ndarray, list[tuple[Any, int, np.ndarray]]]:
    """What :func:`_spacex_alone_flow` adds up: SpaceX alone's columns in the accounts, and the
    trades with sister agents outside it (market, SpaceX alone's seller (``in``) or buyer index,
    mask of the others), in market and agent order; computed once, and again after a merger."""
    ex = m.exchange
    plans = _PLANS.setdefault(ex, {})
    key = (which, len(ex.company_log))
    plan = plans.get(key)
    if plan is None:
        names = _spacex_alone_names(m)
        cols = np.array([ex.index[n] for n in names], dtype=np.intp)
        inside = set(names)
        trades = []
        for mk in ex.markets.values():
            if not mk.internal.any():
                continue
            for n in names:
                if which == "in" and n in mk.s_index:
                    i = mk.s_index[n]
                    trades.append((mk, i, np.array([b not in inside for b in mk.buyers]) & mk.internal[i, :]))
                elif which != "in" and n in mk.b_index:
                    j = mk.b_index[n]
                    trades.append((mk, j, np.array([s not in inside for s in mk.sellers]) & mk.internal[:, j]))
        plan = plans[key] = (cols, trades)
    return plan


def _internal_sales(m: Any, name: str) -> np.ndarray:
    """What an agent sold this month to agents of its own company, at transfer prices [USD/month]."""
    out = np.zeros(m.members)
    for mk in m.exchange.markets.values():
        i = mk.s_index.get(name)
        if i is not None:
            out = out + np.add.reduce(mk.usd[:, i, :] * mk.internal[i, :][None, :], axis=1)
    return out


def _agent_ebitda(m: Any, name: str) -> np.ndarray:
    """An agent's revenue (from outside, and from sister agents at transfer prices) less the
    operating costs it pays [USD/month]: its segment's EBITDA."""
    ex = m.exchange
    i = ex.index[name]
    return ex.month_in[:, i] + _internal_sales(m, name) - (ex.month_out[:, i] - ex.month_capex[:, i])


def _odc_solar_gw(m: Any) -> np.ndarray:
    odc = m.by_name["orbital_dc"]
    return odc.built_mw * odc.pv_gw_per_mw() * 12.0


def _chips_unpowered(m: Any) -> np.ndarray:
    return sum((m.by_name[n].chips_unpowered_h100e for n in m.roster.group("terrestrial")), np.zeros(m.members))


def _pv_price(m: Any) -> np.ndarray:
    """Module price across the PV suppliers, weighted by their capacity [USD/W]."""
    suppliers = [m.by_name[n] for n in m.roster.group("pv_supplier")]
    if not suppliers:
        return np.zeros(m.members)
    cap = sum(a.s.capacity_gw_per_yr for a in suppliers)
    return sum(a.price_usd_per_w * a.s.capacity_gw_per_yr for a in suppliers) / np.maximum(cap, 1e-12)


def _xai_premerger(m: Any, which: str) -> np.ndarray:
    """What SpaceX + xAI pro forma (the same agents in every month, trade between them
    eliminated: the entity ``ecosim value`` books from the ledger) adds to SpaceX as booked
    while xAI is a company of its own [USD/month]: xAI's receipts (``in``), payments (``out``)
    or capex (``capex``) with other companies, less the trade between the two companies (out of
    SpaceX's revenue and xAI's payments, or the reverse); 0 from the merger month, when xAI's
    agents are SpaceX's."""
    return _once(m, _xai_premerger_now, which)


def _xai_premerger_now(m: Any, which: str) -> np.ndarray:
    ex = m.exchange
    cols = ex.company_columns("xai")
    if not len(cols):
        return np.zeros(m.members)
    out = np.add.reduce({"in": ex.month_in, "out": ex.month_out, "capex": ex.month_capex}[which][:, cols], axis=1)
    for mk, cross in _spacex_xai_trades(m):
        if which == "capex":
            cross = cross & np.array([k == "capex" for k in mk.kind])[None, :]
        if cross.any():
            out = out - np.add.reduce(mk.usd * cross[None, :, :], axis=(1, 2))
    return out


#: per exchange, :func:`_spacex_xai_trades` by mergers so far
_TRADES: weakref.WeakKeyDictionary[Any, dict[int, Any]] = weakref.WeakKeyDictionary()


def _spacex_xai_trades(m: Any) -> list[tuple[Any, np.ndarray]]:
    """Each market with its mask (sellers, buyers) of the trades between SpaceX's and xAI's
    agents, in market order; computed once, and again after a merger."""
    ex = m.exchange
    plans = _TRADES.setdefault(ex, {})
    key = len(ex.company_log)
    plan = plans.get(key)
    if plan is None:
        plan = []
        for mk in ex.markets.values():
            sellers = np.array([ex.companies[s] for s in mk.sellers])
            buyers = np.array([ex.companies[b] for b in mk.buyers])
            plan.append((mk, ((sellers == "spacex")[:, None] & (buyers == "xai")[None, :]) | ((sellers == "xai")[:, None] & (buyers == "spacex")[None, :])))
        plans[key] = plan
    return plan


def _leased_gw(m: Any, lab: str, lessor: str = "cloud") -> np.ndarray:
    """IT power ``lab`` leases from ``lessor``, in service [GW] (0 if it does not lease)."""
    return _leased_mw(m, lab, lessor) / 1e3


def _leased_mw(m: Any, lab: str, lessor: str = "cloud") -> np.ndarray:
    """What ``Cloud.leased_mw_of(lab)`` of ``lessor`` gives [MW]: its ring as the month's book
    was published, summed then (``Cloud.in_service_mw``)."""
    cloud = m.by_name[lessor]
    if lab not in cloud.lessees:
        return np.zeros(m.members)
    return cloud.in_service_mw[:, cloud.lessees.index(lab)].copy()


METRICS: dict[str, Metric] = {
    "spacex_launches": Metric("launches/month", "SpaceX orbital launches (Falcon and Starship, tests included)", lambda m: m.by_name["spacex_launch"].falcon_launches + m.by_name["spacex_launch"].starship_launches),
    "falcon_launches": Metric("launches/month", "Falcon 9/Heavy launches", _read("spacex_launch", "falcon_launches")),
    "starship_launches": Metric("launches/month", "Starship flights (test and operational)", _read("spacex_launch", "starship_launches", copy=False)),
    "starship_failures": Metric("failures/month", "Starship flights lost", _read("spacex_launch", "ship_failures")),
    "starship_payload_t": Metric("t", "payload of the best Starship version flying", _Method("spacex_launch", "ship_payload_t")),
    "launch_cost_usd_per_kg": Metric("USD/kg", "SpaceX's internal cost per kg to LEO on its cheapest operational vehicle", _read("spacex_launch", "cost_per_kg")),
    "launch_price_usd_per_kg": Metric("USD/kg", "SpaceX's price per kg to outside customers", _read("spacex_launch", "price_per_kg")),
    "new_glenn_launches": Metric("launches/month", "New Glenn launches", _read("new_glenn", "launches")),
    "legacy_launches": Metric("launches/month", "Atlas V, Vulcan and Ariane 6 launches", _read("legacy_launch", "launches")),
    "spacex_customer_launches": Metric("launches/month", "SpaceX launches carrying outside customers' payloads (dedicated launches; rideshare mass in flight-equivalents)", _read("spacex_launch", "customer_launches")),
    "launch_price_usd_per_launch": Metric("USD", "SpaceX's price of a dedicated launch to outside customers", _read("spacex_launch", "s.price_usd_per_launch")),
    "falcon_upper_stages_per_month": Metric("count/month", "Falcon upper stages the line can make a month", _read("spacex_launch", "falcon.upper_stage_rate")),
    "starship_stacks": Metric("stacks", "Starship stacks (ship and booster) in the fleet", _read("spacex_launch", "s.ship_stacks")),
    "starship_stacks_needed": Metric("stacks", "stacks the month's operational flights keep busy: flights x turnaround days / days in the month", _Method("spacex_launch", "stacks_busy")),
    "spacex_launch_ebitda_usd": Metric("USD/month", "SpaceX launch segment EBITDA: outside sales, own sales at cost, less operating costs (R&D, flights, missions)", _Call(_agent_ebitda, "spacex_launch")),
    "starlink_satellites": Metric("satellites", "working Starlink satellites in orbit", _read("starlink", "active", copy=False)),
    "starlink_subscribers": Metric("subscribers", "Starlink subscribers", _read("starlink", "s.subs")),
    "starlink_capacity_tbps": Metric("Tbps", "usable Starlink capacity (over paying users in the busy hour)", _read("starlink", "capacity_tbps")),
    "starlink_capacity_subscribers": Metric("subscribers", "subscribers Starlink's usable capacity can serve at this month's busy-hour traffic", _Method("starlink", "capacity_subscribers")),
    "starlink_busy_hour_mbps": Metric("Mbps", "busy-hour capacity one Starlink subscriber needs", _read("starlink", "s.mbps_per_sub")),
    "starlink_government_revenue_usd": Metric("USD/month", "Starlink government revenue (Starshield and government services)", lambda m: m.by_name["starlink"].revenue_lines_usd.get("government", np.zeros(m.members)).copy()),
    "starlink_direct_to_cell_revenue_usd": Metric("USD/month", "Starlink direct-to-cell wholesale revenue", lambda m: m.by_name["starlink"].revenue_lines_usd.get("direct_to_cell", np.zeros(m.members)).copy()),
    "starlink_ebitda_usd": Metric("USD/month", "Starlink segment EBITDA: revenue (outside and backhaul to sister data centers) less operating costs", _Call(_agent_ebitda, "starlink")),
    "kuiper_satellites": Metric("satellites", "working Kuiper satellites in orbit", _read("kuiper", "active", copy=False)),
    "kuiper_subscribers": Metric("subscribers", "Kuiper subscribers", _read("kuiper", "s.subs")),
    "kuiper_authorized": Metric("satellites", "Kuiper's FCC authorization", _Method("kuiper", "authorized")),
    "tesla_deliveries": Metric("vehicles/month", "Tesla vehicle deliveries", _read("tesla_fleet", "deliveries")),
    "tesla_fleet_vehicles": Metric("vehicles", "Tesla vehicles on the road", _read("tesla_fleet", "fleet", copy=False)),
    "tesla_asp_usd": Metric("USD", "Tesla average selling price", _read("tesla_fleet", "s.asp_usd")),
    "fsd_users": Metric("vehicles", "vehicles driving on FSD", _read("tesla_fleet", "fsd_users")),
    "fsd_miles_cumulative": Metric("miles", "cumulative miles driven on FSD", _read("tesla_fleet", "s.fsd_miles_cum")),
    "fsd_performance_index": Metric("index", "FSD performance (Tesla's data x xAI capability)", _read("tesla_fleet", "fsd_perf")),
    "cybercab_fleet": Metric("vehicles", "Cybercabs in service", _read("cybercab", "s.fleet")),
    "cybercab_paid_miles": Metric("miles/month", "paid robotaxi miles", _read("cybercab", "paid_miles")),
    "optimus_robots": Metric("robots", "Optimus robots working", _read("optimus", "robots", copy=False)),
    "optimus_robots_tesla_plants": Metric("robots", "Optimus robots working in Tesla's plants (car plants and TeraFab)", _read("optimus", "plant_robot_count", copy=False)),
    "optimus_robots_sold": Metric("robots", "Optimus robots sold to outside sectors, still working", _read("optimus", "sold_robot_count", copy=False)),
    "optimus_labour_hours": Metric("h/month", "Optimus working hours", _read("optimus", "hours")),
    "data_collected_pb": Metric("PB/month", "real-world data reaching xAI (cars, cabs, robots, satellites)", _read("xai", "data_in_pb")),
    "data_from_vehicles_pb": Metric("PB/month", "data from Tesla's cars", _Flow("tesla_fleet", "xai", "data")),
    "data_from_cybercab_pb": Metric("PB/month", "data from Cybercabs", _Flow("cybercab", "xai", "data")),
    "data_from_optimus_pb": Metric("PB/month", "data from Optimus robots", _Flow("optimus", "xai", "data")),
    "data_from_satellites_pb": Metric("PB/month", "Earth-observation data from Starlink", _Flow("starlink", "xai", "data")),
    "xai_data_stock_pb": Metric("PB", "real-world data held by xAI", _read("xai", "s.data_pb")),
    "odc_power_gw": Metric("GW", "IT power (nameplate) of SpaceX's orbital data centers in orbit", lambda m: m.by_name["orbital_dc"].nameplate_mw / 1000.0),
    "odc_satellites": Metric("satellites", "SpaceX's orbital data-center satellites in orbit", _read("orbital_dc", "satellites", copy=False)),
    "spacex_satellites": Metric("satellites", "all SpaceX satellites in orbit: Starlink and orbital data centers", lambda m: m.by_name["starlink"].active + m.by_name["orbital_dc"].satellites),
    "odc_compute_eflops": Metric("EFLOP/s", "compute delivered by SpaceX's orbital data centers (orbit average)", _read("orbital_dc", "compute_eflops")),
    "odc_cost_ratio": Metric("ratio", "orbital over terrestrial lifetime cost per delivered W (SpaceX's decision)", _read("orbital_dc", "ratio")),
    "odc_binding": Metric("code", "tightest limit on SpaceX's orbital build (index into BINDING)", lambda m: m.by_name["orbital_dc"].binding.astype(float)),
    "tdc_binding": Metric("code", "tighter limit on xAI's terrestrial data centers, power or chips (index into BINDING)", lambda m: m.by_name["terrestrial_dc"].binding.astype(float)),
    "odc_solar_added_gw_per_yr": Metric("GW/yr", "solar arrays SpaceX puts in orbit, annualised", _odc_solar_gw),
    "google_orbital_compute_eflops": Metric("EFLOP/s", "compute of Google/Planet's Suncatcher satellites", _read("google_planet", "compute_eflops")),
    "starcloud_compute_eflops": Metric("EFLOP/s", "compute of Starcloud's satellites", _read("starcloud", "compute_eflops")),
    "terrestrial_compute_eflops": Metric("EFLOP/s", "compute of xAI's terrestrial data centers", lambda m: m.by_name["terrestrial_dc"].compute_capacity_eflops() * m.by_name["terrestrial_dc"].power_factor),
    "terrestrial_it_mw": Metric("MW", "IT power of xAI's terrestrial data centers", _read("terrestrial_dc", "used_mw", copy=False)),
    "openai_compute_eflops": Metric("EFLOP/s", "OpenAI's compute (owned and leased)", _read("openai", "compute_eflops")),
    "anthropic_compute_eflops": Metric("EFLOP/s", "Anthropic's compute (owned and leased)", _read("anthropic", "compute_eflops")),
    "openai_compute_gw": Metric("GW", "IT power of OpenAI's compute in service: its own data centers' accelerators and the capacity it leases", lambda m: (m.by_name["openai_dc"].used_mw + _leased_mw(m, "openai")) / 1e3),
    "openai_leased_gw": Metric("GW", "IT power OpenAI leases from clouds and neoclouds, in service", _Call(_leased_gw, "openai")),
    "anthropic_compute_gw": Metric("GW", "IT power of Anthropic's compute in service: its own data centers' accelerators (from 2026) and the capacity it leases (AWS Trainium, Google Cloud TPUs)", lambda m: (m.by_name["anthropic_dc"].used_mw + _leased_mw(m, "anthropic", "anthropic_cloud")) / 1e3),
    "anthropic_leased_gw": Metric("GW", "IT power Anthropic leases from Google Cloud and AWS, in service", _Call(_leased_gw, "anthropic", "anthropic_cloud")),
    "xai_leased_gw": Metric("GW", "IT power xAI leases from clouds and neoclouds, in service", _Call(_leased_gw, "xai")),
    "openai_revenue_usd": Metric("USD/month", "OpenAI revenue", _read("openai", "s.revenue_usd")),
    "anthropic_revenue_usd": Metric("USD/month", "Anthropic revenue", _read("anthropic", "s.revenue_usd")),
    "google_revenue_usd": Metric("USD/month", "Google's revenue from frontier models (Gemini)", _read("google", "s.revenue_usd")),
    "openai_leased_eflops": Metric("EFLOP/s", "OpenAI's compute leased from clouds and neoclouds", _read("openai", "s.leased_eflops")),
    "anthropic_leased_eflops": Metric("EFLOP/s", "Anthropic's compute leased from Google Cloud and AWS", _read("anthropic", "s.leased_eflops")),
    "xai_leased_eflops": Metric("EFLOP/s", "xAI's compute leased from clouds and neoclouds", _read("xai", "s.leased_eflops")),
    "openai_inference_eflops": Metric("EFLOP/s", "OpenAI's compute for inference (its compute less its training share; a racing lab's compute beyond its demand trains)", _Method("openai", "inference_capacity_eflops")),
    "anthropic_inference_eflops": Metric("EFLOP/s", "Anthropic's compute for inference (its compute less its training share)", _Method("anthropic", "inference_capacity_eflops")),
    "xai_inference_eflops": Metric("EFLOP/s", "xAI's compute for inference (its compute less its training share; a racing lab's compute beyond its demand trains)", _Method("xai", "inference_capacity_eflops")),
    "google_inference_eflops": Metric("EFLOP/s", "Google's compute for inference (its compute less its training share; a racing lab's compute beyond its demand trains)", _Method("google", "inference_capacity_eflops")),
    "lease_price_usd_per_w_yr": Metric("USD/(W yr)", "price of AI capacity leased this month from clouds and neoclouds, per W of IT power a year", lambda m: m.by_name["cloud"].s.price_usd_per_w_month * 12.0),
    "lease_capacity_gw": Metric("GW", "AI capacity the clouds and neoclouds can lease to the labs", lambda m: m.by_name["cloud"].s.capacity_mw / 1e3),
    "ai_price_usd_per_eflops_month": Metric("USD/(EFLOP/s month)", "price of one EFLOP/s of inference for a month", lambda m: m.exchange.read("market", "xai", "ai_price_usd_per_eflops_month")),
    "google_compute_eflops": Metric("EFLOP/s", "Google's compute (ground and orbit)", _read("google", "compute_eflops")),
    "xai_compute_eflops": Metric("EFLOP/s", "xAI's compute (ground and orbit)", _read("xai", "compute_eflops")),
    "xai_capability_index": Metric("index", "xAI capability (Chinchilla law; 1 = reference run)", _read("xai", "s.capability")),
    "openai_capability_index": Metric("index", "OpenAI capability", _read("openai", "s.capability")),
    "anthropic_capability_index": Metric("index", "Anthropic capability", _read("anthropic", "s.capability")),
    "google_capability_index": Metric("index", "Google capability", _read("google", "s.capability")),
    "xai_revenue_usd": Metric("USD/month", "xAI's revenue from its models (X's not included)", _read("xai", "s.revenue_usd")),
    "x_revenue_usd": Metric("USD/month", "X's advertising, subscription and data-licensing revenue (xAI's since X was combined with it)", _read("xai", "x_revenue_usd")),
    "ai_segment_adjusted_ebitda_usd": Metric("USD/month", "the xAI company (xAI with X, its data centers): revenue less operating costs (the S-1's AI segment)", _ai_segment_adjusted_ebitda),
    "chips_unpowered_h100e": Metric("H100e", "accelerators bought but waiting for power at terrestrial sites", _chips_unpowered),
    "grid_us_delay_yr": Metric("yr", "expected wait of a new US large-load connection", _read("grid_us", "delay_yr", copy=False)),
    "grid_us_queue_gw": Metric("GW", "everything waiting in the US interconnection queue: the modelled data centers' requests and the background", _read("grid_us", "queue_gw", copy=False)),
    "pv_module_price_usd_per_w": Metric("USD/W", "Chinese PV module price (FOB) this month, weighted by the suppliers' capacity", _pv_price),
    "accelerator_price_usd_per_h100e": Metric("USD", "price of an H100-equivalent", _Method("tsmc", "price_usd_per_h100e")),
    "starlink_revenue_usd": Metric("USD/month", "Starlink external revenue (subscriptions, government, enterprise)", lambda m: m.exchange.month_in[:, m.exchange.index["starlink"]].copy()),
    "spacex_revenue_usd": Metric("USD/month", "SpaceX external revenue (with xAI after the merger)", _spacex_revenue),
    "spacex_fcf_usd": Metric("USD/month", "SpaceX free cash flow: external receipts minus payments, before raises", _spacex_fcf),
    "spacex_capex_usd": Metric("USD/month", "SpaceX capital spending paid to other companies (with xAI after the merger); part of the payments in spacex_fcf_usd", _Call(_company_capex, "spacex")),
    "spacex_cash_usd": Metric("USD", "SpaceX cash", _Method(None, "company_cash", "spacex")),
    "spacex_alone_revenue_usd": Metric("USD/month", "SpaceX alone (launch, Starlink, orbital compute; never xAI): revenue from other companies, its sales to xAI included after the merger at the price booked", _Call(_spacex_alone_flow, "in")),
    "spacex_alone_fcf_usd": Metric("USD/month", "SpaceX alone: receipts minus payments, before raises (trade with xAI included after the merger)", lambda m: _spacex_alone_flow(m, "in") - _spacex_alone_flow(m, "out")),
    "spacex_alone_capex_usd": Metric("USD/month", "SpaceX alone: capital spending; part of the payments in spacex_alone_fcf_usd", _Call(_spacex_alone_flow, "capex")),
    "spacex_xai_revenue_usd": Metric("USD/month", "SpaceX and xAI together (as the S-1 consolidates them): external revenue", _Call(_companies_flow, S1_GROUP, "in")),
    "spacex_xai_adjusted_ebitda_usd": Metric("USD/month", "SpaceX and xAI together: revenue less operating costs, the cost of launching their own satellites capitalised (as the S-1 books it)", _s1_adjusted_ebitda),
    "spacex_xai_capex_usd": Metric("USD/month", "SpaceX and xAI together: capital spending, own launches capitalised (as the S-1 books it)", _s1_capex),
    "tesla_automotive_revenue_usd": Metric("USD/month", "Tesla automotive revenue: vehicles, regulatory credits and FSD", _read("tesla_fleet", "automotive_revenue_usd")),
    "tesla_fsd_revenue_usd": Metric("USD/month", "Tesla FSD subscriptions (inside automotive revenue, as Tesla's 10-K books them)", _read("tesla_fleet", "fsd_revenue_usd")),
    "tesla_robotaxi_revenue_usd": Metric("USD/month", "Tesla robotaxi fares (Cybercab paid miles x fare)", _read("cybercab", "revenue_usd")),
    "tesla_optimus_revenue_usd": Metric("USD/month", "Tesla Optimus robots sold to outside sectors", _read("optimus", "revenue_usd")),
    "tesla_services_revenue_usd": Metric("USD/month", "Tesla services and other revenue (service, Supercharging, insurance, used cars)", _read("tesla_fleet", "services_revenue_usd")),
    "tesla_energy_revenue_usd": Metric("USD/month", "Tesla energy generation and storage revenue", _read("tesla_energy", "revenue_usd")),
    "tesla_storage_deployed_gwh": Metric("GWh/month", "Tesla energy storage deployed", _read("tesla_energy", "deployed_gwh")),
    "tesla_operating_expenses_usd": Metric("USD/month", "Tesla R&D and SG&A", lambda m: m.by_name["tesla_fleet"].operating_expenses_usd + m.by_name["tesla_energy"].operating_expenses_usd),
    "tesla_revenue_usd": Metric("USD/month", "Tesla external revenue", _Call(_company_flow, "tesla", "in")),
    "tesla_fcf_usd": Metric("USD/month", "Tesla free cash flow before raises", lambda m: _company_flow(m, "tesla", "in") - _company_flow(m, "tesla", "out")),
    "tesla_capex_usd": Metric("USD/month", "Tesla capital spending paid to other companies; part of the payments in tesla_fcf_usd", _Call(_company_capex, "tesla")),
    "tesla_cash_usd": Metric("USD", "Tesla cash", _Method(None, "company_cash", "tesla")),
    "openai_cash_usd": Metric("USD", "OpenAI cash", _Method(None, "company_cash", "openai")),
    "anthropic_cash_usd": Metric("USD", "Anthropic cash", _Method(None, "company_cash", "anthropic")),
    "anthropic_fcf_usd": Metric("USD/month", "Anthropic free cash flow before raises: receipts minus payments (its leases, staff and SG&A)", lambda m: _company_flow(m, "anthropic", "in") - _company_flow(m, "anthropic", "out")),
    "anthropic_capex_usd": Metric("USD/month", "Anthropic capital spending paid to other companies (its own data centers from 2026); part of the payments in anthropic_fcf_usd", _Call(_company_capex, "anthropic")),
    "spacex_raised_usd": Metric("USD/month", "raised by SpaceX this month (scheduled rounds, the IPO and follow-ons; xAI's own after the merger), as booked", _Method("capital_market", "raised_this_month", "spacex")),
    "xai_raised_usd": Metric("USD/month", "raised by xAI this month before the merger (0 after: SpaceX's), as booked", _Method("capital_market", "raised_this_month", "xai")),
    "tesla_raised_usd": Metric("USD/month", "raised by Tesla this month (offerings and follow-ons), as booked", _Method("capital_market", "raised_this_month", "tesla")),
    "anthropic_raised_usd": Metric("USD/month", "raised by Anthropic this month (rounds and follow-ons), as booked", _Method("capital_market", "raised_this_month", "anthropic")),
    "xai_cash_usd": Metric("USD", "xAI cash before the merger (0 after: it is SpaceX's)", _Method(None, "company_cash", "xai")),
    "xai_premerger_revenue_usd": Metric("USD/month", "before the merger, what SpaceX + xAI pro forma adds to SpaceX's revenue: xAI's revenue from other companies less trade between the two (0 from the merger month)", _Call(_xai_premerger, "in")),
    "xai_premerger_fcf_usd": Metric("USD/month", "xAI's free cash flow before the merger (0 from the merger month, when it is in spacex_fcf_usd): receipts minus payments, before raises", lambda m: _xai_premerger(m, "in") - _xai_premerger(m, "out")),
    "xai_premerger_capex_usd": Metric("USD/month", "before the merger, what SpaceX + xAI pro forma adds to SpaceX's capex: xAI's capital spending less capital goods traded between the two (0 from the merger month)", _Call(_xai_premerger, "capex")),
    "spacex_mark_usd": Metric("USD", "SpaceX (+xAI) narrative mark", _Method("capital_market", "mark", "spacex")),
    "openai_mark_usd": Metric("USD", "OpenAI narrative mark", _Method("capital_market", "mark", "openai")),
    "anthropic_mark_usd": Metric("USD", "Anthropic narrative mark", _Method("capital_market", "mark", "anthropic")),
    "wacc": Metric("frac/yr", "cost of capital (CAPM, Hamada)", _read("capital_market", "wacc")),
}
