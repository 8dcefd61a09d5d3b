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

Its mask blocks a third occurrence and a third in a row (yielding to the rules, never to a dead end);
its bias is added to the next-character log-probabilities (before the temperature):
``−penalty × uses``, except for the character just placed in this line, which may be doubled into a 叠字
for ``+reduplication`` instead (the exemption). Both strengths are set by measurement
(docs/quality.md), so that generated poems repeat at the rate real ones do: the penalty per form is
:data:`REPEAT_PENALTY`, or the model's own (:func:`model_penalties`), or the request's
``repeat_penalty``.
"""
from __future__ import annotations

import numpy as np
import torch

from tangshi.decoding.processor import Processor, Setup, Step

MAX_OCCURRENCES = 2  # no character three times in a poem
# Set by measurement (docs/quality.md, bench/quality_sweep.py); not request fields.
# The repetition penalty per form (nats per earlier use) that brings each form's repetition to
# real poems' rate; a model may ship its own (model_penalties), a request's repeat_penalty overrides both.
REPEAT_PENALTY = {"五言绝句": 2.0, "七言绝句": 2.0, "五言律诗": 2.5, "七言律诗": 2.0}
REDUPLICATION = -2.0  # nats for doubling the character just placed into a 叠字 (instead of the penalty)
BEAM_PENALTY = 1.25   # beam search seeks likely text, which repeats more: the penalty times this there


def table_penalty(form: str, beam: int, table: dict[str, float] = REPEAT_PENALTY) -> float:
    """The measured repetition penalty of ``form`` (a full name) when a request names none: the
    table's value, times BEAM_PENALTY under beam search."""
    return table[form] * (BEAM_PENALTY if beam else 1.0)


def model_penalties(header: dict) -> dict[str, float]:
    """The repetition penalty per form for a model: :data:`REPEAT_PENALTY`, where the model's header
    (``decoding.repeat_penalty``, written by ``scripts/ship_model.py`` from a measurement on valid
    titles, bench/repeat_penalty.py) names its own. Each value is checked against the request's range."""
    from tangshi.errors import CheckpointError
    from tangshi.request import WriteRequest, spec

    own = (header.get("decoding") or {}).get("repeat_penalty") or {}
    lim = spec(WriteRequest, "repeat_penalty")
    if not isinstance(own, dict):
        raise CheckpointError(f"model header: decoding.repeat_penalty must map forms to nats, not {own!r}")
    for form, nats in own.items():
        if form not in REPEAT_PENALTY:
            raise CheckpointError(f"model header: decoding.repeat_penalty names form {form!r};"
                                  f" valid: {', '.join(REPEAT_PENALTY)}")
        if isinstance(nats, bool) or not isinstance(nats, (int, float)) or not lim.lo <= nats <= lim.hi:
            raise CheckpointError(f"model header: decoding.repeat_penalty[{form}] = {nats!r};"
                                  f" expected nats in [{lim.lo}, {lim.hi}]")
    return REPEAT_PENALTY | {f: float(v) for f, v in own.items()}


class Repetition(Processor):
    """The repetition state of ``B`` candidates over a vocabulary of ``V`` (see the module docstring)."""

    order = 20

    @classmethod
    def create(cls, setup: Setup, prepared: None) -> "Repetition":
        cfg = setup.cfg
        penalty = cfg.repeat_penalty if cfg.repeat_penalty is not None else \
            table_penalty(setup.form.name, cfg.beam, setup.penalties)
        return cls(setup.rows, setup.vocab_size, list(setup.forced.values()), penalty, setup.form.n_chars)

    def __init__(self, B: int, V: int, fixed: list[int], penalty: float = 0.0, n_chars: int = 0) -> None:
        self.penalty, self.n_chars = penalty, n_chars
        self.uses = np.zeros((B, V), dtype=np.float32)
        self.occurrences = np.zeros((B, V), dtype=np.int64)
        for tok in set(fixed):  # the user's characters count as used from the start
            self.uses[:, tok] += 1
            self.occurrences[:, tok] += sum(1 for t in fixed if t == tok)
        self._fixed = set(fixed)
        self.prev = np.full(B, -1)  # (B,): the character before, in this line (-1: a line starts)
        self.run = np.zeros(B, dtype=np.int64)  # (B,): how long the run of ``prev`` is

    def mask(self, step: Step) -> torch.Tensor:
        return torch.from_numpy(~self.blocked())

    def bias(self, step: Step) -> np.ndarray:
        return self.nats(self.penalty, REDUPLICATION)

    def advance(self, step: Step, tokens: torch.Tensor) -> None:
        self.place(tokens, forced=step.given is not None)
        if step.pos == self.n_chars - 1:
            self.new_line()

    def blocked(self) -> np.ndarray:
        """(B, V) bool: what may not come next (a third occurrence, or a third in a row)."""
        out = self.occurrences >= MAX_OCCURRENCES  # (B, V)
        rows = (self.run >= 2).nonzero()[0]
        out[rows, self.prev[rows]] = True  # no AAA
        return out

    def nats(self, penalty: float, reduplication: float) -> np.ndarray:
        """(B, V) float32 nats: −penalty per earlier use; the previous character +reduplication instead."""
        out = self.uses * np.float32(-penalty)  # (B, V)
        rows = ((self.prev >= 0) & (self.run == 1)).nonzero()[0]
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


PROCESSOR = Repetition
