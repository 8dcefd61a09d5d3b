"""The ``tangshi`` command: the entry point (:mod:`tangshi.cli.main`) and one module per subcommand.

``corpus``, ``check``, ``train``, ``write``, ``eval``, ``lab``, ``serve``: each module registers its
parser and handles it; the flags of ``write`` and ``train`` are derived from the request's and
the configs' dataclasses. This is the top of the flow (corpus → model → train → checkpoint →
decoding → cli/server): a module here may import anything, and nothing below imports it.
"""
from __future__ import annotations

from tangshi.cli.main import COMMANDS, build_parser, main

__all__ = ["COMMANDS", "build_parser", "main"]
