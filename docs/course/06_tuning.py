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
# # Chapter 6 — Tuning: the learning rate and the number of iterations
#
# "设置合适的超参数，例如学习率和迭代次数" — set suitable hyperparameters, such as the learning
# rate and the number of iterations. `tangshi lab tune` shows what each does. It trains chapter
# 5's small model once per learning rate $\eta$ — the same initial weights, the same batches,
# Adam at a constant $\eta$, clipping at 1 — and measures the validation loss as the
# iterations go by. Adam's step is about $\eta$ per weight whatever the gradient's size, so $\eta$
# sets how far each update moves: too far and the loss is thrown past where it started; too
# short and the run spends all its iterations getting nowhere.

# %%
import course
from tangshi.lab import plots, report, tune

cfg = tune.TuneConfig(lrs=(1e-4, 1e-3, 1e-2, 1.0), steps=120, eval_every=20, valid=50)
result = tune.run(cfg, home=course.corpus_home())
print(report.tune_table(result))
course.show_png(plots.plot_tune(result, course.scratch("ch6") / "tune.png"))

# %% [markdown]
# Read the three panels left to right.
#
# **(a) η too high.** At $\eta = 1$ the first updates throw the weights so far that the loss is
# past $\ln V$ — worse than a uniform guess — within a few steps. The lab's guard
# (`tangshi.lab.charlm.Guard`: a loss that is not finite, or more than 1 nat above $\ln V$)
# stops the run there, as tangshi's trainer stops and recovers a NaN (chapter 2).

# %%
runs, advice = result["runs"], result["advice"]
assert runs["1"]["diverged_at"] is not None and runs["1"]["diverged_at"] <= 10
assert advice["diverged"] == ["1"]

# %% [markdown]
# **η too low.** At $\eta = 10^{-4}$ nothing goes wrong, and nothing much happens: after every
# iteration of the budget its validation loss is still far above what $10^{-2}$ reached in a
# fraction of them.

# %%
assert runs["0.0001"]["final_valid"] > runs["0.01"]["best_valid"] + 0.5
assert "0.0001" in advice["too_low"]

# %% [markdown]
# **(b) Iterations.** For the good rates the validation loss falls fast and then slowly. On a
# small set of poems it then turns *up* while the training loss keeps falling (panel a): the
# model has begun to learn its training poems by heart. The lowest point is where more
# iterations stopped helping — with more poems it comes later, which is why the real
# poet trains for thousands of steps on 50,000 poems, keeps the checkpoint with the best
# validation loss (`best`), and decays its learning rate over the run.

# %%
best = runs[f"{advice['best_lr']:g}"]
print(f"best η {advice['best_lr']:g}: lowest validation loss {best['best_valid']:.3f} at step {best['best_step']}, "
      f"{best['final_valid']:.3f} at the end; within {cfg.plateau} nats of its best from step {advice['enough_steps']}")
assert advice["best_lr"] in (1e-3, 1e-2)
fast = runs["0.01"]
assert fast["best_step"] < cfg.steps and fast["final_valid"] > fast["best_valid"] + 0.1  # it turned up
assert sum(fast["train_loss"][-10:]) / 10 < fast["best_valid"] - 1.0  # while the training loss fell on

# %% [markdown]
# **(c) The U.** Best validation loss against $\eta$ on a log scale: slow on the left, the
# guard's crosses on the right, a floor between. Where that floor is depends on the model,
# the batch and the budget; the advice that carries over is the method — sweep $\eta$ by
# factors of 10, take the floor, then refine by factors of 2–3, and choose the number of
# iterations from the validation curve, not the training loss.
#
# The same sweep on 1,000 real poems of the built corpus, 400 iterations (`tangshi lab tune`,
# its defaults; about 5 minutes on one CPU thread):
#
# ![tangshi lab tune on the real corpus](../img/lab-tune.png)
#
# tangshi's own recipe was found the same way, at full size: BENCHMARKS.md's recipe study
# compares peak learning rates 2e-3 and 4e-3, warm-up lengths and batch sizes at equal
# wall-clock time, and the default (`TrainConfig`: AdamW, peak 4e-3, 100 warm-up steps, cosine
# decay to 5%) is the winner.
