"""Build the mood lexicon (``src/tangshi/mood/data/moods.json``) from the built corpus.

Seeds (tangshi.mood.tagger.SEEDS) label the train poems; the characters most over-represented in
each mood's poems join its lexicon (tangshi.mood.tagger.expand). The report saved with the lexicon
gives the seed labels' counts, each expanded character's z-score, and how many train poems the
final tagger labels with each mood.

    python scripts/build_moods.py [--home DIR]    # default: $TANGSHI_HOME or ~/.cache/tangshi
"""
from __future__ import annotations

from collections import Counter

import corpus_home
from tangshi.mood import MOODS
from tangshi.mood.tagger import DATA, decide, expand, save


def main() -> None:
    ds = corpus_home.dataset(__doc__)
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
