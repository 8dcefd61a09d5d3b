"""A tiny poet trained for a few steps on the fixture corpus: fluent it is not, but every
rule the decoder enforces must hold for it all the same."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch


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
    Trainer(model, ds.vocab, encode_poems(ds.split("train"), ds.vocab, 128),
            encode_poems(ds.split("valid"), ds.vocab, 128), cfg).fit()
    return out / "best"


@pytest.fixture(scope="session")
def poet(tiny_model: Path):
    from tangshi.poet import Poet

    return Poet.load(tiny_model)
