"""Back-propagation through time with teacher forcing, and the guards it needs.

The trainer knows nothing about the network beyond ``loss_sum, n_tokens = model(batch[, masks, λ])``:

- AdamW, linear warm-up then cosine decay (:func:`lr_at`);
- gradient clipping by global norm — the tutorial's cure for exploding gradients —
  with the pre-clip norm logged every step;
- a NaN guard: a non-finite loss or gradient (the symptom of explosion) skips the update;
  after ``bad_step_limit`` bad steps in a row, or a non-finite validation loss, the last good
  checkpoint is reloaded and the learning rate halved; after ``max_recoveries`` of those the
  run stops (:class:`~tangshi.errors.Diverged`, exit code 1), the last good checkpoint intact;
- checkpoints every ``eval_every`` steps (best by valid loss + the last ``keep_last``),
  written atomically (:mod:`tangshi.atomic`: a complete ``best`` exists at every instant),
  resumable exactly (data order, dropout RNG, optimizer moments, the best so far); a resume
  is marked in ``log.jsonl`` and first cleans what a crash left in the run directory;
- DistributedDataParallel when launched by torchrun: every rank reads its own shard of
  each global batch; rank 0 logs and writes checkpoints.

No PackedSequence: padded batches keep the fused kernels; padding is masked in the loss.
"""
from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import torch
import torch.distributed as dist

from tangshi import atomic, checkpoint
from tangshi.corpus.vocab import Vocab
from tangshi.data import Encoded, bucket_batches, collate
from tangshi.errors import CheckpointError, Diverged, InputError, choice_error, require_in
from tangshi.model import PoemModel
from tangshi.nn.fused import cpu_runs_bf16
from tangshi.nn.init import INITS, init_recurrent

DEVICES, PRECISIONS = ("auto", "cpu", "cuda"), ("auto", "fp32", "bf16")
INT_RANGES = {"steps": (1, 10**9), "batch_size": (1, 65_536), "warmup": (0, 10**9), "max_len": (8, 4096),
              "eval_every": (1, 10**9), "log_every": (1, 10**9), "keep_last": (1, 1000),
              "bad_step_limit": (1, 1000), "max_recoveries": (0, 1000), "seed": (0, 2**63 - 1)}
FLOAT_RANGES = {"min_lr_ratio": (0.0, 1.0), "weight_decay": (0.0, 10.0), "clip": (0.0, 1e12),
                "title_drop": (0.0, 1.0), "mood_drop": (0.0, 1.0), "plan_drop": (0.0, 1.0), "new_lr_scale": (0.0, 1000.0),
                "rule_mass_weight": (0.0, 10.0)}


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of a training run; saved in each checkpoint."""

    out: str = "runs/poet"
    steps: int = 20_000
    # the recipe that learned most at equal wall-clock time on one CPU thread (41 min: test ppl 90.4
    # against 114.6 for the earlier batch 64 / lr 2e-3 / warm-up 300; BENCHMARKS.md, bench/recipes.py)
    batch_size: int = 32
    lr: float = 4e-3
    min_lr_ratio: float = 0.05
    warmup: int = 100
    weight_decay: float = 0.01
    clip: float = 1.0             # max global grad norm; 0 disables clipping
    title_drop: float = 0.25
    mood_drop: float = 0.25       # share of the tagged poems trained with mood "none"
    plan_drop: float = 0.3        # share of the poems trained without their plan (a model with plan inputs)
    # λ of the rule-mass term −λ Σ_t log m(t) (tangshi.masks.slotmask), for a model with rule inputs: the
    # probability m(t) its distribution puts on what the slot allows; 0 turns it off
    rule_mass_weight: float = 0.0
    max_len: int = 128
    eval_every: int = 500
    log_every: int = 50
    keep_last: int = 3
    bad_step_limit: int = 3
    max_recoveries: int = 5       # then training stops (exit 1), the last good checkpoint intact
    device: str = "auto"
    precision: str = "auto"
    seed: int = 1234
    inject_nan: tuple[int, ...] = field(default_factory=tuple)  # steps whose loss is made NaN
    init_from: str = ""           # a checkpoint whose weights start the run (warm_start); "" = fresh
    init: str = "torch"           # how a fresh run's recurrent layers start (tangshi.nn.init.INITS)
    new_lr_scale: float = 20.0    # with init_from: LR multiplier of the conditions it lacked (they start at 0)

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise choice_error("device", self.device, DEVICES)
        if self.precision not in PRECISIONS:
            raise choice_error("precision", self.precision, PRECISIONS)
        if self.init not in INITS:
            raise choice_error("init", self.init, INITS, field="init")
        for name, (lo, hi) in INT_RANGES.items():
            require_in(_flag(name), getattr(self, name), lo, hi)
        for name, (lo, hi) in FLOAT_RANGES.items():
            require_in(_flag(name), getattr(self, name), lo, hi, integer=False)
        if not self.lr > 0 or not math.isfinite(self.lr):  # any positive finite rate: the guard handles the rest
            raise InputError(f"--lr must be a positive number, got {self.lr!r}", field="lr")
        for step in self.inject_nan:
            require_in("--inject-nan", step, 0, 10**9)

    def check_model(self, rule_inputs: bool) -> None:
        """The knobs that depend on the model: the rule-mass term weighs each step's slot, which only
        a model with rule inputs reads."""
        if self.rule_mass_weight > 0 and not rule_inputs:
            raise InputError("--rule-mass-weight needs the rule inputs (drop --no-rule-inputs, or set it to 0)",
                             field="rule_mass_weight")


def lr_at(step: int, cfg: TrainConfig, progress: float | None = None) -> float:
    """Linear warm-up to ``lr``, then cosine decay to ``lr * min_lr_ratio`` at ``steps``.

    ``progress`` (0..1), when given, is how far the decay has gone instead of the share of the
    steps after warm-up (bench/recipes.py: the share of a wall-clock budget spent)."""
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    if progress is None:
        progress = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
    progress = min(1.0, progress)
    return cfg.lr * (cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def resolve_device(name: str) -> torch.device:
    """``auto`` → CUDA when present, else CPU; under torchrun, this rank's GPU."""
    if name == "cuda" and not torch.cuda.is_available():
        raise choice_error("device (CUDA is not available here)", name, ("auto", "cpu"))
    if name == "cpu" or (name == "auto" and not torch.cuda.is_available()):
        return torch.device("cpu")
    return torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))


def cpu_has_bf16() -> bool:
    """True on CPUs with AMX or AVX512-BF16, where bf16 autocast pays off."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def autocast_dtype(name: str, device: torch.device) -> torch.dtype:
    """``auto`` → bf16 on CUDA and on bf16-capable CPUs, fp32 otherwise.

    ``bf16`` on a CPU whose oneDNN has no bf16 LSTM (an AVX2-only CPU: :func:`cpu_runs_bf16`) is an
    :class:`InputError` naming the choices, raised before any data are read, not oneDNN's traceback
    at the first step."""
    if device.type == "cpu" and name != "fp32" and not cpu_runs_bf16():
        if name == "bf16":
            raise InputError("--precision bf16: this CPU cannot train in bf16 (oneDNN has no bf16 LSTM on it);"
                             " choose one of: auto (fp32 here), fp32", field="precision")
        return torch.float32
    if name == "auto":
        return torch.bfloat16 if device.type == "cuda" or cpu_has_bf16() else torch.float32
    return torch.bfloat16 if name == "bf16" else torch.float32


@dataclass
class Counters:
    """The trainer's own state, saved for exact resume."""

    step: int = 0
    epoch: int = 0
    batch_in_epoch: int = 0
    best_valid: float = float("inf")
    bad_streak: int = 0
    skipped: int = 0
    recoveries: int = 0
    lr_scale: float = 1.0
    last_good: str | None = None


class Trainer:
    """Trains ``model`` on ``train`` and evaluates on ``valid`` (see the module docstring)."""

    def __init__(self, model: PoemModel, vocab: Vocab, train: Encoded, valid: Encoded, cfg: TrainConfig,
                 log: Callable[[dict], None] | None = None) -> None:
        self.cfg, self.vocab, self.train_data, self.valid_data = cfg, vocab, train, valid
        self.rank = dist.get_rank() if dist.is_initialized() else 0
        self.world = dist.get_world_size() if dist.is_initialized() else 1
        self.device = resolve_device(cfg.device)
        self.dtype = autocast_dtype(cfg.precision, self.device)
        if cfg.init != "torch" and not cfg.init_from:  # a fresh run's start; a resumed one restores its weights
            init_recurrent(model, cfg.init)
        self.model = model.to(self.device)
        self.net = model
        if self.world > 1:
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.net = torch.nn.parallel.DistributedDataParallel(model, device_ids=ids)
        new = new_tables(model, Path(cfg.init_from)) if cfg.init_from else set()
        decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and n not in new]
        no_decay = [p for n, p in model.named_parameters() if p.dim() < 2 and n not in new]
        groups = [{"params": decay, "weight_decay": cfg.weight_decay, "scale": 1.0},
                  {"params": no_decay, "weight_decay": 0.0, "scale": 1.0}]
        if new:  # zero-started tables next to trained weights: Adam's steps of size lr would take long
            groups.append({"params": [p for n, p in model.named_parameters() if n in new], "weight_decay": 0.0,
                           "scale": cfg.new_lr_scale})
        self.opt = torch.optim.AdamW(groups, lr=cfg.lr)
        cfg.check_model(model.cfg.rule_inputs)
        self.masks = None  # the rule-mass term's tables, when it is on
        if cfg.rule_mass_weight > 0:
            from tangshi.masks.slotmask import SlotMask

            self.masks = SlotMask(vocab.chars, self.device)
        self.c = Counters()
        self.out = Path(cfg.out)
        self._log = log or (lambda rec: None)
        self.bar = None
        self._injected: set[int] = set()
        # The learning rate of each step; bench/recipes.py swaps in a schedule that runs on wall-clock time.
        self.schedule: Callable[[int], float] = lambda step: lr_at(step, self.cfg)

    # ----- logging and checkpoints -------------------------------------------------
    def log(self, rec: dict) -> None:
        """Append one record to ``log.jsonl`` (rank 0) and pass it to the callback."""
        if self.rank != 0:
            return
        self.out.mkdir(parents=True, exist_ok=True)
        with open(self.out / "log.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(rec) + "\n")
        self._log(rec)

    def _train_state(self) -> dict:
        tensors, rest = checkpoint.optimizer_state(self.opt)
        tensors["rng.cpu"] = torch.get_rng_state()
        if self.device.type == "cuda":
            tensors["rng.cuda"] = torch.cuda.get_rng_state(self.device)
        return {"tensors": tensors, "json": {"optimizer": rest, "counters": asdict(self.c)}}

    def save(self, metrics: dict) -> Path:
        """Write ``best`` (when this evaluation is the best so far), then ``ckpt-<step>`` (rank 0).

        ``best`` is written first: a crash before ``ckpt-<step>`` exists resumes from the
        checkpoint before, replays this step and writes the same ``best`` again. Each checkpoint's
        counters already include this evaluation, so a resumed run keeps the same ``best``. A
        non-finite validation, or non-finite weights, is never ``best`` nor a recovery point.
        """
        path = self.out / f"ckpt-{self.c.step:07d}"
        valid = metrics.get("valid_loss")
        sound = (valid is None or math.isfinite(valid)) and self._weights_finite()
        if self.c.bad_streak == 0 and sound:  # a checkpoint taken mid-streak is not one to return to
            self.c.last_good = str(path)
        is_best = sound and valid is not None and valid <= self.c.best_valid
        if is_best:
            self.c.best_valid = valid
        if self.rank == 0:
            meta = {"step": self.c.step, "metrics": metrics, "train": asdict(self.cfg)}
            if is_best:
                checkpoint.save(self.out / "best", self.model, self.vocab, meta)
            checkpoint.save(path, self.model, self.vocab, meta, self._train_state())
            self._prune()
        if self.world > 1:
            dist.barrier()
        return path

    def _weights_finite(self) -> bool:
        return all(bool(torch.isfinite(p).all()) for p in self.model.parameters())

    def _prune(self) -> None:
        """Keep the last ``keep_last`` checkpoints, and always the one a NaN recovery would return to."""
        keep = {str(p) for p in self.checkpoints()[-self.cfg.keep_last:]} | {self.c.last_good}
        for old in self.checkpoints():
            if str(old) not in keep:
                atomic.remove_dir(old)

    def restore(self, path: Path) -> None:
        """Load weights, optimizer, RNG and counters from a checkpoint directory."""
        model, vocab, header = checkpoint.load(path, self.device)
        if vocab.chars != self.vocab.chars:
            raise CheckpointError(f"checkpoint {path} was trained with another vocabulary"
                                  f" ({len(vocab)} vs {len(self.vocab)} symbols); rebuild or start afresh")
        if model.cfg != self.model.cfg:
            raise CheckpointError(f"checkpoint {path} has model config {model.cfg}, not {self.model.cfg}")
        self.model.load_state_dict(model.state_dict())
        state = checkpoint.load_train_state(path)
        checkpoint.restore_optimizer(self.opt, state["tensors"], state["json"]["optimizer"])
        torch.set_rng_state(state["tensors"]["rng.cpu"])
        if "rng.cuda" in state["tensors"] and self.device.type == "cuda":
            torch.cuda.set_rng_state(state["tensors"]["rng.cuda"], self.device)
        self.c = Counters(**state["json"]["counters"])

    def checkpoints(self) -> list[Path]:
        """The run's ``ckpt-*`` directories, oldest first (each is complete: they appear atomically)."""
        return sorted(p for p in self.out.glob("ckpt-*") if (p / checkpoint.STATE_JSON).is_file())

    def latest(self) -> Path | None:
        found = self.checkpoints()
        return found[-1] if found else None

    # ----- one step, evaluation, the loop ----------------------------------------
    def _autocast(self):
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.dtype == torch.bfloat16)

    def _global_sum(self, *values: float) -> list[float]:
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.world > 1:
            dist.all_reduce(t)
        return t.tolist()

    def train_step(self, idx: list[int]) -> dict:
        """Forward, backward, clip, guard, update on one global batch (this rank's shard)."""
        cfg, c = self.cfg, self.c
        g = torch.Generator().manual_seed(cfg.seed * 1_000_003 + c.step)  # title dropout, resumable
        batch = collate(self.train_data, idx[self.rank::self.world], self.vocab.bos, cfg.title_drop, g, cfg.mood_drop,
                        cfg.plan_drop)
        batch = batch.to(self.device)
        self.net.train()
        with self._autocast():
            loss_sum, n_tok = self.net(batch, self.masks, cfg.rule_mass_weight)
        if c.step in cfg.inject_nan and c.step not in self._injected:
            self._injected.add(c.step)  # a transient fault: the step succeeds when replayed
            loss_sum = loss_sum * float("nan")
        total_tok = self._global_sum(float(n_tok))[0]
        # Scale so that DDP's gradient *average* equals the gradient of sum/total_tokens.
        (loss_sum * (self.world / total_tok)).backward()
        # Clip by global norm; the returned norm is the pre-clip one, inf/nan if exploded.
        max_norm = cfg.clip if cfg.clip > 0 else float("inf")
        gnorm = float(torch.nn.utils.clip_grad_norm_(self.model.parameters(), max_norm))
        loss = self._global_sum(float(loss_sum.detach()))[0] / total_tok
        lr = self.schedule(c.step) * c.lr_scale
        ok = math.isfinite(loss) and math.isfinite(gnorm)
        if ok:
            for group in self.opt.param_groups:
                group["lr"] = lr * group.get("scale", 1.0)
            self.opt.step()
            c.bad_streak = 0
        else:
            c.bad_streak += 1
            c.skipped += 1
            self.log({"event": "skip", "step": c.step, "loss": loss, "grad_norm": gnorm})
        self.opt.zero_grad(set_to_none=True)
        return {"loss": loss, "grad_norm": gnorm, "lr": lr, "tokens": total_tok, "ok": ok}

    @torch.no_grad()
    def evaluate(self, data: Encoded | None = None, batch_size: int = 128) -> dict:
        """Mean loss per token and perplexity on ``data`` (valid by default), titles kept."""
        data = data or self.valid_data
        self.net.eval()
        total = count = 0.0
        for idx in bucket_batches(data, batch_size, 0, 0, shuffle=False)[self.rank::self.world]:
            with self._autocast():
                loss, n = self.model(collate(data, idx, self.vocab.bos).to(self.device))
            total, count = total + float(loss), count + float(n)
        total, count = self._global_sum(total, count)
        mean = total / max(count, 1.0)
        return {"valid_loss": mean, "valid_ppl": math.exp(min(mean, 50.0))}

    def _recover(self, why: str) -> None:
        """Divergence: reload the last good checkpoint and halve the learning rate — at most
        ``max_recoveries`` times; then stop (:class:`Diverged`, exit code 1), that checkpoint intact."""
        bad_at, scale, recoveries, skipped = self.c.step, self.c.lr_scale / 2, self.c.recoveries + 1, self.c.skipped
        if recoveries > self.cfg.max_recoveries:
            self.log({"event": "diverged", "step": bad_at, "why": why, "recoveries": self.c.recoveries})
            raise Diverged(f"training diverged at step {bad_at} ({why}) after {self.c.recoveries} recoveries"
                           f" (--max-recoveries {self.cfg.max_recoveries}); the last good checkpoint is"
                           f" {self.c.last_good}: lower --lr or --clip")
        self.restore(Path(self.c.last_good))
        self.c.lr_scale, self.c.recoveries, self.c.skipped = scale, recoveries, skipped
        self.log({"event": "recover", "step": bad_at, "why": why, "from": self.c.last_good,
                  "resume_step": self.c.step, "lr_scale": scale})

    def _start(self, resume: bool) -> None:
        """Clean what a crash left in ``--out``, then restore the last checkpoint or start afresh."""
        if self.rank == 0:
            for what in atomic.recover(self.out):
                self.log({"event": "cleanup", "what": what})
        last = self.latest()
        if resume and last is not None:
            self.restore(last)
            # Steps after this one were logged before the crash and are logged again from here:
            # a reader keeps, for each step, the record after the last resume mark.
            self.log({"event": "resume", "step": self.c.step, "from": str(last)})
            return
        if resume and not self.out.is_dir():
            raise CheckpointError(f"--resume: no checkpoint (no run at all) in {self.out}; run without --resume to start")
        if not resume and last is not None:  # never mix two runs' checkpoints (or prune the old run's)
            raise CheckpointError(f"{self.out} already holds checkpoints; pass --resume to continue"
                                  " that run, or choose another --out")
        torch.manual_seed(self.cfg.seed)
        if self.cfg.init_from:
            copied = warm_start(self.model, self.vocab, Path(self.cfg.init_from))
            self.log({"event": "init_from", "path": self.cfg.init_from, **copied})
        if resume:  # a run killed before its first checkpoint: nothing to resume, start it again
            self.log({"event": "resume", "step": 0, "from": None})
        self.save({})  # the first "last good" checkpoint, for the NaN guard

    def fit(self, resume: bool = False) -> dict:
        """Train to ``cfg.steps``; return the final metrics."""
        cfg = self.cfg
        self._start(resume)
        metrics: dict = {}
        self._progress()
        t0, toks = time.perf_counter(), 0.0
        while self.c.step < cfg.steps:
            batches = bucket_batches(self.train_data, cfg.batch_size, cfg.seed, self.c.epoch)
            while self.c.batch_in_epoch < len(batches) and self.c.step < cfg.steps:
                r = self.train_step(batches[self.c.batch_in_epoch])
                if self.c.bad_streak >= cfg.bad_step_limit:
                    self._recover(f"{self.c.bad_streak} non-finite steps in a row")
                    batches = bucket_batches(self.train_data, cfg.batch_size, cfg.seed, self.c.epoch)
                    continue
                self.c.step += 1
                self.c.batch_in_epoch += 1
                toks += r["tokens"]
                rate = toks / (time.perf_counter() - t0)
                self._tick(r, rate)
                if self.c.step % cfg.eval_every == 0 or self.c.step == cfg.steps:
                    metrics = {**self.evaluate(), "train_loss": r["loss"]}
                    self.log({"event": "eval", "step": self.c.step, "epoch": self.c.epoch, **metrics,
                              "chars_per_s": rate, "skipped": self.c.skipped})
                    if not math.isfinite(metrics["valid_loss"]):  # diverged without a non-finite step
                        self._recover(f"validation loss {metrics['valid_loss']}")
                        batches = bucket_batches(self.train_data, cfg.batch_size, cfg.seed, self.c.epoch)
                        continue
                    self.save(metrics)
            if self.c.batch_in_epoch >= len(batches):
                self.c.epoch, self.c.batch_in_epoch = self.c.epoch + 1, 0
        if self.bar is not None:
            self.bar.close()
        return {**metrics, "step": self.c.step, "skipped": self.c.skipped, "recoveries": self.c.recoveries}

    def _progress(self) -> None:
        if self.rank == 0:
            from tqdm import tqdm

            self.bar = tqdm(total=self.cfg.steps, initial=self.c.step, unit="step", dynamic_ncols=True, disable=None)

    def _tick(self, r: dict, rate: float) -> None:
        """Update the progress bar; every ``log_every`` steps, log the step."""
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(loss=f"{r['loss']:.3f}", ppl=f"{math.exp(min(r['loss'], 50)):.1f}",
                                 gnorm=f"{r['grad_norm']:.2f}", chars_s=f"{rate:,.0f}")
        if self.c.step % self.cfg.log_every == 0:
            self.log({"event": "train", "step": self.c.step, "loss": r["loss"], "grad_norm": r["grad_norm"],
                      "lr": r["lr"], "chars_per_s": rate})


ZERO_STARTED = ("dynasty_embed", "mood_embed", "slot_embed", "plan_proj")  # conditions a warm start may add


def new_tables(model: PoemModel, path: Path) -> set[str]:
    """The parameters of :data:`ZERO_STARTED` that the checkpoint at ``path`` lacks (read from its
    header alone): :func:`warm_start` zeroes them, and the trainer gives them ``new_lr_scale``."""
    from tangshi.model import ModelConfig

    old = ModelConfig.from_dict(checkpoint.read_header(path).get("model", {}))
    lacks = {"dynasty_embed": not old.n_dynasties, "mood_embed": not old.n_moods, "slot_embed": not old.rule_inputs,
             "plan_proj": not old.plan_inputs}
    return {n for n, _ in model.named_parameters() if lacks.get(n.split(".")[0], False)}


@torch.no_grad()
def warm_start(model: PoemModel, vocab: Vocab, path: Path) -> dict:
    """Start ``model`` from the checkpoint at ``path`` (a longer or older run, the shipped poet).

    Every tensor of the same name and shape is copied; the character rows of the embedding (which
    is also the output layer) and of the output bias are copied by character, so a larger
    vocabulary (全宋诗 adds characters) keeps every row it shares. The conditions the old model
    lacks (dynasty, mood, rule inputs, plan: :data:`ZERO_STARTED`) start at zero, so that the run begins
    exactly as the old model, for the default dynasty and no mood. Anything else that does not fit
    is an error: the cell, the sizes and the layers must match.
    """
    old, old_vocab, _ = checkpoint.load(path)
    old_state = {k: v.float() for k, v in old.state_dict().items()}
    new_index = {c: i for i, c in enumerate(vocab.chars)}
    rows = [(new_index[c], i) for i, c in enumerate(old_vocab.chars) if c in new_index]
    dst, src = torch.tensor([r[0] for r in rows]), torch.tensor([r[1] for r in rows])
    new = new_tables(model, path)
    copied, zeroed, mapped = 0, [], 0
    for name, param in model.named_parameters():  # a shared tensor (E, also the encoder's) comes once
        if name in new:
            param.zero_()
            zeroed.append(name)
        elif name in ("embed.weight", "out_bias"):
            if name == "out_bias":  # a character the old model never saw starts as one of its rarest
                param.fill_(float(torch.quantile(old_state[name], 0.05)))
            param[dst] = old_state[name][src].to(param.dtype)
            mapped = len(rows)
        elif name in old_state and old_state[name].shape == param.shape:
            param.copy_(old_state[name])
            copied += 1
        else:
            have = tuple(old_state[name].shape) if name in old_state else "nothing"
            raise CheckpointError(f"--init-from {path}: {name} is {tuple(param.shape)} here but {have} there;"
                                  " the cell, sizes and layers must match")
    if old.cfg.scale_inputs != model.cfg.scale_inputs:
        raise CheckpointError(f"--init-from {path}: scale_inputs differs ({old.cfg.scale_inputs} there)")
    return {"copied": copied, "chars": mapped, "new_chars": len(vocab) - mapped, "zeroed": zeroed}
