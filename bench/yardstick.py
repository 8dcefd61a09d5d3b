"""The yardsticks of issue 14, item 5: a small character transformer, and the pytorch/examples
word_language_model LSTM recipe, each trained the way it usually is, for a fixed wall-clock time,
scored on the same tokens as the poet.

A nanoGPT-style decoder-only transformer (pre-norm blocks, causal self-attention, learned
positions, tied output; 4 layers × 256, 4 heads, block 128 by default) on the train split's poem
bodies, each followed by its end mark, concatenated into one stream; random windows of
``--block`` tokens, ``--batch`` at a time, AdamW (lr 1e-3, warm-up then cosine over the time
budget), fp32. No title, no form: it is a plain language model of the verse.

Scored on the test split's poems of the four regulated forms: each poem's body and end mark,
read from a fresh context (one <bos>), the perplexity over all those targets — the same targets
``tangshi eval`` scores the poet on (its "empty titles" perplexity is the poet without its title).

``--arch wlm``: the recipe of pytorch/examples' word_language_model (main.py: its defaults, with the
sizes the issue names): embedding → 2-layer ``nn.LSTM`` 512 → tied linear decoder, dropout 0.2,
plain SGD at lr 20, gradients clipped to 0.25, the stream cut into 32 columns, BPTT windows of 64
with the hidden state carried (detached) from window to window; the learning rate divided by 4
when the validation loss stops improving — checked every ``--check-minutes`` instead of every
epoch, since the budget is less than one epoch.

    OMP_NUM_THREADS=1 python bench/yardstick.py --minutes 41 [--layers 4 --width 256 --heads 4]
    OMP_NUM_THREADS=1 python bench/yardstick.py --minutes 41 --arch wlm
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


class WordLM(nn.Module):
    """word_language_model's RNNModel (LSTM, tied): ids (B, T), state -> logits (B, T, V), state."""

    def __init__(self, vocab: int, width: int, layers: int, dropout: float) -> None:
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.embed = nn.Embedding(vocab, width)
        self.rnn = nn.LSTM(width, width, layers, dropout=dropout, batch_first=True)
        self.decoder = nn.Linear(width, vocab)
        self.decoder.weight = self.embed.weight  # tied, as with --tied
        nn.init.uniform_(self.embed.weight, -0.1, 0.1)  # its init_weights
        nn.init.zeros_(self.decoder.bias)

    def forward(self, ids: torch.Tensor, state=None):
        h, state = self.rnn(self.drop(self.embed(ids)), state)  # (B, T, H)
        return self.decoder(self.drop(h)), state


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
            logits = logits[0] if isinstance(logits, tuple) else logits
            nll += float(F.cross_entropy(logits.flatten(0, 1), tgt[:, :-1].flatten(), ignore_index=-100, reduction="sum"))
            count += float((tgt[:, :-1] != -100).sum())
    model.train()
    return math.exp(nll / count)


def train_transformer(args, stream: torch.Tensor, budget: float) -> tuple[nn.Module, int, int, list]:
    """AdamW, warm-up then cosine on the budget's time, random windows of ``block``."""
    model = CharTransformer(args.vocab, args.width, args.layers, args.heads, args.block, args.dropout)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    rest = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    warmup = 100
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
    return model, step, tokens, log


def train_wlm(args, stream: torch.Tensor, valid: list[list[int]], bos: int, budget: float
              ) -> tuple[nn.Module, int, int, list]:
    """word_language_model's loop: SGD, clip 0.25, 32 columns, BPTT 64, state carried, lr/4 on a plateau."""
    model = WordLM(args.vocab, args.width, args.layers, args.dropout)
    cols = stream[: len(stream) // args.batch * args.batch].view(args.batch, -1)  # (B, N): its batchify
    lr, best, state = args.lr, float("inf"), None
    t0, step, tokens, log, pos, next_check = time.perf_counter(), 0, 0, [], 0, args.check_minutes * 60
    while (elapsed := time.perf_counter() - t0) < budget:
        if pos + args.block + 1 > cols.shape[1]:
            pos, state = 0, None
        x, y = cols[:, pos: pos + args.block], cols[:, pos + 1: pos + 1 + args.block]  # (B, T)
        pos += args.block
        state = None if state is None else tuple(s.detach() for s in state)  # its repackage_hidden
        logits, state = model(x, state)
        loss = F.cross_entropy(logits.flatten(0, 1), y.flatten())
        model.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(p.grad, alpha=-lr)
        step, tokens = step + 1, tokens + x.numel()
        if step % 200 == 0:
            log.append({"step": step, "seconds": round(elapsed), "loss": round(float(loss), 4), "lr": lr})
            print(json.dumps(log[-1]), flush=True)
        if elapsed >= next_check:  # its end-of-epoch check, on a clock
            next_check += args.check_minutes * 60
            v = math.log(test_ppl(model, valid, bos, 10**6))
            if v < best:
                best = v
            else:
                lr /= 4.0
            log.append({"step": step, "seconds": round(elapsed), "valid_loss": round(v, 4), "lr": lr})
            print(json.dumps(log[-1]), flush=True)
    return model, step, tokens, log


ARCH_DEFAULTS = {  # flag -> (transformer, wlm)
    "layers": (4, 2), "width": (256, 512), "block": (128, 64), "batch": (32, 32), "lr": (1e-3, 20.0),
    "dropout": (0.0, 0.2),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=41.0, help="wall-clock training budget")
    ap.add_argument("--arch", choices=("transformer", "wlm"), default="transformer")
    for flag, (tf, wlm) in ARCH_DEFAULTS.items():
        ap.add_argument(f"--{flag}", type=type(tf), default=None, help=f"default {tf} (transformer), {wlm} (wlm)")
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--check-minutes", type=float, default=5.0, help="wlm: validate (and maybe anneal) this often")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--json", help="also write the result here")
    args = ap.parse_args()
    for flag, pair in ARCH_DEFAULTS.items():
        if getattr(args, flag) is None:
            setattr(args, flag, pair[args.arch == "wlm"])
    torch.manual_seed(args.seed)
    ds = load_dataset()
    vocab = ds.vocab
    args.vocab = len(vocab)
    stream = torch.tensor([i for p in ds.split("train") for i in vocab.encode(p.body) + [vocab.eos]])
    test = [vocab.encode(p.body) + [vocab.eos] for p in ds.split("test") if p.form in REGULATED]
    budget, t0 = args.minutes * 60, time.perf_counter()
    if args.arch == "wlm":
        valid = [vocab.encode(p.body) + [vocab.eos] for p in ds.split("valid")[:400]]
        model, step, tokens, log = train_wlm(args, stream, valid, vocab.bos, budget)
        name = f"word_language_model LSTM {args.layers}x{args.width} tied, SGD lr {args.lr}, bptt {args.block}"
    else:
        model, step, tokens, log = train_transformer(args, stream, budget)
        name = f"transformer {args.layers}x{args.width}, {args.heads} heads, block {args.block}"
    result = {"model": name,
              "parameters": sum(p.numel() for p in model.parameters()), "minutes": args.minutes,
              "steps": step, "tokens": tokens, "tokens_per_s": round(tokens / (time.perf_counter() - t0)),
              "threads": torch.get_num_threads(), "test_poems": len(test),
              "test_ppl": round(test_ppl(model, test, vocab.bos, 10**6 if args.arch == "wlm" else args.block), 2),
              "log": log}
    print(json.dumps({k: v for k, v in result.items() if k != "log"}))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
