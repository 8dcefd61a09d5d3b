"""Describe a built data set: poems per split and form, characters, vocabulary coverage.

Pure computation over a :class:`~tangshi.corpus.build.Dataset`; printing is the CLI's job, and
the prosody figures of ``tangshi corpus stats`` (lexicon coverage, the checker on real poems) are
:mod:`tangshi.prosody.baseline`'s: the corpus knows nothing of the rules.
"""
from __future__ import annotations

from collections import Counter

from tangshi.corpus.build import DYNASTIES, SPLITS, Dataset
from tangshi.corpus.clean import SHAPES


def _char_counts(dataset: Dataset, split: str) -> Counter:
    counts: Counter = Counter()
    for p in dataset.split(split):
        for line in p.lines:
            counts.update(line)
    return counts


def compute(dataset: Dataset) -> dict:
    """Counts per split × form, characters, vocabulary size and unknown-character rates."""
    per = {s: Counter(p.form for p in dataset.split(s)) for s in SPLITS}
    chars = {s: _char_counts(dataset, s) for s in SPLITS}
    vocab = dataset.vocab

    def unk_rate(split: str) -> float:
        total = sum(chars[split].values())
        missing = sum(n for c, n in chars[split].items() if c not in vocab)
        return missing / total if total else 0.0

    distinct = set().union(*(set(c) for c in chars.values()))
    dynasties = [d for d in DYNASTIES if any(p.dynasty == d for p in dataset.poems)]
    by_dynasty = {}
    for d in dynasties:  # per dynasty × shape, and the vocabulary's coverage of each dynasty's test poems
        test = Counter(c for p in dataset.split("test", d) for line in p.lines for c in line)
        total = sum(test.values())
        by_dynasty[d] = {"forms": {f: sum(1 for p in dataset.poems if p.dynasty == d and p.form == f) for f in SHAPES},
                         "poems": sum(1 for p in dataset.poems if p.dynasty == d),
                         "test_unknown_rate": sum(n for c, n in test.items() if c not in vocab) / total if total else 0.0}
    return {
        "dynasties": by_dynasty,
        "raw_poems": dataset.meta.get("raw_poems"),
        "dropped": dataset.meta.get("dropped", {}),
        "poems": {s: sum(per[s].values()) for s in SPLITS} | {"total": len(dataset.poems)},
        "forms": {f: {s: per[s][f] for s in SPLITS} for f in SHAPES},
        "characters": {s: sum(chars[s].values()) for s in SPLITS} | {"distinct": len(distinct)},
        "vocab": {"size": len(vocab), "min_count": dataset.meta.get("min_count"),
                  "train_coverage": 1.0 - unk_rate("train")},
        "unknown_rate": {"valid": unk_rate("valid"), "test": unk_rate("test")},
        "sanbai": dataset.meta.get("sanbai", {}),
    }


def format_table(s: dict) -> str:
    """A human-readable summary of :func:`compute`'s result."""
    out = [f"poems: {s['raw_poems']} raw → {s['poems']['total']} kept "
           f"(dropped: {', '.join(f'{k} {v}' for k, v in sorted(s['dropped'].items())) or 'none'})"]
    out.append(f"{'form':<8}" + "".join(f"{x:>8}" for x in (*SPLITS, "total")))
    for form, row in s["forms"].items():
        out.append(f"{form:<6}" + "".join(f"{row[x]:>8}" for x in SPLITS) + f"{sum(row.values()):>8}")
    out.append(f"{'all':<8}" + "".join(f"{s['poems'][x]:>8}" for x in SPLITS) + f"{s['poems']['total']:>8}")
    c = s["characters"]
    out.append(f"characters: train {c['train']:,}, valid {c['valid']:,}, test {c['test']:,}; distinct {c['distinct']:,}")
    v = s["vocab"]
    out.append(f"vocabulary: {v['size']:,} symbols (chars seen >= {v['min_count']}x in train), "
               f"train coverage {v['train_coverage']:.4%}")
    u = s["unknown_rate"]
    out.append(f"unknown-character rate: valid {u['valid']:.4%}, test {u['test']:.4%}")
    if len(s.get("dynasties", {})) > 1:
        out.append(f"{'form':<8}" + "".join(f"{d:>8}" for d in s["dynasties"]))
        for form in s["forms"]:
            out.append(f"{form:<6}" + "".join(f"{v['forms'][form]:>8}" for v in s["dynasties"].values()))
        out.append(f"{'all':<8}" + "".join(f"{v['poems']:>8}" for v in s["dynasties"].values()))
        out.append("unknown-character rate of each dynasty's test poems: " + ", ".join(
            f"{d} {v['test_unknown_rate']:.4%}" for d, v in s["dynasties"].items()))
    if s["sanbai"].get("available"):
        sb = s["sanbai"]
        out.append(f"唐诗三百首: {sb['found_in_corpus']} of {sb['poems']} found by author and title or text"
                   f" ({sb['same_text']} with identical text)")
    return "\n".join(out)
