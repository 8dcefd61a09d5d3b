"""tangshi.prosody: the 平水韵 lexicon and the regulated-verse checker — the rulebook, torch-free.

>>> from tangshi.prosody import check
>>> check("白日依山尽，黄河入海流。欲穷千里目，更上一层楼。").ok
True

The same rules as batched tensor masks for the decoder live in :mod:`tangshi.masks`.
"""
from __future__ import annotations

from tangshi.prosody.checker import check
from tangshi.prosody.forms import (FORM_BY_NAME, FORMS, Form, Pattern, free_positions, patterns, required_tones,
                                   rhyme_positions)
from tangshi.prosody.report import Issue, LineReport, Report

__all__ = ["check", "Report", "Issue", "LineReport", "Form", "FORMS", "FORM_BY_NAME", "Pattern", "patterns",
           "required_tones", "free_positions", "rhyme_positions"]

