"""Ship a trained checkpoint as the package's default model (src/tangshi/models/default).

Weights are stored in float16 (half the bytes; loading casts them back to float32) next
to the checkpoint's JSON header (with the weights' SHA-256), to which provenance is added:
the source run, its step, and the last evaluation of its log. The directory is replaced
atomically (:func:`tangshi.checkpoint.save`).

    python scripts/ship_model.py runs/default/best [--name tangshi-lstm-v1]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from tangshi import checkpoint
from tangshi.poet import DEFAULT_MODEL


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint", help="checkpoint directory to ship (e.g. runs/default/best)")
    ap.add_argument("--name", default="tangshi-lstm", help="model name reported by the API and the CLI")
    ap.add_argument("--out", default=str(DEFAULT_MODEL), help="where to write (default: the package's model)")
    args = ap.parse_args()
    src = Path(args.checkpoint)
    model, vocab, header = checkpoint.load(src)
    log = src.parent / "log.jsonl"
    evals = [json.loads(line) for line in log.read_text().splitlines() if '"eval"' in line] if log.is_file() else []
    meta = {k: v for k, v in header.items() if k not in ("format", "version", "model", "vocab", "weights_sha256")}
    meta.update(name=args.name, shipped_from={"run": src.parent.name, "step": header["step"],
                "last_eval": evals[-1] if evals else None})
    checkpoint.save(Path(args.out), model, vocab, meta, weights_dtype=torch.float16)
    print(f"shipped {src} (step {header['step']}) to {args.out}")


if __name__ == "__main__":
    main()
