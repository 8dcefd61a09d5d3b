"""The search over lines: K samples of each line per candidate, the best kept, one poem per candidate."""
from __future__ import annotations

import warnings

import pytest

from tangshi.errors import InputError
from tangshi.request import WriteRequest


@pytest.fixture(scope="module")
def shipped():
    from tangshi.poet import Poet

    return Poet.load()


def _lines_with(poems, ch: str) -> int:
    return sum(ch in line for p in poems for line in p.lines)


def test_each_line_is_the_best_of_its_samples_by_the_ranking(shipped, monkeypatch) -> None:
    """With a ranking that counts 山, keeping the best of 4 samples of each line puts 山 in far more lines."""
    import tangshi.decoding.candidate as candidate

    monkeypatch.setattr(candidate, "rank_score", lambda c: sum(line.count("山") for line in c.lines))
    alone = dict(candidates=1, guidance=0, stock=0)  # the search alone: no stock-pair bias on 青山, 山中 …
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = [shipped.write(form="五绝", title="秋夜", seed=s, **alone)[0] for s in range(8)]
        searched = [shipped.write(form="五绝", title="秋夜", seed=s, line_samples=4, **alone)[0] for s in range(8)]
    before, after = _lines_with(plain, "山"), _lines_with(searched, "山")
    assert after >= before + 3, (before, after)


def test_a_search_returns_whole_poems_that_pass(shipped) -> None:
    poems = shipped.write(form="七律", title="登高", seed=3, n=3, line_samples=3)
    assert len(poems) == 3 and len({p.text for p in poems}) == 3
    assert all(p.check["ok"] for p in poems)
    assert shipped.write(form="五绝", title="登高", seed=3, line_samples=1)[0].text == \
        shipped.write(form="五绝", title="登高", seed=3)[0].text  # 1 is no search: the defaults


def test_a_search_over_sampled_lines_is_not_a_beam() -> None:
    with pytest.raises(InputError, match="line_samples") as err:
        WriteRequest(form="五绝", beam=4, line_samples=2)
    assert err.value.field == "line_samples"
