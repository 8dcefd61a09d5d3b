"""A model's own repetition penalties: shipped in its header, read by the decoder, checked on load."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tangshi.decoding import REPEAT_PENALTY, model_penalties
from tangshi.errors import CheckpointError

ROOT = Path(__file__).resolve().parents[2]


def test_a_header_without_penalties_keeps_the_table() -> None:
    assert model_penalties({}) == REPEAT_PENALTY
    own = {"decoding": {"repeat_penalty": {"七言绝句": 2.5}}}
    assert model_penalties(own) == REPEAT_PENALTY | {"七言绝句": 2.5}


@pytest.mark.parametrize("bad", [{"六言绝句": 2.0}, {"七言绝句": -1.0}, {"七言绝句": 99.0},
                                 {"七言绝句": "2"}, {"七言绝句": True}, ["七言绝句", 2.0]])
def test_a_bad_penalty_in_a_header_is_one_clear_error(bad) -> None:
    with pytest.raises(CheckpointError, match="decoding.repeat_penalty"):
        model_penalties({"decoding": {"repeat_penalty": bad}})


def _with_penalties(src: Path, dst: Path, penalties: dict) -> Path:
    shutil.copytree(src, dst)
    header = json.loads((dst / "model.json").read_text("utf-8"))
    header["decoding"] = {"repeat_penalty": penalties}
    (dst / "model.json").write_text(json.dumps(header, ensure_ascii=False), "utf-8")
    return dst


def test_the_decoder_writes_with_the_models_own_penalty(tiny_model: Path, tmp_path: Path) -> None:
    """A model whose header says 五绝 10 nats writes what an explicit 10-nat request writes, and no
    character twice; its other forms write as the plain model does."""
    from tangshi.poet import Poet

    plain = Poet.load(tiny_model)
    own = Poet.load(_with_penalties(tiny_model, tmp_path / "own", {"五言绝句": 10.0}))
    assert own.decoder.penalties["五言绝句"] == 10.0
    assert own.decoder.penalties["七言律诗"] == REPEAT_PENALTY["七言律诗"]
    for seed in range(3):
        mine = own.write(form="五绝", title="山中", seed=seed)[0]
        asked = plain.write(form="五绝", title="山中", seed=seed, repeat_penalty=10.0)[0]
        assert mine.text == asked.text
        body = [c for line in mine.lines for c in line]
        assert len(set(body)) == len(body)
        assert own.write(form="七律", title="秋夜", seed=seed)[0].text == plain.write(form="七律", title="秋夜",
                                                                                   seed=seed)[0].text


def test_ship_model_writes_the_penalties_and_refuses_bad_ones(tiny_model: Path, tmp_path: Path) -> None:
    script = [sys.executable, str(ROOT / "scripts" / "ship_model.py"), str(tiny_model)]
    ok = subprocess.run(script + ["--out", str(tmp_path / "m"), "--repeat-penalty", "七绝=2.5",
                                  "--repeat-penalty", "五言律诗=3"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    header = json.loads((tmp_path / "m" / "model.json").read_text("utf-8"))
    assert header["decoding"] == {"repeat_penalty": {"七言绝句": 2.5, "五言律诗": 3.0}}
    for bad in ("六绝=2", "七绝=99", "七绝"):
        run = subprocess.run(script + ["--out", str(tmp_path / "bad"), "--repeat-penalty", bad],
                             capture_output=True, text=True)
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
        assert not (tmp_path / "bad").exists()
