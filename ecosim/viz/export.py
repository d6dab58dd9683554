"""What a reader takes away from the browser view: the equivalent command line, the scenario as
TOML, the watched months as a table, and the page's state as a link.

* :func:`command_line` — the ``ecosim run SCENARIO --seed N --set ...`` line that runs the very
  world the page shows (the ``--set`` options are :meth:`Settings.overrides`, the ones the page
  itself validates with).
* :func:`scenario_toml` — the resolved scenario with the page's changes, as ``ecosim run``
  writes it next to a run (loadable with ``ecosim run FILE``).
* :func:`watched_table` — the months watched so far, one row per month, the columns of
  ``timeseries.parquet`` (``date`` then every metric with its unit in the name), as CSV or
  Parquet bytes.
* :func:`to_query` / :func:`from_query` — the state in the URL's query string: scenario, moved
  levers, cut and restored links, the reference run, the seed and the month shown.
* :class:`Uploads` — scenario files loaded in the page, kept where the page can load them again
  (a link to an uploaded scenario reopens while the server that received it runs).
"""

from __future__ import annotations

import hashlib
import io
import shlex
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import numpy as np
import pandas as pd

from ecosim.errors import EcosimError
from ecosim.scenario import bundled_scenarios
from ecosim.viz.levers import Settings, round_sig, scenario_levers

#: largest scenario file the page accepts [bytes]
MAX_UPLOAD_BYTES = 1_000_000


def command_line(settings: Settings, seed: int | None = None) -> str:
    """The ``ecosim run`` line that runs the world of ``settings`` (``seed``: when not the
    scenario's own); each argument quoted for a POSIX shell.

    >>> s = Settings("baseline", (("launch.starship.cost_progress_ratio", 0.78),), frozenset({"tesla_fleet->xai:data"}))
    >>> print(command_line(s, seed=7))
    ecosim run baseline --seed 7 --set launch.starship.cost_progress_ratio=0.78 --set 'exchange.disable=["tesla_fleet->xai:data"]'
    """
    words = ["ecosim", "run", settings.scenario_label]
    if seed is not None and seed != settings.base().model.scenario.seed:
        words += ["--seed", str(int(seed))]
    for option in settings.overrides():
        words += ["--set", option]
    return " ".join(shlex.quote(w) for w in words)


def scenario_toml(settings: Settings) -> str:
    """The scenario of ``settings`` resolved and with its changes, as TOML."""
    return settings.load().to_toml()


def watched_table(dates: list[str], values: np.ndarray, names: tuple[str, ...]) -> pd.DataFrame:
    """The months watched: ``date`` then a column per metric (``values``: months x metrics)."""
    return pd.DataFrame({"date": dates, **{n: values[: len(dates), i] for i, n in enumerate(names)}})


def table_bytes(df: pd.DataFrame, kind: str) -> bytes:
    """``df`` as ``csv`` or ``parquet`` file contents."""
    if kind == "csv":
        return df.to_csv(index=False).encode("utf-8")
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


# ------------------------------------------------------------------ the link


@dataclass(frozen=True)
class PageState:
    """What a link to the page holds, and what could not be honoured in it (``notes``)."""

    settings: Settings
    seed: int | None = None
    month: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def to_query(settings: Settings, seed: int | None = None, month: int | None = None) -> str:
    """The page's state as a URL query string (without the ``?``).

    >>> s = Settings("baseline", (("pv.export_policy_frac", 0.5),), frozenset({"tesla_fleet->xai:data"}), "@scenario")
    >>> to_query(s, seed=7, month=24)
    'scenario=baseline&set=pv.export_policy_frac%3D0.5&cut=tesla_fleet-%3Exai%3Adata&ref=%40scenario&seed=7&month=24'
    """
    pairs: list[tuple[str, str]] = [("scenario", scenario_key(settings.scenario))]
    pairs += [("set", f"{p}={v!r}") for p, v in settings.levers]
    base_cut = frozenset(settings.base().model.exchange.disable)
    pairs += [("cut", e) for e in sorted(settings.disabled - base_cut)]
    pairs += [("restore", e) for e in sorted(base_cut - settings.disabled)]
    if settings.reference:
        pairs.append(("ref", scenario_key(settings.reference)))
    if seed is not None:
        pairs.append(("seed", str(int(seed))))
    if month:
        pairs.append(("month", str(int(month))))
    return urlencode(pairs)


def from_query(search: str | None, default: str) -> PageState:
    """The state a query string asks for; what cannot be honoured (an unknown scenario, a field
    that is no lever, a value the scenario refuses) is left out and said in ``notes``.

    >>> st = from_query("scenario=baseline&set=pv.export_policy_frac%3D0.5&seed=7&month=24", "baseline")
    >>> st.settings.levers, st.seed, st.month, st.notes
    ((('pv.export_policy_frac', 0.5),), 7, 24, ())
    >>> from_query("scenario=nope&seed=x", "baseline").notes
    ("link: scenario 'nope' is not a bundled scenario or a file loaded on this server: baseline is shown", "link: seed 'x' is not a whole number >= 0")
    """
    pairs = parse_qsl(search or "", keep_blank_values=True)
    values: dict[str, list[str]] = {}
    for k, v in pairs:
        values.setdefault(k, []).append(v)
    notes: list[str] = []
    name = values.get("scenario", [default])[-1]
    ref = scenario_ref(name, served=default)
    if ref is None:
        notes.append(f"link: scenario {name!r} is not a bundled scenario or a file loaded on this server: {default} is shown")
        ref = default
    settings = Settings.of(ref)
    by_path = {lv.path: lv for lv in scenario_levers(settings.base().model)}
    for option in values.get("set", []):
        path, _, raw = option.partition("=")
        lever = by_path.get(path)
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if lever is None or not np.isfinite(value):
            notes.append(f"link: set {option!r} is not a lever of {settings.scenario_label} with a number")
            continue
        settings = settings.with_lever(lever, round_sig(value))
    for edge in values.get("cut", []):
        settings = settings.with_link(edge, False)
    for edge in values.get("restore", []):
        settings = settings.with_link(edge, True)
    if "ref" in values:
        want = values["ref"][-1]
        resolved = want if want == "@scenario" else scenario_ref(want, served=default)
        if resolved is None:
            notes.append(f"link: reference run {want!r} is not a bundled scenario")
        else:
            settings = replace(settings, reference=resolved)
    try:
        settings.load()
    except EcosimError as exc:
        notes.append(f"link: {exc}; the scenario's own values are shown")
        settings = replace(Settings.of(settings.scenario), reference=settings.reference)
    seed = _whole(values.get("seed", [""])[-1], "seed", notes)
    month = _whole(values.get("month", [""])[-1], "month", notes)
    return PageState(settings, seed, month, tuple(notes))


def _whole(text: str, what: str, notes: list[str]) -> int | None:
    if not text.strip():
        return None
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        notes.append(f"link: {what} {text!r} is not a whole number >= 0")
        return None
    return value


# ------------------------------------------------------------------ scenario files loaded in the page


class Uploads:
    """Scenario files loaded in the page, stored as ``ROOT/<hash>/<file name>`` so that the
    page, the command line and a link can name them (``upload:<hash>/<file name>``)."""

    PREFIX = "upload:"

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or Path(tempfile.gettempdir()) / "ecosim-viz-uploads"

    def store(self, name: str, data: bytes) -> str:
        """Keep a loaded file and return the path the page loads it from; raises
        :class:`~ecosim.errors.UsageError` for a file that is not a scenario, or
        :class:`~ecosim.errors.ScenarioError` with the file's one-line message."""
        from ecosim.errors import UsageError
        from ecosim.scenario import load_scenario

        clean = Path(name).name or "scenario.toml"
        if not clean.endswith(".toml"):
            raise UsageError(f"{clean}: a scenario file is TOML and ends in .toml")
        if len(data) > MAX_UPLOAD_BYTES:
            raise UsageError(f"{clean}: {len(data):,} bytes is more than a scenario file holds (at most {MAX_UPLOAD_BYTES:,})")
        digest = hashlib.sha256(data).hexdigest()[:12]
        path = self.root / digest / clean
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            tmp = path.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(path)
        try:
            load_scenario(path)
        except EcosimError:
            path.unlink(missing_ok=True)
            raise
        return str(path)

    def key(self, path: str) -> str | None:
        """``upload:<hash>/<name>`` of a stored file (None for any other path)."""
        p = Path(path)
        try:
            rel = p.relative_to(self.root)
        except ValueError:
            return None
        return self.PREFIX + rel.as_posix()

    def path(self, key: str) -> str | None:
        """The stored file a key names, if this server holds it."""
        if not key.startswith(self.PREFIX):
            return None
        rel = Path(key[len(self.PREFIX):])
        if len(rel.parts) != 2 or ".." in rel.parts:
            return None
        path = self.root / rel
        return str(path) if path.is_file() else None


UPLOADS = Uploads()


def scenario_key(scenario: str) -> str:
    """How a link names a scenario: a bundled name, ``upload:...``, or the file's path."""
    return UPLOADS.key(scenario) or scenario


def scenario_ref(key: str, served: str = "") -> str | None:
    """The scenario a link's key names, or None when this server cannot load it: a bundled
    name, a file loaded in the page, or ``served`` (the file ``ecosim viz --scenario`` opened;
    a link never makes the server read any other file)."""
    if key in bundled_scenarios():
        return key
    stored = UPLOADS.path(key)
    if stored is not None:
        return stored
    if served and key == served:
        return key
    return None

