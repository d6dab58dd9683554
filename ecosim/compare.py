"""``ecosim compare A [B ...]``: resolve the arguments, simulate what must be simulated, and
write the comparison report (of one source alone: a single-run report, ``ecosim report``).

Each argument is a run directory (read back, never re-simulated; a run made under a posterior
brings its members), an experiment directory (its stored runs), or a scenario file / bundled
name (run here with ``seed`` and ``sets``, its run directory written under ``DIR/runs/NAME``;
with a ``posterior``, also ``draws`` members under it, drawn as fan charts). Everything is read
from results by :mod:`ecosim.report.compare`, which writes the report. Which loops drive each
source is ``ecosim flywheel``'s (a replay of the run, Loops that Matter).

The output directory is written atomically: into a temporary sibling, renamed into place when
complete, so a failure leaves nothing half-written. Every argument is checked and every
scenario loaded before anything runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ecosim.atomic import atomic_directory, check_output_dir, safe_slug
from ecosim.errors import UsageError
from ecosim.report.compare import Comparison, write_comparison
from ecosim.report.progress import Tracker, months_between, plan_steps
from ecosim.report.sources import Source, classify, from_saved_run, unique_labels
from ecosim.results.posterior import Posterior
from ecosim.results.rundir import read_run
from ecosim.run import DEFAULT_DRAWS
from ecosim.scenario.loader import LoadedScenario, load_scenario

Progress = Tracker | None


def resolve_sources(
    args: Sequence[str],
    runs_dir: Path,
    seed: int | None = None,
    sets: Sequence[str] = (),
    progress: Progress = None,
    posterior: Posterior | None = None,
    draws: int = DEFAULT_DRAWS,
) -> list[Source]:
    """A :class:`~ecosim.report.sources.Source` per argument, in order (see the module docstring);
    ``progress`` is given the plan of the whole comparison once
    every argument is read, then each step as it runs.

    Raises
    ------
    RunDirError
        A missing or foreign argument, an incomplete run or experiment directory.
    ScenarioError
        A scenario argument that does not load with ``sets``.
    """
    kinds = [classify(a) for a in args]
    loaded = {i: load_scenario(p, list(sets)) for i, (kind, p) in enumerate(kinds) if kind == "scenario"}
    runs = {i: read_run(p) for i, (kind, p) in enumerate(kinds) if kind == "run"}
    experiments = {}
    if any(kind == "experiment" for kind, _ in kinds):
        from ecosim.report.experiment_source import open_experiment

        experiments = {i: open_experiment(p, args[i]) for i, (kind, p) in enumerate(kinds) if kind == "experiment"}
    names = []
    for i, (kind, _p) in enumerate(kinds):
        names.append(loaded[i].name if kind == "scenario" else runs[i].name if kind == "run" else experiments[i].name)
    labels = unique_labels(names)
    folders: list[str] = []  # folder names from names in data files: slugs, never paths, never shared
    for label in labels:
        slug, k = safe_slug(label, "scenario"), 1
        while (slug if k == 1 else f"{slug}-{k}") in folders:
            k += 1
        folders.append(slug if k == 1 else f"{slug}-{k}")
    if progress:
        months = []
        for i, (kind, p) in enumerate(kinds):
            meta = (loaded[i] if kind == "scenario" else load_scenario(p / "scenario.toml") if kind == "experiment" else runs[i].scenario).model.scenario
            months.append((labels[i], kind, months_between(meta.start_month, meta.end_month)))
        progress.plan(plan_steps(months, posterior is not None, draws))
    tick = progress.months if progress else None
    out: list[Source] = []
    for i, (kind, _p) in enumerate(kinds):
        if kind == "experiment":
            out.append(experiments[i].source(labels[i]))
        elif kind == "run":
            out.append(from_saved_run(labels[i], args[i], runs[i]))
        else:
            from ecosim.run import run_posterior, run_scenario, write_run

            backed = None
            if posterior is not None:
                if progress:
                    progress.step(f"running {labels[i]} under {draws:,} posterior draws")
                backed = run_posterior(loaded[i], posterior, draws, seed, progress=tick)
            if progress:
                progress.step(f"running {labels[i]}")
            target = write_run(run_scenario(loaded[i], seed=seed, progress=tick), runs_dir / folders[i], figures=False, posterior=backed)
            out.append(from_saved_run(labels[i], args[i], read_run(target)))
    return out


def _scenario_of(source: Source) -> tuple[LoadedScenario, int | None]:
    if source.saved is not None:
        return source.saved.scenario, source.saved.summary.seed
    return load_scenario(source.path / "scenario.toml"), None


def compare(
    args: Sequence[str],
    out_dir: Path,
    seed: int | None = None,
    sets: Sequence[str] = (),
    claims_path: str | None = None,
    progress: Progress = None,
    posterior: Posterior | None = None,
    draws: int = DEFAULT_DRAWS,
    figures: bool = True,
) -> Comparison:
    """Compare the sources named by ``args`` and write the report to ``out_dir`` (scenario
    arguments run under ``posterior`` too when given: ``draws`` members each; ``figures=False``:
    no figure, ``--no-figures``).

    Raises
    ------
    UsageError
        No argument, or an ``--out`` that is a file, a directory ecosim did not write, or
        cannot be written (:func:`ecosim.atomic.check_output_dir`).
    RunDirError, ScenarioError
        A bad argument (checked before anything runs).
    """
    from ecosim.analysis.scorecard import load_claims

    if len(args) < 1:
        raise UsageError("compare: needs a run directory, an experiment directory or a scenario file (one gives a single-run report)")
    out_dir = check_output_dir(out_dir)
    claims = load_claims(claims_path)  # a bad claims file fails before anything runs
    for a in args:
        classify(a)
    with atomic_directory(out_dir) as tmp:
        sources = resolve_sources(args, tmp / "runs", seed=seed, sets=sets, progress=progress, posterior=posterior, draws=draws)
        result = write_comparison(sources, tmp, claims, progress.step if progress else None, figures=figures)
    result.relocate(tmp, out_dir)
    return result
