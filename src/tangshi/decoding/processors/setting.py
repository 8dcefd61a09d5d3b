"""One season, one hour, one place: a bias against the words of a setting the poem is not in.

Readers' first objection to generated poems is a setting that contradicts itself or the title
(:mod:`tangshi.setting`). At every character step, for each row and each axis (season, time of
day, place), the classes *in force* are those its title names, or — when the title names none —
those the row's lines have named so far; once some class is in force, each character that is a
marker of another class of that axis (:data:`tangshi.setting.lexicon.MARKERS`, its one-character
markers: 春 in a poem titled 秋夜, 曉 once the poem has said 夜) gets

    bias(v) = −β

β (nats, :data:`SETTING_STRENGTH`; a request's ``setting_strength`` overrides it, 0 turns the bias and
the ranking below off): a marker of another season stays possible where the model is
sure of it (春秋 as the passing years), but is no longer chosen on a whim. A title that names two
classes of an axis keeps both in force. The ranking then puts any candidate that still clashes
after every one that does not (:meth:`tangshi.poet.Poet._poems`).
"""
from __future__ import annotations

import numpy as np

from tangshi.decoding.processor import Processor, Setup, Step
from tangshi.setting import AXES
from tangshi.setting.lexicon import MARKERS, names

SETTING_STRENGTH = 3.0  # β, nats against a marker of a class not in force


class SettingTable:
    """The one-character markers of every class in a vocabulary (traditional), classes axis by axis.

    ``markers`` (C, V) 0/1 over all C classes; ``cols`` (K,) the vocabulary ids that are markers and
    ``member`` (K, C) 0/1 the classes each marks; ``axis_of`` (C,) each class's axis and ``starts``
    the first class of each axis."""

    def __init__(self, chars: list[str]) -> None:
        classes = [(a, c) for a in AXES for c in AXES[a]]
        self.markers = np.array([[ch in MARKERS[a][c] for ch in chars] for a, c in classes], dtype=np.float32)
        self.cols = np.flatnonzero(self.markers.any(axis=0))  # (K,)
        self.member = np.ascontiguousarray(self.markers[:, self.cols].T)  # (K, C)
        self.axis_of = np.array([list(AXES).index(a) for a, _ in classes])  # (C,)
        self.starts = np.array([self.axis_of.tolist().index(k) for k in range(len(AXES))])

    def asked(self, titles: tuple[str, ...]) -> np.ndarray:
        """(B, C) bool: the classes each title names."""
        read = [names(t) for t in titles]
        return np.array([[c in r[a] for a in AXES for c in AXES[a]] for r in read], dtype=bool).reshape(len(titles), -1)


class Setting(Processor):
    """The setting bias in a decode (see the module docstring)."""

    order = 60

    def __init__(self, table: SettingTable, asked: np.ndarray, strength: float) -> None:
        self.table, self.asked, self.strength = table, asked, strength  # asked (B, C) bool
        # the markers the rows had used at the last step (bytes) and the bias they gave; with the titles' classes
        # (``asked``, which only a reorder changes, and resets this) nothing else decides it
        self._said: bytes | None = None
        self._out: np.ndarray | None = None
        self._key, self._bias = None, None  # the last bias, kept while the classes kept out stay the same

    @classmethod
    def prepare(cls, chars: list[str], prosody: object, header: dict) -> SettingTable:
        return SettingTable(chars)

    @classmethod
    def create(cls, setup: Setup, prepared: SettingTable) -> "Setting | None":
        beta = SETTING_STRENGTH if setup.cfg.setting_strength is None else setup.cfg.setting_strength
        if not beta:
            return None
        return cls(prepared, prepared.asked(setup.titles or ("",) * setup.rows), beta)

    def bias(self, step: Step) -> np.ndarray | None:
        """(B, V): −β on the markers of each class kept out (read-only: it is reused from step to step)."""
        t = self.table
        markers = step.used[:, t.cols]  # (B, K): the markers each row has used
        said = markers.tobytes()
        if said != self._said:
            self._said, self._out = said, self._bias_for(markers)
        return self._out

    def _bias_for(self, markers: np.ndarray) -> np.ndarray | None:
        t = self.table
        said = (markers.astype(np.float32) @ t.member) > 0  # (B, C): named so far
        by_title = np.logical_or.reduceat(self.asked, t.starts, axis=1)[:, t.axis_of]  # (B, C): the title names the axis
        in_force = np.where(by_title, self.asked, said)  # (B, C)
        others = np.logical_or.reduceat(in_force, t.starts, axis=1)[:, t.axis_of] & ~in_force  # (B, C)
        if not others.any():
            return None
        key = others.tobytes()
        if key != self._key:
            hit = (others.astype(np.float32) @ t.markers) > 0  # (B, V)
            self._key, self._bias = key, np.where(hit, np.float32(-self.strength), np.float32(0))
        return self._bias

    def reorder(self, idx) -> None:
        self.asked = self.asked[idx.numpy()]
        self._key = self._said = None


PROCESSOR = Setting
