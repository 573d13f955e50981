"""No import circles inside qualkit.

Every ``import`` of a ``qualkit`` module counts, also those inside functions (which hide a
circle from Python but not from the reader); only imports under ``if TYPE_CHECKING:`` are
left out, since they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Container, Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "qualkit"


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted module name → its file, for every module of ``package``."""
    out: dict[str, Path] = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_names(
    module: str, is_package: bool, tree: ast.AST, modules: Container[str]
) -> Iterable[str]:
    """Every module name ``tree`` imports. ``from a import b`` imports the module ``a.b``
    when there is one (``a`` is then already imported, as its parent), else ``a``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".") if is_package else module.split(".")[:-1]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield full if full in modules else base
        stack.extend(ast.iter_child_nodes(node))


def import_graph(files: Mapping[str, Path]) -> dict[str, set[str]]:
    """Module → the package's modules it imports."""
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        names = _imported_names(module, path.name == "__init__.py", tree, files)
        graph[module] = {n for n in names if n in files and n != module}
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a circle (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_circle_hidden_in_a_function(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg.b import thing\n")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pkg import c\n"
        "def thing():\n    from . import a\n"
    )
    (pkg / "c.py").write_text("import pkg.b\n")
    graph = import_graph(module_files(pkg))
    assert graph["pkg.b"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]


def test_the_package_graph_is_read() -> None:
    graph = import_graph(module_files())
    assert "qualkit.ui.st_common" in graph["qualkit.ui.st_app"]
    assert "qualkit.topics.suggest" in graph["qualkit.topics.cache"]


def test_no_import_cycles() -> None:
    assert cycles(import_graph(module_files())) == []


def test_the_library_does_not_import_its_test_helpers() -> None:
    graph = import_graph(module_files())
    helpers = "qualkit.testing"
    users = {
        module: sorted(d for d in deps if d == helpers or d.startswith(helpers + "."))
        for module, deps in graph.items()
        if not (module == helpers or module.startswith(helpers + "."))
    }
    assert {m: d for m, d in users.items() if d} == {}
