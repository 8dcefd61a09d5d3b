"""Where one poem's decoding time goes: the decode loop's phases, and each int8 product alone.

Each phase of :class:`tangshi.decoding.loop._Run` (the model step with its log-softmax, the masks,
the biases, placing a character and the processors' advance, the slot inputs, the line's end) and
:func:`tangshi.decoding.sampler.sample` is wrapped in a timer while ``--poems`` poems are written at
one setting (``single``: one sample, no guidance; ``default``: the defaults) on one thread; then each
matrix product of the int8 step (:class:`tangshi.decoding.stepper.Stepper`) is timed alone on one row,
warm in cache, and, for an LSTM, its layers as the loop runs them: in one call (the four products and the
gates). Phases nest (``predict`` holds ``model step``), so they do not sum to the total. Then, over
``--poems`` more poems, the calls one character costs (``sys.setprofile``, this thread): calls of Python
functions (the counter's own wrapper of the step among them, one a step) and of built-in (C) ones — numpy's,
torch's and the interpreter's — per model step, and the files that make the most.

    python bench/step_phases.py [--mode single] [--poems 30] [--form 七律] [--json]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import torch

from tangshi.decoding import loop, stepper
from tangshi.poet import Poet
from tangshi.request import WriteRequest

MODES = {"single": {"candidates": 1, "guidance": 0.0}, "default": {}}
PHASES = ("predict", "allowed", "bias", "place", "_slots", "end_line", "feed")


def timed(spent: Counter, name: str, fn):
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - t
    return wrapper


def phases(poet: Poet, fields: dict, poems: int) -> dict[str, float]:
    """ms per poem: the whole write, and each phase."""
    spent: Counter = Counter()
    saved = {n: getattr(loop._Run, n) for n in PHASES}, stepper.Stepper.__call__, loop.sample
    for n in PHASES:
        setattr(loop._Run, n, timed(spent, n, saved[0][n]))
    stepper.Stepper.__call__ = timed(spent, "model step", saved[1])
    loop.sample = timed(spent, "sample", saved[2])
    try:
        for s in range(3):  # warm-up
            poet.write(WriteRequest(**fields, seed=s))
        spent.clear()
        t = time.perf_counter()
        for s in range(poems):
            poet.write(WriteRequest(**fields, seed=100 + s))
        total = time.perf_counter() - t
    finally:
        for n in PHASES:
            setattr(loop._Run, n, saved[0][n])
        stepper.Stepper.__call__, loop.sample = saved[1], saved[2]
    return {"total": 1000 * total / poems, **{k: 1000 * v / poems for k, v in spent.most_common()}}


def call_counts(poet: Poet, fields: dict, poems: int) -> dict:
    """Calls per model step (a character, or a line's punctuation fed): Python and built-in (C), and the
    ten files that make the most of each (built-in calls are counted where they are made)."""
    count = {"python": Counter(), "c": Counter()}
    steps = [0]
    step = stepper.Stepper.__call__

    def counted(*args, **kwargs):
        steps[0] += 1
        return step(*args, **kwargs)

    def hook(frame, event, arg) -> None:
        if event in ("call", "c_call"):
            count["python" if event == "call" else "c"][Path(frame.f_code.co_filename).name] += 1

    stepper.Stepper.__call__ = counted
    try:
        sys.setprofile(hook)
        for s in range(poems):
            poet.write(WriteRequest(**fields, seed=200 + s))
    finally:
        sys.setprofile(None)
        stepper.Stepper.__call__ = step
    n = steps[0]
    return {kind: {"per_step": round(sum(c.values()) / n, 1),
                   "by_file": {f: round(v / n, 1) for f, v in c.most_common(10)}} for kind, c in count.items()}


def products(poet: Poet, calls: int = 2000) -> dict[str, float]:
    """µs per call of each int8 product of the step, on one row, warm."""
    step = poet.decoder.step
    fns = {f"layer {k} {name}": fn for k, (U, W) in enumerate(step.layers) for name, fn in (("U", U), ("W", W))}
    fns.update(combine=step.combine, out=step.out)
    m = poet.decoder.model
    sizes = {name: w.shape[1] for k, (w_ih, w_hh, _, _) in enumerate(m.decoder._grouped_weights())
             for name, w in ((f"layer {k} U", w_ih), (f"layer {k} W", w_hh))}  # each product's input width
    sizes.update(combine=m.combine.weight.shape[1], out=m.embed.weight.shape[1])
    out = {}
    with torch.inference_mode():
        for name, fn in fns.items():
            x = torch.randn(1, sizes[name])
            for _ in range(200):
                fn(x)
            t = time.perf_counter()
            for _ in range(calls):
                fn(x)
            out[name] = 1e6 * (time.perf_counter() - t) / calls
        if getattr(step, "stack", None) is not None:  # the LSTM's layers in one call, as the loop runs them
            H = m.cfg.hidden
            x, state = torch.randn(1, 1, sizes["layer 0 U"]), [torch.randn(len(step.stack), 1, H)] * 2

            def layers():
                return torch.quantized_lstm(x, state, step.stack, True, len(step.stack), 0.0, False, False, False,
                                            dtype=torch.qint8, use_dynamic=True)

            for _ in range(200):
                layers()
            t = time.perf_counter()
            for _ in range(calls):
                layers()
            out["layers, one call"] = 1e6 * (time.perf_counter() - t) / calls
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=tuple(MODES), default="single")
    ap.add_argument("--poems", type=int, default=30)
    ap.add_argument("--form", default="七律")
    ap.add_argument("--title", default="秋夜")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    poet = Poet.load()
    if poet.decoder.step.precision != "int8":
        raise SystemExit("the int8 step is not available on this CPU: nothing to time")
    fields = {"form": args.form, "title": args.title, **MODES[args.mode]}
    head = subprocess.run(["git", "-C", str(Path(__file__).parent), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    result = {"head": head, "mode": args.mode, "form": args.form, "poems": args.poems,
              "ms_per_poem": phases(poet, fields, args.poems), "product_us_per_call": products(poet),
              "calls_per_step": call_counts(poet, fields, args.poems)}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    print(f"{args.form}, {args.mode}, {args.poems} poems, one thread: ms per poem")
    for k, v in result["ms_per_poem"].items():
        print(f"  {k:12s} {v:7.1f}")
    print("int8 products alone, one row, warm: µs per call")
    for k, v in result["product_us_per_call"].items():
        print(f"  {k:12s} {v:7.1f}")
    for kind, c in result["calls_per_step"].items():
        files = ", ".join(f"{f} {v}" for f, v in c["by_file"].items())
        print(f"{kind} calls per model step: {c['per_step']}  ({files})")


if __name__ == "__main__":
    main()
