"""Every mask and bias of the decoder, one file each (:class:`tangshi.decoding.processor.Processor`).

Each module here sets ``PROCESSOR`` to its class; :func:`chain` finds them all and orders them by
their ``order``: the rules (10), the repetition guard and penalty (20), the 对句相救 rescue (30), the
对仗 bias (40), the mood bias (50), the setting bias (60), the plan (70), the stock pairs (80). A new
bias is a new file here.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache


@lru_cache(maxsize=1)
def chain() -> tuple[type, ...]:
    """The processor classes of this package, in their order."""
    classes = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        assert hasattr(module, "PROCESSOR"), f"{module.__name__} sets no PROCESSOR"
        classes.append(module.PROCESSOR)
    orders = [c.order for c in classes]
    assert len(set(orders)) == len(orders), f"two processors share an order: {orders}"
    return tuple(sorted(classes, key=lambda c: c.order))
