"""Train the fluency judge (:mod:`tangshi.judge`) and, with ``--ship``, put it in the package.

The judge reads every train poem of the built corpus right to left (all shapes: it judges the
language, not the form), on the same split as the poet; it is validated on the valid split. It is
trained with tangshi's own trainer (AdamW, warm-up and cosine decay, clipping, exact resume).

    python scripts/train_judge.py --out runs/judge --threads 1        # about 40 minutes on one CPU thread
    python scripts/train_judge.py --out runs/judge --resume            # continue after an interruption
    python scripts/train_judge.py --out runs/judge --ship              # write src/tangshi/models/judge

``--ship`` stores the best checkpoint's weights in float16 (half the bytes) with their SHA-256.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from tangshi import checkpoint
from tangshi.corpus.build import load_dataset
from tangshi.judge import DEFAULT_JUDGE, JudgeConfig, JudgeModel, encode_reversed
from tangshi.train import TrainConfig, Trainer


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="runs/judge", help="run directory (default: %(default)s)")
    ap.add_argument("--steps", type=int, default=6000, help="optimizer steps (default: %(default)s)")
    ap.add_argument("--batch-size", type=int, default=64, help="poems per batch (default: %(default)s)")
    ap.add_argument("--lr", type=float, default=3e-3, help="peak learning rate (default: %(default)s)")
    ap.add_argument("--emb", type=int, default=256, help="embedding size (default: %(default)s)")
    ap.add_argument("--hidden", type=int, default=512, help="LSTM hidden size (default: %(default)s)")
    ap.add_argument("--layers", type=int, default=1, help="LSTM layers (default: %(default)s)")
    ap.add_argument("--eval-every", type=int, default=500, help="validate every N steps (default: %(default)s)")
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads (default: %(default)s)")
    ap.add_argument("--precision", default="auto", help="auto (bf16 where the CPU has it), fp32 or bf16")
    ap.add_argument("--resume", action="store_true", help="continue the run in --out")
    ap.add_argument("--ship", action="store_true", help="copy --out's best into the package (no training)")
    args = ap.parse_args()
    out = Path(args.out)
    if args.ship:
        model, vocab, header = checkpoint.load(out / "best")
        meta = {k: v for k, v in header.items() if k not in ("format", "version", "kind", "model", "vocab",
                                                             "weights_sha256")}
        meta["name"] = f"tangshi-judge-lstm-{model.cfg.layers}x{model.cfg.hidden}"
        checkpoint.save(DEFAULT_JUDGE, model, vocab, meta, weights_dtype=torch.float16)
        print(f"shipped {out / 'best'} (step {header['step']}, valid ppl {header['metrics']['valid_ppl']:.1f})"
              f" to {DEFAULT_JUDGE}")
        return
    torch.set_num_threads(args.threads)
    ds = load_dataset()
    cfg = TrainConfig(out=str(out), steps=args.steps, batch_size=args.batch_size, lr=args.lr, warmup=200,
                      eval_every=args.eval_every, title_drop=0.0, device="cpu", precision=args.precision, seed=4321)
    torch.manual_seed(cfg.seed)
    model = JudgeModel(JudgeConfig(vocab_size=len(ds.vocab), emb=args.emb, hidden=args.hidden, layers=args.layers))
    train = encode_reversed(ds.split("train"), ds.vocab, cfg.max_len)
    valid = encode_reversed(ds.split("valid"), ds.vocab, cfg.max_len)
    print(f"judge: {model.num_parameters():,} parameters; {len(train):,} train poems ({train.tokens:,} tokens)")
    result = Trainer(model, ds.vocab, train, valid, cfg).fit(resume=args.resume)
    print(json.dumps({"out": str(out.resolve()), **result}))


if __name__ == "__main__":
    main()
