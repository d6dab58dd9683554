"""The exchange network (networkx), monthly clearing of every commodity, and the ledger."""

from ecosim.exchange.clearing import Exchange
from ecosim.exchange.network import build_network
from ecosim.exchange.topology import COMMODITY_UNITS, GOODS, SIGNAL_UNITS, edge_id, parse_edge_id

__all__ = ["COMMODITY_UNITS", "GOODS", "SIGNAL_UNITS", "Exchange", "build_network", "edge_id", "parse_edge_id"]
