"""Corrupt checkpoints: every fault is one line naming the file and the fault, exit code 2.

Each case corrupts a copy of the tiny fixture checkpoint one way; ``plain`` cases also drop the
header's checksum, so that the fault reaches the parser and not only the SHA-256 comparison.
"""
from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
import torch

from tangshi import checkpoint
from tangshi.cli import main
from tangshi.errors import CheckpointError


def _weights(d: Path) -> Path:
    return d / "model.safetensors"


def _header(d: Path) -> dict:
    return json.loads((d / "model.json").read_text("utf-8"))


def _set_header(d: Path, **changes) -> None:
    (d / "model.json").write_text(json.dumps({**_header(d), **changes}, ensure_ascii=False), "utf-8")


def _set_model(d: Path, **changes) -> None:
    h = _header(d)
    _set_header(d, model={**h["model"], **changes})


def _truncate(d: Path) -> None:
    data = _weights(d).read_bytes()
    _weights(d).write_bytes(data[: len(data) // 2])


def _flip_header(d: Path) -> None:
    data = bytearray(_weights(d).read_bytes())
    for i in range(9, 40):  # inside the JSON header that follows the 8-byte length
        data[i] ^= 0x5A
    _weights(d).write_bytes(bytes(data))


def _huge_header(d: Path) -> None:
    data = _weights(d).read_bytes()
    _weights(d).write_bytes(struct.pack("<Q", 2**62) + data[8:])


def _pickle(d: Path) -> None:
    torch.save({"weights": torch.zeros(3)}, _weights(d))  # a pickle, renamed


def _flip_tensor_bytes(d: Path) -> None:
    data = bytearray(_weights(d).read_bytes())
    mid = len(data) // 2
    for i in range(mid, mid + 4096):
        data[i] ^= 0xFF
    _weights(d).write_bytes(bytes(data))


def _nan_weights(d: Path) -> None:
    model, vocab, header = checkpoint.load(d)
    with torch.no_grad():
        for p in model.parameters():
            p.fill_(float("nan"))
    meta = {k: v for k, v in header.items() if k not in ("format", "version", "model", "vocab", "weights_sha256")}
    checkpoint.save(d, model, vocab, meta)  # a valid file, with a valid checksum, of NaNs


def _drop_tensor(name: str) -> Callable[[Path], None]:
    def drop(d: Path) -> None:
        from safetensors.torch import load_file, save_file

        tensors = load_file(str(_weights(d)))
        del tensors[name]
        save_file(tensors, str(_weights(d)), metadata={"format": "pt"})
    return drop


def _no_checksum(fn: Callable[[Path], None]) -> Callable[[Path], None]:
    def both(d: Path) -> None:
        h = _header(d)
        h.pop("weights_sha256")
        (d / "model.json").write_text(json.dumps(h, ensure_ascii=False), "utf-8")
        fn(d)
    return both


CASES = {
    "truncated": (_truncate, "SHA-256 differs"),
    "truncated, plain": (_no_checksum(_truncate), "cannot read"),
    "empty": (lambda d: _weights(d).write_bytes(b""), "SHA-256 differs"),
    "empty, plain": (_no_checksum(lambda d: _weights(d).write_bytes(b"")), "cannot read"),
    "flipped header, plain": (_no_checksum(_flip_header), "cannot read"),
    "huge header, plain": (_no_checksum(_huge_header), "cannot read"),
    "pickle renamed, plain": (_no_checksum(_pickle), "cannot read"),
    "4 KB of flipped tensor bytes": (_flip_tensor_bytes, "SHA-256 differs"),
    "all-NaN weights": (_nan_weights, "not finite"),
    "missing weights": (lambda d: _weights(d).unlink(), "has no model.safetensors"),
    "model.json is a list": (lambda d: (d / "model.json").write_text("[1, 2, 3]"), "expected a JSON object"),
    "model.json is not JSON": (lambda d: (d / "model.json").write_text("{oops"), "corrupt checkpoint"),
    "hidden is a string": (lambda d: _set_model(d, hidden="512"), "hidden must be an integer"),
    "hidden is negative": (lambda d: _set_model(d, hidden=-5), "hidden must be an integer in 1..8192"),
    "hidden is a million": (lambda d: _set_model(d, hidden=10**6), "hidden must be an integer in 1..8192"),
    "size mismatch": (lambda d: _set_model(d, hidden=32), "has shape"),
    "no model config": (lambda d: _set_header(d, model=None), "bad header"),
    "model config missing": (lambda d: (d / "model.json").write_text(json.dumps(
        {k: v for k, v in _header(d).items() if k != "model"})), "no 'model'"),
    "vocabulary broken": (lambda d: _set_header(d, vocab={**_header(d)["vocab"], "chars": "abc"}), "vocabulary"),
    "a tensor missing, plain": (_no_checksum(_drop_tensor("out_bias")), "does not fit its PoemModel: it lacks"
                                " 'out_bias'"),
    "other format version": (lambda d: _set_header(d, version=99), "v99"),
}


@pytest.fixture
def corrupt(tiny_model: Path, tmp_path: Path):
    def make(case: str) -> Path:
        d = tmp_path / "ck"
        shutil.copytree(tiny_model, d)
        CASES[case][0](d)
        return d
    return make


@pytest.mark.parametrize("case", CASES)
def test_a_corrupt_checkpoint_is_one_clear_error(case: str, corrupt, capsys) -> None:
    d = corrupt(case)
    needle = CASES[case][1]
    with pytest.raises(CheckpointError, match=needle.replace("(", r"\(")) as err:
        checkpoint.load(d)
    assert str(d) in str(err.value)
    assert main(["write", "--model", str(d), "--form", "五绝", "--seed", "1"]) == 2
    out, stderr = capsys.readouterr()
    lines = stderr.strip().splitlines()
    assert out == "" and len(lines) == 1 and lines[0].startswith("tangshi: error: ") and str(d) in lines[0], stderr


def test_the_checksum_is_written_and_verified(tiny_model: Path) -> None:
    header = _header(tiny_model)
    assert header["weights_sha256"] == checkpoint.sha256(_weights(tiny_model))
    checkpoint.load(tiny_model)  # the intact one loads


def test_the_shipped_model_carries_its_checksum() -> None:
    from tangshi.poet import DEFAULT_MODEL

    assert _header(DEFAULT_MODEL)["weights_sha256"] == checkpoint.sha256(_weights(DEFAULT_MODEL))


def test_loading_builds_the_shape_check_without_initialising(tiny_model: Path) -> None:
    """The meta-device shape check skips torch's initialisers (meta ``normal_`` imports torch._dynamo,
    2 s of a cold start), and leaves them as they were."""
    code = ("import sys, torch; from tangshi import checkpoint; before = torch.nn.init.normal_;"
            f" checkpoint.load({str(tiny_model)!r}); assert torch.nn.init.normal_ is before;"
            " print('torch._dynamo' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
