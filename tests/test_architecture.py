"""The structure DESIGN.md §2 promises, as tests: one-way flow, no cycles, nothing at import.

The layers contract itself is in ``pyproject.toml`` (``[tool.importlinter]``) and runs
here through ``lint-imports``; a copy of the package with a deliberate upward import, a
cycle or a private import shows that each contract fails when broken. The other checks
walk the source: no private name imported from another module, no module over 600
lines, every top-level module in a layer, and ``import amity`` that loads no heavy
library and reads no file.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "amity"
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(src_root: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports with the repo's contracts on the package under ``src_root``."""
    env = dict(os.environ, PYTHONPATH=str(src_root))
    return subprocess.run([str(LINT), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
                          cwd=tmp, env=env, capture_output=True, text=True, check=False)


def _copy(tmp: Path) -> Path:
    root = tmp / "src"
    shutil.copytree(SRC, root / "amity", ignore=shutil.ignore_patterns("__pycache__", "data"))
    return root


def test_the_contracts_hold(tmp_path: Path) -> None:
    done = _lint(REPO / "src", tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    # the store reading the profile: an upward import
    ("store/_tables.py", "from amity.profile import profile  # noqa", "Layers"),
    # a source parser writing to the store (what _gdelt_download did)
    ("sources/gdelt.py", "    from amity.store import Store  # noqa", "Layers"),
    # a cycle hidden in a function, between two claims modules
    ("claims/compare.py", "    from amity.claims import verify  # noqa", "Acyclic"),
    # a private module used from outside its package
    ("report/model.py", "from amity.opportunities._tables import pair_table  # noqa",
     "Private modules"),
])
def test_a_deliberate_break_fails(tmp_path: Path, module: str, line: str,
                                  contract: str) -> None:
    root = _copy(tmp_path)
    path = root / "amity" / module
    text = path.read_text("utf-8")
    if line.startswith("    "):  # inside the module's first function, as its first line
        first = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef))
        lines = text.splitlines()
        lines.insert(first.body[0].lineno - 1, line)
        text = "\n".join(lines) + "\n"
    else:
        text += "\n" + line + "\n"
    path.write_text(text, "utf-8")
    done = _lint(root, tmp_path)
    assert done.returncode != 0
    broken = [ln for ln in done.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(ln.startswith(contract) for ln in broken), done.stdout[-3000:]


def _modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def test_no_cycles_between_modules_counting_function_level_imports() -> None:
    import grimp

    graph = grimp.build_graph("amity", exclude_type_checking_imports=False, cache_dir=None)
    modules = sorted(graph.modules)
    index = {m: i for i, m in enumerate(modules)}
    edges = {m: [d for d in graph.find_modules_directly_imported_by(m) if d in index]
             for m in modules}
    # Tarjan's strongly connected components: a component of two or more is a cycle
    counter, stack, on, low, num, cycles = [0], [], set(), {}, {}, []

    def visit(v: str) -> None:
        num[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in num:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], num[w])
        if low[v] == num[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for m in modules:
        if m not in num:
            visit(m)
    # a package importing its own submodules and being imported back by them through the
    # package name is the only cycle Python resolves without a function-level import;
    # amity has none of those either
    assert cycles == []


def _private_imports(path: Path, module: str) -> list[str]:
    """``from X import _name`` where ``_name`` is a private name (not a module) of X."""
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    mods = _modules()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        source = node.module if node.level == 0 else None
        if source is None or not source.startswith("amity"):
            continue
        for alias in node.names:
            name = alias.name
            if not name.startswith("_") or name.startswith("__"):
                continue
            if f"{source}.{name}" in mods:  # a private module: the private_modules contract
                continue
            found.append(f"{module}: from {source} import {name} (in {package})")
    return found


def test_no_private_name_is_imported_from_another_module() -> None:
    found = [f for m, p in _modules().items() for f in _private_imports(p, m)]
    assert found == []


def test_no_module_over_600_lines() -> None:
    long = {m: n for m, p in _modules().items()
            if (n := len(p.read_text("utf-8").splitlines())) > 600}
    assert long == {}


def test_every_top_level_module_is_in_a_layer() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"]
                    if c["type"] == "layers")
    named = {part.strip().strip("()") for layer in contract["layers"]
             for part in layer.replace(":", "|").split("|")}
    top = {p.stem if p.is_file() else p.name for p in SRC.iterdir()
           if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert top - named == set()


_PROBE = r"""
import sys, json
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and "/amity/" in args[0] \
            and not args[0].endswith((".py", ".pyc")) and "__pycache__" not in args[0]:
        opened.append(args[0])
sys.addaudithook(hook)
import amity
heavy = sorted(m for m in ("duckdb", "ibis", "pandas", "pyarrow", "numpy", "rich", "typer")
               if m in sys.modules)
first = sorted(m for m in sys.modules if m == "amity" or m.startswith("amity."))
import amity.sources, amity.indicators, amity.index, amity.claims, amity.report, amity.cli
print(json.dumps({"heavy": heavy, "amity": first, "opened": opened}))
"""


def test_import_amity_is_light_and_reads_no_file() -> None:
    import json

    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                          check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["heavy"] == []
    assert found["amity"] == ["amity", "amity._version"]
    # importing every package (every source registry and indicator module) reads nothing
    assert found["opened"] == []


def test_amity_version_has_one_source() -> None:
    from importlib import metadata

    import amity

    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    assert amity.__version__ == metadata.version("amity") == config["project"]["version"]
    done = subprocess.run([sys.executable, "-m", "amity.cli", "--version"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"amity {config['project']['version']}"
