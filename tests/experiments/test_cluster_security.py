"""The cluster recipe of docs/experiments.md, run on this machine's loopback: a TLS cluster takes
the run; a client without the certificate, or speaking plain tcp://, is refused; bad addresses
fail at once."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecosim.errors import UsageError
from ecosim.experiments.runners import DaskRunner, check_scheduler_address
from tests.experiments.helpers import TINY

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _doc_block(start: str) -> list[str]:
    """The shell lines of the fenced block of docs/experiments.md that contains ``start``."""
    text = (ROOT / "docs" / "experiments.md").read_text(encoding="utf-8")
    for block in text.split("```")[1::2]:
        if start in block:
            return [line.strip() for line in block.replace("\\\n", " ").splitlines() if line.strip()]
    raise AssertionError(f"no block with {start!r}")


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("nonsense", "must be tcp://HOST:PORT"),
        ("tcp://127.0.0.1", "must be tcp://HOST:PORT"),
        ("tcp://127.0.0.1:99999", "port must be from 1 to 65535"),
        ("ftp://127.0.0.1:8786", "protocol must be tcp or tls"),
        ("tcp://[::1:8786", "must be tcp://HOST:PORT"),
    ],
)
def test_malformed_scheduler_address_fails_at_once(address: str, message: str) -> None:
    """A malformed --scheduler address is a one-line UsageError before any connection (it took 30 s)."""
    t0 = time.monotonic()
    with pytest.raises(UsageError, match=message):
        DaskRunner(address)
    assert time.monotonic() - t0 < 1.0


def test_plain_tcp_off_this_machine_is_warned() -> None:
    """A tcp:// scheduler off the loopback is flagged as unauthenticated; loopback and tls:// are not."""
    assert "neither authenticated nor encrypted" in (check_scheduler_address("tcp://10.1.2.3:8786").warning or "")
    assert check_scheduler_address("tcp://127.0.0.1:8786").warning is None
    assert check_scheduler_address("localhost:8786").warning is None
    assert check_scheduler_address("tls://10.1.2.3:8786").warning is None


def test_docs_never_start_a_plain_scheduler_off_loopback() -> None:
    """No `dask scheduler` line in the README or docs listens off the loopback without TLS."""
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for line in path.read_text(encoding="utf-8").replace("\\\n", " ").splitlines():
            if "dask scheduler" in line and "--host" in line:
                host = line.split("--host", 1)[1].split()[0].strip("`")
                assert host == "127.0.0.1" or "--protocol tls" in line, f"{path.name}: {line.strip()}"


@pytest.mark.cluster
@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_tls_recipe_of_the_docs(tmp_path: Path) -> None:
    """The docs' TLS steps work verbatim on 127.0.0.1: the run goes through; no certificate, no connection."""
    for line in _doc_block("openssl req -x509"):
        subprocess.run(line, shell=True, cwd=tmp_path, check=True, capture_output=True)
    port = _free_port()
    address = f"tls://127.0.0.1:{port}"
    files = ["--tls-ca-file", "ca.pem", "--tls-cert", "cluster.pem", "--tls-key", "cluster-key.pem"]
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--protocol", "tls", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard", *files],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1", *files],
                                      cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        exports = dict(line.removeprefix("export ").split("=", 1) for line in _doc_block("DASK_DISTRIBUTED__COMM__TLS__CA_FILE") if line.startswith("export "))
        (tmp_path / "exp.toml").write_text(TINY, encoding="utf-8")
        run = [sys.executable, "-m", "ecosim.cli", "experiment", "run", "exp.toml", "--no-analysis"]
        done = subprocess.run([*run, "--out", "store", "--scheduler", address], cwd=tmp_path, env={**env, **exports}, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "12 ok, 0 failed" in done.stdout and f"Dask cluster {address}" in done.stdout
        bare = subprocess.run([*run, "--out", "store2", "--scheduler", address], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert bare.returncode == 2 and "needs this client's certificate" in bare.stderr and not (tmp_path / "store2").exists()
        rogue = tmp_path / "rogue"  # a certificate from another authority: refused by the cluster
        rogue.mkdir()
        for line in _doc_block("openssl req -x509"):
            subprocess.run(line, shell=True, cwd=rogue, check=True, capture_output=True)
        other = {k: str(rogue / v) if v.endswith(".pem") else v for k, v in exports.items()}
        forged = subprocess.run([*run, "--out", "store4", "--scheduler", address], cwd=tmp_path, env={**env, **other}, capture_output=True, text=True, timeout=120)
        assert forged.returncode == 2 and "cannot connect" in forged.stderr and not (tmp_path / "store4").exists()
        plain = subprocess.run([*run, "--out", "store3", "--scheduler", f"tcp://127.0.0.1:{port}"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert plain.returncode == 2 and not (tmp_path / "store3").exists()
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
