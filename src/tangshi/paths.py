"""Where tangshi keeps its data: ``$TANGSHI_HOME`` (default ``~/.cache/tangshi``)."""
from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """The data directory; it is created on first write, not here."""
    env = os.environ.get("TANGSHI_HOME")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "tangshi"


def raw_dir(root: Path | None = None) -> Path:
    """The fetched, unprocessed corpus files."""
    return (root or home()) / "raw"


def dataset_path(root: Path | None = None) -> Path:
    """The built, versioned data set (see :mod:`tangshi.corpus.build`)."""
    return (root or home()) / "dataset.json.gz"
