"""The wheel carries every file the package needs: pyproject's package-data covers what git holds.

setuptools packs the .py files of every package (a folder with ``__init__.py``) and, of the rest,
only what ``[tool.setuptools.package-data]`` names; a data file that no pattern names is silently
left out of the wheel (MODEL_CARD.md was). Read from pyproject and git, no wheel built.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "tangshi"


def _committed() -> list[Path]:
    """Files under src/tangshi that git tracks or would add (not ignored), relative to the package folder.

    On a clean clone these are the committed files; in a working copy, a new module or data file
    counts before it is committed."""
    cmd = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "src/tangshi"]
    try:
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: no list of committed files")
    files = {Path(p).relative_to("src/tangshi") for p in out.stdout.decode().split("\0") if p}
    return sorted(f for f in files if (PACKAGE / f).is_file())


def _patterns() -> list[str]:
    doc = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return doc["tool"]["setuptools"]["package-data"]["tangshi"]


def test_package_data_covers_every_committed_data_file():
    packed = {p.relative_to(PACKAGE) for pattern in _patterns() for p in PACKAGE.glob(pattern) if p.is_file()}
    data = [f for f in _committed() if f.suffix != ".py"]
    assert Path("models/default/MODEL_CARD.md") in data
    missing = sorted(str(f) for f in data if f not in packed)
    assert not missing, f"add a pattern to [tool.setuptools.package-data] for {missing}"


def test_every_committed_module_lies_in_a_package():
    modules = [f for f in _committed() if f.suffix == ".py"]
    assert Path("__init__.py") in modules
    folders = {f.parent for f in modules}
    lacking = sorted(str(d) for d in folders if d / "__init__.py" not in modules)
    assert not lacking, f"folders without __init__.py are left out of the wheel: {lacking}"
