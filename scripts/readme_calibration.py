"""Regenerate the README's sections that rest on the posterior from the commands that print them.

Run after the world, the history or the calibration file changes::

    .venv/bin/python scripts/readme_calibration.py [--workers 2] [--draws 1000]

It runs ``ecosim calibrate`` (into ``runs/calibration-history-FINGERPRINT``: a changed world
gets a fresh posterior, an unchanged one is reused), then ``ecosim calibrate --report
--markdown``, ``ecosim calibrate --backtest --markdown``, and the posterior-backed headline:
``ecosim run baseline --posterior DIR --draws N`` and ``ecosim value RUN --markdown``. It
replaces the text between each pair of markers ``<!-- BEGIN name -->`` /
``<!-- END name -->`` in README.md with the command's output, under a line naming the command.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ECOSIM = [sys.executable, "-m", "ecosim.cli"]


def _run(args: list[str]) -> str:
    print("$ ecosim " + " ".join(args), file=sys.stderr, flush=True)
    done = subprocess.run([*ECOSIM, *args], cwd=ROOT, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def replace_section(text: str, name: str, body: str) -> str:
    """Text with the block between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` replaced."""
    pattern = re.compile(rf"(<!-- BEGIN {re.escape(name)} -->\n).*?(<!-- END {re.escape(name)} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md: no markers for section {name!r}")
    return pattern.sub(lambda m: m.group(1) + body.rstrip() + "\n" + m.group(2), text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--draws", type=int, default=1000, help="posterior draws of the headline run")
    args = ap.parse_args()
    from ecosim.calibration.spec import load_calibration

    out = f"runs/calibration-history-{load_calibration().fingerprint()}"
    w = ["--workers", str(args.workers)]
    _run(["calibrate", "--out", out, *w])
    headline = "runs/baseline-posterior"
    _run(["run", "baseline", "--out", headline, "--no-figures", "--posterior", out, "--draws", str(args.draws)])
    sections = {
        "calibration-table": ("ecosim calibrate --report --markdown", _run(["calibrate", "--report", "--markdown", "--out", out])),
        "calibration-backtest": ("ecosim calibrate --backtest --markdown", _run(["calibrate", "--backtest", "--markdown", "--out", out, *w])),
        "posterior-headline": (
            f"ecosim run baseline --out {headline} --posterior {out} --draws {args.draws}` then `ecosim value {headline} --markdown",
            _run(["value", headline, "--markdown"]),
        ),
    }
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    for name, (command, body) in sections.items():
        text = replace_section(text, name, f"Printed by `{command}`:\n\n{body}\n")
    readme.write_text(text, encoding="utf-8")
    print(f"README.md: {len(sections)} sections regenerated from {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
