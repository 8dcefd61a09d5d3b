"""``tangshi lab`` on the command line: writes a PNG, prints a table or JSON, rejects bad flags."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tangshi.cli import main
from tangshi.lab import gradients

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture()
def small_clip(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shrink the clipping experiment so the CLI test is fast; the flags under test are unchanged."""
    real = gradients.clipping_run
    monkeypatch.setattr(gradients, "clipping_run",
                        lambda seed=0: real(gradients.ClipConfig(steps=5, hidden=16, length=10), seed))


def test_gradients_writes_png_and_json(tmp_path: Path, capsys, small_clip) -> None:
    out = tmp_path / "g.png"
    code = main(["lab", "gradients", "--out", str(out), "--json", "--length", "8", "--hidden", "8"])
    assert code == 0
    assert out.read_bytes()[:8] == PNG_MAGIC
    data = json.loads(capsys.readouterr().out)
    assert set(data["gradient_norms"]["norms"]) == {k for k, _, _ in gradients.VARIANTS}
    assert len(data["gradient_norms"]["norms"]["rnn"]) == 8
    assert len(data["clipping"]["runs"]["clip"]["loss"]) == 5


def test_gradients_prints_a_table(tmp_path: Path, capsys, small_clip) -> None:
    out = tmp_path / "g.png"
    assert main(["lab", "gradients", "--out", str(out), "--length", "6", "--hidden", "8"]) == 0
    text = capsys.readouterr().out
    assert "Elman RNN" in text and "decay/step" in text and "clip to" in text


def test_long_range_writes_png_and_json(tmp_path: Path, capsys) -> None:
    out = tmp_path / "lr.png"
    code = main(["lab", "long-range", "--out", str(out), "--json", "--distances", "1,2", "--steps", "5"])
    assert code == 0
    assert out.read_bytes()[:8] == PNG_MAGIC
    data = json.loads(capsys.readouterr().out)
    assert data["distances"] == [1, 2]
    assert set(data["accuracy"]) == {"rnn", "lstm", "gru"}
    assert all(0.0 <= a <= 1.0 for accs in data["accuracy"].values() for a in accs)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["lab", "long-range", "--distances", "1,x"], "'x' is not a positive integer"),
        (["lab", "long-range", "--distances", "0"], "'0' is not a positive integer"),
        (["lab", "long-range", "--steps", "0"], "--steps must be at least 1"),
        (["lab", "gradients", "--length", "1"], "--length must be at least 2"),
        (["lab", "gradients", "--out", "g.jpg"], "--out must name a .png file"),
    ],
)
def test_user_mistakes_are_one_line_exit_2(argv: list[str], message: str, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
