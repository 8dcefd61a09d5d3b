"""The course (docs/course): every chapter runs, as the script jupytext keeps it, and its own
asserts hold; the README links each one."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parents[2] / "docs" / "course"
CHAPTERS = sorted(COURSE.glob("0*.py"))
LIMIT_S = 180  # the bound per chapter on this project's CPU; the timeout is looser for busy machines


def test_eight_chapters_in_jupytext_percent_format() -> None:
    assert [c.name[:2] for c in CHAPTERS] == [f"0{i}" for i in range(1, 9)]
    for chapter in CHAPTERS:
        text = chapter.read_text(encoding="utf-8")
        assert "format_name: percent" in text and "# %% [markdown]" in text, chapter.name
        assert text.count("assert ") >= 2, f"{chapter.name} asserts what it claims"


def test_the_readme_links_every_chapter() -> None:
    readme = (COURSE.parents[1] / "README.md").read_text(encoding="utf-8")
    for chapter in CHAPTERS:
        assert f"docs/course/{chapter.name}" in readme, chapter.name


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_runs(chapter: Path, tmp_path: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg", "TMPDIR": str(tmp_path)}
    env.pop("COURSE_CORPUS", None)  # the fixture, always: the same numbers everywhere
    start = time.perf_counter()
    run = subprocess.run([sys.executable, chapter.name], cwd=COURSE, env=env, capture_output=True, text=True,
                         timeout=3 * LIMIT_S)
    seconds = time.perf_counter() - start
    assert run.returncode == 0, f"{chapter.name} failed after {seconds:.0f} s:\n{run.stderr[-3000:]}"
