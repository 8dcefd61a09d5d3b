"""Two settings in one blind packet: write the poems, then split the readers' scores by setting.

A blind reading compares two settings in one packet, titles interleaved: setting A writes the titles
of even index, setting B those of odd index, one poem each at the defaults with ``seed = index`` (fixed
in advance, nothing dropped or picked). A setting is a commit of this repository (``--a-commit``,
checked out beside the tree) or this tree (``HEAD`` as it stands), plus ``tangshi write`` flags, and
a poet (``--a-model``/``--b-model``: a checkpoint directory; default the shipped one).

    python bench/blind_pair.py write --titles titles.jsonl --a-commit 0ecc5af --out gen.jsonl
    (build the packet from gen.jsonl, have two readers score it)
    python bench/blind_pair.py split --packet DIR --gen gen.jsonl

``write`` prints nothing of the poems; ``gen.jsonl`` holds one object per title: ``title``, ``form``,
``text`` (lines joined by newlines), ``index``, ``seed`` and ``setting`` (``A`` or ``B``). ``split``
prints, per reader sheet and pooled, the mean of F, C, M, P and their mean for each setting and for
the real poems, and how many of each setting's poems the reader took for real.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from worktree import ROOT, checkout

SCORES = ("F", "C", "M", "P")
WRITE = r"""
import json, sys, warnings
from tangshi.poet import Poet

job = json.loads(sys.argv[1])
poet = Poet.load(job.get("model"))
for k, t in job["titles"]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = poet.write(form=t["form"], title=t["title"], seed=k, **job["fields"])[0]
    print(json.dumps({"title": t["title"], "form": t["form"], "text": "\n".join(p.lines), "index": k, "seed": k},
                     ensure_ascii=False))
"""


def write_setting(titles: list[tuple[int, dict]], fields: dict, tree: Path | None,
                  model: str | None = None) -> list[dict]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    if tree is not None:
        env["PYTHONPATH"] = str(tree / "src")
    job = json.dumps({"titles": titles, "fields": fields, "model": model and str(Path(model).resolve())},
                     ensure_ascii=False)
    done = subprocess.run([sys.executable, "-c", WRITE, job], env=env, capture_output=True, text=True,
                          cwd=tree or ROOT, check=True)
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def cmd_write(a: argparse.Namespace) -> None:
    titles = [json.loads(x) for x in Path(a.titles).read_text("utf-8").splitlines() if x.strip()]
    out = []
    for name, commit, fields, model, parity in (("A", a.a_commit, a.a_fields, a.a_model, 0),
                                                ("B", a.b_commit, a.b_fields, a.b_model, 1)):
        mine = [(k, t) for k, t in enumerate(titles) if k % 2 == parity]
        extra = json.loads(fields) if fields else {}
        if commit == "HEAD":
            rows = write_setting(mine, extra, None, model)
        else:
            with checkout(commit) as tree:
                rows = write_setting(mine, extra, tree, model)
        out += [{**r, "setting": name} for r in rows]
    out.sort(key=lambda r: r["index"])
    Path(a.out).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), "utf-8")
    print(f"{len(out)} poems, settings A (even) and B (odd), in {a.out}")


def mean(xs: list[float]) -> float:
    return round(sum(xs) / len(xs), 2) if xs else float("nan")


def cmd_split(a: argparse.Namespace) -> None:
    packet = Path(a.packet)
    key = {it["id"]: it for it in json.loads(Path(str(packet).rstrip("/") + ".key.json").read_text("utf-8"))}
    setting = {r["title"]: r["setting"] for r in map(json.loads, Path(a.gen).read_text("utf-8").splitlines())}
    report, pooled = {}, {}
    for sheet in sorted(packet.glob("scores-*.tsv")):
        groups: dict[str, list] = {}
        for row in csv.DictReader(sheet.open(encoding="utf-8"), delimiter="\t"):
            it = key.get(int(row["id"]))
            if it is None:
                continue
            group = setting[it["title"]] if it["kind"] == "gen" else "real"
            s = [float(row[x]) for x in SCORES]
            taken = row["guess"].strip().upper().startswith("R")
            groups.setdefault(group, []).append((s, taken))
            pooled.setdefault(group, []).append(sum(s) / 4)
        report[sheet.stem] = {g: {**{x: mean([s[i] for s, _ in v]) for i, x in enumerate(SCORES)},
                                  "mean": mean([sum(s) / 4 for s, _ in v]), "n": len(v),
                                  "taken_for_real": sum(t for _, t in v)} for g, v in sorted(groups.items())}
    report["pooled"] = {g: mean(v) for g, v in sorted(pooled.items())}
    print(json.dumps(report, ensure_ascii=False, indent=1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write", help="one poem per title, settings A and B interleaved")
    w.add_argument("--titles", required=True, help="titles.jsonl: {title, form} per line")
    w.add_argument("--a-commit", default="HEAD", help="setting A's commit (HEAD: this tree)")
    w.add_argument("--b-commit", default="HEAD", help="setting B's commit (HEAD: this tree)")
    w.add_argument("--a-fields", help="setting A's write fields as JSON, e.g. '{\"candidates\": 1}'")
    w.add_argument("--b-fields", help="setting B's write fields as JSON")
    w.add_argument("--a-model", help="setting A's poet: a checkpoint directory (default: the shipped one)")
    w.add_argument("--b-model", help="setting B's poet: a checkpoint directory (default: the shipped one)")
    w.add_argument("--out", required=True)
    s = sub.add_parser("split", help="the readers' scores by setting")
    s.add_argument("--packet", required=True)
    s.add_argument("--gen", required=True, help="the gen.jsonl that `write` made")
    a = ap.parse_args()
    {"write": cmd_write, "split": cmd_split}[a.cmd](a)


if __name__ == "__main__":
    main()
