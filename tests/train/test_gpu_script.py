"""The prepared GPU run (scripts/gpu_train.sh) works end to end on the CPU at a toy size."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_gpu_script_trains_and_ships_a_tang_song_rule_aware_poet(fixture_home: Path, tmp_path: Path,
                                                                     monkeypatch) -> None:
    from tangshi.cli import main
    from tangshi.poet import Poet
    from tangshi.prosody import check

    home = tmp_path / "home"
    shutil.copytree(fixture_home, home)
    env = {**os.environ, "TANGSHI_HOME": str(home), "OUT": str(tmp_path / "out"), "OMP_NUM_THREADS": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    monkeypatch.setenv("TANGSHI_HOME", str(home))
    assert main(["corpus", "build", "--song"]) == 0
    proc = subprocess.run(["bash", "scripts/gpu_train.sh", "--device", "cpu", "--steps", "4", "--emb", "32",
                           "--hidden", "32", "--layers", "2", "--batch-size", "16"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    poet = Poet.load(tmp_path / "out" / "model")
    assert poet.model.cfg.rule_inputs and poet.model.cfg.n_dynasties == 2
    assert check(poet.write(form="五绝", dynasty="宋", seed=2)[0].text).ok
    assert (tmp_path / "out" / "log.jsonl").is_file() and "唐" in (tmp_path / "out" / "env.txt").read_text()
