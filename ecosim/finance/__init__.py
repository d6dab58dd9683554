"""Money: company accounts and valuation of run results (cost models and DCF primitives live in :mod:`ecosim.economics`). Reads run results and scenario data only."""
