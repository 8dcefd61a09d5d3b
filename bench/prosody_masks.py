"""Benchmark: cost of one decoding step of the prosody constraints (mask + advance), as JSON.

Vocabulary: ``--vocab`` characters from the lexicon (平-only, 仄-only and 多音字 interleaved, so
that every class is present). For each batch size it decodes whole 七言律诗 (56 steps, rhyme steps
included) with a uniform random choice among the allowed items, and reports the mean milliseconds
per step of ``mask()`` and of ``advance()`` (the sampling itself is the decoder's and not timed).
The reference in the same run is a plain-Python mask for one candidate (a loop over the vocabulary's
tone masks), the obvious implementation that the tensor tables replace.
"""
from __future__ import annotations

import argparse
import itertools
import json
import time

import torch

from tangshi.masks.constraints import PATTERNS, ConstraintState, VocabProsody
from tangshi.prosody.lexicon import P, Z, load


def vocabulary(size: int) -> list[str]:
    """``size`` characters with readings, alternating 平-only, 仄-only and the rest."""
    lex = load()
    buckets: dict[int, list[str]] = {P: [], Z: [], P | Z: []}
    for char in lex.readings:
        buckets[lex.tone_mask(char)].append(char)
    out: list[str] = []
    for trio in itertools.zip_longest(buckets[P], buckets[Z], buckets[P | Z]):
        out.extend(c for c in trio if c)
    return out[:size]


def time_steps(vp: VocabProsody, batch: int, poems: int, seed: int = 0) -> dict[str, float]:
    """Mean ms per step of mask() and advance() over ``poems`` rounds of ``batch`` 七律."""
    gen = torch.Generator().manual_seed(seed)
    pats = [p for p in PATTERNS if p.form.name == "七言律诗"]
    steps, t_mask, t_adv = 0, 0.0, 0.0
    for r in range(poems):
        state = ConstraintState.start(vp, [pats[(r + b) % 4] for b in range(batch)])
        while not state.done.all():
            t0 = time.perf_counter()
            mask = state.mask()  # (B, V)
            t1 = time.perf_counter()
            tokens = torch.multinomial(mask.float(), 1, generator=gen).squeeze(1)  # (B,)
            t2 = time.perf_counter()
            state.advance(tokens)
            t_mask, t_adv = t_mask + t1 - t0, t_adv + time.perf_counter() - t2
            steps += 1
    return {"mask_ms": round(1000 * t_mask / steps, 4), "advance_ms": round(1000 * t_adv / steps, 4)}


def time_reference(chars: list[str], steps: int) -> float:
    """Mean ms of a plain-Python mask (one candidate): a loop over the vocabulary per step."""
    lex = load()
    masks = [lex.tone_mask(c) for c in chars]
    t0 = time.perf_counter()
    for s in range(steps):
        need = P if s % 2 else Z
        torch.tensor([m == need for m in masks])
    return 1000 * (time.perf_counter() - t0) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=int, default=7000, help="vocabulary size (default 7000)")
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 16, 64], help="batch sizes to time")
    parser.add_argument("--poems", type=int, default=5, help="rounds of whole poems per batch size")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    chars = vocabulary(args.vocab)
    t0 = time.perf_counter()
    vp = VocabProsody.from_vocab(chars)
    build_ms = 1000 * (time.perf_counter() - t0)
    result = {"vocab": len(chars), "threads": args.threads, "build_ms": round(build_ms, 1),
              "per_step": {f"B={b}": time_steps(vp, b, args.poems) for b in args.batch},
              "reference_python_ms_per_step_b1": round(time_reference(chars, 56), 4)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
