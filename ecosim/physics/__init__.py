"""Pure physical sub-models, one per module, each with units and cited sources.

Every function broadcasts over NumPy arrays, so the same call serves one run or an
ensemble of members (a leading member axis).
"""
