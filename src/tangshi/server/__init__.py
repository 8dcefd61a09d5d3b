"""tangshi.server: the poet and the checker over HTTP, with a web page (``tangshi serve``).

>>> from tangshi.poet import Poet
>>> from tangshi.server import create_app
>>> app = create_app(Poet.load())  # serve it with uvicorn

The package needs the ``fastapi`` and ``uvicorn`` dependencies; nothing else in tangshi imports it.
"""
from __future__ import annotations

from tangshi.server.app import create_app

__all__ = ["create_app"]
