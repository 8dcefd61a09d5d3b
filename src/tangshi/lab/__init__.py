"""Diagnostics for learners: see, on small synthetic problems, what the tutorial says.

* :mod:`tangshi.lab.gradients` — ||dL/dh(t)|| through time for RNN, LSTM and GRU
  (the vanishing gradient), and gradient clipping on an RNN made to explode;
* :mod:`tangshi.lab.long_range` — the cat/cats agreement task: accuracy against
  the distance between the marker and the word that must agree with it.

Computation lives in those modules and returns plain dicts; :mod:`tangshi.lab.plots`
draws them, :mod:`tangshi.lab.report` prints them, :mod:`tangshi.cli.lab` wires the
``tangshi lab`` command. Everything is synthetic and offline; nothing here reads the corpus.
"""
from __future__ import annotations

import contextlib
from typing import Iterator


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run the block on one torch thread, then restore the caller's setting.

    The experiments' figures are sums of floats; with more threads the order of those sums
    changes, and so does the last digit of every loss. One thread makes each experiment give
    the same numbers on every machine and under any ``OMP_NUM_THREADS`` (they are small: a
    second thread would not make them faster anyway).
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)

