"""The posterior store: a calibration's directory, written generation by generation, atomically.

Layout::

    manifest.json                  format, fingerprint, parameters with priors, fitted rows,
                                   settings, one entry per finished generation (tolerance,
                                   acceptance, ESS, simulations), status, stop reason, versions
    calibration.toml               the calibration file as run
    scenario.toml                  the resolved scenario
    generations/gen-NNN.parquet    the population after generation NNN: z:<param> (latent),
                                   <param> (value), distance, weight, row:<metric@period>
    chunks/gNNN-mM/chunk-CCCC.parquet   simulated rows of one chunk of a batch in progress
    posterior.parquet              the final population: draw, <param> values, weight, distance
    diagnostics.parquet            generation, epsilon, acceptance, ess, simulations, resampled
    predictive.parquet             posterior-predictive draws: draw, <param>, row:<metric@period>
    fit.parquet                    every history row under the posterior predictive: published,
                                   uncertainty, p5, median, p95, error, within the 90 % range

Every file is written under a temporary name and renamed into place, and a generation's
population is written before the manifest names it, so an interrupted calibration (Ctrl-C,
kill -9) resumes from its last finished generation and its finished chunks, and gives the
posterior it would have given uninterrupted. One process writes a directory at a time (an
advisory lock on ``.lock``).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import platform
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecosim.calibration.smc import Population
from ecosim.errors import ExperimentError, RunDirError
from ecosim.results.posterior import FORMAT, read_manifest
from ecosim.results.store import read_parquet_checked, versions, write_parquet, write_text


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class PosteriorStore:
    """A calibration directory (see the module docstring)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._lock_fh: Any = None

    # ------------------------------------------------------------ opening

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    def manifest(self) -> dict[str, Any]:
        return read_manifest(self.root)

    def write_manifest(self, data: dict[str, Any]) -> None:
        data["updated"] = _now()
        write_text(json.dumps(data, indent=1) + "\n", self.manifest_path)

    def lock(self) -> None:
        """Take the directory's write lock (released by the OS even after kill -9)."""
        self.root.mkdir(parents=True, exist_ok=True)
        fh = open(self.root / ".lock", "a+", encoding="utf-8")  # noqa: SIM115 (held until unlock)
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise ExperimentError(f"--out {self.root}: another ecosim calibration is writing this directory; wait for it or choose another --out") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {platform.node()}\n")
        fh.flush()
        self._lock_fh = fh

    def unlock(self) -> None:
        if self._lock_fh is not None:
            fcntl.flock(self._lock_fh.fileno(), fcntl.LOCK_UN)
            self._lock_fh.close()
            self._lock_fh = None

    def create_or_resume(self, header: dict[str, Any], calibration_text: str, scenario_text: str) -> dict[str, Any]:
        """Open for writing: a new directory, or one holding the same calibration (same fingerprint)."""
        if self.root.exists() and not self.root.is_dir():
            raise RunDirError(f"--out {self.root}: must be a directory (got an existing file)")
        if self.root.is_dir() and any(self.root.iterdir()) and not self.exists():
            raise RunDirError(f"--out {self.root}: the directory is not empty and holds no calibration; choose another --out")
        self.lock()
        if self.exists():
            man = self.manifest()
            if man.get("fingerprint") != header["fingerprint"]:
                self.unlock()
                raise ExperimentError(
                    f"--out {self.root}: holds a calibration with other settings, priors, scenario or history "
                    f"(fingerprint {man.get('fingerprint')}, this one {header['fingerprint']}); choose another --out"
                )
            return man
        write_text(calibration_text, self.root / "calibration.toml")
        write_text(scenario_text, self.root / "scenario.toml")
        man = {"format": FORMAT, **header, "status": "running", "stop": "", "generations": [], "created": _now(), "versions": versions()}
        self.write_manifest(man)
        return man

    # ------------------------------------------------------------ chunks of a batch in progress

    def _chunk_path(self, generation: int, move: int, chunk: int) -> Path:
        return self.root / "chunks" / f"g{generation:03d}-m{move}" / f"chunk-{chunk:04d}.parquet"

    def load_chunk(self, generation: int, move: int, chunk: int) -> np.ndarray | None:
        """A stored chunk's simulated rows, or None when it is not stored. A damaged chunk file
        (truncated, not Parquet) is removed and reported as not stored, so it is simulated again."""
        path = self._chunk_path(generation, move, chunk)
        if not path.is_file():
            return None
        try:
            return pd.read_parquet(path).to_numpy(dtype=float)
        except Exception:  # pyarrow raises several types for a damaged file
            path.unlink(missing_ok=True)
            return None

    def save_chunk(self, generation: int, move: int, chunk: int, values: np.ndarray, columns: list[str]) -> None:
        path = self._chunk_path(generation, move, chunk)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(pd.DataFrame(np.asarray(values, dtype=float), columns=columns), path)

    def drop_chunks(self, generation: int) -> None:
        for d in (self.root / "chunks").glob(f"g{generation:03d}-m*"):
            shutil.rmtree(d, ignore_errors=True)

    # ------------------------------------------------------------ populations

    def save_population(self, pop: Population, names: tuple[str, ...], theta: np.ndarray, row_keys: list[str], man: dict[str, Any]) -> None:
        """Write a finished generation, then name it in the manifest (in that order)."""
        df = pd.DataFrame({
            **{f"z:{n}": pop.z[:, i] for i, n in enumerate(names)},
            **{n: theta[:, i] for i, n in enumerate(names)},
            "distance": pop.distance,
            "weight": pop.weight,
            **{f"row:{k}": pop.summaries[:, j] for j, k in enumerate(row_keys)},
        })
        path = self.root / "generations" / f"gen-{pop.generation:03d}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(df, path)
        man["generations"] = [g for g in man["generations"] if g["generation"] < pop.generation] + [{
            "generation": pop.generation,
            "epsilon": pop.epsilon,
            "acceptance": None if np.isnan(pop.acceptance) else pop.acceptance,
            "ess": pop.ess,
            "alive": int(np.count_nonzero(pop.weight > 0)),
            "simulations": pop.simulations,
            "resampled": pop.resampled,
            "stop": pop.stop,
            "finished": _now(),
        }]
        if pop.stop:
            man["stop"] = pop.stop
        self.write_manifest(man)
        self.drop_chunks(pop.generation)

    def load_population(self, generation: int, names: tuple[str, ...], row_keys: list[str], man: dict[str, Any]) -> Population:
        df = read_parquet_checked(self.root / "generations" / f"gen-{generation:03d}.parquet")
        g = next(x for x in man["generations"] if x["generation"] == generation)
        return Population(
            generation,
            df[[f"z:{n}" for n in names]].to_numpy(dtype=float),
            df["distance"].to_numpy(dtype=float),
            df[[f"row:{k}" for k in row_keys]].to_numpy(dtype=float),
            df["weight"].to_numpy(dtype=float),
            float(g["epsilon"]),
            float("nan") if g["acceptance"] is None else float(g["acceptance"]),
            int(g["simulations"]),
            bool(g["resampled"]),
            str(g.get("stop", "")),
        )

    def last_population(self, names: tuple[str, ...], row_keys: list[str]) -> Population | None:
        man = self.manifest()
        if not man["generations"]:
            return None
        return self.load_population(man["generations"][-1]["generation"], names, row_keys, man)

    # ------------------------------------------------------------ reading results

    def posterior(self) -> pd.DataFrame:
        """The final draws and their weights (``draw``, one column per parameter, ``weight``, ``distance``)."""
        path = self.root / "posterior.parquet"
        if not path.is_file():
            raise RunDirError(f"{self.root}: the calibration has not finished (no posterior.parquet); run `ecosim calibrate --out {self.root}` again to finish it")
        return read_parquet_checked(path)

    def parameters(self) -> list[str]:
        return [p["path"] for p in self.manifest()["parameters"]]

    def table(self, name: str) -> pd.DataFrame:
        path = self.root / f"{name}.parquet"
        if not path.is_file():
            raise RunDirError(f"{self.root}: no {name}.parquet (the calibration has not finished)")
        return read_parquet_checked(path)
