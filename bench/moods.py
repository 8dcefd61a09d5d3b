"""Does the mood steer the poems? The tagger's agreement with the requested mood, per bias strength.

For every mood and form, the same titles (real Tang titles of a split) are written with the same
seeds: once with no mood, and once with ``mood`` at each mood-bias strength β asked for
(``mood_strength``; 0 is the model's mood condition alone). Each poem's lines are tagged by the
mood tagger (tangshi.mood.tagger, which never sees the request). Reported per strength and mood:

- ``with``: the share of poems asked for that mood that the tagger reads as that mood;
- ``without``: the share of the poems written with no mood that it reads as that mood (how often
  the mood comes by itself for these titles);
- ``lift``: with − without; over all moods, the mean of both;
- the judge score and the characters used twice per poem of the poems written in a mood, beside
  those of the poems without (what steering costs).

The bias weighs the tagger's own lexicon, so the agreement above is partly by construction.
``--held-out`` measures it fairly: the lexicon is split in two halves (every other seed and every
other expanded character of each mood), the bias uses only half A and the agreement is read by a
tagger of half B alone — so a lift there means the poems' mood moved, not just the words the bias
pushed.

    python bench/moods.py --model DIR --split valid --strengths 0,0.5,1,1.5,2   # choose β
    python bench/moods.py --model DIR --held-out --json FILE                      # the test split
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from tangshi import metrics
from tangshi.corpus.build import load_dataset
from tangshi.judge import Judge
from tangshi.mood import MOODS
from tangshi.decoding.processors.mood import Mood, MoodBias
from tangshi.mood.tagger import MoodLexicon, load, mood_of
from tangshi.poet import Poet

FORMS = ("五言绝句", "七言绝句", "五言律诗", "七言律诗")


def titles_of(n: int, split: str) -> list[str]:
    """The first ``n`` distinct titles of a split's Tang regulated poems (sorted: reproducible)."""
    seen: list[str] = []
    for p in sorted(load_dataset().split(split, "唐"), key=lambda p: p.body):
        t = p.title.replace(" ", "")[:32]
        if p.form in FORMS and t and t not in seen:
            seen.append(t)
        if len(seen) == n:
            break
    return seen


def halves(lex: MoodLexicon) -> tuple[MoodLexicon, MoodLexicon]:
    """The lexicon split in two: every other character of each mood's seeds and of its expanded ones."""
    a: dict[str, dict[str, float]] = {}
    b: dict[str, dict[str, float]] = {}
    for mood, w in lex.weights.items():
        for tier in (sorted(c for c, x in w.items() if x > 1), sorted(c for c, x in w.items() if x <= 1)):
            for i, c in enumerate(tier):
                (a if i % 2 == 0 else b).setdefault(mood, {})[c] = w[c]
    return MoodLexicon(a, {"half": "A"}), MoodLexicon(b, {"half": "B"})


def figures(poems: list[list[str]], judge: Judge) -> dict:
    """Judge score and characters used twice per poem of some poems' lines."""
    m = metrics.summary(poems, [""] * len(poems))
    return {"judge": round(sum(judge.score(poems)) / len(poems), 3), "repeats": round(m["repeats"], 3)}


def run(poet: Poet, judge: Judge, titles: list[str], strengths: list[float], reader: MoodLexicon | None) -> dict:
    def write(form: str, **mood) -> list[list[str]]:
        return [poet.write(form=form, title=t, seed=k, script="traditional", **mood)[0].lines
                for k, t in enumerate(titles)]

    def read(lines: list[str]) -> str | None:
        return mood_of("".join(lines), reader)

    base = {f: write(f) for f in FORMS}
    base_tags = [read(p) for f in FORMS for p in base[f]]
    out = {"without": figures([p for f in FORMS for p in base[f]], judge),
           "untagged_without": round(base_tags.count(None) / len(base_tags), 3), "strengths": {}}
    for beta in strengths:
        rows, written = {}, []
        for mood in MOODS:
            got = {f: write(f, mood=mood, mood_strength=beta) for f in FORMS}
            written += [p for f in FORMS for p in got[f]]
            tags = {f: [read(p) for p in got[f]] for f in FORMS}
            with_ = sum(x == mood for f in FORMS for x in tags[f]) / len(base_tags)
            without = base_tags.count(mood) / len(base_tags)
            rows[mood] = {"with": round(with_, 3), "without": round(without, 3), "lift": round(with_ - without, 3),
                          "per_form_with": {f: round(tags[f].count(mood) / len(titles), 3) for f in FORMS}}
        entry = {"moods": rows, "mean_with": round(sum(r["with"] for r in rows.values()) / len(rows), 3),
                 "mean_without": round(sum(r["without"] for r in rows.values()) / len(rows), 3),
                 **figures(written, judge)}
        out["strengths"][f"{beta:g}"] = entry
        print(f"β {beta:g}: with {entry['mean_with']:.3f} without {entry['mean_without']:.3f}"
              f" judge {entry['judge']:.3f} (none {out['without']['judge']:.3f}) repeats {entry['repeats']:.3f}"
              f" (none {out['without']['repeats']:.3f})", file=sys.stderr, flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="a checkpoint directory (default: the shipped model)")
    ap.add_argument("--titles", type=int, default=8, help="titles per mood and form (default: %(default)s)")
    ap.add_argument("--split", choices=("valid", "test"), default="test", help="whose titles (default: test)")
    ap.add_argument("--strengths", default="", help="comma-separated β of the mood bias (default: the decoder's)")
    ap.add_argument("--held-out", action="store_true", help="bias with half the lexicon, read with the other half")
    ap.add_argument("--json", help="also write the result here")
    args = ap.parse_args()
    torch.set_num_threads(1)
    poet = Poet.load(args.model)
    if not poet.conditions["moods"]:
        sys.exit(f"bench/moods.py: the model {poet.name} was trained without moods")
    from tangshi.decoding.processors.mood import MOOD_STRENGTH

    strengths = [float(x) for x in args.strengths.split(",")] if args.strengths else [MOOD_STRENGTH]
    reader = None
    if args.held_out:
        pushed, reader = halves(load())
        poet.decoder.prepared[Mood] = MoodBias(poet.vocab.chars, pushed)  # the decoder's table for the mood bias
    t0 = time.perf_counter()
    result = {"model": poet.name, "split": args.split, "titles": args.titles, "forms": list(FORMS),
              "held_out": args.held_out, **run(poet, Judge.load(), titles_of(args.titles, args.split), strengths,
                                               reader), "seconds": round(time.perf_counter() - t0, 1)}
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
