"""The one protocol of decoding: a :class:`Processor` shapes the next character of every candidate.

Each rule, guard and bias of the decoder is one processor in one file of :mod:`.processors` (as
Hugging Face's ``LogitsProcessor``s are): the loop (:mod:`.loop`) never learns what any of them does.
At each character step it asks every processor, in order, for

- :meth:`~Processor.mask` — (B, V) bool, what each candidate may place (``None``: no opinion). Masks
  are applied in order, each narrowing a row only where the row keeps something: a later mask never
  empties what an earlier one allowed (the rules come before the repetition guard, so the guard
  yields to them);
- :meth:`~Processor.bias` — (B, V) float32 nats added to the log-probabilities before sampling
  (``None``: none), summed in order; a character the user fixed takes no bias;

then, once the characters are chosen, :meth:`~Processor.advance` with them, and after a beam step
:meth:`~Processor.reorder` with the rows each new row continues.

A processor is made for one decode by its class's :meth:`~Processor.create` (``None`` when the
request does not need it) from a :class:`Setup`, with what its class's :meth:`~Processor.prepare`
built once per model (tables over the vocabulary, or one the model's header carries). Adding one is a
file in :mod:`.processors` that sets ``PROCESSOR`` to its class, and, if a user may set it, one request
field.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

import numpy as np
import torch

from tangshi.decoding.config import DecodeConfig
from tangshi.prosody.forms import Form, Pattern


@dataclass(frozen=True)
class Setup:
    """One decode, as the processors see it: B rows, each with its pattern."""

    form: Form
    patterns: list[Pattern]  # (B,) one pattern per row, as decoding starts
    cfg: DecodeConfig
    forced: dict[tuple[int, int], int]  # (line, pos) -> token: the characters the user fixed
    rescue: dict  # (line, pos) -> patterns whose rows must place a 平 there (tangshi.decoding.fit)
    prosody: Any  # tangshi.masks.constraints.VocabProsody of the model's vocabulary
    vocab_size: int
    penalties: dict[str, float]  # the model's repetition penalty per form (processors.repetition)
    titles: tuple[str, ...] = ()  # (B,) each row's title, in the model's script ("" none)
    plans: tuple = ()  # (B,) each row's plan: per slot, the keyword's token ids or None (tangshi.plan); () none

    @property
    def rows(self) -> int:
        return len(self.patterns)


@dataclass
class Step:
    """One character step of B rows: where it is, what is written, and what the loop has found so far.

    ``out`` (B, lines, chars) holds the tokens placed; ``used`` (B, V) the characters each poem has,
    the user's fixed ones counted from the start. The loop sets ``logp`` (B, V), the guided
    log-probabilities, and ``allowed`` (B, V), the mask, before it asks for biases.
    """

    line: int
    pos: int
    given: int | None  # the token the user fixed here, or None
    out: torch.Tensor
    used: np.ndarray
    logp: torch.Tensor | None = None
    allowed: torch.Tensor | None = None

    @cached_property
    def masked(self) -> np.ndarray:
        """(B, V) float32: the log-probabilities where allowed, −inf elsewhere (for a bias's window)."""
        return np.where(self.allowed.numpy(), self.logp.float().numpy(), -np.inf)


class Processor:
    """A mask, a bias, or both, that follows the poem it shapes (see the module docstring)."""

    order: ClassVar[int]  # place in the chain: masks narrow in this order, biases add in it

    @classmethod
    def prepare(cls, chars: list[str], prosody: Any, header: dict) -> Any:
        """What this kind of processor builds once per model (its vocabulary ``chars``, and its checkpoint
        ``header``, where a model may carry a processor's measured table); default none."""
        return None

    @classmethod
    def create(cls, setup: Setup, prepared: Any) -> "Processor | None":
        """The processor for one decode, or ``None`` when the request does not call for it."""
        raise NotImplementedError

    def mask(self, step: Step) -> torch.Tensor | None:
        """(B, V) bool: what each row may place next; ``None``: no opinion."""
        return None

    def bias(self, step: Step) -> np.ndarray | None:
        """(B, V) float32 nats added to the log-probabilities; ``None``: none."""
        return None

    def advance(self, step: Step, tokens: torch.Tensor) -> None:
        """Follow the poem: ``tokens`` (B,) were placed at ``step``."""

    def reorder(self, idx: torch.Tensor) -> None:
        """Follow a beam step: row ``b`` now continues row ``idx[b]`` (B,)."""


def narrow(allowed: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """``allowed & mask`` (B, V), except in rows where that leaves nothing: those keep ``allowed``."""
    a = allowed.numpy()  # in numpy: its small ops and reductions cost a fraction of torch's at these sizes
    both = a & mask.numpy()  # (B, V)
    empty = ~both.any(axis=1)  # (B,)
    if empty.any():
        both[empty] = a[empty]
    return torch.from_numpy(both)
