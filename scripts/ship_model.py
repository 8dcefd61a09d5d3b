"""Ship a trained checkpoint as the package's default model (src/tangshi/models/default).

Weights are stored in float16 (half the bytes; loading casts them back to float32) next
to the checkpoint's JSON header (with the weights' SHA-256), to which provenance is added:
the source run, its step, and the last evaluation of its log, and the model's own repetition
penalties where they were measured for it (``--repeat-penalty``, bench/repeat_penalty.py; the
decoder reads them, :func:`tangshi.decoding.model_penalties`). The directory is replaced
atomically (:func:`tangshi.checkpoint.save`). The header has no stock pairs: measure them for the new
poet afterwards (``python scripts/stock_pairs.py --model OUT --out OUT``).

    python scripts/ship_model.py runs/default/best [--name tangshi-lstm-v1] [--repeat-penalty 七绝=2.5 …]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from tangshi import checkpoint
from tangshi.decoding import model_penalties
from tangshi.errors import TangshiError
from tangshi.cli.eval import form_value
from tangshi.poet import DEFAULT_MODEL
from tangshi.request import resolve_form


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint", help="checkpoint directory to ship (e.g. runs/default/best)")
    ap.add_argument("--name", default="tangshi-lstm", help="model name reported by the API and the CLI")
    ap.add_argument("--out", default=str(DEFAULT_MODEL), help="where to write (default: the package's model)")
    ap.add_argument("--repeat-penalty", type=form_value, action="append", default=[], metavar="FORM=NATS",
                    help="this model's repetition penalty of one form, measured for it (repeatable; the forms"
                         " it does not name keep the decoder's table)")
    args = ap.parse_args()
    src = Path(args.checkpoint)
    try:
        own = {resolve_form(f).name: v for f, v in args.repeat_penalty}
        model_penalties({"decoding": {"repeat_penalty": own}})  # checked before anything is written
    except TangshiError as err:
        ap.error(str(err))
    model, vocab, header = checkpoint.load(src)
    log = src.parent / "log.jsonl"
    evals = [json.loads(line) for line in log.read_text().splitlines() if '"eval"' in line] if log.is_file() else []
    meta = {k: v for k, v in header.items() if k not in ("format", "version", "model", "vocab", "weights_sha256")}
    meta.update(name=args.name, shipped_from={"run": src.parent.name, "step": header["step"],
                "last_eval": evals[-1] if evals else None})
    meta.pop("decoding", None)
    if own:
        meta["decoding"] = {"repeat_penalty": own}
    checkpoint.save(Path(args.out), model, vocab, meta, weights_dtype=torch.float16)
    print(f"shipped {src} (step {header['step']}) to {args.out}")


if __name__ == "__main__":
    main()
