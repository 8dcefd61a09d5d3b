"""The README's code blocks run, so that the front door cannot rot.

Every fenced block of README.md is accounted for:

- ``python`` blocks run in a fresh interpreter;
- each ``tangshi …`` command of a ``sh`` block (also after ``.venv/bin/``, ``torchrun …`` or
  ``&&``) is parsed by tangshi's own parser with its request validated; the quick ones
  (``write``, ``check``, ``suggest``, ``rhyme``, ``train --dry-run`` on the fixture corpus) also run,
  and must succeed;
  ``make`` targets must exist;
- a plain block right after a sentence naming a ``tangshi write`` command is that command's
  output, and must be reproduced exactly.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")
BLOCK = re.compile(r"(?P<before>[^\n]*)\n\n?```(?P<lang>[a-z]*)\n(?P<body>.*?)\n```", re.S)
BLOCKS = [(m["lang"], m["body"], m["before"]) for m in BLOCK.finditer(README)]
RUN = {"write", "check", "suggest", "rhyme"}  # fast enough to run for real; the rest are parsed and validated


def commands() -> list[list[str]]:
    """Every tangshi command line of the README's sh blocks, as argv (without ``tangshi``)."""
    out = []
    for lang, body, _ in BLOCKS:
        if lang != "sh":
            continue
        for line in body.replace("\\\n", " ").splitlines():
            line = line.split("  #")[0].split(" # ")[0].strip()
            for part in line.split("&&"):
                words = shlex.split(part)
                for k, w in enumerate(words):
                    if w in ("tangshi", ".venv/bin/tangshi"):
                        out.append(words[k + 1:])
                        break
    return out


def make_targets() -> list[str]:
    return [line.split()[1] for lang, body, _ in BLOCKS if lang == "sh" for line in body.splitlines()
            if line.startswith("make ")]


def test_every_block_is_known() -> None:
    assert BLOCKS, "README.md has no code blocks?"
    for lang, body, _ in BLOCKS:
        assert lang in ("sh", "python", ""), f"a README block in {lang!r} is not run by this test"
    assert len(commands()) >= 8 and make_targets()


@pytest.mark.parametrize("target", make_targets())
def test_make_targets_exist(target: str) -> None:
    proc = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def _validate(argv: list[str]) -> None:
    """Parse like the CLI does; build the request or config the command would build."""
    from tangshi.cli import build_parser

    args = build_parser(argv).parse_args(argv)
    if argv[0] in ("write", "suggest"):
        from tangshi.cli.write import request_of
        from tangshi.request import SuggestRequest, WriteRequest

        request_of(args, WriteRequest if argv[0] == "write" else SuggestRequest)
    elif argv[0] == "train":
        from tangshi.model import ModelConfig
        from tangshi.train import TrainConfig
        from tangshi.cli.train import _override

        _override(TrainConfig, args)
        _override(ModelConfig, args, vocab_size=100)


@pytest.mark.parametrize("argv", commands(), ids=lambda a: " ".join(a)[:60])
def test_readme_command(argv: list[str], home_copy: Path, tmp_path: Path) -> None:
    _validate(argv)
    dry = argv[0] == "train" and "--dry-run" in argv
    if argv[0] not in RUN and not dry:
        return
    if dry:  # on the fixture corpus, into a fresh directory
        argv = [a if not a.startswith("/tmp/") else str(tmp_path / "run") for a in argv]
    proc = subprocess.run([sys.executable, "-m", "tangshi.cli", *argv], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "TANGSHI_HOME": str(home_copy)})
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("code", [body for lang, body, _ in BLOCKS if lang == "python"])
def test_readme_python(code: str, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()


def _shown_outputs() -> list[tuple[list[str], str]]:
    """(argv, output) for each plain block introduced by a line naming a `tangshi write …` command."""
    out = []
    for lang, body, before in BLOCKS:
        m = re.search(r"`tangshi (write [^`]*)`", before)
        if lang == "" and m:
            out.append((shlex.split(m[1]), body))
    return out


@pytest.mark.parametrize("argv, shown", _shown_outputs(), ids=lambda x: " ".join(x)[:40] if isinstance(x, list) else "")
def test_the_sample_poem_is_what_the_command_writes(argv: list[str], shown: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "tangshi.cli", *argv], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == shown.strip()
