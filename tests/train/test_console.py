"""What ``tangshi train`` tells the console: a line every ``--log-every`` steps (with or without a
terminal), and no warning about a dropout the user never set."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from tangshi.model import ModelConfig, PoemModel

TINY = ["--emb", "16", "--hidden", "16", "--enc-hidden", "8", "--batch-size", "8", "--threads", "1"]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_one_layer_builds_without_a_dropout_warning(cell: str) -> None:
    """The between-layer dropout of one layer does nothing: it is not passed (torch would warn), while
    the dropout on embeddings and outputs stays."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = PoemModel(ModelConfig(vocab_size=50, cell=cell, emb=8, hidden=8, enc_hidden=4, layers=1, dropout=0.3))
    assert model.decoder.dropout == 0.0 and model.drop.p == 0.3
    assert PoemModel(ModelConfig(vocab_size=50, cell=cell, emb=8, hidden=8, enc_hidden=4, layers=2,
                                 dropout=0.3)).decoder.dropout == 0.3


def test_train_logs_every_n_steps_to_the_console(home_copy: Path, tmp_path: Path) -> None:
    """Without a terminal (no progress bar), --log-every 2 over 4 steps prints steps 2 and 4 and the
    evaluation, on stderr; stdout keeps the summary and the final JSON; no warning for 1 layer."""
    env = {**os.environ, "PYTHONUTF8": "1", "OMP_NUM_THREADS": "1"}
    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "tangshi.cli", "train", "--out", str(out), "--layers", "1",
                           "--steps", "4", "--log-every", "2", "--eval-every", "4", "--precision", "fp32", *TINY],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert [ln.split()[:3] for ln in lines if ln.startswith("step ")] == [
        ["step", "2", "train"], ["step", "4", "train"], ["step", "4", "valid"]], proc.stderr
    assert "Warning" not in proc.stderr and "dropout" not in proc.stderr, proc.stderr
    logged = [json.loads(ln) for ln in (out / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in logged if r.get("event") == "train"] == [2, 4]  # the same cadence as the file
    assert json.loads(proc.stdout.strip().splitlines()[-1])["step"] == 4
