"""``tangshi lab tune`` on the fixture corpus: the learning-rate lessons its picture teaches hold."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tangshi.cli import main
from tangshi.lab import charlm, tune

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result(fixture_home: Path) -> dict:
    cfg = tune.TuneConfig(lrs=(1e-4, 1e-2, 1.0), steps=120, eval_every=20, valid=50)
    return tune.run(cfg, home=fixture_home)


def test_too_high_diverges_and_the_guard_stops_it(result: dict) -> None:
    r = result["runs"]["1"]
    assert r["diverged_at"] is not None and r["diverged_at"] <= 10  # within a few steps
    last = r["train_loss"][-1]
    assert not math.isfinite(last) or last > result["chance"] + 1.0  # what tripped the guard
    assert result["advice"]["diverged"] == ["1"]


def test_too_low_is_slow(result: dict) -> None:
    slow, good = result["runs"]["0.0001"], result["runs"]["0.01"]
    assert slow["diverged_at"] is None
    assert slow["final_valid"] > good["best_valid"] + 0.5  # after all its steps, far behind
    assert result["advice"]["too_low"] == ["0.0001"] and result["advice"]["best_lr"] == 0.01


def test_more_iterations_stop_helping_on_a_small_slice(result: dict) -> None:
    good = result["runs"]["0.01"]
    assert good["best_step"] < 120  # the best validation loss came before the last iteration
    assert good["final_valid"] > good["best_valid"] + 0.1  # and it rose again: memorising
    assert sum(good["train_loss"][-10:]) / 10 < good["best_valid"] - 1.0  # while the training loss fell on
    a = result["advice"]
    assert a["overfits"] and a["enough_steps"] <= good["best_step"]


def test_cell_names_match_the_layers() -> None:
    from tangshi.cli.lab import CELL_TYPES
    from tangshi.nn import LAYERS

    assert CELL_TYPES == tuple(LAYERS)


def test_same_start_for_every_rate(result: dict) -> None:
    starts = {r["valid"][0][1] for r in result["runs"].values()}
    assert len(starts) == 1  # same initial weights: the rates alone differ


def test_sampling_feeds_the_model_its_own_output(fixture_home: Path) -> None:
    import torch

    data = charlm.poem_slice(50, 5, fixture_home)
    torch.manual_seed(0)
    model = charlm.CharLM(len(data.vocab), 16, 32)
    a = charlm.sample(model, data.vocab, 3, seed=1, max_len=20)
    assert a == charlm.sample(model, data.vocab, 3, seed=1, max_len=20)  # seeded
    assert all(0 < len(s) <= 20 and "\n" not in s and "□" not in s for s in a)
    assert charlm.body(("床前明月光", "疑是地上霜")) == "床前明月光，疑是地上霜。"


def test_cli_writes_png_and_json(fixture_home: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TANGSHI_HOME", str(fixture_home))
    out = tmp_path / "t.png"
    assert main(["lab", "tune", "--out", str(out), "--json", "--lrs", "1,0.01", "--steps", "5", "--poems", "40"]) == 0
    assert out.read_bytes()[:8] == PNG_MAGIC
    data = json.loads(capsys.readouterr().out)
    assert set(data["runs"]) == {"1", "0.01"} and data["train_poems"] == 40
    assert main(["lab", "tune", "--out", str(out), "--lrs", "0.01", "--steps", "3", "--poems", "20"]) == 0
    assert "best learning rate: 0.01" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--lrs", "0.1,x"], "'x' is not a learning rate"),
    (["--lrs", "0"], "'0' is not a learning rate"),
    (["--lrs", "nan"], "'nan' is not a learning rate"),
    (["--lrs", ","], "--lrs needs 1 to 12"),
    (["--steps", "0"], "--steps must be an integer in 1..20000"),
    (["--poems", "100001"], "--poems must be an integer in 1..100000"),
    (["--cell", "tcn"], "unknown --cell 'tcn'; choose one of: rnn, lstm, gru"),
    (["--out", "t.svg"], "--out must name a .png file"),
])
def test_user_mistakes_are_one_line_exit_2(argv: list[str], message: str, capsys) -> None:
    assert main(["lab", "tune", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_without_a_corpus_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TANGSHI_HOME", str(tmp_path / "empty"))
    assert main(["lab", "tune", "--out", str(tmp_path / "t.png"), "--steps", "1"]) == 2
    err = capsys.readouterr().err
    assert "tangshi corpus build" in err and err.count("\n") == 1
