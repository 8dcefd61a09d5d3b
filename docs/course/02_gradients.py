# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Chapter 2 — Gradients that vanish and explode
#
# Chapter 1's BPTT sends the gradient back through time by
# $\delta h(t) = V^\top \delta o(t) + W^\top \delta a(t+1)$ with
# $\delta a(t) = \delta h(t) \odot (1 - h(t)^2)$. Unrolled, the part of the loss at step $T$
# reaches $h(t)$ through the product
#
# $$\frac{\partial h(T)}{\partial h(t)} = \prod_{k=t+1}^{T} \operatorname{diag}\!\left(1 - h(k)^2\right) W .$$
#
# $T - t$ factors: if they shrink vectors (tanh's slope is at most 1, and a small $W$), the
# gradient from far away **vanishes** geometrically and the network cannot learn long-range
# dependencies; if $W$ stretches them (spectral radius above 1), it **explodes**: one update
# throws the weights away, and the loss becomes infinite or NaN. This chapter measures both
# with `tangshi lab gradients`, then clips, then makes a NaN and watches tangshi's trainer
# catch it.

# %%
import math

import course
import torch

from tangshi.lab import gradients, plots

norms = gradients.gradient_norms(length=40, hidden=32, batch=8, seed=0)
clipping = gradients.clipping_run(seed=0)
png = plots.plot_gradients(norms, clipping, course.scratch("ch2") / "gradients.png")
course.show_png(png)

# %% [markdown]
# Panel (a): at initialisation, the loss at the last step only, the norm of $\partial L / \partial h(t)$
# for every $t$. The Elman RNN's falls by a constant factor per step back; the gated cells'
# (chapter 3) much more slowly, and with the "keep" gate opened by a bias of +1 hardly at all.
# The factor per step, a geometric mean over the 40 steps:

# %%
for name, factor in norms["decay_per_step"].items():
    n = norms["norms"][name]
    print(f"{name:>18}: shrinks {1 / factor:.2f}× per step back;  ||dL/dh(0)|| / ||dL/dh(T−1)|| = {n[0] / n[-1]:.1e}")
decay = norms["decay_per_step"]
assert decay["rnn"] < decay["lstm"] < decay["lstm_forget_bias"]
assert norms["norms"]["rnn"][0] < 1e-3 * norms["norms"]["lstm"][0]  # 40 steps back: three orders smaller

# %% [markdown]
# ## Exploding, and clipping
#
# Panels (b) and (c): an Elman RNN whose $W$ is rescaled to spectral radius 3, trained with plain
# SGD (the step is $\eta\, g$, so its size is the gradient's). Without clipping the first
# gradient is in the hundreds and one step multiplies $\|W\|$ many times over; the network is
# left saturated and stops learning. Clipping rescales the gradient to a norm of at most 1
# whenever it is larger — $g \leftarrow g \cdot \min(1, 1/\|g\|)$ — so no single cliff can
# throw the weights away, and the same run learns.

# %%
runs = clipping["runs"]
start = runs["clip"]["weight_norm"][0]
for key in ("no_clip", "clip"):
    r = runs[key]
    print(f"{key:>8}: first gradient norm {r['grad_norm'][0]:9.1f}; ||W|| after the first step "
          f"{r['weight_norm'][0]:8.1f}, max {max(r['weight_norm']):8.1f}; final loss {r['loss'][-1]:.3f}")
assert runs["no_clip"]["grad_norm"][0] > 100
assert runs["no_clip"]["weight_norm"][0] > 10 * 3 * math.sqrt(64)  # thrown away in one step
assert max(runs["clip"]["weight_norm"]) < 2 * 3 * math.sqrt(64)
assert runs["clip"]["loss"][-1] < runs["no_clip"]["loss"][-1]

# %% [markdown]
# ## A NaN, made and caught
#
# Push harder — the same exploding RNN, no clipping, SGD with $\eta = 10$ — and compute
# $\hat y = \mathrm{softmax}(o)$ literally as written, $e^{o_k} / \sum_j e^{o_j}$. Each unclipped step
# makes the scores $o$ larger; past $o \approx 88$, $e^{o}$ is beyond float32 and becomes $\infty$,
# then $\infty / \infty$ is NaN. Once one parameter is NaN every output is, and so is every later
# gradient: the run cannot recover by itself.

# %%
torch.manual_seed(0)
g = torch.Generator().manual_seed(0)
cfg = gradients.ClipConfig()
layer = gradients._exploding_rnn(cfg, g)
readout = torch.nn.Linear(cfg.hidden, cfg.vocab)
table = torch.randn(cfg.vocab, cfg.hidden, generator=g)  # (V, H) fixed inputs
opt = torch.optim.SGD([*layer.parameters(), *readout.parameters()], lr=10.0)
losses = []
for step in range(12):
    tokens = torch.randint(cfg.vocab, (cfg.batch, cfg.length), generator=g)
    out, _ = layer(table[tokens])  # (B, T, H)
    o = readout(out[:, -1])  # (B, V)
    yhat = torch.exp(o) / torch.exp(o).sum(1, keepdim=True)  # the softmax as written
    loss = -torch.log(yhat[torch.arange(len(o)), tokens[:, -2]]).mean()
    losses.append(loss.item())
    opt.zero_grad()
    loss.backward()
    opt.step()
print("losses:", [round(x, 2) for x in losses])
first_bad = next(i for i, x in enumerate(losses) if not math.isfinite(x))
print(f"first non-finite loss at step {first_bad}; the readout's weights are now "
      f"{readout.weight.abs().max().item()}")
assert losses[1] > losses[0] and any(math.isnan(x) for x in losses)
assert math.isnan(readout.weight.abs().max().item())  # the NaN reached the weights

# %% [markdown]
# Two lessons. Compute the loss the way libraries do, by log-sum-exp:
# $\log \hat y_k = o_k - m - \log \sum_j e^{o_j - m}$ with $m = \max_j o_j$ — no exponent
# overflows, which is what `torch.nn.functional.cross_entropy` does:

# %%
big = torch.tensor([[100.0, 90.0, 0.0]])
print("as written:", (torch.exp(big) / torch.exp(big).sum()).tolist(),
      " log-sum-exp:", torch.log_softmax(big, dim=1).exp().tolist())
assert torch.isnan(torch.exp(big) / torch.exp(big).sum()).any()
assert torch.isfinite(torch.log_softmax(big, dim=1)).all()

# %% [markdown]
# And guard the run, because even a stable loss can blow up when the weights do.

# %% [markdown]
# tangshi's trainer (`tangshi/train.py`) guards against this. A step whose loss or gradient
# is not finite is *skipped* (no update: the weights stay good); after `bad_step_limit` (3)
# such steps in a row it reloads the last good checkpoint and halves the learning rate; after
# `max_recoveries` of those it stops with exit code 1, the last good checkpoint intact.
# `--inject-nan` makes chosen steps' losses NaN to watch it work — here steps 6, 7 and 8 of a
# tiny poet trained on the fixture corpus:

# %%
import json

from tangshi.corpus.build import load_dataset
from tangshi.data import encode_poems
from tangshi.model import ModelConfig, PoemModel
from tangshi.train import TrainConfig, Trainer

ds = load_dataset(course.corpus_home())
out = course.scratch("ch2-run")
cfg = TrainConfig(out=str(out), steps=12, batch_size=16, eval_every=4, lr=5e-3, warmup=2, device="cpu",
                  inject_nan=(6, 7, 8), log_every=1)
torch.manual_seed(0)
model = PoemModel(ModelConfig(vocab_size=len(ds.vocab), emb=32, hidden=48, enc_hidden=16))
result = Trainer(model, ds.vocab, encode_poems(ds.split("train"), ds.vocab, 128),
                 encode_poems(ds.split("valid"), ds.vocab, 128), cfg).fit()
events = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
for e in events:
    if e["event"] in ("skip", "recover"):
        print({k: e[k] for k in ("event", "step", "loss", "why", "from", "lr_scale") if k in e})
print(f"finished at step {result['step']}: valid loss {result['valid_loss']:.3f}, "
      f"{result['skipped']} skipped steps, {result['recoveries']} recovery")
assert [e["step"] for e in events if e["event"] == "skip"][:3] == [6, 7, 8]
assert result["recoveries"] == 1 and math.isfinite(result["valid_loss"])

# %% [markdown]
# Three NaN steps in a row, no update made on any of them; then the run went back to its
# checkpoint at step 4, halved the learning rate, and finished with finite weights. (Injected
# faults are transient: replayed, the steps succeed.) On the real corpus the poet's own
# training uses clipping at 1.0 as well (`TrainConfig.clip`), and `tangshi lab gradients`
# draws the figure above at full size.
