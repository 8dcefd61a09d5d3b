"""tangshi.prosody: the 平水韵 lexicon, the regulated-verse checker and decoder constraints.

>>> from tangshi.prosody import check
>>> check("白日依山尽，黄河入海流。欲穷千里目，更上一层楼。").ok
True

The constraints (:mod:`tangshi.prosody.constraints`) import torch; they are loaded on first use
so that ``check`` stays fast to import.
"""
from __future__ import annotations

from tangshi.prosody.checker import check
from tangshi.prosody.forms import (FORM_BY_NAME, FORMS, Form, Pattern, free_positions, patterns, required_tones,
                                   rhyme_positions)
from tangshi.prosody.report import Issue, LineReport, Report

__all__ = ["check", "Report", "Issue", "LineReport", "Form", "FORMS", "FORM_BY_NAME", "Pattern", "patterns",
           "required_tones", "free_positions", "rhyme_positions", "VocabProsody", "ConstraintState"]


def __getattr__(name: str):
    if name in ("VocabProsody", "ConstraintState"):
        from tangshi.prosody import constraints

        return getattr(constraints, name)
    raise AttributeError(f"module 'tangshi.prosody' has no attribute {name!r}")
