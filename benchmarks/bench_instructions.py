"""Instruction count of one baseline run (printed figures, not a test): what other load on the
cores does not change, unlike the timings of ``bench_world.py``.

Runs valgrind's callgrind on two child processes: one that simulates the baseline 2026-2040
(:func:`ecosim.simulate.simulate`, after the history warm-up) twice, and one that simulates it
once. Imports, scenario loading and the warm-up cancel out of the difference, which is the
instructions of one run. With ``--members K``, K members with the three varied parameters of
``bench_world.py``'s 1,000-member run. Bytecode should be compiled beforehand (a first import
compiles it in the first child only): run any ecosim command once first.

Needs ``valgrind`` (Debian's package). Takes about 4 minutes for one member.

Run: ``.venv/bin/python benchmarks/bench_instructions.py [--members 50]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from targets import K1000_VARIED

CHILD = r"""
import json, sys
import numpy as np
from ecosim.model import warmup_state
from ecosim.scenario import load_scenario
from ecosim.simulate import simulate
warmup_state(load_scenario("history"))
b = load_scenario("baseline")
runs, K, varied = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
rng = np.random.default_rng(0)
values = {path: rng.uniform(lo, hi, K) for path, (lo, hi) in varied.items()} if K > 1 else None
for _ in range(runs):
    simulate(b, members=K, member_values=values)
"""


def count(child: str, args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> int:
    """Instructions callgrind counts for a child process running the Python source ``child``
    with ``args`` (and ``env``, ``cwd`` when given)."""
    # one hash seed, so that processes of one tree iterate sets of strings alike (without it, counts
    # of one tree were seen to differ by up to 0.5 G between processes)
    env = {**(os.environ if env is None else env), "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c", child, *args]
        subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=cwd)
        found = re.search(r"^summary:\s+(\d+)", out.read_text(), re.M)
        if found is None:
            raise SystemExit("benchmarks: callgrind wrote no summary line")
        return int(found.group(1))


def instructions(runs: int, members: int) -> int:
    """Instructions callgrind counts for a child process simulating ``runs`` times."""
    return count(CHILD, [str(runs), str(members), json.dumps(K1000_VARIED)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--members", type=int, default=1, help="ensemble members K (default 1)")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        print("benchmarks/bench_instructions.py: valgrind is not installed (apt-get install valgrind)")
        sys.exit(2)
    one, two = instructions(1, args.members), instructions(2, args.members)
    print(f"baseline 2026-2040, K={args.members}: {(two - one) / 1e9:.3f} G instructions per run (a process simulating once: {one / 1e9:.2f} G, twice: {two / 1e9:.2f} G)")


if __name__ == "__main__":
    main()
