"""`ecosim viz`: checks before serving, one-line errors with exit 2, the URL printed."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from ecosim import cli
from ecosim.viz import server


@pytest.fixture()
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, str]]:
    calls: list[tuple[str, int, str]] = []
    monkeypatch.setattr(server, "serve", lambda host, port, scenario: calls.append((host, port, scenario)))
    return calls


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _one_line_error(capsys: pytest.CaptureFixture[str], pattern: str) -> None:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert re.search(pattern, err), err


def test_serves_the_bundled_scenario_on_loopback_and_prints_the_url(served: list, capsys: pytest.CaptureFixture[str]) -> None:
    """Defaults: 127.0.0.1, the given port, baseline; the URL to open is printed before serving."""
    port = _free_port()
    assert cli.main(["viz", "--port", str(port)]) == 0
    assert served == [("127.0.0.1", port, "baseline")]
    assert f"http://127.0.0.1:{port}/" in capsys.readouterr().out


def test_a_scenario_file_is_passed_as_an_absolute_path(served: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--scenario takes a bundled name or a scenario file (the page offers it next to the bundled ones)."""
    f = tmp_path / "mine.toml"
    f.write_text('extends = "baseline"\n[scenario]\nname = "mine"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["viz", "--port", str(_free_port()), "--scenario", "mine.toml"]) == 0
    assert served[0][2] == str(f.resolve())


def test_unknown_scenario_is_one_line_and_exit_2(served: list, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown scenario name names itself and the bundled ones; nothing is served."""
    assert cli.main(["viz", "--scenario", "nope"]) == 2
    _one_line_error(capsys, r"^error: nope: no such scenario file \(bundled scenarios: baseline, .*history")
    assert served == []


def test_a_scenario_the_model_rejects_is_one_line_and_exit_2(served: list, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that loads but cannot build a world (a cut edge that does not exist) fails before serving."""
    f = tmp_path / "cut.toml"
    f.write_text('extends = "baseline"\n[exchange]\ndisable = ["nobody->xai:data"]\n', encoding="utf-8")
    assert cli.main(["viz", "--scenario", str(f)]) == 2
    _one_line_error(capsys, r"cut\.toml: .*nobody->xai:data")
    assert served == []


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["--port", "70000"], r"^error: --port 70000: must be a port number from 1 to 65535$"),
        (["--port", "0"], r"^error: --port 0: must be a port number from 1 to 65535$"),
        (["--host", "no-such-host.invalid"], r"^error: --host no-such-host\.invalid: not an address this machine can listen on"),
    ],
)
def test_bad_address_is_one_line_and_exit_2(served: list, capsys: pytest.CaptureFixture[str], args: list[str], pattern: str) -> None:
    """A port out of range or a host this machine cannot listen on: one line, exit 2, nothing served."""
    assert cli.main(["viz", *args]) == 2
    _one_line_error(capsys, pattern)
    assert served == []


def test_port_in_use_is_one_line_and_exit_2(served: list, capsys: pytest.CaptureFixture[str]) -> None:
    """A port another program listens on is refused before Solara starts."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["viz", "--port", str(port)]) == 2
    _one_line_error(capsys, rf"^error: --port {port}: cannot listen on 127\.0\.0\.1:{port}: it is in use \(choose another with --port\)$")
    assert served == []


def test_non_numeric_port_is_a_usage_error() -> None:
    """argparse refuses a port that is not a number, with exit status 2."""
    with pytest.raises(SystemExit) as exc:
        cli.main(["viz", "--port", "http"])
    assert exc.value.code == 2
