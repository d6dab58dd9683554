"""Money: cost models, company accounts, valuation. Reads run results and scenario data only."""
