"""The recipe study of issue 14, item 5: the poet trained for a fixed wall-clock time, scored on
the yardstick's tokens.

Every ``tangshi train`` flag is accepted here with the same default (they are generated from
:class:`~tangshi.model.ModelConfig` and :class:`~tangshi.train.TrainConfig`), so a row of the
study is a ``tangshi train`` recipe plus ``--minutes``. The run uses the real trainer
(:class:`~tangshi.train.Trainer`: bucketed batches, title and mood dropout, clipping, the guard),
with one change: the learning-rate schedule runs on the share of the budget spent, not on steps —
linear warm-up over ``--warmup`` steps, then cosine decay to ``lr * min_lr_ratio`` at the end of
the budget — so that a recipe whose steps are slower still ends its decay, as the yardstick does.
No checkpoint is written.

Scored on the test split's poems of the four regulated forms, each poem's body and end mark, all
targets pooled (the tokens ``bench/yardstick.py`` scores): ``test_ppl`` with empty titles (the
form is still fed: it is how the poet is asked), ``test_ppl_titles`` with the real titles. Moods
are not fed at test time (the tagger reads the very poem scored).

    OMP_NUM_THREADS=1 python bench/recipes.py --minutes 41 --no-rule-inputs --no-moods --json r.json
    OMP_NUM_THREADS=1 python bench/recipes.py --minutes 41 --precision fp32 --lr 3e-3 --warmup 100 ...
"""
from __future__ import annotations

import argparse
import json
import math
import time

import torch

from tangshi.corpus.build import load_dataset
from tangshi.corpus.clean import REGULATED
from tangshi.data import bucket_batches, encode_poems
from tangshi.evaluate import teacher_forced_nll
from tangshi.model import ModelConfig, PoemModel
from tangshi.mood import MOODS
from tangshi.train import TrainConfig, Trainer, lr_at
from tangshi.cli.train import _add_fields, _override


def timed_schedule(cfg: TrainConfig, budget: float, t0: float):
    """step -> learning rate: warm-up on steps, then the cosine on the share of ``budget`` seconds spent."""
    return lambda step: lr_at(step, cfg, (time.perf_counter() - t0) / budget)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=41.0, help="wall-clock training budget")
    ap.add_argument("--rule-inputs", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--moods", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--label", default="", help="the row's name in the result")
    ap.add_argument("--json", help="also write the result here")
    _add_fields(ap.add_argument_group("model"), ModelConfig)
    _add_fields(ap.add_argument_group("training"), TrainConfig)
    args = ap.parse_args()
    args.out = "/tmp/tangshi-recipes-unused"  # the study writes no checkpoint
    tcfg = _override(TrainConfig, args)
    ds = load_dataset()
    mcfg = _override(ModelConfig, args, vocab_size=len(ds.vocab), rule_inputs=args.rule_inputs,
                     n_moods=1 + len(MOODS) if args.moods else 0)
    torch.manual_seed(tcfg.seed)
    train = encode_poems(ds.split("train"), ds.vocab, tcfg.max_len, slots=args.rule_inputs, moods=args.moods)
    test = encode_poems([p for p in ds.split("test") if p.form in REGULATED], ds.vocab, tcfg.max_len,
                        slots=args.rule_inputs)
    trainer = Trainer(PoemModel(mcfg), ds.vocab, train, test, tcfg)
    budget = args.minutes * 60
    t0 = time.perf_counter()
    trainer.schedule = timed_schedule(tcfg, budget, t0)
    c, log, tokens = trainer.c, [], 0.0
    while time.perf_counter() - t0 < budget:
        batches = bucket_batches(train, tcfg.batch_size, tcfg.seed, c.epoch)
        while c.batch_in_epoch < len(batches) and time.perf_counter() - t0 < budget:
            r = trainer.train_step(batches[c.batch_in_epoch])
            c.step, c.batch_in_epoch, tokens = c.step + 1, c.batch_in_epoch + 1, tokens + r["tokens"]
            if c.step % 50 == 0:
                log.append({"step": c.step, "seconds": round(time.perf_counter() - t0), "loss": round(r["loss"], 4),
                            "lr": round(r["lr"], 6)})
                print(json.dumps(log[-1]), flush=True)
        if c.batch_in_epoch >= len(batches):
            c.epoch, c.batch_in_epoch = c.epoch + 1, 0
    seconds = time.perf_counter() - t0

    def ppl(empty_titles: bool) -> float:  # every target of the test poems pooled
        total, count = teacher_forced_nll(trainer.model, test, ds.vocab.bos, empty_titles)
        return math.exp(total / count)

    result = {"label": args.label, "minutes": args.minutes, "threads": torch.get_num_threads(),
              "model": trainer.model.cfg.to_dict(), "train": {k: v for k, v in vars(tcfg).items() if k != "out"},
              "parameters": trainer.model.num_parameters(), "precision": str(trainer.dtype).replace("torch.", ""),
              "steps": c.step, "epochs": round(c.epoch + c.batch_in_epoch / len(batches), 3),
              "tokens": int(tokens), "tokens_per_s": round(tokens / seconds), "skipped": c.skipped,
              "test_poems": len(test), "test_ppl": round(ppl(True), 2), "test_ppl_titles": round(ppl(False), 2), "log": log}
    print(json.dumps({k: v for k, v in result.items() if k not in ("log", "model", "train")}))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
