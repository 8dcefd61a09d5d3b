"""bench/yardstick.py on the fixture corpus: it trains on the poet's stream, its loss falls, and its
batched test score equals a brute-force one (each target from its own prefix after the end mark)."""
from __future__ import annotations

import argparse
import importlib.util
import math
import sys
from pathlib import Path

import pytest
import torch

BENCH = Path(__file__).resolve().parents[1] / "bench" / "yardstick.py"


@pytest.fixture(scope="module")
def yard():
    spec = importlib.util.spec_from_file_location("yardstick", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["yardstick"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules["yardstick"]


@pytest.fixture(scope="module")
def encoded(fixture_home: Path):
    """(vocab, the poet's train targets, the regulated test poems' targets), as the bench encodes them."""
    from tangshi.corpus.build import load_dataset
    from tangshi.corpus.clean import REGULATED
    from tangshi.data import encode_poems

    ds = load_dataset(fixture_home)
    train = encode_poems(ds.split("train"), ds.vocab, 128).bodies
    test = encode_poems([p for p in ds.split("test") if p.form in REGULATED], ds.vocab, 128).bodies
    return ds.vocab, train, test


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_the_stream_is_the_poets_targets_each_poem_after_an_end_mark(yard, encoded):
    vocab, train, _ = encoded
    stream, cut = yard.poet_stream(train, vocab.eos)
    assert cut == sum(r[-1] != vocab.eos for r in train) and cut > 0  # the fixture has poems over 128
    poems, current = [], []
    for i in stream.tolist():
        current.append(i)
        if i == vocab.eos:
            poems, current = poems + [current], []
    assert current == [] and len(poems) == len(train)
    assert all(p == (r if r[-1] == vocab.eos else r + [vocab.eos]) for p, r in zip(poems, train))


@pytest.mark.parametrize("arch", ["transformer", "wlm"])
def test_batched_score_equals_brute_force_on_three_poems(yard, encoded, arch):
    vocab, _, test = encoded
    torch.manual_seed(0)
    if arch == "transformer":
        model = yard.GPT(yard.GPTConfig(len(vocab), block=128, layers=2, heads=2, width=32))
    else:
        model = yard.WordLM(len(vocab), 32, 2, 0.2)
    rows = [test[0], test[1][:20], test[2][:7]]  # three lengths: padding is in play
    nll, count = yard.score(model, rows, vocab.eos, batch=3)
    assert count == sum(map(len, rows))
    assert nll == pytest.approx(yard.brute_force_nll(model, rows, vocab.eos), rel=1e-5)
    assert model.training  # scoring leaves the model as it found it


def test_the_transformer_learns_and_reads_after_the_end_mark_better_than_after_bos(yard, encoded):
    vocab, train, test = encoded
    stream, _ = yard.poet_stream(train, vocab.eos)
    args = argparse.Namespace(vocab=len(vocab), block=64, layers=2, heads=2, width=64, dropout=0.0, lr=3e-3,
                              warmup=10, schedule="constant", weight_decay=0.1, beta2=0.99, clip=1.0, batch=16,
                              seed=0, log_every=20)
    torch.manual_seed(0)
    model, steps, log = yard.train_transformer(args, stream, torch.float32, yard.Budget(5.0, 120))
    assert steps == 120 and len(log) == 6
    losses = [entry["loss"] for entry in log]  # each the mean of its 20 steps
    # it learns: the last window is the lowest (to a float sum's wobble: AVX2's kernels put the fourth
    # 0.009 above the third), well below the first, and far below chance
    assert losses[-1] <= min(losses) + 0.02 and losses[-1] < losses[0] - 0.5, log
    assert losses[-1] < math.log(len(vocab)) - 1.0, log
    rows = [r for r in test if len(r) <= args.block]
    # the end mark is what every poem follows in training; <bos> never occurs in the stream
    assert yard.perplexity(model, rows, vocab.eos) < yard.perplexity(model, rows, vocab.bos)
