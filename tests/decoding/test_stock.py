"""The stock-pair bias: the header's table checked, the bias where the pair's first character stands
before, and a poet that writes fewer of its stock pairs when asked to divide them out."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import torch

from tangshi.decoding import model_stock
from tangshi.decoding.processor import Step
from tangshi.decoding.processors.stock import STOCK_WEIGHT, Stock, StockTable
from tangshi.errors import CheckpointError
from tangshi.poet import Poet


@pytest.mark.parametrize("table", [{"春": 1.0}, {"春風": -0.5}, {"春風": 9.0}, {"春風": True}, ["春風"], [], 0, ""])
def test_a_bad_table_in_a_header_is_one_clear_error(table) -> None:
    with pytest.raises(CheckpointError, match="stock_pairs"):
        model_stock({"decoding": {"stock_pairs": table}})
    with pytest.raises(CheckpointError, match="decoding"):
        model_stock({"decoding": ["stock_pairs"]})


def test_a_header_without_a_table_has_none() -> None:
    assert model_stock({}) == {} and model_stock({"decoding": {"repeat_penalty": {}}}) == {}
    assert model_stock({"decoding": None}) == {} and model_stock({"decoding": {"stock_pairs": None}}) == {}
    assert model_stock({"decoding": {"stock_pairs": {"春風": 2}}}) == {"春風": 2.0}


def test_the_bias_falls_on_what_follows_the_character_before_in_the_line() -> None:
    index = {c: k for k, c in enumerate("春風明月秋")}
    table = StockTable({"春風": 2.0, "明月": 1.0, "春月": 0.5, "天涯": 3.0}, index)  # 天涯: not in the vocabulary
    assert len(table) == 3
    stock = Stock(table, weight=0.5, V=5)
    out = torch.zeros(3, 1, 5, dtype=torch.long)
    out[:, 0, 0] = torch.tensor([index["春"], index["明"], index["秋"]])
    assert stock.bias(Step(0, 0, None, out, np.zeros((3, 5), bool))) is None  # a line's first character
    bias = stock.bias(Step(0, 1, None, out, np.zeros((3, 5), bool)))
    assert bias.tolist() == [[0, -1.0, 0, -0.25, 0], [0, 0, 0, -0.5, 0], [0, 0, 0, 0, 0]]


def _pairs(poems) -> Counter:
    return Counter(line[i:i + 2] for p in poems for line in p.lines for i in range(len(line) - 1))


def test_a_poet_writes_fewer_of_its_stock_pairs_when_they_are_divided_out(tiny_model) -> None:
    plain = Poet.load(tiny_model)
    seeds = range(6)
    before = [plain.write(form="五绝", seed=s, script="traditional")[0] for s in seeds]
    common = {p: 4.0 for p, _ in _pairs(before).most_common(12)}
    header = {**plain.header, "decoding": {**(plain.header.get("decoding") or {}), "stock_pairs": common}}
    stocked = Poet(plain.decoder.model, plain.vocab, header)
    same = [stocked.write(form="五绝", seed=s, script="traditional", stock=0)[0] for s in seeds]
    assert [p.lines for p in same] == [p.lines for p in before]  # stock 0: the same poems
    after = [stocked.write(form="五绝", seed=s, script="traditional", stock=1.0)[0] for s in seeds]
    hits = lambda poems: sum(_pairs(poems)[p] for p in common)  # noqa: E731
    assert hits(after) < hits(before) / 2
    default = [stocked.write(form="五绝", seed=s, script="traditional")[0] for s in seeds]
    assert [p.lines for p in default] == [p.lines for p in
                                          (stocked.write(form="五绝", seed=s, script="traditional", stock=STOCK_WEIGHT)[0]
                                           for s in seeds)]
    assert hits(default) < hits(before)


def test_stock_pairs_go_with_beams_acrostics_and_kept_lines(tiny_model) -> None:
    """Rows reordered by a beam step, an acrostic's given heads and kept lines: the poems still keep the rules."""
    plain = Poet.load(tiny_model)
    first = plain.write(form="五绝", seed=1, script="traditional", stock=0)[0]
    common = {p: 4.0 for p, _ in _pairs([first]).most_common(8)}
    stocked = Poet(plain.decoder.model, plain.vocab, {**plain.header, "decoding": {"stock_pairs": common}})
    heads = "".join(line[0] for line in first.lines)
    for fields in (dict(beam=4, n=2), dict(acrostic=heads), dict(poem="，".join(first.lines), keep="1,3")):
        poems = stocked.write(form="五绝", seed=2, script="traditional", stock=1.0, **fields)
        assert poems and all(p.check["ok"] for p in poems), fields


def _script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "stock_pairs.py"
    spec = importlib.util.spec_from_file_location("stock_pairs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_over_use_is_the_log_ratio_of_rates_and_later_rounds_add_what_remains() -> None:
    script = _script()
    poet = Counter({"春風": 6, "明月": 3, "白雲": 1})  # 10 pairs
    real = Counter({"春風": 1, "明月": 30, "白雲": 9, "青山": 60})  # 100 pairs
    table = script.over_use(poet, real, min_count=3, min_nats=0.5)
    # 春風: (6/10) / (1.5/100) = 40 → log 40; 明月: (3/10) / (30.5/100) under 1.65-fold; 白雲: too rare
    assert table == {"春風": round(float(np.log(40)), 3)}
    later = script.add_residual(table, {"春風": 0.2, "明月": 0.7})
    assert later == {"春風": round(float(np.log(40)) + 0.2, 3), "明月": 0.7}
    from tangshi.decoding.processors.stock import STOCK_MAX
    assert script.add_residual({"春風": STOCK_MAX - 0.1}, {"春風": 1.0}) == {"春風": STOCK_MAX}
