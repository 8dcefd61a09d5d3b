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
    """Per axis, (C, V) 0/1: the one-character markers of each class in a vocabulary (traditional)."""

    def __init__(self, chars: list[str]) -> None:
        self.markers = {axis: np.array([[c in words for c in chars] for words in MARKERS[axis].values()],
                                       dtype=np.float32) for axis in AXES}  # (C, V) 0/1


class Setting(Processor):
    """The setting bias in a decode (see the module docstring)."""

    order = 60

    def __init__(self, table: SettingTable, asked: dict[str, np.ndarray], strength: float) -> None:
        self.table, self.asked, self.strength = table, asked, strength  # asked: axis -> (B, C) bool

    @classmethod
    def prepare(cls, chars: list[str], prosody: object) -> SettingTable:
        return SettingTable(chars)

    @classmethod
    def create(cls, setup: Setup, prepared: SettingTable) -> "Setting | None":
        beta = SETTING_STRENGTH if setup.cfg.setting_strength is None else setup.cfg.setting_strength
        if not beta:
            return None
        titles = setup.titles or ("",) * setup.rows
        read = [names(t) for t in titles]
        asked = {axis: np.array([[c in r[axis] for c in AXES[axis]] for r in read]) for axis in AXES}
        return cls(prepared, asked, beta)

    def bias(self, step: Step) -> np.ndarray | None:
        out = None
        for axis, markers in self.table.markers.items():
            asked = self.asked[axis]  # (B, C)
            said = (step.used.astype(np.float32) @ markers.T) > 0  # (B, C): named so far
            in_force = np.where(asked.any(axis=1, keepdims=True), asked, said)  # (B, C)
            others = in_force.any(axis=1, keepdims=True) & ~in_force  # (B, C): classes to keep out
            if not others.any():
                continue
            hit = (others.astype(np.float32) @ markers) > 0  # (B, V)
            b = np.where(hit, np.float32(-self.strength), np.float32(0))
            out = b if out is None else out + b
        return out

    def reorder(self, idx) -> None:
        self.asked = {axis: a[idx.numpy()] for axis, a in self.asked.items()}


PROCESSOR = Setting
