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
# # Chapter 5 — A character model of Tang poems
#
# The tutorial's project starts here: train a recurrent network character by character on
# Tang poems, then let it write. `tangshi.lab.charlm` is the smallest such poet — an
# embedding, one LSTM layer and the output layer $o(t) = V h(t) + c$, trained on poem bodies
# (lines joined by ，and 。) with the cross-entropy of chapter 1, Adam and clipping at 1. It
# knows nothing of titles, forms, tones or rhyme. We train one in under a minute on the
# course's poems (the fixture of real 全唐诗 poems; `COURSE_CORPUS=real` uses your own build),
# sample it, and hand the samples to the checker.

# %%
import math

import course
import torch

from tangshi.lab import charlm

data = charlm.poem_slice(poems=2000, valid=200, home=course.corpus_home())
print(f"{len(data.train)} training poems, {len(data.valid)} validation poems, "
      f"{len(data.vocab)} characters; a first body: {data.texts[0]}")
torch.manual_seed(0)
model = charlm.CharLM(len(data.vocab), emb=64, hidden=128, cell="lstm")
record = charlm.train(model, data.train, data.valid, lr=3e-3, steps=200, batch=32, eval_every=50, seed=0)
chance = math.log(len(data.vocab))
for step, loss in record["valid"]:
    print(f"step {step:>4}: validation loss {loss:.3f} nats per character (perplexity {math.exp(loss):7.1f})")
print(f"knowing nothing — a uniform guess — scores ln V = {chance:.3f}")
assert record["diverged_at"] is None
assert record["valid"][-1][1] < chance - 1.0  # it has learnt something: > 1 nat below a uniform guess

# %% [markdown]
# ## Writing: the model fed its own output
#
# Sampling starts from the start mark and draws each next character from $\hat y(t)$, feeding
# it back as the next input (chapter 1's deployment), until the model writes the end mark.

# %%
from tangshi.prosody import check
from tangshi.script import from_model

samples = charlm.sample(model, data.vocab, 12, temperature=0.8, max_len=80, seed=1)
reports = [check(from_model(s, "simplified")) for s in samples]
for s, r in zip(samples, reports):
    lines = [x for x in s.replace("。", "，").split("，") if x]
    shape = "/".join(str(len(x)) for x in lines)
    print(f"{s}\n    lines {shape or '-'}; {r.form or 'no regulated form'}; "
          f"{'passes' if r.ok else 'fails: ' + ', '.join(sorted(set(r.kinds()))[:4])}")

# %% [markdown]
# ## Why the samples break the form
#
# A 五言绝句 is four lines of five characters; each position's tone is fixed by one of four
# patterns; lines 2 and 4 rhyme in one group of the 平水韵 (`docs/rules.md`). The model has only
# seen that these things are *likely*: it counts characters through its hidden state, and a
# line of six or a 仄 where a 平 must be costs it nothing in particular. Every sample is a
# string of plausible characters; almost none is a poem of the form:

# %%
shapes = [r.form for r in reports]
passed = sum(r.ok for r in reports)
print(f"{sum(f is not None for f in shapes)} of {len(samples)} samples have a regulated shape; "
      f"{passed} pass the checker")
assert passed <= len(samples) // 4

# %% [markdown]
# The shipped poet passes the same checker on every poem, in every form, because its decoder
# does not ask the network to learn the rules: at each step it removes what the pattern forbids
# (chapter 7). With a bigger network, a title, and 50,000 poems, it is the same kind of model:

# %%
from tangshi.poet import Poet

poet = Poet.load()
for seed in range(3):
    p = poet.write(form="五言绝句", title="秋夜", seed=seed)[0]
    text = charlm.body(p.lines)
    ok = check(from_model(text, "simplified")).ok
    print(text, "— passes" if ok else "— fails")
    assert ok
