"""Measure a poet's stock pairs and write them into a checkpoint's header (``decoding.stock_pairs``).

The poet writes one poem at the defaults (no stock bias) for each of ``--poems`` training titles per
form; every character pair inside a line is counted, and so in the training split's real poems of the
four forms. A pair the poet writes at least ``--min-count`` times and over-uses by at least
``--min-nats`` (the log of its rate over real poets', the real count smoothed by ½) is kept, capped at
:data:`tangshi.decoding.processors.stock.STOCK_MAX`. The decoder's ``stock`` field then divides the
over-use out (:mod:`tangshi.decoding.processors.stock`). The checkpoint is written anew to ``--out``
(atomically; it may be ``--model`` itself), its weights, other header fields and other files (the model
card) as they were. ``scripts/ship_model.py`` writes a header without a table: run this after it. The
shipped model's table was made by

    python scripts/stock_pairs.py --out src/tangshi/models/default

    python scripts/stock_pairs.py --out runs/stock [--model DIR] [--poems 400] [--min-count 3]
"""
from __future__ import annotations

import argparse
import json
import math
from collections import Counter
from pathlib import Path

import torch

from tangshi import checkpoint
from tangshi.atomic import staged_dir, temp_dir, write_bytes
from tangshi.corpus.build import load_dataset
from tangshi.corpus.clean import REGULATED
from tangshi.decoding.processors.stock import STOCK_MAX, model_stock
from tangshi.evaluate import generate, mode_requests
from tangshi.poet import DEFAULT_MODEL, Poet


def pairs(poems: list[list[str]]) -> Counter:
    """Character pairs inside lines, counted over the poems."""
    out: Counter = Counter()
    for lines in poems:
        for line in lines:
            out.update(line[i:i + 2] for i in range(len(line) - 1))
    return out


def over_use(poet: Counter, real: Counter, min_count: int, min_nats: float) -> dict[str, float]:
    """pair -> log((c_poet / N_poet) / ((c_real + ½) / N_real)), for the pairs kept (module docstring)."""
    n_poet, n_real = sum(poet.values()), sum(real.values())
    out = {}
    for pair, c in poet.items():
        nats = math.log(c / n_poet) - math.log((real[pair] + 0.5) / n_real)
        if c >= min_count and nats >= min_nats:
            out[pair] = round(min(nats, STOCK_MAX), 3)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(DEFAULT_MODEL), help="the poet (default: the shipped one)")
    ap.add_argument("--out", required=True, help="the checkpoint directory to write")
    ap.add_argument("--poems", type=int, default=400, help="training titles per form (default: %(default)s)")
    ap.add_argument("--min-count", type=int, default=3, help="fewest uses of a pair by the poet (default: %(default)s)")
    ap.add_argument("--min-nats", type=float, default=0.5, help="least log over-use kept (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0, help="the batch seed of the poet's poems (default: %(default)s)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    poet, data = Poet.load(args.model), load_dataset()
    train = data.split("train")
    written, real = [], []
    for form in REGULATED:
        mine = [p for p in train if p.form == form]
        real += [list(p.lines) for p in mine]
        reqs = [{**r, "stock": 0.0} for r in mode_requests("title", mine, args.poems, poet.vocab)]
        written += [list(poems[0].lines) for poems in generate(poet, form, reqs, args.seed)]
    table = over_use(pairs(written), pairs(real), args.min_count, args.min_nats)
    model, vocab, header = checkpoint.load(Path(args.model))
    meta = {k: v for k, v in header.items() if k not in ("format", "version", "model", "vocab", "weights_sha256",
                                                         "weights_dtype")}
    meta["decoding"] = {**(header.get("decoding") or {}), "stock_pairs": table,
                        "stock_from": {"poems": len(written), "min_count": args.min_count,
                                       "min_nats": args.min_nats, "seed": args.seed}}
    model_stock(meta)  # checked before anything is written
    dtype = getattr(torch, header["weights_dtype"]) if "weights_dtype" in header else None  # stored as it was
    with temp_dir("stock-") as tmp, staged_dir(Path(args.out)) as stage:  # all or nothing, the model card kept
        checkpoint.save(Path(tmp) / "ckpt", model, vocab, meta, weights_dtype=dtype)
        for f in [*(Path(tmp) / "ckpt").iterdir(), *Path(args.model).iterdir()]:
            if f.is_file() and not f.name.startswith(".") and not (stage / f.name).exists():
                write_bytes(stage / f.name, f.read_bytes())
    shares = pairs(written)
    covered = sum(shares[p] for p in table) / max(1, sum(shares.values()))
    print(json.dumps({"out": args.out, "poems": len(written), "pairs": len(table),
                      "share_of_poet_pairs": round(covered, 3)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
