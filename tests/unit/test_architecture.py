"""The house rules that keep the package layered: no cycles, no private names across modules.

``lint-imports`` (contracts in ``pyproject.toml``) checks the layer order; these checks cover
what it does not: cycles inside a layer, function-level imports included, and underscored
names reached from another module (in the package and in the tests).
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
CHECKED = [ROOT / "driftkl", ROOT / "tests", ROOT / "dags", ROOT / "benchmarks"]


def _cycle(graph: grimp.ImportGraph) -> list[str] | None:
    """One import cycle between driftkl modules, or ``None``."""
    modules = sorted(graph.modules)
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph.find_modules_directly_imported_by(m)):
            if state.get(n) == 1:
                return [*stack[stack.index(n) :], n]
            if n not in state and (found := visit(n)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in modules:
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_cycle_anywhere_in_the_package():
    """No module of driftkl imports itself back, even through an import inside a function."""
    graph = grimp.build_graph("driftkl", exclude_type_checking_imports=True)
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def _driftkl_aliases(tree: ast.Module) -> set[str]:
    """Local names bound to driftkl modules or objects by the file's imports."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "driftkl":
                    names.add(a.asname or "driftkl")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "driftkl":
            names.update(a.asname or a.name for a in node.names)
    return names


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            local = node.module.split(".")[0] in {"driftkl", "helpers"}
            out += [
                f"{path}:{node.lineno} imports {a.name} from {node.module}"
                for a in node.names
                if local and _private(a.name)
            ]
    aliases = _driftkl_aliases(tree)
    for node in ast.walk(tree):
        if (  # monkeypatch.setattr(module, "_private", ...)
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in aliases
            and isinstance(node.args[1], ast.Constant)
            and _private(str(node.args[1].value))
        ):
            out.append(f"{path}:{node.lineno} patches {node.args[0].id}.{node.args[1].value}")
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            out.append(f"{path}:{node.lineno} reads {node.value.id}.{node.attr}")
    return out


def test_no_underscored_name_crosses_a_module():
    """No file imports or reads an underscored name of another driftkl module."""
    found = [v for top in CHECKED for p in sorted(top.rglob("*.py")) for v in _violations(p)]
    assert found == []


def test_the_check_catches_a_private_import(tmp_path):
    """The underscore check flags both an import and an attribute read of a private name."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from driftkl.config.parse import _fields\nimport driftkl\ndriftkl._x\n"
        "monkeypatch.setattr(driftkl, '_y', 1)\n"
    )
    assert len(_violations(bad)) == 3
