"""Measure a poet's stock pairs and write them into a checkpoint's header (``decoding.stock_pairs``).

The poet writes one poem at the defaults (no stock bias) for each of ``--poems`` training titles per
form; every character pair inside a line is counted, and so in the training split's real poems of the
four forms. A pair the poet writes at least ``--min-count`` times and over-uses by at least
``--min-nats`` (the log of its rate over real poets', the real count smoothed by ½) is kept, capped at
:data:`tangshi.decoding.processors.stock.STOCK_MAX`. The decoder's ``stock`` field then divides the
over-use out (:mod:`tangshi.decoding.processors.stock`). With ``--rounds`` above 1, the poet then writes
the same titles again with the table so far at the default weight, and each pair it still over-uses by
``--min-nats`` has that residual added to its entry (new pairs enter): the bias against one stock pair
moves the poet to the next likeliest, which the first round could not see. The checkpoint is written anew to ``--out``
(atomically; it may be ``--model`` itself), its weights, other header fields and other files (the model
card) as they were. ``scripts/ship_model.py`` writes a header without a table: run this after it. The
shipped model's table was made by

    python scripts/stock_pairs.py --out src/tangshi/models/default

(one round: five rounds at ``stock 2`` raise distinct-2 past 0.85 and read worse blind, docs/quality.md).

    python scripts/stock_pairs.py --out runs/stock [--model DIR] [--poems 400] [--min-count 3] [--rounds 1] [--more]

``--more`` starts from the table ``--model`` already carries (its rounds counted on) instead of none.
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


def add_residual(table: dict[str, float], residual: dict[str, float]) -> dict[str, float]:
    """A later round: each pair's nats plus what the poet still over-uses it by (capped), new pairs in."""
    out = {p: round(min(STOCK_MAX, table.get(p, 0.0) + residual.get(p, 0.0)), 3) for p in {*table, *residual}}
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(DEFAULT_MODEL), help="the poet (default: the shipped one)")
    ap.add_argument("--out", required=True, help="the checkpoint directory to write")
    ap.add_argument("--poems", type=int, default=400, help="training titles per form (default: %(default)s)")
    ap.add_argument("--min-count", type=int, default=3, help="fewest uses of a pair by the poet (default: %(default)s)")
    ap.add_argument("--min-nats", type=float, default=0.5, help="least log over-use kept (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0, help="the batch seed of the poet's poems (default: %(default)s)")
    ap.add_argument("--rounds", type=int, default=1, help="rounds of measuring, each after the table so far"
                    " (default: %(default)s)")
    ap.add_argument("--more", action="store_true", help="start from the model's own table: every round measures"
                    " the poet under the table so far")
    args = ap.parse_args()
    torch.set_num_threads(1)
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    data = load_dataset()
    model, vocab, header = checkpoint.load(Path(args.model))
    meta = {k: v for k, v in header.items() if k not in ("format", "version", "model", "vocab", "weights_sha256",
                                                         "weights_dtype")}
    train = {form: [p for p in data.split("train") if p.form == form] for form in REGULATED}
    real = [list(p.lines) for mine in train.values() for p in mine]
    table = model_stock(header) if args.more else {}
    done = int(((header.get("decoding") or {}).get("stock_from") or {}).get("rounds", 1)) if args.more else 0
    for round_ in range(done, done + args.rounds):
        # round 0 measures the poet with no bias; each later one, the poet under the table so far
        meta["decoding"] = {**(header.get("decoding") or {}), "stock_pairs": table}
        poet = Poet(*checkpoint.load(Path(args.model))[:2], meta)  # its own copy: a poet may convert its model
        written = []
        for form, mine in train.items():
            reqs = [{**r, "stock": None if round_ else 0.0} for r in mode_requests("title", mine, args.poems, vocab)]
            written += [list(poems[0].lines) for poems in generate(poet, form, reqs, args.seed)]
        residual = over_use(pairs(written), pairs(real), args.min_count, args.min_nats)
        table = add_residual(table, residual)
        print(json.dumps({"round": round_ + 1, "over_used": len(residual), "pairs": len(table)}), flush=True)
        if round_ == done:
            first = written
    meta["decoding"] = {**(header.get("decoding") or {}), "stock_pairs": table,
                        "stock_from": {"poems": len(first), "min_count": args.min_count,
                                       "min_nats": args.min_nats, "seed": args.seed, "rounds": done + args.rounds}}
    model_stock(meta)  # checked before anything is written
    dtype = getattr(torch, header["weights_dtype"]) if "weights_dtype" in header else None  # stored as it was
    with temp_dir("stock-") as tmp, staged_dir(Path(args.out)) as stage:  # all or nothing, the model card kept
        checkpoint.save(Path(tmp) / "ckpt", model, vocab, meta, weights_dtype=dtype)
        for f in [*(Path(tmp) / "ckpt").iterdir(), *Path(args.model).iterdir()]:
            if f.is_file() and not f.name.startswith(".") and not (stage / f.name).exists():
                write_bytes(stage / f.name, f.read_bytes())
    shares = pairs(first)  # the poet's pairs in the first round measured here
    covered = sum(shares[p] for p in table) / max(1, sum(shares.values()))
    print(json.dumps({"out": args.out, "poems": len(first), "pairs": len(table),
                      "share_of_poet_pairs": round(covered, 3)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
