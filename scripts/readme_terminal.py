"""Regenerate the README's terminal-value section: how the headline depends on the run's last
years (the normalised terminal value's window) and on the AI pool's growth half-life.

    .venv/bin/python scripts/readme_terminal.py [--check]

It runs ``scripts/terminal_sweep.py baseline --markdown`` (each entity's value by terminal
method on the point run; SpaceX+xAI against ``ai_market.growth_half_life_yr`` and the
normalisation years in one simulation with common random numbers) and puts its tables, without
its timing line, between ``<!-- BEGIN terminal-sweep -->`` and ``<!-- END terminal-sweep -->``.
With ``--check`` it writes nothing and exits 1 if the section is not what it prints now.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_sections import README, add_check_flag, publish  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COMMAND = ["scripts/terminal_sweep.py", "baseline", "--markdown"]
#: terminal_sweep's last line, its wall time: not a finding
TIMING = re.compile(r"^\(\d+(\.\d+)? s\)$")


def section() -> str:
    print("$ python " + " ".join(COMMAND), file=sys.stderr, flush=True)
    out = subprocess.run([sys.executable, *COMMAND], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    body = "\n".join(line for line in out.strip().splitlines() if not TIMING.match(line.strip())).strip()
    return f"Printed by `python {' '.join(COMMAND)}`:\n\n{body}\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_check_flag(ap)
    args = ap.parse_args()
    raise SystemExit(publish({README: {"terminal-sweep": section()}}, args.check, "readme_terminal.py"))


if __name__ == "__main__":
    main()
