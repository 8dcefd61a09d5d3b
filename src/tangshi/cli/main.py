"""The ``tangshi`` command line: one parser, a subcommand per concern.

Each subcommand lives in its own module of :mod:`tangshi.cli`, which exposes ``register(subparsers)``;
modules are imported lazily so that ``tangshi check`` never pays for ``import torch``.
User mistakes (:class:`tangshi.errors.TangshiError`) print one line and exit 2. Standard output
that cannot be written is handled here, once for every subcommand: a reader that went away
(``tangshi write | head -1``) ends the command quietly, exit 141, as ``cat`` or ``seq`` end,
killed by SIGPIPE; any other failed write (``> /dev/full``) is one line and exit 1.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from tangshi.errors import TangshiError

CLOSED_PIPE = 141  # 128 + SIGPIPE: what a shell reports for `cat`, `seq`, `yes` writing into a closed pipe

# subcommand -> (module that registers it, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "corpus": ("tangshi.cli.corpus", "fetch, build and describe the Tang corpus"),
    "check": ("tangshi.cli.check", "check a poem against the rules of regulated verse"),
    "train": ("tangshi.cli.train", "train a recurrent poet on the corpus"),
    "write": ("tangshi.cli.write", "write a poem with a trained model"),
    "suggest": ("tangshi.cli.suggest", "the characters that fit one place of a poem"),
    "eval": ("tangshi.cli.eval", "evaluate a model on the test split"),
    "lab": ("tangshi.cli.lab", "diagnostics for learners: gradient flow, long-range memory"),
    "serve": ("tangshi.cli.serve", "serve the poet and the checker over HTTP"),
    "rhyme": ("tangshi.cli.rhyme", "the rhyme book: a 平水韵 group's characters, or a character's readings"),
}


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake on the command line is one line and a hint, not the whole usage.

    Every subcommand's parser is one of these too (argparse builds them with the parent's class).
    """

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"tangshi: error: {message} (see `{self.prog} --help`)\n")


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """Build the parser; only the chosen subcommand's module is imported."""
    parser = Parser(prog="tangshi", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (module, help_) in COMMANDS.items():
        if name == chosen:
            importlib.import_module(module).register(sub)
            _remember_parsers(sub.choices[name])
        else:
            sub.add_parser(name, help=help_, add_help=False)
    return parser


def _remember_parsers(parser: argparse.ArgumentParser) -> None:
    """Let each (sub-)subcommand's parser leave itself in the namespace, to name it in errors."""
    parser.set_defaults(_parser=parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _remember_parsers(child)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tangshi`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args, extra = parser.parse_known_args(argv)
    if extra:  # name the subcommand whose flags they are not
        target = getattr(args, "_parser", None) or parser
        target.error(f"unrecognized arguments: {' '.join(extra)}")
    stdout, sys.stdout = sys.stdout, _Output(sys.stdout)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # here, not at exit, so that a failure is seen
        return code
    except TangshiError as err:
        print(f"tangshi: error: {_one_line(err)}", file=sys.stderr)
        return getattr(err, "exit_code", 2)
    except KeyboardInterrupt:
        print("tangshi: interrupted", file=sys.stderr)
        return 130
    except OutputFailed as failed:
        return _output_failed(failed.error, stdout)
    finally:
        sys.stdout = stdout


class OutputFailed(Exception):
    """Writing standard output failed (``error``), as opposed to any other OSError of a subcommand."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class _Output:
    """Standard output, its failures raised as :class:`OutputFailed`; everything else passes through."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as err:
            raise OutputFailed(err) from err

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as err:
            raise OutputFailed(err) from err

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _output_failed(err: OSError, stdout) -> int:
    """A closed pipe: quiet, exit 141. Another failure: one line, exit 1. Either way what is still
    buffered goes to devnull, so that Python's flush at exit cannot fail again (the Python docs'
    "Note on SIGPIPE")."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
    except (OSError, ValueError):  # not a real file (a test's capture): nothing is flushed at exit
        pass
    if isinstance(err, BrokenPipeError):
        return CLOSED_PIPE
    print(f"tangshi: error: cannot write the output: {err.strerror or err}", file=sys.stderr)
    return 1


def _one_line(err: Exception) -> str:
    """The error's message on one line (a wrapped library message may hold newlines)."""
    return " ".join(str(err).split())


if __name__ == "__main__":
    sys.exit(main())
