"""Checkpoints: safetensors for tensors, JSON for everything else; never pickle.

A checkpoint is a directory:

- ``model.safetensors`` — the network's weights;
- ``model.json`` — format version, :class:`ModelConfig`, vocabulary, step, metrics and
  the training config, checked on load;
- ``train_state.safetensors`` + ``train_state.json`` (optional) — optimizer moments, RNG
  states, the trainer's counters: what ``--resume`` needs and generation does not.

Directories are written to a staging directory and renamed into place, so a reader
never sees half a checkpoint. Loading executes no code from the file.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, load_model, save_file, save_model

from tangshi.atomic import staged_dir, write_text
from tangshi.corpus.vocab import Vocab
from tangshi.errors import CheckpointError
from tangshi.model import ModelConfig, PoemModel

FORMAT, VERSION = "tangshi-checkpoint", 1


def save(path: Path, model: PoemModel, vocab: Vocab, meta: dict, train_state: dict | None = None) -> None:
    """Write a checkpoint directory atomically. ``meta`` holds step, metrics, train config."""
    with staged_dir(Path(path)) as stage:
        save_model(_unpacked(model), str(stage / "model.safetensors"))
        header = {"format": FORMAT, "version": VERSION, "model": model.cfg.to_dict(),
                  "vocab": vocab.to_json(), **meta}
        write_text(stage / "model.json", json.dumps(header, ensure_ascii=False))
        if train_state is not None:
            save_file(train_state["tensors"], str(stage / "train_state.safetensors"))
            write_text(stage / "train_state.json", json.dumps(train_state["json"]))


def _unpacked(model: PoemModel) -> PoemModel:
    """``model`` itself, or a CPU copy when a weight is a view into a larger buffer.

    On CUDA the recurrent layers pack their weights into one buffer for cuDNN (as
    ``nn.LSTM`` does), and safetensors refuses to save a view of a larger storage. The copy
    is built from the config, so tied weights stay tied and are stored once.
    """
    if all(p.untyped_storage().nbytes() == p.numel() * p.element_size() for p in model.parameters()):
        return model
    copy = PoemModel(model.cfg)
    copy.load_state_dict({k: v.detach().cpu() for k, v in model.state_dict().items()})
    return copy


def read_header(path: Path) -> dict:
    """The checked ``model.json`` of a checkpoint directory."""
    f = Path(path) / "model.json"
    if not f.is_file():
        raise CheckpointError(f"no checkpoint at {path} (missing model.json)")
    try:
        header = json.loads(f.read_text("utf-8"))
    except (OSError, ValueError) as err:
        raise CheckpointError(f"corrupt checkpoint {f}: {err}") from err
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise CheckpointError(f"checkpoint {path} has format {header.get('format')!r} v{header.get('version')!r};"
                              f" this tangshi reads {FORMAT!r} v{VERSION}")
    return header


def load(path: Path, device: str | torch.device = "cpu") -> tuple[PoemModel, Vocab, dict]:
    """Build the model a checkpoint describes and load its weights: (model, vocab, header)."""
    header = read_header(path)
    try:
        cfg = ModelConfig.from_dict(header["model"])
        vocab = Vocab.from_json(header["vocab"])
    except (KeyError, TypeError) as err:
        raise CheckpointError(f"checkpoint {path} has an incomplete header: {err}") from err
    if cfg.vocab_size != len(vocab):
        raise CheckpointError(f"checkpoint {path}: config says {cfg.vocab_size} symbols, vocabulary has {len(vocab)}")
    model = PoemModel(cfg)
    try:
        load_model(model, str(Path(path) / "model.safetensors"), strict=True, device=str(device))
    except (OSError, RuntimeError, ValueError) as err:
        raise CheckpointError(f"cannot load weights from {path}: {err}") from err
    return model.to(device), vocab, header


def load_train_state(path: Path) -> dict:
    """The resumable state saved beside a checkpoint: {"tensors": …, "json": …}."""
    try:
        tensors = load_file(str(Path(path) / "train_state.safetensors"))
        extra = json.loads((Path(path) / "train_state.json").read_text("utf-8"))
    except (OSError, ValueError) as err:
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
