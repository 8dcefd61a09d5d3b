"""Two poets' title-mode poems, paired title by title: how sure is a judge-score difference?

``bench/compare_models.py`` reports each poet's mean judge score; a difference of a few
hundredths is within what 300 titles can tell apart. This writes, for the first ``--titles``
Tang test titles of each form, the poem ``tangshi eval``'s title mode writes (the same titles,
the same seed, each poet at its own decoding penalties), scores each with the judge (per-character
loss of the independent right-to-left model; lower is more fluent) and counts its repeated
characters, and prints the paired difference new − old with its 95% bootstrap interval over titles
(tangshi.metrics.bootstrap_interval) — the titles' own spread cancels in the pairs — per form and
for the four forms' pairs pooled ("all").

    python bench/judge_paired.py --new DIR [--old DIR] [--titles 300] [--json OUT]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from tangshi import metrics
from tangshi.corpus.build import load_dataset
from tangshi.evaluate import generate, mode_requests
from tangshi.judge import Judge
from tangshi.poet import Poet

FORMS = ("五言绝句", "七言绝句", "五言律诗", "七言律诗")


def paired(name: str, rows: dict, resamples: int, seed: int) -> dict:
    """Per figure: both means, the mean paired difference new − old and its 95% interval."""
    res = {}
    for key in ("judge", "repeats"):
        d = metrics.paired_difference(rows["old"][key], rows["new"][key], resamples, seed)
        res[key] = {"old": d["before"], "new": d["after"], "diff": d["diff"], "ci95": d["ci95"], "n": d["n"]}
        print(f"{name} {key}: old {d['before']:.3f}, new {d['after']:.3f}, paired new − old "
              f"{d['diff']:+.3f} [{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]", file=sys.stderr, flush=True)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--new", required=True, help="the candidate's checkpoint directory")
    ap.add_argument("--old", help="the poet to compare with (default: the shipped one)")
    ap.add_argument("--titles", type=int, default=300, help="test titles per form (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0, help="the generation seed, as tangshi eval's title mode (default: 0)")
    ap.add_argument("--resamples", type=int, default=10000)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default: %(default)s)")
    ap.add_argument("--json", type=Path, help="write the results here too")
    args = ap.parse_args(argv)
    if args.titles < 1 or args.threads < 1:
        ap.error("--titles and --threads must be at least 1")
    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    judge, test = Judge.load(), load_dataset().split("test")
    poets = {"old": Poet.load(args.old), "new": Poet.load(args.new)}
    out: dict = {"old": args.old or "shipped", "new": args.new, "titles": args.titles, "seed": args.seed, "forms": {}}
    pooled: dict = {side: {"judge": [], "repeats": []} for side in poets}
    for form in FORMS:
        real = [p for p in test if p.form == form]
        rows = {}
        for side, poet in poets.items():
            reqs = mode_requests("title", real, args.titles, poet.vocab)
            poems = [ps[0].lines for ps in generate(poet, form, reqs, args.seed)]
            rows[side] = {"judge": judge.score(poems), "repeats": [float(metrics.repeats(p)) for p in poems]}
        out["forms"][form] = paired(form, rows, args.resamples, args.seed)  # unpaired titles: ValueError
        for side in poets:
            for key in ("judge", "repeats"):
                pooled[side][key] += rows[side][key]
    out["forms"]["all"] = paired("all", pooled, args.resamples, args.seed)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    text = json.dumps(out, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
