"""VocabProsody.cached: the per-vocabulary tables kept on disk equal the ones built afresh."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from tangshi.masks.constraints import TENSOR_FIELDS, VocabProsody, cache_dir, tables_key

CHARS = ("<pad>", "<bos>", "<eos>", "<unk>", "，", "。", "东", "風", "山", "月", "看", "中", "行", "长", "干", "乾")


def same(a: VocabProsody, b: VocabProsody) -> bool:
    return a.chars == b.chars and a.group_names == b.group_names and all(
        getattr(a, f).dtype == getattr(b, f).dtype and torch.equal(getattr(a, f), getattr(b, f)) for f in TENSOR_FIELDS)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TANGSHI_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_the_cached_tables_are_the_built_ones(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = VocabProsody.from_vocab(CHARS)
    first = VocabProsody.cached(CHARS)
    assert same(first, fresh)
    assert [p.name for p in cache_dir().iterdir()] == [f"prosody-{tables_key(CHARS)}.safetensors"]

    def no_build(*_a, **_k):
        raise AssertionError("the tables were built again")

    monkeypatch.setattr(VocabProsody, "from_vocab", no_build)
    assert same(VocabProsody.cached(CHARS), fresh)  # read back, not built


def test_a_damaged_cache_is_rebuilt(home: Path) -> None:
    fresh = VocabProsody.cached(CHARS)
    path = cache_dir() / f"prosody-{tables_key(CHARS)}.safetensors"
    for damage in (b"", b"not safetensors at all", path.read_bytes()[: 200]):
        path.write_bytes(damage)
        assert same(VocabProsody.cached(CHARS), fresh)
    assert path.stat().st_size > 200  # rewritten whole


def test_other_items_other_key(home: Path) -> None:
    assert tables_key(CHARS) != tables_key(CHARS[:-1]) and tables_key(CHARS) == tables_key(list(CHARS))
    a, b = VocabProsody.cached(CHARS), VocabProsody.cached(CHARS[:-1])
    assert len(a.chars) == len(b.chars) + 1 and len(list(cache_dir().iterdir())) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_home_only_costs_time(home: Path) -> None:
    home.mkdir()
    home.chmod(0o500)
    try:
        assert same(VocabProsody.cached(CHARS), VocabProsody.from_vocab(CHARS))
    finally:
        home.chmod(0o700)


def test_a_home_that_is_a_file_only_costs_time(home: Path) -> None:
    home.write_text("not a directory")
    assert same(VocabProsody.cached(CHARS), VocabProsody.from_vocab(CHARS))
