"""Shared fixtures: a data set built from the committed real-poem fixture, offline."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
