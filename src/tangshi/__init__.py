"""tangshi: write and check Tang-style regulated poems with recurrent neural networks.

>>> from tangshi import Poet, check
>>> poems = Poet.load().write(form="七律", title="秋夜", seed=1)
>>> check("白日依山尽，黄河入海流。欲穷千里目，更上一层楼。").ok
True

The public names are imported on first use, so that ``import tangshi`` stays light and
``tangshi.check`` never imports torch (only :class:`Poet` and what it needs do).
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_PUBLIC = {
    "Poet": "tangshi.poet",
    "Poem": "tangshi.poet",
    "WriteRequest": "tangshi.request",
    "check": "tangshi.prosody.checker",
    "Report": "tangshi.prosody.report",
    "TangshiError": "tangshi.errors",
    "InputError": "tangshi.errors",
    "CheckpointError": "tangshi.errors",
    "CorpusError": "tangshi.errors",
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value  # the next lookup is a plain attribute
        return value
    raise AttributeError(f"module 'tangshi' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
