"""The code's shape: no long functions, and imports that follow ARCHITECTURE.md's table.

Both read the source with ``ast`` only (nothing is imported), so they are quick and can be
run on their own: ``pytest tests/test_structure.py``.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "qualkit"
MIGRATIONS = PACKAGE / "storage" / "migrations"
#: The longest a function may be, from its ``def`` line to its last line.
MAX_FUNCTION_LINES = 80


def _sources() -> Iterator[tuple[str, Path]]:
    """(dotted module name, path) of every module in ``qualkit/``."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


# -- function length ----------------------------------------------------------------------


def long_functions(limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """``path:line name (N lines)`` for every function over ``limit`` lines, migrations
    left out (they are generated and never change)."""
    found = []
    for _, path in _sources():
        if MIGRATIONS in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                lines = node.end_lineno - node.lineno + 1
                if lines > limit:
                    where = path.relative_to(ROOT)
                    found.append(f"{where}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_no_function_is_longer_than_80_lines() -> None:
    assert long_functions() == []


def test_the_length_check_finds_long_functions() -> None:
    assert long_functions(limit=5), "a limit of 5 lines must find functions"


# -- ARCHITECTURE.md's module table --------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of the table: its module names (``qualkit.x``, or globs like
    ``qualkit.cli_*``) and the words of its "may import" column."""

    index: int
    modules: tuple[str, ...]
    may_import: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.modules[0]

    @property
    def foundation(self) -> bool:
        return self.may_import == ("stdlib",)

    @property
    def ui(self) -> bool:
        return any(m.startswith("qualkit.ui") for m in self.modules)

    @property
    def cli(self) -> bool:
        return any(m.startswith("qualkit.cli") for m in self.modules)


def table_rows(text: str | None = None) -> list[Row]:
    """The rows of the ``| module | role | may import |`` table that name qualkit modules.

    The module column's names are the backticked ``qualkit...`` words (a trailing note
    such as "(plain modules)" is ignored); the "may import" column is split at commas.
    """
    text = text if text is not None else (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rows: list[Row] = []
    in_table = False
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and [c.lower() for c in cells] == ["module", "role", "may import"]:
            in_table = True
            continue
        if not in_table:
            continue
        if not line.startswith("|"):
            break
        if set(cells[0]) <= set("-: "):
            continue
        modules = tuple(m for m in re.findall(r"`([^`]+)`", cells[0]) if m.startswith("qualkit"))
        if modules:
            words = tuple(w.strip() for w in cells[-1].split(",") if w.strip())
            rows.append(Row(len(rows), modules, words))
    return rows


def _matches(module: str, pattern: str) -> bool:
    if "*" in pattern:
        return fnmatch.fnmatchcase(module, pattern) or fnmatch.fnmatchcase(module, pattern + ".*")
    return module == pattern or module.startswith(pattern + ".")


def row_of(module: str, rows: list[Row]) -> Row | None:
    """The row naming ``module`` most specifically (``qualkit.ui.st_common`` belongs to
    the ``qualkit.ui.st_*`` row, not to ``qualkit.ui``)."""
    best: tuple[int, Row] | None = None
    for row in rows:
        for pattern in row.modules:
            if _matches(module, pattern):
                score = len(pattern.replace("*", ""))
                if best is None or score > best[0]:
                    best = (score, row)
    return None if best is None else best[1]


def qualkit_imports() -> dict[str, set[str]]:
    """Module → the qualkit modules it imports: at the top, inside functions and under
    ``TYPE_CHECKING`` alike (``from qualkit import limits`` is ``qualkit.limits``)."""
    modules = dict(_sources())
    out: dict[str, set[str]] = {}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*parent, base] if base else parent)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    found.add(full if full in modules else base)
        out[module] = {m for m in found if m == "qualkit" or m.startswith("qualkit.")}
    return out


def allowed(source: Row, module: str, rows: list[Row]) -> bool:
    """Whether the table lets a module of ``source`` import the qualkit ``module``.

    Only the qualkit-internal part of the column is checked; third-party names (yaml,
    lxml, streamlit...) are not. A word is read as:

    - ``everything``: any qualkit module;
    - ``everything above but not UI``: modules of the rows above, outside ``qualkit.ui``;
    - ``library``: any module outside the UI and CLI rows;
    - a qualkit module without its ``qualkit.`` prefix (``storage``, ``topics.passages``):
      that module and the modules inside it;
    - ``yaml``: also ``qualkit.safe_yaml``, the one YAML loader;
    - ``qualkit``: the package itself (for its version).

    A note in brackets after a word ("project (a type)") is left out.

    And always: modules of one's own row, and the foundation rows (whose column is just
    ``stdlib``: model, text, errors, limits, exporting), which every module may use.
    A module in no row (the package ``qualkit`` itself) is allowed only by ``everything``.
    """
    words = tuple(w.split(" (")[0].strip() for w in source.may_import)
    target = row_of(module, rows)
    if "everything" in words:
        return True
    if module == "qualkit" and "qualkit" in words:
        return True
    if any(module == f"qualkit.{w}" or module.startswith(f"qualkit.{w}.") for w in words):
        return True
    if target is None:
        return False
    if target == source or target.foundation:
        return True
    if "everything above but not UI" in words and target.index < source.index and not target.ui:
        return True
    if "library" in words and not (target.ui or target.cli):
        return True
    return "yaml" in words and target.name == "qualkit.safe_yaml"


def disallowed_imports(rows: list[Row] | None = None) -> dict[str, set[str]]:
    """Row name → what modules of that row import without the table allowing it (by the
    imported module's row name; ``(not in the table)`` for a module in no row)."""
    rows = rows if rows is not None else table_rows()
    out: dict[str, set[str]] = {}
    for module, targets in qualkit_imports().items():
        source = row_of(module, rows)
        if source is None:
            out.setdefault(module, set()).add("(not in the table)")
            continue
        for target_module in targets:
            if not allowed(source, target_module, rows):
                target = row_of(target_module, rows)
                out.setdefault(source.name, set()).add(
                    target.name if target is not None else target_module
                )
    return out


#: What the table does not say today: row → the imports its column does not allow. The
#: test fails when one of these is no longer true, so that the list only shrinks: when
#: a row of ARCHITECTURE.md is corrected, remove its entry here.
KNOWN_GAPS: dict[str, set[str]] = {}


def test_imports_follow_the_architecture_table() -> None:
    found = disallowed_imports()
    new = {k: v - KNOWN_GAPS.get(k, set()) for k, v in found.items()}
    new = {k: v for k, v in new.items() if v}
    stale = {k: v - found.get(k, set()) for k, v in KNOWN_GAPS.items()}
    stale = {k: v for k, v in stale.items() if v}
    assert new == {}, f"imports ARCHITECTURE.md's table does not allow: {new}"
    assert stale == {}, f"KNOWN_GAPS entries that are no longer true (remove them): {stale}"


def test_the_table_is_read() -> None:
    rows = table_rows()
    by_name = {r.name: r for r in rows}
    assert "qualkit.storage" in by_name and "qualkit.model" in by_name
    assert by_name["qualkit.model"].foundation
    assert row_of("qualkit.ui.st_common", rows) != row_of("qualkit.ui.spans", rows)


def test_a_disallowed_import_is_found() -> None:
    table = (
        "| module | role | may import |\n| --- | --- | --- |\n"
        "| `qualkit.model` | data | stdlib |\n"
        "| `qualkit.storage` | db | sqlalchemy |\n"
        "| `qualkit.agreement` | stats | numpy, errors |\n"
        "| `qualkit.analysis` | tables | pandas, topics.passages |\n"
    )
    rows = table_rows(table)
    storage, agreement = row_of("qualkit.storage", rows), row_of("qualkit.agreement", rows)
    analysis = row_of("qualkit.analysis.frames", rows)
    assert storage is not None and agreement is not None and analysis is not None
    assert not allowed(agreement, "qualkit.storage.store", rows)
    assert allowed(storage, "qualkit.model", rows)
    assert allowed(analysis, "qualkit.topics.passages", rows)
    assert not allowed(analysis, "qualkit.topics.themes", rows)
    assert not allowed(agreement, "qualkit", rows)
