"""Which reading a 多音字 takes in context: P(平 | left neighbour, character, right neighbour).

Poets knew which reading they meant, and the text shows it: 长安 is 平 (cháng), 生长 仄 (zhǎng); 不胜
reads 胜 平 (shēng, 十蒸). The model is learnt from the corpus with the rules as labels
(``scripts/build_readings.py``; data ``data/readings.json.gz``, format ``tangshi-readings/1``):

    p₀ = (n_P(c) + 1) / (n(c) + 2)                             the character alone
    p_L = (n_P(l c) + k p₀) / (n(l c) + k)                      its left context, backed off to p₀
    p_R = (n_P(c r) + k p₀) / (n(c r) + k)                      its right context
    logit p = logit p₀ + (logit p_L − logit p₀) + (logit p_R − logit p₀)

(a product of the two context experts, each relative to the character alone; ``k`` set on valid
poems). A reading is *confident* when max(p, 1 − p) ≥ :data:`CONFIDENT`. The *either-way*
characters (看 望 听 忘 …) read 平 or 仄 with one meaning: either tone is correct for them anywhere.
``rhymes`` counts how often each character rhymes in each 平 group in real poems; a rhyme reading
used less than :data:`RARE_RHYME` of the time (of at least :data:`RHYME_EVIDENCE` rhymes) is *rare*.
No torch here: the checker imports it.
"""
from __future__ import annotations

import gzip
import json
import math
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tangshi.errors import TangshiError

FORMAT = "tangshi-readings/1"
PATH = Path(__file__).resolve().parent / "data" / "readings.json.gz"
START, END = "^", "$"  # the neighbour of a line's first / last character
CONFIDENT = 0.9  # max(p, 1 - p) at or above this settles the reading
DECODE_CONFIDENT = 0.95  # the decoder places a polyphone on a fixed position only this sure (left context)
RARE_RHYME, RHYME_EVIDENCE = 0.03, 10
REBUILD = "python scripts/build_readings.py (after tangshi corpus fetch && tangshi corpus build)"


class ReadingsError(TangshiError):
    """The readings file is missing or corrupt."""


@dataclass(frozen=True)
class Readings:
    """The counts of ``data/readings.json.gz`` and the model over them (see the module docstring)."""

    chars: dict[str, list[int]]  # char -> [n_P, n_Z]
    left: dict[str, list[int]]  # left + char -> [n_P, n_Z]
    right: dict[str, list[int]]  # char + right -> [n_P, n_Z]
    either: dict[str, list[int]]  # either-way chars -> [n_P, n_Z]
    rhymes: dict[str, dict[str, int]]  # char -> {平 group name: rhymes in real poems}
    smoothing: float

    def _shifts(self, left: str | None, char: str, right: str | None) -> tuple[float, dict[str, float]]:
        """logit p₀, and each known context's shift of it (``left`` / ``right``) — see the docstring."""
        nP, nZ = self.chars.get(char, (0, 0))
        p0 = (nP + 1) / (nP + nZ + 2)
        shifts = {}
        for name, table, key in (("left", self.left, None if left is None else left + char),
                                 ("right", self.right, None if right is None else char + right)):
            if key is not None and key in table:
                cP, cZ = table[key]
                shifts[name] = _logit((cP + self.smoothing * p0) / (cP + cZ + self.smoothing)) - _logit(p0)
        return _logit(p0), shifts

    def p_ping(self, left: str | None, char: str, right: str | None) -> float:
        """P(平) of ``char`` (traditional) between ``left`` and ``right`` (``None``: not known yet)."""
        z, shifts = self._shifts(left, char, right)
        return 1 / (1 + math.exp(-(z + sum(shifts.values()))))

    def evidence(self, left: str | None, char: str, right: str | None, ping: bool) -> str:
        """Which context moved the reading most towards 平 (``ping``) or 仄: ``left``, ``right`` or ``""``."""
        _, shifts = self._shifts(left, char, right)
        toward = {side: (d if ping else -d) for side, d in shifts.items() if (d if ping else -d) > 0}
        return max(toward, key=toward.get) if toward else ""

    def rare_rhyme(self, char: str, group: str) -> bool:
        """Do real poems almost never rhyme ``char`` in ``group`` (under RARE_RHYME of ≥ RHYME_EVIDENCE rhymes)?"""
        uses = self.rhymes.get(char)
        total = sum(uses.values()) if uses else 0
        return total >= RHYME_EVIDENCE and uses.get(group, 0) / total < RARE_RHYME


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


@lru_cache(maxsize=1)
def load() -> Readings:
    """The packaged reading model (read once); a missing or corrupt file is one :class:`ReadingsError`."""
    return read(PATH)


def read(path: Path) -> Readings:
    """The reading model in ``path``: one :class:`ReadingsError` naming the file and how to rebuild it."""
    try:
        doc = json.loads(gzip.decompress(Path(path).read_bytes()))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        model = Readings(doc["chars"], doc["left"], doc["right"], doc["either"], doc["rhymes"],
                         float(doc["smoothing"]))
        if not all(isinstance(t, dict) for t in (model.chars, model.left, model.right, model.either, model.rhymes)):
            raise ValueError("a table is not a JSON object")
        return model
    except (OSError, ValueError, KeyError, TypeError, EOFError, zlib.error) as err:
        raise ReadingsError(f"the reading model {path} is missing or corrupt ({err}); rebuild it: {REBUILD}") from err
