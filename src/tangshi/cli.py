"""The ``tangshi`` command line: one parser, a subcommand per concern.

Each subcommand lives in its own module, which exposes ``register(subparsers)``;
modules are imported lazily so that ``tangshi check`` never pays for ``import torch``.
User mistakes (:class:`tangshi.errors.TangshiError`) print one line and exit 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from tangshi.errors import TangshiError

# subcommand -> (module that registers it, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "corpus": ("tangshi.corpus.cli", "fetch, build and describe the Tang corpus"),
    "check": ("tangshi.prosody.cli", "check a poem against the rules of regulated verse"),
    "train": ("tangshi.train_cli", "train a recurrent poet on the corpus"),
    "write": ("tangshi.decode_cli", "write a poem with a trained model"),
    "eval": ("tangshi.evaluate", "evaluate a model on the test split"),
    "lab": ("tangshi.lab.cli", "diagnostics for learners: gradient flow, long-range memory"),
    "serve": ("tangshi.server.cli", "serve the poet and the checker over HTTP"),
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
    try:
        return int(args.func(args) or 0)
    except TangshiError as err:
        print(f"tangshi: error: {_one_line(err)}", file=sys.stderr)
        return getattr(err, "exit_code", 2)
    except KeyboardInterrupt:
        print("tangshi: interrupted", file=sys.stderr)
        return 130


def _one_line(err: Exception) -> str:
    """The error's message on one line (a wrapped library message may hold newlines)."""
    return " ".join(str(err).split())


if __name__ == "__main__":
    sys.exit(main())
