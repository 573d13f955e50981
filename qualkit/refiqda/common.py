"""What every REFI-QDA reader and writer shares: namespaces, GUIDs, the XML parser, schemas.

- GUIDs are ``uuid5`` of stable ids (:func:`qdpx_guid`, :func:`code_guid`), so exporting
  an unchanged project twice gives the same bytes; :func:`plain_guid` reads any spelling
  (braces or not, either case).
- :func:`parse_xml` never expands entities, loads a DTD or touches the network (XXE).
- The bundled schemas (``schemas/Project.xsd``, ``schemas/Codebook.xsd``) are the
  REFI-QDA 1.5 ones; :func:`schema` caches them.
- Times are written as ``YYYY-MM-DDTHH:MM:SSZ`` (:func:`xsd_time`): QualCoder mangles
  fractional seconds with an offset, and its re-export then fails the schema.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from qualkit.errors import InputError

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
SCHEMA_DIR = Path(__file__).with_name("schemas")
PROJECT_XSD = SCHEMA_DIR / "Project.xsd"
CODEBOOK_XSD = SCHEMA_DIR / "Codebook.xsd"

QUALKIT_QDPX_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:qualkit:qdpx")
"""Namespace for every GUID in a project export except codes."""
QUALKIT_CODE_NAMESPACE = uuid.UUID("96040065-1d2d-5050-83f9-21f7e12822c9")
"""Namespace for code GUIDs; equals ``uuid5(NAMESPACE_URL, "urn:qualkit:code")``."""

PROJECT_PI = "qualkit-project"
CODEBOOK_PI = "qualkit-codebook"

_GUID = re.compile(
    r"\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?\Z"
)
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def qdpx_guid(kind: str, *parts: str) -> str:
    """A stable GUID for a ``kind`` of object identified by ``parts``."""
    return str(uuid.uuid5(QUALKIT_QDPX_NAMESPACE, "\x1f".join((kind, *parts))))


def code_guid(cid: str) -> str:
    """The stable REFI-QDA GUID of the code with id ``cid`` (lower-case, no braces)."""
    return str(uuid.uuid5(QUALKIT_CODE_NAMESPACE, cid))


def plain_guid(value: str | None) -> str | None:
    """``{ABC...}`` or ``abc...`` → lower-case GUID without braces; ``None`` if not a GUID."""
    if value is None:
        return None
    m = _GUID.match(value.strip())
    return m.group(1).lower() if m else None


def parser(*, huge_tree: bool = False) -> etree.XMLParser:
    """An XML parser with entity expansion, DTD loading and network access off."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=huge_tree
    )


def parse_xml(data: bytes, label: str, what: str = "project.qde") -> etree._Element:
    """The root element of ``data``; an :class:`InputError` naming ``label`` otherwise."""
    if not data.strip():
        raise InputError(label, f"{what} is empty")
    try:
        return etree.fromstring(data, parser(huge_tree=True))
    except etree.XMLSyntaxError as e:
        raise InputError(label, f"{what} is not well-formed XML: {e.msg}", e.lineno) from None


@lru_cache(maxsize=4)
def schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path, parser()))


def local(el: Any) -> str:
    """An element's tag without its namespace (``""`` for comments and instructions)."""
    tag = el.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def children(el: etree._Element | None, name: str) -> list[etree._Element]:
    return [c for c in el if local(c) == name] if el is not None else []


def child(el: etree._Element | None, name: str) -> etree._Element | None:
    if el is None:
        return None
    for c in el:
        if local(c) == name:
            return c
    return None


def clean_xml(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _XML_BAD.sub("", text)


def pi_json(value: Any) -> str:
    """JSON for a processing instruction (``>`` escaped, so ``?>`` never appears)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True).replace(">", "\\u003e")


def read_pi(root: etree._Element, target: str) -> dict[str, Any]:
    """The JSON object in the ``target`` instruction before ``root``; ``{}`` if none."""
    for node in root.itersiblings(preceding=True):
        if isinstance(node, etree._ProcessingInstruction) and node.target == target:
            try:
                value = json.loads(node.text or "")
            except (json.JSONDecodeError, RecursionError):  # deep nesting: unreadable too
                return {}
            return value if isinstance(value, dict) else {}
    return {}


def xsd_time(dt: datetime | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC (naive times are taken as UTC)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None
