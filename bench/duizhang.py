"""Validate the 对仗 score on real 律诗 and measure the real baseline (issue 15, items 2–3).

On the corpus's 五言律诗 and 七言律诗 (Tang build; ``--split``), every couplet is scored
(tangshi.duizhang). Reports, per form and split:

- the score's distribution for middle couplets (颔联, 颈联) and outer ones (首联, 尾联), and the
  AUC of the score separating them (Mann–Whitney, ties counted ½);
- the threshold that best separates them on the train split (Youden's J) — the value of
  ``tangshi.duizhang.score.PARALLEL`` comes from this;
- the share of each couplet called parallel at ``PARALLEL`` (the real baseline), and the mean
  part-of-speech and noun-class agreement.

    python bench/duizhang.py --poems 3000 --json docs/results/duizhang-real.json
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time

from tangshi.corpus import load_dataset
from tangshi.duizhang import PARALLEL, duizhang

FORMS = ("五言律诗", "七言律诗")


def auc(pos: list[float], neg: list[float]) -> float:
    """P(a random positive scores above a random negative), ties ½ (rank form, O(n log n))."""
    both = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg])
    rank_sum, i = 0.0, 0
    while i < len(both):
        j = i
        while j < len(both) and both[j][0] == both[i][0]:
            j += 1
        mean_rank = (i + 1 + j) / 2
        rank_sum += mean_rank * sum(1 for k in range(i, j) if both[k][1])
        i = j
    n1, n0 = len(pos), len(neg)
    return (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0)


def youden(pos: list[float], neg: list[float]) -> tuple[float, float]:
    """The threshold t maximising P(pos ≥ t) − P(neg ≥ t), and that J."""
    best = (0.0, -1.0)
    for t in sorted(set(pos) | set(neg)):
        j = sum(s >= t for s in pos) / len(pos) - sum(s >= t for s in neg) / len(neg)
        if j > best[1]:
            best = (t, j)
    return best


def sample(poems, n: int):
    """``n`` poems in a fixed order anyone can reproduce (the hash of the body)."""
    key = lambda p: hashlib.sha256(p.body.encode()).hexdigest()  # noqa: E731
    return sorted(poems, key=key)[:n]


def measure(poems) -> dict:
    by = {"首联": [], "颔联": [], "颈联": [], "尾联": []}
    pos, nouns, failed = {k: [] for k in by}, {k: [] for k in by}, 0
    for p in poems:
        for c in duizhang(list(p.lines)):
            if c.result is None:
                failed += 1
                continue
            by[c.name].append(c.result.score)
            pos[c.name].append(c.result.pos)
            if c.result.nouns is not None:
                nouns[c.name].append(c.result.nouns)
    middle, outer = by["颔联"] + by["颈联"], by["首联"] + by["尾联"]
    q = lambda xs: [round(v, 3) for v in statistics.quantiles(xs, n=4)]  # noqa: E731
    return {
        "poems": len(poems), "unscored_couplets": failed,
        "auc_middle_vs_outer": round(auc(middle, outer), 4),
        "auc_middle_vs_first": round(auc(middle, by["首联"]), 4),
        "auc_middle_vs_last": round(auc(middle, by["尾联"]), 4),
        "quartiles": {"middle": q(middle), "outer": q(outer)},
        "histogram": {k: [sum(int(s * 10) == b or (b == 9 and s == 1) for s in v) for b in range(10)]
                      for k, v in by.items()},
        "scores": {"middle": middle, "outer": outer},
        "parallel_share": {k: round(sum(s >= PARALLEL - 1e-9 for s in v) / len(v), 4) for k, v in by.items()},
        "mean_score": {k: round(statistics.fmean(v), 4) for k, v in by.items()},
        "pos_agreement": {k: round(statistics.fmean(v), 4) for k, v in pos.items()},
        "noun_class_agreement": {k: round(statistics.fmean(v), 4) for k, v in nouns.items()},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--poems", type=int, default=3000, help="poems per form and split (at most)")
    ap.add_argument("--json", help="also write the result here")
    args = ap.parse_args(argv)
    ds = load_dataset()
    out: dict = {"parallel_threshold": PARALLEL, "forms": {}}
    t0 = time.perf_counter()
    for form in FORMS:
        out["forms"][form] = {}
        for split in ("train", "test"):
            poems = sample([p for p in ds.split(split, "唐") if p.form == form], args.poems)
            out["forms"][form][split] = measure(poems)
    train_mid = sum((out["forms"][f]["train"]["scores"]["middle"] for f in FORMS), [])
    train_out = sum((out["forms"][f]["train"]["scores"]["outer"] for f in FORMS), [])
    t, j = youden(train_mid, train_out)
    out["youden_threshold_train"], out["youden_j_train"] = round(t, 4), round(j, 4)
    for split in ("train", "test"):
        out[f"auc_pooled_{split}"] = round(auc(sum((out["forms"][f][split]["scores"]["middle"] for f in FORMS), []),
                                               sum((out["forms"][f][split]["scores"]["outer"] for f in FORMS), [])), 4)
    for f in FORMS:
        for s in ("train", "test"):
            del out["forms"][f][s]["scores"]
    out["seconds"] = round(time.perf_counter() - t0, 1)
    text = json.dumps(out, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
