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
# # Chapter 1 — The Elman RNN from its equations
#
# A recurrent network reads a sequence one item at a time and carries a hidden state from
# step to step. The Elman RNN, the simplest one, in the tutorial's notation:
#
# $$a(t) = W h(t-1) + U x(t) + b,\qquad h(t) = \tanh a(t),\qquad o(t) = V h(t) + c,\qquad \hat y(t) = \mathrm{softmax}\, o(t)$$
#
# $x(t)$ is the input at step $t$ (for the poet: the previous character's embedding),
# $h(t)$ the hidden state, $o(t)$ one score per character and $\hat y(t)$ the predicted
# distribution of the next one. The same $U, W, b, V, c$ serve every step: that sharing is
# what makes it recurrent.
#
# This chapter writes the forward pass out by hand, checks it against tangshi's layer
# (`tangshi.nn.RNN`, used by the poet when `--cell rnn`) and PyTorch's, derives
# backpropagation through time (BPTT) for a tiny case and checks it against autograd, and
# shows the difference between training (teacher forcing) and deployment (feeding the model
# its own output).

# %%
import math

import course  # noqa: F401  (one thread, the fixture corpus)
import torch

import tangshi.nn as tnn

torch.manual_seed(0)
D, H, K, T = 4, 3, 5, 6  # input size, hidden size, output classes, steps
U = torch.randn(H, D, dtype=torch.float64) * 0.5  # (H, D)
W = torch.randn(H, H, dtype=torch.float64) * 0.5  # (H, H)
b = torch.randn(H, dtype=torch.float64) * 0.1  # (H,)
V = torch.randn(K, H, dtype=torch.float64) * 0.5  # (K, H)
c = torch.zeros(K, dtype=torch.float64)  # (K,)
x = torch.randn(T, D, dtype=torch.float64)  # (T, D): one input per step
y = torch.randint(K, (T,))  # (T,): the target at each step


def forward(U, W, b, V, c, x):
    """The equations, one step at a time: the states h(0..T) and the predictions ŷ(1..T)."""
    h = torch.zeros(H, dtype=x.dtype)  # h(0) = 0
    hs, yhat = [h], []
    for t in range(len(x)):
        a = W @ h + U @ x[t] + b  # a(t)
        h = torch.tanh(a)  # h(t)
        o = V @ h + c  # o(t)
        hs.append(h)
        yhat.append(torch.softmax(o, dim=0))  # ŷ(t)
    return hs, yhat


hs, yhat = forward(U, W, b, V, c, x)
print("h(1..T):\n", torch.stack(hs[1:]).numpy().round(4))

# %% [markdown]
# ## The same numbers from tangshi's layer and from PyTorch's
#
# `tangshi.nn.RNN` keeps PyTorch's parameter names: `weight_ih` is $U$, `weight_hh` is $W$, and
# the bias is split in two, `bias_ih + bias_hh` $= b$. Its `reference` implementation runs the
# time loop in Python from `ElmanCell.recur`; `fused` calls PyTorch's kernel.

# %%
ours = {impl: tnn.RNN(D, H, impl=impl).double() for impl in ("reference", "fused")}
theirs = torch.nn.RNN(D, H, batch_first=True).double()
for layer in (*ours.values(), theirs):
    with torch.no_grad():
        layer.weight_ih_l0.copy_(U)
        layer.weight_hh_l0.copy_(W)
        layer.bias_ih_l0.copy_(b)
        layer.bias_hh_l0.zero_()
by_hand = torch.stack(hs[1:])  # (T, H)
for name, layer in [*ours.items(), ("torch.nn.RNN", theirs)]:
    out, _ = layer(x[None])  # (1, T, H): batch-first
    gap = (out[0] - by_hand).abs().max().item()
    print(f"{name:>12}: max |h − h_by_hand| = {gap:.1e}")
    assert gap < 1e-12

# %% [markdown]
# ## Backpropagation through time, by hand
#
# With the loss $L = -\sum_t \log \hat y(t)[y(t)]$ the gradients follow from the chain rule,
# walking back from the last step (this is BPTT). Write $e_{y}$ for the one-hot vector of $y$:
#
# $$\delta o(t) = \hat y(t) - e_{y(t)},\qquad \frac{\partial L}{\partial V} = \sum_t \delta o(t)\, h(t)^\top,\qquad \frac{\partial L}{\partial c} = \sum_t \delta o(t)$$
#
# $$\delta h(t) = V^\top \delta o(t) + W^\top \delta a(t+1),\qquad \delta a(t) = \delta h(t) \odot \left(1 - h(t)^2\right)$$
#
# $$\frac{\partial L}{\partial W} = \sum_t \delta a(t)\, h(t-1)^\top,\qquad \frac{\partial L}{\partial U} = \sum_t \delta a(t)\, x(t)^\top,\qquad \frac{\partial L}{\partial b} = \sum_t \delta a(t)$$
#
# with $\delta a(T+1) = 0$. The term $W^\top \delta a(t+1)$ is the gradient travelling back
# through time: each step multiplies it by $W^\top$ and by $\operatorname{diag}(1 - h^2)$ —
# chapter 2 is about what that repeated product does.

# %%
def bptt(U, W, b, V, c, x, y):
    hs, yhat = forward(U, W, b, V, c, x)
    dU, dW, db, dV, dc = (torch.zeros_like(p) for p in (U, W, b, V, c))
    da_next = torch.zeros(H, dtype=x.dtype)  # δa(T+1) = 0
    for t in reversed(range(len(x))):
        h, h_prev = hs[t + 1], hs[t]
        do = yhat[t].clone()
        do[y[t]] -= 1  # δo(t) = ŷ(t) − e_y(t)
        dV += torch.outer(do, h)
        dc += do
        dh = V.T @ do + W.T @ da_next  # δh(t)
        da = dh * (1 - h**2)  # δa(t): through tanh
        dW += torch.outer(da, h_prev)
        dU += torch.outer(da, x[t])
        db += da
        da_next = da
    return {"U": dU, "W": dW, "b": db, "V": dV, "c": dc}


by_hand = bptt(U, W, b, V, c, x, y)
params = {name: p.clone().requires_grad_() for name, p in zip("UWbVc", (U, W, b, V, c))}
_, yhat_auto = forward(*params.values(), x)
loss = -sum(torch.log(yhat_auto[t][y[t]]) for t in range(T))
loss.backward()
for name, p in params.items():
    gap = (p.grad - by_hand[name]).abs().max().item()
    print(f"dL/d{name}: max |autograd − by hand| = {gap:.1e}")
    assert gap < 1e-12

# %% [markdown]
# ## Training and deployment: teacher forcing, then the model's own output
#
# In training, the input at each step is the *real* previous item (teacher forcing): the
# network learns $p(y(t) \mid y(<t))$ from true prefixes, and every step of a sequence is
# computed at once. Deployed, there is no true prefix: the model reads what it wrote itself.
# A toy makes the difference visible. An Elman RNN learns to count, `0 1 2 … 9 0 1 …`, from
# sequences that now and then jump to a random digit and count on from there (so it must
# read its input, not just keep time). Then one input of a test sequence is corrupted. With
# teacher forcing the next input is true again and the model recovers at once; fed its own
# output, it counts on from its mistake, and every later prediction is off.

# %%
torch.manual_seed(0)


def counting(n, jump=0.1):
    """(n,) digits counting up mod 10, jumping to a random digit with probability ``jump``."""
    out = [int(torch.randint(10, ()))]
    for _ in range(n - 1):
        out.append(int(torch.randint(10, ())) if torch.rand(()) < jump else (out[-1] + 1) % 10)
    return torch.tensor(out)


embed, rnn, readout = torch.nn.Embedding(10, 16), tnn.RNN(16, 32), torch.nn.Linear(32, 10)
params = [*embed.parameters(), *rnn.parameters(), *readout.parameters()]
opt = torch.optim.Adam(params, lr=1e-2)
for step in range(300):
    batch = torch.stack([counting(20) for _ in range(16)])  # (16, 20)
    h, _ = rnn(embed(batch[:, :-1]))  # teacher forcing: the true previous digit at every step
    loss = torch.nn.functional.cross_entropy(readout(h).reshape(-1, 10), batch[:, 1:].reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
best = -(0.91 * math.log(0.91) + 9 * 0.01 * math.log(0.01))  # the next digit's entropy: jumps are unpredictable
print(f"training loss after 300 steps: {loss.item():.3f} nats; the best any model can do: {best:.3f}")
assert loss.item() < best + 0.15

truth = torch.arange(26) % 10
corrupt = truth.clone()
corrupt[5] = 9  # ... 3 4 [9] 6 7 ...


@torch.no_grad()
def teacher_forced(inputs):
    """The prediction after each input, every input being the given (true) sequence."""
    h, _ = rnn(embed(inputs[None, :-1]))
    return readout(h)[0].argmax(-1)  # (T − 1,)


@torch.no_grad()
def free_running(prefix, n):
    """Read ``prefix``, then write ``n`` more, each output fed back as the next input."""
    out = list(prefix.tolist())
    h, state = rnn(embed(prefix[None]))
    for _ in range(n):
        nxt = readout(h[:, -1]).argmax(-1)  # its own output ...
        out.append(int(nxt))
        h, state = rnn(embed(nxt[None]), state)  # ... is its next input
    return torch.tensor(out)


tf = teacher_forced(corrupt)  # tf[t] predicts corrupt[t + 1]
fr = free_running(corrupt[:6], 20)
tf_errors = int((tf[5:] != truth[6:]).sum())
fr_errors = int((fr[6:] != truth[6:]).sum())
print("truth after the corruption  ", truth[6:].tolist())
print("teacher forced predicts     ", tf[5:].tolist(), f"→ {tf_errors} wrong")
print("fed its own output it writes", fr[6:].tolist(), f"→ {fr_errors} wrong")
assert tf_errors <= 2 and fr_errors >= 15

# %% [markdown]
# One wrong input costs teacher forcing one prediction; fed its own output, the model never
# returns to the truth. This is the *exposure bias* of models trained with teacher forcing:
# in training they never saw their own mistakes. tangshi's poet is trained this way too, and
# its decoder (`tangshi/decoding/loop.py`) is where the rules of the form step in, so that a poem's
# first mistakes in tone or rhyme cannot happen at all — chapter 7.
