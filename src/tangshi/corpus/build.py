"""Build the clean, split, versioned data set from the raw corpus files.

Steps: read every ``poet.tang.*.json`` (and, with ``dynasties=("唐", "宋")`` —
``tangshi corpus build --song`` — every ``poet.song.*.json`` of 全宋诗 after them) → clean
(:mod:`clean`) → label the shape and the dynasty → drop duplicate bodies (the first occurrence
wins, in file order: Tang before Song) → split by a hash of the body → count characters in train
for the vocabulary → write ``dataset.json.gz`` and ``vocab.json`` atomically.

The split anyone can reproduce: ``k = int(sha256(body_utf8).hexdigest(), 16) % 100``
over the canonical traditional body (lines joined with ，/。, see
:func:`clean.join_lines`); k < 5 → test, 5 <= k < 10 → valid, else train.

Re-running is idempotent: the data set records a fingerprint of the raw files and
the builder version, and a build with nothing changed returns at once.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from tangshi import paths
from tangshi.atomic import write_bytes
from tangshi.corpus.clean import DYNASTIES, HEADLINE, REGULATED, shape_of, clean_body, clean_title
from tangshi.corpus.vocab import Vocab
from tangshi.errors import CorpusError
from tangshi.hanzi import join_lines, split_lines

FORMAT, VERSION = "tangshi-dataset", 1
SPLITS = ("train", "valid", "test")
_FILE_NUMBER = re.compile(r"poet\.(?:tang|song)\.(\d+)\.json$")


@dataclass(frozen=True)
class CorpusPoem:
    """One cleaned poem, in traditional characters."""

    title: str
    author: str
    lines: tuple[str, ...]
    form: str
    split: str
    dynasty: str = HEADLINE  # 唐 or 宋 (DYNASTIES)

    @property
    def body(self) -> str:
        return join_lines(list(self.lines))


@dataclass(frozen=True)
class Dataset:
    """The built corpus: poems, vocabulary and the build's own counts."""

    poems: tuple[CorpusPoem, ...]
    vocab: Vocab
    meta: dict

    def split(self, name: str, dynasty: str | None = None) -> list[CorpusPoem]:
        """The poems of one split (``train``, ``valid`` or ``test``), of one dynasty if given."""
        return [p for p in self.poems if p.split == name and (dynasty is None or p.dynasty == dynasty)]


def split_of(body: str) -> str:
    """The split of a canonical body; stable across machines and versions."""
    k = int(hashlib.sha256(body.encode("utf-8")).hexdigest(), 16) % 100
    return "test" if k < 5 else "valid" if k < 10 else "train"


def _poem_files(raw: Path, dynasties: tuple[str, ...] = (HEADLINE,)) -> list[tuple[Path, str]]:
    """(file, dynasty) for every poem file of the dynasties asked for, Tang first, in file order."""
    folder = raw / "quantangshi"
    out = []
    for dynasty in dynasties:
        name = DYNASTIES[dynasty]
        files = [p for p in folder.glob(f"poet.{name}.*.json") if _FILE_NUMBER.search(p.name)] if folder.is_dir() else []
        if not files:
            hint = "run `tangshi corpus fetch` first" if dynasty == HEADLINE else \
                "fetch again (`tangshi corpus fetch`): this raw corpus predates the Song files"
            raise CorpusError(f"no {dynasty} poems (poet.{name}.*.json) in {raw}; {hint}")
        out += [(p, dynasty) for p in sorted(files, key=lambda p: int(_FILE_NUMBER.search(p.name).group(1)))]
    return out


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise CorpusError(f"corrupt corpus file {path}: {err}") from err


def _records(files: list[tuple[Path, str]]) -> Iterator[tuple[dict, str]]:
    from tqdm import tqdm

    for path, dynasty in tqdm(files, desc="reading", unit="file", leave=False, disable=None):
        data = _read_json(path)
        if not isinstance(data, list) or not all(isinstance(r, dict) and "paragraphs" in r for r in data):
            raise CorpusError(f"corrupt corpus file {path}: expected a list of poems with 'paragraphs'")
        for rec in data:
            yield rec, dynasty


def fingerprint(raw: Path, dynasties: tuple[str, ...] = (HEADLINE,)) -> str:
    """A hash of the raw files' names, sizes and mtimes, plus the builder version (and the dynasties
    built, beyond the Tang)."""
    extra = "" if dynasties == (HEADLINE,) else ":" + ",".join(dynasties)
    h = hashlib.sha256(f"{FORMAT}:{VERSION}{extra}".encode())
    for p in sorted(raw.rglob("*.json")):
        st = p.stat()
        h.update(f"{p.relative_to(raw)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def clean_corpus(files: list[tuple[Path, str]]) -> tuple[list[CorpusPoem], Counter]:
    """Clean, label, deduplicate and split; return the poems and the drop counts."""
    poems, seen, dropped = [], set(), Counter()
    for rec, dynasty in _records(files):
        lines = clean_body(rec.get("paragraphs") or [])
        if lines is None:
            dropped["unclean"] += 1
            continue
        body = join_lines(lines)
        if body in seen:
            dropped["duplicate"] += 1
            continue
        seen.add(body)
        title = clean_title(str(rec.get("title") or ""))
        author = str(rec.get("author") or "")
        poems.append(CorpusPoem(title, author, tuple(lines), shape_of(lines), split_of(body), dynasty))
    return poems, dropped


def _vocab(poems: list[CorpusPoem], min_count: int) -> Vocab:
    counts: Counter = Counter()
    for p in poems:
        if p.split == "train":
            counts.update(p.body)
            counts.update(p.title)
    counts.pop(" ", None)
    return Vocab.from_counts(counts, min_count)


def _sanbai_matches(raw: Path, poems: list[CorpusPoem]) -> dict:
    """How many poems of 唐诗三百首 the cleaned corpus holds, by text or by author and title.

    A sanity check of the cleaning: the anthology's wording often differs from 全唐诗's
    by a variant character (閒/閑, 著/着), so text alone undercounts.
    """
    bodies = {p.body for p in poems}
    titled = {(p.author, p.title) for p in poems}
    path = raw / "mengxue" / "tangshisanbaishou.json"
    if not path.is_file():
        return {"available": False}
    data = _read_json(path)
    total = found = same_text = 0
    for section in data.get("content", []) if isinstance(data, dict) else []:
        for rec in section.get("content", []):
            lines = clean_body(rec.get("paragraphs") or [])
            verbatim = lines is not None and join_lines(lines) in bodies
            total += 1
            same_text += verbatim
            found += verbatim or (rec.get("author"), clean_title(str(rec.get("chapter") or ""))) in titled
    return {"available": True, "poems": total, "found_in_corpus": found, "same_text": same_text}


def build(home: Path | None = None, min_count: int = 2, force: bool = False,
          dynasties: tuple[str, ...] = (HEADLINE,)) -> dict:
    """Build the data set under ``home``; return its metadata (``skipped`` if up to date).

    ``dynasties``: ``("唐",)`` (the default) or ``("唐", "宋")`` to add 全宋诗.
    """
    unknown = [d for d in dynasties if d not in DYNASTIES]
    if unknown or not dynasties or dynasties[0] != HEADLINE:
        raise CorpusError(f"dynasties {dynasties!r}: the Tang first, then any of {', '.join(DYNASTIES)}")
    raw, out = paths.raw_dir(home), paths.dataset_path(home)
    files = _poem_files(raw, dynasties)
    fp = fingerprint(raw, dynasties)
    if not force and out.is_file():
        meta = _read_meta(out)
        if meta.get("fingerprint") == fp and meta.get("min_count") == min_count:
            return {**meta, "skipped": True}
    poems, dropped = clean_corpus(files)
    vocab = _vocab(poems, min_count)
    meta = {"format": FORMAT, "version": VERSION, "fingerprint": fp, "min_count": min_count,
            "dynasties": list(dynasties), "raw_poems": sum(dropped.values()) + len(poems), "dropped": dict(dropped),
            "sanbai": _sanbai_matches(raw, poems)}
    columns = {k: [getattr(p, k) for p in poems] for k in ("title", "author", "form", "split", "dynasty")}
    columns["body"] = [p.body for p in poems]
    payload = {**meta, "vocab": vocab.to_json(), "poems": columns}
    write_bytes(out, gzip.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"), 6, mtime=0))
    vocab.save(out.with_name("vocab.json"))
    return {**meta, "skipped": False}


def _read_payload(path: Path) -> dict:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, EOFError, ValueError) as err:
        raise CorpusError(f"corrupt data set {path}: {err}; rebuild it with `tangshi corpus build --force`") from err
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise CorpusError(f"data set {path} has format v{data.get('version')}, expected v{VERSION};"
                          " rebuild it with `tangshi corpus build --force`")
    return data


def _read_meta(path: Path) -> dict:
    data = _read_payload(path)
    return {k: v for k, v in data.items() if k not in ("poems", "vocab")}


def load_dataset(home: Path | None = None) -> Dataset:
    """Load the built data set; a clear error if it has not been built."""
    path = paths.dataset_path(home)
    if not path.is_file():
        raise CorpusError(f"no data set at {path}; run `tangshi corpus fetch` and `tangshi corpus build` first")
    data = _read_payload(path)
    cols = data["poems"]
    dynasty = cols.get("dynasty") or [HEADLINE] * len(cols["body"])  # data sets built before 全宋诗: Tang
    poems = tuple(
        CorpusPoem(t, a, tuple(split_lines(b)), f, s, d)
        for t, a, b, f, s, d in zip(cols["title"], cols["author"], cols["body"], cols["form"], cols["split"], dynasty)
    )
    meta = {k: v for k, v in data.items() if k not in ("poems", "vocab")}
    return Dataset(poems, Vocab.from_json(data["vocab"]), meta)


__all__ = ["Dataset", "CorpusPoem", "DYNASTIES", "HEADLINE", "REGULATED", "SPLITS", "build", "load_dataset",
           "split_of"]
