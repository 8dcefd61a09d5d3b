"""The 对仗 bias's cost, paired (issue 15, item 6): judge and repetition with and without it.

For each 律诗 form, the first ``--titles`` test titles are written exactly as ``tangshi eval``
writes its ``title`` and ``title-plain`` modes (the same titles and seed; only the bias
differs), and each poem is scored: the judge's per-character loss and the characters used more
than once. The difference with − without is paired poem by poem, so the titles' own spread
cancels; its 95% interval is a bootstrap over titles (``--resamples``, seeded).

    python bench/duizhang_paired.py --titles 300 --json docs/results/duizhang-paired.json
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

from tangshi import metrics
from tangshi.corpus.build import load_dataset
from tangshi.evaluate import PLAIN, generate, mode_requests
from tangshi.judge import Judge
from tangshi.poet import Poet

FORMS = ("五言律诗", "七言律诗")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--titles", type=int, default=300, help="test titles per form (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0, help="the generation seed, as tangshi eval's (default: 0)")
    ap.add_argument("--resamples", type=int, default=10000)
    ap.add_argument("--json", type=Path, help="write the results here too")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    poet, judge, test = Poet.load(), Judge.load(), load_dataset().split("test")
    out: dict = {"titles": args.titles, "seed": args.seed, "forms": {}}
    for form in FORMS:
        real = [p for p in test if p.form == form]
        rows = {}
        for mode in ("title", PLAIN):  # tangshi eval's seeds: title is mode 0, PLAIN reuses its seed
            reqs = mode_requests(mode, real, args.titles, poet.vocab)
            poems = [ps[0].lines for ps in generate(poet, form, reqs, args.seed)]
            rows[mode] = {"judge": judge.score(poems), "repeats": [float(metrics.repeats(p)) for p in poems]}
        res = {}
        for key in ("judge", "repeats"):
            d = metrics.paired_difference(rows[PLAIN][key], rows["title"][key], args.resamples, args.seed)
            res[key] = {"with": d["after"], "without": d["before"], "diff": d["diff"], "ci95": d["ci95"]}
            print(f"{form} {key}: with {d['after']:.3f}, without {d['before']:.3f}, paired difference "
                  f"{d['diff']:+.3f} [{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]", file=sys.stderr, flush=True)
        out["forms"][form] = res
    text = json.dumps(out, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
