"""Benchmark: how much a poet with plan inputs reads its plan.

On the first ``--poems`` valid poems, teacher-forced, no mood: the perplexity with each poem's own
plan as input (the keywords of its lines, tangshi.data.poem_plan) and with none. The gap is what the
plan tells the model; a poet that ignores its plan shows none.

    python bench/plan_reading.py MODEL_DIR [--poems 1000] [--json]
"""
from __future__ import annotations

import argparse
import json
import math

import torch

from tangshi import checkpoint
from tangshi.corpus.build import load_dataset
from tangshi.data import collate, encode_poems


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model", help="a checkpoint directory of a poet trained with --plans")
    ap.add_argument("--poems", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model, vocab, _ = checkpoint.load(args.model)
    if not model.cfg.plan_inputs:
        raise SystemExit(f"{args.model}: this poet was trained without plans (tangshi train --plans)")
    model.eval()
    poems = load_dataset().split("valid")[: args.poems]
    enc = encode_poems(poems, vocab, 128, slots=model.cfg.rule_inputs, moods=bool(model.cfg.n_moods), plans=True)
    nll = {"with_plans": 0.0, "without": 0.0}
    n = 0
    with torch.inference_mode():
        for start in range(0, len(poems), 100):
            batch = collate(enc, list(range(start, min(start + 100, len(poems)))), vocab.bos)
            if batch.moods is not None:
                batch.moods.zero_()
            keep = batch.targets != -100
            nll["with_plans"] -= (model.token_logprobs(batch) * keep).sum().item()
            batch.plans.zero_()
            nll["without"] -= (model.token_logprobs(batch) * keep).sum().item()
            n += int(keep.sum())
    out = {"model": args.model, "poems": len(poems), "tokens": n,
           "perplexity": {k: round(math.exp(v / n), 2) for k, v in nll.items()}}
    print(json.dumps(out, ensure_ascii=False, indent=1) if args.json else out)


if __name__ == "__main__":
    main()
