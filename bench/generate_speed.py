"""Benchmark: generation latency of a model, per form and mode, against a naive decoder.

For each form and mode (one poem at the defaults — K candidates, guided; one single sample;
16 poems from 16 candidates in one batch; beam 8) it writes
``--repeats`` poems with strict rules, after loading, and reports p50/p90 milliseconds.
The reference in the same run decodes the same model the obvious way: one call of the
fused recurrent kernel per step (what ``nn.LSTM`` does for T = 1), no constraints, and
multinomial sampling from the full softmax. Also measured: the cold start of a whole
``tangshi write`` process (wall time, median of ``--cold`` runs), and — when the corpus is
built — what the int8 step costs in quality: on ``--fidelity`` valid poems, teacher-forced,
the mean KL divergence of its next-character distribution from float32's, and both losses.

    python bench/generate_speed.py --json [--model PATH] [--repeats 15] [--threads 1]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

from tangshi.corpus.clean import REGULATED
from tangshi.poet import Poet

# default: one poem at the request defaults (K candidates with title guidance, ranked);
# single: one sample, no guidance (the previous default's work); n16: 16 poems of 16 candidates
MODES = {"default": {}, "single": {"candidates": 1, "guidance": 0.0}, "n16": {"n": 16, "candidates": 16},
         "beam8": {"beam": 8}}


def timed(fn, repeats: int) -> dict:
    fn()  # warm-up: first-call allocations and caches
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p90_ms": round(times[int(0.9 * (len(times) - 1))], 1)}


@torch.inference_mode()
def naive_poem(poet: Poet, n_chars: int) -> str:
    """The reference: fused kernel per step, full softmax, no rules, no masks."""
    model, vocab = poet.model, poet.vocab
    keys, states, mask, state = model.encode(torch.tensor([[vocab.bos]]))
    tok, form, out = torch.tensor([vocab.bos]), torch.tensor([0]), []
    impl = model.decoder.impl
    for _ in range(n_chars):
        x = (model.embed(tok) + model.form_embed(form)).unsqueeze(1)  # (1, 1, emb)
        h, state = model.decoder(x, state)  # the fused kernel, T = 1
        logits = model.logits(h, keys, states, mask)[:, 0]
        tok = torch.multinomial(torch.softmax(logits, -1), 1)[:, 0]
        out.append(int(tok))
    assert impl == "fused"
    return vocab.decode(out)


@torch.inference_mode()
def int8_fidelity(poet: Poet, poems: int) -> dict | None:
    """Mean KL(fp32 ‖ int8) per character and the loss of each, teacher-forced on valid poems."""
    from tangshi.corpus.build import load_dataset
    from tangshi.data import collate, encode_poems
    from tangshi.errors import TangshiError
    from tangshi.decoding.stepper import Stepper, int8_available

    if not int8_available():
        return None
    try:
        ds = load_dataset()
    except TangshiError:
        return None  # no corpus built
    model = poet.model
    data = encode_poems(ds.split("valid")[:poems], ds.vocab, 128)
    b = collate(data, list(range(len(data))), ds.vocab.bos)
    exact, fast = Stepper(model, "fp32"), Stepper(model, "int8")
    keys, states, mask, state = model.encode(b.titles)
    s1 = s2 = state
    kl = loss1 = loss2 = count = 0.0
    for t in range(b.inputs.shape[1]):
        l1, s1 = exact(b.inputs[:, t], b.forms, s1, keys, states, mask)
        l2, s2 = fast(b.inputs[:, t], b.forms, s2, keys, states, mask)
        p1, p2 = torch.log_softmax(l1, -1), torch.log_softmax(l2, -1)  # (B, V)
        real = b.targets[:, t] != -100
        target = b.targets[:, t].clamp_min(0)[:, None]
        kl += float((p1.exp() * (p1 - p2)).sum(-1)[real].sum())
        loss1 -= float(p1.gather(1, target)[real].sum())
        loss2 -= float(p2.gather(1, target)[real].sum())
        count += float(real.sum())
    return {"poems": len(data), "chars": int(count), "mean_kl_nats": kl / count,
            "loss_fp32": loss1 / count, "loss_int8": loss2 / count}


def cold_start(model: str | None, runs: int) -> float:
    exe = Path(sys.executable).parent / "tangshi"
    cmd = [str(exe), "write", "--form", "七律", "--seed", "1"] + (["--model", model] if model else [])
    walls = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        walls.append(time.perf_counter() - t)
    return round(statistics.median(walls), 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="checkpoint directory (default: the shipped model)")
    ap.add_argument("--repeats", type=int, default=15, help="timed poems per form and mode")
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    ap.add_argument("--cold", type=int, default=3, help="cold-start runs of `tangshi write`")
    ap.add_argument("--fidelity", type=int, default=64, help="valid poems for the int8-vs-fp32 check, 0 = skip")
    ap.add_argument("--json", action="store_true", help="print JSON only")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    poet = Poet.load(args.model)
    torch.set_num_threads(args.threads)
    result = {"threads": args.threads, "forms": {}, "reference_naive": {}}
    for form in REGULATED:
        result["forms"][form] = {m: timed(lambda kw=kw: poet.write(form=form, **kw), args.repeats)
                                 for m, kw in MODES.items()}
        n_chars = {"五言绝句": 24, "七言绝句": 32, "五言律诗": 48, "七言律诗": 64}[form]
        result["reference_naive"][form] = timed(lambda: naive_poem(poet, n_chars), args.repeats)
    q = result["forms"]["七言律诗"]
    result["targets"] = {"qilv_default_p50_ms<=250": q["default"]["p50_ms"],
                         "qilv_single_p50_ms<=60": q["single"]["p50_ms"],
                         "qilv_beam8_p50_ms<=400": q["beam8"]["p50_ms"],
                         "cold_start_s<=3": cold_start(args.model, args.cold) if args.cold else None}
    result["speedup_vs_naive_qilv_single"] = round(
        result["reference_naive"]["七言律诗"]["p50_ms"] / q["single"]["p50_ms"], 2)
    result["precision"] = poet.precision
    result["int8_fidelity"] = int8_fidelity(poet, args.fidelity) if args.fidelity else None
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 1))


if __name__ == "__main__":
    main()
