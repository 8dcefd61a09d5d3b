"""The 对仗 bias: its values per class, where it applies, and what it does to written 律诗."""
from __future__ import annotations

import numpy as np
import pytest

from tangshi.decoding.processors import parallel as bias_module
from tangshi.decoding.processors.parallel import ANSWER_LINES, FREE_LINES, PARALLEL_STRENGTH, ParallelBias, credit_rows, strength
from tangshi.duizhang.classes import CLASSES, GENERIC
from tangshi.duizhang.table import load

CHARS = ["山", "江", "花", "來", "去", "三", "萬", "紅", "白", "之", "𠀀"]


def test_table_holds_known_characters():
    t = load()
    assert (t["山"], t["江"], t["花"], t["來"], t["三"], t["紅"], t["東"]) == ("地理", "地理", "植物", "动词", "数目",
                                                                            "颜色", "方位")
    assert len(t) > 4000 and set(t.values()) <= set(CLASSES)


def test_credit_rows():
    m = credit_rows()
    k = {c: i for i, c in enumerate(CLASSES)}
    assert m[k["地理"], k["地理"]] == 1 and m[k["地理"], k["植物"]] == 0.5 and m[k["地理"], k["动词"]] == 0
    assert m[k["动词"], k["形容"]] == 0.5  # both 谓
    assert not m[[k[g] for g in GENERIC]].any() and not m[-1].any()  # no class above: no bias


def test_bias_values():
    pb = ParallelBias(CHARS)
    idx = {c: i for i, c in enumerate(CHARS)}
    above = np.array([idx["山"], idx["三"], idx["𠀀"]])
    b = pb.bias(2.0, above, None, None)  # (3, V)
    assert b.shape == (3, len(CHARS))
    assert b[0, idx["江"]] == 2.0 and b[0, idx["花"]] == 1.0 and b[0, idx["來"]] == 0.0
    assert b[1, idx["萬"]] == 2.0 and b[1, idx["山"]] == 0.0  # numbers answer numbers
    assert not b[2].any()  # a character the table does not know steers nothing
    assert b[0, idx["山"]] == 0.0 and b[1, idx["三"]] == 0.0  # the 出句's own character is not an answer


def test_reduplication_answers_reduplication():
    pb = ParallelBias(CHARS)
    idx = {c: i for i, c in enumerate(CHARS)}
    above, above_prev = np.array([idx["紅"], idx["紅"]]), np.array([idx["紅"], idx["白"]])
    prev = np.array([idx["白"], idx["白"]])
    b = pb.bias(1.5, above, above_prev, prev)
    assert b[0, idx["白"]] == 1.5 + 1.5  # same class (颜色) and the 叠字 above: double it
    assert b[1, idx["白"]] == 1.5  # no 叠字 above: the class alone


@pytest.mark.parametrize("n_lines, line, sign", [(8, 3, 1), (8, 5, 1), (8, 1, -1), (8, 7, -1), (8, 2, 0),
                                                 (8, 0, 0), (4, 3, 0), (4, 1, 0)])
def test_strength_by_line(n_lines, line, sign, monkeypatch):
    """+β in the middle couplets' 对句, −γ in the first and last ones', nothing elsewhere or in 绝句."""
    monkeypatch.setitem(bias_module.FREEDOM, "五言律诗", 0.5)
    s = strength("五言律诗", n_lines, line, None)
    assert s == {1: PARALLEL_STRENGTH["五言律诗"], -1: -0.5, 0: 0.0}[sign] and ANSWER_LINES == (3, 5) and FREE_LINES == (1, 7)
    assert strength("五言律诗", n_lines, line, 0.0) == 0.0  # parallelism 0 turns both off
    if sign == 1:
        assert strength("五言律诗", n_lines, line, 2.0) == 2.0  # the request overrides β
    assert strength("五言绝句", n_lines, line, None) == 0.0


def test_used_characters_and_the_tail_get_no_favour(monkeypatch):
    pb = ParallelBias(CHARS)
    idx = {c: i for i, c in enumerate(CHARS)}
    above = np.array([idx["山"], idx["山"]])
    used = np.zeros((2, len(CHARS)), dtype=bool)
    used[0, idx["江"]] = True  # row 0 already wrote 江
    b = pb.bias(2.0, above, None, None, used=used)
    assert b[0, idx["江"]] == 0.0 and b[1, idx["江"]] == 2.0 and b[0, idx["花"]] == 1.0
    logp = np.zeros((2, len(CHARS)), dtype=np.float32)
    logp[1, idx["江"]] = -(bias_module.WINDOW + 1)  # far below the likeliest: the tail stays the tail
    b = pb.bias(2.0, above, None, None, logp=logp)
    assert b[0, idx["江"]] == 2.0 and b[1, idx["江"]] == 0.0
    neg = pb.bias(-0.5, above, None, None, used=used)  # the counter-bias of the free couplets
    assert neg[0, idx["江"]] == -0.5 and neg[0, idx["花"]] == -0.25 and neg[0, idx["來"]] == 0.0


def test_bias_makes_middle_couplets_pair_and_keeps_the_rules(poet):
    """On the tiny fixture poet, a strong bias makes the 对句 of the middle couplets take the
    出句's classes (by the table) more often than no bias, the outer couplets unchanged in kind,
    and every poem still passes the strict check."""
    from tangshi.prosody import check
    from tangshi.script import from_model

    t = load()

    def agreement(poems, lines):
        pairs = [(t.get(p.lines[i - 1][j]), t.get(p.lines[i][j]))
                 for p in poems for i in lines for j in range(len(p.lines[i]))]
        same = [a is not None and a == b for a, b in pairs]
        return sum(same) / len(same)

    kw = dict(form="五言律诗", script="traditional", n=1, candidates=8)
    plain = [poet.write(**kw, parallelism=0.0, seed=s)[0] for s in range(6)]
    biased = [poet.write(**kw, parallelism=5.0, seed=s)[0] for s in range(6)]
    assert agreement(biased, (3, 5)) > agreement(plain, (3, 5)) + 0.1
    for p in biased:
        assert check(from_model("，".join(p.lines), "simplified")).ok
