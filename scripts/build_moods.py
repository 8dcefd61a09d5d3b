"""Build the mood lexicon (``src/tangshi/mood/data/moods.json``) from the built corpus.

Seeds (tangshi.mood.tagger.SEEDS) label the train poems; the characters most over-represented in
each mood's poems join its lexicon (tangshi.mood.tagger.expand). The report saved with the lexicon
gives the seed labels' counts, each expanded character's z-score, and how many train poems the
final tagger labels with each mood.

    python scripts/build_moods.py [--home DIR]    # default: $TANGSHI_HOME or ~/.cache/tangshi
"""
from __future__ import annotations

import argparse
import os
from collections import Counter

from tangshi.corpus.build import load_dataset
from tangshi.mood import MOODS
from tangshi.mood.tagger import DATA, decide, expand, save


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", help="the corpus home (TANGSHI_HOME)")
    args = ap.parse_args()
    if args.home:
        os.environ["TANGSHI_HOME"] = args.home
    ds = load_dataset()
    train = ds.split("train")
    bodies = [p.body for p in train]
    lexicon, report = expand(bodies)
    tagged = Counter(decide(lexicon.scores(b)) for b in bodies)
    report["tagged"] = {m: tagged.get(m, 0) for m in MOODS} | {"none": tagged.get(None, 0)}
    report["dynasties"] = ds.meta.get("dynasties", ["唐"])
    save(lexicon, report)
    print(f"wrote {DATA}: {report['tagged']}")
    for m in MOODS:
        print(m, "seeds-labelled", report["seed_labelled"][m], "expanded", "".join(c for c, _ in report["expanded"][m]))


if __name__ == "__main__":
    main()
