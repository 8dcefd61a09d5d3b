"""Server fixtures: a tiny poet (trained as in tests/poet), the app around it, and a fake poet
whose jobs block until released (to fill the pool on purpose)."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
import torch

pytest.importorskip("fastapi", reason="the server needs fastapi (pip install fastapi uvicorn)")


@pytest.fixture(scope="session")
def tiny_model(fixture_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tangshi.corpus.build import load_dataset
    from tangshi.data import encode_poems
    from tangshi.model import ModelConfig, PoemModel
    from tangshi.train import TrainConfig, Trainer

    out = tmp_path_factory.mktemp("tiny-run")
    ds = load_dataset(fixture_home)
    cfg = TrainConfig(out=str(out), steps=20, batch_size=32, eval_every=20, lr=5e-3, warmup=2, device="cpu")
    torch.manual_seed(0)
    model = PoemModel(ModelConfig(vocab_size=len(ds.vocab), emb=48, hidden=64, enc_hidden=24))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model gains nothing from threads, and they crawl on a busy machine
    try:
        Trainer(model, ds.vocab, encode_poems(ds.split("train"), ds.vocab, 128),
                encode_poems(ds.split("valid"), ds.vocab, 128), cfg).fit()
    finally:
        torch.set_num_threads(threads)
    return out / "best"


@pytest.fixture(scope="session")
def poet(tiny_model: Path):
    from tangshi.poet import Poet

    return Poet.load(tiny_model)


@pytest.fixture(scope="module")
def client(poet):
    from fastapi.testclient import TestClient

    from tangshi.server import create_app

    with TestClient(create_app(poet, workers=2)) as c:
        yield c


class BlockingPoet:
    """Looks like a Poet; ``write`` waits for :attr:`release` (then returns no poems)."""

    name, header, vocab = "fake", {"step": 1}, ["a", "b"]

    def __init__(self) -> None:
        self.release, self.started = threading.Event(), threading.Event()

    def write(self, **_) -> list:
        self.started.set()
        assert self.release.wait(10), "the test never released the job"
        return []


@pytest.fixture
def blocking_poet():
    fake = BlockingPoet()
    yield fake
    fake.release.set()
