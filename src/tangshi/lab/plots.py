"""Figures for ``tangshi lab``: draw the dicts that the experiments return, nothing else.

matplotlib is imported inside each function, with the Agg backend, so importing
this module costs nothing and no display is needed.
"""
from __future__ import annotations

import math
from pathlib import Path

LABELS = {
    "rnn": "Elman RNN",
    "lstm": "LSTM",
    "gru": "GRU",
    "lstm_forget_bias": "LSTM, forget-gate bias +1",
    "gru_update_bias": "GRU, update-gate bias +1",
}
COLORS = {"rnn": "tab:red", "lstm": "tab:blue", "gru": "tab:green"}


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _style(key: str) -> dict:
    kind = key.split("_")[0]
    return {"color": COLORS[kind], "linestyle": "--" if "_" in key else "-", "label": LABELS[key]}


def plot_gradients(norms: dict, clipping: dict, path: Path) -> Path:
    """Three panels: ||dL/dh(t)|| against t; clipped vs unclipped loss; their gradient and weight norms."""
    plt = _pyplot()
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(16, 4.6))
    cfg = norms["config"]
    for key, values in norms["norms"].items():
        a.semilogy(range(len(values)), values, linewidth=2, **_style(key))
    a.set(xlabel="time step t (loss at the last step only)", ylabel="||dL/dh(t)||  (log scale)",
          title=f"(a) Gradient reaching h(t) at init\nT={cfg['length']}, H={cfg['hidden']}, "
                f"B={cfg['batch']}, synthetic tokens")
    a.legend(fontsize=8)
    a.grid(True, which="major", alpha=0.3)

    runs, ccfg = clipping["runs"], clipping["config"]
    show = {"no_clip": ("no clipping", "tab:red"), "clip": (f"clip global norm to {ccfg['clip']}", "tab:blue")}
    for key, (label, color) in show.items():
        b.plot(runs[key]["loss"], color=color, label=label)
        c.semilogy(runs[key]["grad_norm"], color=color, label=f"grad norm, {label}")
        c.semilogy(runs[key]["weight_norm"], color=color, linestyle=":", label=f"||W||, {label}")
    chance = math.log(ccfg["vocab"])
    b.axhline(chance, color="gray", linestyle="--", linewidth=1, label=f"chance, ln {ccfg['vocab']}")
    b.set(xlabel="SGD step", ylabel="loss on that step's fresh batch",
          title=f"(b) Elman RNN with spectral radius {ccfg['radius']}: training\n"
                f"SGD lr={ccfg['lr']}, T={ccfg['length']}, recall the previous token")
    b.legend(fontsize=8)
    c.set(xlabel="SGD step", ylabel="log scale",
          title="(c) Gradient norm before clipping (solid)\nand recurrent weight norm ||W||_F (dotted)")
    c.legend(fontsize=8)
    for ax in (b, c):
        ax.grid(True, alpha=0.3)
    return _save(fig, path)


def plot_long_range(result: dict, path: Path) -> Path:
    """Held-out accuracy against the distance D between marker and query, one line per cell."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.6))
    distances, cfg = result["distances"], result["config"]
    for kind, values in result["accuracy"].items():
        label = LABELS[kind] + (f" (forget bias +{cfg['forget_bias']:g})" if kind == "lstm" else "")
        ax.plot(distances, values, marker="o", linewidth=2, color=COLORS[kind], label=label)
    ax.axhline(result["chance"], color="gray", linestyle="--", linewidth=1, label="chance")
    ax.set_xscale("log", base=2)
    ax.set_xticks(distances, [str(d) for d in distances])
    ax.set_ylim(0.0, 1.05)
    ax.set(xlabel="distance D (distractor tokens between marker and query)",
           ylabel=f"held-out accuracy ({cfg['eval_size']} sequences)",
           title=f"\"The cat(s), which ..., was/were\": agreement across D tokens\n"
                 f"H={cfg['hidden']}, <= {cfg['steps']} Adam steps (lr {cfg['lr']:g}) per point, "
                 f"seed {cfg['seed']}")
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(True, alpha=0.3)
    return _save(fig, path)


def plot_tune(result: dict, path: Path) -> Path:
    """Three panels: training loss per step, one line per η (× where the guard stopped a run);
    validation loss against iterations (● at each run's best); best validation loss against η."""
    plt = _pyplot()
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(16, 4.6))
    cfg, chance, runs = result["config"], result["chance"], result["runs"]
    colors = plt.get_cmap("viridis")
    top = chance + 1.5
    for i, (key, r) in enumerate(runs.items()):
        color = colors(i / max(1, len(runs) - 1))
        loss = r["train_loss"]
        k = 10  # a running mean over k steps, so the lines read through the batch noise
        smooth = [sum(loss[max(0, j - k + 1): j + 1]) / len(loss[max(0, j - k + 1): j + 1]) for j in range(len(loss))]
        label = f"η = {key}" + (f" (stopped at step {r['diverged_at']})" if r["diverged_at"] else "")
        a.plot(range(1, len(smooth) + 1), [min(x, top) if math.isfinite(x) else top for x in smooth], color=color,
               label=label)
        steps, values = zip(*r["valid"])
        if r["diverged_at"]:
            a.plot([r["diverged_at"]], [top], marker="x", markersize=10, color=color)
        else:
            b.plot(steps, values, color=color, marker=".", markersize=3, label=f"η = {key}")
            b.plot([r["best_step"]], [r["best_valid"]], marker="o", markersize=8, color=color)
    for ax in (a, b):
        ax.axhline(chance, color="gray", linestyle="--", linewidth=1, label=f"ln V = {chance:.2f} (knows nothing)")
        ax.set_ylim(top=top + 0.2)
        ax.legend(fontsize=8)
        ax.grid(True, alpha=0.3)
    a.set(xlabel="iteration (Adam step)", ylabel="training loss, nats per character",
          title=f"(a) Training loss per learning rate η\n{cfg['cell'].upper()} {cfg['emb']}→{cfg['hidden']}, batch "
                f"{cfg['batch']}, {result['train_poems']} poems, clip {cfg['clip']:g}")
    b.set(xlabel="iteration", ylabel=f"validation loss ({result['valid_poems']} poems)",
          title="(b) Validation loss against iterations\n● lowest: more steps stop helping there")
    alive = [(r["lr"], r["best_valid"]) for r in runs.values() if not r["diverged_at"]]
    if alive:
        c.plot(*zip(*alive), marker="o", color="tab:blue", label="best validation loss")
    dead = [r["lr"] for r in runs.values() if r["diverged_at"]]
    if dead:
        c.plot(dead, [top] * len(dead), "x", markersize=10, color="tab:red", label="diverged (guard)")
    c.axhline(chance, color="gray", linestyle="--", linewidth=1, label="ln V")
    c.set_xscale("log")
    c.set(xlabel="learning rate η (log scale)", ylabel="best validation loss",
          title=f"(c) Too low: slow. Too high: diverges.\n{cfg['steps']} iterations each, seed {cfg['seed']}")
    c.legend(fontsize=8)
    c.grid(True, alpha=0.3)
    return _save(fig, path)


def _save(fig, path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    _pyplot().close(fig)
    return path
