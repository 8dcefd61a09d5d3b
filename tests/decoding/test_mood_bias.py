"""The mood bias: toward the requested mood's words, never a used one, never from the tail, and off
once the poem states the mood; a poet asked for a mood writes in it more often than without."""
from __future__ import annotations

import numpy as np
import pytest

from tangshi.mood import MOODS
from tangshi.decoding.processors.mood import ENOUGH, WINDOW, MoodBias
from tangshi.mood.tagger import SEEDS, SEED_WEIGHT, load, mood_of

CHARS = list("山水劍戰征將軍胡壯雄閑禪") + ["，", "。"]


def _flat(B: int = 2) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros((B, len(CHARS)), dtype=bool), np.zeros((B, len(CHARS)), dtype=np.float32)


def test_weights_follow_the_lexicon() -> None:
    mb = MoodBias(CHARS)
    lex = load()
    for m, mood in enumerate(MOODS, start=1):
        assert mb.weights[m].tolist() == [lex.weights[mood].get(c, 0.0) for c in CHARS]
    assert not mb.weights[0].any()  # no mood, no bias
    assert mb.weights[MOODS.index("壮") + 1, CHARS.index("劍")] == SEED_WEIGHT


def test_the_bias_favours_the_moods_words_only() -> None:
    mb = MoodBias(CHARS)
    used, logp = _flat()
    out = mb.bias("壮", 1.5, used, logp)
    for i, c in enumerate(CHARS):
        expected = 1.5 * SEED_WEIGHT if c in SEEDS["壮"] else 1.5 * load().weights["壮"].get(c, 0.0)
        assert out[0, i] == pytest.approx(expected)
    assert out[0, CHARS.index("劍")] > 0 and out[0, CHARS.index("閑")] == 0
    assert mb.bias("壮", 0.0, used, logp) is None  # strength 0: the model's condition alone


def test_no_favour_for_a_used_character_or_the_tail() -> None:
    mb = MoodBias(CHARS)
    used, logp = _flat()
    used[0, CHARS.index("劍")] = True
    logp[1, CHARS.index("戰")] = -WINDOW - 0.5  # far below the likeliest
    logp[1, CHARS.index("征")] = -np.inf  # forbidden by the rules
    out = mb.bias("壮", 1.0, used, logp)
    assert out[0, CHARS.index("劍")] == 0 and out[1, CHARS.index("劍")] > 0
    assert out[1, CHARS.index("戰")] == 0 and out[1, CHARS.index("征")] == 0 and out[0, CHARS.index("戰")] > 0


def test_the_bias_stops_once_the_mood_is_stated() -> None:
    mb = MoodBias(CHARS)
    used, logp = _flat()
    seeds = [CHARS.index(c) for c in "劍戰征"]
    assert len(seeds) * SEED_WEIGHT >= ENOUGH
    used[0, seeds] = True  # row 0 already says 壮 three times over
    out = mb.bias("壮", 1.0, used, logp)
    assert not out[0].any() and out[1].any()
    used[1, seeds] = True
    assert mb.bias("壮", 1.0, used, logp) is None


def test_a_poet_asked_for_a_mood_writes_in_it(song_poet) -> None:
    """Same titles and seeds, with the bias and without: the tagger reads the asked mood far more often
    with it, and every poem still passes the rules."""
    from tangshi.prosody.checker import check

    titles = ["山中", "秋夜", "江上", "送別", "春日", "登樓"]
    hits = {}
    for strength in (0.0, 3.0):
        poems = [song_poet.write(form="五绝", title=t, mood="壮", mood_strength=strength, seed=k)[0]
                 for k, t in enumerate(titles)]
        assert all(check(p.text).ok for p in poems)
        hits[strength] = sum(mood_of(p.text) == "壮" for p in poems)
    assert hits[3.0] >= 4 and hits[3.0] > hits[0.0], hits
