"""Benchmark: training throughput of the default poet against a plain PyTorch LSTM, same run.

tangshi: the default ModelConfig and TrainConfig (bucketed batches, bf16 autocast where the
CPU has AMX/AVX512-BF16, tied softmax, fused kernels, the title encoder and attention).
Reference: ``nn.Embedding`` + ``nn.LSTM`` (fp32) + ``nn.Linear`` + cross-entropy with the same
layer sizes and batch size, poems padded to the batch maximum in random batches, AdamW.
Both train ``--steps`` steps on the real train split (the fixture when no corpus is built)
and are then scored on the same ``--valid`` valid poems. Throughput counts real characters
(targets that are not padding). Also reported: the machine's matrix-multiply peak (fp32 and
bf16, 1024³ products; 8192³ on a GPU) and the share of it the training reaches, and peak RSS
(and peak GPU memory on a GPU).

    python bench/train_speed.py --json [--steps 150] [--valid 400]
    python bench/train_speed.py --json --device cuda [--batch-size 256]   # cuDNN, bf16 autocast
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import time

import torch
import torch.nn.functional as F
from torch import nn

from tangshi.corpus.build import load_dataset
from tangshi.data import IGNORE, bucket_batches, collate, encode_poems
from tangshi.model import ModelConfig, PoemModel
from tangshi.train import TrainConfig, Trainer, resolve_device, autocast_dtype


class Reference(nn.Module):
    """The textbook character LM: embedding, stacked LSTM, linear output, softmax."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size, cfg.emb, padding_idx=0)
        self.lstm = nn.LSTM(cfg.emb, cfg.hidden, cfg.layers, batch_first=True, dropout=cfg.dropout)
        self.out = nn.Linear(cfg.hidden, cfg.vocab_size)

    def forward(self, inputs: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h, _ = self.lstm(self.embed(inputs))  # (B, T, H)
        logits = self.out(h)  # (B, T, V)
        loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=IGNORE, reduction="sum")
        return loss, (targets != IGNORE).sum()


def sync(device: torch.device) -> None:
    """Wait for queued GPU work, so that wall-clock timings are honest."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_peak(dtype: torch.dtype, device: torch.device, reps: int = 20) -> float:
    n = 8192 if device.type == "cuda" else 1024
    a, b = (torch.randn(n, n, dtype=dtype, device=device) for _ in range(2))
    for _ in range(3):
        a @ b
    sync(device)
    t = time.perf_counter()
    for _ in range(reps):
        a @ b
    sync(device)
    return 2 * n ** 3 * reps / (time.perf_counter() - t)  # FLOP/s


def matmul_flops_per_token(cfg: ModelConfig) -> float:
    """Training FLOPs per character of the decoder's matrix products (forward ×3 for backward)."""
    lstm = sum(4 * cfg.hidden * ((cfg.emb if l == 0 else cfg.hidden) + cfg.hidden) for l in range(cfg.layers))
    head = (cfg.hidden + 2 * cfg.enc_hidden) * cfg.emb + cfg.emb * cfg.vocab_size
    return 3 * 2 * (lstm + head)


# this benchmark's recipe, fixed so that its published figures stay reproducible when the
# trainer's defaults move (they did: batch 32, lr 4e-3, warm-up 100 since the recipe study)
RECIPE = dict(lr=2e-3, warmup=300)
BATCH = 64


def run_tangshi(ds, steps: int, valid, device: str, batch_size: int) -> dict:
    cfg = TrainConfig(out="/tmp/tangshi-bench-run", steps=steps, eval_every=10**9, log_every=10**9,
                      device=device, batch_size=batch_size, **RECIPE)
    torch.manual_seed(cfg.seed)
    mcfg = ModelConfig(vocab_size=len(ds.vocab))
    trainer = Trainer(PoemModel(mcfg), ds.vocab, encode_poems(ds.split("train"), ds.vocab, cfg.max_len), valid, cfg)
    batches = bucket_batches(trainer.train_data, cfg.batch_size, cfg.seed, 0)
    for idx in batches[:5]:  # warm-up: oneDNN builds its kernels per shape
        trainer.train_step(idx)
    sync(trainer.device)
    tokens, t = 0.0, time.perf_counter()
    for k in range(steps):
        trainer.c.step = k
        tokens += trainer.train_step(batches[(5 + k) % len(batches)])["tokens"]
    sync(trainer.device)
    rate = tokens / (time.perf_counter() - t)
    return {"chars_per_s": rate, "valid_loss": trainer.evaluate()["valid_loss"],
            "precision": str(trainer.dtype).replace("torch.", ""), "flops_per_char": matmul_flops_per_token(mcfg)}


def run_reference(ds, steps: int, valid, device: torch.device, batch_size: int) -> dict:
    tcfg, mcfg = TrainConfig(batch_size=batch_size, **RECIPE), ModelConfig(vocab_size=len(ds.vocab))
    torch.manual_seed(tcfg.seed)
    model = Reference(mcfg).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=tcfg.lr, weight_decay=tcfg.weight_decay)
    train = encode_poems(ds.split("train"), ds.vocab, tcfg.max_len)
    order = torch.randperm(len(train), generator=torch.Generator().manual_seed(tcfg.seed)).tolist()
    batches = [order[k:k + tcfg.batch_size] for k in range(0, len(order), tcfg.batch_size)]
    tokens, t = 0.0, None
    for k in range(steps + 5):
        idx = batches[k % len(batches)]
        if k == 5:
            sync(device)
            tokens, t = 0.0, time.perf_counter()
        b = collate(train, idx, ds.vocab.bos).to(device)
        lr = tcfg.lr * min(1.0, (k + 1) / tcfg.warmup)
        for g in opt.param_groups:
            g["lr"] = lr
        loss, n = model(b.inputs, b.targets)
        (loss / n).backward()
        nn.utils.clip_grad_norm_(model.parameters(), tcfg.clip)
        opt.step()
        opt.zero_grad()
        tokens += float(n)
    sync(device)
    rate = tokens / (time.perf_counter() - t)
    model.eval()
    total = count = 0.0
    with torch.no_grad():
        for idx in bucket_batches(valid, 128, 0, 0, shuffle=False):
            b = collate(valid, idx, ds.vocab.bos).to(device)
            loss, n = model(b.inputs, b.targets)
            total, count = total + float(loss), count + float(n)
    return {"chars_per_s": rate, "valid_loss": total / count, "precision": "float32"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=150, help="timed training steps of each model")
    ap.add_argument("--valid", type=int, default=400, help="valid poems scored after training")
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda"), help="where both models train")
    ap.add_argument("--batch-size", type=int, default=BATCH, help="poems per step, both models (default: %(default)s)")
    ap.add_argument("--json", action="store_true", help="print JSON only")
    args = ap.parse_args()
    device = resolve_device(args.device)
    ds = load_dataset()
    valid = encode_poems(ds.split("valid")[: args.valid], ds.vocab, TrainConfig().max_len)
    ours = run_tangshi(ds, args.steps, valid, args.device, args.batch_size)
    ref = run_reference(ds, args.steps, valid, device, args.batch_size)
    peak_dtype = autocast_dtype("auto", device)
    peaks = {"fp32": matmul_peak(torch.float32, device), "bf16": matmul_peak(torch.bfloat16, device)}
    achieved = ours["chars_per_s"] * ours["flops_per_char"]
    hardware = torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu ({torch.get_num_threads()} threads)"
    result = {"steps": args.steps, "batch_size": args.batch_size, "threads": torch.get_num_threads(),
              "device": hardware, "torch": torch.__version__,
              "tangshi": ours, "reference": ref,
              "speedup": ours["chars_per_s"] / ref["chars_per_s"],
              "valid_loss_ratio": ours["valid_loss"] / ref["valid_loss"],
              "matmul_peak_gflops": {k: v / 1e9 for k, v in peaks.items()},
              "share_of_peak": achieved / peaks["bf16" if peak_dtype == torch.bfloat16 else "fp32"],
              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if device.type == "cuda":
        result["peak_gpu_mb"] = torch.cuda.max_memory_allocated(device) / 2**20
    print(json.dumps(result, indent=None if args.json else 1))


if __name__ == "__main__":
    main()
