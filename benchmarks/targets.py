"""The speed targets the benchmarks print their figures against (issue 12's acceptance), and
the PASS/MISS mark printed beside each figure.

Issue 12: baseline 2026-2040 with one member <= 1.1 s; 1,000 members advanced together <= 5 s;
the 10,000-draw Monte Carlo, stored, <= 35 s on 2 workers. Figures depend on the machine's
load: the benchmarks print the load average beside them.
"""

from __future__ import annotations

import os

K1_S = 1.1  # baseline 2026-2040, K = 1 (simulate: build, run, results, release) [s]
K1000_S = 5.0  # baseline 2026-2040, K = 1,000 members with 3 varied parameters [s]
MC_10K_S = 35.0  # monte_carlo_baseline, 10,000 draws stored, 2 workers [s]

#: K = 1,000 members with 3 varied parameters: each field drawn uniform on (low, high) with
#: ``numpy.random.default_rng(0)``, in this order (bench_world.py, bench_reference.py)
K1000_VARIED = {
    "launch.starship.cost_progress_ratio": (0.7, 0.95),
    "orbital_dc.satellite_hardware_usd_per_w": (3.0, 40.0),
    "tesla.share_decay_pct_per_yr": (15.0, 35.0),
}

#: the code of the day issue 12 was filed (the last commit before its first change, a8e94ec):
#: what "no slower than today" compares against (bench_reference.py)
REFERENCE_COMMIT = "4892a49"
#: what issue 12 says that code took on the machine of that day [s] ("today 1.02 s, 4.64 s, 33 s")
REFERENCE_PRINTED_S = {"k1": 1.02, "k1000": 4.64, "mc": 33.0}


def mark(value: float, limit: float) -> str:
    """``PASS`` when ``value`` is at most ``limit``, else ``MISS``.

    >>> mark(1.0, 1.1), mark(1.2, 1.1)
    ('PASS', 'MISS')
    """
    return "PASS" if value <= limit else "MISS"


def load() -> str:
    """The load average now (1, 5, 15 min) and the CPUs it shares."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"
