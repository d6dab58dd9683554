"""Link ablations over seeds and sampled uncertainties: run them, hand the arrays to analysis.

For each seed one model advances ``draws x (1 + links)`` members with common random numbers:
per draw of the uncertain parameters, one uncut member and one member per link cut for the
whole run (:meth:`~ecosim.exchange.clearing.Exchange.set_edge_scale`). A (seed, draw) pair is
a *sample*; cut and uncut members of a sample differ only by the cut.

The uncertain parameters are those of an experiment file (``ecosim flywheel`` takes the
baseline Monte Carlo's ``uncertainties``, each with its source), drawn by Latin
hypercube per seed. A parameter the scenario sets to a value of its own (``musk_narrative``'s
turnaround floor, say) is held at that value: sampling it from the baseline's range would
replace the scenario's claim; :attr:`AblationRun.held` lists them.

Same scenario, seeds and draws: identical results (every draw and model seed derives from
``SeedSequence(seed)``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ecosim.analysis.ablation import Stranding, ablation_summary, stranded
from ecosim.exchange import Exchange
from ecosim.exchange.topology import parse_edge_id
from ecosim.experiments.spec import InputSpec, load_experiment
from ecosim.finance.series_value import equity_at_start
from ecosim.scenario.loader import LoadedScenario
from ecosim.simulate import simulate

Progress = Callable[[int, int], None] | None

#: outcomes of an ablation: key, label, unit, read as a relative change where its base is far
#: from zero (else in its unit: a value, which can come near zero or cross it, in dollars)
OUTCOMES: tuple[tuple[str, str, str, bool], ...] = (
    ("xai_capability", "xAI capability, end of run", "index", True),
    ("spacex_launches", "SpaceX launches, whole run", "launches", True),
    ("odc_compute_peak", "SpaceX orbital compute, peak", "EFLOP/s", True),
    ("spacex_value", "SpaceX+xAI value", "USD", False),
    ("tesla_value", "Tesla value", "USD", False),
)


@dataclass
class AblationRun:
    """Paired outcomes of every link cut in every sample."""

    scenario: str
    links: list[str]
    seeds: list[int]
    draws: int
    sampled: list[str]  # uncertain parameters drawn
    held: list[str]  # uncertain parameters held at the scenario's own value
    base: dict[str, np.ndarray]  # outcome -> (samples,)
    cut: dict[str, dict[str, np.ndarray]]  # link -> outcome -> (samples,)
    strandings: list[Stranding] = field(default_factory=list)

    @property
    def samples(self) -> int:
        return len(self.seeds) * self.draws

    def summary(self) -> Any:
        """:func:`ecosim.analysis.ablation.ablation_summary` of the run."""
        return ablation_summary(self.base, self.cut, {k: rel for k, _, _, rel in OUTCOMES}, {k: unit for k, _, unit, _ in OUTCOMES})


def _field_value(loaded: LoadedScenario, path: str) -> Any:
    node: Any = loaded.model
    for part in path.split("."):
        node = getattr(node, part)
    return node


def _cut_member(K: int, draws: int, per: int, offset: int) -> np.ndarray:
    """Edge factors (K,): 0 for the member at ``offset`` of every draw's block, 1 elsewhere."""
    f = np.ones(K)
    f[np.arange(draws) * per + offset] = 0.0
    return f


def _shifted(progress: Progress, s: int, seeds: int) -> Callable[[int, int], None] | None:
    """Months done over all seeds, from one seed's ``(done, total)``."""
    if progress is None:
        return None
    report = progress
    return lambda done, total: report(s * total + done, seeds * total)


class _Spending:
    """What each agent spends and earns over the run (external and internal) and the money on
    each cut link, per member [USD], accumulated month by month from the exchange."""

    def __init__(self, links: list[str]) -> None:
        self.links = links
        self.index: dict[str, int] = {}
        self.spend = self.earn = self.carried = np.zeros((0, 0))
        self.edge_pos: dict[str, tuple[str, int, int]] = {}

    def add(self, ex: Exchange) -> None:
        if not self.index:
            self.index = dict(ex.index)
            self.spend = np.zeros((ex.K, len(ex.names)))
            self.earn = np.zeros((ex.K, len(ex.names)))
            self.carried = np.zeros((ex.K, len(self.links)))
            for e in self.links:
                seller, buyer, commodity = parse_edge_id(e)
                if commodity in ex.markets:
                    m = ex.markets[commodity]
                    self.edge_pos[e] = (commodity, m.s_index[seller], m.b_index[buyer])
        self.spend += ex.month_out
        self.earn += ex.month_in
        for m in ex.markets.values():
            internal = m.usd * m.internal[None, :, :]
            self.earn[:, [ex.index[n] for n in m.sellers]] += internal.sum(axis=2)
            self.spend[:, [ex.index[n] for n in m.buyers]] += internal.sum(axis=1)
        for i, e in enumerate(self.links):
            if e in self.edge_pos:
                c, si, bi = self.edge_pos[e]
                self.carried[:, i] += ex.markets[c].usd[:, si, bi]


def uncertain_draws(loaded: LoadedScenario, experiment: str, draws: int, seed_seq: np.random.SeedSequence) -> tuple[dict[str, np.ndarray], list[str]]:
    """``draws`` Latin-hypercube draws of the experiment's uncertainties that the scenario
    leaves at the experiment's base values: field path -> (draws,), and the paths held."""
    from scipy.stats import qmc

    spec = load_experiment(experiment)
    free: list[InputSpec] = []
    held: list[InputSpec] = []
    for u in spec.uncertainties:
        same = _field_value(loaded, u.path) == _field_value(spec.base, u.path)
        (free if same and u.numeric and u.dist is not None else held).append(u)
    values: dict[str, np.ndarray] = {}
    if free and draws > 0:
        pts = qmc.LatinHypercube(d=len(free), rng=np.random.default_rng(seed_seq)).random(draws)
        for j, u in enumerate(free):
            dist = u.dist
            assert dist is not None
            values[u.path] = np.asarray(dist.ppf(pts[:, j]), dtype=float)
    return values, [u.path for u in held]


def run_ablation(
    loaded: LoadedScenario,
    links: list[str],
    *,
    seeds: int,
    draws: int,
    experiment: str,
    seed: int | None = None,
    progress: Progress = None,
) -> AblationRun:
    """Cut every link of ``links`` in every sample of ``seeds x draws`` (module docstring)."""
    root = np.random.SeedSequence(int(loaded.model.scenario.seed if seed is None else seed))
    children = root.spawn(seeds)
    E = len(links)
    per = 1 + E
    base: dict[str, list[np.ndarray]] = {k: [] for k, *_ in OUTCOMES}
    cut: dict[str, dict[str, list[np.ndarray]]] = {e: {k: [] for k, *_ in OUTCOMES} for e in links}
    spend_b: dict[str, list[np.ndarray]] = {}
    earn_b: dict[str, list[np.ndarray]] = {}
    spend_c: dict[str, dict[str, list[np.ndarray]]] = {e: {} for e in links}
    earn_c: dict[str, dict[str, list[np.ndarray]]] = {e: {} for e in links}
    link_b: dict[str, list[np.ndarray]] = {e: [] for e in links}
    link_c: dict[str, list[np.ndarray]] = {e: [] for e in links}
    sampled: list[str] = []
    held: list[str] = []
    model_seeds = []
    for s, child in enumerate(children):
        draw_seq, model_seq = child.spawn(2)
        values, held = uncertain_draws(loaded, experiment, draws, draw_seq)
        sampled = list(values)
        model_seed = int(model_seq.generate_state(1, dtype=np.uint32)[0])
        model_seeds.append(model_seed)
        K = draws * per
        member_values = {p: np.repeat(v, per) for p, v in values.items()}
        acc = _Spending(links)
        results = simulate(
            loaded, model_seed, members=K, member_values=member_values or None,
            edge_scales={e: _cut_member(K, draws, per, 1 + i) for i, e in enumerate(links)},
            common_random_numbers=True, observe=acc.add, progress=_shifted(progress, s, seeds),
        )
        spend, earn, carried = acc.spend, acc.earn, acc.carried
        vals = equity_at_start(results)
        outs = {
            "xai_capability": results.series["xai_capability_index"][-1],
            "spacex_launches": results.series["spacex_launches"].sum(axis=0),
            "odc_compute_peak": results.series["odc_compute_eflops"].max(axis=0),
            "spacex_value": vals["spacex"],
            "tesla_value": vals["tesla"],
        }
        b_idx = np.arange(draws) * per
        for k, v in outs.items():
            base[k].append(v[b_idx])
            for i, e in enumerate(links):
                cut[e][k].append(v[b_idx + 1 + i])
        for a, j in acc.index.items():
            spend_b.setdefault(a, []).append(spend[b_idx, j])
            earn_b.setdefault(a, []).append(earn[b_idx, j])
            for i, e in enumerate(links):
                spend_c[e].setdefault(a, []).append(spend[b_idx + 1 + i, j])
                earn_c[e].setdefault(a, []).append(earn[b_idx + 1 + i, j])
        for i, e in enumerate(links):
            link_b[e].append(carried[b_idx, i])
            link_c[e].append(carried[b_idx + 1 + i, i])

    def cat(d: dict[str, list[np.ndarray]]) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in d.items()}

    sb, eb = cat(spend_b), cat(earn_b)
    strandings = []
    for e in links:
        strandings += stranded(e, (sb, cat(spend_c[e])), (eb, cat(earn_c[e])), (np.concatenate(link_b[e]), np.concatenate(link_c[e])))
    return AblationRun(loaded.name, list(links), model_seeds, draws, sampled, held, cat(base), {e: cat(v) for e, v in cut.items()}, strandings)
