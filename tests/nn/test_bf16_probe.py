"""The bf16 probe (tangshi.nn.fused.cpu_runs_bf16) against torch.nn.LSTM itself, natively and on a
CPU without bf16 emulated by ``ONEDNN_MAX_CPU_ISA=AVX2`` (oneDNN then has no bf16 LSTM, as on an
AVX2-only laptop); and ``tangshi train --precision bf16`` there: one line, exit 2."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tangshi.nn.fused import cpu_runs_bf16

AVX2 = {**os.environ, "ONEDNN_MAX_CPU_ISA": "AVX2", "PYTHONUTF8": "1", "OMP_NUM_THREADS": "1"}


# torch.nn.LSTM under bf16 autocast: prints True where it runs, False where oneDNN refuses it
TORCH_LSTM = """
import torch
lstm = torch.nn.LSTM(4, 4, batch_first=True)
try:
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out, _ = lstm(torch.randn(2, 3, 4))  # (B, T, H)
    print(out.dtype == torch.bfloat16)
except RuntimeError as err:
    assert "primitive descriptor" in str(err), err  # oneDNN's refusal, not another fault
    print(False)
"""


def _python(code: str, env: dict) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_the_probe_agrees_with_torch_here() -> None:
    assert _python(TORCH_LSTM, {**os.environ, "OMP_NUM_THREADS": "1"}) == str(cpu_runs_bf16())


def test_without_avx512_the_probe_says_no_and_torch_fails() -> None:
    assert _python(TORCH_LSTM, AVX2) == "False"
    assert _python("from tangshi.nn.fused import cpu_runs_bf16; print(cpu_runs_bf16())", AVX2) == "False"


def test_auto_falls_back_to_fp32_and_bf16_is_refused_without_it() -> None:
    code = ("import torch; from tangshi.train import autocast_dtype as a; from tangshi.errors import InputError\n"
            "print(a('auto', torch.device('cpu')), a('fp32', torch.device('cpu')))\n"
            "try: a('bf16', torch.device('cpu'))\n"
            "except InputError as e: print(e.field)")
    assert _python(code, AVX2).splitlines() == ["torch.float32 torch.float32", "precision"]


def test_train_bf16_without_it_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {**AVX2, "TANGSHI_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, "-m", "tangshi.cli", "train", "--precision", "bf16", "--out",
                           str(tmp_path / "run")], capture_output=True, text=True, env=env, timeout=120)
    err = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(err) == 1 and err[0].startswith("tangshi: error: --precision bf16: this CPU cannot"), err
    assert "auto (fp32 here), fp32" in err[0]
    assert not (tmp_path / "run").exists()  # refused before anything was read or written
