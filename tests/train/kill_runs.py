"""Kill a short training run at every rename, resume it, and compare with the uninterrupted run.

Run as a script (``python tests/train/kill_runs.py HOME WORKDIR exchange|fallback``) by
test_crash_resume.py: it imports torch (and what an optimiser imports) once, then forks one child per
run, so that the sweep does not pay for an import per kill. Each child runs ``tangshi train`` with
``TANGSHI_KILL_AT_RENAME=N`` (before the N-th rename) or ``N:after`` (after it), for N = 1, 2, … until
a run finishes unkilled; the parent then runs ``--resume`` in another child and compares the final
weights and ``best`` with the reference's, tensor by tensor. Prints one JSON object: the kill points and what differed.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from pathlib import Path

import torch

torch.set_num_threads(1)  # before any torch work: the forked children start with no thread pool
# An optimiser's constructor imports torch._dynamo (1.7 s here): once in the parent, not in every child.
torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))])

import functools  # noqa: E402

import tangshi.data  # noqa: E402
from tangshi import atomic, checkpoint  # noqa: E402
from tangshi.cli import main  # noqa: E402

# The checker's reading of each poem (the rule inputs) is a pure function of the poem (its form and its
# tuple of lines): remembered in the parent, once, it is not redone for the same fixture poems in each
# child (about half of a child's time).
tangshi.data.of_poem = functools.cache(tangshi.data.of_poem)

ARGS = ["train", "--emb", "16", "--hidden", "16", "--enc-hidden", "8", "--layers", "1", "--steps", "6",
        "--eval-every", "2", "--batch-size", "8", "--precision", "fp32", "--device", "cpu", "--threads", "1",
        "--warmup", "1", "--keep-last", "1", "--lr", "0.01", "--dropout", "0"]


def run(out: Path, kill: str | None = None, resume: bool = False, fallback: bool = False) -> int:
    """One ``tangshi train`` in a forked child: its exit code, or -9 if the injected kill hit.

    ``fallback``: as on a system that cannot exchange two names (the two-rename replacement).
    """
    pid = os.fork()
    if pid == 0:
        if fallback:
            atomic._exchange = lambda a, b: False
        if kill is not None:
            os.environ["TANGSHI_KILL_AT_RENAME"] = kill
        sys.stdout = sys.stderr = open(os.devnull, "w")
        try:
            rc = main([*ARGS, "--out", str(out), *(["--resume"] if resume else [])])
        except BaseException:  # noqa: BLE001 - a child must never return into the parent's code
            rc = 99
        os._exit(rc)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def tensors(d: Path) -> dict[str, torch.Tensor]:
    model, _, header = checkpoint.load(d)
    return {**model.state_dict(), "step": torch.tensor(header["step"])}


def differences(a: Path, b: Path) -> list[str]:
    ta, tb = tensors(a), tensors(b)
    return [k for k in ta if k not in tb or not torch.equal(ta[k], tb[k])]


def main_() -> None:
    home, work, fallback = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "fallback"
    os.environ["TANGSHI_HOME"] = str(home)
    from tangshi.corpus.build import load_dataset

    for poem in load_dataset().poems:  # every poem a run reads, read once here (see of_poem above)
        tangshi.data.of_poem(poem.form, poem.lines)
    ref = work / "reference"
    assert run(ref, fallback=fallback) == 0, "the uninterrupted run failed"
    best_steps = [json.loads(line)["step"] for line in (ref / "log.jsonl").read_text().splitlines()
                  if json.loads(line)["event"] == "eval"]
    final = sorted(ref.glob("ckpt-*"))[-1]
    results = []
    for n in range(1, 200):
        finished = False
        for when in ("", ":after"):
            out = work / f"kill-{n}{when.replace(':', '-')}"
            rc = run(out, f"{n}{when}", fallback=fallback)
            if rc == 0:
                finished = True
                shutil.rmtree(out, ignore_errors=True)
                break
            entry = {"kill": f"{n}{when}", "rc": rc}
            if rc == -signal.SIGKILL:
                entry["resume_rc"] = run(out, resume=True, fallback=fallback)
                ends = sorted(out.glob("ckpt-*"))
                entry["final"] = ends[-1].name if ends else None
                entry["final_diff"] = differences(final, ends[-1]) if ends else ["missing"]
                entry["best_diff"] = differences(ref / "best", out / "best") if (out / "best").is_dir() else ["missing"]
                entry["leftovers"] = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
                events = [json.loads(line)["event"] for line in (out / "log.jsonl").read_text().splitlines()]
                entry["resume_marked"] = "resume" in events
            results.append(entry)
            shutil.rmtree(out, ignore_errors=True)
        if finished:
            break
    best = checkpoint.read_header(ref / "best")
    print(json.dumps({"reference_final": final.name, "evals": best_steps, "best_step": best["step"], "kills": results}))


if __name__ == "__main__":
    main_()
