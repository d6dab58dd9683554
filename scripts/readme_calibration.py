"""Regenerate the README's sections that rest on the posterior from the commands that print them.

Run after the world, the history or the calibration file changes::

    .venv/bin/python scripts/readme_calibration.py [--workers 2] [--draws 1000] [--check]

It runs ``ecosim calibrate`` (into ``runs/calibration-history-FINGERPRINT``: a changed world
gets a fresh posterior, an unchanged one is reused), then ``ecosim calibrate --report
--markdown``, ``ecosim calibrate --backtest --markdown``, and the posterior-backed headline:
``ecosim run baseline --posterior DIR --draws N`` and ``ecosim value RUN --markdown``. It
replaces the text between each pair of markers ``<!-- BEGIN name -->`` /
``<!-- END name -->`` in README.md with the command's output, under a line naming the command.
With ``--check`` it writes nothing (the headline run goes to a temporary folder) and exits 1
naming each section that is not what the commands print now.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_sections import README, add_check_flag, ecosim, publish  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--draws", type=int, default=1000, help="posterior draws of the headline run")
    add_check_flag(ap)
    args = ap.parse_args()
    from ecosim.calibration.spec import load_calibration

    out = f"runs/calibration-history-{load_calibration().fingerprint()}"
    w = ["--workers", str(args.workers)]
    ecosim(["calibrate", "--out", out, *w])
    headline = "runs/baseline-posterior"
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = f"{tmp}/baseline-posterior" if args.check else headline
        raise SystemExit(_publish(out, headline, run_dir, args, w))


def _publish(out: str, headline: str, run_dir: str, args: argparse.Namespace, w: list[str]) -> int:
    ecosim(["run", "baseline", "--out", run_dir, "--no-figures", "--posterior", out, "--draws", str(args.draws)])
    sections = {
        "calibration-table": ("ecosim calibrate --report --markdown", ecosim(["calibrate", "--report", "--markdown", "--out", out])),
        "calibration-backtest": ("ecosim calibrate --backtest --markdown", ecosim(["calibrate", "--backtest", "--markdown", "--out", out, *w])),
        "posterior-headline": (
            f"ecosim run baseline --out {headline} --posterior {out} --draws {args.draws}` then `ecosim value {headline} --markdown",
            ecosim(["value", run_dir, "--markdown"]).replace(run_dir, headline),
        ),
    }
    blocks = {name: f"Printed by `{command}`:\n\n{body}\n" for name, (command, body) in sections.items()}
    return publish({README: blocks}, args.check, "readme_calibration.py")


if __name__ == "__main__":
    main()
