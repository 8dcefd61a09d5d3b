"""Sweep: the decoding settings against the judge, repetition, 叠字, distinct-2 and the title's PMI.

On valid titles (never test), each setting writes one poem per title for ``--titles`` titles
per form through ``Poet.write_batch`` (seeded, so every setting sees the same titles and seeds),
and measures what ``tangshi eval`` measures: the judge score, characters used more than once per
poem against every real valid poem of the form (the ratio), 叠字 per poem, distinct-2, title use and the title's
PMI, and the wall time per poem. Settings are request fields (``temperature``, ``top_p``,
``guidance``, ``candidates``, ``repeat_penalty``) or the decoder's measured constants
(``REDUPLICATION``, ``PMI_WEIGHT``, ``REPEAT_WEIGHT`` in :mod:`tangshi.decoding`).

    python bench/quality_sweep.py --sweep repeat_penalty=0,1,2,3 --sweep guidance=0,1,2 --json out.json

Each ``--sweep name=v1,v2,…`` varies one setting around the base (``--base name=value …``; the
request defaults otherwise), one at a time. Prints a table, and JSON with ``--json``.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from tangshi import metrics
from tangshi.decoding import candidate, loop
from tangshi.decoding.processors import repetition
from tangshi.corpus.build import load_dataset
from tangshi.corpus.clean import REGULATED
from tangshi.evaluate import generate, mode_requests, title_pmi
from tangshi.judge import Judge
from tangshi.poet import Poet
from tangshi.request import WriteRequest

# The decoder's measured constants, each in its home module.
HOMES = {"REDUPLICATION": repetition, "BEAM_PENALTY": repetition, "PMI_WEIGHT": candidate, "REPEAT_WEIGHT": candidate,
         "DIVERSITY": loop}
CONSTANTS = tuple(HOMES)


def parse(pairs: list[str]) -> list[tuple[str, list[float]]]:
    out = []
    for pair in pairs:
        name, _, values = pair.partition("=")
        out.append((name, [float(v) for v in values.split(",")]))
    return out


def measure(poet, judge, valid, settings: dict, titles: int, seed: int, beam: int = 0) -> dict:
    """One setting: the figures per form and over all forms."""
    fields = {k: (int(v) if k in ("candidates", "top_k") else v) for k, v in settings.items() if k not in CONSTANTS}
    saved = {k: getattr(HOMES[k], k) for k in CONSTANTS}
    for k in CONSTANTS:
        if k in settings:
            setattr(HOMES[k], k, settings[k])
    try:
        out, t0, n = {}, time.perf_counter(), 0
        for form in REGULATED:
            every = [p for p in valid if p.form == form]
            real = every[:titles]
            reqs = [{**r, **fields, **({"beam": beam} if beam else {})}
                    for r in mode_requests("title", real, len(real), poet.vocab)]
            WriteRequest(form=form, **fields)  # validates the setting
            poems = [ps[0].lines for ps in generate(poet, form, reqs, seed)]
            n += len(poems)
            ts = [r["title"] for r in reqs]
            base = metrics.summary([list(p.lines) for p in every])  # the rates of every valid poem of the form
            fig = metrics.summary(poems, ts)
            fig.update(judge=sum(judge.score(poems)) / len(poems),
                       title_pmi=sum(title_pmi(poet.model, poet.vocab, poems, ts, form)) / len(poems),
                       real_repeats=base["repeats"], real_reduplications=base["reduplications"],
                       repeat_ratio=fig["repeats"] / max(base["repeats"], 1e-9))
            out[form] = fig
        out["ms_per_poem"] = 1000 * (time.perf_counter() - t0) / n
    finally:
        for k, v in saved.items():
            setattr(HOMES[k], k, v)
    keys = ("judge", "repeats", "repeat_ratio", "reduplications", "distinct_2", "title_use", "title_pmi", "max_uses")
    out["all"] = {k: (max if k == "max_uses" else lambda xs: sum(xs) / len(xs))([out[f][k] for f in REGULATED])
                  for k in keys}
    return out


def real_row(poet, judge, valid, titles: int) -> dict:
    """The same figures for every real valid poem of each form (the repetition baseline of the ratios)."""
    out = {}
    for form in REGULATED:
        real = [p for p in valid if p.form == form]
        lines, ts = [list(p.lines) for p in real], [p.title for p in real]
        fig = metrics.summary(lines, ts)
        # distinct-n falls as poems are added: over as many poems as each setting writes
        fig.update({k: metrics.distinct(lines[:titles], n) for n, k in ((1, "distinct_1"), (2, "distinct_2"))})
        fig.update(judge=sum(judge.score(lines)) / len(lines),
                   title_pmi=sum(title_pmi(poet.model, poet.vocab, lines, ts, form)) / len(lines), repeat_ratio=1.0)
        out[form] = fig
    keys = ("judge", "repeats", "repeat_ratio", "reduplications", "distinct_2", "title_use", "title_pmi", "max_uses")
    out["all"] = {k: (max if k == "max_uses" else lambda xs: sum(xs) / len(xs))([out[f][k] for f in REGULATED])
                  for k in keys}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="poet checkpoint (default: the shipped one)")
    ap.add_argument("--judge", help="judge checkpoint (default: the shipped one)")
    ap.add_argument("--titles", type=int, default=60, help="valid titles per form (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--base", nargs="*", default=[], help="name=value settings every row starts from")
    ap.add_argument("--sweep", action="append", default=[], help="name=v1,v2,… (repeatable)")
    ap.add_argument("--beam", type=int, default=0, help="measure beam search of this width instead of sampling")
    ap.add_argument("--json", type=Path, help="write the results here too")
    args = ap.parse_args()
    torch.set_num_threads(1)
    poet, judge, valid = Poet.load(args.model), Judge.load(args.judge), load_dataset().split("valid")
    base = {k: v[0] for k, v in parse(args.base)}
    real = real_row(poet, judge, valid, args.titles)
    rows = [{"setting": "real valid poems", "varied": "real", "value": None, **real}]
    a = real["all"]
    print(f"real valid poems: judge {a['judge']:.3f} 叠字 {a['reduplications']:.2f} dist2 {a['distinct_2']:.3f}"
          f" title {a['title_use']:.0%} pmi {a['title_pmi']:+.3f} repeats {a['repeats']:.2f}", file=sys.stderr)
    for name, values in parse(args.sweep) or [("base", [0.0])]:
        for v in values:
            setting = {**base, **({name: v} if name != "base" else {})}
            r = measure(poet, judge, valid, setting, args.titles, args.seed, args.beam)
            rows.append({"setting": setting, "varied": name, "value": v, **r})
            a = r["all"]
            print(f"{name}={v:g} {json.dumps(setting)}: judge {a['judge']:.3f} rep×{a['repeat_ratio']:.2f}"
                  f" 叠字 {a['reduplications']:.2f} dist2 {a['distinct_2']:.3f} title {a['title_use']:.0%}"
                  f" pmi {a['title_pmi']:+.3f} max {a['max_uses']} {r['ms_per_poem']:.0f} ms/poem",
                  file=sys.stderr, flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    print(markdown(rows))
    print(per_form(rows))


def per_form(rows: list[dict]) -> str:
    """Repeats × real and 叠字 per form, for each row (the repetition penalty is set per form)."""
    out = ["| setting | " + " | ".join(REGULATED) + " |", "|---|" + "---:|" * len(REGULATED)]
    for r in rows[1:]:
        name = f"{r['varied']} {r['value']:g}" if r["varied"] != "base" else "defaults"
        out.append(f"| {name} | " + " | ".join(f"{r[f]['repeat_ratio']:.2f} ({r[f]['reduplications']:.2f})"
                                               for f in REGULATED) + " |")
    return "\n".join(out)


def markdown(rows: list[dict]) -> str:
    """The rows as a markdown table (all forms together; repeats as the mean of per-form ratios)."""
    out = ["| setting | judge | repeats × real | 叠字 | distinct-2 | title use | title PMI | ms a poem |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        a = r["all"]
        name = r["setting"] if r["varied"] == "real" else (f"{r['varied']} {r['value']:g}" if r["varied"] != "base"
                                                           else "defaults")
        ms = f"{r['ms_per_poem']:.0f}" if "ms_per_poem" in r else ""
        out.append(f"| {name} | {a['judge']:.2f} | {a['repeat_ratio']:.2f} | {a['reduplications']:.2f} |"
                   f" {a['distinct_2']:.3f} | {a['title_use']:.0%} | {a['title_pmi']:+.2f} | {ms} |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
