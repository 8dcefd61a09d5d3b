"""``tangshi lab``: run a diagnostic, save its figure, print its numbers (a table, or JSON).

Thin: parse flags, validate them (user mistakes raise InputError), call the
experiment, plot, print. torch and matplotlib are imported inside the handlers.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from tangshi.errors import InputError, choice_error, require_in


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lab`` with its sub-subcommands ``gradients``, ``long-range`` and ``tune``."""
    lab = subparsers.add_parser("lab", help="diagnostics for learners: gradient flow, long-range memory, tuning",
                                description=__doc__.splitlines()[0])
    sub = lab.add_subparsers(dest="lab_command", metavar="DIAGNOSTIC", required=True)

    grads = sub.add_parser("gradients", help="vanishing gradients through time, and clipping exploding ones")
    grads.add_argument("--out", type=Path, default=Path("gradients.png"), help="PNG to write (default: %(default)s)")
    grads.add_argument("--json", action="store_true", help="print the numbers as JSON instead of a table")
    grads.add_argument("--seed", type=int, default=0, help="seed for data and init (default: %(default)s)")
    grads.add_argument("--length", type=int, default=50,
                       help="sequence length T of the gradient-flow panel (default: %(default)s)")
    grads.add_argument("--hidden", type=int, default=64,
                       help="hidden size H of the gradient-flow panel (default: %(default)s)")
    grads.set_defaults(func=_gradients)

    lr = sub.add_parser("long-range", help="cat/cats agreement: accuracy against distance, per cell type")
    lr.add_argument("--out", type=Path, default=Path("long_range.png"), help="PNG to write (default: %(default)s)")
    lr.add_argument("--json", action="store_true", help="print the numbers as JSON instead of a table")
    lr.add_argument("--distances", default="1,2,4,8,16,32,64",
                    help="comma-separated distances D to test (default: %(default)s)")
    lr.add_argument("--steps", type=int, default=800,
                    help="max training steps per cell type and distance (default: %(default)s)")
    lr.add_argument("--seed", type=int, default=0, help="seed for data and init (default: %(default)s)")
    lr.set_defaults(func=_long_range)

    from tangshi.lab.tune import TuneConfig  # light: dataclasses only until run() is called

    d = TuneConfig()
    tune = sub.add_parser("tune", help="learning rate × iterations on a small character model of the corpus")
    tune.add_argument("--out", type=Path, default=Path("tune.png"), help="PNG to write (default: %(default)s)")
    tune.add_argument("--json", action="store_true", help="print the numbers as JSON instead of a table")
    tune.add_argument("--lrs", default=",".join(f"{x:g}" for x in d.lrs),
                      help="comma-separated learning rates, one run each (default: %(default)s)")
    tune.add_argument("--steps", type=int, default=d.steps, help="iterations per run (default: %(default)s)")
    tune.add_argument("--poems", type=int, default=d.poems,
                      help="training poems: the first N of the built data set's regulated ones (default: %(default)s)")
    tune.add_argument("--cell", default=d.cell, help="rnn, lstm or gru (default: %(default)s)")
    tune.add_argument("--seed", type=int, default=d.seed, help="seed for init and batches (default: %(default)s)")
    tune.set_defaults(func=_tune)


def _positive(name: str, value: int, least: int = 1) -> int:
    if value < least:
        raise InputError(f"--{name} must be at least {least}; got {value}")
    return value


def parse_distances(text: str) -> tuple[int, ...]:
    """'1,2,4' -> (1, 2, 4); anything else is an InputError naming the bad part."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise InputError(f"--distances needs comma-separated positive integers; got {text!r}")
    for p in parts:
        if not p.isdigit() or int(p) < 1:
            raise InputError(f"--distances: {p!r} is not a positive integer")
    return tuple(int(p) for p in parts)


LIMITS = {"steps": 20000, "poems": 100000, "lrs": 12}  # what one ``lab tune`` may ask for
CELL_TYPES = ("rnn", "lstm", "gru")  # tangshi.nn.LAYERS' keys, named here so flags are checked without torch


def parse_lrs(text: str) -> tuple[float, ...]:
    """'1e-3,1e-2' -> (0.001, 0.01); each a positive finite number, at most LIMITS['lrs'] of them."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or len(parts) > LIMITS["lrs"]:
        raise InputError(f"--lrs needs 1 to {LIMITS['lrs']} comma-separated learning rates; got {text!r}")
    out = []
    for p in parts:
        try:
            x = float(p)
        except ValueError:
            x = float("nan")
        if not 0 < x < 100:  # NaN fails too
            raise InputError(f"--lrs: {p!r} is not a learning rate (a number above 0 and below 100)")
        out.append(x)
    return tuple(out)


def _check_png(path: Path) -> Path:
    if path.suffix.lower() != ".png":
        raise InputError(f"--out must name a .png file; got {str(path)!r}")
    return path


def _emit(as_json: bool, result: dict, png: Path, table) -> int:  # type: ignore[no-untyped-def]
    """Print ``result`` as JSON (with the PNG's path) or as ``table(result)`` and where the PNG went."""
    from tangshi.lab import report

    if as_json:
        print(report.to_json({**result, "png": str(png)}))
    else:
        print(table(result))
        print(f"wrote {png}")
    return 0


def _gradients(args: argparse.Namespace) -> int:
    out = _check_png(args.out)
    length, hidden = _positive("length", args.length, 2), _positive("hidden", args.hidden)
    from tangshi.lab import gradients, plots, report

    norms = gradients.gradient_norms(length=length, hidden=hidden, seed=args.seed)
    clipping = gradients.clipping_run(seed=args.seed)
    plots.plot_gradients(norms, clipping, out)
    return _emit(args.json, {"gradient_norms": norms, "clipping": clipping}, out,
                 lambda r: report.gradients_table(r["gradient_norms"], r["clipping"]))


def _tune(args: argparse.Namespace) -> int:
    out = _check_png(args.out)
    if args.cell not in CELL_TYPES:
        raise choice_error("--cell", args.cell, CELL_TYPES)
    for name in ("steps", "poems"):
        require_in(f"--{name}", getattr(args, name), 1, LIMITS[name])
    import dataclasses

    from tangshi.lab import plots, report, tune

    cfg = dataclasses.replace(tune.TuneConfig(), lrs=parse_lrs(args.lrs), steps=args.steps, poems=args.poems,
                              cell=args.cell, seed=args.seed)
    result = tune.run(cfg)
    plots.plot_tune(result, out)
    return _emit(args.json, result, out, report.tune_table)


def _long_range(args: argparse.Namespace) -> int:
    out = _check_png(args.out)
    distances, steps = parse_distances(args.distances), _positive("steps", args.steps)
    from tangshi.lab import long_range, plots, report

    result = long_range.run(distances=distances, steps=steps, seed=args.seed)
    plots.plot_long_range(result, out)
    return _emit(args.json, result, out, report.long_range_table)
