"""Yardsticks for the poet: a nanoGPT-style character transformer (the default) and pytorch/examples'
word_language_model LSTM (``--arch wlm``), each trained as its own community trains it, for a fixed
wall-clock time, on the poet's training stream, in the poet's precision, scored on the poet's test tokens.

The 41-minute side by side (issue 29, item 3): one thread each, both at once, nothing else running::

    OMP_NUM_THREADS=1 python bench/recipes.py --minutes 41 --no-rule-inputs --no-moods --json recipe-41min.json &
    OMP_NUM_THREADS=1 python bench/yardstick.py --minutes 41 --json yard-41min-transformer.json &
    wait

Compare the transformer's ``test_ppl`` with the poet's ``test_ppl`` (empty titles), not ``test_ppl_titles``.
A short check: ``--minutes 2`` or ``--steps 300``; ``--self-check`` also scores 3 poems by brute force.

**The stream.** The poet's training targets: each train-split poem's characters, punctuation (，。)
and end mark, encoded and cut at ``--max-len`` exactly as ``tangshi.data.encode_poems`` hands them to
the poet, concatenated in corpus order. A poem cut at ``--max-len`` loses its end mark there; the stream
puts one back (``cut_poems`` in the result counts them), so every poem starts after an end mark.

**The scored tokens.** The test split's poems of the four regulated forms, encoded as bench/recipes.py
encodes the poet's test set: each poem's characters, punctuation and end mark (no title, no form), all
targets pooled, ``exp(total NLL / targets)``. These are the targets of recipes.py's ``test_ppl``, the poet
with an empty title (it is still given the form). Each poem is read from a fresh context holding one end
mark, the token every poem follows in the stream: the transformer at positions 0..T-1, the LSTM from a
zero state. (Reading it after ``<bos>``, a token the yardstick never saw, cost one of issue 29's
checkpoints 170.3 against 142.3.) Scored in fp32, in eval mode, as ``tangshi.evaluate.teacher_forced_nll``
scores the poet.

**Precision.** ``--precision auto`` is the poet's own rule (``tangshi.train.autocast_dtype``): bf16
autocast on a CPU with AMX or AVX512-BF16, fp32 elsewhere. The result names the CPU and the dtype used.
"""
from __future__ import annotations

import argparse
import json
import math
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from tangshi.corpus.build import load_dataset
from tangshi.corpus.clean import REGULATED
from tangshi.data import IGNORE, encode_poems
from tangshi.train import PRECISIONS, TrainConfig, autocast_dtype


@dataclass(frozen=True)
class GPTConfig:
    """nanoGPT's GPTConfig, at the size the issue's reporter trained on one CPU thread."""

    vocab: int
    block: int = 128
    layers: int = 4
    heads: int = 4
    width: int = 256
    dropout: float = 0.1
    bias: bool = False  # nanoGPT's train.py: bias = False (no bias in Linear and LayerNorm)


class SelfAttention(nn.Module):
    """nanoGPT's CausalSelfAttention: one projection to q, k, v; causal scaled dot-product attention."""

    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.qkv = nn.Linear(cfg.width, 3 * cfg.width, bias=cfg.bias)
        self.proj = nn.Linear(cfg.width, cfg.width, bias=cfg.bias)
        self.drop, self.heads, self.p = nn.Dropout(cfg.dropout), cfg.heads, cfg.dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2)  # (B, h, T, C/h)
                   for t in self.qkv(x).split(C, dim=2))
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=self.p if self.training else 0.0, is_causal=True)
        return self.drop(self.proj(y.transpose(1, 2).reshape(B, T, C)))  # (B, T, C)


class Block(nn.Module):
    """Pre-norm: x + attn(ln(x)), then x + mlp(ln(x)); the MLP is 4× wide with GELU."""

    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(cfg.width, bias=cfg.bias), nn.LayerNorm(cfg.width, bias=cfg.bias)
        self.attn = SelfAttention(cfg)
        self.fc = nn.Linear(cfg.width, 4 * cfg.width, bias=cfg.bias)
        self.proj = nn.Linear(4 * cfg.width, cfg.width, bias=cfg.bias)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))  # (B, T, C)
        return x + self.drop(self.proj(F.gelu(self.fc(self.ln2(x)))))


class GPT(nn.Module):
    """ids (B, T) -> logits (B, T, V): learned positions, output tied to the embedding (nanoGPT's GPT)."""

    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed, self.pos = nn.Embedding(cfg.vocab, cfg.width), nn.Embedding(cfg.block, cfg.width)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.layers))
        self.ln = nn.LayerNorm(cfg.width, bias=cfg.bias)
        for m in self.modules():  # nanoGPT's _init_weights
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)
        for name, p in self.named_parameters():  # residual projections scaled by depth, as GPT-2
            if name.endswith("proj.weight"):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * cfg.layers))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.drop(self.embed(ids) + self.pos(torch.arange(ids.shape[1])))  # (B, T, C)
        for block in self.blocks:
            x = block(x)
        return self.ln(x) @ self.embed.weight.T  # (B, T, V)


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


def logits_of(model: nn.Module, ids: torch.Tensor) -> torch.Tensor:
    """(B, T) -> (B, T, V) from either yardstick, from a fresh context (the LSTM's zero state)."""
    out = model(ids)
    return out[0] if isinstance(out, tuple) else out


def poet_stream(rows: list[list[int]], eos: int) -> tuple[torch.Tensor, int]:
    """The poet's training targets end to end, each poem followed by an end mark; (stream, poems cut)."""
    cut = [r for r in rows if r[-1] != eos]
    return torch.tensor([i for r in rows for i in (r if r[-1] == eos else r + [eos])]), len(cut)


def score(model: nn.Module, rows: list[list[int]], start: int, batch: int = 64) -> tuple[float, int]:
    """(summed NLL, targets) of every row, each read alone from the context ``[start] + row[:-1]``.

    Rows are batched by length and padded at the end; causal models never see the padding."""
    model.eval()
    nll, count = 0.0, 0
    rows = sorted(rows, key=len)
    with torch.inference_mode():
        for k in range(0, len(rows), batch):
            part = rows[k:k + batch]
            ids = torch.zeros(len(part), max(map(len, part)), dtype=torch.long)  # (B, T)
            tgt = torch.full_like(ids, IGNORE)  # (B, T)
            for i, r in enumerate(part):
                ids[i, : len(r)] = torch.tensor([start] + r[:-1])
                tgt[i, : len(r)] = torch.tensor(r)
            logits = logits_of(model, ids).float()  # (B, T, V)
            nll += float(F.cross_entropy(logits.flatten(0, 1), tgt.flatten(), ignore_index=IGNORE, reduction="sum"))
            count += int((tgt != IGNORE).sum())
    model.train()
    return nll, count


def perplexity(model: nn.Module, rows: list[list[int]], start: int) -> float:
    nll, count = score(model, rows, start)
    return math.exp(nll / count)


def brute_force_nll(model: nn.Module, rows: list[list[int]], start: int) -> float:
    """The summed NLL of ``score``, one target at a time, each from its own unpadded prefix."""
    model.eval()
    total = 0.0
    with torch.inference_mode():
        for r in rows:
            for t, y in enumerate(r):
                logits = logits_of(model, torch.tensor([[start] + r[:t]]))[0, -1].float()  # (V,)
                total -= float(torch.log_softmax(logits, -1)[y])
    model.train()
    return total


def cpu_info() -> dict:
    """The CPU's model name (lscpu's) and the flags that decide the poet's precision."""
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout.splitlines()
        name = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("Model name:"))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        name = platform.processor() or platform.machine()
    try:
        flags = set(Path("/proc/cpuinfo").read_text().split())
    except OSError:
        flags = set()
    return {"model_name": name, "avx512_bf16": "avx512_bf16" in flags, "amx_bf16": "amx_bf16" in flags,
            "avx512f": "avx512f" in flags}


class Budget:
    """Wall-clock minutes and, optionally, a step limit: ``share`` of it spent, ``over`` once all is."""

    def __init__(self, minutes: float, steps: int | None) -> None:
        self.t0, self.seconds, self.steps = time.perf_counter(), minutes * 60, steps

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def share(self, step: int) -> float:
        return max(self.elapsed() / self.seconds, step / self.steps if self.steps else 0.0)

    def over(self, step: int) -> bool:
        return self.share(step) >= 1.0


def transformer_lr(args, step: int, share: float) -> float:
    """Linear warm-up over ``--warmup`` steps; then constant, or nanoGPT's cosine to lr/10 on the budget's share."""
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    if args.schedule == "constant":
        return args.lr
    return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(share, 1.0))))  # min_lr = lr / 10


def train_transformer(args, stream: torch.Tensor, dtype: torch.dtype, budget: Budget) -> tuple[nn.Module, int, list]:
    """nanoGPT's loop: random windows of ``block`` from the stream, AdamW, clip 1.0, autocast as the poet."""
    model = GPT(GPTConfig(args.vocab, args.block, args.layers, args.heads, args.width, args.dropout))
    # karpathy/nanoGPT config/train_shakespeare_char.py: learning_rate = 1e-3, warmup_iters = 100,
    # beta2 = 0.99 ("a bit bigger because number of tokens per iter is small"); the rest from its
    # train.py defaults: weight_decay = 1e-1, beta1 = 0.9, grad_clip = 1.0. model.py's
    # configure_optimizers decays every parameter of 2 or more dims (the matmul weights and the
    # embeddings) and neither biases nor LayerNorms.
    params = list(model.parameters())
    opt = torch.optim.AdamW([{"params": [p for p in params if p.dim() >= 2], "weight_decay": args.weight_decay},
                             {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, args.beta2))
    g = torch.Generator().manual_seed(args.seed)
    step, log, recent = 0, [], []
    while not budget.over(step):
        for group in opt.param_groups:
            group["lr"] = transformer_lr(args, step, budget.share(step))
        starts = torch.randint(0, len(stream) - args.block, (args.batch,), generator=g).tolist()
        x = torch.stack([stream[s: s + args.block] for s in starts])  # (B, T)
        y = torch.stack([stream[s + 1: s + 1 + args.block] for s in starts])  # (B, T)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=dtype == torch.bfloat16):
            logits = model(x)  # (B, T, V)
        loss = F.cross_entropy(logits.float().flatten(0, 1), y.flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)  # nanoGPT's grad_clip
        opt.step()
        step, recent = step + 1, recent + [loss.item()]
        if step % args.log_every == 0:
            log.append({"step": step, "seconds": round(budget.elapsed()), "loss": round(sum(recent) / len(recent), 4),
                        "lr": round(opt.param_groups[0]["lr"], 6)})
            recent = []
            print(json.dumps(log[-1]), flush=True)
    return model, step, log


def train_wlm(args, stream: torch.Tensor, valid: list[list[int]], start: int, dtype: torch.dtype,
              budget: Budget) -> tuple[nn.Module, int, list]:
    """word_language_model's loop: SGD, clip 0.25, 32 columns, BPTT 64, state carried, lr/4 on a plateau.

    Its defaults, with the sizes the issue names: embedding → 2-layer LSTM 512 → tied decoder, dropout
    0.2, plain SGD at lr 20; the learning rate divided by 4 when the validation loss stops improving,
    checked every ``--check-minutes`` instead of every epoch, since the budget is less than one epoch."""
    model = WordLM(args.vocab, args.width, args.layers, args.dropout)
    cols = stream[: len(stream) // args.batch * args.batch].view(args.batch, -1)  # (B, N): its batchify
    lr, best, state, pos, step, log = args.lr, float("inf"), None, 0, 0, []
    next_check = args.check_minutes * 60
    while not budget.over(step):
        if pos + args.block + 1 > cols.shape[1]:
            pos, state = 0, None
        x, y = cols[:, pos: pos + args.block], cols[:, pos + 1: pos + 1 + args.block]  # (B, T)
        pos += args.block
        state = None if state is None else tuple(s.detach() for s in state)  # its repackage_hidden: BPTT stops here
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=dtype == torch.bfloat16):
            logits, state = model(x, state)  # (B, T, V)
        loss = F.cross_entropy(logits.float().flatten(0, 1), y.flatten())
        model.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)  # its --clip: LSTMs explode without it
        with torch.no_grad():
            for p in model.parameters():
                p.add_(p.grad, alpha=-lr)
        step += 1
        if step % args.log_every == 0:
            log.append({"step": step, "seconds": round(budget.elapsed()), "loss": round(loss.item(), 4), "lr": lr})
            print(json.dumps(log[-1]), flush=True)
        if budget.elapsed() >= next_check:  # its end-of-epoch check, on a clock
            next_check += args.check_minutes * 60
            nll, count = score(model, valid, start)
            best, lr = (nll / count, lr) if nll / count < best else (best, lr / 4.0)
            log.append({"step": step, "seconds": round(budget.elapsed()), "valid_loss": round(nll / count, 4),
                        "lr": lr})
            print(json.dumps(log[-1]), flush=True)
    return model, step, log


ARCH_DEFAULTS = {  # flag -> (transformer, wlm)
    "layers": (4, 2), "width": (256, 512), "block": (128, 64), "batch": (32, 32), "lr": (1e-3, 20.0),
    "dropout": (0.1, 0.2),
}


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=41.0, help="wall-clock training budget")
    ap.add_argument("--steps", type=int, default=None, help="also stop after this many steps (short checks)")
    ap.add_argument("--arch", choices=("transformer", "wlm"), default="transformer", help="which yardstick")
    for flag, (tf, wlm) in ARCH_DEFAULTS.items():
        ap.add_argument(f"--{flag}", type=type(tf), default=None, help=f"default {tf} (transformer), {wlm} (wlm)")
    ap.add_argument("--heads", type=int, default=4, help="transformer: attention heads")
    # The reporter's recipe keeps the rate constant after the warm-up (142.3 at 40 minutes); nanoGPT's
    # cosine needs its step count in advance, so --schedule cosine runs it on the budget's share, as
    # bench/recipes.py runs the poet's.
    ap.add_argument("--schedule", choices=("constant", "cosine"), default="constant",
                    help="transformer: after the warm-up, constant (default) or cosine to lr/10 over the budget")
    ap.add_argument("--warmup", type=int, default=100, help="transformer: linear warm-up steps")
    ap.add_argument("--weight-decay", type=float, default=0.1, help="transformer: AdamW decay of 2-D parameters")
    ap.add_argument("--beta2", type=float, default=0.99, help="transformer: AdamW's beta2")
    ap.add_argument("--clip", type=float, default=1.0, help="transformer: max global gradient norm")
    ap.add_argument("--precision", choices=PRECISIONS, default="auto",
                    help="autocast dtype; auto: the poet's rule (bf16 on AMX/AVX512-BF16 CPUs, else fp32)")
    ap.add_argument("--max-len", type=int, default=TrainConfig.max_len,
                    help="cut poems where the poet's --max-len does (keep it equal to the poet run's)")
    ap.add_argument("--check-minutes", type=float, default=5.0, help="wlm: validate (and maybe anneal) this often")
    ap.add_argument("--log-every", type=int, default=100, help="print the mean training loss every N steps")
    ap.add_argument("--seed", type=int, default=1234, help="torch's seed and the window sampler's")
    ap.add_argument("--self-check", action="store_true", help="also check the scoring on 3 poems by brute force")
    ap.add_argument("--json", help="also write the result here")
    args = ap.parse_args()
    for flag, pair in ARCH_DEFAULTS.items():
        if getattr(args, flag) is None:
            setattr(args, flag, pair[args.arch == "wlm"])
    if args.steps is not None and args.steps < 1:
        ap.error(f"--steps must be at least 1, not {args.steps}")
    return args


def main() -> None:
    args = parse_args()
    torch.manual_seed(args.seed)
    ds = load_dataset()
    vocab = ds.vocab
    args.vocab = len(vocab)
    stream, cut = poet_stream(encode_poems(ds.split("train"), vocab, args.max_len).bodies, vocab.eos)
    test = encode_poems([p for p in ds.split("test") if p.form in REGULATED], vocab, args.max_len).bodies
    if args.arch == "transformer" and max(map(len, test)) > args.block:  # a poem is scored in one context
        print(f"yardstick.py: --block {args.block} is shorter than the longest test poem "
              f"({max(map(len, test))} targets); use --block {max(map(len, test))} or more", file=sys.stderr)
        raise SystemExit(2)
    dtype = autocast_dtype(args.precision, torch.device("cpu"))
    budget = Budget(args.minutes, args.steps)
    if args.arch == "wlm":
        valid = encode_poems(ds.split("valid")[:400], vocab, args.max_len).bodies
        model, step, log = train_wlm(args, stream, valid, vocab.eos, dtype, budget)
        name = f"word_language_model LSTM {args.layers}x{args.width} tied, SGD lr {args.lr}, bptt {args.block}"
    else:
        model, step, log = train_transformer(args, stream, dtype, budget)
        name = (f"nanoGPT-style transformer {args.layers}x{args.width}, {args.heads} heads, block {args.block},"
                f" batch {args.batch}, AdamW {args.lr:g} ({args.schedule})")
    seconds = budget.elapsed()
    nll, count = score(model, test, vocab.eos)
    result = {"arch": args.arch, "model": name, "config": asdict(model.cfg) if args.arch == "transformer" else None,
              "recipe": {k: v for k, v in vars(args).items() if k not in ("json", "self_check")},
              "cpu": cpu_info(), "precision": str(dtype).replace("torch.", ""), "threads": torch.get_num_threads(),
              "torch": torch.__version__, "parameters": sum(p.numel() for p in model.parameters()),
              "minutes": round(seconds / 60, 2), "steps": step, "tokens": step * args.batch * args.block,
              "tokens_per_s": round(step * args.batch * args.block / seconds), "stream_tokens": len(stream),
              "cut_poems": cut, "test_poems": len(test), "test_targets": count, "scored_after": "<eos>",
              "test_ppl": round(math.exp(nll / count), 2), "log": log}
    if args.self_check:
        fast, _ = score(model, test[:3], vocab.eos)
        slow = brute_force_nll(model, test[:3], vocab.eos)
        assert abs(fast - slow) <= 1e-4 * max(1.0, abs(slow)), (fast, slow)
        result["self_check"] = {"poems": 3, "batched_nll": round(fast, 4), "brute_force_nll": round(slow, 4),
                                "test_ppl_after_bos": round(perplexity(model, test, vocab.bos), 2)}  # the old tilt
    print(json.dumps({k: v for k, v in result.items() if k not in ("log", "recipe")}, ensure_ascii=False))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
