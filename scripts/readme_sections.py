"""The generated sections of README.md and docs/: write them, or check that they are current.

Every figure between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` is printed by a command;
each ``scripts/readme_*.py`` script runs its commands and hands the rendered blocks to
:func:`publish`. With ``--check`` the script writes nothing (its runs go to a temporary folder)
and exits 1, naming each stale section with the first lines of the difference, when a block is
not what the commands print now (``make findings-check``; ``tests/test_docs.py``).

``make findings`` and ``make findings-check`` hand every script one fresh folder (``--runs DIR``):
a command two scripts both need (``ecosim run baseline``, ``ecosim audit-report --json``) runs
once in that folder, by whichever script needs it first, and the next one reads what it printed
(:func:`ecosim` with ``runs``). Run alone, a script runs all its commands itself.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
#: lines of a stale section's difference printed by ``--check``
DIFF_LINES = 24
ECOSIM = [sys.executable, "-m", "ecosim.cli"]


def ecosim(args: Sequence[str], runs: str | None = None) -> str:
    """What ``ecosim ARGS`` prints on stdout (stripped), run from the project's root. With
    ``runs`` (a folder shared by the scripts of one ``make findings``), a command that an
    earlier script ran with the same arguments is not run again: what it printed is read back."""
    kept = Path(runs) / f"printed-{hashlib.sha256(chr(0).join(args).encode()).hexdigest()[:16]}.txt" if runs else None
    if kept is not None and kept.exists():
        print("$ ecosim " + " ".join(args) + "   (ran earlier in this make)", file=sys.stderr, flush=True)
        return kept.read_text(encoding="utf-8")
    print("$ ecosim " + " ".join(args), file=sys.stderr, flush=True)
    out = subprocess.run([*ECOSIM, *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    if kept is not None:
        kept.write_text(out, encoding="utf-8")
    return out


def ecosim_all(commands: Sequence[Sequence[str]], runs: str | None = None) -> list[str]:
    """:func:`ecosim` for each command, in order, as many at once as the machine has cores
    (each is its own process; the outputs do not depend on the order they run in)."""
    with ThreadPoolExecutor(max_workers=max(1, min(len(commands), os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda args: ecosim(args, runs), commands))


def add_runs_flag(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--runs", metavar="DIR",
                    help="a fresh folder shared by the scripts of one `make findings`: runs and commands another script "
                         "already ran there are read, not run again (default: run everything)")


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- BEGIN {re.escape(name)} -->\n)(.*?)(<!-- END {re.escape(name)} -->)", re.S)


def replace_section(text: str, name: str, body: str) -> str:
    """Text with the block between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` replaced.

    >>> replace_section("a\\n<!-- BEGIN x -->\\nold\\n<!-- END x -->\\nb", "x", "new\\n\\n")
    'a\\n<!-- BEGIN x -->\\nnew\\n<!-- END x -->\\nb'
    """
    pattern = _pattern(name)
    if not pattern.search(text):
        raise SystemExit(f"no markers for section {name!r}")
    return pattern.sub(lambda m: m.group(1) + body.rstrip() + "\n" + m.group(3), text)


def section(text: str, name: str) -> str:
    """The block between the markers of section ``name`` as it stands.

    >>> section("<!-- BEGIN x -->\\nold\\n<!-- END x -->", "x")
    'old\\n'
    """
    found = _pattern(name).search(text)
    if found is None:
        raise SystemExit(f"no markers for section {name!r}")
    return found.group(2)


def stale_sections(path: Path, blocks: Mapping[str, str]) -> list[str]:
    """The sections of ``path`` whose block is not ``blocks[name]`` (as :func:`replace_section` would write it)."""
    text = path.read_text(encoding="utf-8")
    return [name for name, body in blocks.items() if section(text, name) != body.rstrip() + "\n"]


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def add_check_flag(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 naming each section that is not what the commands print now")


def publish(files: Mapping[Path, Mapping[str, str]], check: bool, script: str) -> int:
    """Write each file's sections, or with ``check`` report the stale ones; the exit status.

    ``files`` maps a document to its sections (name -> rendered block). Returns 0 when written
    or current, 1 when ``check`` found a stale section (each named on stderr, with the first
    :data:`DIFF_LINES` lines of its difference and the script that regenerates it).
    """
    stale = 0
    for path, blocks in files.items():
        text = path.read_text(encoding="utf-8")
        if not check:
            for name, body in blocks.items():
                text = replace_section(text, name, body)
            path.write_text(text, encoding="utf-8")
            print(f"{_shown(path)}: {', '.join(blocks)} regenerated", file=sys.stderr)
            continue
        for name in stale_sections(path, blocks):
            stale += 1
            old, new = section(text, name), blocks[name].rstrip() + "\n"
            diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), "as written", "as printed now", lineterm="", n=0))
            print(f"{_shown(path)}: section {name!r} is not what the commands print now (run scripts/{script}):",
                  file=sys.stderr)
            print("\n".join(diff[:DIFF_LINES] + (["..."] if len(diff) > DIFF_LINES else [])), file=sys.stderr)
    if check and not stale:
        print(f"scripts/{script}: {sum(len(b) for b in files.values())} sections current", file=sys.stderr)
    return 1 if stale else 0
