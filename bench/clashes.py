"""Benchmark: how often a poem's season, hour or place clashes with itself or its title, generated
against real.

For each form, one poem per real title of the split (the first ``--poems`` of the form, one
``Poet.write_batch`` with ``--seed``) at the defaults — and with ``--fields`` (JSON write fields,
e.g. '{"setting_strength": 0}' for the decoder without the setting bias) — beside the real poems
of the same titles: the clash rate per axis and on any (tangshi.setting.lexicon.summary).

    python bench/clashes.py --split test --poems 100 [--fields JSON] --json
"""
from __future__ import annotations

import argparse
import json
import warnings

import torch

from tangshi.corpus.build import load_dataset
from tangshi.corpus.clean import REGULATED, TITLE_MAX
from tangshi.poet import Poet
from tangshi.request import WriteRequest
from tangshi.setting.lexicon import summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", choices=("valid", "test"))
    ap.add_argument("--poems", type=int, default=100, help="titles per form")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fields", default="{}", help="write fields as JSON")
    ap.add_argument("--model", help="a model directory (default: the shipped poet)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    poet = Poet.load(args.model)
    poems = load_dataset().split(args.split)
    fields = json.loads(args.fields)
    out: dict = {"split": args.split, "poems_per_form": args.poems, "seed": args.seed, "fields": fields, "forms": {}}
    gen_all, real_all, titles_all = [], [], []
    for form in REGULATED:
        real = [p for p in poems if p.form == form][: args.poems]
        reqs = [WriteRequest(form=form, title=p.title[:TITLE_MAX], script="traditional", **fields) for p in real]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gen = [r[0].lines for r in poet.write_batch(reqs, seed=args.seed)]
        titles = [p.title for p in real]
        lines = [list(p.lines) for p in real]
        out["forms"][form] = {"generated": summary(gen, titles), "real": summary(lines, titles)}
        gen_all += gen
        real_all += lines
        titles_all += titles
    out["all"] = {"generated": summary(gen_all, titles_all), "real": summary(real_all, titles_all)}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    for key, figs in [*out["forms"].items(), ("all", out["all"])]:
        print(f"{key}: generated {figs['generated']['clash']:.1%}, real {figs['real']['clash']:.1%}")


if __name__ == "__main__":
    main()
