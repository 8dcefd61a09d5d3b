"""What every chapter of the course shares: where its poems come from, and one thread.

The chapters run on the small real-poem fixture that tangshi's tests use (a few hundred
poems of 全唐诗 from chinese-poetry@2.0.1, MIT, committed under tests/fixtures), built into a
private ``TANGSHI_HOME`` the first time, so a chapter needs no download and gives the same
numbers everywhere. Set ``COURSE_CORPUS=real`` to run the data chapters on your own
``tangshi corpus build`` instead (slower, and the figures are then yours).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]  # the repository
FIXTURE = ROOT / "tests" / "fixtures" / "corpus"

torch.set_num_threads(1)  # the chapters' numbers do not depend on the machine's thread count


def corpus_home() -> Path | None:
    """The ``TANGSHI_HOME`` to read poems from: the fixture's build (made once, in the temp
    directory), or None — tangshi's own default — with ``COURSE_CORPUS=real``."""
    if os.environ.get("COURSE_CORPUS") == "real":
        return None
    from tangshi import paths
    from tangshi.corpus.build import build
    from tangshi.corpus.fetch import fetch

    home = Path(tempfile.gettempdir()) / "tangshi-course-home"
    if not paths.dataset_path(home).is_file():
        fetch(paths.raw_dir(home), FIXTURE)
        build(home)
    return home


def show(fig) -> None:  # type: ignore[no-untyped-def]
    """Display a figure in a notebook; as a script, just close it (there is no screen)."""
    import matplotlib.pyplot as plt

    try:
        from IPython import get_ipython

        if get_ipython() is not None:
            from IPython.display import display

            display(fig)
    except ImportError:
        pass
    plt.close(fig)


def show_png(path: Path) -> Path:
    """Display a PNG that a tangshi command wrote (in a notebook); return its path."""
    try:
        from IPython import get_ipython

        if get_ipython() is not None:
            from IPython.display import Image, display

            display(Image(filename=str(path)))
    except ImportError:
        pass
    return Path(path)


def scratch(name: str) -> Path:
    """A fresh directory for a chapter's files (figures, a training run), under the temp directory."""
    import shutil

    path = Path(tempfile.gettempdir()) / "tangshi-course" / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path
