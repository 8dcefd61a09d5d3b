"""对仗 for a whole poem: each couplet of a 律诗 (or 排律) scored, or the reason it could not be.

Only the regulated shapes of eight lines or more are scored (a 绝句's couplets are free). The
couplets are named as the tradition names them: 首联 (lines 1–2), 颔联 (3–4), 颈联 (5–6), 尾联
(the last two); the middle ones of a 排律 are numbered (第2联 …). The report is a note, never an error: a few
celebrated 律诗 have no parallel couplet.
"""
from __future__ import annotations

from dataclasses import dataclass

from tangshi.duizhang.score import CoupletScore, score_couplet
from tangshi.duizhang.tagger import Unavailable, tag

NAMES = {0: "首联", 1: "颔联", 2: "颈联"}


def couplet_name(k: int, n_couplets: int) -> str:
    """The traditional name of couplet ``k`` (0-based) of a poem of ``n_couplets``."""
    if k == n_couplets - 1:
        return "尾联"
    return NAMES[k] if n_couplets == 4 or k == 0 else f"第{k + 1}联"


@dataclass(frozen=True)
class Couplet:
    """One couplet's 对仗: ``lines`` (1-based), its name, and its score or why there is none."""

    lines: tuple[int, int]
    name: str
    middle: bool
    result: CoupletScore | None
    reason: str = ""

    def to_json(self) -> dict:
        out = {"lines": list(self.lines), "name": self.name, "middle": self.middle,
               "scored": self.result is not None}
        if self.result is None:
            out["reason"] = self.reason
            return out
        r = self.result
        out.update(score=round(r.score, 3), parallel=r.parallel, pos=round(r.pos, 3),
                   nouns=None if r.nouns is None else round(r.nouns, 3), pairs=[p.to_json() for p in r.pairs])
        return out


def scoreable(lines: list[str]) -> bool:
    """A 律诗 or 排律 shape: eight lines or more, an even number, of five or seven characters each."""
    return len(lines) >= 8 and len(lines) % 2 == 0 and len({len(x) for x in lines}) == 1 and len(lines[0]) in (5, 7)


def duizhang(lines: list[str]) -> tuple[Couplet, ...]:
    """Each couplet of ``lines`` scored (empty when the shape has no 对仗 to score)."""
    if not scoreable(lines):
        return ()
    n = len(lines) // 2
    out = []
    for k in range(n):
        a, b = lines[2 * k], lines[2 * k + 1]
        pair, name = (2 * k + 1, 2 * k + 2), couplet_name(k, n)
        try:
            out.append(Couplet(pair, name, 0 < k < n - 1, score_couplet(tag(a), tag(b))))
        except Unavailable as err:
            out.append(Couplet(pair, name, 0 < k < n - 1, None, str(err)))
    return tuple(out)


def summary(poems: list[list[str]]) -> dict[str, float]:
    """对仗 figures over ``poems`` (lists of lines): the share of middle couplets called parallel
    (``dz_middle``) and of first and last ones (``dz_outer``; apart, ``dz_first`` and
    ``dz_last``); over the middle couplets, the mean score, the part-of-speech agreement and the
    noun-class agreement (``dz_score``, ``dz_pos``, ``dz_nouns``). Empty when no poem is a scoreable shape or the tagger is unavailable."""
    middle, outer, first, last = [], [], [], []
    for lines in poems:
        couplets = duizhang(lines)
        for c in couplets:
            if c.result is not None:
                (middle if c.middle else outer).append(c.result)
        if couplets and couplets[0].result is not None:
            first.append(couplets[0].result.parallel)
        if couplets and couplets[-1].result is not None:
            last.append(couplets[-1].result.parallel)
    if not middle:
        return {}
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")  # noqa: E731
    nouns = [r.nouns for r in middle if r.nouns is not None]
    return {"dz_middle": mean([r.parallel for r in middle]), "dz_outer": mean([r.parallel for r in outer]),
            "dz_first": mean(first), "dz_last": mean(last),
            "dz_score": mean([r.score for r in middle]), "dz_pos": mean([r.pos for r in middle]),
            "dz_nouns": mean(nouns)}
