"""Write a whole output directory atomically, and never replace what ecosim did not write.

:func:`atomic_directory` yields a fresh temporary sibling of the target; when the block
finishes it is swapped in, so an interrupted or failed write leaves the previous directory (or
nothing) in place, never a half-written one. Three rules keep other people's files safe:

* **The marker.** Every directory ecosim writes this way carries a marker file
  (:data:`MARKER`). An existing target is replaced only if it carries the marker or is empty;
  anything else is refused with one line (:class:`~ecosim.errors.UsageError`), before any work
  when the caller checks first with :func:`check_output_dir`.
* **No path from data.** Names read from data files (a scenario's name) become a directory
  name only through :func:`safe_slug`: no separators, no ``..``, never empty.
* **Race-free swap, no leftovers.** The swap runs under an advisory lock on the parent
  directory (``flock``; released by the OS even after ``kill -9``), so concurrent writers of
  one target each replace it whole, one after the other. Temporary folders are named
  ``.NAME.tmp-HOST-PID-TOKEN``; those of processes that no longer run on this host (``kill -9``)
  are removed by the next write into the same parent, and only if they carry the marker.

Operating-system failures (a read-only or full disk, a path under a file) become one-line
:class:`~ecosim.errors.UsageError` messages naming the path and the cause.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import secrets
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ecosim.errors import UsageError

#: the file that marks a directory as ecosim's own output (what may be replaced)
MARKER = ".ecosim-output"
_SLUG_MAX = 64
_TEMP_RE = re.compile(r"^\..+\.(?:tmp|old)-(?P<host>[A-Za-z0-9_]+)-(?P<pid>\d+)-[0-9a-f]{8}$")


def safe_slug(text: str, fallback: str = "output") -> str:
    """A directory name made from free text (e.g. a scenario's name read from a file): lower-case
    letters, digits, ``_`` and ``-``, at most 64 characters, never empty, so it cannot name a
    parent, an absolute path or a hidden file.

    >>> safe_slug("Musk narrative (bull)"), safe_slug("/etc"), safe_slug(".."), safe_slug("")
    ('musk-narrative-bull', 'etc', 'output', 'output')
    >>> safe_slug("../../home/x"), safe_slug("v1.2 (draft)")
    ('home-x', 'v1-2-draft')
    """
    slug = re.sub(r"[^a-z0-9_]+", "-", text.lower()).strip("-")
    return slug[:_SLUG_MAX].strip("-") or fallback


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", socket.gethostname()) or "host"


def os_error_text(path: Path | str, exc: OSError) -> str:
    """``PATH: cannot write (No space left on device)`` for an OSError met while writing."""
    cause = exc.strerror or " ".join(str(exc).split())[:160] or type(exc).__name__
    if exc.errno == errno.ENOTDIR:
        cause = "a part of the path is a file, not a directory"
    return f"{path}: cannot write ({cause})"


def _is_replaceable(path: Path) -> bool:
    """True when ``path`` is ecosim's own output (it carries the marker) or an empty directory."""
    if (path / MARKER).is_file():
        return True
    try:
        return not any(path.iterdir())
    except OSError:
        return False


def _state_now(path: Path) -> str:
    """What ``path`` is, read under the parent's lock when it can be taken: ``absent``,
    ``file``, ``replaceable`` (ecosim's output or empty) or ``foreign``. A writer swapping its
    output in renames the old directory away and the new one into place; existence, type,
    marker and contents read between the two renames would disagree."""
    with contextlib.ExitStack() as stack:
        with contextlib.suppress(OSError):
            stack.enter_context(_locked(path.parent))
        if not path.exists():
            return "absent"
        if not path.is_dir():
            return "file"
        return "replaceable" if _is_replaceable(path) else "foreign"


def check_output_dir(out_dir: Path | str, option: str = "--out") -> Path:
    """Check, before any work, that ``out_dir`` can be written and replaced; returns it as a Path.

    Raises
    ------
    UsageError
        The name is empty, ``.`` or ``..``; the path or one of its parents is a file; the
        directory exists and is not ecosim's output (no :data:`MARKER`, not empty); or the
        nearest existing parent is not writable (a read-only disk or folder).
    """
    out = Path(out_dir)
    if out.name in ("", ".", ".."):
        raise UsageError(f"{option} {out_dir}: must name a directory to create or replace, not {str(out_dir)!r} (give e.g. runs/NAME)")
    state = _state_now(out)
    if state == "file":
        raise UsageError(f"{option} {out}: must be a directory (got an existing file)")
    if state == "foreign":
        raise UsageError(
            f"{option} {out}: exists and was not written by ecosim (no {MARKER} file in it, and not empty); "
            "ecosim replaces only its own output: choose another directory, or move this one away yourself"
        )
    return check_writable(out, option, swap=True)


def check_writable(path: Path | str, option: str = "--out", swap: bool = False) -> Path:
    """Check that ``path`` (a file or directory to be written, existing or not) can be made:
    no part of it is a file, and its nearest existing folder is writable (with ``swap``, the
    folder above ``path`` even when ``path`` exists: a directory swapped in is renamed there).

    Raises
    ------
    UsageError
        ``PATH: FILE is a file, so nothing can be made under it``, or ``cannot write in DIR``.
    """
    out = Path(path)
    anc = out if out.is_dir() and not swap else out.parent
    while not anc.exists() and anc != anc.parent:
        anc = anc.parent
    if anc.exists() and not anc.is_dir():
        raise UsageError(f"{option} {out}: {anc} is a file, so nothing can be made under it")
    if not os.access(anc, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {out}: cannot write in {anc} (read-only, or no permission)")
    return out


def check_output_file(path: Path | str, suffix: str, option: str = "--out") -> Path:
    """Check an output file's path before any work: it ends in ``suffix`` (e.g. ``.png``), is not
    a directory, and can be written (:func:`check_writable`).

    Raises
    ------
    UsageError
        Naming the option, the path and what is wrong.
    """
    out = Path(path)
    if out.suffix.lower() != suffix:
        raise UsageError(f"{option} {out}: must be a {suffix} file (got {out.suffix or 'no extension'!r})")
    if out.is_dir():
        raise UsageError(f"{option} {out}: must be a {suffix} file (got an existing directory)")
    return check_writable(out, option)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_dead_temporaries(parent: Path) -> list[Path]:
    """Remove the temporary folders of writers that died (``kill -9``) in ``parent``: this host's,
    whose process no longer runs, and that carry the marker. Returns what was removed."""
    removed: list[Path] = []
    host = _host()
    try:
        entries = list(parent.iterdir())
    except OSError:
        return removed
    for p in entries:
        m = _TEMP_RE.match(p.name)
        if not m or m.group("host") != host or _pid_alive(int(m.group("pid"))):
            continue
        if p.is_dir() and not p.is_symlink() and (p / MARKER).is_file():
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


@contextmanager
def _locked(parent: Path) -> Iterator[None]:
    """An exclusive advisory lock on the directory ``parent`` (waits for other writers)."""
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_marker(folder: Path, kind: str) -> None:
    """Mark ``folder`` as ecosim's ``kind`` of output (``run``, ``comparison``)."""
    from ecosim import __version__

    text = json.dumps({"written_by": "ecosim", "kind": kind, "version": __version__}) + "\n"
    (folder / MARKER).write_text(text, encoding="utf-8")


@contextmanager
def atomic_directory(out_dir: Path | str, kind: str = "output") -> Iterator[Path]:
    """Yield a fresh temporary directory beside ``out_dir``; on success it replaces ``out_dir``.

    The temporary directory already carries the marker; ``out_dir`` is replaced only if it is
    ecosim's output or empty (else :class:`~ecosim.errors.UsageError`, nothing written).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     target = Path(d) / "result"
    ...     with atomic_directory(target) as tmp:
    ...         _ = (tmp / "a.txt").write_text("done")
    ...     sorted(p.name for p in Path(d).iterdir()), (target / "a.txt").read_text()
    (['result'], 'done')
    """
    out_dir = check_output_dir(out_dir)
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(os_error_text(parent, exc)) from None
    clean_dead_temporaries(parent)
    stem = f".{out_dir.name}"
    tag = f"{_host()}-{os.getpid()}-{secrets.token_hex(4)}"
    tmp = parent / f"{stem}.tmp-{tag}"
    try:
        tmp.mkdir()
        write_marker(tmp, kind)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UsageError(os_error_text(tmp, exc)) from None
    old = parent / f"{stem}.old-{tag}"
    try:
        try:
            yield tmp
        except OSError as exc:
            raise UsageError(os_error_text(out_dir, exc)) from None
        with _locked(parent):
            if out_dir.is_symlink() or out_dir.exists():
                if out_dir.is_symlink() or not out_dir.is_dir() or not _is_replaceable(out_dir):
                    raise UsageError(f"{out_dir}: was created by something else while ecosim was writing (not replaced); choose another directory")
                out_dir.rename(old)
            try:
                tmp.rename(out_dir)
            except OSError:
                if old.exists():
                    old.rename(out_dir)  # put the previous output back
                raise
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UsageError(os_error_text(out_dir, exc)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(old)
