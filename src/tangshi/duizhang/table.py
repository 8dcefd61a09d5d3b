"""Each character's usual 对仗 class, learned by running the tagger over the corpus.

The poet favours parallel middle couplets (:mod:`.bias`) while it writes, one character at a time
and for many candidates at once; it cannot run the tagger at every step. This table gives it each
vocabulary character's most frequent class in the train split's regulated poems (the tagger's
verdict in context, counted), with that class's share of the character's uses. Characters seen
fewer than :data:`MIN_COUNT` times are left out (no class: never favoured).

Rebuild it (a few minutes; the data set must be built):

    python -m tangshi.duizhang.table
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

from tangshi.duizhang.classes import CLASSES

PATH = Path(__file__).parent / "data" / "char_classes.json"
FORMAT = "tangshi-char-classes/1"
MIN_COUNT = 3


def count(lines) -> dict[str, Counter]:
    """Class counts per character over tagged ``lines``; a line the tagger cannot read is skipped."""
    from tangshi.duizhang.tagger import Unavailable, tag

    out: dict[str, Counter] = defaultdict(Counter)
    for line in lines:
        try:
            tokens = tag(line)
        except Unavailable:
            continue
        for t in tokens:
            out[t.char][t.cls] += 1
    return out


def build(dataset) -> dict:
    """The table from the train split's regulated poems of ``dataset`` (:class:`tangshi.corpus.Dataset`)."""
    from tangshi.corpus.clean import REGULATED

    lines = [line for p in dataset.split("train") if p.form in REGULATED for line in p.lines]
    counts = count(lines)
    classes = {}
    for ch, c in sorted(counts.items()):
        total = sum(c.values())
        if total >= MIN_COUNT:
            cls, n = c.most_common(1)[0]
            classes[ch] = [cls, round(n / total, 3)]
    return {"format": FORMAT, "lines": len(lines), "fingerprint": dataset.meta.get("fingerprint"),
            "command": "python -m tangshi.duizhang.table", "classes": classes}


@lru_cache(maxsize=1)
def load(path: Path = PATH) -> dict[str, str]:
    """character → its usual 对仗 class (traditional characters, as the model writes them)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data.get("format") == FORMAT, f"{path}: not a {FORMAT} table"
    table = {ch: v[0] for ch, v in data["classes"].items()}
    assert set(table.values()) <= set(CLASSES), "the table names only known classes"
    return table


def main(argv: list[str] | None = None) -> int:
    from tangshi.atomic import write_text
    from tangshi.corpus import load_dataset

    ap = argparse.ArgumentParser(description="Rebuild the per-character 对仗 class table from the corpus.")
    ap.add_argument("--out", type=Path, default=PATH, help=f"where to write it (default: {PATH})")
    args = ap.parse_args(argv)
    data = build(load_dataset())
    write_text(args.out, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{len(data['classes'])} characters from {data['lines']} lines -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
