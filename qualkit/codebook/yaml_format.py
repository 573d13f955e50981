"""Codebooks as YAML files: the format a research team writes and keeps under version control.

Format
------
A codebook file is UTF-8 YAML (a leading byte-order mark is ignored) holding one mapping::

    name: Multiple disadvantage peer research     # required, one line
    description: What this codebook is for.        # optional
    version: 1                                     # optional whole number, default 1
    codes:                                         # required, at least one code
      - id: access                                 # required, unique in the codebook
        name: Access and transitions between services   # required, one line
        definition: How people get into services ...    # required when codable
        colour: "#0072B2"                          # optional; quote it, # starts a comment
        codable: false                             # optional, default true
        codes:                                     # optional children, nested to any depth
          - id: access.waiting
            name: Waiting times and waiting lists
            definition: How long people wait for help ...
            include: Months on a waiting list; nobody rang back ...    # optional
            exclude: Being refused help (access.eligibility) ...       # optional
            examples:                                                  # optional list
              - "I was on that waiting list for months and nobody rang."
            provenance: manual                     # optional: manual (default), suggested,
                                                   # consensus or imported

Codes may instead be written flat, each naming its parent with ``parent: <id>`` (a parent
may be listed before or after its children); both forms may be mixed, and a nested code
may repeat its enclosing code's id as ``parent``. The keys of a code are ``id``, ``name``,
``definition``, ``include``, ``exclude``, ``examples``, ``colour``, ``codable``,
``provenance``, ``parent`` and ``codes``; any other key is an error.

Ids are letters, digits, ``-`` and ``_`` with ``.`` between parts. They never change when a
code is renamed or moved, because codings refer to codes by id; the dotted prefix is a
naming convention, not a rule. Names must be unique (ignoring case) among siblings.
Text values are kept exactly as YAML reads them, so a ``|`` block keeps its final line
break; ``>-`` or a plain scalar does not. A plain ``yes``, ``2024`` or ``1.0`` in a text
field is read as the text you typed. YAML anchors and aliases (``&name``, ``*name``) are
refused, so a small file cannot stand for an enormous one.

In memory (:class:`~qualkit.model.Codebook`) codes are a flat list in depth-first order,
each with a ``parent`` id. :func:`dump_codebook` always writes the nested form, in that
order, omitting optional keys that hold their default, so ``loads_codebook(dump_codebook(cb))
== cb`` for every valid codebook whose codes are in depth-first order (which every
loaded or imported codebook is).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from qualkit.errors import CodebookError
from qualkit.files import write_atomically
from qualkit.model import Code, Codebook, Provenance
from qualkit.safe_yaml import SafeLoader, YAMLRefused

from .validation import Location, check_codebook, tree_order

TOP_KEYS = ("name", "description", "version", "codes")
CODE_KEYS = (
    "id",
    "name",
    "definition",
    "include",
    "exclude",
    "examples",
    "colour",
    "codable",
    "provenance",
    "parent",
    "codes",
)
_ALIASES = {"color": "colour", "children": "codes", "title": "name", "description": "definition"}
_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"


def load_codebook(path: str | Path, *, require_definitions: bool = True) -> Codebook:
    """Read and validate a YAML codebook file.

    Raises :class:`CodebookError` naming the file, the line and the problem.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CodebookError(path, f"cannot read the file ({exc.strerror})") from None
    return loads_codebook(
        decode_utf8(data, str(path)), source=str(path), require_definitions=require_definitions
    )


def decode_utf8(data: bytes, source: str) -> str:
    """Decode UTF-8 bytes (dropping a byte-order mark) or raise naming the bad line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CodebookError(
            source, "the file is not UTF-8 text; save it as UTF-8 and try again", line
        ) from None


def loads_codebook(
    text: str, source: str = "<string>", *, require_definitions: bool = True
) -> Codebook:
    """Parse and validate a YAML codebook held in ``text``; ``source`` names it in errors."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise CodebookError(source, "the file is empty")
    try:
        loader = SafeLoader(text)
        root = loader.get_single_node()
    except YAMLRefused as exc:
        raise CodebookError(source, str(exc.problem), exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "unreadable YAML"
        if exc.context and exc.problem and exc.problem.startswith("but "):
            problem = f"{exc.context}, {exc.problem}"
        elif exc.context_mark is not None and re.search(
            r"<stream end>|end of stream", exc.problem or ""
        ):
            # Unclosed bracket or quote: point at where it was opened, not the end of the file.
            opened = re.sub(r"^while (parsing|scanning) ", "", exc.context or "")
            line = exc.context_mark.line + 1
            problem = f"{opened} that starts here is never closed ({exc.problem})"
        if "<block" in problem or "mapping values are not allowed" in problem:
            problem += " (check the indentation)"
        raise CodebookError(source, f"YAML syntax error: {problem}", line) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise CodebookError(
            source, f"YAML cannot hold the character U+{exc.character:04X}", line
        ) from None
    except yaml.YAMLError as exc:
        raise CodebookError(source, f"YAML syntax error: {exc}") from None
    if root is None:
        raise CodebookError(source, "the file is empty (it holds only comments)")
    try:
        reader = _Reader(loader, text, source)
        return reader.codebook(root, require_definitions)
    except YAMLRefused as exc:
        raise CodebookError(source, str(exc.problem), exc.line) from None
    finally:
        loader.dispose()


@dataclass
class _Entry:
    code: Code
    loc: Location


# A key is quoted in a message only when it looks like one ("colour", "sub-codes"): text
# typed or pasted in the wrong place (a quote, a participant's words) is never repeated.
_KEY_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9_\-]{0,23}")


def _key_shown(name: str) -> str:
    """``name`` quoted, with a space after it, for a message; nothing if it is no key."""
    return f"'{name}' " if _KEY_LIKE.fullmatch(name) else ""


class _Reader:
    """Turns a composed YAML node tree into a codebook, remembering each code's line."""

    def __init__(self, loader: SafeLoader, text: str, source: str) -> None:
        self.loader = loader
        self.lines = text.split("\n")
        self.source = source

    def fail(self, problem: str, node: yaml.Node) -> CodebookError:
        return CodebookError(self.source, problem, node.start_mark.line + 1)

    def mapping(
        self, node: yaml.Node, allowed: tuple[str, ...], what: str
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(f"{what} must be a mapping of keys to values", node)
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise self.fail(f"{what} has a key that is not a plain word", key)
            name = str(key.value)
            if name in out:
                first = out[name][0].start_mark.line + 1
                raise self.fail(
                    f"duplicate key {_key_shown(name)}in {what} (first on line {first})", key
                )
            if name not in allowed:
                raise self.fail(self._unknown_key(name, allowed, what), key)
            out[name] = (key, value)
        return out

    @staticmethod
    def _unknown_key(name: str, allowed: tuple[str, ...], what: str) -> str:
        hint = _ALIASES.get(name.lower())
        if hint is None or hint not in allowed:
            close = difflib.get_close_matches(name.lower(), allowed, n=1)
            hint = close[0] if close else None
        suggestion = f"; did you mean '{hint}'?" if hint else ""
        shown = _key_shown(name)
        return f"unknown key {shown}in {what} (allowed: {', '.join(allowed)}){suggestion}"

    def text(self, key: yaml.Node, node: yaml.Node, what: str) -> str | None:
        """A text value: the scalar as written, or ``None`` for an empty value."""
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(f"{what} must be text, not a list or mapping", node)
        if node.tag == _NULL_TAG:
            return None
        return str(node.value)

    def required_text(self, key: yaml.Node, node: yaml.Node, what: str) -> str:
        value = self.text(key, node, what)
        if value is None or not value.strip():
            raise self.fail(f"{what} is empty", node if value is not None else key)
        return value

    def codebook(self, root: yaml.Node, require_definitions: bool) -> Codebook:
        if not isinstance(root, yaml.MappingNode):
            raise self.fail("the file must be a mapping with 'name' and 'codes' at the top", root)
        items = self.mapping(root, TOP_KEYS, "the codebook")
        for needed in ("name", "codes"):
            if needed not in items:
                raise self.fail(f"the codebook has no '{needed}'", root)
        top = {k: key.start_mark.line + 1 for k, (key, _) in items.items()}
        name = self.required_text(*items["name"], "the codebook name")
        description = ""
        if "description" in items:
            description = self.text(*items["description"], "the codebook description") or ""
        version = 1
        if "version" in items:
            node = items["version"][1]
            value = self.loader.construct_object(node, deep=True)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise self.fail("version must be a whole number, 1 or more", node)
            version = value
        entries: list[_Entry] = []
        self.code_list(items["codes"][1], None, entries, "codes")
        cb = Codebook(
            name=name,
            description=description,
            version=version,
            codes=[e.code for e in entries],
        )
        check_codebook(
            cb,
            self.source,
            locations=[e.loc for e in entries],
            top=top,
            require_definitions=require_definitions,
        )
        cb.codes = tree_order(cb)
        return cb

    def code_list(self, node: yaml.Node, parent: str | None, out: list[_Entry], what: str) -> None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
            return
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(f"'{what}' must be a list of codes, each starting with '- '", node)
        for item in node.value:
            self.code(item, parent, out)

    def code(self, node: yaml.Node, nested_in: str | None, out: list[_Entry]) -> None:
        items = self.mapping(node, CODE_KEYS, "a code")
        loc = Location(
            line=node.start_mark.line + 1,
            fields={k: key.start_mark.line + 1 for k, (key, _) in items.items()},
        )
        for needed in ("id", "name"):
            if needed not in items:
                raise self.fail(f"a code has no '{needed}'", node)
        cid = self.required_text(*items["id"], "the code id")
        label = f"code '{cid}'"
        code = Code(cid=cid, name=self.required_text(*items["name"], f"the name of {label}"))
        for attr in ("definition", "include", "exclude"):
            if attr in items:
                setattr(code, attr, self.text(*items[attr], f"the {attr} of {label}") or "")
        if "examples" in items:
            code.examples = self.examples(items["examples"][1], label)
        if "colour" in items:
            code.colour = self.colour(*items["colour"], label)
        if "codable" in items:
            value = self.loader.construct_object(items["codable"][1], deep=True)
            if not isinstance(value, bool):
                raise self.fail(f"codable of {label} must be true or false", items["codable"][1])
            code.codable = value
        if "provenance" in items:
            code.provenance = self.provenance(*items["provenance"], label)
        parent = nested_in
        if "parent" in items:
            key, value_node = items["parent"]
            given = self.text(key, value_node, f"the parent of {label}")
            if nested_in is not None and given not in (None, nested_in):
                raise self.fail(
                    f"{label} is nested under '{nested_in}' but names '{given}' as its parent",
                    value_node,
                )
            parent = given if given is not None else nested_in
        code.parent = parent
        out.append(_Entry(code, loc))
        if "codes" in items:
            self.code_list(items["codes"][1], cid, out, f"codes of {label}")

    def examples(self, node: yaml.Node, label: str) -> list[str]:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(f"the examples of {label} must be a list of quotes", node)
        out: list[str] = []
        for n, item in enumerate(node.value, start=1):
            value = self.text(item, item, f"example {n} of {label}")
            if value is None or not value.strip():
                raise self.fail(f"example {n} of {label} is empty", item)
            out.append(value)
        return out

    def colour(self, key: yaml.Node, node: yaml.Node, label: str) -> str | None:
        value = self.text(key, node, f"the colour of {label}")
        if value is None:
            rest = self.lines[key.end_mark.line][key.end_mark.column :]
            if rest.lstrip().startswith(":") and rest.lstrip()[1:].lstrip().startswith("#"):
                raise self.fail(
                    f'the colour of {label} must be quoted, e.g. colour: "#1F77B4" '
                    "(an unquoted # starts a comment)",
                    key,
                )
        return value

    def provenance(self, key: yaml.Node, node: yaml.Node, label: str) -> Provenance:
        value = self.text(key, node, f"the provenance of {label}")
        try:
            return Provenance(value or "")
        except ValueError:
            allowed = ", ".join(p.value for p in Provenance)
            raise self.fail(f"the provenance of {label} must be one of: {allowed}", node) from None


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key and writes multi-line text as ``|`` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar(_STR_TAG, data, style=style)


_Dumper.add_representer(str, _represent_str)


def _code_mapping(code: Code, children: dict[str | None, list[Code]]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": code.cid, "name": code.name}
    if code.definition:
        out["definition"] = code.definition
    if code.include:
        out["include"] = code.include
    if code.exclude:
        out["exclude"] = code.exclude
    if code.examples:
        out["examples"] = list(code.examples)
    if code.colour is not None:
        out["colour"] = code.colour
    if not code.codable:
        out["codable"] = False
    if code.provenance is not Provenance.MANUAL:
        out["provenance"] = code.provenance.value
    kids = children.get(code.cid, [])
    if kids:
        out["codes"] = [_code_mapping(k, children) for k in kids]
    return out


def dump_codebook(cb: Codebook) -> str:
    """Write ``cb`` as nested YAML in a stable order that :func:`loads_codebook` reads back.

    Raises :class:`CodebookError` if the codes do not form a tree (unknown parent, cycle,
    duplicate id). Codable codes without a definition are written as they are.
    """
    check_codebook(cb, "<codebook>", require_definitions=False)
    children: dict[str | None, list[Code]] = {}
    for code in cb.codes:
        children.setdefault(code.parent, []).append(code)
    doc: dict[str, Any] = {"name": cb.name}
    if cb.description:
        doc["description"] = cb.description
    if cb.version != 1:
        doc["version"] = cb.version
    doc["codes"] = [_code_mapping(c, children) for c in children.get(None, [])]
    return yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
        indent=2,
    )


def save_codebook(cb: Codebook, path: str | Path) -> None:
    """Write ``cb`` as YAML to ``path`` atomically (never a half-written file)."""
    write_atomically(path, dump_codebook(cb).encode("utf-8"))
