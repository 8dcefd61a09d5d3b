"""Checkpoints: safetensors for tensors, JSON for everything else; never pickle.

A checkpoint is a directory:

- ``model.safetensors`` — the network's weights;
- ``model.json`` — format version, the kind of network (``poet``, :class:`PoemModel`, or
  another registered with :func:`register_kind`: ``judge``, :class:`tangshi.judge.JudgeModel`) and its config, vocabulary, step, metrics and
  the training config, checked on load;
- ``train_state.safetensors`` + ``train_state.json`` (optional) — optimizer moments, RNG
  states, the trainer's counters: what ``--resume`` needs and generation does not.

Directories are written to a staging directory and renamed into place, so a reader
never sees half a checkpoint. Loading executes no code from the file.
"""
from __future__ import annotations

import hashlib
import json
import os
from contextlib import contextmanager
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, load_model, save_file, save_model

from tangshi.atomic import _umask, staged_dir, write_text
from tangshi.corpus.vocab import Vocab
from tangshi.errors import CheckpointError, TangshiError
from tangshi.model import ModelConfig, PoemModel

FORMAT, VERSION = "tangshi-checkpoint", 1
# The kinds of network a checkpoint may hold: kind -> (config class, model class). A header without
# "kind" is a poet's (checkpoints saved before judges). Another kind registers itself where it is
# defined (tangshi.judge: "judge"), so that this module imports no network but the poet's.
KINDS: dict[str, tuple[type, type]] = {"poet": (ModelConfig, PoemModel)}


def register_kind(kind: str, config_class: type, model_class: type) -> None:
    """Let checkpoints hold ``model_class`` (built from ``config_class.from_dict``), under ``kind``."""
    assert KINDS.get(kind, (config_class, model_class)) == (config_class, model_class), f"kind {kind!r} taken"
    KINDS[kind] = (config_class, model_class)


def kind_of(model) -> str:
    """The registered kind of ``model``'s class."""
    for kind, (_, model_class) in KINDS.items():
        if type(model) is model_class:
            return kind
    raise AssertionError(f"{type(model).__name__} is not a registered checkpoint kind")  # a programming error


WEIGHTS, HEADER = "model.safetensors", "model.json"
STATE_TENSORS, STATE_JSON = "train_state.safetensors", "train_state.json"


def save(path: Path, model: PoemModel, vocab: Vocab, meta: dict, train_state: dict | None = None,
         weights_dtype: torch.dtype | None = None) -> None:
    """Write a checkpoint directory atomically. ``meta`` holds step, metrics, train config.

    ``weights_dtype`` stores the weights in another type (float16 for the shipped model: half the
    bytes; loading casts them back). The SHA-256 of each tensor file goes into its JSON file.
    """
    with staged_dir(Path(path)) as stage:
        save_model(_unpacked(model, weights_dtype), str(stage / WEIGHTS))
        header = {"format": FORMAT, "version": VERSION, "kind": kind_of(model), "model": model.cfg.to_dict(),
                  "vocab": vocab.to_json(), **meta, "weights_sha256": sha256(stage / WEIGHTS)}
        if weights_dtype is not None:
            header["weights_dtype"] = str(weights_dtype).removeprefix("torch.")
        write_text(stage / HEADER, json.dumps(header, ensure_ascii=False))
        if train_state is not None:
            save_file(train_state["tensors"], str(stage / STATE_TENSORS))
            rest = {**train_state["json"], "tensors_sha256": sha256(stage / STATE_TENSORS)}
            write_text(stage / STATE_JSON, json.dumps(rest))
        for f in stage.iterdir():  # safetensors writes 0600: give the usual mode, as write_text does
            os.chmod(f, 0o666 & ~_umask())


def sha256(path: Path) -> str:
    """The hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _unpacked(model, dtype: torch.dtype | None = None):
    """``model`` itself, or a CPU copy (in ``dtype``) when needed.

    On CUDA the recurrent layers pack their weights into one buffer for cuDNN (as ``nn.LSTM``
    does), and safetensors refuses to save a view of a larger storage. The copy is built from
    the config, so tied weights stay tied and are stored once.
    """
    whole = all(p.untyped_storage().nbytes() == p.numel() * p.element_size() for p in model.parameters())
    if whole and dtype is None:
        return model
    copy = type(model)(model.cfg)
    copy.load_state_dict({k: v.detach().cpu() for k, v in model.state_dict().items()})
    return copy.to(dtype) if dtype is not None else copy


def read_header(path: Path) -> dict:
    """The checked ``model.json`` of a checkpoint directory."""
    f = Path(path) / HEADER
    if not f.is_file():
        raise CheckpointError(f"no checkpoint at {path} (missing {HEADER})")
    try:
        header = json.loads(f.read_text("utf-8"))
    except (OSError, ValueError) as err:
        raise CheckpointError(f"corrupt checkpoint {f}: {err}") from err
    if not isinstance(header, dict):
        raise CheckpointError(f"corrupt checkpoint {f}: expected a JSON object, found {type(header).__name__}")
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise CheckpointError(f"checkpoint {path} has format {header.get('format')!r} v{header.get('version')!r};"
                              f" this tangshi reads {FORMAT!r} v{VERSION}")
    return header


def load(path: Path, device: str | torch.device = "cpu") -> tuple[PoemModel, Vocab, dict]:  # or a JudgeModel
    """Build the model a checkpoint describes and load its weights: (model, vocab, header).

    Every fault is one :class:`CheckpointError` naming the file: a header that is not a valid
    config (a size out of range, a wrong type), a weights file whose checksum differs from the
    header's, that safetensors cannot parse, whose tensors have other shapes than the config
    implies, or whose weights are not finite. Nothing in the files is executed.
    """
    path = Path(path)
    header = read_header(path)
    cfg, vocab = _config(path, header)
    weights = path / WEIGHTS
    _verify(weights, header.get("weights_sha256"))
    model_class = KINDS[header.get("kind", "poet")][1]
    _check_shapes(weights, cfg, model_class)
    model = model_class(cfg)
    try:
        missing, unexpected = load_model(model, str(weights), strict=False, device=str(device))
    except (OSError, RuntimeError, ValueError, SafetensorError) as err:
        raise CheckpointError(f"cannot load weights from {weights}: {str(err).splitlines()[0]}") from err
    if missing or unexpected:
        raise CheckpointError(f"checkpoint {weights} does not fit its {type(model).__name__}: "
                              + "; ".join(f"{what} {_listed(names)}" for what, names in
                                          (("it lacks", missing), ("it has extra", unexpected)) if names))
    if not all(bool(torch.isfinite(p).all()) for p in model.parameters()):
        raise CheckpointError(f"checkpoint {weights} holds weights that are not finite (NaN or inf)")
    return model.to(device), vocab, header


def _listed(names, most: int = 6) -> str:
    """'a', 'b', 'c' — at most ``most`` names, then how many more."""
    names = sorted(names)
    shown = ", ".join(repr(n) for n in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _config(path: Path, header: dict):
    f = path / HEADER
    kind = header.get("kind", "poet")
    if kind not in KINDS:  # a judge is read by tangshi.judge.Judge.load, which registers its kind
        raise CheckpointError(f"checkpoint {f} holds a {kind!r}; this reader takes: {', '.join(KINDS)}")
    try:
        cfg = KINDS[kind][0].from_dict(header["model"])
        vocab = Vocab.from_json(header["vocab"])
    except KeyError as err:
        raise CheckpointError(f"checkpoint {f} has an incomplete header: no {err}") from err
    except (TypeError, TangshiError) as err:
        raise CheckpointError(f"checkpoint {f} has a bad header: {err}") from err
    if cfg.vocab_size != len(vocab):
        raise CheckpointError(f"checkpoint {f}: config says {cfg.vocab_size} symbols, vocabulary has {len(vocab)}")
    return cfg, vocab


def _verify(file: Path, expected: object) -> None:
    """The file exists and, when the header records one, matches its SHA-256 (older checkpoints have none)."""
    if not file.is_file():
        raise CheckpointError(f"checkpoint {file.parent} has no {file.name}")
    if expected is None:
        return
    if not isinstance(expected, str) or sha256(file) != expected:
        raise CheckpointError(f"checkpoint {file} is corrupt: its SHA-256 differs from the one in its header")


@contextmanager
def _shapes_only():
    """Build modules for their shapes alone: on the meta device, random initialisers skipped.

    (On meta, ``normal_`` runs a Python decomposition that imports torch._dynamo: 2 s of a
    4 s cold start, for values nobody reads.)
    """
    saved = {name: getattr(torch.nn.init, name) for name in _INITIALISERS}
    try:
        for name in _INITIALISERS:
            setattr(torch.nn.init, name, lambda tensor, *args, **kwargs: tensor)
        with torch.device("meta"):
            yield
    finally:
        for name, fn in saved.items():
            setattr(torch.nn.init, name, fn)


_INITIALISERS = ("normal_", "trunc_normal_", "uniform_", "kaiming_uniform_", "kaiming_normal_",
                 "xavier_uniform_", "xavier_normal_", "orthogonal_")


def _check_shapes(weights: Path, cfg, model_class: type) -> None:
    """Compare the file's tensor shapes with the config's, building nothing (a meta-device model)."""
    try:
        with safe_open(str(weights), framework="pt") as f:
            found = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    except (OSError, ValueError, RuntimeError, SafetensorError) as err:
        reason = (str(err).splitlines() or ["not a safetensors file"])[0]
        raise CheckpointError(f"cannot read {weights}: {reason}") from err
    with _shapes_only():
        want = {k: tuple(v.shape) for k, v in model_class(cfg).state_dict().items()}
    for name, shape in found.items():
        if name not in want:
            raise CheckpointError(f"checkpoint {weights} has a tensor {name!r} that this model has not")
        if shape != want[name]:
            raise CheckpointError(f"checkpoint {weights}: tensor {name!r} has shape {list(shape)}, the config"
                                  f" implies {list(want[name])}")


def load_train_state(path: Path) -> dict:
    """The resumable state saved beside a checkpoint: {"tensors": …, "json": …}, verified."""
    path = Path(path)
    try:
        extra = json.loads((path / STATE_JSON).read_text("utf-8"))
        if not isinstance(extra, dict):
            raise ValueError(f"{STATE_JSON} is not a JSON object")
        _verify(path / STATE_TENSORS, extra.get("tensors_sha256"))
        tensors = load_file(str(path / STATE_TENSORS))
    except (OSError, ValueError, SafetensorError) as err:
        raise CheckpointError(f"checkpoint {path} has no usable train state for --resume: {err}") from err
    return {"tensors": tensors, "json": extra}


def optimizer_state(opt: torch.optim.Optimizer) -> tuple[dict, dict]:
    """Split an optimizer's state dict into flat tensors and JSON-able rest."""
    sd = opt.state_dict()
    tensors = {f"opt.{pid}.{k}": v.contiguous() for pid, st in sd["state"].items() for k, v in st.items()
               if torch.is_tensor(v)}
    rest = {"param_groups": sd["param_groups"],
            "scalars": {f"{pid}.{k}": v for pid, st in sd["state"].items() for k, v in st.items() if not torch.is_tensor(v)}}
    return tensors, rest


def restore_optimizer(opt: torch.optim.Optimizer, tensors: dict, rest: dict) -> None:
    """Inverse of :func:`optimizer_state`."""
    state: dict = {}
    for key, v in tensors.items():
        if key.startswith("opt."):
            pid, name = key[4:].split(".", 1)
            state.setdefault(int(pid), {})[name] = v
    for key, v in rest["scalars"].items():
        pid, name = key.split(".", 1)
        state.setdefault(int(pid), {})[name] = v
    opt.load_state_dict({"state": state, "param_groups": rest["param_groups"]})
