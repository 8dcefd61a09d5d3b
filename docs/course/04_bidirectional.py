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
# # Chapter 4 — Reading both ways: the bidirectional RNN as the poet's title encoder
#
# A recurrent network's state at step $t$ has read only $x(1..t)$. For the next character
# of a poem that is exactly right — the future is not written yet. A *title* is given whole,
# though, and the meaning of its first character may depend on its last. The bidirectional
# RNN runs two recurrences, one forward and one backward, and keeps both states:
#
# $$\overrightarrow{h}(t) = f\big(\overrightarrow{h}(t-1), x(t)\big),\qquad
# \overleftarrow{h}(t) = f\big(\overleftarrow{h}(t+1), x(t)\big),\qquad
# s(t) = \big[\overrightarrow{h}(t);\ \overleftarrow{h}(t)\big]$$
#
# so $s(t)$ has read the whole title, from both sides of $t$. tangshi's poet encodes its title
# this way (`tangshi/model.py`, `Encoder`: a bidirectional GRU, 256 per direction); the decoder
# starts from $h_0 = \tanh(W \bar s)$, $\bar s$ the mean of the $s(t)$, and at every step attends
# over the $s(t)$ (chapter 8 writes with it). Here we look at those states in the shipped model.

# %%
import course
import torch

from tangshi.data import encode_title
from tangshi.poet import Poet
from tangshi.script import to_model

poet = Poet.load()
model, vocab = poet.model.eval(), poet.vocab
E = model.cfg.enc_hidden


@torch.no_grad()
def title_states(title: str) -> torch.Tensor:
    """(M, 2E) the encoder's states s(t) over <bos> and the title's characters."""
    text, _ = to_model(title, vocab)  # the model's script (traditional characters)
    ids = torch.tensor([encode_title(text, vocab)])  # (1, M)
    states, _, _ = model.encoder(ids)  # (1, M, 2E)
    return states[0]


a, b = title_states("秋夜寄友"), title_states("秋夜寄弟")  # the last character differs
print("positions: <bos> 秋 夜 寄 友|弟;  each state has", a.shape[1], "numbers: forward", E, "+ backward", E)
fwd = (a[:, :E] - b[:, :E]).norm(dim=1)  # forward halves
bwd = (a[:, E:] - b[:, E:]).norm(dim=1)  # backward halves
print("‖forward(秋夜寄友) − forward(秋夜寄弟)‖ per position: ", [round(x, 3) for x in fwd.tolist()])
print("‖backward(秋夜寄友) − backward(秋夜寄弟)‖ per position:", [round(x, 3) for x in bwd.tolist()])
assert fwd[:-1].max() == 0 and fwd[-1] > 0  # forward: only the last state has read the change
assert (bwd > 0).all()  # backward: every state has

# %% [markdown]
# The forward states of the two titles are identical until the character that differs: they
# have not read it yet. Every backward state differs, the first included: reading from the
# end, it saw 友 or 弟 first. A picture of both halves for 秋夜寄友 (each row one position t,
# 1–4 being 秋 夜 寄 友; each column one of the encoder's numbers):

# %%
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(12, 2.6))
for ax, (name, part) in zip(axes, (("forward  →", a[:, :E]), ("backward ←", a[:, E:]))):
    ax.imshow(part[:, :64].numpy(), aspect="auto", cmap="RdBu", vmin=-1, vmax=1)
    ax.set(title=f"{name} states (first 64 of {E} units)", xlabel="unit", ylabel="position t")
    ax.set_yticks(range(5), ["0 <bos>", "1", "2", "3", "4"])  # 秋 夜 寄 友 (no CJK font is assumed)
fig.tight_layout()
fig.savefig(course.scratch("ch4") / "states.png", dpi=80)
course.show(fig)

# %% [markdown]
# ## What the summary carries
#
# The decoder's first state comes from the mean state $\bar s$. Titles about the same thing
# should land near each other, a title about something else further away. Cosine similarity
# of the summaries:

# %%
def summary(title: str) -> torch.Tensor:
    return title_states(title).mean(0)


def cosine(x: str, y: str) -> float:
    return torch.nn.functional.cosine_similarity(summary(x), summary(y), dim=0).item()


pairs = [("秋夜寄友", "秋夜寄弟"), ("秋夜寄友", "秋夕寄人"), ("秋夜寄友", "从军行"), ("秋夜寄友", "春日游园")]
for x, y in pairs:
    print(f"{x} · {y}: {cosine(x, y):+.3f}")
sims = [cosine(x, y) for x, y in pairs]
assert sims[0] > sims[2] and sims[0] > sims[3]  # a one-character change stays closer than another subject

# %% [markdown]
# The poet is trained with the title dropped for a quarter of its poems (`TrainConfig.title_drop`),
# so it also writes without one; the gap between a poem's probability with and without its
# title (the title's PMI, `tangshi eval`) is how much the encoder's reading changes what it
# writes.
