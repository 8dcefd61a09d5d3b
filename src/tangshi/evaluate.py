"""``tangshi eval``: how good is a model? Perplexity, rule compliance, diversity, copying.

On the test split of the built corpus:

- perplexity per form, with the true titles and with empty ones (the conditioning gain);
- for ``--poems`` generated poems per form, at default settings and one real test title
  each: the strict-check pass rate, distinct-1/2, the share of generated lines found
  verbatim in the training corpus, the share of poems that use a character of their title;
- the strict pass rate of every other mode (free, acrostic, continuation, beam) on
  ``--per-mode`` poems per form;
- beside them, the same figures for as many real test poems (where they apply).
"""
from __future__ import annotations

import argparse
import json
import math
import warnings
from collections import defaultdict
from dataclasses import dataclass

from tangshi.corpus.clean import REGULATED
from tangshi.hanzi import join_lines

MODES = ("title", "free", "acrostic", "continuation", "beam")


@dataclass(frozen=True)
class EvalConfig:
    """What ``tangshi eval`` measures; every default lives here."""

    poems: int = 200       # generated poems per form in the main (title) mode
    per_mode: int = 40     # generated poems per form in each other mode
    batch: int = 50        # poems decoded together
    seed: int = 0

    def __post_init__(self) -> None:
        from tangshi.errors import require_in

        require_in("--poems", self.poems, 1, 100_000)
        require_in("--per-mode", self.per_mode, 1, 100_000)
        require_in("batch", self.batch, 1, 1024)
        require_in("--seed", self.seed, 0, 2**63 - 1)


def perplexity(model, vocab, poems, empty_titles: bool) -> dict[str, float]:
    """Per-form perplexity of the real poems, teacher-forced, titles kept or blanked."""
    import torch

    from tangshi.data import bucket_batches, collate, encode_poems

    out = {}
    model.eval()
    for form in REGULATED:
        data = encode_poems([p for p in poems if p.form == form], vocab, 128)
        total = count = 0.0
        with torch.inference_mode():
            for idx in bucket_batches(data, 64, 0, 0, shuffle=False):
                loss, n = model(collate(data, idx, vocab.bos, 1.0 if empty_titles else 0.0, torch.Generator()))
                total, count = total + float(loss), count + float(n)
        out[form] = math.exp(total / count) if count else float("nan")
    return out


def distinct(poems: list[list[str]], n: int) -> float:
    """Distinct n-grams (within lines) over all n-grams, across a set of poems."""
    grams = [line[i:i + n] for p in poems for line in p for i in range(len(line) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def figures(poems: list[list[str]], titles: list[str], train_lines: set[str], passed: list[bool]) -> dict:
    """The figures shared by generated and real poems."""
    uses_title = [any(c in "".join(p) for c in set(t)) for p, t in zip(poems, titles) if t]
    lines = [line for p in poems for line in p]
    return {"count": len(poems), "strict_pass": sum(passed) / len(passed) if passed else float("nan"),
            "distinct_1": distinct(poems, 1), "distinct_2": distinct(poems, 2),
            "copied_lines": sum(line in train_lines for line in lines) / len(lines) if lines else float("nan"),
            "title_char_use": sum(uses_title) / len(uses_title) if uses_title else float("nan")}


def _generate_titled(poet, form, titles: list[str], cfg: EvalConfig) -> list[list[str]]:
    """One poem per title at default settings, ``cfg.batch`` titles decoded together (model script)."""
    from tangshi.request import TITLE_MAX, WriteRequest

    out = []
    for start in range(0, len(titles), cfg.batch):
        reqs = [WriteRequest(form=form, title=t[:TITLE_MAX], script="traditional")
                for t in titles[start:start + cfg.batch]]
        for poems in poet.write_batch(reqs, seed=cfg.seed + start):
            if isinstance(poems, Exception):
                raise poems
            out.append(poems[0].lines)
    return out


def _cycle(items: list, k: int) -> list:
    return (items * (k // max(len(items), 1) + 1))[:k]


def _mode_requests(mode: str, real: list, k: int, vocab) -> list[dict]:
    """Requests for one mode, built from real test poems (titles, line heads, opening lines).

    Only poems whose requested characters the model knows are used; continuation uses the
    opening lines of real poems that keep the rules themselves.
    """
    from tangshi.prosody import check
    from tangshi.script import from_model

    if mode == "free":
        return [{}] * k
    if mode == "acrostic":
        heads = ["".join(line[0] for line in p.lines) for p in real]
        return [{"acrostic": h} for h in _cycle([h for h in heads if all(c in vocab for c in h)], k)]
    if mode == "continuation":  # judged as the user sees it: in simplified script
        fit = [p.lines[0] for p in real
               if all(c in vocab for c in p.lines[0]) and check(from_model(p.body, "simplified")).ok]
        return [{"first_line": line} for line in _cycle(fit, k)]
    from tangshi.request import TITLE_MAX

    return [{"title": p.title[:TITLE_MAX], "beam": 4} for p in _cycle(real, k)]


def evaluate(poet, dataset, cfg: EvalConfig, progress=lambda msg: None) -> dict:
    """All figures of the module docstring, as one JSON-able dict."""
    from tangshi.poet import TitleIgnored
    from tangshi.prosody import check
    from tangshi.script import from_model

    test = dataset.split("test")
    train_lines = {line for p in dataset.split("train") for line in p.lines}
    simp = lambda lines: join_lines([from_model(line, "simplified") for line in lines])
    result: dict = {"perplexity": {"titles": perplexity(poet.model, poet.vocab, test, False),
                                   "empty_titles": perplexity(poet.model, poet.vocab, test, True)},
                    "generated": {}, "real": {}, "modes": defaultdict(dict)}
    for form in REGULATED:
        real = [p for p in test if p.form == form]
        if not real:
            continue
        titles = [p.title for p in (real * (cfg.poems // len(real) + 1))[:cfg.poems]]
        progress(f"{form}: {len(titles)} titled poems")
        gen = _generate_titled(poet, form, titles, cfg)
        result["generated"][form] = figures(gen, titles, train_lines, [check(simp(p)).ok for p in gen])
        sample = real[:cfg.poems]
        result["real"][form] = figures([list(p.lines) for p in sample], [p.title for p in sample], train_lines,
                                       [check(simp(p.lines)).ok for p in sample])
        result["modes"][form]["title"] = result["generated"][form]["strict_pass"]
        for mode in MODES[1:]:
            progress(f"{form}: {mode}")
            reqs = _mode_requests(mode, real, cfg.per_mode, poet.vocab)
            with warnings.catch_warnings():  # real titles hold characters the model never saw: fine here
                warnings.simplefilter("ignore", TitleIgnored)
                oks = [p.check["ok"] for k, r in enumerate(reqs) for p in poet.write(form=form, seed=cfg.seed + k, **r)]
            result["modes"][form][mode] = sum(oks) / len(oks) if oks else float("nan")
    result["modes"] = dict(result["modes"])
    return result


def format_table(r: dict) -> str:
    """A readable table of :func:`evaluate`'s result."""
    rows = ["perplexity on the test split (true titles / empty titles):"]
    for form, ppl in r["perplexity"]["titles"].items():
        rows.append(f"  {form}  {ppl:8.1f} / {r['perplexity']['empty_titles'][form]:8.1f}")
    head = f"{'':10}{'pass':>7}{'dist-1':>8}{'dist-2':>8}{'copied':>8}{'title':>7}"
    rows += ["generated (default settings, real test titles) vs real test poems:", head]
    for form, g in r["generated"].items():
        for who, x in (("gen", g), ("real", r["real"][form])):
            rows.append(f"  {form[:4]} {who:<4}{x['strict_pass']:7.1%}{x['distinct_1']:8.3f}{x['distinct_2']:8.3f}"
                        f"{x['copied_lines']:8.2%}{x['title_char_use']:7.1%}")
    rows.append("strict pass rate per mode: " + ", ".join(MODES))
    for form, m in r["modes"].items():
        rows.append(f"  {form}  " + "  ".join(f"{m[k]:.1%}" for k in MODES))
    return "\n".join(rows)


def run(args: argparse.Namespace) -> int:
    """Handler of ``tangshi eval``."""
    import sys

    from tangshi.corpus.build import load_dataset
    from tangshi.poet import Poet

    cfg = EvalConfig(poems=args.poems, per_mode=args.per_mode, seed=args.seed)  # checked before loading
    result = evaluate(Poet.load(args.model), load_dataset(), cfg, lambda m: print(m, file=sys.stderr))
    print(json.dumps(result, ensure_ascii=False, indent=1) if args.json else format_table(result))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``eval``."""
    d = EvalConfig()
    p = sub.add_parser("eval", help="perplexity, rule compliance, diversity and copying on the test split")
    p.add_argument("--model", help="a checkpoint directory (default: the shipped model)")
    p.add_argument("--poems", type=int, default=d.poems, help=f"generated poems per form (default: {d.poems})")
    p.add_argument("--per-mode", type=int, default=d.per_mode,
                   help=f"generated poems per form for each other mode (default: {d.per_mode})")
    p.add_argument("--seed", type=int, default=d.seed, help="random seed of the generation")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.set_defaults(func=run)
