"""Shared fixtures: a data set built from the committed real-poem fixture, offline, and a tiny
poet trained on it (fluent it is not, but every rule the decoder enforces must hold all the same)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

FIXTURE = Path(__file__).parent / "fixtures" / "corpus"


@pytest.fixture(scope="session")
def fixture_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``$TANGSHI_HOME`` holding the fixture corpus, fetched and built (read-only use)."""
    from tangshi import paths
    from tangshi.corpus.build import build
    from tangshi.corpus.fetch import fetch

    home = tmp_path_factory.mktemp("tangshi-home")
    fetch(paths.raw_dir(home), FIXTURE)
    build(home)
    return home


@pytest.fixture
def home_copy(fixture_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, writable copy of :func:`fixture_home`, set as ``$TANGSHI_HOME``."""
    home = tmp_path / "home"
    shutil.copytree(fixture_home, home)
    monkeypatch.setenv("TANGSHI_HOME", str(home))
    return home


def train_tiny(home: Path, out: Path, cell: str = "lstm") -> Path:
    """A small ``cell`` poet trained for 20 steps on the fixture corpus: its ``best`` checkpoint."""
    from tangshi.corpus.build import load_dataset
    from tangshi.data import encode_poems
    from tangshi.model import ModelConfig, PoemModel
    from tangshi.train import TrainConfig, Trainer

    ds = load_dataset(home)
    cfg = TrainConfig(out=str(out), steps=20, batch_size=32, eval_every=20, lr=5e-3, warmup=2, device="cpu")
    torch.manual_seed(0)
    model = PoemModel(ModelConfig(vocab_size=len(ds.vocab), cell=cell, emb=48, hidden=64, enc_hidden=24))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model gains nothing from threads, and they crawl on a busy machine
    try:
        Trainer(model, ds.vocab, encode_poems(ds.split("train"), ds.vocab, 128),
                encode_poems(ds.split("valid"), ds.vocab, 128), cfg).fit()
    finally:
        torch.set_num_threads(threads)
    return out / "best"


@pytest.fixture(scope="session")
def tiny_model(fixture_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small LSTM poet trained for 20 steps on the fixture corpus: its ``best`` checkpoint."""
    return train_tiny(fixture_home, tmp_path_factory.mktemp("tiny-run"))


@pytest.fixture(scope="session", params=["rnn", "gru"])
def cell_poet(request: pytest.FixtureRequest, fixture_home: Path, tmp_path_factory: pytest.TempPathFactory):
    """A small Elman-RNN or GRU poet (the stepper has a branch for each cell), loaded."""
    from tangshi.poet import Poet

    return Poet.load(train_tiny(fixture_home, tmp_path_factory.mktemp(f"tiny-{request.param}"), request.param))


@pytest.fixture(scope="session")
def poet(tiny_model: Path):
    """The tiny model loaded as a :class:`tangshi.poet.Poet`."""
    from tangshi.poet import Poet

    return Poet.load(tiny_model)


@pytest.fixture(scope="session")
def song_poet(tmp_path_factory: pytest.TempPathFactory, fixture_home: Path):
    """A tiny poet trained by `tangshi train` on the fixture built with --song: dynasties and moods."""
    import shutil

    from tangshi.cli import main
    from tangshi.poet import Poet

    home = tmp_path_factory.mktemp("song-home")
    shutil.copytree(fixture_home, home, dirs_exist_ok=True)
    mp = pytest.MonkeyPatch()
    mp.setenv("TANGSHI_HOME", str(home))
    try:
        assert main(["corpus", "build", "--song"]) == 0
        out = home / "run"
        assert main(["train", "--steps", "6", "--eval-every", "6", "--batch-size", "32", "--emb", "48", "--hidden",
                     "64", "--enc-hidden", "24", "--warmup", "2", "--lr", "0.005", "--threads", "1",
                     "--device", "cpu", "--out", str(out)]) == 0
    finally:
        mp.undo()
    return Poet.load(out / "best")
