"""Build the contextual reading model of the 多音字 from the corpus (no hand labels).

Writes ``src/tangshi/prosody/data/readings.json.gz`` (format ``tangshi-readings/1``), which
:mod:`tangshi.prosody.readings` reads at check time (torch-free). Labels come from the rules
themselves: every regulated train poem of the built corpus (``tangshi corpus build``) that passes
the lenient check has a settled pattern, so a 多音字 (a character with both 平 and 仄 readings) on a
position whose tone the line's pattern fixes is labelled with that tone, and one at a rhyme position
with 平 and the poem's rhyme group. From those labels:

- ``chars``, ``left``, ``right``: counts of 平 / 仄 labels per character, per (left neighbour,
  character) and per (character, right neighbour), neighbours inside the line (``^`` / ``$`` at the
  ends). The model (see tangshi.prosody.readings) backs each context off to the character alone.
- ``either``: characters whose two readings occur in the same contexts with one meaning (看 望 听 …):
  both readings common (the rarer ≥ ``MIN_MINORITY`` of ≥ ``MIN_LABELS`` labels) and the contexts
  do not predict them (leave-one-out accuracy of the context model within ``MAX_GAIN`` of always
  guessing the character's majority reading).
- ``rhymes``: for every character at a rhyme position of a passing 平-rhymed poem, how often it
  rhymes in each 平 group.
- ``heldout``: the model's accuracy on the labelled positions of the valid and test poems, beside
  the majority reading of each character, overall and for the confident predictions.

    python scripts/build_readings.py [--home ~/.cache/tangshi] [--smoothing K]

Run after changing the lexicon, the rules or the corpus; the package needs only the file written.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

from tangshi.atomic import write_bytes
from tangshi.corpus.build import load_dataset
from tangshi.prosody import check
from tangshi.prosody.forms import FORM_BY_NAME
from tangshi.prosody.lexicon import P, Z, load, to_traditional
from tangshi.prosody.readings import FORMAT, PATH, CONFIDENT, Readings, START, END

MIN_LABELS, MIN_MINORITY, MAX_GAIN = 30, 0.2, 0.05
SMOOTHING = (0.5, 1, 2, 4, 8, 16)


def labels(poems) -> tuple[list[tuple[str, str, str, str]], Counter]:
    """(left, char, right, tone) for every labelled 多音字 position; rhyme counts (char, group)."""
    lex = load()
    out, rhymes = [], Counter()
    for poem in poems:
        if poem.form not in FORM_BY_NAME:
            continue
        report = check("，".join(poem.lines), mode="lenient")
        if not report.ok or report.rhyme_group is None:
            continue
        for text, line in zip(poem.lines, report.lines):
            trad = to_traditional(text, simplified=False)
            for p, char in enumerate(trad):
                rhyme_end = line.rhyme and p == len(trad) - 1
                if rhyme_end:
                    rhymes[(char, report.rhyme_group)] += 1
                if lex.tone_mask(char) != P | Z:
                    continue
                tone = "P" if rhyme_end else line.required[p]
                if tone in ("P", "Z"):
                    left = trad[p - 1] if p else START
                    right = trad[p + 1] if p + 1 < len(trad) else END
                    out.append((left, char, right, tone))
    return out, rhymes


def count(rows) -> dict[str, dict[str, list[int]]]:
    tables = {"chars": defaultdict(lambda: [0, 0]), "left": defaultdict(lambda: [0, 0]),
              "right": defaultdict(lambda: [0, 0])}
    for left, char, right, tone in rows:
        k = tone == "Z"
        tables["chars"][char][k] += 1
        tables["left"][left + char][k] += 1
        tables["right"][char + right][k] += 1
    return {name: dict(t) for name, t in tables.items()}


def _loo_gain(rows, tables: dict, smoothing: float) -> dict[str, tuple[float, float]]:
    """Per character: leave-one-out accuracy of the context model, and of its majority reading."""
    hits, major, n = Counter(), Counter(), Counter()
    for left, char, right, tone in rows:
        k = tone == "Z"
        sub = {}
        for name, key in (("chars", char), ("left", left + char), ("right", char + right)):
            c = list(tables[name][key])
            c[k] -= 1
            sub[name] = {key: c}
        model = Readings(sub["chars"], sub["left"], sub["right"], {}, {}, smoothing)
        p = model.p_ping(left, char, right)
        hits[char] += (p >= 0.5) == (tone == "P")
        cP, cZ = sub["chars"][char]
        major[char] += (cP >= cZ) == (tone == "P")
        n[char] += 1
    return {c: (hits[c] / n[c], major[c] / n[c]) for c in n}


def either_way(tables: dict, gains: dict) -> dict[str, list[int]]:
    out = {}
    for char, (nP, nZ) in tables["chars"].items():
        total = nP + nZ
        if total < MIN_LABELS or min(nP, nZ) / total < MIN_MINORITY:
            continue
        context, majority = gains[char]
        if context - majority < MAX_GAIN:
            out[char] = [nP, nZ]
    return out


def evaluate(model: Readings, rows) -> dict:
    """Accuracy against the rule's label, beside each character's majority reading in train."""
    n = hit = base = conf = conf_hit = either = 0
    for left, char, right, tone in rows:
        if char in model.either:
            either += 1
            continue
        n += 1
        p = model.p_ping(left, char, right)
        hit += (p >= 0.5) == (tone == "P")
        cP, cZ = model.chars.get(char, (0, 0))
        base += (cP >= cZ) == (tone == "P")
        if max(p, 1 - p) >= CONFIDENT:
            conf += 1
            conf_hit += (p >= 0.5) == (tone == "P")
    return {"positions": n + either, "either_way_positions": either, "scored": n,
            "accuracy": hit / n if n else 0.0, "majority_baseline": base / n if n else 0.0,
            "confident_share": conf / n if n else 0.0, "confident_accuracy": conf_hit / conf if conf else 0.0}


def log_loss(model: Readings, rows) -> float:
    total = 0.0
    for left, char, right, tone in rows:
        p = min(max(model.p_ping(left, char, right), 1e-6), 1 - 1e-6)
        total -= math.log(p if tone == "P" else 1 - p)
    return total / max(len(rows), 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, help="the corpus home (default: $TANGSHI_HOME or ~/.cache/tangshi)")
    ap.add_argument("--out", type=Path, default=PATH, help=f"where to write (default: {PATH})")
    args = ap.parse_args()
    ds = load_dataset(args.home)
    lex = load()
    train, train_rhymes = labels(ds.split("train"))
    held = {s: labels(ds.split(s))[0] for s in ("valid", "test")}
    tables = count(train)
    # smoothing: the value with the lowest log loss on valid
    losses = {k: log_loss(Readings(tables["chars"], tables["left"], tables["right"], {}, {}, k), held["valid"])
              for k in SMOOTHING}
    smoothing = min(losses, key=losses.get)
    gains = _loo_gain(train, tables, smoothing)
    either = either_way(tables, gains)
    rhymes: dict[str, dict[str, int]] = defaultdict(dict)
    for (char, group), n in sorted(train_rhymes.items()):
        rhymes[char][group] = n
    model = Readings(tables["chars"], tables["left"], tables["right"], either, dict(rhymes), smoothing)
    doc = {
        "format": FORMAT,
        "source": {"corpus": "chinese-poetry@2.0.1 全唐诗, the train split of `tangshi corpus build`",
                   "fingerprint": ds.meta.get("fingerprint"), "lexicon": lex.source.get("name", "pingshui"),
                   "labelled_positions": len(train), "script": "scripts/build_readings.py"},
        "smoothing": smoothing, "smoothing_valid_log_loss": {str(k): round(v, 5) for k, v in losses.items()},
        "either_rule": {"min_labels": MIN_LABELS, "min_minority": MIN_MINORITY, "max_gain": MAX_GAIN},
        "chars": tables["chars"], "left": tables["left"], "right": tables["right"], "either": either,
        "rhymes": rhymes,
        "heldout": {s: evaluate(model, rows) for s, rows in held.items()},
    }
    raw = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    write_bytes(args.out, gzip.compress(raw, mtime=0))
    print(json.dumps({"out": str(args.out), "labelled": len(train), "smoothing": smoothing,
                      "either": len(either), "heldout": doc["heldout"]}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
