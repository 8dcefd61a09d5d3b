"""tangshi.rhymebook: the rhyme book — a 平水韵 group's characters as the Tang poets rhymed them, and a
character's readings with lines of real poems that show each; torch-free.

>>> from tangshi.rhymebook import lookup
>>> lookup("东")["group"]["name"]
'一东'
>>> [r["class"] for r in lookup("看")["readings"]]
['平', '仄']

The data is counted from 全唐诗 by ``scripts/build_rhymebook.py``; :mod:`.book` reads it and answers,
:mod:`.groups` reads the names writers give the 106 groups.
"""
from __future__ import annotations

from tangshi.rhymebook.book import KINDS, Book, RhymeBookError, load, lookup
from tangshi.rhymebook.groups import find_group

__all__ = ["lookup", "load", "Book", "KINDS", "RhymeBookError", "find_group"]
