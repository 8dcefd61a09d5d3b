"""Does the mood condition steer the poems? The tagger's agreement with the requested mood.

For every mood and form, the same titles (real Tang test titles) are written twice with the same
seeds: once with ``--mood`` and once without. Each poem's lines are tagged by the mood tagger
(tangshi.mood.tagger, which never sees the request). Reported per mood:

- ``with``: the share of poems asked for that mood that the tagger reads as that mood;
- ``without``: the share of the poems written with no mood that it reads as that mood (how often
  the mood comes by itself for these titles);
- ``lift``: with − without; and, over all moods, the mean of both.

    python bench/moods.py [--model DIR] [--titles 8] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from tangshi.corpus.build import load_dataset
from tangshi.mood import MOODS
from tangshi.mood.tagger import tag
from tangshi.poet import Poet

FORMS = ("五言绝句", "七言绝句", "五言律诗", "七言律诗")


def titles_of(n: int) -> list[str]:
    """The first ``n`` distinct titles of the Tang test split's regulated poems (sorted: reproducible)."""
    seen: list[str] = []
    for p in sorted(load_dataset().split("test", "唐"), key=lambda p: p.body):
        t = p.title.replace(" ", "")[:32]
        if p.form in FORMS and t and t not in seen:
            seen.append(t)
        if len(seen) == n:
            break
    return seen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="a checkpoint directory (default: the shipped model)")
    ap.add_argument("--titles", type=int, default=8, help="titles per mood and form")
    ap.add_argument("--json", help="also write the result here")
    args = ap.parse_args()
    poet = Poet.load(args.model)
    if not poet.conditions["moods"]:
        sys.exit(f"bench/moods.py: the model {poet.name} was trained without moods")
    titles = titles_of(args.titles)
    t0 = time.perf_counter()
    base = {f: [tag(poet.write(form=f, title=t, seed=k)[0].text) for k, t in enumerate(titles)] for f in FORMS}
    rows = {}
    for mood in MOODS:
        got = {f: [tag(poet.write(form=f, title=t, seed=k, mood=mood)[0].text) for k, t in enumerate(titles)]
               for f in FORMS}
        n = len(FORMS) * len(titles)
        with_ = sum(x == mood for f in FORMS for x in got[f]) / n
        without = sum(x == mood for f in FORMS for x in base[f]) / n
        rows[mood] = {"with": round(with_, 3), "without": round(without, 3), "lift": round(with_ - without, 3),
                      "per_form_with": {f: sum(x == mood for x in got[f]) / len(titles) for f in FORMS}}
    result = {"model": poet.name, "titles": len(titles), "forms": list(FORMS), "moods": rows,
              "mean_with": round(sum(r["with"] for r in rows.values()) / len(rows), 3),
              "mean_without": round(sum(r["without"] for r in rows.values()) / len(rows), 3),
              "untagged_without": round(sum(x is None for f in FORMS for x in base[f]) / (len(FORMS) * len(titles)), 3),
              "seconds": round(time.perf_counter() - t0, 1)}
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
