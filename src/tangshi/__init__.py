"""tangshi: write and check Tang-style regulated poems with recurrent neural networks."""
from __future__ import annotations

__version__ = "0.1.0"

