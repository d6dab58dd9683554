"""Analyses of run results (they read results, never the model)."""
