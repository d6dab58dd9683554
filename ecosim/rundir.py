"""Read a results directory written by ``ecosim run`` (without the model: saved runs can be
re-valued and re-analysed without re-simulating).

A run directory holds ``timeseries.parquet``, ``ledger.parquet``, ``summary.json``,
``scenario.toml`` and ``network.json`` (see :mod:`ecosim.run`). :func:`read_run` checks that
they are there and readable and returns them; anything missing or foreign is a
:class:`~ecosim.errors.RunDirError` with a one-line message naming the directory and the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ecosim.errors import EcosimError, RunDirError
from ecosim.scenario.loader import LoadedScenario, load_scenario

RUN_FILES = ("timeseries.parquet", "ledger.parquet", "summary.json", "scenario.toml", "network.json")
SUMMARY_KEYS = ("scenario", "seed", "start", "end", "agents", "merger_month")
LEDGER_COLUMNS = ("step", "date", "member", "from", "to", "commodity", "quantity", "unit", "usd", "kind", "internal")


@dataclass(frozen=True)
class SavedRun:
    """A run read back from its directory."""

    path: Path
    timeseries: pd.DataFrame
    ledger: pd.DataFrame
    summary: dict[str, Any]
    scenario: LoadedScenario
    network: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.summary["scenario"])

    @property
    def dates(self) -> list[str]:
        return [str(d) for d in self.timeseries["date"]]

    @property
    def final_companies(self) -> dict[str, str]:
        """Agent -> company at the end of the run (after any merger)."""
        return {n: str(a["company"]) for n, a in self.summary["agents"].items()}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RunDirError(f"{path}: not readable as JSON ({exc})") from None


def read_run(path: str | Path) -> SavedRun:
    """Read and check a run directory.

    Raises
    ------
    RunDirError
        ``RUN_DIR: no such directory``, ``RUN_DIR: not an ecosim run directory (missing ...)``,
        or a file that cannot be read or lacks what ``ecosim run`` writes.
    """
    p = Path(path)
    if not p.exists():
        raise RunDirError(f"{p}: no such directory (give a directory written by `ecosim run`)")
    if not p.is_dir():
        raise RunDirError(f"{p}: must be a run directory written by `ecosim run` (got a file)")
    missing = [f for f in RUN_FILES if not (p / f).is_file()]
    if missing:
        raise RunDirError(f"{p}: not an ecosim run directory (missing {', '.join(missing)}); write one with `ecosim run SCENARIO --out {p}`")
    summary = _read_json(p / "summary.json")
    if not isinstance(summary, dict) or any(k not in summary for k in SUMMARY_KEYS):
        lacking = [k for k in SUMMARY_KEYS if not isinstance(summary, dict) or k not in summary]
        raise RunDirError(f"{p / 'summary.json'}: not an ecosim run summary (missing keys {', '.join(lacking)})")
    frames = {}
    for name in ("timeseries.parquet", "ledger.parquet"):
        try:
            frames[name] = pd.read_parquet(p / name)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise RunDirError(f"{p / name}: not a readable Parquet file ({type(exc).__name__})") from None
    ts, ledger = frames["timeseries.parquet"], frames["ledger.parquet"]
    if "date" not in ts.columns or ts.empty:
        raise RunDirError(f"{p / 'timeseries.parquet'}: must have a 'date' column and one row per month")
    lacking = [c for c in LEDGER_COLUMNS if c not in ledger.columns]
    if lacking:
        raise RunDirError(f"{p / 'ledger.parquet'}: not an ecosim ledger (missing columns {', '.join(lacking)})")
    network = _read_json(p / "network.json")
    try:
        scenario = load_scenario(p / "scenario.toml")
    except EcosimError as exc:
        raise RunDirError(f"{p / 'scenario.toml'}: the run's scenario no longer loads: {exc}") from None
    return SavedRun(p, ts, ledger, summary, scenario, network)
