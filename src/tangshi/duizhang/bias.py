"""Writing 对仗: a bias that favours, in the 对句 of a 律诗's middle couplets, the class of the 出句.

When the poet writes line 4 (the 颔联's 对句) or line 6 (the 颈联's), the 出句 above it is
known. At position j, for each candidate character v:

    bias(v) = β · m(class(v), class(出句[j]))

with m the credit of :mod:`.score` at the class level (1 for the same class, ½ for the same coarse
part of speech, 0 otherwise; a class-less or 名物 出句 character gives no bias) and ``class`` the
character's usual class (:mod:`.table`). Where the 出句 doubles a character (a 叠字 at j−1, j), the
character just written gets +β too, so 叠字 answers 叠字. The 出句's own character is not
favoured: the same character on both sides of a couplet is a fault of 对仗, not an answer. β (nats, :data:`STRENGTH`) is set by
measurement (docs/duizhang.md) and ``parallelism`` in a write request overrides it; 0 turns it off.
The bias is added to the log-probabilities before sampling, after the rules' masks are taken: it
encourages, it never forces — the tones are still the masks' to decide. 首联 and 尾联 are free.
"""
from __future__ import annotations

import numpy as np

from tangshi.duizhang.classes import CLASSES, COARSE, GENERIC
from tangshi.duizhang.table import load

STRENGTH = {"五言律诗": 0.75, "七言律诗": 1.25}  # β per form (nats): bench/duizhang_sweep.py, docs/duizhang.md
ANSWER_LINES = (3, 5)  # 0-based: the 对句 of the 颔联 and the 颈联


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

    def applies(self, n_lines: int, line: int) -> bool:
        """Is ``line`` (0-based) of a poem of ``n_lines`` the 对句 of a middle couplet of a 律诗?"""
        return n_lines == 8 and line in ANSWER_LINES

    def bias(self, strength: float, above: np.ndarray, above_prev: np.ndarray | None,
             prev: np.ndarray | None) -> np.ndarray:
        """(B, V) float32 nats for position j of the 对句: ``above`` (B,) the 出句's tokens at j,
        ``above_prev`` and ``prev`` (B,) the 出句's and this line's tokens at j − 1 (None at j = 0)."""
        out = strength * self.rows[self.cls[above]]  # (B, V)
        out[np.arange(len(above)), above] = 0.0  # the 出句's own character answers nothing (合掌 is a fault)
        if above_prev is not None and prev is not None:
            rows = np.flatnonzero(above_prev == above)  # the 出句 doubles here: answer with a 叠字
            out[rows, prev[rows]] += np.float32(strength)
        return out
