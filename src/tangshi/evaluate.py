"""``tangshi eval``: how good is a model? One table, per form and mode, beside real poems.

On the test split (``--split valid`` for tuning) of the built corpus:

- perplexity per form, with the true titles and with empty ones (the conditioning gain);
- for generated poems, per form and mode (``title``: one per real title, the first ``--poems``; ``free``, ``acrostic``
  from real poems' line heads, ``continuation`` of real opening lines, ``beam``), at the
  default settings, and for as many real poems:
  the strict-check pass rate (distinct-n over as many real poems as generated ones); the **judge score** (:mod:`tangshi.judge`: per-character loss of
  an independent right-to-left model, lower is more fluent); the repetition figures of
  :mod:`tangshi.metrics` (characters used more than once per poem, the share of poems with
  any, 叠字 per poem, the most uses of one character); distinct-2; the share of lines copied
  from the training corpus; title use (a title character in the poem) and the title's PMI
  (``log p(poem | title) − log p(poem | ∅)`` per character, under the poet, teacher-forced);
- the spread of the n-best: of three poems asked for at once, the share of distinct lines and
  whether every two differ in two lines or more;
- for 律诗, 对仗 (:mod:`tangshi.duizhang`): the share of middle couplets (颔联, 颈联) the score
  calls parallel and of first and last ones, and the middle couplets' part-of-speech and
  noun-class agreement — for real poems and every mode, and for the title mode written
  without the 对仗 bias (``title-plain``), so that parallelism is not bought with nonsense;
- the **clash** rate (:mod:`tangshi.setting`): the share of poems whose season, hour or place
  contradicts itself or the title, per axis (``clash_season`` …) and on any, for real poems and
  every mode.

The judge's weights ship in the package (``models/judge``); without them the judge column is
left out with a note (``python scripts/train_judge.py`` rebuilds them).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

from tangshi import metrics
from tangshi.corpus.build import HEADLINE
from tangshi.corpus.clean import REGULATED
from tangshi.hanzi import join_lines
from tangshi.prosody.forms import FORM_BY_NAME

EVAL_MODES = ("title", "free", "acrostic", "continuation", "beam", "title-plain")
PLAIN = "title-plain"  # the title mode without the 对仗 bias (律诗 only): what the bias buys, and costs
NBEST = 3  # poems asked for at once when measuring the n-best's spread


@dataclass(frozen=True)
class EvalConfig:
    """What ``tangshi eval`` measures; every default lives here."""

    poems: int = 100       # generated poems per form in the main (title) mode
    per_mode: int = 40     # generated poems per form in each other mode, and n-best lists per form
    seed: int = 0
    split: str = "test"
    judge: str | None = None  # a judge checkpoint directory (default: the shipped one)
    # (form, nats) pairs overriding the decoder's measured repetition penalty in every mode of that form
    repeat_penalty: tuple[tuple[str, float], ...] = ()
    stock: float | None = None  # the stock-pair weight in every mode (None: the decoder's default)

    def __post_init__(self) -> None:
        from tangshi.errors import choice_error, require_in
        from tangshi.request import WriteRequest, resolve_form, spec

        pairs = tuple((resolve_form(f).name, float(v)) for f, v in self.repeat_penalty)
        lim = spec(WriteRequest, "repeat_penalty")  # the request's own range: one home for it
        for _, v in pairs:
            require_in("--repeat-penalty", v, lim.lo, lim.hi, integer=False)
        object.__setattr__(self, "repeat_penalty", pairs)
        if self.stock is not None:
            lim = spec(WriteRequest, "stock")
            require_in("--stock", self.stock, lim.lo, lim.hi, integer=False)
        require_in("--poems", self.poems, 1, 100_000)
        require_in("--per-mode", self.per_mode, 1, 100_000)
        require_in("--seed", self.seed, 0, 2**63 - 1)
        if self.split not in ("valid", "test"):
            raise choice_error("split", self.split, ("valid", "test"))

    def penalty(self, form: str) -> float | None:
        """The repetition penalty asked for ``form`` (a full name), or None: the decoder's own."""
        return dict(self.repeat_penalty).get(form)


def perplexity(model, vocab, poems, empty_titles: bool) -> dict[str, float]:
    """Per-form perplexity of the real poems, teacher-forced, titles kept or blanked."""
    import torch

    from tangshi.data import bucket_batches, collate, encode_poems

    out = {}
    model.eval()
    for form in REGULATED:
        data = encode_poems([p for p in poems if p.form == form], vocab, 128, dynasties=model.cfg.n_dynasties > 0,
                            slots=model.cfg.rule_inputs)
        total, count = teacher_forced_nll(model, data, vocab.bos, empty_titles)
        out[form] = math.exp(total / count) if count else float("nan")
    return out


def teacher_forced_nll(model, data, bos: int, empty_titles: bool) -> tuple[float, float]:
    """(summed NLL, number of targets) of the encoded poems ``data``, teacher-forced, titles kept or blanked."""
    import torch

    from tangshi.data import bucket_batches, collate

    model.eval()
    total = count = 0.0
    with torch.inference_mode():
        for idx in bucket_batches(data, 64, 0, 0, shuffle=False):
            loss, n = model(collate(data, idx, bos, 1.0 if empty_titles else 0.0, torch.Generator()))
            total, count = total + float(loss), count + float(n)
    return total, count


def constrained_perplexity(model, vocab, poems) -> dict[str, dict[str, float]]:
    """Per form: the perplexity of real poems' characters under the rules, titles kept.

    Each real poem that passes the default check, in its pattern and 平 rhyme group
    (tangshi.masks.slots.of_poem), is teacher-forced; at every character the model's distribution is renormalised over the
    characters the rules allow there (tangshi.masks.slotmask: lenient masks, a 多音字 fits either tone; a
    rhyme position takes its group, or any 平 group at the first rhyme, before the group is known —
    as the decoder's masks renormalise it). Punctuation and the end are not
    counted. So a model that is told the pattern (rule inputs) and one that is not are compared
    on what the rules leave open. The masks follow the pattern's standard template; where a real
    poem takes a licence the checker accepts (拗救, a 多音字 read in context), its character is
    ``outside``: the share of such characters (1–4% of real Tang characters), not counted. ``mass``: the
    mean share of the model's probability that the masks keep.
    """
    import torch

    from tangshi.data import bucket_batches, collate, encode_poems
    from tangshi.prosody import check
    from tangshi.masks.slotmask import SlotMask
    from tangshi.masks.slots import of_report, poem_slots

    masks = SlotMask(vocab.chars)
    out = {}
    model.eval()
    for form in REGULATED:
        kept, slots = [], []
        for p in poems:
            if p.form != form:
                continue
            report = check("，".join(p.lines))
            pattern, group = of_report(form, report) if report.ok else (None, 0)
            if pattern is None or not group:
                continue
            kept.append(p)
            slots.append(poem_slots(pattern, group, len(vocab.encode(p.body)) + 1))  # the body and the end
        data = encode_poems(kept, vocab, 128, dynasties=model.cfg.n_dynasties > 0, slots=model.cfg.rule_inputs)
        nll = count = outside = total = kept_mass = 0.0
        with torch.inference_mode():
            for idx in bucket_batches(data, 64, 0, 0, shuffle=False):
                batch = collate(data, idx, vocab.bos)
                logp = model.log_probs(batch)  # (B, T, V)
                asked = torch.zeros(*batch.targets.shape, 4, dtype=torch.long)  # (B, T, 4)
                for k, i in enumerate(idx):
                    asked[k, : len(slots[i])] = torch.tensor(slots[i][: batch.targets.shape[1]])
                cls = masks.classes(asked)  # (B, T)
                char = cls >= 0
                inside = masks.allowed(cls).gather(2, batch.targets.clamp(min=0)[..., None])[..., 0] & char  # (B, T)
                log_kept = masks.log_kept(logp, cls)  # (B, T)
                picked = logp.gather(2, batch.targets.clamp(min=0)[..., None])[..., 0]
                nll += float(-(picked - log_kept)[inside].sum())
                count += float(inside.sum())
                outside += float((char & ~inside).sum())
                total += float(char.sum())
                kept_mass += float(log_kept[char].exp().sum())
        out[form] = {"ppl": math.exp(nll / count) if count else float("nan"), "poems": len(kept),
                     "outside": outside / total if total else float("nan"),
                     "mass": kept_mass / total if total else float("nan")}
    return out


def title_pmi(model, vocab, poems: list[list[str]], titles: list[str], form: str) -> list[float]:
    """Per poem (traditional lines): mean over its Han characters of log p(c | title) − log p(c | ∅)."""
    import torch

    from tangshi.data import Encoded, collate, encode_title, form_id
    from tangshi.hanzi import is_han

    scored = torch.tensor([len(c) == 1 and is_han(c) for c in vocab.chars])  # (V,)
    bodies = [vocab.encode(join_lines(p)) + [vocab.eos] for p in poems]
    data = Encoded([encode_title(t, vocab) for t in titles], bodies, [form_id(form)] * len(poems))
    out = []
    with torch.inference_mode():
        for start in range(0, len(poems), 64):
            idx = list(range(start, min(start + 64, len(poems))))
            lps = [model.token_logprobs(collate(data, idx, vocab.bos, drop, torch.Generator())) for drop in (0.0, 1.0)]
            targets = collate(data, idx, vocab.bos).targets  # (B, T)
            keep = (targets >= 0) & scored[targets.clamp(min=0)]  # (B, T)
            diff = ((lps[0] - lps[1]) * keep).sum(1) / keep.sum(1).clamp(min=1)  # (B,)
            out += diff.tolist()
    return out


def _figures(poems: list[list[str]], titles: list[str], passed: list[bool], train_lines: set[str],
             judge_scores: list[float] | None, pmis: list[float] | None) -> dict:
    """The figures shared by generated and real poems (traditional lines)."""
    from tangshi import duizhang
    from tangshi.setting.lexicon import summary as setting_summary

    lines = [line for p in poems for line in p]
    out = metrics.summary(poems, titles)
    out.update(duizhang.summary(poems))
    out.update(setting_summary(poems, titles))
    out.update(check_pass=sum(passed) / len(passed) if passed else float("nan"),
               copied_lines=sum(line in train_lines for line in lines) / len(lines) if lines else float("nan"))
    if judge_scores is not None:
        out["judge"] = sum(judge_scores) / len(judge_scores) if judge_scores else float("nan")
    if pmis is not None:
        out["title_pmi"] = sum(pmis) / len(pmis) if pmis else float("nan")
    return out


def _cycle(items: list, k: int) -> list:
    return (items * (k // max(len(items), 1) + 1))[:k]


def mode_requests(mode: str, real: list, k: int, vocab) -> list[dict]:
    """Request fields for one mode, built from real poems (titles, line heads, opening lines).

    Only poems whose requested characters the model knows are used; continuation uses the
    opening lines of real poems that keep the rules themselves.
    """
    from tangshi.prosody import check
    from tangshi.corpus.clean import TITLE_MAX
    from tangshi.script import from_model

    if mode == "title":
        return [{"title": p.title[:TITLE_MAX]} for p in _cycle(real, k)]
    if mode == PLAIN:
        return [{"title": p.title[:TITLE_MAX], "parallelism": 0.0} for p in _cycle(real, k)]
    if mode == "free":
        return [{}] * k
    if mode == "acrostic":
        heads = ["".join(line[0] for line in p.lines) for p in real]
        return [{"acrostic": h} for h in _cycle([h for h in heads if all(c in vocab for c in h)], k)]
    if mode == "continuation":  # judged as the user sees it: in simplified script
        fit = [p.lines[0] for p in real
               if all(c in vocab for c in p.lines[0]) and check(from_model(p.body, "simplified")).ok]
        return [{"first_line": line} for line in _cycle(fit, k)]
    return [{"title": p.title[:TITLE_MAX], "beam": 4} for p in _cycle(real, k)]


def generate(poet, form: str, requests: list[dict], seed: int, n: int = 1,
             repeat_penalty: float | None = None, stock: float | None = None) -> list[list]:
    """The poems of each request (traditional script), at default settings; unseeded requests in one
    batch. ``repeat_penalty`` stands in for the decoder's table value of the form where a request names
    none (so beam search scales it as it scales the table's); ``stock``, for the default stock-pair
    weight where a request names none."""
    from tangshi.decoding import table_penalty
    from tangshi.poet import TitleIgnored
    from tangshi.request import WriteRequest, spec

    top = spec(WriteRequest, "repeat_penalty").hi  # the scaled value stays in the request's range

    def completed(r: dict) -> dict:  # the stand-ins filled in where the request names none
        if stock is not None and "stock" not in r:
            r = {**r, "stock": stock}
        if repeat_penalty is None or "repeat_penalty" in r:
            return r
        return {**r, "repeat_penalty": min(top, table_penalty(form, r.get("beam", 0), {form: repeat_penalty}))}

    reqs = [WriteRequest(form=form, script="traditional", n=n, **completed(r)) for r in requests]
    with warnings.catch_warnings():  # real titles hold characters the model never saw: fine here
        warnings.simplefilter("ignore", TitleIgnored)
        out = poet.write_batch(reqs, seed=seed)
    for r in out:
        if isinstance(r, Exception):
            raise r
    return out


def evaluate(poet, dataset, cfg: EvalConfig, progress=lambda msg: None, judge=None) -> dict:
    """All figures of the module docstring, as one JSON-able dict."""
    from tangshi.prosody import check
    from tangshi.script import from_model

    real_all = dataset.split(cfg.split, HEADLINE)  # Tang poems are the headline, whatever else was built
    train_lines = {line for p in dataset.split("train") for line in p.lines}
    simple = lambda lines: join_lines([from_model(line, "simplified") for line in lines])
    score = judge.score if judge is not None else (lambda poems: None)
    result: dict = {"split": cfg.split, "judge": judge is not None,
                    "perplexity": {"titles": perplexity(poet.model, poet.vocab, real_all, False),
                                   "empty_titles": perplexity(poet.model, poet.vocab, real_all, True),
                                   "constrained": constrained_perplexity(poet.model, poet.vocab, real_all)},
                    "real": {}, "generated": {}, "nbest": {}}
    for form in REGULATED:
        real = [p for p in real_all if p.form == form]
        if not real:
            continue
        lines, titles = [list(p.lines) for p in real], [p.title for p in real]  # every real poem of the form
        result["real"][form] = _figures(lines, titles, [check(simple(p)).ok for p in lines], train_lines,
                                        score(lines), title_pmi(poet.model, poet.vocab, lines, titles, form))
        # distinct-n falls as poems are added: over as many real poems as the title mode writes
        result["real"][form].update(distinct_1=metrics.distinct(lines[:cfg.poems], 1),
                                    distinct_2=metrics.distinct(lines[:cfg.poems], 2))
        result["generated"][form] = {}
        for k, mode in enumerate(EVAL_MODES):
            if mode == PLAIN and FORM_BY_NAME[form].n_lines != 8:
                continue  # no 对仗 bias to take away
            progress(f"{form}: {mode}")
            like_title = mode in ("title", PLAIN)  # PLAIN: the title mode's titles and seed, only the bias differs
            reqs = mode_requests(mode, real, cfg.poems if like_title else cfg.per_mode, poet.vocab)
            poems = [ps[0] for ps in generate(poet, form, reqs, cfg.seed + (0 if mode == PLAIN else 1000 * k),
                                              repeat_penalty=cfg.penalty(form), stock=cfg.stock)]
            gen = [p.lines for p in poems]
            titles = [r.get("title", "") for r in reqs]
            result["generated"][form][mode] = _figures(
                gen, titles, [check(simple(p)).ok for p in gen], train_lines, score(gen),
                title_pmi(poet.model, poet.vocab, gen, titles, form) if mode in ("title", "beam", PLAIN) else None)
        progress(f"{form}: n-best")
        result["nbest"][form] = _nbest(poet, form, real, cfg)
    return result


def _nbest(poet, form: str, real: list, cfg: EvalConfig) -> dict:
    """How far apart the n-best are: for sampling and for beam search, on real titles."""
    out = {}
    for how, extra in (("sample", {}), ("beam", {"beam": 8})):
        reqs = [{**r, **extra} for r in mode_requests("title", real, cfg.per_mode, poet.vocab)]
        lists = [[p.lines for p in ps] for ps in generate(poet, form, reqs, cfg.seed + 7, n=NBEST,
                                                          repeat_penalty=cfg.penalty(form), stock=cfg.stock)]
        apart = [all(metrics.lines_apart(a, b) >= 2 for i, a in enumerate(ps) for b in ps[i + 1:]) for ps in lists]
        out[how] = {"lists": len(lists), "spread": sum(metrics.spread(ps) for ps in lists) / len(lists),
                    "apart": sum(apart) / len(apart)}
    return out


ROWS = (("pass", "check_pass", "{:.0%}"), ("judge", "judge", "{:.2f}"), ("rep", "repeats", "{:.2f}"),
        ("any", "any_repeat", "{:.0%}"), ("叠字", "reduplications", "{:.2f}"), ("max", "max_uses", "{}"),
        ("dist2", "distinct_2", "{:.3f}"), ("copied", "copied_lines", "{:.1%}"), ("title", "title_use", "{:.0%}"),
        ("pmi", "title_pmi", "{:+.2f}"), ("对仗", "dz_middle", "{:.0%}"), ("首尾", "dz_outer", "{:.0%}"),
        ("词性", "dz_pos", "{:.2f}"), ("名类", "dz_nouns", "{:.2f}"), ("clash", "clash", "{:.1%}"))


def _cells(x: dict) -> str:
    out = []
    for _, key, fmt in ROWS:
        v = x.get(key)
        out.append(f"{'—' if v is None or (isinstance(v, float) and math.isnan(v)) else fmt.format(v):>8}")
    return "".join(out)


def format_table(r: dict) -> str:
    """A readable table of :func:`evaluate`'s result."""
    rows = [f"perplexity on the {r['split']} split (true titles / empty titles / under the rules, and the"
            " share of probability the rules keep):"]
    for form, ppl in r["perplexity"]["titles"].items():
        c = r["perplexity"].get("constrained", {}).get(form)
        under = f" / {c['ppl']:8.1f}  (kept {c['mass']:.3f})" if c else ""
        rows.append(f"  {form}  {ppl:8.1f} / {r['perplexity']['empty_titles'][form]:8.1f}{under}")
    if not r["judge"]:
        rows.append("(no judge: `python scripts/train_judge.py` builds one; the judge column is left out)")
    rows += [f"real {r['split']} poems and generated ones (default settings), per form and mode:",
             f"{'':22}" + "".join(f"{name:>8}" for name, _, _ in ROWS)]
    for form, modes in r["generated"].items():
        rows.append(f"  {form:<6}{'real':<14}" + _cells(r["real"][form]))
        for mode, x in modes.items():
            rows.append(f"  {'':<6}{mode:<14}" + _cells(x))
    rows.append(f"n-best ({NBEST} poems at once): share of distinct lines, share of lists all two lines apart")
    for form, nb in r["nbest"].items():
        rows.append(f"  {form}  " + "  ".join(f"{how} {x['spread']:.0%} / {x['apart']:.0%}" for how, x in nb.items()))
    return "\n".join(rows)


def format_markdown(r: dict) -> str:
    """The same table as :func:`format_table`, in markdown (the model card's)."""
    head = "| form | poems | " + " | ".join(name for name, _, _ in ROWS) + " |"
    rows = [head, "|---|---|" + "---:|" * len(ROWS)]
    for form, modes in r["generated"].items():
        for who, x in (("real", r["real"][form]), *modes.items()):
            rows.append(f"| {form if who == 'real' else ''} | {who} | " + " | ".join(_cells(x).split()) + " |")
    rows += ["", "| form | perplexity, titles / empty | n-best (3 at once): distinct lines, all two lines apart, sampling · beam 8 |",
             "|---|---:|---|"]
    for form, nb in r["nbest"].items():
        ppl = f"{r['perplexity']['titles'][form]:.1f} / {r['perplexity']['empty_titles'][form]:.1f}"
        rows.append(f"| {form} | {ppl} | " + " · ".join(f"{x['spread']:.0%}, {x['apart']:.0%}" for x in nb.values()) + " |")
    return "\n".join(rows)

