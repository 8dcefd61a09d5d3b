"""A run killed at any instant resumes to the uninterrupted run's weights and ``best``, bit for bit.

tests/train/kill_runs.py kills a six-step run (three evaluations, each a new ``best``, with
``--keep-last 1`` so old checkpoints are deleted too) with SIGKILL before and after each of its
renames, resumes it, and compares — once with the atomic exchange of directories, once with the
two-rename fallback whose leftovers the next start restores.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).with_name("kill_runs.py")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the sweep forks one child per run")
@pytest.mark.parametrize("mode", ["exchange", "fallback"])
def test_a_kill_at_every_rename_resumes_bit_for_bit(fixture_home: Path, tmp_path: Path, mode: str) -> None:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, str(RUNNER), str(fixture_home), str(tmp_path), mode],
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert result["evals"] == [2, 4, 6] and result["best_step"] == 6  # best was replaced twice
    kills = result["kills"]
    assert len(kills) >= 40  # every rename of the run, before and after
    for k in kills:
        assert k["rc"] == -9, k  # the kill hit
        assert k["resume_rc"] == 0 and k["final"] == result["reference_final"], k
        assert k["final_diff"] == [] and k["best_diff"] == [], k  # bit for bit
        assert k["leftovers"] == [], k  # staging, trash and old directories cleaned
        assert k["resume_marked"], k
