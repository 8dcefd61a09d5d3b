"""The checker's result: :class:`Report`, its lines and its issues, with stable JSON.

Identifiers (``kind``) are the report vocabulary of docs/rules.md; messages are Chinese. This module holds
no rules: :mod:`.checker` decides, this one records and serialises.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ERROR_KINDS = {
    "bad_shape": "体式不合", "unknown_char": "字表未收", "tone": "平仄不合", "gu_ping": "孤平",
    "san_ping_wei": "三平尾", "shi_dui": "失对", "shi_nian": "失粘", "ze_rhyme": "押仄韵",
    "chu_yun": "出韵", "repeated_rhyme": "重韵",
}
NOTE_KINDS = {
    "te_ao": "特拗", "gu_ping_jiu": "孤平拗救", "ban_ao": "半拗", "da_ao_jiu": "大拗有救",
    "lin_yun": "首句借邻韵", "san_ze_wei": "三仄尾", "ambiguous": "多音字", "reading": "定读",
    "rare_rhyme": "罕用韵读",
}
TONE_NAMES = {"P": "平", "Z": "仄"}


@dataclass(frozen=True)
class Issue:
    """An error or a note: its ``kind`` (docs/rules.md), 1-based ``line`` and ``pos`` (``None`` = whole)."""

    kind: str
    line: int | None
    pos: int | None
    message: str

    def __post_init__(self) -> None:
        assert self.kind in ERROR_KINDS or self.kind in NOTE_KINDS, self.kind

    @property
    def is_error(self) -> bool:
        return self.kind in ERROR_KINDS

    def to_json(self) -> dict:
        return {"kind": self.kind, "line": self.line, "pos": self.pos, "message": self.message}


@dataclass(frozen=True)
class LineReport:
    """One line: its text, each character's tones (``P``, ``Z``, ``PZ`` or ``?``), the required
    tone (``P``, ``Z`` or ``*``), a verdict per character and whether its end is a rhyme position;
    ``chosen`` is the tone taken per character where it matters (``*`` where it does not) and
    ``confidence`` how sure that reading is (1 for a single reading, the reading model's probability
    for a 多音字, 0 for an unknown character)."""

    text: str
    tones: tuple[str, ...]
    required: tuple[str, ...]
    verdicts: tuple[str, ...]  # ok, free, note, ambiguous, error, unknown
    readings: tuple[tuple[str, ...], ...]  # 平水韵 group names per character
    rhyme: bool = False
    chosen: tuple[str, ...] = ()
    confidence: tuple[float, ...] = ()

    def to_json(self) -> dict:
        return {"text": self.text, "tones": list(self.tones), "required": list(self.required),
                "verdicts": list(self.verdicts), "readings": [list(r) for r in self.readings],
                "rhyme": self.rhyme, "chosen": list(self.chosen), "confidence": list(self.confidence)}


@dataclass(frozen=True)
class Report:
    """The verdict on a poem; ``ok`` is true when there is no error (notes do not count)."""

    form: str | None
    pattern: str | None
    rhyme_group: str | None
    lines: tuple[LineReport, ...]
    errors: tuple[Issue, ...]
    notes: tuple[Issue, ...] = field(default=())
    mode: str = "contextual"  # contextual, strict or lenient (tangshi.prosody.checker.MODES)
    duizhang: tuple = ()  # tangshi.duizhang.Couplet per couplet of a 律诗, when asked for (a note, never an error)

    @property
    def ok(self) -> bool:
        return not self.errors

    def kinds(self) -> list[str]:
        """The kinds of the errors, in order (handy in tests)."""
        return [e.kind for e in self.errors]

    def to_json(self) -> dict:
        """``{"form", "ok", "pattern", "rhyme_group", "lines", "errors", "notes", "duizhang"}`` (+ ``mode``)."""
        return {
            "form": self.form, "ok": self.ok, "pattern": self.pattern, "rhyme_group": self.rhyme_group,
            "mode": self.mode,
            "lines": [ln.to_json() for ln in self.lines],
            "errors": [e.to_json() for e in self.errors],
            "notes": [n.to_json() for n in self.notes],
            "duizhang": [c.to_json() for c in self.duizhang],
        }
