"""The code's layers: data flows one way, corpus → model → train → checkpoint → decoding → cli/server.

Every ``import tangshi.…`` in src/tangshi (at the top of a file or inside a function) is an arrow
from one unit (a top-level module, or a package) to another. No arrow may run against the flow
(:data:`FLOW`), and the arrows form no circle.
"""
from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "tangshi"

# Each unit's floor: a unit may import units on its own floor or below, never above.
FLOW = {
    "errors": 0, "paths": 0, "atomic": 0, "hanzi": 0,
    "metrics": 1, "corpus": 1, "mood": 1, "setting": 1, "plan": 1, "prosody": 1, "duizhang": 1, "script": 1, "nn": 1,
    "request": 2, "masks": 2, "rhymebook": 2,
    "model": 3, "data": 4,
    "train": 5, "checkpoint": 5, "judge": 6,
    "decoding": 7,
    "poet": 8, "lab": 8,
    "evaluate": 9,
    "server": 10, "cli": 10,
}


def unit(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def arrows() -> set[tuple[str, str]]:
    """(importer, imported) units, both inside tangshi, for every import in src/tangshi."""
    out = set()
    for path in SRC.rglob("*.py"):
        if path == SRC / "__init__.py":
            continue  # the package's front: lazy names only (checked by test_the_front_imports_nothing_eagerly)
        here = unit(path)
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names] if node.module == "tangshi" \
                    else [node.module]
            for name in names:
                parts = name.split(".")
                if parts[0] == "tangshi" and len(parts) > 1 and parts[1] in FLOW and parts[1] != here:
                    out.add((here, parts[1]))
    return out


def test_every_unit_has_a_floor() -> None:
    units = {unit(p) for p in SRC.rglob("*.py") if p != SRC / "__init__.py" and unit(p) != "__main__"}
    assert units <= set(FLOW), f"units without a floor in FLOW: {sorted(units - set(FLOW))}"


def test_no_import_runs_against_the_flow() -> None:
    up = sorted((a, b) for a, b in arrows() if FLOW[b] > FLOW[a])
    assert not up, f"imports against the flow: {up}"


def test_the_imports_form_no_circle() -> None:
    graph: dict[str, set[str]] = {}
    for a, b in arrows():
        graph.setdefault(a, set()).add(b)
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as err:
        pytest.fail(f"an import circle: {err.args[1]}")


def test_the_front_imports_nothing_eagerly() -> None:
    tree = ast.parse((SRC / "__init__.py").read_text("utf-8"))
    top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = [a.name for n in top if isinstance(n, ast.Import) for a in n.names] + \
        [n.module for n in top if isinstance(n, ast.ImportFrom)]
    assert names and not any(name.startswith("tangshi") for name in names)  # its public names load on use
