"""Tuning: what the learning rate and the number of iterations do (``tangshi lab tune``).

The tutorial's advice, "设置合适的超参数，例如学习率和迭代次数", made visible. The same small
character model (:class:`tangshi.lab.charlm.CharLM`: embedding, one LSTM layer, V h + c) is
trained from the same initialisation on the same batches once per learning rate η, with Adam
at a constant η and the gradient norm clipped to 1, for a fixed number of iterations; the
validation loss is measured every ``eval_every`` steps. What it shows:

* **η too high** — the updates overshoot: the loss climbs past ln V (the loss of a model that
  knows nothing) or stops being a number; the :class:`~tangshi.lab.charlm.Guard` stops the run
  there, as tangshi's trainer stops and recovers a run that goes NaN.
* **η too low** — every step is safe and small: after all the iterations the loss is still far
  above what a better η reaches in a tenth of them.
* **iterations** — for a good η the validation loss falls fast, then slowly, then (on a small
  slice) turns up again while the training loss keeps falling: the model starts to learn the
  training poems by heart. The step where the validation loss is lowest is where more
  iterations stopped helping; :func:`advice` reads it off.

Computation only: :mod:`tangshi.lab.plots` draws the result, :mod:`tangshi.lab.report` prints it.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

from tangshi.lab import one_thread


@dataclass(frozen=True)
class TuneConfig:
    """The sweep; every number it uses lives here (``tangshi lab tune`` flags override them)."""

    lrs: tuple[float, ...] = (1e-4, 1e-3, 1e-2, 1e-1, 1.0)  # η, one run each
    steps: int = 400  # iterations per run
    eval_every: int = 25  # validate every this many steps
    poems: int = 1000  # training poems in the slice
    valid: int = 300  # validation poems
    batch: int = 32
    emb: int = 64
    hidden: int = 128
    cell: str = "lstm"
    clip: float = 1.0
    seed: int = 0
    plateau: float = 0.01  # "more steps stopped helping": within this many nats of the run's best
    margin: float = 0.2  # a run this many nats behind the best one is too slow or overshooting


def run(config: TuneConfig = TuneConfig(), home=None) -> dict:  # type: ignore[no-untyped-def]
    """Train one model per η of ``config.lrs``; returns ``{"config", "vocab", "chance", "runs":
    {η as text: {"lr", "train_loss", "valid", "diverged_at", "best_valid", "best_step",
    "final_valid", "seconds"}}, "advice"}`` (losses in nats per character)."""
    import torch  # here, not above: ``tangshi lab``'s flags read TuneConfig without loading torch

    from tangshi.lab.charlm import CharLM, poem_slice, train

    data = poem_slice(config.poems, config.valid, home)
    runs = {}
    with one_thread():  # the same numbers under any thread count
        for lr in config.lrs:
            torch.manual_seed(config.seed)  # the same initial weights for every η
            model = CharLM(len(data.vocab), config.emb, config.hidden, config.cell)
            t0 = time.perf_counter()
            r = train(model, data.train, data.valid, lr=lr, steps=config.steps, batch=config.batch,
                      clip=config.clip, eval_every=config.eval_every, seed=config.seed)
            best_step, best = min(r["valid"], key=lambda sv: sv[1])
            runs[f"{lr:g}"] = {"lr": lr, **r, "best_valid": best, "best_step": best_step,
                               "final_valid": r["valid"][-1][1], "seconds": round(time.perf_counter() - t0, 1)}
    result = {"config": asdict(config), "vocab": len(data.vocab), "train_poems": len(data.train),
              "valid_poems": len(data.valid), "chance": math.log(len(data.vocab)), "runs": runs}
    result["advice"] = advice(result)
    return result


def advice(result: dict) -> dict:
    """What the sweep says: the η with the lowest validation loss; those the guard stopped
    (``diverged``); the others more than ``margin`` nats worse than the winner, below it (``too_low``:
    slow) or above it (``too_high``: overshooting); the step where the winner came within
    ``plateau`` nats of its best (more steps bought little after it); and whether its validation
    loss rose again by the end (``overfits``: the slice is being memorised)."""
    runs, cfg = result["runs"], result["config"]
    diverged = sorted((k for k, r in runs.items() if r["diverged_at"] is not None), key=float)
    alive = {k: r for k, r in runs.items() if r["diverged_at"] is None}
    if not alive:
        return {"best_lr": None, "diverged": diverged, "too_low": [], "too_high": [], "enough_steps": None,
                "overfits": False}
    win = alive[min(alive, key=lambda k: alive[k]["best_valid"])]
    behind = [k for k, r in alive.items() if r["best_valid"] > win["best_valid"] + cfg["margin"]]
    return {
        "best_lr": win["lr"],
        "diverged": diverged,
        "too_low": sorted((k for k in behind if alive[k]["lr"] < win["lr"]), key=float),
        "too_high": sorted((k for k in behind if alive[k]["lr"] > win["lr"]), key=float),
        "enough_steps": next(s for s, v in win["valid"] if v <= win["best_valid"] + cfg["plateau"]),
        "overfits": win["final_valid"] > win["best_valid"] + cfg["plateau"],
    }
