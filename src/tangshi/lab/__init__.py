"""Diagnostics for learners: see, on small synthetic problems, what the tutorial says.

* :mod:`tangshi.lab.gradients` — ||dL/dh(t)|| through time for RNN, LSTM and GRU
  (the vanishing gradient), and gradient clipping on an RNN made to explode;
* :mod:`tangshi.lab.long_range` — the cat/cats agreement task: accuracy against
  the distance between the marker and the word that must agree with it.

Computation lives in those modules and returns plain dicts; :mod:`tangshi.lab.plots`
draws them, :mod:`tangshi.lab.report` prints them, :mod:`tangshi.lab.cli` wires the
``tangshi lab`` command. Everything is synthetic and offline; nothing here reads the corpus.
"""
