"""A poet trained on Tang and Song verse takes the dynasty as a condition; older poets still write."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from tangshi.cli import main
from tangshi.errors import InputError
from tangshi.prosody import check


@pytest.fixture(scope="module")
def song_poet(tmp_path_factory: pytest.TempPathFactory, fixture_home: Path):
    import shutil

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


def test_the_dynasty_is_a_condition(song_poet) -> None:
    model = song_poet.model
    assert model.cfg.n_dynasties == 2 and model.dynasty_embed.weight.shape == (2, 48)
    forms, tokens = torch.zeros(2, dtype=torch.long), torch.full((2,), song_poet.vocab.bos)
    keys, states, mask, state = model.encode(torch.full((2, 1), song_poet.vocab.bos))
    tang, _ = model.step(tokens, forms, state, keys, states, mask, dynasties=torch.tensor([0, 0]))
    song, _ = model.step(tokens, forms, state, keys, states, mask, dynasties=torch.tensor([1, 1]))
    assert not torch.allclose(tang, song)  # the same title and form, another dynasty: another distribution


@pytest.mark.parametrize("dynasty", ["唐", "宋"])
def test_a_two_dynasty_poet_writes_either(song_poet, dynasty: str) -> None:
    for p in song_poet.write(form="五绝", title="山中", dynasty=dynasty, n=2, seed=3):
        assert check(p.text).ok, p.check["errors"]


def test_a_one_dynasty_poet_refuses_another(poet) -> None:
    assert poet.model.cfg.n_dynasties == 0 and poet.model.dynasty_embed is None
    assert poet.write(form="五绝", seed=1, dynasty="唐")  # its own dynasty: as before
    with pytest.raises(InputError, match="trained on 唐 poems only") as err:
        poet.write(form="五绝", dynasty="宋")
    assert err.value.field == "dynasty"
