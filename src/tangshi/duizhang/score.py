"""The 对仗 score of a couplet: its two lines aligned position by position, class against class.

For lines a (出句) and b (对句) of n characters, each position i pairs the class of the word
that covers a[i] with the one that covers b[i] (a two-character word such as 长安 gives its class
to both its positions). A pair scores

    m(i) = 1    the same tag to the tagger's finest grain (山/江 both 名詞·固定物·地形; 来/去 both
                動詞·行為·移動), or a strong pair
    m(i) = ¾    the same 对仗 class only (天文/天文, 动词/动词 …; 名物/名物 excepted)
    m(i) = ½    the same coarse part of speech only (名/名: 山/花 地理·植物; 名物 against any noun)
    m(i) = 0    otherwise

and the couplet scores S = Σ m(i) / n. Strong pairs are 数目, 颜色 or 方位 on both sides and
叠字 against 叠字 (a[i] = a[i+1] and b[i] = b[i+1]: 萧萧/滚滚 score 1 at both positions,
whatever their tags). Beside S two plainer figures: ``pos`` the share of positions with the same
coarse part of speech, ``nouns`` of the positions where both sides are nouns (名), the share with
the same semantic class. A couplet is *parallel* when S ≥ :data:`PARALLEL`, a threshold measured
on the corpus (docs/duizhang.md: it best separates the middle couplets of real 律诗 from their
first and last ones on the train split).
"""
from __future__ import annotations

from dataclasses import dataclass

from tangshi.duizhang.classes import COARSE, GENERIC, STRONG
from tangshi.duizhang.tagger import Token

EXACT, CLASS, COARSE_ONLY = 1.0, 0.75, 0.5  # the credits m(i) above (set on the train split: docs/duizhang.md)
# S at or above this: a parallel couplet. Youden's J on the train split's 律诗 (middle against outer
# couplets) peaks at 11/28 = 0.393; every value in (0.357, 0.393] gives the same verdicts on 5- and
# 7-character lines (their scores are multiples of 1/20 and 1/28). bench/duizhang.py; docs/duizhang.md
PARALLEL = 0.39


@dataclass(frozen=True)
class Pair:
    """One aligned unit: the two words (as they stand in their lines), their classes and the credit."""

    a: str
    b: str
    cls_a: str
    cls_b: str
    credit: float  # m(i) per position covered, averaged over the unit
    strong: bool

    def to_json(self) -> dict:
        return {"a": self.a, "b": self.b, "class_a": self.cls_a, "class_b": self.cls_b,
                "credit": round(self.credit, 3), "strong": self.strong}


@dataclass(frozen=True)
class CoupletScore:
    """The score of one couplet; ``pairs`` are the aligned words, in order."""

    score: float
    pos: float
    nouns: float | None  # None when no position has a noun on both sides
    pairs: tuple[Pair, ...]

    @property
    def parallel(self) -> bool:
        return self.score >= PARALLEL - 1e-9


def credits(a: tuple[Token, ...], b: tuple[Token, ...]) -> list[tuple[float, bool]]:
    """(credit, strong) per position of two tagged lines of equal length."""
    assert len(a) == len(b), "a couplet's lines have one length"
    n = len(a)
    out = []
    for x, y in zip(a, b):
        if x.cls == y.cls and x.cls in STRONG:
            out.append((1.0, True))
        elif x.cls == y.cls and x.cls not in GENERIC:
            out.append((EXACT if (x.upos, x.xpos) == (y.upos, y.xpos) else CLASS, False))
        elif COARSE[x.cls] == COARSE[y.cls]:
            out.append((COARSE_ONLY, False))
        else:
            out.append((0.0, False))
    for i in range(n - 1):  # 叠字 against 叠字
        if a[i].char == a[i + 1].char and b[i].char == b[i + 1].char:
            out[i] = out[i + 1] = (1.0, True)
    return out


def _units(a: tuple[Token, ...], b: tuple[Token, ...]) -> list[range]:
    """Spans of positions that are one word on either side (word by word where the tagger segments;
    a 叠字 against a 叠字 is one unit)."""
    n = len(a)
    doubled = {i + 1 for i in range(n - 1) if a[i].char == a[i + 1].char and b[i].char == b[i + 1].char}
    spans, start = [], 0
    for i in range(1, n + 1):  # a boundary where both lines start a word, and not inside a 叠字 pair
        if i == n or (a[i].start == i and b[i].start == i and i not in doubled):
            spans.append(range(start, i))
            start = i
    return spans


def score_couplet(a: tuple[Token, ...], b: tuple[Token, ...]) -> CoupletScore:
    """The :class:`CoupletScore` of the tagged 出句 ``a`` and 对句 ``b``."""
    cr = credits(a, b)
    n = len(a)
    pos = sum(COARSE[x.cls] == COARSE[y.cls] for x, y in zip(a, b)) / n
    noun = [x.cls == y.cls and x.cls not in GENERIC for x, y in zip(a, b)
            if COARSE[x.cls] == "名" and COARSE[y.cls] == "名"]
    pairs = []
    for span in _units(a, b):
        i, j = span.start, span.stop
        pairs.append(Pair("".join(t.char for t in a[i:j]), "".join(t.char for t in b[i:j]),
                          a[i].cls, b[i].cls, sum(c for c, _ in cr[i:j]) / (j - i), any(s for _, s in cr[i:j])))
    return CoupletScore(sum(c for c, _ in cr) / n, pos, sum(noun) / len(noun) if noun else None, tuple(pairs))
