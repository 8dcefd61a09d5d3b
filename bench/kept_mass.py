"""How much of each poet's probability the rules keep, on real Tang test poems, per form (strict masks).

For every checkpoint given, teacher-forces the Tang test poems that pass the default check and prints
tangshi.evaluate.constrained_perplexity: ``mass`` (the mean share of the model's probability the masks
keep at each character: the issue's goal is ≥ 0.95 in every form), ``ppl`` (the perplexity of the real
characters once the model's distribution is renormalised over what the rules allow) and ``outside``
(real characters a licence puts outside the template's masks, not counted), and beside them the plain
test perplexity with titles (``titles``, tangshi.evaluate.perplexity), so a training term that raises
the mass shows what it costs. One thread.

    python bench/kept_mass.py [MODEL_DIR …] [--json OUT]     # no directory: the shipped default
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from tangshi.corpus.build import load_dataset
from tangshi.evaluate import HEADLINE, constrained_perplexity, perplexity
from tangshi.poet import Poet


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", default=[None], help="checkpoint directories (default: the shipped model)")
    ap.add_argument("--split", default="test", choices=("valid", "test"))
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    torch.set_num_threads(1)
    real = load_dataset().split(args.split, HEADLINE)
    out = {}
    for m in args.models:
        t0 = time.perf_counter()
        poet = Poet.load(m)
        res = constrained_perplexity(poet.model, poet.vocab, real)
        for form, ppl in perplexity(poet.model, poet.vocab, real, False).items():
            if form in res:
                res[form]["titles"] = ppl
        name = m or "default"
        out[name] = res
        print(f"{name}  ({time.perf_counter() - t0:.0f} s)")
        print(f"  {'form':<6}{'mass':>8}{'ppl':>9}{'outside':>9}{'poems':>7}{'titles':>9}")
        for form, r in res.items():
            print(f"  {form:<6}{r['mass']:>8.3f}{r['ppl']:>9.1f}{r['outside']:>9.3f}{r['poems']:>7}{r['titles']:>9.2f}")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
