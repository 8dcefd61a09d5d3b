"""``tangshi eval`` on the tiny model: every figure is present and sane."""
from __future__ import annotations

import json
import math

from tangshi.cli import main
from tangshi.evaluate import distinct

FORMS = {"五言绝句", "七言绝句", "五言律诗", "七言律诗"}


def test_distinct_known_answers() -> None:
    assert distinct([["白日依山盡", "黃河入海流"]], 1) == 1.0
    assert distinct([["山山山山"]], 1) == 0.25
    assert distinct([["山山山山"]], 2) == 1 / 3


def test_eval_reports_every_figure(tiny_model, fixture_home, monkeypatch, capsys) -> None:
    monkeypatch.setenv("TANGSHI_HOME", str(fixture_home))
    assert main(["eval", "--model", str(tiny_model), "--poems", "6", "--per-mode", "2", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert set(r["perplexity"]["titles"]) == FORMS and set(r["perplexity"]["empty_titles"]) == FORMS
    assert all(1 < v < 1e5 for v in r["perplexity"]["titles"].values())
    for form in FORMS:
        g, real = r["generated"][form], r["real"][form]
        assert g["count"] == 6 and g["strict_pass"] == 1.0
        for key in ("distinct_1", "distinct_2", "copied_lines", "title_char_use"):
            assert 0 <= g[key] <= 1 and 0 <= real[key] <= 1
        for mode, rate in r["modes"][form].items():
            assert math.isnan(rate) or rate == 1.0, (form, mode)
