"""Writing to a plan: each slot's lines are steered toward the slot's keyword (:mod:`tangshi.plan`).

A row's plan gives a keyword (one or two characters) to each slot: a line of a 绝句, a couplet of a
律诗 (:func:`tangshi.plan.slot_lines`). While the keyword does not yet stand in its slot's lines, at
each character step of those lines, for each candidate character v:

- **start**: +β if v is the keyword's first character, at a word's first position (characters 1, 3
  of a 五言 line; 1, 3, 5 of a 七言 one, :data:`STARTS`) with room for the whole keyword before the
  line's last character — and only where v is at most :data:`WINDOW` nats below the likeliest
  allowed candidate: the plan reorders what the model finds plausible, it does not pull a keyword
  out of the tail (a one-character keyword may start anywhere but the last position);
- **finish**: +:data:`FINISH` if the character just placed is the keyword's first and v its second,
  so a begun keyword is completed.

β (nats) is :data:`PLAN_STRENGTH`. The masks are applied first: a keyword whose tones do not fit
where it would stand is not placed there. Whether each keyword stands in its lines is the poem's to
report (``Poem.plan``); a plan the rules do not let the poet meet is reported unmet, not dropped.
"""
from __future__ import annotations

import numpy as np
import torch

from tangshi.decoding.processor import Processor, Setup, Step
from tangshi.plan import SLOTS, slot_of

PLAN_STRENGTH = 6.0  # β: nats toward a keyword's first character (57% of planned keywords stand: bench/plans.py)
FINISH = 10.0        # nats toward its second once the first stands
WINDOW = 8.0         # nats below the likeliest allowed candidate a keyword may start
STARTS = {5: (0, 2), 7: (0, 2, 4)}  # word starts (0-based) that leave the line's last character free


def fits(word: list[int], pattern, lines: tuple[int, ...], prosody) -> bool:
    """Whether a keyword (token ids) can stand in one of ``lines`` of ``pattern`` where this bias would
    start it (:data:`STARTS`; a one-character keyword anywhere but a line's last position), by the tones
    its characters may take (``prosody``: tangshi.masks.constraints.VocabProsody, lenient readings)."""
    n = pattern.form.n_chars
    ok = {"P": prosody.may_ping, "Z": prosody.may_ze}
    starts = STARTS[n] if len(word) == 2 else range(n - 1)
    for line in lines:
        template = pattern.lines[line].template
        for p in starts:
            if all(template[p + j] == "*" or bool(ok[template[p + j]][t]) for j, t in enumerate(word)):
                return True
    return False


class Plan(Processor):
    """The plan bias in a decode (see the module docstring)."""

    order = 70

    def __init__(self, plans: list[list[tuple[int, ...] | None]], n_lines: int, n_chars: int, V: int) -> None:
        self.plans = plans  # (B,) per slot: the keyword's token ids, or None
        self.n_lines, self.n_chars, self.V = n_lines, n_chars, V
        self.met = np.zeros((len(plans), SLOTS), dtype=bool)  # (B, slots)

    @classmethod
    def create(cls, setup: Setup, prepared: None) -> "Plan | None":
        if not setup.plans or not any(any(p) for p in setup.plans):
            return None
        return cls([list(p) for p in setup.plans], setup.form.n_lines, setup.form.n_chars, setup.vocab_size)

    def bias(self, step: Step) -> np.ndarray | None:
        k = slot_of(step.line, self.n_lines)
        out = None
        best = None
        for b, plan in enumerate(self.plans):
            word = plan[k] if k < len(plan) else None
            if word is None or self.met[b, k]:
                continue
            if out is None:
                out = np.zeros((len(self.plans), self.V), dtype=np.float32)
                best = step.masked.max(axis=1)  # (B,) the likeliest allowed candidate
            prev = int(step.out[b, step.line, step.pos - 1]) if step.pos > 0 else None
            if len(word) == 2 and prev == word[0]:
                out[b, word[1]] += FINISH
                continue
            room = step.pos <= self.n_chars - 1 - len(word)  # the keyword ends before the last character
            start = step.pos in STARTS[self.n_chars] if len(word) == 2 else True
            if room and start and step.masked[b, word[0]] >= best[b] - WINDOW:
                out[b, word[0]] += PLAN_STRENGTH
        return out

    def advance(self, step: Step, tokens: torch.Tensor) -> None:
        k = slot_of(step.line, self.n_lines)
        for b, plan in enumerate(self.plans):
            word = plan[k] if k < len(plan) else None
            if word is None or self.met[b, k]:
                continue
            t = int(tokens[b])
            if len(word) == 1:
                self.met[b, k] = t == word[0]
            elif step.pos > 0 and int(step.out[b, step.line, step.pos - 1]) == word[0] and t == word[1]:
                self.met[b, k] = True

    def reorder(self, idx: torch.Tensor) -> None:
        i = idx.numpy()
        self.plans = [self.plans[j] for j in i]
        self.met = self.met[i]


PROCESSOR = Plan
