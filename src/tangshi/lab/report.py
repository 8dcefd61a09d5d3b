"""Plain-text tables and JSON for ``tangshi lab``: the numbers behind each figure."""
from __future__ import annotations

import json
import math

from tangshi.lab.plots import LABELS


def _fmt(x: float) -> str:
    return f"{x:.2e}" if math.isfinite(x) else str(x)


def gradients_table(norms: dict, clipping: dict) -> str:
    """||dL/dh(t)|| at a few t per variant, then the clipping run every few steps."""
    values = norms["norms"]
    length = len(next(iter(values.values())))
    ts = sorted({0, length // 4, length // 2, 3 * length // 4, length - 1})
    lines = ["||dL/dh(t)|| at init (loss at the last step):",
             f"{'model':<28}" + "".join(f"{'t=' + str(t):>10}" for t in ts) + f"{'decay/step':>12}"]
    for key, row in values.items():
        cells = "".join(f"{_fmt(row[t]):>10}" for t in ts)
        lines.append(f"{LABELS[key]:<28}{cells}{norms['decay_per_step'][key]:>12.3f}")
    cfg = clipping["config"]
    lines += ["", f"Elman RNN, spectral radius {cfg['radius']}, SGD lr {cfg['lr']} "
                  f"(loss | grad norm before clipping | ||W||_F):",
              f"{'step':>5}  {'no clipping':>32}  {'clip to ' + str(cfg['clip']):>32}"]
    runs = clipping["runs"]
    steps = len(runs["clip"]["loss"])
    for i in sorted(i for i in {0, 1, 2, 5, 10, steps // 2, steps - 1} if i < steps):
        row = [f"{runs[k]['loss'][i]:8.3f} {_fmt(runs[k]['grad_norm'][i]):>11} "
               f"{_fmt(runs[k]['weight_norm'][i]):>11}" for k in ("no_clip", "clip")]
        lines.append(f"{i:>5}  {row[0]:>32}  {row[1]:>32}")
    return "\n".join(lines)


def long_range_table(result: dict) -> str:
    """Held-out accuracy (and training steps used) per cell type and distance."""
    kinds = list(result["accuracy"])
    lines = [f"{'D':>5}" + "".join(f"{LABELS[k]:>18}" for k in kinds)]
    for i, distance in enumerate(result["distances"]):
        cells = "".join(f"{result['accuracy'][k][i]:>9.3f} ({result['steps'][k][i]:>4})" for k in kinds)
        lines.append(f"{distance:>5}   {cells}")
    lines.append(f"accuracy on {result['config']['eval_size']} held-out sequences (training steps used); "
                 f"chance {result['chance']:.2f}; {result['seconds']} s")
    return "\n".join(lines)


def tune_table(result: dict) -> str:
    """One row per learning rate, then what the sweep advises."""
    lines = [f"{'lr':>8} {'diverged at':>12} {'train loss':>11} {'best valid (step)':>19} {'final valid':>12} {'s':>6}"]
    for key, r in result["runs"].items():
        tail = r["train_loss"][-20:]
        train = sum(tail) / len(tail) if tail and r["diverged_at"] is None else float("nan")
        best = f"{r['best_valid']:.3f} ({r['best_step']})"
        lines.append(f"{key:>8} {str(r['diverged_at'] or '-'):>12} {train:>11.3f} {best:>19} "
                     f"{r['final_valid']:>12.3f} {r['seconds']:>6}")
    a, cfg = result["advice"], result["config"]
    lines.append(f"losses in nats per character; ln V = {result['chance']:.2f} for V = {result['vocab']}; "
                 f"{result['train_poems']} training, {result['valid_poems']} validation poems")
    if a["best_lr"] is None:
        lines.append("every learning rate diverged: try smaller ones")
        return "\n".join(lines)
    lines.append(f"best learning rate: {a['best_lr']:g}; diverged: {', '.join(a['diverged']) or 'none'}; "
                 f"too low (slow): {', '.join(a['too_low']) or 'none'}; "
                 f"too high (overshooting): {', '.join(a['too_high']) or 'none'}")
    lines.append(f"at {a['best_lr']:g}, {a['enough_steps']} of {cfg['steps']} iterations came within "
                 f"{cfg['plateau']:g} nats of the best validation loss"
                 + ("; after its best the validation loss rose again (memorising the slice)" if a["overfits"] else ""))
    return "\n".join(lines)


def to_json(data: dict) -> str:
    """JSON with non-finite floats as null (NaN and inf are not JSON)."""
    return json.dumps(_finite(data), indent=2)


def _finite(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
