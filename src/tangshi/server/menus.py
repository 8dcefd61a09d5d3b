"""What ``GET /api/meta`` adds to the request's limits so the page builds every menu from the API.

:mod:`tangshi.request` says which values a field takes; this module says how the page offers them:
each menu's entries (the canonical spelling of each choice, and the empty entry of a field that
may be left to the model) with a Chinese label and hint, and the 平水韵 groups with their names in
simplified characters (the lexicon names them in traditional ones: 八齊 is shown 八齐).
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache

from tangshi import request as R
from tangshi.mood import GLOSS, MOODS

# field -> value -> (label, hint); None is the entry that leaves the field to the model
LABELS: dict[str, dict] = {
    "rules": {"strict": ("严格", "每首合律"), "lenient": ("宽松", "多音字两读皆可"), "off": ("不限", "不依格律")},
    "start": {None: ("任意", ""), "平起": ("平起", ""), "仄起": ("仄起", "")},
    "mood": {None: ("不限", ""), **{m: (m, GLOSS[m]) for m in MOODS}},
    "dynasty": {"唐": ("唐诗", ""), "宋": ("宋诗", "")},
    "mode": {"contextual": ("依上下文定读", ""), "strict": ("严格", "两读皆须合律"),
             "lenient": ("宽松", "两读任取其一")},
}
MENUS = {"write": ("rules", "start", "mood", "dynasty"), "check": ("mode",)}


def canonical(cls: type, name: str) -> list:
    """A field's choices without their other spellings: ``start`` is 平起, 仄起 (not ping, ze)."""
    if name != "start":
        return list(R.spec(cls, name).choices)
    first: dict[str, str] = {}  # one entry per pattern start (P, Z): its first spelling
    for spelling, start in R.STARTS.items():
        first.setdefault(start, spelling)
    return list(first.values())


def menu(cls: type, name: str) -> list[dict]:
    """The entries of one field's menu: ``{"value", "label", "hint"}``, the empty entry first when the
    field may be left out; a choice without a label here is offered under its own name."""
    default = next(f.default for f in dataclasses.fields(cls) if f.name == name)
    values = ([None] if default is None else []) + canonical(cls, name)
    labels = LABELS.get(name, {})
    return [{"value": v, "label": labels.get(v, (v, ""))[0], "hint": labels.get(v, (v, ""))[1]} for v in values]


def menus() -> dict[str, dict[str, list[dict]]]:
    """Every menu of the page: ``{"write": {"rules": […], …}, "check": {"mode": […]}}``."""
    classes = {"write": R.WriteRequest, "check": R.CheckRequest}
    return {part: {name: menu(classes[part], name) for name in names} for part, names in MENUS.items()}


@lru_cache(maxsize=1)
def rhyme_groups() -> list[dict]:
    """The 106 groups of 平水韵: ``{"name": "八齊", "simplified": "八齐", "ping": true}``, in the lexicon's order.

    Simplified as :func:`tangshi.prosody.lexicon.group_name` writes them (九靑 → 九青)."""
    from tangshi.prosody.lexicon import group_name, load

    return [{"name": g.name, "simplified": group_name(g.name, "simplified"), "ping": bool(g.ping)} for g in load().groups]

