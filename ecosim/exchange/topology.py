"""Who can sell what to whom, and who reads what from whom: the typed edges of the exchange
network, as one readable table.

A rule names a seller and a buyer by actor *name* (``"starlink"``), by *group* of the actor
roster (``"@pv_supplier"`` = every PV supplier; groups are listed in ``ecosim/data/roster.toml``)
or ``"*"`` (every actor), and a commodity or signal. Rules expand to one edge per pair of actors
present. An edge's id is ``"seller->buyer:commodity"``; listing it under ``[exchange] disable``
cuts it (an experiment like any other setting).

**Goods** (:data:`COMMODITY_UNITS`) are conserved and clear each month on their edges; every
transfer goes into the ledger. ``money`` edges carry revenue, raises and costs paid to the rest
of the economy (``market``); payments for goods ride on the goods edges themselves.

**Signals** (:data:`SIGNALS`) are what one actor publishes and another reads: prices,
capacities, targets, cost ratios, capability. They are not conserved and not in the ledger.
Every read is the value published last month, whatever the order actors act in; a cut signal
edge freezes what the reader sees at its value at the start of the run (see
:meth:`ecosim.exchange.clearing.Exchange.read`). Every coupling between two actors is one of
these edges: an actor reads no other actor's attributes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

COMMODITY_UNITS: dict[str, str] = {
    "launch_mass": "t",
    "pv_modules": "GW",
    "accelerators": "H100e",
    "power": "MW",
    "compute": "EFLOP/s",
    "leased_compute": "EFLOP/s",
    "data": "PB",
    "bandwidth": "Tbps",
    "labour": "h",
    "money": "USD",
}
GOODS = tuple(c for c in COMMODITY_UNITS if c != "money")
#: Goods each seller sells whole to one buyer a month, its contract holder or else the highest
#: bidder (:meth:`ecosim.exchange.clearing.Exchange.offer`'s ``contract``, ``demand``'s ``bid``)
AUCTIONED = ("data",)


@dataclass(frozen=True)
class Signal:
    """A published quantity: its unit and meaning."""

    unit: str
    doc: str


#: Every signal an actor may publish, with unit and meaning (the glossary lists them).
SIGNALS: dict[str, Signal] = {
    "capability": Signal("index", "AI capability of a lab's frontier model (Chinchilla law; 1 = reference run)"),
    "fsd_performance": Signal("index", "FSD performance index (Tesla's driving data x the capability it receives)"),
    "ai_price_usd_per_eflops_month": Signal("USD/(EFLOP/s month)", "price of one EFLOP/s of inference for a month (falls with the cost of compute)"),
    "ai_demand_eflops": Signal("EFLOP/s", "inference the whole frontier-AI market wants at this month's price and the best capability"),
    "ai_share_frac": Signal("frac", "share of the AI market's demand a lab's capability deserves (before customers switch)"),
    "ai_spill_eflops": Signal("EFLOP/s", "demand other labs cannot serve that comes to a lab with compute to spare"),
    "ai_market_share_frac": Signal("frac", "a lab's share of the AI market's demand (customers switch slowly)"),
    "lab_training_eflops": Signal("EFLOP/s", "a lab's compute for training (its compute x its training share)"),
    "frontier_compute_eflops": Signal("EFLOP/s", "the largest other lab's training compute (the frontier of the training race)"),
    "ai_share_at_frontier_frac": Signal("frac", "share of the AI market a racing lab's capability would deserve if it were as good as the best other lab's (what catching up would win it)"),
    "inference_capacity_eflops": Signal("EFLOP/s", "a lab's compute for inference (its compute less its training share)"),
    "lease_wanted_mw": Signal("MW", "leased IT power a lab wants in service or signed (leases renew at term end as far as this covers them)"),
    "lease_usd_per_w_month": Signal("USD/(W month)", "price of AI capacity leased this month per W of IT power (clouds and neoclouds)"),
    "leased_eflops": Signal("EFLOP/s", "leased compute a lab has in service next month"),
    "lease_payment_usd_per_month": Signal("USD/month", "a lab's lease payments next month"),
    "lease_committed_mw": Signal("MW", "a lab's leased IT power in service and signed"),
    "lease_committed_eflops": Signal("EFLOP/s", "a lab's leased compute in service and signed"),
    "launch_price_usd_per_kg": Signal("USD/kg", "launch price to LEO a buyer pays (its cost to buyers in the launcher's own company)"),
    "launch_price_usd_per_launch": Signal("USD", "a launcher's price of a dedicated launch to an outside customer"),
    "launch_slots_per_month": Signal("launches/month", "dedicated launches a launcher can sell to outside buyers this month"),
    "launch_payload_t": Signal("t", "payload to LEO of one dedicated launch (the mass a buyer of a whole flight pays for)"),
    "starship_capacity_t": Signal("t/month", "Starship payload a buyer of SpaceX's own may fly this month (its share; 0 before operations)"),
    "starship_need_t": Signal("t/month", "Starship payload a buyer of SpaceX's own would fly this month (heavy satellites ready)"),
    "accelerator_usd_per_w": Signal("USD/W", "accelerator price per W of IT power"),
    "wacc": Signal("frac/yr", "cost of capital (CAPM, Hamada)"),
    "interconnection_delay_yr": Signal("yr", "expected wait of a new large-load grid connection requested now"),
    "connection_request_mw": Signal("MW/month", "new grid-connected IT power a data center asks for this month"),
    "connection_added_mw": Signal("MW/month", "IT power the grid connected to a data center this month"),
    "site_capex_usd_per_w": Signal("USD/W", "capital cost of a terrestrial data-center facility per W of IT power"),
    "site_energy_usd_per_mwh": Signal("USD/MWh", "price of energy at a terrestrial site (grid, or fuel of on-site gas)"),
    "site_pue": Signal("ratio", "power usage effectiveness of a terrestrial site"),
    "site_capacity_factor": Signal("frac", "share of hours a terrestrial cluster runs"),
    "site_facility_life_yr": Signal("yr", "life of a terrestrial facility (building and plant)"),
    "site_delay_yr": Signal("yr", "wait before a new terrestrial site has power (turbine lead time where it can add on-site generation, else the grid queue)"),
    "site_onsite_mw_per_month": Signal("MW/month", "on-site generation a terrestrial site can add this month (the turbines' supply; 0 where it has none)"),
    "capex_budget_usd_per_month": Signal("USD/month", "capital budget a parent sets for its data centers (0: the lab's cash decides)"),
    "compute_capacity_eflops": Signal("EFLOP/s", "compute installed at a lab's terrestrial data centers"),
    "site_pending_mw": Signal("MW", "IT power a lab's terrestrial site has asked the grid for and not yet got: its facility, paid when power comes, and chips, paid when they arrive a few months before"),
    "terrestrial_target_mw": Signal("MW/month", "new terrestrial IT power a lab wants this month"),
    "orbital_target_mw": Signal("MW/month", "new orbital IT power a lab wants this month"),
    "orbital_cost_ratio": Signal("ratio", "orbital over terrestrial lifetime cost per delivered W (inf before the first build month)"),
    "orbital_capex_usd_per_w": Signal("USD/W", "up-front cost of orbital compute per nameplate W: hardware, launch, arrays, chips (inf before the first build month)"),
    "bandwidth_need_tbps": Signal("Tbps", "backhaul bandwidth the orbital data centers in orbit need"),
    "pv_cumulative_gw": Signal("GW", "the world's cumulative PV output (Swanson's learning curve)"),
    "broadband_adopters": Signal("subscribers", "a constellation's adopters in the shared satellite-broadband market"),
    "broadband_appeal": Signal("ratio", "a constellation's appeal to new adopters while in service (0 before)"),
    "takes_robot_labour": Signal("flag", "1 while a chip fab takes Optimus robot hours, else 0"),
    "replaceable_labour_usd": Signal("USD/month", "direct labour cost in a buyer's plants that robots could take over this month"),
}
SIGNAL_UNITS: dict[str, str] = {k: s.unit for k, s in SIGNALS.items()}

#: The labs' and orbital builders' partners (named once; every rule below uses them).
LAB_TERRESTRIAL = (("xai", "terrestrial_dc"), ("openai", "openai_dc"), ("anthropic", "anthropic_dc"), ("google", "google_dc"))
LAB_ORBITAL = (("xai", "orbital_dc"), ("google", "google_planet"))
#: The labs that lease compute and their lessors (Google is its own cloud). Anthropic leases its
#: compute from the capacity Google Cloud and AWS build for it (Project Rainier, its TPUs), a lease
#: market of its own, and builds its own sites from 2026 (Fluidstack, Texas and New York).
LAB_LESSOR = (("xai", "cloud"), ("openai", "cloud"), ("anthropic", "anthropic_cloud"))
LAB_LEASING = tuple(lab for lab, _ in LAB_LESSOR)
#: The terrestrial site each orbital builder prices its alternative against.
ORBITAL_ALTERNATIVE = (("terrestrial_dc", "orbital_dc"), ("terrestrial_dc", "starcloud"), ("google_dc", "google_planet"))
SITE_SIGNALS = ("site_capex_usd_per_w", "site_energy_usd_per_mwh", "site_pue", "site_capacity_factor", "site_facility_life_yr", "site_delay_yr")

RULES: tuple[tuple[str, str, str], ...] = (
    # ------------------------------------------------------------------ goods
    # launch mass [t]
    *(("spacex_launch", b, "launch_mass") for b in ("starlink", "@orbital", "kuiper", "market")),
    *((s, b, "launch_mass") for s in ("new_glenn", "legacy_launch") for b in ("kuiper", "market")),
    # PV modules [GW]
    *(("@pv_supplier", b, "pv_modules") for b in ("@orbital", "market")),
    # accelerators [H100e]
    *(("tsmc", b, "accelerators") for b in ("@terrestrial", "@orbital", "@tesla", "market")),
    *(("terafab", b, "accelerators") for b in ("terrestrial_dc", "orbital_dc", "@tesla")),
    # power [MW]
    ("grid_us", "@terrestrial", "power"),
    ("grid_china", "@pv_supplier", "power"),
    # compute [EFLOP/s]
    *((dc, lab, "compute") for lab, dc in (*LAB_TERRESTRIAL, *LAB_ORBITAL)),
    *((lessor, lab, "leased_compute") for lab, lessor in LAB_LESSOR),
    ("starcloud", "market", "compute"),
    # data [PB]: every lab may buy the sensor data of Tesla's cars, robots and Cybercabs and of
    # Starlink's imagers; the contract holder ([data_market]) gets it, else the highest bidder
    *((s, "@lab", "data") for s in ("@tesla", "starlink")),
    # bandwidth [Tbps]
    ("starlink", "market", "bandwidth"),
    ("starlink", "orbital_dc", "bandwidth"),
    ("kuiper", "market", "bandwidth"),
    # labour [h]
    *(("optimus", b, "labour") for b in ("terafab", "tesla_fleet", "market")),
    # money [USD]: revenue from customers, raises, and costs paid out
    *(("market", b, "money") for b in ("starlink", "kuiper", "@tesla", "tesla_energy", "@lab", "spacex_launch", "new_glenn")),
    ("capital_market", "@funded_head", "money"),
    *((lab, lessor, "money") for lab, lessor in LAB_LESSOR),  # lease payments: each lessor bills its contracts in service
    ("*", "market", "money"),
    # ------------------------------------------------------------------ signals
    # AI: capability to Tesla's robots and cars and to the market; the market's pool and shares
    *(("xai", b, "capability") for b in ("tesla_fleet", "optimus")),
    ("@lab", "market", "capability"),
    ("tesla_fleet", "cybercab", "fsd_performance"),
    *(("market", "@lab", s) for s in ("ai_price_usd_per_eflops_month", "ai_demand_eflops", "ai_share_frac", "ai_spill_eflops")),
    *(("@lab", "market", s) for s in ("ai_market_share_frac", "inference_capacity_eflops")),
    # the training race: xAI plans for a multiple of the frontier lab's training compute (OpenAI's, the largest 2023-2025)
    ("openai", "market", "lab_training_eflops"),
    ("market", "xai", "frontier_compute_eflops"),
    ("market", "xai", "ai_share_at_frontier_frac"),  # what the race would win: its compute beyond demand is bought as far as that pays for it
    ("capital_market", "@lab", "wacc"),
    # leases: the labs' wanted stock to the lessors; price, book and payments back
    *((lab, lessor, "lease_wanted_mw") for lab, lessor in LAB_LESSOR),
    *((lessor, lab, s) for lab, lessor in LAB_LESSOR for s in ("lease_usd_per_w_month", "leased_eflops", "lease_payment_usd_per_month", "lease_committed_mw", "lease_committed_eflops")),
    # launch: prices, slots and payloads of dedicated launches to the outside buyers; competitors'
    # prices to SpaceX; Starship's capacity shared among SpaceX's own buyers by their needs
    ("spacex_launch", "@orbital", "launch_price_usd_per_kg"),
    *(("@launcher", b, s) for b in ("market", "kuiper") for s in ("launch_price_usd_per_launch", "launch_slots_per_month", "launch_payload_t")),
    *((c, "spacex_launch", "launch_price_usd_per_launch") for c in ("new_glenn", "legacy_launch")),
    ("spacex_launch", "starlink", "launch_payload_t"),
    *(("spacex_launch", b, "starship_capacity_t") for b in ("orbital_dc", "starlink")),
    *((b, "spacex_launch", "starship_need_t") for b in ("orbital_dc", "starlink")),
    # chips and capital
    *(("tsmc", b, "accelerator_usd_per_w") for b in ("@lab", "@orbital")),
    ("capital_market", "@orbital", "wacc"),
    # grid queue
    ("grid_us", "@terrestrial", "interconnection_delay_yr"),
    ("@terrestrial", "grid_us", "connection_request_mw"),
    ("grid_us", "@terrestrial", "connection_added_mw"),
    # labs and their builders: targets one way, costs and capacity the other
    *((lab, dc, "terrestrial_target_mw") for lab, dc in LAB_TERRESTRIAL),
    *((dc, lab, s) for lab, dc in LAB_TERRESTRIAL for s in ("site_capex_usd_per_w", "capex_budget_usd_per_month", "compute_capacity_eflops", "site_pending_mw")),
    *((dc, lab, s) for lab, dc in LAB_TERRESTRIAL if lab in LAB_LEASING for s in ("site_delay_yr", "site_onsite_mw_per_month")),
    *(("grid_us", lab, "interconnection_delay_yr") for lab, _ in LAB_TERRESTRIAL if lab in LAB_LEASING),  # the queue for what turbines cannot supply
    *((lab, odc, "orbital_target_mw") for lab, odc in LAB_ORBITAL),
    *((odc, lab, s) for lab, odc in LAB_ORBITAL for s in ("orbital_cost_ratio", "orbital_capex_usd_per_w")),
    # orbital builders price the terrestrial site they would otherwise build
    *((dc, odc, s) for dc, odc in ORBITAL_ALTERNATIVE for s in SITE_SIGNALS),
    ("orbital_dc", "starlink", "bandwidth_need_tbps"),
    # PV learning, the shared broadband market, robots in the fab
    ("market", "@pv_supplier", "pv_cumulative_gw"),
    *((a, b, s) for a, b in (("starlink", "kuiper"), ("kuiper", "starlink")) for s in ("broadband_adopters", "broadband_appeal")),
    ("terafab", "optimus", "takes_robot_labour"),
    ("tesla_fleet", "optimus", "replaceable_labour_usd"),
)


def edge_id(seller: str, buyer: str, commodity: str) -> str:
    """The name of an edge as users write it: ``seller->buyer:commodity``."""
    return f"{seller}->{buyer}:{commodity}"


def parse_edge_id(text: str) -> tuple[str, str, str]:
    """Split ``seller->buyer:commodity``; ValueError with the expected form otherwise.

    >>> parse_edge_id("tesla_fleet->xai:data")
    ('tesla_fleet', 'xai', 'data')
    """
    head, sep, commodity = text.rpartition(":")
    seller, arrow, buyer = head.partition("->")
    if not (sep and arrow and seller and buyer and commodity):
        raise ValueError(f"must look like 'seller->buyer:commodity' (got {text!r})")
    return seller.strip(), buyer.strip(), commodity.strip()


def expand(rules: tuple[tuple[str, str, str], ...], groups: Mapping[str, tuple[str, ...]]) -> list[tuple[str, str, str]]:
    """Edges ``(seller, buyer, commodity)`` among actors (name -> groups), in rule order.

    >>> expand((("@pv_supplier", "market", "pv_modules"),), {"gcl": ("pv_supplier",), "market": ()})
    [('gcl', 'market', 'pv_modules')]
    """

    def match(pattern: str) -> list[str]:
        if pattern == "*":
            return list(groups)
        if pattern.startswith("@"):
            return [n for n, g in groups.items() if pattern[1:] in g]
        return [n for n in groups if n == pattern]

    out: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for s_pat, b_pat, commodity in rules:
        for s in match(s_pat):
            for b in match(b_pat):
                e = (s, b, commodity)
                if s != b and e not in seen:
                    seen.add(e)
                    out.append(e)
    return out
