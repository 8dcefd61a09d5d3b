"""The rules of regulated verse as a mask: each row's pattern, 孤平, 三平尾, one rhyme group, no rhyme twice.

``strict`` or ``lenient`` (:mod:`tangshi.masks.constraints`): the tone of each position for the row's
pattern, with every 多音字 read from its left neighbour (strict) or either way (lenient); ``off``
makes no processor. A character the user fixed never narrows the rhyme groups to nothing: a given
line that breaks the rhyme keeps the groups the row had. First in the chain: the other masks yield
to it.
"""
from __future__ import annotations

import dataclasses

import torch

from tangshi.decoding.processor import Processor, Setup, Step
from tangshi.masks.constraints import PATTERNS, ConstraintState
from tangshi.prosody.forms import Pattern


class Rules(Processor):
    order = 10

    def __init__(self, cons: ConstraintState) -> None:
        self.cons = cons

    @classmethod
    def create(cls, setup: Setup, prepared: None) -> "Rules | None":
        cfg = setup.cfg
        if cfg.rules == "off":
            return None
        groups = [cfg.rhyme] * setup.rows if cfg.rhyme else None
        cons = ConstraintState.start(setup.prosody, setup.patterns, groups, strict=cfg.rules == "strict")
        n, canon = setup.form.n_chars, setup.prosody.canon
        for b, pat in enumerate(setup.patterns):  # a kept rhyme further on is taken already: no rhyme twice
            for i in pat.rhyme_lines:
                tok = setup.forced.get((i, n - 1))
                if tok is not None:
                    cons.used[b] |= canon == canon[tok]
        return cls(cons)

    @property
    def patterns(self) -> list[Pattern]:
        """(B,) each row's pattern now (beam steps reorder the rows)."""
        return [PATTERNS[int(i)] for i in self.cons.pattern]

    def mask(self, step: Step) -> torch.Tensor:
        return self.cons.mask()  # (B, V)

    def advance(self, step: Step, tokens: torch.Tensor) -> None:
        advance(self.cons, tokens, forced=step.given is not None)

    def reorder(self, idx: torch.Tensor) -> None:
        c = self.cons
        self.cons = dataclasses.replace(c, pattern=c.pattern[idx], step=c.step[idx], live=c.live[idx],
                                        groups=c.groups[idx], used=c.used[idx],
                                        prev=None if c.prev is None else c.prev[idx])


def advance(cons: ConstraintState, tokens: torch.Tensor, forced: bool) -> None:
    """Advance the constraints; a forced (user-given) character never narrows the rhyme groups to nothing."""
    if not forced:
        cons.advance(tokens)
        return
    groups = cons.groups.clone()
    cons.advance(tokens)
    lost = ~cons.groups.any(1)  # a given line broke the rhyme: keep the groups it had
    cons.groups[lost] = groups[lost]


def advance_past(cons: ConstraintState, tok: int, fits: torch.Tensor, mask: torch.Tensor) -> None:
    """Advance every row by a given character ``tok``. A row whose pattern does not take it there
    (``fits`` false; ``mask`` the rows' mask before it) advances as if the first item its mask allows
    stood there — its templates alive, its rhyme groups and rhymes as they were, the given character its
    left context — so that one slip leaves the rest of the line judged on its own rules, not on none
    (fitting given lines to patterns; reading a poem up to a slot, :mod:`tangshi.decoding.suggest`)."""
    if bool(fits.all()):  # the common case: every row takes it
        advance(cons, torch.full_like(cons.step, tok), forced=True)
        return
    sub = torch.where(fits, torch.tensor(tok), mask.float().argmax(1))  # (B,): the first allowed item
    groups, used = cons.groups.clone(), cons.used.clone()
    advance(cons, sub, forced=True)
    miss = ~fits
    cons.groups[miss], cons.used[miss] = groups[miss], used[miss]
    if cons.prev is not None:  # the left context of the next character is the given one
        cons.prev = torch.where(cons.prev == len(cons.vocab.chars), cons.prev, torch.tensor(tok))


PROCESSOR = Rules
