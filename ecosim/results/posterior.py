"""A calibration's posterior, read back typed: its draws and weights, checked, and resampled
for posterior-backed runs.

``ecosim calibrate`` writes a posterior store (:mod:`ecosim.calibration.store`: the manifest,
``posterior.parquet`` with one row per particle: ``draw``, one column per inferred scenario
field, ``weight``, ``distance``). :meth:`Posterior.load` reads it and checks everything a run
relies on, so a missing, unfinished or damaged store is one :class:`~ecosim.errors.RunDirError`
line naming the directory, the file, what was expected and what was found, before anything
runs.

:meth:`Posterior.draws` resamples ``n`` equally weighted draws (systematic resampling,
Kitagawa 1996) with a generator seeded from the run's seed, so the same posterior, seed and
``n`` give the same members everywhere; :func:`weighted_index` maps points of [0, 1) to draws
by the inverse CDF of the weights (an experiment's sampler gives the points).

A run directory written with a posterior (``ecosim run --posterior``) holds its members in
``DIR/posterior/`` (:func:`write_members`, :func:`read_members`)::

    posterior/draws.parquet       member, one column per inferred field (the member's draw)
    posterior/timeseries.parquet  date, member, then every metric (one row per month and member)
    posterior/members.json        the posterior directory and fingerprint, draws, seed, the
                                  fields the scenario held at its own value, cash at the start
                                  and the cost of capital per member

This module imports nothing above :mod:`ecosim.scenario`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecosim.errors import RunDirError, ScenarioError
from ecosim.readers import read_json
from ecosim.results.results import CostOfCapital, Results
from ecosim.scenario.loader import LoadedScenario
from ecosim.scenario.params import check_member_values

#: format of a posterior store's manifest (written by :mod:`ecosim.calibration.store`)
FORMAT = "ecosim-posterior/2"
#: folder of a run directory holding its posterior members
MEMBERS_DIR = "posterior"
#: tag of the generator that resamples a posterior for a run (independent of the run's own)
RESAMPLE_TAG = 17


def read_manifest(root: Path) -> dict[str, Any]:
    """A posterior store's ``manifest.json`` (format checked).

    Raises
    ------
    RunDirError
        No manifest, not JSON, or another format.
    """
    path = root / "manifest.json"
    if not path.is_file():
        raise RunDirError(f"{root}: not a posterior directory (no manifest.json; run `ecosim calibrate --out {root}` first)")
    data = read_json(path, RunDirError)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        got = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise RunDirError(f"{root}: manifest.json format must be {FORMAT!r} (got {got!r})")
    return data


def weighted_index(weight: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Indices of the draws at points ``u`` of [0, 1): the inverse CDF of the normalised weights.

    >>> weighted_index(np.array([1.0, 0.0, 3.0]), np.array([0.0, 0.24, 0.25, 0.99])).tolist()
    [0, 0, 2, 2]
    """
    cdf = np.cumsum(weight / weight.sum())
    cdf[-1] = 1.0
    return np.searchsorted(cdf, np.asarray(u, dtype=float), side="right").clip(0, len(weight) - 1)


def _seed_generator(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed), RESAMPLE_TAG]))


@dataclass(frozen=True)
class Posterior:
    """A finished calibration's particles: ``theta`` (particles, fields) in the scenario's
    units (``_pct`` fields in percent), ``weight`` (particles,) summing to 1."""

    path: Path
    names: tuple[str, ...]
    theta: np.ndarray
    weight: np.ndarray
    fingerprint: str
    scenario: str
    manifest: dict[str, Any]

    @classmethod
    def load(cls, path: str | Path) -> Posterior:
        """Read and check a posterior store (``ecosim calibrate --out DIR``).

        Raises
        ------
        RunDirError
            One line: the directory does not exist, holds no finished calibration, or its
            ``posterior.parquet`` is unreadable, lacks a parameter or the weights, or holds a
            value outside its field's bounds, a non-finite value or no positive weight.
        """
        root = Path(path)
        if not root.exists():
            raise RunDirError(f"--posterior {root}: no such directory (give a directory written by `ecosim calibrate --out DIR`)")
        if not root.is_dir():
            raise RunDirError(f"--posterior {root}: must be a posterior directory written by `ecosim calibrate` (got a file)")
        man = read_manifest(root)
        params = man.get("parameters")
        if not isinstance(params, list) or not params or not all(isinstance(p, dict) and isinstance(p.get("path"), str) for p in params):
            raise RunDirError(f"{root}: manifest.json parameters must list the inferred fields, each with a path (got {params!r:.60})")
        names = tuple(str(p["path"]) for p in params)
        if man.get("status") != "complete":
            raise RunDirError(f"{root}: the calibration has not finished (status {man.get('status')!r}); run `ecosim calibrate --out {root}` again to finish it")
        file = root / "posterior.parquet"
        if not file.is_file():
            raise RunDirError(f"{file}: missing (the manifest says the calibration is complete); run `ecosim calibrate --out {root}` again")
        try:
            df = pd.read_parquet(file)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise RunDirError(f"{file}: not a readable Parquet file ({type(exc).__name__})") from None
        lacking = [c for c in (*names, "weight") if c not in df.columns]
        if lacking:
            raise RunDirError(f"{file}: must hold a column per inferred field and the weights (missing {', '.join(lacking)})")
        if df.empty:
            raise RunDirError(f"{file}: must hold at least one draw (got none)")
        try:
            theta = df[list(names)].to_numpy(dtype=float)
            weight = df["weight"].to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise RunDirError(f"{file}: every parameter and weight must be a number ({exc})") from None
        bad = ~np.isfinite(weight) | (weight < 0)
        if bad.any() or not weight.sum() > 0:
            got = float(weight[bad][0] if bad.any() else weight.sum())
            raise RunDirError(f"{file}: weight must be finite and >= 0 with a positive sum (got {got!r})")
        for j, name in enumerate(names):
            try:
                check_member_values(name, theta[:, j], str(file))
            except ScenarioError as exc:
                raise RunDirError(str(exc)) from None
        return cls(root, names, theta, weight / weight.sum(), str(man.get("fingerprint", "")), str(man.get("scenario", "")), man)

    @property
    def particles(self) -> int:
        return len(self.weight)

    @property
    def ess(self) -> float:
        """Effective sample size of the weights, 1 / sum(w^2) [particles]."""
        return float(1.0 / np.sum(self.weight**2))

    def draws(self, n: int, seed: int) -> dict[str, np.ndarray]:
        """``n`` equally weighted draws (systematic resampling, seeded by ``seed``): field
        path -> (n,) values, for :func:`ecosim.simulate.simulate`'s ``posterior``.

        Raises
        ------
        ValueError
            ``n`` below 1.
        """
        if n < 1:
            raise ValueError(f"draws must be >= 1 (got {n})")
        positions = (_seed_generator(seed).random() + np.arange(n)) / n
        return self.at(positions)

    def at(self, u: np.ndarray) -> dict[str, np.ndarray]:
        """The draws at points ``u`` of [0, 1) (:func:`weighted_index`): field -> values."""
        idx = weighted_index(self.weight, u)
        return {name: self.theta[idx, j].copy() for j, name in enumerate(self.names)}

    def calibrated_on(self, scenario: LoadedScenario) -> bool:
        """Whether the store's resolved scenario is ``scenario`` as it loads now (False: the
        history changed since the calibration; the posterior should be inferred again)."""
        import tomllib

        path = self.path / "scenario.toml"
        try:
            stored = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            return False
        return json.dumps(stored, sort_keys=True, default=str) == json.dumps(scenario.data, sort_keys=True, default=str)

    def describe(self) -> str:
        """``runs/cal (16 fields, 2,000 particles, ESS 1,003)``."""
        return f"{self.path} ({len(self.names)} fields, {self.particles:,} particles, ESS {self.ess:,.0f})"


# ------------------------------------------------------------------ members in a run directory


def write_members(results: Results, draws: dict[str, np.ndarray], info: dict[str, Any], folder: Path) -> None:
    """Write a posterior-backed simulation's members into ``folder`` (a run directory's
    ``posterior/``, inside its atomic write). ``info``: the posterior's path, fingerprint,
    seed and the fields held (stored in ``members.json``)."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"member": np.arange(results.members), **draws}).to_parquet(folder / "draws.parquet", index=False)
    results.timeseries(member=None).to_parquet(folder / "timeseries.parquet", index=False)
    c = results.cost_of_capital
    meta = {
        **info,
        "members": results.members,
        "cash_start_usd": {m: [float(x) for x in v] for m, v in results.cash_start.items()},
        "cost_of_capital": {"wacc": c.wacc.tolist(), "terminal_growth": c.terminal_growth.tolist(), "tax_rate": c.tax_rate.tolist(), "normalise_yr": c.normalise_yr.tolist()},
    }
    (folder / "members.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Members:
    """A run directory's posterior members read back: the simulation and each member's draw."""

    results: Results
    draws: pd.DataFrame
    info: dict[str, Any]

    @property
    def posterior_path(self) -> str:
        return str(self.info.get("posterior", ""))

    @property
    def fingerprint(self) -> str:
        return str(self.info.get("fingerprint", ""))


def read_members(run_dir: Path, point: Results) -> Members | None:
    """The posterior members a run directory holds (None when it was run without a posterior).

    ``point``: the directory's own run (:attr:`ecosim.results.rundir.SavedRun.results`), whose
    scenario, units, network and agents the members share.

    Raises
    ------
    RunDirError
        ``posterior/`` exists but a file is missing, unreadable or inconsistent.
    """
    folder = Path(run_dir) / MEMBERS_DIR
    if not folder.is_dir():
        return None
    try:
        info = json.loads((folder / "members.json").read_text(encoding="utf-8"))
        ts = pd.read_parquet(folder / "timeseries.parquet")
        draws = pd.read_parquet(folder / "draws.parquet")
    except (OSError, json.JSONDecodeError) as exc:
        raise RunDirError(f"{folder}: the run's posterior members are incomplete ({exc})") from None
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise RunDirError(f"{folder}: a Parquet file of the run's posterior members is not readable ({type(exc).__name__})") from None
    try:
        K = int(info["members"])
        cc = info["cost_of_capital"]
        # members stored before the normalisation years were sampled were valued at the scenario's
        normalise = cc.get("normalise_yr", point.cost_of_capital.normalise_yr[0])
        coc = CostOfCapital.from_rates(np.asarray(cc["wacc"]), np.asarray(cc["terminal_growth"]), np.asarray(cc["tax_rate"]), K, normalise_yr=np.asarray(normalise))
        cash = {str(m): np.asarray(v, dtype=float) for m, v in info["cash_start_usd"].items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise RunDirError(f"{folder / 'members.json'}: not the description of a run's posterior members (missing or wrong {exc})") from None
    if len(ts) % K or "date" not in ts.columns or "member" not in ts.columns:
        raise RunDirError(f"{folder / 'timeseries.parquet'}: must hold date, member and one row per month and member ({K} members) (got {len(ts)} rows)")
    months = [str(d) for d in ts["date"].to_numpy()[::K]]
    series = {str(c): ts[c].to_numpy(dtype=float).reshape(len(months), K) for c in ts.columns if c not in ("date", "member")}
    results = Results(
        scenario=point.scenario, seed=int(info.get("seed", point.seed)), members=K, months=months, series=series,
        units=dict(point.units), network=point.network, cash_start=cash, cost_of_capital=coc,
        agents=dict(point.agents), companies=dict(point.companies), end_month=point.end_month,
    )
    return Members(results, draws, info)
