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
# # Chapter 7 — Rules and conditions
#
# Chapter 5's model wrote plausible characters in no form at all. tangshi's poet keeps the
# form *by construction*: at every step of decoding, the characters the chosen pattern forbids
# get probability zero, and the rest is renormalised (`tangshi/masks/constraints.py`,
# `tangshi/decoding/processors/rules.py`). This chapter looks at the masks on single steps of a real poem, at the
# checker's verdict, and at the outside conditions the poet takes — the title, and the mood.
#
# The rules (`docs/rules.md` has them in full): each of the four forms has four tone patterns
# of 平 (level, ○) and 仄 (oblique, ●); the even lines rhyme, in one 平 group of the 平水韵; and
# the lines are tied by 粘 and 对.

# %%
import course  # noqa: F401
import torch

from tangshi.corpus.build import CorpusPoem
from tangshi.data import collate, encode_poems
from tangshi.poet import Poet
from tangshi.prosody import check
from tangshi.masks.constraints import VocabProsody
from tangshi.prosody.render import render_report
from tangshi.script import from_model, to_model
from tangshi.masks.slots import of_report, ping_groups, poem_slots

lines = ("白日依山尽", "黄河入海流", "欲穷千里目", "更上一层楼")  # 王之涣《登鹳雀楼》
report = check("，".join(lines))
print(render_report(report))
pattern, group = of_report("五言绝句", report)
assert report.ok and report.rhyme_group == "十一尤"

# %% [markdown]
# ## The masks on one step
#
# Teacher-force the poem through the shipped poet (title 登鹳雀楼) and look at two steps: line 2,
# character 3 (the pattern asks for 仄 there) and line 4, character 5 (the rhyme: 平, and in
# 十一尤). For each, the model's ten likeliest characters, and which the mask keeps.

# %%
poet = Poet.load()
model, vocab = poet.model.eval(), poet.vocab
cp = CorpusPoem(to_model("登鹳雀楼", vocab)[0], "王之涣", tuple(to_model(x, vocab)[0] for x in lines),
                "五言绝句", "test", "唐")
data = encode_poems([cp], vocab, 128, dynasties=model.cfg.n_dynasties > 0, slots=model.cfg.rule_inputs)
with torch.inference_mode():
    logp = model.log_probs(collate(data, [0], vocab.bos))[0]  # (T, V): log ŷ(t) for every target
slots = poem_slots(pattern, group, logp.shape[0])  # per target: (tone, position, line, group)
vp = VocabProsody.from_vocab(vocab.chars)
rhyme = vp.rhyme[vp.group_names.index(ping_groups()[group - 1])]
masks = {1: vp.may_ping, 2: vp.may_ze, 3: vp.may_ping | vp.may_ze, 4: rhyme}  # tone 1 平, 2 仄, 3 free, 4 rhyme


def show_step(line: int, pos: int) -> float:
    t = line * 6 + pos  # five characters and a punctuation mark per line
    tone = slots[t][0]
    allowed = masks[tone]
    p = logp[t].exp()
    kept = float(p[allowed].sum())
    print(f"line {line + 1}, character {pos + 1}: the pattern wants {['', '平', '仄', 'either', '平 rhyme in ' + ping_groups()[group - 1]][tone]}; "
          f"the mask keeps {kept:.0%} of the model's probability")
    for i in p.topk(10).indices.tolist():
        mark = "kept   " if allowed[i] else "removed"
        print(f"   {from_model(vocab.chars[i], 'simplified')}  {p[i]:.3f}  {mark}  → {p[i] / kept if allowed[i] else 0:.3f}")
    return kept


kept_ze = show_step(1, 2)
kept_rhyme = show_step(3, 4)
assert 0 < kept_rhyme < 1 and 0 < kept_ze < 1
t = 3 * 6 + 4
assert masks[4][vocab.index[to_model("楼", vocab)[0]]]  # the poet's real rhyme is allowed

# %% [markdown]
# What is removed is gone; what is kept is scaled up by $1/\text{kept}$ (the arrow). Over real
# poems the masks keep 95–98% of the shipped poet's probability on average, least in 五绝
# (`python bench/kept_mass.py`, MODEL_CARD.md); the rest is what the network wanted that the form
# does not allow. The rule-aware inputs (each step is told its tone, position, line and rhyme
# group) help it want what the form allows: at equal training compute they raised this share by
# 0.06–0.11 in every form (BENCHMARKS.md).
#
# ## The checker's verdict
#
# Change the last character to 台, also 平 but in 十灰, and the checker explains what broke:

# %%
broken = check("白日依山尽，黄河入海流。欲穷千里目，更上一层台。")
print(render_report(broken))
assert not broken.ok and "chu_yun" in broken.kinds()

# %% [markdown]
# (It reads the poem as rhyming in 十灰 — the last rhyme's group — and so finds line 2's 流 out of
# rhyme: 出韵.) With the rules off (`rules="off"`) the decoder is just the network, and its poems
# fail as chapter 5's did, only less often; strict, every one passes (the checker reading
# each 多音字 in context, its default):

# %%
for rules in ("off", "strict"):
    poems = [poet.write(form="五言律诗", title="登楼", seed=s, rules=rules)[0] for s in range(4)]
    ok = [check("，".join(p.lines)).ok for p in poems]
    print(f"rules {rules:>6}: {sum(ok)} of {len(ok)} pass the checker; e.g. {'，'.join(poems[0].lines)}")
assert all(ok)

# %% [markdown]
# ## Conditions: the title and the mood
#
# The title enters through the encoder (chapter 4): the same seed, two titles, two poems.
# The mood (喜 悲 愁 闲 壮 思, `tangshi/mood`) enters like the form, as an embedding added to every
# input — for a model trained with it — and, since that weak label alone hardly steers, as a bias
# toward the mood's words while decoding (`tangshi/decoding/processors/mood.py`, docs/conditions.md). A model
# trained without says so, in one line:

# %%
for title in ("送别", "边塞"):
    print(title, "：", "，".join(poet.write(form="五言绝句", title=title, seed=0)[0].lines))
from tangshi.errors import InputError

if model.cfg.n_moods:
    print("愁：", "，".join(poet.write(form="五言绝句", title="秋夜", mood="愁", seed=0)[0].lines))
else:
    try:
        poet.write(form="五言绝句", title="秋夜", mood="愁", seed=0)
        raise AssertionError("a model without moods must refuse one")
    except InputError as err:
        print("this poet:", err)
