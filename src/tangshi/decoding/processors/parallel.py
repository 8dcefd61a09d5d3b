"""Writing 对仗: a bias that favours, in the 对句 of a 律诗's middle couplets, the class of the 出句.

When the poet writes line 4 (the 颔联's 对句) or line 6 (the 颈联's), the 出句 above it is
known. At position j, for each candidate character v:

    bias(v) = β · m(class(v), class(出句[j]))

with m the credit of :mod:`tangshi.duizhang.score` at the class level (1 for the same class, ½ for the same coarse
part of speech, 0 otherwise; a class-less or 名物 出句 character gives no bias) and ``class`` the
character's usual class (:mod:`tangshi.duizhang.table`). Where the 出句 doubles a character (a 叠字 at j−1, j), the
character just written gets +β too, so 叠字 answers 叠字. The 出句's own character is not
favoured: the same character on both sides of a couplet is a fault of 对仗, not an answer; nor is
any character the poem already uses (the bias must not buy parallelism with repetition). And the
bias only reorders what the model finds plausible: a candidate more than :data:`WINDOW` nats below
the likeliest one gets none, so a rare word of the right class is not pulled out of the tail.
β (nats, :data:`PARALLEL_STRENGTH`) is set by measurement (docs/duizhang.md) and ``parallelism`` in a write
request overrides it; 0 turns it off.
The bias is added to the log-probabilities before sampling, after the rules' masks are taken: it
encourages, it never forces — the tones are still the masks' to decide.

The 首联 and 尾联 are free: real poets pair them less often (a 五律's 首联 about two times in
five, a 七律's one in four, a 尾联 one in five). Left alone, the poet pairs its 首联 more often
than that; so in the 对句 of the first and last couplets (lines 2 and 8) the same bias enters with
the opposite sign, −γ (:data:`FREEDOM`, set by measurement as β is), which keeps them no more
parallel than real ones. ``parallelism`` 0 turns both off.
"""
from __future__ import annotations

import numpy as np

from tangshi.decoding.processor import Processor, Setup, Step
from tangshi.duizhang.classes import CLASSES, COARSE, GENERIC
from tangshi.duizhang.table import load

PARALLEL_STRENGTH = {"五言律诗": 0.75, "七言律诗": 1.25}  # β per form (nats): bench/duizhang_sweep.py, docs/duizhang.md
FREEDOM = {"五言律诗": 0.5, "七言律诗": 0.25}  # γ per form (nats) in the 首联 and 尾联 (same sources)
AVOID_USED = True  # no favour for characters the poem already uses
WINDOW: float | None = 3.0  # nats below the likeliest candidate that may still be favoured (None: all)
ANSWER_LINES = (3, 5)  # 0-based: the 对句 of the 颔联 and the 颈联
FREE_LINES = (1, 7)  # 0-based: the 对句 of the 首联 and the 尾联


def strength(form: str, n_lines: int, line: int, parallelism: float | None) -> float:
    """The bias's signed strength on ``line`` (0-based) of a ``form`` poem of ``n_lines``: +β in
    the middle couplets' 对句, −γ in the first and last ones', 0 elsewhere and outside 律诗.
    ``parallelism`` overrides β (None: :data:`PARALLEL_STRENGTH`); 0 turns the bias off."""
    if n_lines != 8 or form not in PARALLEL_STRENGTH or parallelism == 0:
        return 0.0
    if line in ANSWER_LINES:
        return PARALLEL_STRENGTH[form] if parallelism is None else parallelism
    return -FREEDOM[form] if line in FREE_LINES else 0.0


def credit_rows() -> np.ndarray:
    """(K + 1, K + 1) m(k, k') over the classes, the last row and column for "no class"."""
    k = len(CLASSES)
    out = np.zeros((k + 1, k + 1), dtype=np.float32)
    for i, a in enumerate(CLASSES):
        if a in GENERIC:
            continue
        for j, b in enumerate(CLASSES):
            out[i, j] = 1.0 if a == b else 0.5 if COARSE[a] == COARSE[b] else 0.0
    return out


class ParallelBias:
    """The bias for one vocabulary (its characters in the model's script)."""

    def __init__(self, chars: list[str]) -> None:
        table = load()
        index = {c: i for i, c in enumerate(CLASSES)}
        self.cls = np.array([index.get(table.get(c, ""), len(CLASSES)) for c in chars])  # (V,) class id
        self.rows = credit_rows()[:, self.cls]  # (K + 1, V): m(k, class(v)) for each 出句 class k

    def bias(self, strength: float, above: np.ndarray, above_prev: np.ndarray | None,
             prev: np.ndarray | None, used: np.ndarray | None = None,
             logp: np.ndarray | None = None) -> np.ndarray:
        """(B, V) float32 nats for position j of the 对句: ``above`` (B,) the 出句's tokens at j,
        ``above_prev`` and ``prev`` (B,) the 出句's and this line's tokens at j − 1 (None at j = 0);
        ``used`` (B, V) bool, characters the poem already uses; ``logp`` (B, V) the model's
        log-probabilities, −inf where the rules forbid, for the :data:`WINDOW`."""
        out = strength * self.rows[self.cls[above]]  # (B, V)
        out[np.arange(len(above)), above] = 0.0  # the 出句's own character answers nothing (合掌 is a fault)
        if used is not None and AVOID_USED and strength > 0:
            out[used] = 0.0  # nor does a character the poem already has
        if logp is not None and WINDOW is not None:
            out[logp < logp.max(axis=1, keepdims=True) - np.float32(WINDOW)] = 0.0  # the tail stays the tail
        if above_prev is not None and prev is not None and strength > 0:
            rows = (above_prev == above).nonzero()[0]  # the 出句 doubles here: answer with a 叠字
            out[rows, prev[rows]] += np.float32(strength)
        return out


class Parallel(Processor):
    """The 对仗 bias in a decode: in each 对句 of a 律诗, toward the class of the 出句's character above."""

    order = 40

    def __init__(self, table: ParallelBias, form: str, n_lines: int, parallelism: float | None) -> None:
        self.table, self.form, self.n_lines, self.parallelism = table, form, n_lines, parallelism

    @classmethod
    def prepare(cls, chars: list[str], prosody: object, header: dict) -> ParallelBias:
        return ParallelBias(chars)

    @classmethod
    def create(cls, setup: Setup, prepared: ParallelBias) -> "Parallel | None":
        if setup.form.n_lines != 8 or setup.cfg.parallelism == 0:
            return None
        return cls(prepared, setup.form.name, setup.form.n_lines, setup.cfg.parallelism)

    def bias(self, step: Step) -> np.ndarray | None:
        beta = strength(self.form, self.n_lines, step.line, self.parallelism)  # ±nats, 0 off
        if not beta:
            return None
        out, line, pos = step.out, step.line, step.pos
        return self.table.bias(beta, out[:, line - 1, pos].numpy(), out[:, line - 1, pos - 1].numpy() if pos else None,
                               out[:, line, pos - 1].numpy() if pos else None, used=step.used, logp=step.masked)


PROCESSOR = Parallel
