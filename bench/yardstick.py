"""The yardstick of issue 14, item 5: a small character transformer trained the way such models
usually are, for a fixed wall-clock time, scored on the same tokens as the poet.

A nanoGPT-style decoder-only transformer (pre-norm blocks, causal self-attention, learned
positions, tied output; 4 layers × 256, 4 heads, block 128 by default) on the train split's poem
bodies, each followed by its end mark, concatenated into one stream; random windows of
``--block`` tokens, ``--batch`` at a time, AdamW (lr 1e-3, warm-up then cosine over the time
budget), fp32. No title, no form: it is a plain language model of the verse.

Scored on the test split's poems of the four regulated forms: each poem's body and end mark,
read from a fresh context (one <bos>), the perplexity over all those targets — the same targets
``tangshi eval`` scores the poet on (its "empty titles" perplexity is the poet without its title).

    OMP_NUM_THREADS=1 python bench/yardstick.py --minutes 41 [--layers 4 --width 256 --heads 4]
"""
from __future__ import annotations

import argparse
import json
import math
import time

import torch
import torch.nn.functional as F
from torch import nn

from tangshi.corpus.build import load_dataset
from tangshi.corpus.clean import REGULATED


class Block(nn.Module):
    def __init__(self, width: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads, dropout=dropout, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width), nn.Dropout(dropout))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = self.ln1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class CharTransformer(nn.Module):
    """ids (B, T) -> logits (B, T, V): causal, positions learned, output tied to the embedding."""

    def __init__(self, vocab: int, width: int, layers: int, heads: int, block: int, dropout: float) -> None:
        super().__init__()
        self.embed, self.pos = nn.Embedding(vocab, width), nn.Embedding(block, width)
        nn.init.normal_(self.embed.weight, std=0.02)
        nn.init.normal_(self.pos.weight, std=0.02)
        self.blocks = nn.ModuleList(Block(width, heads, dropout) for _ in range(layers))
        self.ln = nn.LayerNorm(width)
        self.drop = nn.Dropout(dropout)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        T = ids.shape[1]
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)  # True: may not attend (the future)
        x = self.drop(self.embed(ids) + self.pos(torch.arange(T)))
        for b in self.blocks:
            x = b(x, mask)
        return self.ln(x) @ self.embed.weight.T


def test_ppl(model: nn.Module, rows: list[list[int]], bos: int, block: int) -> float:
    """Perplexity of each row (body + end mark) read from <bos>, all targets pooled."""
    model.eval()
    nll = count = 0.0
    with torch.inference_mode():
        rows = sorted(rows, key=len)
        for k in range(0, len(rows), 64):
            part = [r[: block - 1] for r in rows[k:k + 64]]
            width = max(len(r) for r in part) + 1
            ids = torch.zeros(len(part), width, dtype=torch.long)
            tgt = torch.full((len(part), width), -100, dtype=torch.long)
            for i, r in enumerate(part):
                ids[i, : len(r) + 1] = torch.tensor([bos] + r)
                tgt[i, : len(r)] = torch.tensor(r)
            logits = model(ids[:, :-1])
            nll += float(F.cross_entropy(logits.flatten(0, 1), tgt[:, :-1].flatten(), ignore_index=-100, reduction="sum"))
            count += float((tgt[:, :-1] != -100).sum())
    model.train()
    return math.exp(nll / count)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=41.0, help="wall-clock training budget")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--width", type=int, default=256)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--block", type=int, default=128)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--json", help="also write the result here")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    ds = load_dataset()
    vocab = ds.vocab
    stream = torch.tensor([i for p in ds.split("train") for i in vocab.encode(p.body) + [vocab.eos]])
    test = [vocab.encode(p.body) + [vocab.eos] for p in ds.split("test") if p.form in REGULATED]
    model = CharTransformer(len(vocab), args.width, args.layers, args.heads, args.block, args.dropout)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    rest = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    budget, warmup = args.minutes * 60, 100
    g = torch.Generator().manual_seed(args.seed)
    t0, step, tokens, log = time.perf_counter(), 0, 0, []
    while (elapsed := time.perf_counter() - t0) < budget:
        frac = elapsed / budget  # the schedule runs on time, not steps: the budget is what is fixed
        lr = args.lr * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for group in opt.param_groups:
            group["lr"] = lr
        starts = torch.randint(0, len(stream) - args.block - 1, (args.batch,), generator=g)
        x = torch.stack([stream[s: s + args.block] for s in starts.tolist()])  # (B, T)
        y = torch.stack([stream[s + 1: s + 1 + args.block] for s in starts.tolist()])
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step, tokens = step + 1, tokens + x.numel()
        if step % 200 == 0:
            log.append({"step": step, "seconds": round(elapsed), "loss": round(float(loss), 4)})
            print(json.dumps(log[-1]), flush=True)
    result = {"model": f"transformer {args.layers}x{args.width}, {args.heads} heads, block {args.block}",
              "parameters": sum(p.numel() for p in model.parameters()), "minutes": args.minutes,
              "steps": step, "tokens": tokens, "tokens_per_s": round(tokens / (time.perf_counter() - t0)),
              "threads": torch.get_num_threads(), "test_poems": len(test),
              "test_ppl": round(test_ppl(model, test, vocab.bos, args.block), 2), "log": log}
    print(json.dumps({k: v for k, v in result.items() if k != "log"}))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
