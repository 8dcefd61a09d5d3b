"""Ship a trained checkpoint as the package's default model (src/tangshi/models/default).

Weights are stored in float16 (half the bytes; loading casts them back to float32) next
to the checkpoint's JSON header, to which provenance is added: the source run, its step,
and the last evaluation of its log. The directory is replaced atomically.

    python scripts/ship_model.py runs/default/best [--name tangshi-lstm-v1]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
from safetensors.torch import save_model

from tangshi import checkpoint
from tangshi.atomic import staged_dir, write_text
from tangshi.poet import DEFAULT_MODEL


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint", help="checkpoint directory to ship (e.g. runs/default/best)")
    ap.add_argument("--name", default="tangshi-lstm", help="model name reported by the API and the CLI")
    ap.add_argument("--out", default=str(DEFAULT_MODEL), help="where to write (default: the package's model)")
    args = ap.parse_args()
    src = Path(args.checkpoint)
    model, _, header = checkpoint.load(src)
    log = src.parent / "log.jsonl"
    evals = [json.loads(line) for line in log.read_text().splitlines() if '"eval"' in line] if log.is_file() else []
    header.update(name=args.name, weights_dtype="float16", shipped_from={"run": src.parent.name, "step": header["step"],
                  "last_eval": evals[-1] if evals else None})
    with staged_dir(Path(args.out)) as stage:
        save_model(model.to(torch.float16), str(stage / "model.safetensors"))
        write_text(stage / "model.json", json.dumps(header, ensure_ascii=False))
    print(f"shipped {src} (step {header['step']}) to {args.out}")


if __name__ == "__main__":
    main()
