"""Build the variant table that simplified output uses: 異體字 OpenCC keeps → the standard form.

OpenCC ``t2s`` converts traditional characters, not variants: 鴈, 劒 and 櫂 come out as they went
in, where a simplified edition prints 雁, 剑 and 棹. This script writes
``src/tangshi/prosody/data/simplified_variants.json`` (format ``tangshi-simplified-variants/1``),
mapping such a character of the model's vocabulary to its standard simplified form, and
:func:`tangshi.script.simplify` applies it. A character ``v`` is mapped to ``s`` when:

1. OpenCC ``t2s`` keeps ``v`` and ``v`` is not a standard simplified character: not in GB 2312
   (the national set of simplified characters, read from Python's own ``gb2312`` codec);
2. PyPI ``yitizi`` (異體字 graph, MIT) lists ``v`` as a variant of a character whose ``t2s`` form
   is ``s``, and ``s`` is the *only* GB 2312 character so reached: two standard forms (臯 → 皋 or
   睾, 讌 → 宴 or 燕) mean the variant shares a meaning with each, and it is kept;
3. ``v`` is not in :data:`OWN_MEANING`: characters that the 《通用规范汉字表》 (2013) keeps as
   standard characters with a meaning or use of their own, which GB 2312 (1980) lacks;
4. the prosody is the same: the lexicon's readings (平水韵 groups) of ``v`` equal those of every
   traditional form the checker may read ``s`` as (``s``, its ``s2t`` form and its ``yitizi``
   variants that ``t2s`` turns into ``s``: 发 as 發 or 髮), and ``v`` is not read both 平 and 仄
   (such a 多音字 is settled by a context model keyed on the character itself).

Run after changing a source or the shipped vocabulary:
``pip install yitizi && python scripts/build_simplified_variants.py`` (needs ``yitizi`` and
``opencc``; the package needs only the file this writes). The same sources give the same bytes.
"""
from __future__ import annotations

import argparse
import importlib.metadata as md
import json
from pathlib import Path

import opencc

from tangshi.hanzi import is_han
from tangshi.prosody.lexicon import P, Z, in_gb2312, load

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "tangshi" / "prosody" / "data" / "simplified_variants.json"
VOCAB = ROOT / "src" / "tangshi" / "models" / "default" / "model.json"
FORMAT = "tangshi-simplified-variants/1"
# Standard characters (通用规范汉字表, 2013) with a meaning or use of their own, missing from GB 2312:
# 瞭 liào 瞭望 (not 了), 甪 lù 甪直, 畬 yú 畬田 (not 畲 shē), 巉 chán 巉岩 (not 崭), 埇 yǒng 埇桥,
# 棐 fěi 棐几 (not 榧), 搨 tà 搨本 (not 搭), 邠 the Tang prefecture 邠州 (not 豳), 炁 the Daoist
# term, 侁 侁侁, 麰 móu barley.
OWN_MEANING = frozenset("瞭甪畬巉埇棐搨邠炁侁麰")


def vocabulary(path: Path) -> list[str]:
    """The single Han characters of a model's vocabulary, in its order."""
    chars = json.loads(path.read_text(encoding="utf-8"))["vocab"]["chars"]
    return [c for c in chars if len(c) == 1 and is_han(c)]


def standard_form(char: str, data: dict[str, str], t2s: opencc.OpenCC) -> str | None:
    """Rules 1–2: the one GB 2312 form ``char`` is a variant of, or None."""
    if t2s.convert(char) != char or in_gb2312(char) or char in OWN_MEANING:
        return None
    forms = {t2s.convert(v) for v in data.get(char, "")}
    forms = {s for s in forms if len(s) == 1 and s != char and in_gb2312(s)}
    return forms.pop() if len(forms) == 1 else None


def read_as(simple: str, data: dict[str, str], t2s: opencc.OpenCC, s2t: opencc.OpenCC) -> set[str]:
    """Every character the checker may look ``simple`` up as in a simplified text."""
    forms = {simple, s2t.convert(simple)}
    forms |= {v for v in data.get(simple, "") if t2s.convert(v) == simple}
    return forms


def same_prosody(char: str, simple: str, data: dict[str, str], t2s: opencc.OpenCC, s2t: opencc.OpenCC) -> bool:
    """Rule 4: equal readings under every form of ``simple`` the lexicon knows, and not 平 and 仄 at once."""
    lex = load()
    own = sorted(lex.lookup(char))
    if not own or lex.tone_mask(char) == P | Z:
        return False
    known = [f for f in read_as(simple, data, t2s, s2t) if lex.lookup(f)]
    return bool(known) and all(sorted(lex.lookup(f)) == own for f in known)


def table(chars: list[str]) -> dict[str, str]:
    """Variant → standard simplified form for ``chars`` (rules in the module docstring)."""
    import yitizi

    data: dict[str, str] = yitizi.yitizi_data
    t2s, s2t = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    out = {}
    for char in chars:
        simple = standard_form(char, data, t2s)
        if simple is not None and same_prosody(char, simple, data, t2s, s2t):
            out[char] = simple
    return dict(sorted(out.items()))


def document(chars: list[str]) -> dict:
    """The file's content: format, sources, count and the table."""
    mapping = table(chars)
    return {
        "format": FORMAT,
        "source": {
            "variants": f"yitizi {md.version('yitizi')} (PyPI, MIT license, nk2028)",
            "standard": "GB 2312-1980 (Python's gb2312 codec); OpenCC "
                        f"{md.version('opencc')} t2s (Apache-2.0)",
            "prosody": "tangshi's 平水韵 lexicon (prosody/data/pingshui.json.gz)",
            "vocabulary": "the default model's vocabulary (models/default/model.json)",
            "script": "scripts/build_simplified_variants.py",
        },
        "count": len(mapping),
        "map": mapping,
    }


def render(doc: dict) -> str:
    """The file's text: one pair to a line, so that a rebuild diffs readably."""
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=Path, default=VOCAB, help=f"model.json whose vocabulary to cover (default: {VOCAB})")
    parser.add_argument("--out", type=Path, default=OUT, help=f"file to write (default: {OUT})")
    args = parser.parse_args()
    doc = document(vocabulary(args.vocab))
    args.out.write_text(render(doc), encoding="utf-8")
    print(json.dumps({"count": doc["count"], "out": str(args.out)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
