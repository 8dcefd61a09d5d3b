"""The human baseline: how many real regulated poems pass the checker, per form and mode.

``pass_rates(poems)`` takes ``(form_label, lines)`` pairs (labels 五言绝句 七言绝句 五言律诗 七言律诗,
lines in traditional characters without punctuation) and returns, per form and overall, the
share passing the check in each mode (contextual, strict, lenient), with counts. :func:`corpus_figures` adds the
lexicon's coverage of a corpus and its share of 多音字 tokens (``tangshi corpus stats``). ``平韵`` restricts to poems whose
even-line ends all have a 平 reading, the population on which a 平-rhymed poem can pass at all.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Sequence

from tangshi.errors import choice_error
from tangshi.prosody.checker import MODES, check
from tangshi.prosody.forms import FORM_BY_NAME
from tangshi.prosody.lexicon import P, Z, coverage, load, to_traditional


def _ping_rhymed(lines: Sequence[str]) -> bool:
    lex = load()
    ends = to_traditional("".join(line[-1] for line in lines[1::2]), simplified=False)
    return all(lex.tone_mask(c) & P for c in ends)


def _rates(counts: dict[str, int]) -> dict:
    n = counts["poems"]  # shares are 0.0 (not None) for no poems, so that callers can format them
    out = {"count": n, "poems": n}
    for mode in MODES:
        out[f"{mode}_pass"] = counts[mode]
        out[mode] = counts[mode] / n if n else 0.0
    return out


def pass_rates(poems: Iterable[tuple[str, Sequence[str]]]) -> dict:
    """Per form (and ``all``): ``count`` (= ``poems``), passes, and pass shares in each mode.

    Each form also has ``ping_rhymed``: the same figures over the poems whose even-line ends all
    read 平 (the poems that can pass at all).
    """
    counts: dict[tuple[str, bool], dict[str, int]] = defaultdict(lambda: dict.fromkeys(("poems", *MODES), 0))
    for label, lines in poems:
        if label not in FORM_BY_NAME:
            raise choice_error("form", label, FORM_BY_NAME)
        text = "，".join(lines)
        passed = {mode: check(text, mode).ok for mode in MODES}
        for key in ((label, False), ("all", False)) + (((label, True), ("all", True)) if _ping_rhymed(lines) else ()):
            counts[key]["poems"] += 1
            for mode in MODES:
                counts[key][mode] += passed[mode]
    out = {}
    for form in (*FORM_BY_NAME, "all"):
        out[form] = _rates(counts[(form, False)]) | {"ping_rhymed": _rates(counts[(form, True)])}
    return out


def ambiguous_share(lines: Iterable[str]) -> float:
    """Share of character tokens whose readings in the table are both 平 and 仄 (多音字)."""
    lex, counts = load(), Counter()
    for line in lines:
        counts.update(line)
    both = sum(n for c, n in counts.items() if lex.tone_mask(c) == P | Z)
    total = sum(counts.values())
    return both / total if total else 0.0


def corpus_figures(all_lines: Sequence[str], test_poems: Iterable[tuple[str, Sequence[str]]]) -> dict:
    """Lexicon coverage and 多音字 share over ``all_lines``; human pass rates over ``test_poems``."""
    covered, missing = coverage(all_lines)
    regulated = [(form, lines) for form, lines in test_poems if form in FORM_BY_NAME]
    return {"lexicon_coverage": covered, "lexicon_missing": dict(missing.most_common(20)),
            "ambiguous_tokens": ambiguous_share(all_lines), "human_pass_rates_test": pass_rates(regulated)}
