"""Link ablations over seeds and sampled uncertainties: run them, hand the arrays to analysis.

For each seed one model advances ``draws x (1 + links)`` members with common random numbers:
per draw of the uncertain parameters, one uncut member and one member per link cut for the
whole run (:meth:`~ecosim.exchange.clearing.Exchange.set_edge_scale`). A (seed, draw) pair is
a *sample*; cut and uncut members of a sample differ only by the cut.

The uncertain parameters are those of an experiment file (``ecosim/data/flywheel.toml``
``uncertainties``, by default the baseline Monte Carlo's, each with its source), drawn by Latin
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
from ecosim.experiments.spec import InputSpec, load_experiment
from ecosim.scenario.loader import LoadedScenario

Progress = Callable[[int, int], None] | None

#: outcomes of an ablation: key, label, unit, relative change (else absolute)
OUTCOMES: tuple[tuple[str, str, str, bool], ...] = (
    ("xai_capability", "xAI capability, end of run", "index", True),
    ("spacex_launches", "SpaceX launches, whole run", "launches", True),
    ("odc_compute_peak", "SpaceX orbital compute, peak", "EFLOP/s", True),
    ("spacex_value", "SpaceX+xAI value", "USD", True),
    ("tesla_value", "Tesla value", "USD", True),
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
        return ablation_summary(self.base, self.cut, {k: rel for k, _, _, rel in OUTCOMES})


def _field_value(loaded: LoadedScenario, path: str) -> Any:
    node: Any = loaded.model
    for part in path.split("."):
        node = getattr(node, part)
    return node


def _values(model: Any, cash0: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Equity of SpaceX (+xAI) and Tesla at the start of the first full year, each member at
    its own cost of capital (as ``ecosim value`` values a run) [USD]."""
    from ecosim.analysis.scorecard import ensemble_equity
    from ecosim.economics.wacc import wacc_from_capital_market
    from ecosim.finance.series_value import COMPANIES

    cm = model.params.capital_market
    K = model.members
    rates = tuple(np.broadcast_to(np.asarray(x, dtype=float), (K,)) for x in (
        wacc_from_capital_market(cm), cm.terminal_growth_frac, cm.tax_rate_frac))
    needed = {m for c in COMPANIES.values() for m in c.needed}
    series = {m: model.series(m) for m in needed}
    eq = ensemble_equity(series, model.dates(), model.scenario.capital_market, rates, cash0)  # type: ignore[arg-type]
    first = next(i for i, d in enumerate(model.dates()) if d.endswith("-01"))
    return {c: eq[c][first] for c in ("spacex", "tesla")}


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
    from ecosim.model import EcosimModel

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
        model = EcosimModel(loaded, seed=model_seed, members=K, member_values=member_values or None, common_random_numbers=True, record_ledger=False)
        for i, e in enumerate(links):
            f = np.ones(K)
            f[np.arange(draws) * per + 1 + i] = 0.0
            model.exchange.set_edge_scale(e, f)
        ex = model.exchange
        cash0 = {"spacex": ex.company_cash("spacex") + ex.company_cash("xai"), "tesla": ex.company_cash("tesla")}
        spend = np.zeros((K, len(ex.names)))
        earn = np.zeros((K, len(ex.names)))
        carried = np.zeros((K, E))
        edge_pos = {}
        for e in links:
            seller, rest = e.split("->", 1)
            buyer, commodity = rest.split(":", 1)
            if commodity in ex.markets:
                m = ex.markets[commodity]
                edge_pos[e] = (commodity, m.s_index[seller], m.b_index[buyer])
        while model.steps < model.n_steps:
            model.step()
            spend += ex.month_out
            earn += ex.month_in
            for m in ex.markets.values():
                internal = m.usd * m.internal[None, :, :]
                earn[:, [ex.index[n] for n in m.sellers]] += internal.sum(axis=2)
                spend[:, [ex.index[n] for n in m.buyers]] += internal.sum(axis=1)
            for i, e in enumerate(links):
                if e in edge_pos:
                    c, si, bi = edge_pos[e]
                    carried[:, i] += ex.markets[c].usd[:, si, bi]
            if progress is not None:
                progress(s * model.n_steps + model.steps, seeds * model.n_steps)
        vals = _values(model, cash0)
        outs = {
            "xai_capability": model.series("xai_capability_index")[-1],
            "spacex_launches": model.series("spacex_launches").sum(axis=0),
            "odc_compute_peak": model.series("odc_compute_eflops").max(axis=0),
            "spacex_value": vals["spacex"],
            "tesla_value": vals["tesla"],
        }
        b_idx = np.arange(draws) * per
        for k, v in outs.items():
            base[k].append(v[b_idx])
            for i, e in enumerate(links):
                cut[e][k].append(v[b_idx + 1 + i])
        for a, j in ex.index.items():
            spend_b.setdefault(a, []).append(spend[b_idx, j])
            earn_b.setdefault(a, []).append(earn[b_idx, j])
            for i, e in enumerate(links):
                spend_c[e].setdefault(a, []).append(spend[b_idx + 1 + i, j])
                earn_c[e].setdefault(a, []).append(earn[b_idx + 1 + i, j])
        for i, e in enumerate(links):
            link_b[e].append(carried[b_idx, i])
            link_c[e].append(carried[b_idx + 1 + i, i])
        import mesa

        mesa.Agent._ids.pop(model, None)

    def cat(d: dict[str, list[np.ndarray]]) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in d.items()}

    sb, eb = cat(spend_b), cat(earn_b)
    strandings = []
    for e in links:
        strandings += stranded(e, (sb, cat(spend_c[e])), (eb, cat(earn_c[e])), (np.concatenate(link_b[e]), np.concatenate(link_c[e])))
    return AblationRun(loaded.name, list(links), model_seeds, draws, sampled, held, cat(base), {e: cat(v) for e, v in cut.items()}, strandings)
