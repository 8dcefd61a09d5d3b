"""Without the tagger (or when it fails on a line) checking goes on: the couplets say why they
were not scored, and `tangshi check` warns once."""
from __future__ import annotations

import pytest

from tangshi.duizhang import tagger

CHUNWANG = "国破山河在，城春草木深。感时花溅泪，恨别鸟惊心。烽火连三月，家书抵万金。白头搔更短，浑欲不胜簪。"


@pytest.fixture
def no_tagger(monkeypatch):
    def missing():
        raise tagger.Unavailable("the classical-Chinese tagger (udkanbun) is not installed: No module named 'udkanbun'")

    monkeypatch.setattr(tagger, "_model", missing)
    tagger.tag.cache_clear()
    yield
    tagger.tag.cache_clear()


def test_check_without_tagger(no_tagger):
    from tangshi.prosody import check

    report = check(CHUNWANG, duizhang=True)
    assert report.ok and len(report.duizhang) == 4
    assert all(c.result is None and "not installed" in c.reason for c in report.duizhang)
    j = report.to_json()["duizhang"][0]
    assert j == {"lines": [1, 2], "name": "首联", "middle": False, "scored": False, "reason": report.duizhang[0].reason}


def test_cli_warns_once_and_checks(no_tagger, capsys):
    from tangshi.cli import main

    assert main(["check", CHUNWANG]) == 0
    out, err = capsys.readouterr()
    assert "合律" in out and "未评" in out
    assert err.count("warning: 对仗 not scored") == 1


def test_tagger_failure_on_a_line(monkeypatch):
    """A parser failure on one line is one unscored couplet with the reason, never an exception."""
    real = tagger._model()

    def flaky(text):
        if "烽" in text:
            raise RuntimeError("bad input")
        return real(text)

    monkeypatch.setattr(tagger, "_model", lambda: flaky)
    tagger.tag.cache_clear()
    try:
        from tangshi.duizhang import duizhang

        cs = duizhang(CHUNWANG.replace("，", " ").replace("。", " ").split())
        assert [c.result is None for c in cs] == [False, False, True, False]
        assert "tagger failed" in cs[2].reason and "RuntimeError" in cs[2].reason
    finally:
        tagger.tag.cache_clear()


def test_check_default_does_not_score():
    """The write path checks poems without the tagger: duizhang is asked for, not implied."""
    from tangshi.prosody import check

    assert check(CHUNWANG).duizhang == () and check(CHUNWANG).to_json()["duizhang"] == []
