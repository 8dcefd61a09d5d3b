"""Typed errors raised at tangshi's boundaries (CLI, API, files).

Internal invariants use ``assert``; anything a user can cause raises a subclass of
:class:`TangshiError`, whose message names the bad value and the valid choices.
The CLI turns it into one line on stderr and exit code 2 (``exit_code`` says otherwise, as
for :class:`Diverged`).
"""
from __future__ import annotations

from typing import Iterable


class TangshiError(Exception):
    """A user-facing error: bad input, missing data, incompatible files."""


class CorpusError(TangshiError):
    """The corpus is missing, corrupt, or in an unknown layout."""


class CheckpointError(TangshiError):
    """A checkpoint is missing, corrupt, or incompatible."""


class InputError(TangshiError):
    """A value given by the user is invalid; ``field`` names the request field, when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Diverged(TangshiError):
    """Training kept diverging after the allowed number of recoveries (exit code 1, not 2)."""

    exit_code = 1


def choice_error(what: str, value: object, choices: Iterable[object], field: str | None = None) -> InputError:
    """Build the standard message: ``unknown <what> 'x'; choose one of: a, b, c``."""
    listed = ", ".join(str(c) for c in choices)
    return InputError(f"unknown {what} {value!r}; choose one of: {listed}", field)


def require_in(name: str, value: object, lo: float, hi: float, integer: bool = True) -> None:
    """Raise :class:`InputError` unless ``value`` is a number (an integer if ``integer``) in ``lo..hi``."""
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or not lo <= value <= hi:  # NaN fails too
        what, span = ("an integer", f"{lo}..{hi}") if integer else ("a number", f"{lo:g}..{hi:g}")
        raise InputError(f"{name} must be {what} in {span}, got {value!r}", field=name)


class NoPoem(TangshiError):
    """No candidate passed the rules after every re-decode (exit code 1: not the user's mistake)."""

    exit_code = 1
