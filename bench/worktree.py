"""A commit of this repository checked out beside the working tree, for old-beside-new benchmarks."""
from __future__ import annotations

import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def checkout(commit: str) -> Iterator[Path]:
    """A temporary git worktree at ``commit`` (its ``src`` goes first on PYTHONPATH); removed after."""
    with tempfile.TemporaryDirectory(prefix="tangshi-prev-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit], check=True,
                       capture_output=True)
        try:
            yield tree
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)
