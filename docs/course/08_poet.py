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
# # Chapter 8 — The poet
#
# Everything so far, assembled: a title read both ways (chapter 4), a 2-layer LSTM decoder
# (chapter 3) trained by teacher forcing with clipping and a NaN guard (chapters 1–2) at a
# learning rate chosen by measurement (chapter 6), writing under the rules' masks (chapter 7).
# This chapter uses the shipped model as a user does — write, check, evaluate — and ends
# with where to go next.

# %%
import json
import os
import subprocess
import sys

import course
from tangshi.poet import Poet
from tangshi.prosody import check
from tangshi.prosody.render import render_report

poet = Poet.load()
print(f"the shipped poet: {poet.model.cfg.cell.upper()} {poet.model.cfg.layers}×{poet.model.cfg.hidden}, "
      f"{poet.model.num_parameters():,} parameters, {len(poet.vocab):,} characters")
poems = poet.write(form="七言律诗", title="秋夜", n=2, seed=3)
for p in poems:
    print(p.title, "\n" + "\n".join(p.lines))
    report = check("，".join(p.lines), duizhang=True)
    assert report.ok

# %% [markdown]
# `check` is the same checker `tangshi check` runs: the pattern it found, each character's tone,
# and for a 律诗 each couplet's 对仗 (`docs/duizhang.md`):

# %%
print(render_report(check("，".join(poems[0].lines), duizhang=True)))

# %% [markdown]
# An acrostic for a friend, and the continuation of a line you give:

# %%
acrostic = poet.write(form="七言绝句", acrostic="春风得意", seed=0)[0]
print("\n".join(acrostic.lines))
assert [line[0] for line in acrostic.lines] == list("春风得意")
cont = poet.write(form="五言绝句", first_line="床前明月光", seed=0)[0]
print("\n".join(cont.lines))
assert cont.lines[0] == "床前明月光" and check("，".join(cont.lines)).ok

# %% [markdown]
# ## Evaluating
#
# `tangshi eval` writes poems for test titles in every form and mode, checks them all, and
# measures what a reader would notice (`docs/quality.md`): the judge score (a separate model's
# fluency reading), characters used twice, title use, and for 律诗 the 对仗 of the middle couplets,
# each beside the same figure for real poems. Here on the course's small test split, two poems a
# mode (the figures of the model card come from the real one: `tangshi eval --poems 300`):

# %%
env = {**os.environ, "OMP_NUM_THREADS": "1"}
home = course.corpus_home()
if home is not None:
    env["TANGSHI_HOME"] = str(home)
run = subprocess.run([sys.executable, "-m", "tangshi.cli", "eval", "--poems", "4", "--per-mode", "2", "--json"],
                     capture_output=True, text=True, env=env, check=True)
result = json.loads(run.stdout)
for form, modes in result["generated"].items():
    real = result["real"][form]
    title = modes["title"]
    print(f"{form}: judge {title['judge']:.2f} (real {real['judge']:.2f}); repeats {title['repeats']:.2f} "
          f"(real {real['repeats']:.2f}); pass {min(m['check_pass'] for m in modes.values()):.0%} in every mode")
    assert all(m["check_pass"] == 1.0 for m in modes.values())

# %% [markdown]
# ## Where to go next
#
# - **Train your own.** `tangshi corpus fetch && tangshi corpus build`, then `tangshi train`
#   (`--cell rnn|lstm|gru`, `--hidden`, `--layers`; `tangshi train --help`). On the project's 2-core
#   Intel Xeon (AMX) the default recipe runs about 3,500 characters a second in bf16; BENCHMARKS.md
#   has the recipe study. A CPU without AMX or AVX512-BF16 (most laptops: AVX2 only) trains in fp32
#   instead (`--precision auto` picks it) — the same recipe, as good results, more slowly; BENCHMARKS.md,
#   "Which CPU".
# - **On a GPU**, `scripts/gpu_train.sh` is the whole job in one script (Tang + Song, checkpoints,
#   the ship step). Several processes: `torchrun --nproc_per_node=2 .venv/bin/tangshi train
#   --out runs/ddp` (DDP, gloo on CPU, NCCL on GPU).
# - **Serve it.** `tangshi serve` (127.0.0.1:8000): the web page writes, checks and shows 对仗.
# - **Read the code** in the order of the course: `tangshi/nn` (chapters 1–3), `tangshi/model.py`
#   (4), `tangshi/train.py` (2, 6), `tangshi/prosody` and `tangshi/decoding/loop.py` (7), `tangshi/poet.py` (8).
