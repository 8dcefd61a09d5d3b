"""The character vocabulary, saved as JSON beside the data set and inside every checkpoint.

Index 0 is padding (masked in the loss with ``ignore_index``), then the other special
symbols, then characters by descending train frequency. A model never rebuilds its
vocabulary from the corpus: it loads the one it was trained with.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from tangshi.atomic import write_text
from tangshi.errors import CheckpointError

FORMAT, VERSION = "tangshi-vocab", 1
PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SPECIALS = (PAD, UNK, BOS, EOS)


@dataclass(frozen=True)
class Vocab:
    """Characters ↔ ids. ``chars`` includes the specials first."""

    chars: tuple[str, ...]
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        assert self.chars[: len(SPECIALS)] == SPECIALS, "specials must come first"
        object.__setattr__(self, "index", {c: i for i, c in enumerate(self.chars)})

    @classmethod
    def from_counts(cls, counts: Counter, min_count: int = 2) -> "Vocab":
        """Keep characters seen at least ``min_count`` times, most frequent first."""
        kept = sorted((c for c, n in counts.items() if n >= min_count), key=lambda c: (-counts[c], c))
        return cls(SPECIALS + tuple(c for c in kept if c not in SPECIALS))

    def __len__(self) -> int:
        return len(self.chars)

    def __contains__(self, ch: str) -> bool:
        return ch in self.index

    @property
    def pad(self) -> int:
        return 0

    @property
    def unk(self) -> int:
        return 1

    @property
    def bos(self) -> int:
        return 2

    @property
    def eos(self) -> int:
        return 3

    def encode(self, text: Iterable[str]) -> list[int]:
        """Characters → ids; unknown characters map to ``<unk>``."""
        return [self.index.get(ch, 1) for ch in text]

    def decode(self, ids: Iterable[int]) -> str:
        """Ids → text, skipping specials."""
        return "".join(self.chars[i] for i in ids if i >= len(SPECIALS))

    def to_json(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "chars": list(self.chars)}

    @classmethod
    def from_json(cls, data: dict) -> "Vocab":
        """The vocabulary saved by :meth:`to_json`; anything else is a :class:`CheckpointError`."""
        if not isinstance(data, dict):
            raise CheckpointError(f"the vocabulary must be a JSON object, not {type(data).__name__}")
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise CheckpointError(
                f"unsupported vocabulary format {data.get('format')!r} v{data.get('version')!r};"
                f" expected {FORMAT!r} v{VERSION}"
            )
        chars = data.get("chars")
        if not isinstance(chars, list) or not all(isinstance(c, str) and c for c in chars):
            raise CheckpointError("the vocabulary's chars must be a list of non-empty strings")
        if tuple(chars[: len(SPECIALS)]) != SPECIALS or len(set(chars)) != len(chars):
            raise CheckpointError(f"the vocabulary must start with {', '.join(SPECIALS)} and hold each symbol once")
        return cls(tuple(chars))

    def save(self, path: Path) -> None:
        write_text(path, json.dumps(self.to_json(), ensure_ascii=False))

    @classmethod
    def load(cls, path: Path) -> "Vocab":
        try:
            return cls.from_json(json.loads(Path(path).read_text("utf-8")))
        except (OSError, ValueError, KeyError) as err:
            raise CheckpointError(f"cannot read vocabulary {path}: {err}") from err
