"""The plan: keywords of real lines, the planner, the request's keywords, the decoder's bias, the output."""
from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
import torch

from tangshi.decoding.processor import Step
from tangshi.decoding.processors.plan import FINISH, PLAN_STRENGTH, STARTS, Plan
from tangshi.errors import InputError
from tangshi.plan import SLOTS, slot_lines
from tangshi.plan.keywords import MIN_DF, keyword, words
from tangshi.plan.planner import Planner, load
from tangshi.request import WriteRequest
from tangshi.setting.lexicon import names


def test_words_stand_at_a_lines_word_positions() -> None:
    assert words("床前明月光") == ["床前", "明月", "月光"]
    assert words("兩個黃鸝鳴翠柳") == ["兩個", "黃鸝", "鳴翠", "翠柳"]
    assert words("春眠") == []
    assert slot_lines(4) == [(0,), (1,), (2,), (3,)] and slot_lines(8) == [(0, 1), (2, 3), (4, 5), (6, 7)]


def test_the_keyword_is_the_rarest_common_word_of_the_line() -> None:
    df = Counter({"床前": MIN_DF + 5, "明月": 800, "月光": MIN_DF - 1})
    assert keyword("床前明月光", df, 50_000) == "床前"  # rarer than 明月; 月光 too rare to be a word
    assert keyword("床前明月光", Counter(), 50_000) is None


def test_the_planner_plans_around_the_given_keywords() -> None:
    p = Planner(title={"秋": {"白露": 2.0, "春風": 3.0, "寒砧": 1.5}, "夜": {"殘燈": 2.5}},
                co={"白露": {"寒砧": 1.0}, "殘燈": {"孤舟": 3.0}}, df={})
    plan = p.plan("秋夜", ["明月"])
    assert plan[0] == "明月" and len(plan) == SLOTS
    assert "春風" not in plan  # spring words in an autumn title: a clash
    assert "明月" not in plan[1:] and len({c for w in plan if w for c in w}) == sum(len(w) for w in plan if w)
    assert plan[1] == "殘燈" and plan[2] == "孤舟"  # the best by title, then what goes with it
    assert p.plan("秋夜", known=lambda w: w != "殘燈")[0] == "白露"
    assert p.plan("無題") == [None] * SLOTS  # nothing known of the title, nothing given: no plan
    draws = {tuple(p.plan("秋夜", rng=random.Random(s))) for s in range(20)}
    assert len(draws) > 1


def test_the_shipped_planner_keeps_to_the_title() -> None:
    planner = load()
    frontier = planner.plan("塞下曲")
    assert all(frontier) and names("".join(frontier))["place"] == {"塞"}
    autumn = planner.plan("秋夜")
    assert not names("".join(w for w in autumn if w))["season"] - {"秋"}


@pytest.mark.parametrize("keywords, message", [("春 夏 秋 冬 雪", "5 keywords"), ("明月光", "one or two"),
                                               ("ab", "one or two")])
def test_bad_keywords_are_one_error_naming_the_field(keywords: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        WriteRequest(form="五绝", keywords=keywords)
    assert err.value.field == "keywords"
    assert WriteRequest(form="五绝", keywords="梅，雪、故人").keyword_list() == ["梅", "雪", "故人"]


def test_the_bias_starts_a_keyword_where_a_word_starts_and_finishes_it() -> None:
    V = 6
    proc = Plan([[(2, 3), None, None, None]], n_lines=4, n_chars=5, V=V)
    out = torch.zeros(1, 4, 5, dtype=torch.long)
    flat = dict(logp=torch.zeros(1, V), allowed=torch.ones(1, V, dtype=torch.bool))  # every candidate as likely
    bias = proc.bias(Step(0, 0, None, out, np.zeros((1, V), bool), **flat))
    assert bias[0, 2] == PLAN_STRENGTH and bias[0].sum() == PLAN_STRENGTH
    at_one = proc.bias(Step(0, 1, None, out, np.zeros((1, V), bool), **flat))
    assert at_one is not None and at_one[0].sum() == 0  # position 2 starts no word
    out[0, 0, 2] = 2  # the first character stands at position 3
    step = Step(0, 3, None, out, np.zeros((1, V), bool), **flat)
    assert proc.bias(step)[0, 3] == FINISH
    out[0, 0, 3] = 3
    proc.advance(step, torch.tensor([3]))
    assert proc.met[0, 0] and proc.bias(Step(0, 4, None, out, np.zeros((1, V), bool), **flat)) is None
    assert 1 not in STARTS[5]


def test_a_poem_reports_its_plan(shipped) -> None:
    poem = shipped.write(form="七律", title="秋夜", keywords="明月 故人", seed=3)[0]
    assert [k["keyword"] for k in poem.plan[:2]] == ["明月", "故人"] and len(poem.plan) == SLOTS
    assert [k["lines"] for k in poem.plan] == [[1, 2], [3, 4], [5, 6], [7, 8]]
    for k in poem.plan:
        assert k["met"] == any(k["keyword"] in poem.lines[i - 1] for i in k["lines"])
    assert poem.to_json()["plan"] == poem.plan
    assert shipped.write(form="五绝", title="秋夜", seed=3)[0].plan == []  # no keywords, no plan asked
    drawn = shipped.write(form="五绝", title="塞下曲", plan=True, seed=3)[0]
    assert len(drawn.plan) == SLOTS and drawn.check["ok"]


def test_a_planned_keyword_stands_far_more_often_than_by_chance(shipped) -> None:
    """The bias works: most given keywords stand in their lines (without it, almost none would)."""
    poems = [shipped.write(form="七绝", title="秋夜", keywords="明月 故人 孤舟 寒山", seed=s)[0] for s in range(4)]
    met = sum(k["met"] for p in poems for k in p.plan)
    assert met >= 8, met


def test_a_keyword_the_model_cannot_read_or_place_is_one_error(shipped) -> None:
    with pytest.raises(InputError, match="keyword") as err:
        shipped.write(form="五绝", keywords="𠀋")
    assert err.value.field == "keywords"


def test_a_keyword_whose_tones_fit_nowhere_in_its_lines_is_refused(shipped) -> None:
    """Checked against the templates independently of the poet's own check."""
    from tangshi.decoding import choose_patterns
    from tangshi.request import WriteRequest as W

    vp = shipped.decoder.prosody
    may = {"P": vp.may_ping, "Z": vp.may_ze}
    index = shipped.vocab.index
    tried = 0
    for word in ["落日", "明月", "白雲", "故人", "萬里", "千山"]:
        req = W(form="五绝", start="仄起", first_rhymes=False, keywords=word)
        pats = choose_patterns(req.form_spec, req.start, req.first_rhymes)
        ids = [index[c] for c in word]
        fits = any(all(t[p + j] == "*" or bool(may[t[p + j]][i]) for j, i in enumerate(ids))
                   for pat in pats for t in [pat.lines[0].template] for p in STARTS[5])
        if fits:
            shipped.write(req)
        else:
            with pytest.raises(InputError, match="cannot stand in line 1"):
                shipped.write(req)
        tried += 1
    assert tried == 6


@pytest.fixture(scope="module")
def shipped():
    from tangshi.poet import Poet

    return Poet.load()
