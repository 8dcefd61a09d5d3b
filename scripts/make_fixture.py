"""Make tests/fixtures/corpus: a few hundred real poems in chinese-poetry's own npm layout.

Run once against a fetched corpus (``tangshi corpus fetch``); the output is committed so
that every test runs offline. The choice is deterministic: per shape, the poems whose
sha256 of the body is smallest, the poems of the first eight entries of each
section of 唐诗三百首 (matched by author and title), plus a handful of raw records that exercise the cleaning
rules (notes in brackets, placeholders, digits) and one duplicate; and from 全宋诗 (when fetched), the
same choice by hash for a smaller count per shape (``poet.song.0.json``).

    python scripts/make_fixture.py [RAW_DIR] [OUT_DIR]
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from tangshi import paths
from tangshi.corpus.clean import shape_of, clean_body, join_lines

PER_FORM = {"五言绝句": 90, "七言绝句": 90, "五言律诗": 90, "七言律诗": 90, "排律": 12, "其他": 24}
SONG_PER_FORM = {"五言绝句": 10, "七言绝句": 10, "五言律诗": 10, "七言律诗": 10, "排律": 2, "其他": 4}
DIRTY = {"note": ("（", 6), "placeholder": ("□", 3), "digit": ("〖1〗", 2), "square": ("[", 3)}


def _key(rec: dict) -> str:
    return hashlib.sha256("".join(rec["paragraphs"]).encode()).hexdigest()


def choose(records: list[dict]) -> list[dict]:
    """The fixture's records, in a stable order."""
    by_form: dict[str, list[dict]] = {f: [] for f in PER_FORM}
    dirty: dict[str, list[dict]] = {k: [] for k in DIRTY}
    for rec in records:
        raw = "".join(rec["paragraphs"])
        for kind, (mark, _) in DIRTY.items():
            if mark in raw and len(raw) < 120:
                dirty[kind].append(rec)
        lines = clean_body(rec["paragraphs"])
        if lines is not None and len(join_lines(lines)) < 400:
            by_form[shape_of(lines)].append(rec)
    chosen = []
    for form, n in PER_FORM.items():
        chosen += sorted(by_form[form], key=_key)[:n]
    for kind, (_, n) in DIRTY.items():
        chosen += sorted(dirty[kind], key=_key)[:n]
    chosen.append(dict(chosen[0], id="duplicate-of-first"))  # exercises deduplication
    return chosen


def _by_shape(records: list[dict], per_form: dict[str, int]) -> list[dict]:
    """Per shape, the ``per_form[shape]`` clean records of smallest body hash."""
    by_form: dict[str, list[dict]] = {f: [] for f in per_form}
    for rec in records:
        lines = clean_body(rec.get("paragraphs") or [])
        if lines is not None and len(join_lines(lines)) < 400:
            by_form[shape_of(lines)].append(rec)
    return [rec for form, n in per_form.items() for rec in sorted(by_form[form], key=_key)[:n]]


def main() -> None:
    raw = Path(sys.argv[1]) if len(sys.argv) > 1 else paths.raw_dir()
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("tests/fixtures/corpus")
    records = []
    for f in sorted((raw / "quantangshi").glob("poet.tang.*.json")):
        records += json.loads(f.read_text("utf-8"))
    sanbai = json.loads((raw / "mengxue" / "tangshisanbaishou.json").read_text("utf-8"))
    sanbai["content"] = [dict(s, content=s["content"][:8]) for s in sanbai["content"]]
    famous = {(r["author"], r["chapter"]) for s in sanbai["content"] for r in s["content"]}
    chosen = choose(records)
    chosen += [r for r in records if (r["author"], r["title"]) in famous and r not in chosen]
    dist = out / "package" / "dist"
    (dist / "quantangshi").mkdir(parents=True, exist_ok=True)
    half = len(chosen) // 2  # two files, as the real corpus has many
    for name, part in (("poet.tang.0.json", chosen[:half]), ("poet.tang.1000.json", chosen[half:])):
        (dist / "quantangshi" / name).write_text(json.dumps(part, ensure_ascii=False, indent=1), "utf-8")
    names = {r["author"] for r in chosen}
    authors = [dict(a, desc=a.get("desc", "")[:40])
               for a in json.loads((raw / "quantangshi" / "authors.tang.json").read_text("utf-8")) if a["name"] in names]
    (dist / "quantangshi" / "authors.tang.json").write_text(json.dumps(authors, ensure_ascii=False, indent=1), "utf-8")
    song = [rec for f in sorted((raw / "quantangshi").glob("poet.song.*.json"))
            for rec in json.loads(f.read_text("utf-8"))]
    if song:
        picked = _by_shape(song, SONG_PER_FORM)
        (dist / "quantangshi" / "poet.song.0.json").write_text(json.dumps(picked, ensure_ascii=False, indent=1),
                                                              "utf-8")
    (dist / "mengxue").mkdir(exist_ok=True)
    (dist / "mengxue" / "tangshisanbaishou.json").write_text(json.dumps(sanbai, ensure_ascii=False, indent=1), "utf-8")
    print(f"wrote {len(chosen)} poems, {len(authors)} authors to {out}")


if __name__ == "__main__":
    main()
