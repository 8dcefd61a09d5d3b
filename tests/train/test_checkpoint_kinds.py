"""Checkpoint kinds: the poet's is built in, the judge registers its own (tangshi.judge), so that
tangshi.checkpoint imports no judge and the two modules form no circle; and no module below the
command line imports it."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import tangshi
from tangshi import checkpoint
from tangshi.corpus.vocab import Vocab
from tangshi.errors import CheckpointError

SRC = Path(tangshi.__file__).parent


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_checkpoint_imports_no_judge() -> None:
    assert not any(m.startswith("tangshi.judge") for m in _imports(SRC / "checkpoint.py"))
    code = "import sys, tangshi.checkpoint; print('tangshi.judge' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


def test_nothing_below_the_command_line_imports_it() -> None:
    below = [p for p in SRC.rglob("*.py") if SRC / "cli" not in p.parents]
    offenders = {str(p.relative_to(SRC)): sorted(m for m in _imports(p) if m.split(".")[:2] == ["tangshi", "cli"])
                 for p in below}
    assert {k: v for k, v in offenders.items() if v} == {}


def _tiny_vocab() -> Vocab:
    return Vocab.from_json(checkpoint.read_header(Path(tangshi.__file__).parent / "models" / "judge")["vocab"])


def test_a_judge_round_trips_as_a_judge(tmp_path: Path) -> None:
    from tangshi.judge import Judge, JudgeConfig, JudgeModel

    vocab = _tiny_vocab()
    model = JudgeModel(JudgeConfig(vocab_size=len(vocab), emb=8, hidden=8))
    checkpoint.save(tmp_path / "j", model, vocab, {"step": 0})
    assert checkpoint.read_header(tmp_path / "j")["kind"] == "judge"
    loaded, _, _ = checkpoint.load(tmp_path / "j")
    assert type(loaded) is JudgeModel
    assert all(torch.equal(a, b) for a, b in zip(loaded.state_dict().values(), model.state_dict().values()))
    assert isinstance(Judge.load(tmp_path / "j").model, JudgeModel)
    from tangshi.poet import Poet

    with pytest.raises(CheckpointError, match="holds a judge, not a poet"):  # the judge's kind is registered now
        Poet.load(tmp_path / "j")


def test_an_unknown_kind_is_one_clear_error(tmp_path: Path) -> None:
    import json
    import shutil

    from tangshi.poet import DEFAULT_MODEL

    shutil.copytree(DEFAULT_MODEL, tmp_path / "m")
    header = json.loads((tmp_path / "m" / "model.json").read_text("utf-8"))
    (tmp_path / "m" / "model.json").write_text(json.dumps({**header, "kind": "transformer"}), "utf-8")
    with pytest.raises(CheckpointError, match="holds a 'transformer'; this reader takes: poet"):
        checkpoint.load(tmp_path / "m")
