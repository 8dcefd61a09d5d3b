"""``tangshi eval`` on the tiny model: every figure is present and sane; the text figures' known answers."""
from __future__ import annotations

import json
import math
import statistics

import pytest

from tangshi import metrics
from tangshi.cli import main

FORMS = {"五言绝句", "七言绝句", "五言律诗", "七言律诗"}


def test_text_figures_known_answers() -> None:
    assert metrics.distinct([["白日依山盡", "黃河入海流"]], 1) == 1.0
    assert metrics.distinct([["山山山山"]], 1) == 0.25
    assert metrics.distinct([["山山山山"]], 2) == 1 / 3
    # 《春望》: 白头搔更短 … no character twice; 叠字 none
    assert metrics.repeats(["国破山河在", "城春草木深", "感时花溅泪", "恨别鸟惊心"]) == 0
    # 古诗十九首: 青青河畔草，郁郁园中柳 — two 叠字, no repeat
    poem = ["青青河畔草", "郁郁园中柳", "盈盈楼上女", "皎皎当窗牖"]
    assert metrics.reduplications(poem) == 4 and metrics.repeats(poem) == 0 and metrics.max_uses(poem) == 2
    assert metrics.repeats(["山中山下山", "水上水"]) == 2 and metrics.max_uses(["山中山下山"]) == 3
    assert metrics.uses_title(["白日依山盡"], "登山") and not metrics.uses_title(["白日依山盡"], "秋夜")
    assert metrics.lines_apart(["甲", "乙", "丙"], ["甲", "乙", "丁"]) == 1
    assert metrics.spread([["甲", "乙"], ["甲", "丙"]]) == 0.75


def test_bootstrap_interval_brackets_the_mean() -> None:
    same = metrics.bootstrap_interval([0.5] * 40, resamples=200)
    assert same == (0.5, 0.5)  # no spread, no doubt
    values = [(-1) ** k * (k % 7) / 10 + 0.3 for k in range(300)]
    lo, hi = metrics.bootstrap_interval(values, resamples=2000, seed=3)
    mean, se = statistics.fmean(values), statistics.stdev(values) / len(values) ** 0.5
    assert lo < mean < hi and abs((hi - lo) - 2 * 1.96 * se) < 0.3 * (2 * 1.96 * se)  # the normal width, ±30%
    assert metrics.bootstrap_interval(values, resamples=2000, seed=3) == (lo, hi)  # seeded
    with pytest.raises(ValueError):
        metrics.bootstrap_interval([], resamples=10)


def test_paired_difference_is_after_minus_before_pair_by_pair() -> None:
    d = metrics.paired_difference([4.0, 5.0, 6.0, 5.0], [4.5, 5.5, 6.5, 5.5], resamples=500)
    assert d["before"] == 5.0 and d["after"] == 5.5 and d["diff"] == 0.5 and d["n"] == 4
    assert d["ci95"] == [0.5, 0.5]  # every pair moved alike: the titles' own spread cancels
    with pytest.raises(ValueError):
        metrics.paired_difference([1.0, 2.0], [1.0])


def test_eval_reports_every_figure(tiny_model, fixture_home, monkeypatch, capsys) -> None:
    monkeypatch.setenv("TANGSHI_HOME", str(fixture_home))
    assert main(["eval", "--model", str(tiny_model), "--poems", "6", "--per-mode", "2", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert set(r["perplexity"]["titles"]) == FORMS and set(r["perplexity"]["empty_titles"]) == FORMS
    assert all(1 < v < 1e5 for v in r["perplexity"]["titles"].values())
    assert set(r["perplexity"]["constrained"]) == FORMS
    from tangshi.judge import DEFAULT_JUDGE

    assert r["judge"] is (DEFAULT_JUDGE / "model.json").is_file()  # the shipped judge, when there is one
    for form in FORMS:
        real = r["real"][form]
        lvshi = form in ("五言律诗", "七言律诗")
        assert set(r["generated"][form]) == {"title", "free", "acrostic", "continuation", "beam"} | (
            {"title-plain"} if lvshi else set())
        if lvshi:  # 对仗 figures for real and generated 律诗, none for 绝句
            for x in (real, r["generated"][form]["title"], r["generated"][form]["title-plain"]):
                assert 0 <= x["dz_middle"] <= 1 and 0 <= x["dz_outer"] <= 1 and 0 <= x["dz_pos"] <= 1
        else:
            assert "dz_middle" not in real and "dz_middle" not in r["generated"][form]["title"]
        for mode, g in r["generated"][form].items():
            if g["count"] == 0:
                continue
            assert g["check_pass"] == 1.0, (form, mode)
            assert g["max_uses"] <= 2, (form, mode)  # never a character three times
            if r["judge"]:
                assert 0 < g["judge"] < 20 and math.isfinite(g["judge"])
            for key in ("distinct_1", "distinct_2", "copied_lines", "any_repeat"):
                assert 0 <= g[key] <= 1 and 0 <= real[key] <= 1
        assert "title_pmi" in r["generated"][form]["title"] and "title_pmi" in real
        for how in ("sample", "beam"):
            assert 0 < r["nbest"][form][how]["spread"] <= 1
    from tangshi.evaluate import ROWS, format_markdown, format_table

    md = format_markdown(r).splitlines()  # the model card's table (`--markdown`): a row per form and mode
    width = md[0].count("|")
    assert md[0].startswith("| form | poems |") and len(md[0].split("|")) == len(ROWS) + 4
    table = [row for row in md if row.startswith("| ") and row.count("|") == width]
    assert len(table) == 1 + sum(1 + len(modes) for modes in r["generated"].values())  # head, then real + modes
    for form in FORMS:
        assert sum(row.startswith(f"| {form} | real |") for row in table) == 1, form
        assert all(any(row.startswith(f"|  | {mode} |") for row in table) for mode in r["generated"][form])
    assert all(form in format_table(r) for form in FORMS)


def test_constrained_perplexity_renormalises_over_the_rules(tiny_model, fixture_home) -> None:
    """Under the rules' masks each real character is likelier than under the whole vocabulary:
    the constrained perplexity is below the same characters' plain one, the kept mass below 1."""
    import torch

    from tangshi import checkpoint
    from tangshi.corpus.build import load_dataset
    from tangshi.data import collate, encode_poems
    from tangshi.evaluate import constrained_perplexity
    from tangshi.hanzi import is_han

    model, vocab, _ = checkpoint.load(tiny_model)
    poems = load_dataset(fixture_home).split("train")
    c = constrained_perplexity(model, vocab, poems)
    assert set(c) == FORMS
    for form, x in c.items():
        assert x["poems"] > 0 and 0 < x["mass"] < 1 and 0 <= x["outside"] < 0.1, (form, x)
        assert 1 < x["ppl"] < len(vocab)
    # the plain perplexity of the same poems' characters (punctuation and the end left out) is higher
    rows = [p for p in poems if p.form == "五言律诗"]
    data = encode_poems(rows, vocab, 128)
    model.eval()
    with torch.inference_mode():
        lp = model.token_logprobs(collate(data, list(range(len(rows))), vocab.bos))
    targets = collate(data, list(range(len(rows))), vocab.bos).targets
    han = torch.tensor([[t >= 0 and is_han(vocab.chars[t]) for t in row] for row in targets.tolist()])
    plain = math.exp(float(-lp[han].mean()))
    assert c["五言律诗"]["ppl"] < plain


def test_eval_repeat_penalty_overrides_one_form(tiny_model, fixture_home, monkeypatch, capsys) -> None:
    """``--repeat-penalty 五绝=…`` reaches every 五绝 request and no other form's; bad values exit 2."""
    monkeypatch.setenv("TANGSHI_HOME", str(fixture_home))
    runs = {}
    for pen in ("0", "10"):
        assert main(["eval", "--model", str(tiny_model), "--poems", "6", "--per-mode", "2", "--json",
                     f"--repeat-penalty=五绝={pen}"]) == 0
        runs[pen] = json.loads(capsys.readouterr().out)
    assert runs["10"]["config"]["repeat_penalty"] == [["五言绝句", 10.0]]
    free, strict = (runs[p]["generated"]["五言绝句"]["title"] for p in ("0", "10"))
    assert strict["repeats"] == 0 and strict["repeats"] <= free["repeats"]  # 10 nats: no character twice
    assert runs["0"]["generated"]["七言绝句"] == runs["10"]["generated"]["七言绝句"]  # the other forms untouched
    _each_bad_value_exits_2(tiny_model, capsys, "--repeat-penalty", ("六绝=2", "五绝=99", "五绝"))


def _each_bad_value_exits_2(model, capsys, flag: str, values) -> None:
    for bad in values:
        try:
            code = main(["eval", "--model", str(model), "--poems", "1", f"{flag}={bad}"])
        except SystemExit as stop:  # argparse's own usage error
            code = stop.code
        assert code == 2, bad
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err, err


def test_a_penalty_override_at_the_table_value_changes_nothing(tiny_model) -> None:
    """Overriding with the decoder's own value writes the very same poems, in sampling and in beam search."""
    from tangshi.evaluate import generate
    from tangshi.poet import Poet

    poet = Poet.load(str(tiny_model))
    reqs = [{"title": "山中"}, {"title": "秋夜", "beam": 4}, {"title": "江上", "repeat_penalty": 0.5}]
    for form in ("五言绝句", "七言律诗"):
        plain = [[p.text for p in ps] for ps in generate(poet, form, reqs, 3)]
        same = [[p.text for p in ps] for ps in generate(poet, form, reqs, 3, repeat_penalty=poet.decoder.penalties[form])]
        assert plain == same


def test_eval_stock_weight_reaches_every_request_and_bad_values_exit_2(tiny_model, capsys) -> None:
    """``stock`` stands in for the default weight where a request names none; a request's own stays."""
    from collections import Counter

    from tangshi.decoding.processors.stock import STOCK_WEIGHT
    from tangshi.evaluate import generate
    from tangshi.poet import Poet

    plain = Poet.load(str(tiny_model))
    reqs = [{"title": "山中"}, {"title": "秋夜"}, {"title": "江上"}, {"title": "春日"}]
    before = generate(plain, "五言绝句", reqs, 3)
    pairs = Counter(line[i:i + 2] for ps in before for line in ps[0].lines for i in range(len(line) - 1))
    table = {p: 4.0 for p, _ in pairs.most_common(12)}
    stocked = Poet(plain.decoder.model, plain.vocab, {**plain.header, "decoding": {"stock_pairs": table}})
    text = lambda out: [ps[0].text for ps in out]  # noqa: E731
    default = text(generate(stocked, "五言绝句", reqs, 3))
    assert default != text(before)  # the table bites at the default weight
    assert text(generate(stocked, "五言绝句", reqs, 3, stock=STOCK_WEIGHT)) == default
    assert text(generate(stocked, "五言绝句", reqs, 3, stock=0.0)) == text(before)  # off: the plain poems
    assert text(generate(stocked, "五言绝句", [{**r, "stock": 0.0} for r in reqs], 3, stock=3.0)) == text(before)
    _each_bad_value_exits_2(tiny_model, capsys, "--stock", ("9", "-1", "x"))
