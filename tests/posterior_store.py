"""A small history/forward pair and a hand-made posterior store over it, shared by the
posterior tests (a calibration takes minutes; these take seconds)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ecosim.results.posterior import FORMAT

#: the two fields of the hand-made posterior, each with its two particles' values; the
#: history sets 25e6 potential subscribers and a Bass imitation of 0.7/yr
FIELDS = {
    "satellite_market.potential_subscribers_initial": (12.5e6, 37.5e6),
    "starlink.bass_imitation_per_yr": (0.4, 1.0),
}


def write_pair(folder: Path) -> tuple[Path, Path]:
    """A history of 2020 and a forward scenario of 2021 that continues from it."""
    history = folder / "h.toml"
    history.write_text('extends = "history"\n[scenario]\nname = "h"\nend_month = "2020-12"\n', encoding="utf-8")
    forward = folder / "f.toml"
    forward.write_text(
        f'extends = "baseline"\n[scenario]\nname = "f"\nstart_month = "2021-01"\nend_month = "2021-12"\ninitial_state_from = "{history}"\n'
        "[capital_market]\nraises = []\n",
        encoding="utf-8",
    )
    return history, forward


def write_store(folder: Path, weights: tuple[float, float] = (0.5, 0.5), status: str = "complete") -> Path:
    """A finished posterior store with two particles (:data:`FIELDS`) and ``weights``."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {
        "format": FORMAT, "name": "test", "fingerprint": "testfingerprint", "scenario": "h", "status": status,
        "parameters": [{"path": p, "prior": "test", "source": "test"} for p in FIELDS], "generations": [],
        "settings": {"predictive_draws": 2},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    frame = pd.DataFrame({"draw": [0, 1], **{p: list(v) for p, v in FIELDS.items()}, "weight": list(weights), "distance": [1.0, 1.0]})
    frame.to_parquet(folder / "posterior.parquet", index=False)
    (folder / "scenario.toml").write_text("", encoding="utf-8")
    return folder
