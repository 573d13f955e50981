"""REFI-QDA codebook exchange (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``).

Export
------
:func:`export_qdc` writes one ``<Code>`` per code, nested as in the codebook, with
``name``, ``isCodable``, ``color`` (``#RRGGBB``) and a ``guid``. The GUID is
``uuid5(QUALKIT_CODE_NAMESPACE, code id)``, where ``QUALKIT_CODE_NAMESPACE`` is the fixed
UUID ``uuid5(NAMESPACE_URL, "urn:qualkit:code")`` =
``96040065-1d2d-5050-83f9-21f7e12822c9``, so a code keeps its GUID across exports, renames
and moves.

The schema has no place for inclusion and exclusion notes or examples, so they go into
``<Description>`` as readable text that other tools show as is::

    <definition, any number of lines>
    (blank line)
    Include: <include note>
    Exclude: <exclude note>
    Example: <first example>
    Example: <second example>
    Provenance: <provenance, only when not "manual">

The blank line and definition are left out when the definition is empty, as are lines
for empty notes. A value that runs over several lines continues on lines indented by two
spaces, so the closing block never contains a blank line: it is always the text after the
description's last blank line. No id is written into the text other tools display: the
GUID identifies the code. The codebook's own name, description and version, and each
code's id and exact fields by GUID, travel in a ``<?qualkit-codebook {json}?>`` processing
instruction before the root element (schema validators and other tools ignore it). Together
these make qualkit → .qdc → qualkit lossless.

Import
------
:func:`import_qdc` reads codebooks written by qualkit and by other tools (NVivo, ATLAS.ti,
MAXQDA, QualCoder): nested codes, ``isCodable="false"`` categories, GUIDs with or without
braces in either case, 3- or 6-digit colours, free-text descriptions, a byte-order mark.
A code's id is taken from the instruction's entry for its GUID (or, in files written by
older versions, its ``Code id:`` line); failing that, from ``known_ids`` whose GUID
matches; failing that, it is a slug of the code's name path
(``topics.health-care``), made unique with ``-2``, ``-3``. If a trailing
``Include:``/``Exclude:``/``Example:`` paragraph is present in a foreign description it
is read into those fields; the rest is the definition. A code whose description is still
exactly what qualkit wrote takes its fields from the instruction; one edited in another
tool is read from its description. Foreign codes get provenance ``imported``. Missing
names become ``Unnamed code``; names repeated among siblings get `` (2)``, `` (3)``; each
such repair is added to ``notes``. Code sets are reported in ``notes`` by name (qualkit
has no sets).
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from lxml import etree

from qualkit.codebook.validation import (
    Location,
    bad_character,
    check_codebook,
    valid_colour,
    valid_id,
)
from qualkit.errors import CodebookError
from qualkit.files import write_atomically
from qualkit.model import Code, Codebook, Provenance

from .common import (
    CODEBOOK_PI,
    CODEBOOK_XSD,
    QDC_NAMESPACE,
    code_guid,
    local,
    pi_json,
    plain_guid,
    schema,
)
from .common import parser as _parser

ORIGIN = "qualkit"
PI_TARGET = CODEBOOK_PI
DEFAULT_XSD = CODEBOOK_XSD

_KEYS = {
    "include": "include",
    "includes": "include",
    "inclusion": "include",
    "exclude": "exclude",
    "excludes": "exclude",
    "exclusion": "exclude",
    "example": "example",
    "examples": "example",
    "provenance": "provenance",
    "code id": "id",
}
_KEY_LINE = re.compile(r"([A-Za-z][A-Za-z ]*?):(?: ?)(.*)\Z", re.DOTALL)
_SHORT_COLOUR = re.compile(r"#([0-9A-Fa-f])([0-9A-Fa-f])([0-9A-Fa-f])\Z")

Source = str | Path | IO[bytes] | bytes


_plain_guid = plain_guid


# --- Description text --------------------------------------------------------------------


@dataclass
class DescriptionParts:
    """What :func:`parse_description` found in a ``<Description>``."""

    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: list[str] = field(default_factory=list)
    provenance: Provenance | None = None
    cid: str | None = None


def _field_lines(key: str, value: str) -> list[str]:
    first, *rest = value.split("\n")
    return [f"{key}: {first}"] + [f"  {line}" for line in rest]


def format_description(code: Code) -> str:
    """The ``<Description>`` text for ``code`` (see the module docstring)."""
    lines: list[str] = []
    if code.include:
        lines += _field_lines("Include", code.include)
    if code.exclude:
        lines += _field_lines("Exclude", code.exclude)
    for example in code.examples:
        lines += _field_lines("Example", example)
    if code.provenance is not Provenance.MANUAL:
        lines.append(f"Provenance: {code.provenance.value}")
    block = "\n".join(lines)
    if not block:
        return code.definition
    return f"{code.definition}\n\n{block}" if code.definition else block


def code_record(code: Code) -> dict[str, Any]:
    """What the codebook instruction keeps of ``code`` (its GUID is the key)."""
    return {
        "id": code.cid,
        "definition": code.definition,
        "include": code.include,
        "exclude": code.exclude,
        "examples": list(code.examples),
        "provenance": code.provenance.value,
    }


def codebook_meta(cb: Codebook) -> dict[str, Any]:
    """The ``qualkit-codebook`` instruction for ``cb``."""
    return {
        "name": cb.name,
        "description": cb.description,
        "version": cb.version,
        "codes": {code_guid(c.cid): code_record(c) for c in cb.codes},
    }


def _parse_block(text: str) -> DescriptionParts | None:
    """Read a closing ``Key: value`` paragraph, or ``None`` if ``text`` is not one."""
    fields: list[tuple[str, list[str]]] = []
    for line in text.split("\n"):
        if line.startswith("  ") and fields:
            fields[-1][1].append(line[2:])
            continue
        match = _KEY_LINE.match(line)
        if match is None:
            return None
        key = _KEYS.get(" ".join(match.group(1).split()).casefold())
        if key is None:
            return None
        fields.append((key, [match.group(2)]))
    if not fields:
        return None
    parts = DescriptionParts()
    seen: set[str] = set()
    for key, value_lines in fields:
        value = "\n".join(value_lines)
        if key in ("provenance", "id"):
            if key in seen:
                return None
            seen.add(key)
        if key == "include":
            parts.include = f"{parts.include}\n{value}" if parts.include else value
        elif key == "exclude":
            parts.exclude = f"{parts.exclude}\n{value}" if parts.exclude else value
        elif key == "example":
            parts.examples.append(value)
        elif key == "provenance":
            try:
                parts.provenance = Provenance(value.strip())
            except ValueError:
                return None
        elif key == "id":
            if not valid_id(value.strip()):
                return None
            parts.cid = value.strip()
    return parts


def parse_description(text: str) -> DescriptionParts:
    """Split a ``<Description>`` into definition, notes, examples, provenance and id.

    Inverse of :func:`format_description` for text with a ``Code id:`` line (files from
    older versions); other text becomes the definition (trimmed), with a trailing
    ``Include:``/``Exclude:``/``Example:`` paragraph read into those fields.
    """
    text = text.rstrip()
    head, sep, tail = text.rpartition("\n\n")
    parts = _parse_block(tail)
    if parts is None:
        return DescriptionParts(definition=text.strip())
    parts.definition = head if sep else ""
    if parts.cid is None:
        parts.definition = parts.definition.strip()
        parts.include = parts.include.strip()
        parts.exclude = parts.exclude.strip()
        parts.examples = [e.strip() for e in parts.examples if e.strip()]
    return parts


# --- Export ------------------------------------------------------------------------------


def _q(tag: str, namespace: str) -> str:
    return f"{{{namespace}}}{tag}"


def build_codes_element(cb: Codebook, namespace: str = QDC_NAMESPACE) -> etree._Element:
    """A ``<Codes>`` element for ``cb`` in ``namespace``; reusable inside a ``.qdpx`` project."""
    check_codebook(cb, "<codebook>", require_definitions=False)
    children: dict[str | None, list[Code]] = {}
    for code in cb.codes:
        children.setdefault(code.parent, []).append(code)
    codes = etree.Element(_q("Codes", namespace), nsmap={None: namespace})

    def add(parent: etree._Element, code: Code) -> None:
        attrs = {
            "guid": code_guid(code.cid),
            "name": code.name,
            "isCodable": "true" if code.codable else "false",
        }
        if code.colour is not None:
            attrs["color"] = code.colour
        element = etree.SubElement(parent, _q("Code", namespace), attrs)
        etree.SubElement(element, _q("Description", namespace)).text = format_description(code)
        for child in children.get(code.cid, []):
            add(element, child)

    for top in children.get(None, []):
        add(codes, top)
    return codes


def qdc_bytes(cb: Codebook) -> bytes:
    """The ``.qdc`` document for ``cb`` as UTF-8 bytes."""
    root = etree.Element(_q("CodeBook", QDC_NAMESPACE), nsmap={None: QDC_NAMESPACE})
    root.set("origin", ORIGIN)
    root.append(build_codes_element(cb))
    root.addprevious(etree.ProcessingInstruction(PI_TARGET, pi_json(codebook_meta(cb))))
    body = etree.tostring(etree.ElementTree(root), encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def export_qdc(cb: Codebook, fileobj: IO[bytes], *, xsd: str | Path | None = None) -> None:
    """Write ``cb`` as a REFI-QDA ``.qdc`` codebook to the binary file object ``fileobj``.

    The document is checked against the codebook schema before anything is written.
    """
    data = qdc_bytes(cb)
    validate_qdc(data, xsd=xsd)
    fileobj.write(data)


def save_qdc(cb: Codebook, path: str | Path, *, xsd: str | Path | None = None) -> None:
    """Write ``cb`` as a ``.qdc`` file at ``path`` atomically."""
    buffer = io.BytesIO()
    export_qdc(cb, buffer, xsd=xsd)
    write_atomically(path, buffer.getvalue())


# --- Schema validation -------------------------------------------------------------------


def _read(source: Source) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, "<bytes>"
    if isinstance(source, str | Path):
        try:
            return Path(source).read_bytes(), str(source)
        except OSError as exc:
            raise CodebookError(source, f"cannot read the file ({exc.strerror})") from None
    data = source.read()
    name = getattr(source, "name", None)
    return data, str(name) if isinstance(name, str | Path) else "<stream>"


def _parse(data: bytes, label: str) -> etree._Element:
    if not data.strip():
        raise CodebookError(label, "the file is empty")
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise CodebookError(label, f"not well-formed XML: {exc.msg}", exc.lineno) from None


def validate_qdc(source: Source, *, xsd: str | Path | None = None) -> None:
    """Raise :class:`CodebookError` unless ``source`` is valid against the codebook schema.

    ``source`` is a path, a binary file object or bytes; ``xsd`` defaults to the bundled
    copy of the REFI-QDA ``Codebook.xsd``.
    """
    data, label = _read(source)
    root = _parse(data, label)
    checker = schema(str(Path(xsd) if xsd is not None else DEFAULT_XSD))
    if not checker.validate(etree.ElementTree(root)):
        error = checker.error_log.last_error
        raise CodebookError(
            label, f"not a valid REFI-QDA codebook: {error.message}", error.line or None
        )


# --- Import ------------------------------------------------------------------------------


_local = local


def _clean(text: str) -> str:
    """Text from another tool with line ends made ``\\n`` and unstorable characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if bad_character(text) is None:
        return text
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Zl", "Zp"):
            out.append("\n")
        elif ch in "\t\n" or bad_character(ch) is None:
            out.append(ch)
    return "".join(out)


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by ``-`` (``"Health care"`` → ``"health-care"``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "code"


@dataclass
class _Raw:
    element: etree._Element
    parent: int | None
    name: str
    parts: DescriptionParts
    guid: str | None


def _codes_root(root: etree._Element, label: str) -> etree._Element:
    name = _local(root)
    if name == "Project":
        books = [c for c in root if _local(c) == "CodeBook"]
        if not books:
            raise CodebookError(label, "the project holds no codebook", root.sourceline)
        root, name = books[0], "CodeBook"
    if name != "CodeBook":
        raise CodebookError(
            label,
            f"not a REFI-QDA codebook: the root element is <{name}>, expected <CodeBook>",
            root.sourceline,
        )
    codes = [c for c in root if _local(c) == "Codes"]
    if not codes:
        raise CodebookError(label, "the codebook has no <Codes> element", root.sourceline)
    return codes[0]


def _read_meta(root: etree._Element, notes: list[str]) -> dict[str, Any]:
    for node in root.itersiblings(preceding=True):
        if isinstance(node, etree._ProcessingInstruction) and node.target == PI_TARGET:
            try:
                meta = json.loads(node.text or "")
            except (json.JSONDecodeError, RecursionError):  # deep nesting: unreadable too
                notes.append("ignored an unreadable qualkit-codebook instruction")
                return {}
            return meta if isinstance(meta, dict) else {}
    return {}


def _colour(value: str | None, name: str, notes: list[str]) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if valid_colour(value):
        return value
    short = _SHORT_COLOUR.match(value)
    if short:
        return "#" + "".join(d * 2 for d in short.groups()).upper()
    notes.append(f"code '{name}': ignored colour '{value}' (not #RRGGBB)")
    return None


def _codable(value: str | None, name: str, notes: list[str]) -> bool:
    if value is None:
        return True
    flag = value.strip().lower()
    if flag in ("true", "1"):
        return True
    if flag in ("false", "0"):
        return False
    notes.append(f"code '{name}': isCodable '{value}' is not true or false; treated as true")
    return True


def import_qdc(
    source: Source,
    *,
    name: str | None = None,
    known_ids: Iterable[str] = (),
    notes: list[str] | None = None,
) -> Codebook:
    """Read a REFI-QDA codebook (``.qdc``, or the codebook inside a ``project.qde``).

    ``source`` is a path, a binary file object or bytes. ``name`` overrides the codebook
    name (default: the name stored by qualkit, else the file name). ``known_ids`` are code
    ids of an existing codebook, recognised by their GUIDs when a description has lost its
    ``Code id:`` line. Repairs (missing or repeated names, bad colours) are appended to
    ``notes``. Raises :class:`CodebookError` naming the file and line for unreadable input.
    """
    notes = notes if notes is not None else []
    data, label = _read(source)
    root = _parse(data, label)
    codes_element = _codes_root(root, label)
    meta = _read_meta(root, notes)
    codes_meta = meta.get("codes")
    records: dict[str, Any] = codes_meta if isinstance(codes_meta, dict) else {}

    raws = _raw_codes(codes_element, records)
    if not raws:
        raise CodebookError(label, "the codebook has no codes", codes_element.sourceline)
    ids = _assign_ids(raws, {code_guid(k): k for k in known_ids})
    codes, locations = _codes_of(raws, ids, notes)
    _note_dropped_sets(codes_element, notes)
    fallback = Path(label).stem if not label.startswith("<") else "Imported codebook"
    meta_name = meta.get("name")
    cb = Codebook(
        name=name or (meta_name if isinstance(meta_name, str) and meta_name else fallback),
        codes=codes,
        description=str(meta.get("description") or ""),
        version=meta["version"] if isinstance(meta.get("version"), int) else 1,
    )
    check_codebook(cb, label, locations=locations, require_definitions=False)
    return cb


def _raw_codes(codes_element: etree._Element, records: dict[str, Any]) -> list[_Raw]:
    """Every ``Code`` element under ``codes_element``, parents before children, with its
    description read (``records``: the fields qualkit recorded, by GUID)."""
    raws: list[_Raw] = []

    def walk(element: etree._Element, parent: int | None) -> None:
        for child in element:
            if _local(child) != "Code":
                continue
            descriptions = [d for d in child if _local(d) == "Description"]
            text = _clean("".join(descriptions[0].itertext())) if descriptions else ""
            guid = _plain_guid(child.get("guid"))
            raws.append(
                _Raw(
                    element=child,
                    parent=parent,
                    name=_clean(child.get("name") or ""),
                    parts=_description_parts(text, records.get(guid or "")),
                    guid=guid,
                )
            )
            walk(child, len(raws) - 1)

    walk(codes_element, None)
    return raws


def _codes_of(
    raws: list[_Raw], ids: list[str], notes: list[str]
) -> tuple[list[Code], list[Location]]:
    """The codes (with repaired names, colours and flags noted) and their lines."""
    codes: list[Code] = []
    locations: list[Location] = []
    sibling_names: dict[str | None, set[str]] = {}
    for raw, cid in zip(raws, ids, strict=True):
        parent = ids[raw.parent] if raw.parent is not None else None
        code_name = _unique_name(raw, parent, sibling_names, notes)
        parts = raw.parts
        provenance = parts.provenance or (
            Provenance.MANUAL if parts.cid is not None else Provenance.IMPORTED
        )
        codes.append(
            Code(
                cid=cid,
                name=code_name,
                definition=parts.definition,
                parent=parent,
                include=parts.include,
                exclude=parts.exclude,
                examples=list(parts.examples),
                colour=_colour(raw.element.get("color"), code_name, notes),
                codable=_codable(raw.element.get("isCodable"), code_name, notes),
                provenance=provenance,
            )
        )
        locations.append(Location(line=raw.element.sourceline))
    return codes, locations


def _note_dropped_sets(codes_element: etree._Element, notes: list[str]) -> None:
    """Code sets are not imported; each one dropped is noted."""
    book = codes_element.getparent()
    for sets in [c for c in book if _local(c) == "Sets"] if book is not None else []:
        for code_set in sets:
            if _local(code_set) == "Set":
                notes.append(f"code sets are not imported: dropped '{code_set.get('name') or ''}'")


def _record_parts(record: Any) -> DescriptionParts | None:
    """The exact fields a qualkit instruction recorded for a code, if well formed."""
    if not isinstance(record, dict):
        return None
    cid, examples = record.get("id"), record.get("examples")
    texts = [record.get(k) for k in ("definition", "include", "exclude")]
    if not (isinstance(cid, str) and valid_id(cid) and isinstance(examples, list)):
        return None
    if not all(isinstance(t, str) for t in [*texts, *examples]):
        return None
    try:
        provenance = Provenance(str(record.get("provenance")))
    except ValueError:
        return None
    return DescriptionParts(
        definition=str(texts[0]),
        include=str(texts[1]),
        exclude=str(texts[2]),
        examples=[str(e) for e in examples],
        provenance=provenance,
        cid=cid,
    )


def _description_parts(text: str, record: Any) -> DescriptionParts:
    """Fields from the instruction while the description is as qualkit wrote it; else the
    description read as text, keeping the recorded id."""
    exact = _record_parts(record)
    if exact is not None:
        code = Code(
            cid=str(exact.cid),
            name="",
            definition=exact.definition,
            include=exact.include,
            exclude=exact.exclude,
            examples=exact.examples,
            provenance=exact.provenance or Provenance.MANUAL,
        )
        if _clean(format_description(code)) == text:
            return exact
    parts = parse_description(text)
    if exact is not None:
        parts.cid = exact.cid
        parts.provenance = parts.provenance or exact.provenance
    return parts


def _assign_ids(raws: list[_Raw], known: dict[str, str]) -> list[str]:
    """An id for each code: its ``Code id:`` line, a known GUID, or a unique slug."""
    owner: dict[str, int] = {}
    for index, raw in enumerate(raws):
        cid = raw.parts.cid
        if cid is None:
            continue
        # Two codes claiming one id (a code copied in another tool): the GUID decides.
        guid = code_guid(cid)
        if cid not in owner or (raw.guid == guid and raws[owner[cid]].guid != guid):
            owner[cid] = index
    claimed = {index: cid for cid, index in owner.items()}
    for index, raw in enumerate(raws):
        if index in claimed or raw.guid is None:
            continue
        cid = known.get(raw.guid)
        if cid is not None and cid not in owner:
            owner[cid] = index
            claimed[index] = cid
    used = set(owner)
    out: list[str] = []
    for index, raw in enumerate(raws):
        if index in claimed:
            out.append(claimed[index])
            continue
        stem = slugify(raw.name) if raw.name.strip() else "unnamed-code"
        if raw.parent is not None:
            stem = f"{out[raw.parent]}.{stem}"
        cid, n = stem, 1
        while cid in used:
            n += 1
            cid = f"{stem}-{n}"
        used.add(cid)
        out.append(cid)
    return out


def _unique_name(
    raw: _Raw, parent: str | None, seen: dict[str | None, set[str]], notes: list[str]
) -> str:
    name = raw.name
    line = raw.element.sourceline
    if not name.strip() or "\n" in name:
        if not name.strip():
            notes.append(f"line {line}: a code has no name; called it 'Unnamed code'")
            name = "Unnamed code"
        else:
            name = " ".join(name.split())
    taken = seen.setdefault(parent, set())
    base, n = name, 1
    while name.strip().casefold() in taken:
        n += 1
        name = f"{base} ({n})"
    if n > 1:
        notes.append(f"line {line}: a sibling code is also called '{base}'; renamed this '{name}'")
    taken.add(name.strip().casefold())
    return name
