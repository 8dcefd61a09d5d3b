#!/usr/bin/env bash
# The second poet's training run, prepared for a lent GPU (one command, time-boxed): Tang + Song
# verse with the dynasty as a condition, the rule-aware inputs and the plan (each line's keyword,
# tangshi.plan; --no-plans to leave it out), then the shipped format.
#
#   TANGSHI_HOME=<dir with a `tangshi corpus build --song` data set> OUT=<results dir> \
#     scripts/gpu_train.sh [--steps N] [--emb E] [--hidden H] [--layers L] [--batch-size B] [--lr LR] [--device cuda] [--no-plans]
#
# The data set (dataset.json.gz, 34 MB, and vocab.json) travels with the command; the raw corpus
# does not. Try it first on the CPU at a toy size (tests/train/test_gpu_script.py does):
#   TANGSHI_HOME=... OUT=/tmp/o scripts/gpu_train.sh --device cpu --steps 4 --emb 32 --hidden 32 --layers 2
# Results under $OUT: env.txt, train.log, log.jsonl and model/ (the poet in the shipped format).
set -euo pipefail
# lr 2e-3 at batch 256: the GPU recipe that was measured (the trainer's CPU default, 4e-3 at batch
# 32, was chosen for one CPU thread and is untested at batch 256)
steps=8000 emb=256 hidden=512 layers=2 batch=256 device=cuda lr=2e-3 plans=--plans
while [ $# -gt 0 ]; do
  case "$1" in
    --no-plans) plans=--no-plans; shift; continue ;;
    --steps) steps=$2 ;; --emb) emb=$2 ;; --hidden) hidden=$2 ;; --layers) layers=$2 ;;
    --batch-size) batch=$2 ;; --device) device=$2 ;; --lr) lr=$2 ;;
    *) echo "gpu_train.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
out=${OUT:?set OUT to a results directory}
: "${TANGSHI_HOME:?set TANGSHI_HOME to the directory of a --song data set}"
mkdir -p "$out"
export PYTHONPATH=$PWD/src PYTHONUNBUFFERED=1
python3 - "$out/env.txt" <<'PY'
import json, sys, torch
from tangshi.corpus.build import load_dataset
ds = load_dataset()
info = {"torch": torch.__version__, "cuda": torch.cuda.is_available() and torch.cuda.get_device_name(0),
        "dynasties": ds.meta.get("dynasties"), "poems": len(ds.poems), "vocab": len(ds.vocab)}
open(sys.argv[1], "w").write(json.dumps(info, ensure_ascii=False) + "\n")
print(info)
if ds.meta.get("dynasties") != ["唐", "宋"]:
    sys.exit("gpu_train.sh: the data set was not built with --song")
PY
run=$out/run
start=$(date +%s)
python3 -m tangshi.cli train --device "$device" --rule-inputs "$plans" --batch-size "$batch" --lr "$lr" --steps "$steps" \
  --emb "$emb" --hidden "$hidden" --layers "$layers" --warmup $(( steps / 20 + 1 )) \
  --eval-every $(( steps / 10 > 0 ? steps / 10 : 1 )) --log-every 50 --out "$run" 2>&1 | grep -v '%|' | tail -20 \
  | tee "$out/train.log"
echo "wall $(( $(date +%s) - start )) s" | tee -a "$out/train.log"
cp "$run/log.jsonl" "$out/log.jsonl"
python3 scripts/ship_model.py "$run/best" --name "tangshi-lstm-${layers}x${hidden}-tang-song" --out "$out/model" \
  2>&1 | tail -2
