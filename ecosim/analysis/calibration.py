"""Calibration: a run's monthly series against the public history in ``ecosim/data/history.csv``.

The asserted checks are the ones the history scenario is calibrated on: SpaceX (Falcon)
launches per year 2022-2025, Starship flights per year 2023-2025, Starlink subscribers at the
end of 2023, 2024 and 2025, Tesla deliveries 2023-2025, and cumulative FSD miles at the end of
2024 and 2025. Reference checks (satellites in orbit, Starlink and SpaceX revenue) are shown
too. A value passes within ``tolerance`` (25 %) of the published figure.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import pandas as pd

#: (history.csv metric, periods, model column, how to read it, asserted)
CHECKS: tuple[tuple[str, tuple[str, ...], str, str, bool], ...] = (
    ("spacex_orbital_launches", ("2022", "2023", "2024", "2025"), "falcon_launches", "sum", True),
    ("starship_flights", ("2023", "2024", "2025"), "starship_launches", "sum", True),
    ("starlink_subscribers", ("2023-12", "2024-12", "2025-12"), "starlink_subscribers", "point", True),
    ("tesla_deliveries", ("2023", "2024", "2025"), "tesla_deliveries", "sum", True),
    ("fsd_miles_cumulative", ("2024-12", "2025-12"), "fsd_miles_cumulative", "point", True),
    ("starlink_satellites_in_orbit", ("2024-12",), "starlink_satellites", "point", False),
    ("starlink_satellites_active", ("2025-12",), "starlink_satellites", "point", False),
    ("starlink_revenue", ("2023", "2024", "2025"), "starlink_revenue_usd", "sum", False),
    ("spacex_revenue", ("2025",), "spacex_revenue_usd", "sum", False),
)


@dataclass(frozen=True)
class Check:
    metric: str
    period: str
    unit: str
    published: float
    model: float
    source: str
    asserted: bool = True

    @property
    def error_frac(self) -> float:
        return (self.model - self.published) / self.published

    def passes(self, tolerance: float = 0.25) -> bool:
        return abs(self.error_frac) <= tolerance


def published() -> dict[tuple[str, str], tuple[float, str, str]]:
    """(metric, period) -> (value, unit, source) from history.csv."""
    out = {}
    with (resources.files("ecosim") / "data" / "history.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[(row["metric"], row["period"])] = (float(row["value"]), row["unit"], row["source"])
    return out


def calibration_table(timeseries: pd.DataFrame) -> list[Check]:
    """Every check whose period the run covers (a full year for yearly sums)."""
    pub = published()
    dates = set(timeseries["date"])
    out: list[Check] = []
    for metric, periods, column, how, asserted in CHECKS:
        for period in periods:
            value, unit, source = pub[(metric, period)]
            if how == "sum":
                months = [f"{period}-{m:02d}" for m in range(1, 13)]
                if not all(m in dates for m in months):
                    continue
                model = float(timeseries.loc[timeseries["date"].isin(months), column].sum())
            else:
                if period not in dates:
                    continue
                model = float(timeseries.loc[timeseries["date"] == period, column].iloc[0])
            out.append(Check(metric, period, unit, value, model, source, asserted))
    return out
