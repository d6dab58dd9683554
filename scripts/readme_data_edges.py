"""Regenerate the README's data-edge section: what cutting each of xAI's sensor-data links does to
its capability and to SpaceX+xAI's value, as a fan over the sampled data assumptions.

    .venv/bin/python scripts/readme_data_edges.py [--draws 40] [--seeds 1] [--check]

Each link is cut for the whole baseline run (its data then goes to the lab that bids most for it,
``[data_market]``) in every sample of ``seeds x draws`` (Latin-hypercube
draws of ``experiments/monte_carlo_baseline.toml``'s uncertainties, the data equivalences among
them: tokens per PB of sensor data, GB per robot-hour, MB per FSD, other and Cybercab mile, the
web-data wall and its growth), beside the same sample
uncut (:func:`ecosim.experiments.ablation.run_ablation`, common random numbers); and the same
samples with no data contract (every lab bids, the highest bidder buys). Printed: the median and
the 5-95 % range over the samples of the relative change of capability and of the change of value
in dollars (a relative change of a value that can be near zero or negative says nothing).
With ``--check`` it writes nothing and exits 1 if the section is not what it prints now.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_sections import README, add_check_flag, publish  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LINKS = ["tesla_fleet->xai:data", "optimus->xai:data", "cybercab->xai:data", "starlink->xai:data"]
#: the data equivalences the Monte Carlo samples (named in the section's note)
DATA_ASSUMPTIONS = (
    "scaling.tokens_per_pb", "optimus.data_tb_per_robot_hour", "tesla.data_pb_per_billion_fsd_miles", "tesla.data_pb_per_billion_miles",
    "cybercab.data_pb_per_billion_miles", "scaling.web_tokens_max_ratio", "scaling.web_tokens_growth_ratio",
)
#: ``[data_market] contract_buyer`` with no contract holder
NO_CONTRACT = "none"
#: outcome key, column header, whether its change is shown in dollars (else relative)
OUTCOMES = (("xai_capability", "xAI capability, 2040 (change)", False), ("spacex_value", "SpaceX+xAI value, start of 2026 (change)", True))


def _fan(base: np.ndarray, cut: np.ndarray, usd: bool = False) -> str:
    from ecosim.numbers import signed

    if usd:
        q5, q50, q95 = np.nanpercentile(cut - base, [5, 50, 95])
        return f"{signed(q50, 'USD')} ({signed(q5, 'USD')} to {signed(q95, 'USD')})"
    rel = np.divide(cut - base, np.abs(base), out=np.full(base.shape, np.nan), where=base != 0)
    q5, q50, q95 = np.nanpercentile(rel, [5, 50, 95]) * 100.0
    return f"{q50:+.1f} % ({q5:+.1f} to {q95:+.1f} %)"


def section(draws: int, seeds: int) -> str:
    from ecosim.experiments.ablation import run_ablation
    from ecosim.scenario import load_scenario

    run = run_ablation(load_scenario("baseline"), LINKS, seeds=seeds, draws=draws, experiment="monte_carlo_baseline")
    # the same samples (same seeds and draws) without xAI's contract: every lab bids for the data
    open_market = run_ablation(load_scenario("baseline", [f"data_market.contract_buyer={NO_CONTRACT}"]), [], seeds=seeds, draws=draws, experiment="monte_carlo_baseline")
    data = [p for p in run.sampled if p in DATA_ASSUMPTIONS]
    lines = [
        f"Printed by `python scripts/readme_data_edges.py --draws {draws} --seeds {seeds}`: each of xAI's data links cut for the whole "
        f"`baseline` run (the seller's data then goes to the lab that bids most for it) in {run.samples} samples of the Monte Carlo's {len(run.sampled)} uncertainties (the data equivalences among them: "
        f"{', '.join(f'`{p}`' for p in data)}), each beside the same sample uncut; median change and 5–95 % range over the samples.",
        "",
        "| link cut | " + " | ".join(label for _, label, _ in OUTCOMES) + " |",
        "|---|" + "---:|" * len(OUTCOMES),
    ]
    for link in LINKS:
        cells = [_fan(run.base[key], run.cut[link][key], usd) for key, _, usd in OUTCOMES]
        lines.append(f"| `{link}` | " + " | ".join(cells) + " |")
    cells = [_fan(run.base[key], open_market.base[key], usd) for key, _, usd in OUTCOMES]
    lines.append(f"| no contract (`data_market.contract_buyer={NO_CONTRACT}`: every lab bids, the highest buys) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=40)
    ap.add_argument("--seeds", type=int, default=1)
    add_check_flag(ap)
    args = ap.parse_args()
    raise SystemExit(publish({README: {"data-edges": section(args.draws, args.seeds)}}, args.check, "readme_data_edges.py"))


if __name__ == "__main__":
    main()
