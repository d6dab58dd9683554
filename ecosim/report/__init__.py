"""Figures, tables and reports drawn from run results (never from the model)."""
