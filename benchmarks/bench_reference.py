"""Like-for-like speed benchmark (printed figures, not a test): this code against the code of the
day issue 12 set its speed targets, run back to back on this machine.

Issue 12's targets read "no slower than today — baseline K=1 <= 1.1 s, K=1,000 <= 5 s,
10,000-draw Monte Carlo stored <= 35 s on 2 workers (today 1.02 s, 4.64 s, 33 s)". Those seconds
were measured on the machine of that day. On another machine the same code takes other seconds,
so this script measures "no slower than today" directly: it extracts the code of that day
(:data:`targets.REFERENCE_COMMIT`, the last commit before the issue's first change) from the
clone's git history into a temporary directory, and times both codes on the same machine, in
alternating child processes, with the same harness:

* the baseline 2026-2040 with one member (build and run; best of 3 per process);
* 1,000 members advanced together with 3 varied parameters (as ``bench_world.py``; best of 2 per
  process: a single run varied by up to 20 % between processes);
* with ``--mc``, the 10,000-draw ``monte_carlo_baseline`` experiment stored on 2 workers;
* with ``--instructions``, the instructions of one K=1 run of each code under valgrind's callgrind
  (as ``bench_instructions.py``: a process running it twice less one running it once), which
  other load on the cores does not change: the like-for-like ratio without the timing noise
  (about 10 minutes more).

It prints each figure (CPU time of the process, which other load inflates less than wall time,
and wall time), the ratio this code / reference code, PASS when this code is no slower
(ratio <= 1), and the machine factor: the reference code's time here over the figure printed for
it on the day (:data:`targets.REFERENCE_PRINTED_S`), with the issue's targets scaled by it (CPU
time for the world runs; wall time for the Monte Carlo, whose figure of the day is a wall time
on 2 workers).

Not like for like in one respect, which the ratio cannot remove: the world of today's code does
more each month than the world of the reference (more agents, leases, AI labs, Tesla's
segments, signal edges: everything the issues since then asked for).

Run: ``.venv/bin/python benchmarks/bench_reference.py [--rounds 2] [--mc] [--instructions]`` (needs the clone's
history: ``git fetch --unshallow`` in a shallow clone).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from bench_instructions import count
from targets import (
    K1_S,
    K1000_S,
    K1000_VARIED,
    MC_10K_S,
    REFERENCE_COMMIT,
    REFERENCE_PRINTED_S,
    load,
)

ROOT = Path(__file__).resolve().parent.parent

#: the child's harness: only calls both codes share (the reference predates ``simulate``)
CHILD = r"""
import json, os, pathlib, sys, tempfile, time
import numpy as np
from ecosim.model import EcosimModel, warmup_state
from ecosim.scenario import load_scenario
import ecosim, mesa
warmup_state(load_scenario("history"))
b = load_scenario("baseline")
def run(members=1, values=None):
    m = EcosimModel(b, members=members, member_values=values, record_ledger=members == 1)
    m.run()
    mesa.Agent._ids.pop(m, None)
out = {"ecosim": ecosim.__file__}
k1 = []
for _ in range(3):
    c, w = time.process_time(), time.perf_counter()
    run()
    k1.append((time.process_time() - c, time.perf_counter() - w))
out["k1_cpu"], out["k1_wall"] = min(x[0] for x in k1), min(x[1] for x in k1)
K = 1000
rng = np.random.default_rng(0)
values = {path: rng.uniform(lo, hi, K) for path, (lo, hi) in json.loads(sys.argv[2]).items()}
k1000 = []
for _ in range(2):
    c, w = time.process_time(), time.perf_counter()
    run(K, values)
    k1000.append((time.process_time() - c, time.perf_counter() - w))
out["k1000_cpu"], out["k1000_wall"] = min(x[0] for x in k1000), min(x[1] for x in k1000)
if sys.argv[1] == "mc":
    import resource
    from ecosim.experiments import load_experiment, run_experiment
    from ecosim.experiments.spec import bundled_experiments
    def cpu():
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    spec = load_experiment(bundled_experiments()["monte_carlo_baseline"])
    with tempfile.TemporaryDirectory() as tmp:
        c, w = cpu(), time.perf_counter()
        done = run_experiment(spec, pathlib.Path(tmp) / "store", workers=2)
        out["mc_cpu"], out["mc_wall"] = cpu() - c, time.perf_counter() - w
        out["mc_runs"] = int(done.design.n_runs)
print("RESULT " + json.dumps(out))
"""

#: one K=1 run repeated ``argv[1]`` times, for callgrind (the harness's ``run()`` alone)
INSTR_CHILD = CHILD[: CHILD.index("out = {")] + "for _ in range(int(sys.argv[1])):\n    run()\n"


def extract(commit: str, dest: Path) -> Path:
    """The tree of ``commit`` written under ``dest`` (``git archive``); exits 2 with one line if
    the clone does not hold it."""
    archive = dest / "ref.tar"
    with archive.open("wb") as fh:
        done = subprocess.run(["git", "-C", str(ROOT), "archive", commit], stdout=fh, stderr=subprocess.PIPE, text=False)
    if done.returncode != 0:
        print(f"benchmarks/bench_reference.py: commit {commit} is not in this clone's history (git fetch --unshallow) ({done.stderr.decode().strip()})")
        sys.exit(2)
    tree = dest / "ref"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def measure(root: Path, mc: bool) -> dict[str, float]:
    """One child process timing the code under ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", CHILD, "mc" if mc else "world", json.dumps(K1000_VARIED)], cwd=root, env=env, capture_output=True, text=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        print(f"benchmarks/bench_reference.py: the code under {root} failed to run: {done.stderr.strip().splitlines()[-1:]}")
        sys.exit(1)
    out = json.loads(line[len("RESULT "):])
    if not str(out.pop("ecosim")).startswith(str(root)):
        print(f"benchmarks/bench_reference.py: the child imported ecosim from outside {root}")
        sys.exit(1)
    return out


def instructions(root: Path) -> float:
    """Instructions of one K=1 run of the code under ``root`` [G]."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    subprocess.run([sys.executable, "-c", INSTR_CHILD, "1"], cwd=root, env=env, check=True, capture_output=True)  # compile bytecode first
    one, two = (count(INSTR_CHILD, [str(n)], env=env, cwd=root) for n in (1, 2))
    return (two - one) / 1e9


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds (reference, this code), best kept")
    ap.add_argument("--mc", action="store_true", help="also the 10,000-draw Monte Carlo (about 2 minutes per code per round)")
    ap.add_argument("--instructions", action="store_true", help="also callgrind's instruction count of one K=1 run of each code (needs valgrind)")
    args = ap.parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        print("benchmarks/bench_reference.py: --instructions needs valgrind (apt-get install valgrind)")
        sys.exit(2)
    print(f"{load()} before")
    with tempfile.TemporaryDirectory(prefix="bench_reference_") as tmp:
        ref_root = extract(REFERENCE_COMMIT, Path(tmp))
        best: dict[str, dict[str, float]] = {"reference": {}, "this code": {}}
        for _ in range(args.rounds):
            for label, root in (("reference", ref_root), ("this code", ROOT)):
                for key, v in measure(root, args.mc).items():
                    best[label][key] = min(v, best[label].get(key, float("inf")))
        counted = {label: instructions(root) for label, root in (("reference", ref_root), ("this code", ROOT))} if args.instructions else {}
    rows = [("baseline K=1", "k1", K1_S), ("baseline K=1,000", "k1000", K1000_S)]
    if args.mc:
        rows.append(("Monte Carlo 10,000 draws, 2 workers", "mc", MC_10K_S))
    print(f"reference: {REFERENCE_COMMIT} (issue 12's day); best of {args.rounds} alternating rounds, CPU time (wall time)")
    for label, key, target in rows:
        ref, new = best["reference"], best["this code"]
        ratio = new[f"{key}_cpu"] / ref[f"{key}_cpu"]
        basis = "wall" if key == "mc" else "cpu"  # the day's figures are wall times; one member's CPU is its wall on a quiet machine
        factor = ref[f"{key}_{basis}"] / REFERENCE_PRINTED_S[key]
        print(
            f"{label}: reference {ref[f'{key}_cpu']:.2f} s ({ref[f'{key}_wall']:.2f} s), this code {new[f'{key}_cpu']:.2f} s ({new[f'{key}_wall']:.2f} s): "
            f"{ratio:.2f}x the reference (no slower than the issue's day: {'PASS' if ratio <= 1.0 else 'MISS'}); "
            f"machine factor {factor:.2f} (the reference printed {REFERENCE_PRINTED_S[key]:g} s on the day), "
            f"so the target of {target:g} s reads {target * factor:.2f} s here"
        )
    if counted:
        ratio = counted["this code"] / counted["reference"]
        print(f"baseline K=1, instructions (callgrind): reference {counted['reference']:.3f} G, this code {counted['this code']:.3f} G: "
              f"{ratio:.2f}x the reference ({'PASS' if ratio <= 1.0 else 'MISS'})")
    print(f"{load()} after")


if __name__ == "__main__":
    main()
