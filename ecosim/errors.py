"""The one exception hierarchy of ecosim.

Every error a user can cause by what they give us (a file, a ``--set``, a directory, a
port) is an :class:`EcosimError`. Its message is one line that names the file or option,
the field path, what was expected and what was found, so the CLI can print it as is and
exit with status 2.
"""

from __future__ import annotations


class EcosimError(Exception):
    """Base of every error ecosim raises on purpose."""


class ScenarioError(EcosimError):
    """A scenario file, an ``extends`` chain or a ``--set`` override is wrong."""


class ExperimentError(EcosimError):
    """An experiment file or an experiment directory is wrong."""


class RunDirError(EcosimError):
    """A run or experiment directory is missing, foreign or incomplete."""


class ClaimError(EcosimError):
    """A claims file (the narrative scorecard's ``claims.toml``) is wrong."""


class UsageError(EcosimError):
    """A command-line option has a value that cannot be used (e.g. a bad port)."""


def describe(value: object) -> str:
    """Render a received value for an error message: its repr and, for odd types, its type.

    >>> describe(-5)
    '-5'
    >>> describe("abc")
    "'abc' (str)"
    """
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int | float):
        return repr(value)
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"
