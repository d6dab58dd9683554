"""``ecosim viz``: serve the browser view with Solara, offline.

The page is ``viz/app.py`` (in the source tree, or bundled in the installed package). Before
anything starts, the scenario is loaded and the address is checked (a free port on a host
this machine can listen on), so a mistake is one line and exit status 2. Solara is then
run as its own command line would (``solara run APP --production``), with what keeps it
offline: no telemetry, no version check against PyPI, and front-end assets from the
``solara-assets`` package instead of a CDN.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import warnings
from pathlib import Path

from ecosim.errors import UsageError
from ecosim.scenario import bundled_scenarios, load_scenario
from ecosim.scenario.loader import bundled_dir

#: Environment variable with the scenario the page opens on.
SCENARIO_ENV = "ECOSIM_VIZ_SCENARIO"
#: Environment that keeps Solara from calling out to the internet.
OFFLINE_ENV = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}


def app_path() -> Path:
    """``viz/app.py`` of the source tree, or its copy bundled with the installed package."""
    return bundled_dir("viz") / "app.py"


def scenario_ref(ref: str) -> str:
    """A bundled name as is, a scenario file as an absolute path; validated by loading it and
    building its model (what the page will do first).

    Raises :class:`~ecosim.errors.ScenarioError` (one line) for an unknown name or a bad file.
    """
    from ecosim.simulate import simulate

    loaded = load_scenario(ref)
    simulate(loaded, until=0)  # builds the world: e.g. an [exchange] disable naming no edge
    if ref in bundled_scenarios():
        return ref
    return str(loaded.path)


def check_address(host: str, port: int) -> None:
    """Raise :class:`UsageError` unless this machine can listen on ``host:port`` now.

    >>> check_address("127.0.0.1", 70000)
    Traceback (most recent call last):
    ...
    ecosim.errors.UsageError: --port 70000: must be a port number from 1 to 65535
    """
    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port}: must be a port number from 1 to 65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UsageError(f"--host {host}: not an address this machine can listen on ({exc.strerror})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        # as uvicorn binds: a port left in TIME_WAIT by a stopped server is free, a listening one is not
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            reason = "it is in use" if exc.errno in (98, 48, 10048) else (exc.strerror or str(exc))
            raise UsageError(f"--port {port}: cannot listen on {host}:{port}: {reason} (choose another with --port)") from None


def is_loopback(host: str) -> bool:
    """True when ``host`` is only reachable from this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str, port: int, scenario: str) -> None:
    """Run the page until interrupted (blocks; Ctrl-C returns normally). Check the inputs
    first with :func:`scenario_ref` and :func:`check_address`."""
    os.environ.update(OFFLINE_ENV)
    os.environ[SCENARIO_ENV] = scenario
    import click
    import solara.server.settings
    from solara.__main__ import run

    solara.server.settings.telemetry.mixpanel_enable = False
    # plain http on loopback: Solara warns that its session cookie falls back to SameSite=Lax
    warnings.filterwarnings("ignore", message=r"(?s)Cookies with samesite=none require https", category=UserWarning)
    args = [str(app_path()), "--host", host, "--port", str(port), "--no-open", "--no-check-version", "--production"]
    try:
        run.main(args=args, prog_name="solara run", standalone_mode=False)
    except click.exceptions.Abort:  # Ctrl-C: uvicorn has shut down; re-raised through click
        pass
