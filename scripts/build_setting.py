"""Build the setting lexicon (``src/tangshi/setting/data/setting.json``) from the built corpus.

Each train poem whose title names one class of an axis (tangshi.setting.lexicon.MARKERS) labels
that class; the characters most over-represented in its lines join the class's expanded characters
(tangshi.setting.lexicon.expand). The report saved with the lexicon gives the labelled poems per
class and each expanded character's z-score; it also gives the clash rate of the train poems per
axis (tangshi.setting.lexicon.clashes), the real poems' figure that generated ones are held to.

    python scripts/build_setting.py [--home DIR]    # default: $TANGSHI_HOME or ~/.cache/tangshi
"""
from __future__ import annotations


import corpus_home
from tangshi.setting import AXES
from tangshi.setting.lexicon import DATA, clashes, expand, save


def main() -> None:
    ds = corpus_home.dataset(__doc__)
    train = ds.split("train")
    lexicon, report = expand((p.title, p.body) for p in train)
    found = [clashes(p.title, p.lines) for p in train]
    report["train_clash_rate"] = {axis: round(sum(any(c["axis"] == axis for c in f) for f in found) / len(train), 4)
                                  for axis in AXES} | {"any": round(sum(bool(f) for f in found) / len(train), 4)}
    report["dynasties"] = ds.meta.get("dynasties", ["唐"])
    save(lexicon, report)
    print(f"wrote {DATA}: clash rate of the train poems {report['train_clash_rate']}")
    for key, chars in report["expanded"].items():
        print(key, report["labelled"][key], "".join(c for c, _ in chars))


if __name__ == "__main__":
    main()
