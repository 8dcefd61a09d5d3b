"""The repetition penalty against a model (issue 14, item 7): repeats, judge and distinct-2 per penalty.

Writes one title-mode poem for each of the first ``--titles`` valid titles per form (seed 0, the
decoding defaults otherwise) at each repetition penalty, and prints the judge score, the
characters used twice per poem and distinct-2 — the figures the shipping rule weighs — so a
candidate poet's decoding can be retuned before it is compared with the shipped one.

    python bench/repeat_penalty.py --model /tmp/newmodel   # a candidate, shipped there by scripts/ship_model.py
    python bench/repeat_penalty.py            # the shipped poet, for the same table
    python bench/repeat_penalty.py --forms 五言绝句 七言律诗   # some forms only
"""
from __future__ import annotations

import argparse
import json
import sys

import torch

from tangshi import metrics
from tangshi.corpus.build import load_dataset
from tangshi.evaluate import generate, mode_requests
from tangshi.judge import Judge
from tangshi.poet import Poet

GRID = {"五言绝句": (2.0, 2.5, 3.0), "七言绝句": (2.0, 2.5, 3.0), "五言律诗": (2.5, 3.0, 3.5),
        "七言律诗": (2.0, 2.5, 3.0)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="checkpoint directory (default: the shipped model)")
    ap.add_argument("--titles", type=int, default=150, help="valid titles per form (default: %(default)s)")
    ap.add_argument("--forms", nargs="+", choices=tuple(GRID), default=tuple(GRID),
                    help="the forms to probe (default: all four)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    poet, judge, valid = Poet.load(args.model), Judge.load(), load_dataset().split("valid")
    out = {}
    for form in args.forms:
        penalties = GRID[form]
        real = [p for p in valid if p.form == form]
        for pen in penalties:
            reqs = [{**r, "repeat_penalty": pen} for r in mode_requests("title", real, args.titles, poet.vocab)]
            poems = [ps[0].lines for ps in generate(poet, form, reqs, 0)]
            m = metrics.summary(poems, [""] * len(poems))
            row = {"judge": sum(judge.score(poems)) / len(poems), "repeats": m["repeats"], "distinct_2": m["distinct_2"]}
            out.setdefault(form, {})[f"{pen:g}"] = row
            print(f"{form} penalty {pen:g}: judge {row['judge']:.3f} repeats {row['repeats']:.3f} "
                  f"distinct-2 {row['distinct_2']:.3f}", file=sys.stderr, flush=True)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
