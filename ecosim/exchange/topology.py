"""Who can sell what to whom: the typed edges of the exchange network, as one readable table.

A rule names a seller and a buyer by agent *name* (``"starlink"``), by *kind*
(``"@pv_supplier"`` = every PV supplier) or ``"*"`` (every agent), and a commodity. Rules expand to one edge per pair
of agents present. An edge's id is ``"seller->buyer:commodity"``; listing it under
``[exchange] disable`` cuts it (an experiment like any other setting).

Commodities are conserved and clear each month on their edges; every transfer goes into
the ledger. ``capability`` is a signal: not conserved, not in the ledger; a cut signal edge
freezes what the buyer sees at its value at the start of the run. ``money`` edges carry
revenue, raises and costs paid to the rest of the economy (``market``); payments for goods
ride on the goods edges themselves.
"""

from __future__ import annotations

COMMODITY_UNITS: dict[str, str] = {
    "launch_mass": "t",
    "pv_modules": "GW",
    "accelerators": "H100e",
    "power": "MW",
    "compute": "EFLOP/s",
    "data": "PB",
    "bandwidth": "Tbps",
    "labour": "h",
    "money": "USD",
}
SIGNAL_UNITS: dict[str, str] = {"capability": "index"}
GOODS = tuple(c for c in COMMODITY_UNITS if c != "money")

ORBITAL = ("orbital_dc", "google_planet", "starcloud")
TERRESTRIAL = ("terrestrial_dc", "openai_dc", "google_dc")
LABS = ("xai", "openai", "google")
TESLA = ("tesla_fleet", "cybercab", "optimus")

RULES: tuple[tuple[str, str, str], ...] = (
    # launch mass [t]
    *(("spacex_launch", b, "launch_mass") for b in ("starlink", *ORBITAL, "kuiper", "market")),
    ("new_glenn", "kuiper", "launch_mass"),
    ("legacy_launch", "kuiper", "launch_mass"),
    # PV modules [GW]
    *(("@pv_supplier", b, "pv_modules") for b in (*ORBITAL, "market")),
    # accelerators [H100e]
    *(("tsmc", b, "accelerators") for b in (*TERRESTRIAL, *ORBITAL, *TESLA, "market")),
    *(("terafab", b, "accelerators") for b in ("terrestrial_dc", "orbital_dc", *TESLA)),
    # power [MW]
    *(("grid_us", b, "power") for b in TERRESTRIAL),
    ("grid_china", "@pv_supplier", "power"),
    # compute [EFLOP/s]
    ("terrestrial_dc", "xai", "compute"),
    ("orbital_dc", "xai", "compute"),
    ("openai_dc", "openai", "compute"),
    ("google_dc", "google", "compute"),
    ("google_planet", "google", "compute"),
    ("starcloud", "market", "compute"),
    # data [PB]
    *((s, "xai", "data") for s in (*TESLA, "starlink")),
    # bandwidth [Tbps]
    ("starlink", "market", "bandwidth"),
    ("starlink", "orbital_dc", "bandwidth"),
    ("kuiper", "market", "bandwidth"),
    # labour [h]
    *(("optimus", b, "labour") for b in ("terafab", "tesla_fleet", "market")),
    # capability [index], a signal
    *(("xai", b, "capability") for b in TESLA),
    # money [USD]: revenue from customers, raises, and costs paid out
    *(("market", b, "money") for b in ("starlink", "kuiper", *TESLA, *LABS, "spacex_launch", "new_glenn")),
    *(("capital_market", b, "money") for b in ("spacex_launch", "xai", "tesla_fleet", "openai", "starcloud", "kuiper")),
    ("*", "market", "money"),
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


def expand(rules: tuple[tuple[str, str, str], ...], agents: dict[str, str]) -> list[tuple[str, str, str]]:
    """Edges ``(seller, buyer, commodity)`` among ``agents`` (name -> kind), in rule order.

    >>> expand((("@pv_supplier", "market", "pv_modules"),), {"gcl": "pv_supplier", "market": "market"})
    [('gcl', 'market', 'pv_modules')]
    """

    def match(pattern: str) -> list[str]:
        if pattern == "*":
            return list(agents)
        if pattern.startswith("@"):
            return [n for n, k in agents.items() if k == pattern[1:]]
        return [n for n in agents if n == pattern]

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
