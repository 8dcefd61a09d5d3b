#!/usr/bin/env bash
# One prepared run on a GPU machine: CUDA parity of the networks, the training benchmark on
# cuDNN + bf16 at two batch sizes, and a time-boxed training run of the default poet.
#
#   TANGSHI_HOME=<dir with dataset.json.gz and vocab.json> OUT=<results dir> scripts/gpu_check.sh [train_seconds]
#   ... scripts/gpu_check.sh --steps N      # skip the benchmarks, train N steps
#
# Needs python3 with torch (CUDA), safetensors, numpy, tqdm, pytest; tangshi runs from src/.
# Results: gpu.txt, pytest.txt, train_speed_cuda_b64.json, train_speed_cuda_b256.json,
# train.log, log.jsonl and model/ (the trained poet in the shipped format) under $OUT.
set -uo pipefail
steps=""
if [ "${1:-}" = "--steps" ]; then steps=$2; else train_s=${1:-210}; fi
out=${OUT:?set OUT to a results directory}
mkdir -p "$out"
export PYTHONPATH=$PWD/src PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu.txt"
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'cudnn', torch.backends.cudnn.version())" | tee -a "$out/gpu.txt"
timeout 120 python3 -m pytest -p no:cacheprovider tests/nn tests/train -k "gpu or packed" -rs 2>&1 \
  | tail -30 | tee "$out/pytest.txt"
if [ -z "$steps" ]; then
for b in 64 256; do
  timeout 150 python3 bench/train_speed.py --json --device cuda --steps 100 --valid 400 --batch-size $b \
    | tee "$out/train_speed_cuda_b$b.json"
done
# Size the training run to the measured throughput: train_s seconds at batch 256.
steps=$(python3 - "$out/train_speed_cuda_b256.json" "$train_s" <<'PY'
import json, sys
from tangshi.corpus.build import load_dataset
from tangshi.data import encode_poems
rate = json.load(open(sys.argv[1]))["tangshi"]["chars_per_s"]
ds = load_dataset()
train = encode_poems(ds.split("train"), ds.vocab, 128)
chars_per_step = 256 * train.tokens / len(train)
print(max(200, int(float(sys.argv[2]) * rate / chars_per_step) // 100 * 100))
PY
)
fi
echo "training $steps steps at batch 256" | tee "$out/train.log"
start=$(date +%s)
python3 -m tangshi.cli train --device cuda --batch-size 256 --lr 2e-3 --steps "$steps" --warmup 200 \
  --eval-every $((steps / 10)) --log-every 50 --out /tmp/gpu-run 2>&1 | grep -v '%|' | tail -20 | tee -a "$out/train.log"
echo "wall $(( $(date +%s) - start )) s" | tee -a "$out/train.log"
cp /tmp/gpu-run/log.jsonl "$out/log.jsonl"
python3 scripts/ship_model.py /tmp/gpu-run/best --name tangshi-lstm-2x512 --out "$out/model" 2>&1 | tail -2
