"""Bit-identity check for speed work (prints, not a test): a change that claims to leave every
figure of a run unchanged must leave these outputs byte for byte the same.

``write DIR`` writes, with this checkout's code:

* ``DIR/baseline`` and ``DIR/musk_narrative``: ``ecosim run`` of the two scenarios (timeseries,
  ledger, network, summary but its ``runtime_s``, resolved scenario; figures with ``--figures``);
* ``DIR/k50``: a K = 50 baseline with three fields varied per member (seeded draws), its
  series, ledger and edge flows as raw bytes (``.npy`` and Parquet), cash at start and cost of
  capital;
* with ``--experiment N``, ``DIR/mc``: the store of ``monte_carlo_baseline`` with N draws on one
  worker (its Parquet tables; the manifest without run times, worker and file path).

``compare A B`` lists every file that differs between two such directories (exit status 1 if
any, 0 when all are byte for byte the same).

Run (with the code under test first on the path)::

    PYTHONPATH=. .venv/bin/python benchmarks/bit_identity.py write /tmp/ref      # on main
    PYTHONPATH=. .venv/bin/python benchmarks/bit_identity.py write /tmp/new      # on the branch
    .venv/bin/python benchmarks/bit_identity.py compare /tmp/ref /tmp/new
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

K50_VALUES_SEED = 7  # seed of the member values' draws [assumption: any fixed seed]


def write(out: Path, figures: bool, draws: int = 0) -> None:
    """Write the runs compared (see the module docstring) under ``out``."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in ("baseline", "musk_narrative"):
        cmd = [sys.executable, "-m", "ecosim.cli", "run", f"scenarios/{name}.toml", "--out", str(out / name)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        if not figures:
            shutil.rmtree(out / name / "figures", ignore_errors=True)
    write_k50(out / "k50")
    if draws:
        write_experiment(out / "mc", draws)


def write_experiment(out: Path, draws: int) -> None:
    """The store of ``monte_carlo_baseline`` with ``draws`` draws, one worker."""
    import tempfile

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_experiments import experiment_file

    from ecosim.experiments import load_experiment, run_experiment

    with tempfile.TemporaryDirectory() as tmp:
        run_experiment(load_experiment(experiment_file(draws, Path(tmp))), out, workers=1)
    (out / ".lock").unlink(missing_ok=True)


def write_k50(out: Path) -> None:
    """A K = 50 baseline with three varied fields: its series, ledger and flows as raw bytes."""
    from ecosim.scenario import load_scenario
    from ecosim.simulate import simulate

    out.mkdir(parents=True)
    K = 50
    rng = np.random.default_rng(K50_VALUES_SEED)
    values = {
        "launch.starship.cost_progress_ratio": rng.uniform(0.7, 0.95, K),
        "orbital_dc.satellite_hardware_usd_per_w": rng.uniform(3.0, 40.0, K),
        "tesla.share_decay_pct_per_yr": rng.uniform(15.0, 35.0, K),
    }
    res = simulate(load_scenario("baseline"), members=K, member_values=values, record_ledger=True, record_flows=True)
    for kind, arrays in (("series", res.series), ("flows", res.edge_flows), ("cash_start", res.cash_start)):
        d = out / kind
        d.mkdir()
        for i, (name, a) in enumerate(sorted(arrays.items())):
            np.save(d / f"{i:04d}.npy", np.asarray(a))
            with open(d / "names.txt", "a", encoding="utf-8") as f:
                f.write(f"{i:04d} {name} {np.asarray(a).dtype} {np.asarray(a).shape}\n")
    assert res.ledger is not None
    res.ledger.to_parquet(out / "ledger.parquet")
    (out / "other.txt").write_text(f"{res.months}\n{res.cost_of_capital!r}\n{res.end_month}\n{sorted(res.agents.items())}\n{res.companies}\n", encoding="utf-8")


#: lines of a run's summary or an experiment's manifest that differ from run to run (times, host, paths)
VOLATILE = (b'"runtime_s"', b'"scenario_file"', b'"worker"', b'"experiment_file"', b'"created"', b'"updated"', b'"started"')


def same(a: Path, b: Path) -> bool:
    """Byte for byte the same; a ``summary.json`` or ``manifest.json`` without its run times,
    worker and experiment file lines."""
    if a.name not in ("summary.json", "manifest.json"):
        return filecmp.cmp(a, b, shallow=False)

    def strip(p: Path) -> list[bytes]:
        return [line for line in p.read_bytes().splitlines() if not line.strip().startswith(VOLATILE)]

    return strip(a) == strip(b)


def compare(a: Path, b: Path) -> int:
    """Files that differ (or exist on one side only) under ``a`` and ``b``; 0 when none."""
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    bad = sorted(str(p) + " (one side only)" for p in files_a ^ files_b)
    bad += sorted(str(p) for p in files_a & files_b if not same(a / p, b / p))
    for line in bad:
        print(f"DIFFERS: {line}")
    print(f"{len(files_a & files_b)} files compared, {len(bad)} differ: {'IDENTICAL' if not bad else 'NOT IDENTICAL'}")
    return 1 if bad else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write", help="write the compared outputs under DIR")
    w.add_argument("dir", type=Path)
    w.add_argument("--figures", action="store_true", help="keep the runs' figures (PNG) in the comparison")
    w.add_argument("--experiment", type=int, default=0, metavar="N", help="also store monte_carlo_baseline with N draws")
    c = sub.add_parser("compare", help="compare two directories byte for byte")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.cmd == "write":
        write(args.dir, args.figures, args.experiment)
    else:
        sys.exit(compare(args.a, args.b))


if __name__ == "__main__":
    main()
