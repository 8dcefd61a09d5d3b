"""Repetition while decoding: a penalty on characters a poem already uses, like real poets.

Real regulated poems seldom use a character twice (a 七律 about once per poem, a 五绝 a third
of a time; ``tangshi eval`` measures it on the test split), and they use 叠字 — the same
character twice in a row inside a line, 青青, 萧萧 — about a fifth of a time per poem. A
recurrent model left to itself loops. :class:`Repetition` keeps, for each of ``B`` candidates:

- ``uses`` (B, V): how many times each character is used, a 叠字 counting once (as the
  figures do) and every character the user fixed (acrostic heads, given lines) counted from
  the start, so the poem does not use them elsewhere too;
- ``occurrences`` (B, V): every occurrence, for the hard limit — no character three times, and
  no run of three (AAA).

Its :meth:`bias` is added to the next-character log-probabilities (before the temperature):
``−penalty × uses``, except for the character just placed in this line, which may be doubled into a 叠字
for ``+reduplication`` instead (the exemption). Both strengths are set by measurement
(docs/quality.md), so that generated poems repeat at the rate real ones do.
"""
from __future__ import annotations

import numpy as np
import torch

MAX_OCCURRENCES = 2  # no character three times in a poem


class Repetition:
    """The repetition state of ``B`` candidates over a vocabulary of ``V`` (see the module docstring)."""

    def __init__(self, B: int, V: int, fixed: list[int]) -> None:
        self.uses = np.zeros((B, V), dtype=np.float32)
        self.occurrences = np.zeros((B, V), dtype=np.int64)
        for tok in set(fixed):  # the user's characters count as used from the start
            self.uses[:, tok] += 1
            self.occurrences[:, tok] += sum(1 for t in fixed if t == tok)
        self._fixed = set(fixed)
        self.prev = np.full(B, -1)  # (B,): the character before, in this line (-1: a line starts)
        self.run = np.zeros(B, dtype=np.int64)  # (B,): how long the run of ``prev`` is

    def blocked(self) -> torch.Tensor:
        """(B, V) bool: what may not come next (a third occurrence, or a third in a row)."""
        out = self.occurrences >= MAX_OCCURRENCES  # (B, V)
        rows = np.flatnonzero(self.run >= 2)
        out[rows, self.prev[rows]] = True  # no AAA
        return torch.from_numpy(out)

    def bias(self, penalty: float, reduplication: float) -> np.ndarray:
        """(B, V) float32 nats: −penalty per earlier use; the previous character +reduplication instead."""
        out = self.uses * np.float32(-penalty)  # (B, V)
        rows = np.flatnonzero((self.prev >= 0) & (self.run == 1))
        out[rows, self.prev[rows]] = np.float32(reduplication)  # a 叠字 is not a repeat
        return out

    def place(self, tokens: torch.Tensor, forced: bool) -> None:
        """Record ``tokens`` (B,), placed inside a line; ``forced``: characters counted from the start."""
        t = tokens.numpy()
        rows = np.arange(len(t))
        again = t == self.prev  # (B,): doubles the character before (a 叠字)
        if not forced:
            self.occurrences[rows, t] += 1
            self.uses[rows[~again], t[~again]] += 1
        self.run = np.where(again, self.run + 1, 1)
        self.prev = t.copy()

    def new_line(self) -> None:
        """A 叠字 lives inside one line."""
        self.prev[:] = -1
        self.run[:] = 0

    def reorder(self, idx: torch.Tensor) -> None:
        """Follow a beam step: row ``b`` now continues row ``idx[b]``."""
        i = idx.numpy()
        self.uses, self.occurrences = self.uses[i], self.occurrences[i]
        self.prev, self.run = self.prev[i], self.run[i]
