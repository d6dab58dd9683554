"""Company and segment accounts from a run's ledger: revenue, operating cost, capex, FCF.

The ledger (:mod:`ecosim.exchange.clearing`) records every transfer. For a set of agents
(an *entity*: a company, a segment, or a pro-forma group such as SpaceX + xAI before their
merger) every row is one of:

* a goods row sold by a member to a non-member: **revenue**; bought by a member from a
  non-member: **operating cost** or **capex**, as the buyer booked it; between two members:
  eliminated (an internal transfer);
* a money row from ``market`` to a member (``kind`` revenue): **revenue**; from
  ``capital_market`` (raise): **capital raised** (financing, not part of FCF); from a
  member to ``market`` (opex, capex): **operating cost** or **capex**.

So ``EBITDA = revenue - operating cost`` and ``FCF = EBITDA - capex`` before tax and before
raises: exactly the world's ``spacex_fcf_usd`` / ``tesla_fcf_usd`` metrics when the entity is
the company (a test checks it). The world has no taxes, interest, depreciation or working
capital; how tax enters the valuation is decided in :mod:`ecosim.finance.valuation`.

Segments (the actor roster, ``ecosim/data/roster.toml``) are agents grouped by business: SpaceX's launch,
Starlink, orbital compute and (after the merger) AI; Tesla's automotive, robotaxi, Optimus
and chips; each competitor's own. A segment's accounts separate sales to and purchases from
sister segments of the same company (*intra*, at the internal transfer price) from those
with other companies; the company's accounts are the sum of its segments' external lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ecosim.results.rundir import RunSummary
from ecosim.scenario.roster import roster

FLOWS = ("revenue_usd", "opex_usd", "capex_usd", "raised_usd")
SEGMENT_FLOWS = ("revenue_usd", "intra_revenue_usd", "opex_usd", "intra_opex_usd", "capex_usd", "intra_capex_usd", "raised_usd")
OPEN_END = "9999-12"
HUBS = ("market", "capital_market")


@dataclass(frozen=True)
class SegmentInfo:
    """Where an agent's accounts go: owner at the start of a run, segment, label, peer group."""

    agent: str
    company: str
    segment: str
    label: str
    peer_group: str


@lru_cache(maxsize=1)
def segment_table() -> dict[str, SegmentInfo]:
    """Agent -> :class:`SegmentInfo`, from the actor roster (``ecosim/data/roster.toml``):
    every actor with a segment."""
    return {a.name: SegmentInfo(a.name, a.company, a.segment, a.segment_label, a.peer_group) for a in roster().actors if a.segment}


@dataclass(frozen=True)
class AgentBook:
    """Every agent of a run with its company before and after the merger month, and segment.

    Built from a run summary (``agents``: final company and kind; ``merger_month``) and the
    segment table; agents not in the table (PV suppliers) are their own company and their
    segment is their kind.
    """

    initial: dict[str, str]
    final: dict[str, str]
    segment: dict[str, str]
    label: dict[str, str]
    peer_group: dict[str, str]
    merger_month: str

    @classmethod
    def from_summary(cls, summary: RunSummary) -> AgentBook:
        """The book of a run from its ``summary.json`` (agents, companies at the end, merger)."""
        table = segment_table()
        initial, final, segment, label, peers = {}, {}, {}, {}, {}
        for name, a in summary.agents.items():
            if name in HUBS:
                continue
            info = table.get(name)
            final[name] = a.company
            initial[name] = info.company if info else a.company
            segment[name] = info.segment if info else a.kind
            label[name] = info.label if info else a.label
            peers[name] = info.peer_group if info else ""
        return cls(initial, final, segment, label, peers, summary.merger_month)

    def company_at(self, agent: str, date: str) -> str:
        """Company of an agent in month ``date`` (``YYYY-MM``), the merger included."""
        if agent in HUBS:
            return agent
        if date >= self.merger_month:
            return self.final[agent]
        return self.initial[agent]

    def companies(self) -> list[str]:
        return sorted(set(self.initial.values()) | set(self.final.values()))

    def company_entity(self, company: str, label: str | None = None) -> Entity:
        """The company as an entity: its agents in the months they belonged to it."""
        spans: dict[str, tuple[str, str]] = {}
        for agent in self.initial:
            before, after = self.initial[agent], self.final[agent]
            if before == company and after == company:
                spans[agent] = ("0000-01", OPEN_END)
            elif before == company:
                spans[agent] = ("0000-01", self.merger_month)
            elif after == company:
                spans[agent] = (self.merger_month, OPEN_END)
        return Entity(company, label or company, spans)


@dataclass(frozen=True)
class Entity:
    """A set of agents whose accounts are consolidated; each agent counts from the month
    ``spans[agent][0]`` (inclusive) until ``spans[agent][1]`` (exclusive), ``YYYY-MM``."""

    id: str
    label: str
    spans: dict[str, tuple[str, str]]

    @classmethod
    def of_agents(cls, id: str, label: str, agents: Iterable[str]) -> Entity:
        """A pro-forma entity: these agents in every month (e.g. SpaceX + xAI as if merged)."""
        return cls(id, label, {a: ("0000-01", OPEN_END) for a in agents})

    def inside(self, agents: pd.Series, dates: pd.Series) -> np.ndarray:
        """Per row: is ``agents[i]`` a member in month ``dates[i]``?"""
        codes, names = pd.factorize(agents, use_na_sentinel=False)  # a lookup table: one look-up per agent, not per row
        spans = [self.spans.get(a, (OPEN_END, OPEN_END)) for a in names]
        lo = np.array([s[0] for s in spans], dtype=object)[codes]
        hi = np.array([s[1] for s in spans], dtype=object)[codes]
        d = dates.to_numpy(dtype=object)
        return (d >= lo) & (d < hi)


def _frame(dates: list[str], columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame(0.0, index=pd.Index(dates, name="date"), columns=list(columns))


def entity_accounts(ledger: pd.DataFrame, entity: Entity, dates: list[str], member: int = 0) -> pd.DataFrame:
    """Monthly accounts of an entity [USD/month]: revenue, opex, capex, raised, EBITDA, FCF.

    ``dates`` are the run's months (every month gets a row, zeros where nothing moved).

    Hand check: a member sells 10 to an outsider, buys 3 (opex) and 4 (capex) from outsiders,
    pays 1 of costs to ``market`` and sells 5 to another member:

    >>> L = pd.DataFrame({"date": ["2030-01"] * 5, "member": 0, "from": ["a", "x", "x", "a", "a"],
    ...     "to": ["x", "a", "a", "market", "b"], "commodity": ["data", "data", "data", "money", "data"],
    ...     "usd": [10.0, 3.0, 4.0, 1.0, 5.0], "kind": ["opex", "opex", "capex", "opex", "opex"]})
    >>> acc = entity_accounts(L, Entity.of_agents("e", "e", ["a", "b"]), ["2030-01"])
    >>> acc.loc["2030-01", ["revenue_usd", "opex_usd", "capex_usd", "ebitda_usd", "fcf_usd"]].tolist()
    [10.0, 4.0, 4.0, 6.0, 2.0]
    """
    out = _frame(dates, FLOWS)
    L = ledger[ledger["member"] == member] if "member" in ledger.columns else ledger
    if not L.empty:
        f_in = entity.inside(L["from"], L["date"])
        t_in = entity.inside(L["to"], L["date"])
        money = (L["commodity"] == "money").to_numpy()
        kind = L["kind"].to_numpy()
        usd = L["usd"].to_numpy(dtype=float)
        parts = {
            "revenue_usd": np.where(money, t_in & (kind == "revenue"), f_in & ~t_in),
            "raised_usd": money & t_in & (kind == "raise"),
            "opex_usd": np.where(money, f_in & (kind == "opex"), t_in & ~f_in & (kind == "opex")),
            "capex_usd": np.where(money, f_in & (kind == "capex"), t_in & ~f_in & (kind == "capex")),
        }
        for col, mask in parts.items():
            if mask.any():
                sums = pd.Series(usd[mask]).groupby(L["date"].to_numpy()[mask]).sum()
                out.loc[sums.index, col] = sums.to_numpy()
    out["ebitda_usd"] = out["revenue_usd"] - out["opex_usd"]
    out["fcf_usd"] = out["ebitda_usd"] - out["capex_usd"]
    return out


def segment_accounts(ledger: pd.DataFrame, book: AgentBook, member: int = 0) -> pd.DataFrame:
    """Monthly accounts by (date, company, segment) [USD/month], intra-company lines apart.

    Columns: revenue_usd and opex/capex_usd with other companies (and customers), the same
    with sister segments (``intra_*``, at internal transfer prices), raised_usd, ebitda_usd
    and fcf_usd (segment result with intra lines included, so segments add up to the company).
    """
    L = ledger[ledger["member"] == member] if "member" in ledger.columns else ledger
    L = L[L["usd"] != 0]
    rows: list[pd.DataFrame] = []
    dates = L["date"]

    def key(agents: pd.Series) -> tuple[pd.Series, pd.Series]:
        comp = pd.Series([book.company_at(a, d) for a, d in zip(agents, dates, strict=True)], index=agents.index)
        seg = agents.map(lambda a: book.segment.get(a, a))
        return comp, seg

    fc, fs = key(L["from"])
    tc, ts = key(L["to"])
    same = (fc == tc) & (fs == ts)
    internal = fc == tc
    money = L["commodity"] == "money"
    usd = L["usd"]
    seller_side = ~same & ~L["from"].isin(HUBS)
    buyer_side = ~same & ~L["to"].isin(HUBS)
    # seller: goods sold (revenue); money rows from an agent are costs paid out
    goods_sold = seller_side & ~money
    rows.append(pd.DataFrame({"date": dates[goods_sold], "company": fc[goods_sold], "segment": fs[goods_sold],
                              "col": np.where(internal[goods_sold], "intra_revenue_usd", "revenue_usd"), "usd": usd[goods_sold]}))
    paid_out = seller_side & money
    rows.append(pd.DataFrame({"date": dates[paid_out], "company": fc[paid_out], "segment": fs[paid_out],
                              "col": L["kind"][paid_out] + "_usd", "usd": usd[paid_out]}))
    goods_bought = buyer_side & ~money
    rows.append(pd.DataFrame({"date": dates[goods_bought], "company": tc[goods_bought], "segment": ts[goods_bought],
                              "col": np.where(internal[goods_bought], "intra_", "") + L["kind"][goods_bought] + "_usd", "usd": usd[goods_bought]}))
    received = buyer_side & money
    rows.append(pd.DataFrame({"date": dates[received], "company": tc[received], "segment": ts[received],
                              "col": L["kind"][received].map({"revenue": "revenue_usd", "raise": "raised_usd"}), "usd": usd[received]}))
    long = pd.concat(rows, ignore_index=True)
    wide = long.pivot_table(index=["date", "company", "segment"], columns="col", values="usd", aggfunc="sum", fill_value=0.0)
    for c in SEGMENT_FLOWS:
        if c not in wide.columns:
            wide[c] = 0.0
    wide = wide[list(SEGMENT_FLOWS)].reset_index()
    wide.columns.name = None
    wide["ebitda_usd"] = wide["revenue_usd"] + wide["intra_revenue_usd"] - wide["opex_usd"] - wide["intra_opex_usd"]
    wide["fcf_usd"] = wide["ebitda_usd"] - wide["capex_usd"] - wide["intra_capex_usd"]
    return wide.sort_values(["date", "company", "segment"], kind="stable").reset_index(drop=True)


def by_year(monthly: pd.DataFrame, keys: Iterable[str] = ()) -> pd.DataFrame:
    """Calendar-year sums of monthly accounts (index ``date`` or a ``date`` column), with the
    number of months each year has in the run (``months``: 12 for a full year)."""
    df = monthly.reset_index() if "date" not in monthly.columns else monthly.copy()
    df["year"] = df["date"].str[:4].astype(int)
    keys = list(keys)
    numeric = [c for c in df.columns if c not in ("date", "year", *keys) and pd.api.types.is_numeric_dtype(df[c])]
    g = df.groupby(["year", *keys])
    out = g[numeric].sum()
    out["months"] = g["date"].nunique()
    return out.reset_index().set_index("year") if not keys else out.reset_index()


def entity_revenue_by_segment(ledger: pd.DataFrame, entity: Entity, book: AgentBook, member: int = 0) -> pd.DataFrame:
    """Revenue of an entity from outside it, by the segment that earned it [USD/month].

    Columns: date, segment, revenue_usd (sums over segments equal ``entity_accounts``'s
    revenue_usd). Sales between the entity's own segments are not revenue of the entity.
    """
    L = ledger[ledger["member"] == member] if "member" in ledger.columns else ledger
    if L.empty:
        return pd.DataFrame(columns=["date", "segment", "revenue_usd"])
    f_in = entity.inside(L["from"], L["date"])
    t_in = entity.inside(L["to"], L["date"])
    money = (L["commodity"] == "money").to_numpy()
    kind = L["kind"].to_numpy()
    goods = ~money & f_in & ~t_in
    paid = money & t_in & (kind == "revenue")
    earner = np.where(goods, L["from"].to_numpy(), L["to"].to_numpy())
    mask = goods | paid
    df = pd.DataFrame({"date": L["date"].to_numpy()[mask], "segment": [book.segment.get(a, a) for a in earner[mask]], "revenue_usd": L["usd"].to_numpy()[mask]})
    return pd.DataFrame(df.groupby(["date", "segment"], as_index=False)["revenue_usd"].sum())


def at_market_prices(ledger: pd.DataFrame, sellers: Iterable[str], buyers: Iterable[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ledger with every goods sale from ``sellers`` to ``buyers`` re-priced at the market
    price of its commodity: the quantity-weighted price of the same commodity's sales between
    companies (rows not ``internal``) in the same month and member, else in the same year, else
    left at the booked price (column ``basis`` of the second frame says which).

    Used to value SpaceX alone (``valuation.toml`` ``transfer_prices = "market"``): what it sells
    to xAI at an internal transfer price is counted at what the market pays. Returns the
    re-priced ledger and a yearly table (year, commodity, booked_usd, market_usd, basis).

    Hand check: a sells 2 units of compute to b at 1 each (internal) while c sells 4 to the
    market for 12 (3 each): the sale is re-priced at 2 x 3 = 6.

    >>> L = pd.DataFrame({"date": ["2030-01"] * 2, "member": 0, "from": ["a", "c"], "to": ["b", "market"],
    ...     "commodity": ["compute"] * 2, "quantity": [2.0, 4.0], "unit": ["EFLOP/s"] * 2, "usd": [2.0, 12.0],
    ...     "kind": ["opex", "revenue"], "internal": [True, False]})
    >>> out, notes = at_market_prices(L, ["a"], ["b"])
    >>> out["usd"].tolist(), notes[["booked_usd", "market_usd", "basis"]].values.tolist()
    ([6.0, 12.0], [[2.0, 6.0, 'same month']])
    """
    sellers, buyers = set(sellers), set(buyers)
    out = ledger.copy()
    sold = (out["from"].isin(sellers) & out["to"].isin(buyers) & (out["commodity"] != "money")).to_numpy()
    cols = ["year", "commodity", "booked_usd", "market_usd", "basis"]
    if not sold.any():
        return out, pd.DataFrame(columns=cols)
    member = out["member"] if "member" in out.columns else pd.Series(0, index=out.index)
    year = out["date"].str[:4]
    market = ((~out["internal"].astype(bool)) & (out["commodity"] != "money") & (out["quantity"] > 0) & ~pd.Series(sold, index=out.index)).to_numpy()
    ext = pd.DataFrame({"date": out["date"], "year": year, "member": member, "commodity": out["commodity"], "q": out["quantity"], "usd": out["usd"]})[market]
    by_month = ext.groupby(["date", "member", "commodity"])[["q", "usd"]].sum()
    by_year_ = ext.groupby(["year", "member", "commodity"])[["q", "usd"]].sum()
    month_p = (by_month["usd"] / by_month["q"]).to_dict()
    year_p = (by_year_["usd"] / by_year_["q"]).to_dict()
    rows = []
    new_usd = out["usd"].to_numpy(dtype=float).copy()
    for i in np.flatnonzero(sold):
        r = out.iloc[i]
        m = int(member.iloc[i])
        booked = float(r["usd"])
        if (r["date"], m, r["commodity"]) in month_p:
            price, basis = month_p[(r["date"], m, r["commodity"])], "same month"
        elif (year.iloc[i], m, r["commodity"]) in year_p:
            price, basis = year_p[(year.iloc[i], m, r["commodity"])], "same year"
        else:
            price, basis = booked / r["quantity"] if r["quantity"] else 0.0, "booked (no market sale that year)"
        market_usd = float(price * r["quantity"])
        new_usd[i] = market_usd
        rows.append({"year": int(year.iloc[i]), "commodity": r["commodity"], "booked_usd": booked, "market_usd": market_usd, "basis": basis})
    out["usd"] = new_usd
    notes = pd.DataFrame(rows, columns=cols).groupby(["year", "commodity"], as_index=False).agg(booked_usd=("booked_usd", "sum"), market_usd=("market_usd", "sum"), basis=("basis", lambda b: ", ".join(sorted(set(b)))))
    return out, notes
