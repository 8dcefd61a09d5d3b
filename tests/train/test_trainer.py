"""The trainer: dry runs per cell, exact resume, the NaN guard, checkpoint errors."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
import torch

from tangshi import checkpoint
from tangshi.cli import main
from tangshi.corpus.build import load_dataset
from tangshi.data import encode_poems
from tangshi.model import ModelConfig, PoemModel
from tangshi.train import TrainConfig, Trainer

TINY = dict(emb=32, hidden=48, enc_hidden=16, layers=2)
TINY_FLAGS = ["--emb", "32", "--hidden", "48", "--enc-hidden", "16"]


def make_trainer(home: Path, out: Path, log=None, cell: str = "lstm", dropout: float = 0.2, **overrides) -> Trainer:
    ds = load_dataset(home)
    cfg = TrainConfig(**{"out": str(out), "steps": 6, "batch_size": 16, "eval_every": 3, "log_every": 1,
                         "precision": "fp32", "device": "cpu", "warmup": 2, **overrides})
    torch.manual_seed(cfg.seed)
    model = PoemModel(ModelConfig(vocab_size=len(ds.vocab), cell=cell, dropout=dropout, **TINY))
    train = encode_poems(ds.split("train")[:96], ds.vocab, cfg.max_len)
    valid = encode_poems(ds.split("valid"), ds.vocab, cfg.max_len)
    return Trainer(model, ds.vocab, train, valid, cfg, log)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_dry_run_trains_and_writes_a_loadable_checkpoint(cell: str, home_copy: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["train", "--dry-run", "--cell", cell, *TINY_FLAGS, "--out", str(out)]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["step"] == 2 and math.isfinite(result["valid_loss"])
    model, vocab, header = checkpoint.load(out / "best")
    assert model.cfg.cell == cell and header["step"] == 2
    assert vocab.chars == load_dataset().vocab.chars
    events = [json.loads(line)["event"] for line in (out / "log.jsonl").read_text().splitlines()]
    assert events.count("eval") == 1 and events.count("train") == 2


def test_loss_goes_down(fixture_home: Path, tmp_path: Path) -> None:
    t = make_trainer(fixture_home, tmp_path / "run", steps=30, eval_every=30, lr=1e-2, dropout=0.0)
    before = t.evaluate()["valid_loss"]
    after = t.fit()["valid_loss"]
    assert after < before - 0.5


def params(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


class Interrupt(Exception):
    pass


def test_interrupted_run_resumes_to_identical_parameters(fixture_home: Path, tmp_path: Path) -> None:
    a = make_trainer(fixture_home, tmp_path / "a")
    a.fit()
    expected = params(a.model)

    def crash_after_step_4(rec: dict) -> None:
        if rec.get("event") == "train" and rec["step"] == 4:
            raise Interrupt  # dies after the step-3 checkpoint, mid-way to step 6

    with pytest.raises(Interrupt):
        make_trainer(fixture_home, tmp_path / "b", crash_after_step_4).fit()
    assert sorted(p.name for p in (tmp_path / "b").glob("ckpt-*"))[-1] == "ckpt-0000003"
    b = make_trainer(fixture_home, tmp_path / "b")
    b.fit(resume=True)
    got = params(b.model)
    assert got.keys() == expected.keys()
    for k in expected:
        assert torch.allclose(got[k], expected[k], atol=1e-6, rtol=0), k


def test_nan_guard_skips_then_reloads_and_halves_lr(fixture_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    t = make_trainer(fixture_home, out, steps=8, eval_every=2, inject_nan=(4, 5, 6), bad_step_limit=3)
    result = t.fit()
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    skips = [r for r in log if r["event"] == "skip"]
    recovers = [r for r in log if r["event"] == "recover"]
    assert [r["step"] for r in skips] == [4, 5, 6]
    assert all(not math.isfinite(r["loss"]) for r in skips)
    assert len(recovers) == 1 and recovers[0]["lr_scale"] == 0.5
    assert recovers[0]["from"].endswith("ckpt-0000004") and recovers[0]["resume_step"] == 4
    assert result["step"] == 8 and result["recoveries"] == 1 and result["skipped"] == 3
    assert all(torch.isfinite(p).all() for p in t.model.parameters())
    train_lrs = [r["lr"] for r in log if r["event"] == "train" and r["step"] > 6]
    assert train_lrs and all(lr < t.cfg.lr * 0.5 + 1e-12 for lr in train_lrs)


def test_clip_bounds_the_update(fixture_home: Path, tmp_path: Path) -> None:
    t = make_trainer(fixture_home, tmp_path / "run", clip=1e-3, steps=1)
    before = params(t.model)
    r = t.train_step(list(range(16)))
    assert r["ok"] and r["grad_norm"] > 1e-3  # the logged norm is the pre-clip one
    moved = [(t.model.state_dict()[k] - v).abs().max() for k, v in before.items()]
    assert max(moved) > 0


def test_resume_without_checkpoint_is_a_clear_error(home_copy: Path, tmp_path: Path, capsys) -> None:
    assert main(["train", "--resume", *TINY_FLAGS, "--steps", "2", "--out", str(tmp_path / "none")]) == 2
    assert "no checkpoint" in capsys.readouterr().err


def test_resume_with_other_config_is_refused(home_copy: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["train", "--dry-run", *TINY_FLAGS, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["train", "--resume", "--emb", "32", "--hidden", "64", "--enc-hidden", "16",
                 "--steps", "4", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "config" in err


def test_checkpoint_of_another_format_version_is_refused(home_copy: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["train", "--dry-run", *TINY_FLAGS, "--out", str(out)]) == 0
    header = json.loads((out / "best" / "model.json").read_text())
    (out / "best" / "model.json").write_text(json.dumps({**header, "version": 99}))
    with pytest.raises(Exception, match="v99"):
        checkpoint.load(out / "best")


@pytest.mark.parametrize("flags,word", [
    (["--cell", "transformer"], "rnn, lstm, gru"),
    (["--device", "tpu"], "auto, cpu, cuda"),
    (["--precision", "fp8"], "auto, fp32, bf16"),
    (["--impl", "magic"], "fused, reference"),
    (["--init", "xavier"], "torch, orthogonal"),
])
def test_bad_choices_name_the_valid_ones(flags: list[str], word: str, home_copy: Path, tmp_path: Path, capsys) -> None:
    assert main(["train", "--dry-run", *flags, "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and word in err


def test_train_without_corpus_says_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("TANGSHI_HOME", str(tmp_path))
    assert main(["train", "--dry-run", "--out", str(tmp_path / "r")]) == 2
    assert "tangshi corpus build" in capsys.readouterr().err


def test_fresh_run_refuses_a_directory_with_checkpoints(home_copy: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["train", "--dry-run", *TINY_FLAGS, "--out", str(out)]) == 0
    before = sorted(p.name for p in out.iterdir())
    capsys.readouterr()
    assert main(["train", "--dry-run", *TINY_FLAGS, "--out", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == before


def test_weights_packed_into_one_buffer_save_and_load(tmp_path: Path) -> None:
    """On CUDA the recurrent weights are views of one cuDNN buffer; a checkpoint still saves.

    Simulated on CPU: every decoder weight is made a view into one flat buffer, which
    safetensors alone refuses to save ("None is covering the entire storage").
    """
    from collections import Counter

    from safetensors.torch import save_model

    from tangshi.corpus.vocab import Vocab

    torch.manual_seed(0)
    vocab = Vocab.from_counts(Counter("春眠不覺曉處處聞啼鳥"), min_count=1)
    model = PoemModel(ModelConfig(vocab_size=len(vocab), emb=8, hidden=8, enc_hidden=4))
    weights = list(model.decoder.parameters())
    flat = torch.cat([w.detach().flatten() for w in weights])
    offset = 0
    for w in weights:
        w.data = flat[offset:offset + w.numel()].view_as(w)
        offset += w.numel()
    with pytest.raises(RuntimeError, match="entire storage"):
        save_model(model, str(tmp_path / "plain.safetensors"))
    checkpoint.save(tmp_path / "ck", model, vocab, {"step": 1})
    loaded, _, _ = checkpoint.load(tmp_path / "ck")
    for (name, a), (_, b) in zip(model.state_dict().items(), loaded.state_dict().items()):
        assert torch.equal(a, b), name


def test_character_inputs_are_scaled_and_older_checkpoints_are_not() -> None:
    """E starts at std 1/√emb (tied output); entering the networks it is scaled back to std ≈ 1,
    so the form embedding (std 1) does not drown the characters. Old configs did not scale."""
    torch.manual_seed(0)
    cfg = ModelConfig(vocab_size=500)
    model = PoemModel(cfg).eval()
    ids = torch.randint(4, 500, (8, 20))
    with torch.no_grad():
        chars = model.embed_inputs(ids, torch.zeros(8, dtype=torch.long)) - model.form_embed.weight[0]
        assert 0.8 < float(chars.std()) < 1.2 and float(model.embed.weight.std()) < 0.1
    assert ModelConfig.from_dict(cfg.to_dict()).scale_inputs is True
    assert ModelConfig.from_dict({"vocab_size": 500}).scale_inputs is False


def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_each_checkpoint_counts_its_own_evaluation_toward_best(fixture_home: Path, tmp_path: Path) -> None:
    """ckpt-N's counters include step N's validation: resuming from it keeps the earlier best."""
    t = make_trainer(fixture_home, tmp_path / "run")
    t.c.step = 2
    t.save({"valid_loss": 5.0})
    t.c.step = 4
    t.save({"valid_loss": 6.0})  # worse: best stays step 2
    assert checkpoint.read_header(tmp_path / "run" / "best")["step"] == 2
    state = checkpoint.load_train_state(tmp_path / "run" / "ckpt-0000002")
    assert state["json"]["counters"]["best_valid"] == 5.0
    resumed = make_trainer(fixture_home, tmp_path / "run")
    resumed.restore(tmp_path / "run" / "ckpt-0000002")
    resumed.c.step = 4
    resumed.save({"valid_loss": 6.0})  # the replayed evaluation does not become best
    assert checkpoint.read_header(tmp_path / "run" / "best")["step"] == 2


def test_a_non_finite_validation_is_never_best_nor_a_recovery_point(fixture_home: Path, tmp_path: Path) -> None:
    t = make_trainer(fixture_home, tmp_path / "run")
    t.c.step = 2
    t.save({"valid_loss": 5.0})
    t.c.step = 4
    t.save({"valid_loss": float("inf")})
    assert checkpoint.read_header(tmp_path / "run" / "best")["step"] == 2
    assert t.c.last_good.endswith("ckpt-0000002") and t.c.best_valid == 5.0


def test_divergence_stops_after_the_allowed_recoveries(home_copy: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    rc = main(["train", *TINY_FLAGS, "--lr", "1e30", "--steps", "40", "--eval-every", "5", "--warmup", "1",
               "--precision", "fp32", "--max-recoveries", "3", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()  # the console log (tangshi.cli.train.console), then the error
    errors = [line for line in err if line.startswith("tangshi: ")]
    assert rc == 1 and errors == err[-1:] and "diverged" in err[-1] and "3 recoveries" in err[-1], err
    assert "Traceback" not in "\n".join(err) and sum(line.startswith("recover: ") for line in err) == 3
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert [r["event"] for r in log].count("recover") == 3 and log[-1]["event"] == "diverged"
    assert min(r["lr_scale"] for r in log if r["event"] == "recover") == 0.125
    good = [r for r in log if r["event"] == "recover"][-1]["from"]
    model, _, _ = checkpoint.load(good)  # the last good checkpoint is intact (and finite)
    if (out / "best").exists():
        assert math.isfinite(checkpoint.read_header(out / "best")["metrics"]["valid_loss"])


def test_a_start_cleans_what_crashed_runs_left(fixture_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    a = make_trainer(fixture_home, out, steps=3)
    a.fit()
    dead = _dead_pid()
    (out / f".ckpt-0000009.staging.{dead}.abc").mkdir()
    (out / f".ckpt-0000001.trash.{dead}").mkdir()
    (out / f".model.json.tmp.{dead}.xyz").write_text("half")
    (out / f".ckpt-0000003.staging.{os.getpid()}.live").mkdir()  # a live writer's: untouched
    (out / "best").rename(out / f".best.old.{dead}")  # killed between the fallback's two renames
    b = make_trainer(fixture_home, out, steps=3)
    b.fit(resume=True)
    names = sorted(p.name for p in out.iterdir())
    assert "best" in names and f".best.old.{dead}" not in names
    assert [n for n in names if n.startswith(".")] == [f".ckpt-0000003.staging.{os.getpid()}.live"]
    cleaned = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()
               if json.loads(line)["event"] == "cleanup"]
    assert len(cleaned) == 4 and "restored best" in {c["what"] for c in cleaned}
    checkpoint.load(out / "best")


def test_resume_on_a_run_killed_before_its_first_checkpoint_starts_it(fixture_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    expected = make_trainer(fixture_home, tmp_path / "ref")
    expected.fit()
    t = make_trainer(fixture_home, out)
    t.fit(resume=True)
    assert json.loads((out / "log.jsonl").read_text().splitlines()[0]) == {"event": "resume", "step": 0, "from": None}
    for k, v in params(expected.model).items():
        assert torch.equal(v, params(t.model)[k]), k


def test_orthogonal_init_starts_a_fresh_run_only(fixture_home: Path, tmp_path: Path) -> None:
    """--init orthogonal: the decoder's LSTM starts with b_f = 1 and orthogonal W; torch's init does not;
    a warm start keeps the weights it copies."""
    H = TINY["hidden"]
    fresh = make_trainer(fixture_home, tmp_path / "a", init="orthogonal").model.decoder
    bias = fresh.bias_ih_l0 + fresh.bias_hh_l0
    assert torch.equal(bias[H:2 * H], torch.ones(H)) and not bias[:H].any() and not bias[2 * H:].any()
    w = fresh.weight_hh_l1[3 * H:]  # W_o of the second layer
    assert torch.allclose(w @ w.T, torch.eye(H), atol=1e-5)
    plain = make_trainer(fixture_home, tmp_path / "b").model.decoder
    assert not torch.equal((plain.bias_ih_l0 + plain.bias_hh_l0)[H:2 * H], torch.ones(H))
    src = make_trainer(fixture_home, tmp_path / "c")
    src.save({})
    warm = make_trainer(fixture_home, tmp_path / "d", init="orthogonal", init_from=str(src.latest()))
    assert not torch.equal((warm.model.decoder.bias_ih_l0 + warm.model.decoder.bias_hh_l0)[H:2 * H], torch.ones(H))
