"""``tangshi train``: build the poet from the data set and train it (also under torchrun).

Flags are generated from :class:`ModelConfig` and :class:`TrainConfig`, so every
hyperparameter has one default, in its dataclass. Launched by ``torchrun
--nproc_per_node=N``, the same command trains with DistributedDataParallel (gloo on CPU,
NCCL on GPU).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path

HELP = {
    "cell": "recurrent cell of the decoder: rnn (Elman), lstm or gru",
    "emb": "size of the character embeddings (tied with the output layer)",
    "hidden": "hidden size of each decoder layer",
    "layers": "number of stacked decoder layers",
    "enc_hidden": "hidden size of each direction of the bidirectional title encoder",
    "dropout": "dropout on embeddings, between layers and before the output",
    "impl": "fused (PyTorch's kernels) or reference (the explicit time loop)",
    "out": "run directory for checkpoints and log.jsonl",
    "steps": "number of optimizer steps",
    "batch_size": "poems per (global) batch",
    "lr": "peak learning rate of AdamW",
    "min_lr_ratio": "final learning rate as a fraction of the peak (cosine decay)",
    "warmup": "steps of linear learning-rate warm-up",
    "weight_decay": "AdamW weight decay on matrices",
    "clip": "clip gradients to this global norm; 0 turns clipping off",
    "title_drop": "probability of training a poem with an empty title",
    "mood_drop": "probability of training a tagged poem with mood 'none'",
    "plan_drop": "probability of training a poem without its plan (with --plans)",
    "rule_mass_weight": "weight λ of −λ·log(probability on what the rules allow) per character, for a"
                        " model with rule inputs; 0 turns it off",
    "max_len": "cut poems longer than this many tokens",
    "eval_every": "validate and checkpoint every N steps",
    "log_every": "log the training loss every N steps",
    "keep_last": "keep this many recent checkpoints (plus the best)",
    "bad_step_limit": "after N non-finite steps in a row, reload the last checkpoint and halve the LR",
    "max_recoveries": "after N such recoveries, stop with exit code 1 (the last good checkpoint is kept)",
    "device": "auto, cpu or cuda",
    "init": "how a fresh run's recurrent layers start: torch (uniform ±1/√H) or orthogonal (orthogonal W per gate,"
            " Glorot U, LSTM forget bias 1; tangshi.nn.init)",
    "precision": "auto (bf16 on CUDA and AMX/AVX512-BF16 CPUs), fp32 or bf16",
    "seed": "random seed (data order, initialisation, dropout)",
    "inject_nan": "comma-separated steps whose loss is made NaN once, to watch the guard work",
    "new_lr_scale": "with --init-from: learning-rate multiplier of the conditions the old poet lacked",
    "init_from": "start from this checkpoint's weights (characters matched by character; new conditions"
                 " start at zero); the same cell and sizes",
}
SKIP = {"vocab_size", "n_forms", "n_dynasties", "n_moods", "scale_inputs", "rule_inputs", "plan_inputs"}  # the data set's, or own flags


def _add_fields(parser: argparse.ArgumentParser, cls: type) -> None:
    for f in dataclasses.fields(cls):
        if f.name in SKIP:
            continue
        flag = "--" + f.name.replace("_", "-")
        kind = {"int": int, "float": float, "str": str}.get(str(f.type).split(" ")[0], str)
        default = f.default if f.default is not dataclasses.MISSING else "none"
        parser.add_argument(flag, type=kind, default=None, help=f"{HELP[f.name]} (default: {default})")


def _override(cls: type, args: argparse.Namespace, **fixed: object) -> object:
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls)
              if f.name not in SKIP and getattr(args, f.name, None) is not None}
    if isinstance(values.get("inject_nan"), str):
        values["inject_nan"] = tuple(int(s) for s in values["inject_nan"].split(",") if s.strip())
    return cls(**{**values, **fixed})


def _setup_distributed() -> None:
    import torch
    import torch.distributed as dist

    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and not dist.is_initialized():
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend)
        if torch.cuda.is_available():
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)))


def console(rec: dict) -> None:
    """One line on stderr per record of ``log.jsonl`` (every ``--log-every`` steps, each evaluation,
    each event), above the progress bar when there is one: without a terminal there is no bar."""
    from tqdm import tqdm

    if rec.get("event") in ("train", "eval"):
        loss = rec.get("loss", rec.get("valid_loss"))
        what = "train" if rec["event"] == "train" else "valid"
        extra = (f"  grad norm {rec['grad_norm']:.2f}  lr {rec['lr']:.2e}" if what == "train"
                 else f"  ppl {rec['valid_ppl']:.1f}")
        line = f"step {rec['step']}  {what} loss {loss:.4f}{extra}  {rec['chars_per_s']:,.0f} chars/s"
    else:
        line = f"{rec.get('event')}: " + json.dumps({k: v for k, v in rec.items() if k != "event"}, ensure_ascii=False)
    tqdm.write(line, file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Handler of ``tangshi train``."""
    import torch

    from tangshi.corpus.build import DYNASTIES, load_dataset
    from tangshi.data import encode_poems
    from tangshi.errors import InputError
    from tangshi.model import SIZES, ModelConfig, PoemModel
    from tangshi.mood import MOODS
    from tangshi.train import TrainConfig, Trainer, autocast_dtype, resolve_device

    if args.dry_run:
        args.steps, args.eval_every, args.log_every = 2, 2, 1
    try:  # every flag is checked before anything is loaded: a mistake costs nothing
        tcfg = _override(TrainConfig, args)
    except ValueError as err:
        raise InputError(f"--inject-nan takes comma-separated step numbers: {err}") from err
    _override(ModelConfig, args, vocab_size=SIZES["vocab_size"][0])
    autocast_dtype(tcfg.precision, resolve_device(tcfg.device))  # bf16 on a CPU without it, CUDA without a GPU
    if args.threads:
        if not 1 <= args.threads <= 1024:
            raise InputError(f"--threads must be in 1..1024, got {args.threads}")
        torch.set_num_threads(args.threads)
    ds = load_dataset()
    several = len(ds.meta.get("dynasties", ["唐"])) > 1  # built with --song: the dynasty is a condition
    mcfg = _override(ModelConfig, args, vocab_size=len(ds.vocab), n_dynasties=len(DYNASTIES) if several else 0,
                     rule_inputs=bool(args.rule_inputs), n_moods=1 + len(MOODS) if args.moods else 0,
                     plan_inputs=bool(args.plans))
    _setup_distributed()
    torch.manual_seed(tcfg.seed)
    rules = mcfg.rule_inputs  # the checker reads every poem once for its pattern and group (~1.5 ms each)
    moods = bool(mcfg.n_moods)  # the mood tagger reads every poem's lines (~0.1 ms each)
    tcfg.check_model(rules)  # before the data are read
    if tcfg.init_from and not Path(tcfg.init_from).is_dir():
        raise InputError(f"--init-from {tcfg.init_from}: no such checkpoint directory", field="init_from")
    plans = mcfg.plan_inputs  # each poem's line keywords (tangshi.plan.keywords)
    train = encode_poems(ds.split("train")[: 512 if args.dry_run else None], ds.vocab, tcfg.max_len,
                         dynasties=several, slots=rules, moods=moods, plans=plans)
    valid = encode_poems(ds.split("valid")[: 64 if args.dry_run else None], ds.vocab, tcfg.max_len,
                         dynasties=several, slots=rules, moods=moods, plans=plans)
    trainer = Trainer(PoemModel(mcfg), ds.vocab, train, valid, tcfg, log=console)
    if trainer.rank == 0:
        print(f"{mcfg.cell} poet, {trainer.model.num_parameters():,} parameters; {len(train):,} train poems"
              f" ({train.tokens:,} tokens); device {trainer.device}, {str(trainer.dtype).replace('torch.', '')}"
              f", {trainer.world} process(es), {torch.get_num_threads()} threads")
    result = trainer.fit(resume=args.resume)
    if trainer.rank == 0:
        print(json.dumps({"out": str(Path(tcfg.out).resolve()), **result}))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``train``."""
    p = sub.add_parser("train", help="train a recurrent poet on the built corpus",
                       description=__doc__.splitlines()[0])
    model = p.add_argument_group("model")
    from tangshi.model import ModelConfig
    from tangshi.train import TrainConfig

    _add_fields(model, ModelConfig)
    model.add_argument("--rule-inputs", action=argparse.BooleanOptionalAction, default=True,
                       help="feed each step what the next character must be: tone, position, line, rhyme group"
                            " (tangshi.masks.slots; default: on — it wins at equal compute, BENCHMARKS.md)")
    model.add_argument("--moods", action=argparse.BooleanOptionalAction, default=True,
                       help="feed each poem's mood, as the tagger reads it (tangshi.mood; default: on)")
    model.add_argument("--plans", action=argparse.BooleanOptionalAction, default=False,
                       help="feed each step its line's keyword, the poem's plan (tangshi.plan; default: off)")
    _add_fields(p.add_argument_group("training"), TrainConfig)
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint in --out")
    p.add_argument("--dry-run", action="store_true",
                   help="train 2 batches of the first 512 poems, validate briefly, write a checkpoint")
    p.add_argument("--threads", type=int, default=0, help="CPU threads for torch (default: torch's choice)")
    p.set_defaults(func=run)
