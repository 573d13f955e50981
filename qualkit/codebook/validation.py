"""Rules every codebook must satisfy, whichever format it came from.

:func:`validate_codebook` checks a :class:`~qualkit.model.Codebook` in memory. The YAML
loader and the REFI-QDA importer call the same checks with the line of each code, so an
error always names the file and, when known, the line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from qualkit import limits
from qualkit.errors import CodebookError
from qualkit.model import Code, Codebook, Provenance

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9][A-Za-z0-9_-]*)*\Z")
"""A code id: letters, digits, ``-`` and ``_``, with ``.`` between parts (``access.waiting``)."""

COLOUR_PATTERN = re.compile(r"#[0-9A-Fa-f]{6}\Z")
"""A colour: ``#RRGGBB`` in hexadecimal, either case."""


@dataclass
class Location:
    """Where one code sits in its source file: its first line and each field's line."""

    line: int | None = None
    fields: dict[str, int] = field(default_factory=dict)

    def of(self, name: str) -> int | None:
        return self.fields.get(name, self.line)


def bad_character(text: str) -> str | None:
    """Describe the first character that cannot be stored in YAML and XML, or ``None``.

    Tabs and ``\\n`` line breaks are fine; other control characters, ``\\r``, the Unicode
    line and paragraph separators, lone surrogates and U+FFFE/U+FFFF are not.
    """
    for ch in text:
        if ch in "\t\n":
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ch in "\ufffe\uffff":
            return f"U+{ord(ch):04X}"
    return None


def valid_colour(value: str) -> bool:
    return COLOUR_PATTERN.match(value) is not None


def valid_id(value: str) -> bool:
    return ID_PATTERN.match(value) is not None


class _Problems:
    """Collects problems; the one earliest in the file is raised."""

    def __init__(self) -> None:
        self.items: list[tuple[float, int, str, int | None]] = []

    def add(self, problem: str, line: int | None) -> None:
        key = float(line) if line is not None else float("inf")
        self.items.append((key, len(self.items), problem, line))

    def raise_first(self, source: str) -> None:
        if self.items:
            _, _, problem, line = min(self.items)
            raise CodebookError(source, problem, line)


def shown(value: str, most: int = 60) -> str:
    """``value`` for a message: whole when short, else its start and an ellipsis."""
    return value if len(value) <= most else value[: most - 1] + "…"


def _check_text(
    problems: _Problems,
    value: object,
    what: str,
    line: int | None,
    *,
    single_line: bool = False,
    longest: int | None = None,
) -> None:
    if not isinstance(value, str):
        problems.add(f"{what} must be text", line)
        return
    if longest is not None and (problem := limits.too_long(value, longest, what)):
        problems.add(problem, line)
        return
    bad = bad_character(value)
    if bad is not None:
        problems.add(f"{what} contains a character that cannot be stored ({bad})", line)
    elif single_line and "\n" in value:
        problems.add(f"{what} must be a single line", line)


def check_codebook(
    cb: Codebook,
    source: str,
    *,
    locations: Sequence[Location] | None = None,
    top: Mapping[str, int] | None = None,
    require_definitions: bool = True,
) -> None:
    """Raise :class:`CodebookError` for the earliest problem in ``cb``.

    ``locations[i]`` is where ``cb.codes[i]`` came from; ``top`` maps codebook-level
    keys (``name``, ``codes``, ...) to their lines.
    """
    problems = _Problems()
    top = top or {}
    locs = list(locations) if locations is not None else [Location() for _ in cb.codes]

    _check_text(
        problems,
        cb.name,
        "the codebook name",
        top.get("name"),
        single_line=True,
        longest=limits.CODE_NAME,
    )
    if isinstance(cb.name, str) and not cb.name.strip():
        problems.add("the codebook name is empty", top.get("name"))
    _check_text(problems, cb.description, "the codebook description", top.get("description"))
    if isinstance(cb.version, bool) or not isinstance(cb.version, int) or cb.version < 1:
        problems.add("version must be a whole number, 1 or more", top.get("version"))
    if not cb.codes:
        problems.add("the codebook has no codes", top.get("codes"))

    first_line_of: dict[str, int | None] = {}
    ids: dict[str, Code] = {}
    for code, loc in zip(cb.codes, locs, strict=True):
        _check_code(problems, code, loc, require_definitions)
        if not isinstance(code.cid, str):
            continue
        if code.cid in ids:
            first = first_line_of[code.cid]
            also = f" (first used on line {first})" if first is not None else ""
            problems.add(f"duplicate code id '{shown(code.cid)}'{also}", loc.of("id"))
        else:
            ids[code.cid] = code
            first_line_of[code.cid] = loc.of("id")

    _check_structure(problems, cb, locs, ids)
    problems.raise_first(source)


def _check_code(problems: _Problems, code: Code, loc: Location, require_definitions: bool) -> None:
    cid = shown(code.cid) if isinstance(code.cid, str) else "?"
    long_id = isinstance(code.cid, str) and limits.too_long(
        code.cid, limits.CODE_ID, f"code id '{cid}'"
    )
    if long_id:
        problems.add(long_id, loc.of("id"))
    elif not isinstance(code.cid, str) or not valid_id(code.cid):
        problems.add(
            f"code id '{cid}' is not valid: use letters, digits, '-' and '_', "
            "with '.' between parts (e.g. access.waiting)",
            loc.of("id"),
        )
    _check_text(
        problems,
        code.name,
        f"the name of code '{cid}'",
        loc.of("name"),
        single_line=True,
        longest=limits.CODE_NAME,
    )
    if isinstance(code.name, str) and not code.name.strip():
        problems.add(f"code '{cid}' has an empty name", loc.of("name"))
    for attr in ("definition", "include", "exclude"):
        _check_text(
            problems,
            getattr(code, attr),
            f"the {attr} of code '{cid}'",
            loc.of(attr),
            longest=limits.CODE_TEXT,
        )
    if not isinstance(code.examples, list):
        problems.add(f"the examples of code '{cid}' must be a list", loc.of("examples"))
    else:
        for n, example in enumerate(code.examples, start=1):
            what = f"example {n} of code '{cid}'"
            _check_text(problems, example, what, loc.of("examples"), longest=limits.CODE_TEXT)
            if isinstance(example, str) and not example.strip():
                problems.add(f"{what} is empty", loc.of("examples"))
    if code.colour is not None and (
        not isinstance(code.colour, str) or not valid_colour(code.colour)
    ):
        problems.add(
            f"code '{cid}' has a bad colour: use #RRGGBB, e.g. \"#1F77B4\"", loc.of("colour")
        )
    if not isinstance(code.codable, bool):
        problems.add(f"codable of code '{cid}' must be true or false", loc.of("codable"))
    if not isinstance(code.provenance, Provenance):
        problems.add(f"code '{cid}' has an unknown provenance", loc.of("provenance"))
    if code.parent is not None and not isinstance(code.parent, str):
        problems.add(f"the parent of code '{cid}' must be a code id", loc.of("parent"))
    if (
        require_definitions
        and code.codable is True
        and isinstance(code.definition, str)
        and not code.definition.strip()
    ):
        problems.add(f"code '{cid}' is codable but has an empty definition", loc.of("definition"))


def _check_structure(
    problems: _Problems, cb: Codebook, locs: list[Location], ids: dict[str, Code]
) -> None:
    loc_by_obj = {id(code): loc for code, loc in zip(cb.codes, locs, strict=True)}
    in_cycle: set[str] = set()
    siblings: dict[tuple[str | None, str], int | None] = {}
    for code, loc in zip(cb.codes, locs, strict=True):
        if not isinstance(code.cid, str):
            continue
        parent = code.parent
        if isinstance(parent, str) and parent not in ids:
            problems.add(
                f"code '{shown(code.cid)}' has an unknown parent '{shown(parent)}'",
                loc.of("parent"),
            )
        elif isinstance(parent, str) and code.cid not in in_cycle:
            cycle = _cycle_from(code.cid, ids)
            if cycle is not None:
                in_cycle.update(cycle)
                first = min(
                    (ids[c] for c in cycle),
                    key=lambda c: loc_by_obj[id(c)].of("parent") or 0,
                )
                path = " -> ".join([*cycle, cycle[0]])
                problems.add(
                    f"codes form a cycle of parents: {path}", loc_by_obj[id(first)].of("parent")
                )
        if isinstance(code.name, str) and (parent is None or isinstance(parent, str)):
            key = (parent, code.name.strip().casefold())
            if key in siblings:
                where = f"under '{parent}'" if parent else "at the top level"
                seen = siblings[key]
                also = f" (also on line {seen})" if seen is not None else ""
                problems.add(
                    f"duplicate name '{shown(code.name.strip())}' {where}{also}", loc.of("name")
                )
            else:
                siblings[key] = loc.of("name")


def _cycle_from(start: str, ids: Mapping[str, Code]) -> list[str] | None:
    """The cycle of parents reached from ``start``, if ``start`` is on one."""
    seen: list[str] = []
    current: str | None = start
    while current is not None and current in ids:
        if current in seen:
            cycle = seen[seen.index(current) :]
            return cycle if start in cycle else None
        seen.append(current)
        parent = ids[current].parent
        current = parent if isinstance(parent, str) else None
    return None


def tree_order(cb: Codebook) -> list[Code]:
    """``cb.codes`` in depth-first pre-order, siblings in their existing relative order.

    ``cb`` must already be valid (no unknown parents, no cycles).
    """
    children: dict[str | None, list[Code]] = {}
    for code in cb.codes:
        children.setdefault(code.parent, []).append(code)
    out: list[Code] = []

    def walk(parent: str | None) -> None:
        for child in children.get(parent, []):
            out.append(child)
            walk(child.cid)

    walk(None)
    return out


def validate_codebook(
    cb: Codebook, *, source: str = "<codebook>", require_definitions: bool = True
) -> None:
    """Raise :class:`CodebookError` naming ``source`` if ``cb`` breaks a codebook rule.

    Rules: a non-empty single-line codebook name; at least one code; unique, well-formed
    ids; non-empty single-line names, unique (ignoring case) among siblings; every parent
    exists and parents form no cycle; colours are ``#RRGGBB``; examples are non-empty; no
    control characters; and, when ``require_definitions``, every codable code has a
    definition.
    """
    check_codebook(cb, source, require_definitions=require_definitions)
