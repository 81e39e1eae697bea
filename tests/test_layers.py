"""The architecture, checked: layers import one way, and no module imports itself round a cycle.

Layers (docs/ARCHITECTURE.md): ``model`` <- ``insights``, ``readwrite``, ``store`` <- ``charts``
<- ``report`` <- ``ui``, ``cli``. Every import counts, at module level or inside a function, except
those under ``if TYPE_CHECKING:`` (annotations only, never run).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent / "salesops"

# What each layer may import besides itself (and the standard library and third-party packages).
ALLOWED = {
    "model": set(),
    "insights": {"model"},
    "readwrite": {"model"},
    "store": {"model"},
    "charts": {"model", "insights"},
    "report": {"model", "readwrite", "charts", "insights"},
    "ui": {"model", "insights", "readwrite", "store", "charts", "report"},
    "cli": {"model", "insights", "readwrite", "store", "charts", "report"},
}
STREAMLIT_LAYERS = {"ui"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(path: Path) -> set[tuple[str, tuple[str, ...]]]:
    """(module, imported names) for every salesops import that runs; ("streamlit", ()) for streamlit."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found: set[tuple[str, tuple[str, ...]]] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            pairs = [(a.name, ()) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            pairs = [(module, tuple(a.name for a in node.names))]
        else:
            continue
        for module, names in pairs:
            if module == "streamlit" or module.startswith("streamlit."):
                found.add(("streamlit", ()))
            elif module.startswith("salesops"):
                found.add((module, names))
    return found


def _graph() -> tuple[nx.DiGraph, dict[str, set[str]]]:
    modules = {_module_name(p): p for p in ROOT.rglob("*.py")}
    graph = nx.DiGraph()
    raw: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph.add_node(name)
        imports = _imports(path)
        raw[name] = {module for module, _ in imports}
        for module, names in imports:
            # "from salesops.model import scenario" imports the module salesops.model.scenario;
            # "from salesops.model import evaluate" imports from the package salesops.model.
            targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in modules]
            if len(targets) < len(names) or not names:
                targets.append(module)
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target != "salesops":
                    graph.add_edge(name, target)
    return graph, raw


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else None


def test_every_module_belongs_to_a_layer():
    graph, _ = _graph()
    loose = sorted(m for m in graph if _layer(m) is None and m not in ("salesops", "salesops.__main__"))
    assert loose == [], f"modules outside the layer packages: {loose}"


def test_no_import_cycle():
    graph, _ = _graph()
    # Importing a sub-package runs its __init__, so a package's init depends on nothing it does not import.
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], f"import cycles: {cycles[:5]}"


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layers_import_one_way(layer):
    graph, _ = _graph()
    bad = sorted(
        (a, b)
        for a, b in graph.edges
        if _layer(a) == layer and _layer(b) not in ({layer} | ALLOWED[layer]) and b != "salesops"
    )
    assert bad == [], f"{layer} imports what it may not: {bad}"


def test_only_the_ui_imports_streamlit():
    _, raw = _graph()
    bad = sorted(m for m, targets in raw.items() if "streamlit" in targets and _layer(m) not in STREAMLIT_LAYERS)
    assert bad == [], f"streamlit imported outside salesops.ui: {bad}"


def test_the_checker_sees_a_forbidden_import(tmp_path, monkeypatch):
    """A model module that imported the store would be caught (the test can fail)."""
    fake = tmp_path / "salesops"
    (fake / "model").mkdir(parents=True)
    (fake / "store").mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "model" / "__init__.py").write_text("")
    (fake / "store" / "__init__.py").write_text("from salesops.model import a\n")
    (fake / "model" / "a.py").write_text("def f():\n    from salesops.store import x\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake)
    graph, _ = _graph()
    assert ("salesops.model.a", "salesops.store") in graph.edges
    assert list(nx.simple_cycles(graph))
    with pytest.raises(AssertionError, match="model imports what it may not"):
        test_layers_import_one_way("model")
