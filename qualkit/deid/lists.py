"""Project deny and allow lists (the ``deid-lists`` file format).

A project keeps one small YAML (or JSON) file a researcher can edit::

    format: deid-lists
    version: 1
    deny:                      # always masked, with their type
      PERSON: [Firstname Lastname, Nickname]
      LOCATION: [Some estate]
      ORGANIZATION: [Some Project]
    allow:                     # never masked (whole words or phrases, any case)
      - Borough name
      - the council

The built-in allow list (:data:`DEFAULT_ALLOW`) of generic service words applies as well
unless ``use_default_allow: false``. A study area's short forms (:func:`short_form_of`) are
allowed with it where the detector finds them as a place, or as a person in a
place's slot ("down Ponty").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from qualkit.deid.spans import LOCATION, ORGANIZATION, PERSON
from qualkit.errors import InputError
from qualkit.files import write_atomically
from qualkit.safe_yaml import load_yaml

FORMAT_NAME = "deid-lists"
FORMAT_VERSION = 1

# Generic words for countries, national services, bodies and schemes: naming them does
# not identify anyone (``data/allow.yaml``). Cities are a study's own areas or
# quasi-identifiers, so a project lists its own.
DEFAULT_ALLOW: tuple[str, ...] = tuple(
    str(t)
    for t in load_yaml(
        files("qualkit.deid").joinpath("data/allow.yaml").read_text(encoding="utf-8"),
        "qualkit/deid/data/allow.yaml",
    )["allow"]
)


@dataclass
class DeidLists:
    """Deny terms by entity type, and allow terms."""

    deny: dict[str, list[str]] = field(default_factory=dict)
    allow: list[str] = field(default_factory=list)
    use_default_allow: bool = True

    def all_allow(self) -> list[str]:
        terms = list(DEFAULT_ALLOW) if self.use_default_allow else []
        terms.extend(self.allow)
        seen: set[str] = set()
        out: list[str] = []
        for term in terms:
            key = " ".join(term.split()).casefold()
            if key and key not in seen:
                seen.add(key)
                out.append(term)
        return out

    def deny_items(self) -> list[tuple[str, str]]:
        """``(entity_type, term)`` pairs, longest first."""
        pairs = [(t, term) for t, terms in self.deny.items() for term in terms if term.strip()]
        return sorted(pairs, key=lambda p: -len(p[1]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "use_default_allow": self.use_default_allow,
            "deny": {k: list(v) for k, v in sorted(self.deny.items())},
            "allow": list(self.allow),
        }


_KNOWN_TYPES = {
    PERSON,
    LOCATION,
    ORGANIZATION,
    "STREET_ADDRESS",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "UK_POSTCODE",
    "UK_NHS",
    "UK_NINO",
    "CASE_REFERENCE",
    "URL",
    "SOCIAL_HANDLE",
    "DATE_TIME",
    "AGE",
}


def lists_from_dict(data: Any, path: str | Path = "<lists>") -> DeidLists:
    """Validate a parsed ``deid-lists`` document."""
    if data is None:
        return DeidLists()
    if not isinstance(data, dict):
        raise InputError(path, "a deid-lists file must be a mapping")
    fmt = data.get("format", FORMAT_NAME)
    if fmt != FORMAT_NAME:
        raise InputError(path, f"format must be '{FORMAT_NAME}'")
    version = data.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise InputError(path, f"unsupported deid-lists version {version!r}")
    deny_raw = data.get("deny") or {}
    if isinstance(deny_raw, list):
        deny_raw = {PERSON: deny_raw}
    if not isinstance(deny_raw, dict):
        raise InputError(path, "'deny' must map entity types to lists of terms")
    deny: dict[str, list[str]] = {}
    for etype, terms in deny_raw.items():
        etype_s = str(etype).upper()
        if etype_s not in _KNOWN_TYPES:
            raise InputError(path, f"unknown entity type in 'deny': {etype_s}")
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise InputError(path, f"'deny.{etype_s}' must be a list of strings")
        deny[etype_s] = [t for t in terms if t.strip()]
    allow = data.get("allow") or []
    if not isinstance(allow, list) or not all(isinstance(t, str) for t in allow):
        raise InputError(path, "'allow' must be a list of strings")
    use_default = data.get("use_default_allow", True)
    if not isinstance(use_default, bool):
        raise InputError(path, "'use_default_allow' must be true or false")
    unknown = set(data) - {"format", "version", "deny", "allow", "use_default_allow"}
    if unknown:
        raise InputError(path, f"unknown key(s): {', '.join(sorted(map(str, unknown)))}")
    return DeidLists(
        deny=deny, allow=[t for t in allow if t.strip()], use_default_allow=use_default
    )


def load_lists(path: str | Path) -> DeidLists:
    """Read a ``deid-lists`` file (YAML, or JSON when the name ends in ``.json``)."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(p, f"cannot read lists file ({exc.strerror or 'error'})") from None
    if p.suffix.lower() != ".json":
        return lists_from_dict(load_yaml(raw, p), p)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(p, "not valid JSON", line=exc.lineno) from None
    except RecursionError:
        raise InputError(p, "not valid JSON (nested too deeply)") from None
    return lists_from_dict(data, p)


def save_lists(lists: DeidLists, path: str | Path) -> None:
    """Write a ``deid-lists`` file atomically (JSON if the name ends in ``.json``)."""
    p = Path(path)
    data = lists.to_dict()
    if p.suffix.lower() == ".json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    write_atomically(p, text)


# Words that join the parts of a place's name ("Stoke-on-Trent", "Newcastle upon Tyne").
_PLACE_JOINS = frozenset({"on", "upon", "under", "in", "le", "by", "the", "de", "la"})
_PET_ENDINGS = ("ie", "ey", "y")
_PET_STEM = 3


def short_form_of(word: str, area: str) -> str | None:
    """How ``word`` shortens the place ``area``, if it does: ``"pet"`` for a pet form of
    its first word ("Donny" for Doncaster, "Killie" for Kilmarnock, "dunfy" for
    Dunfermline), ``"initials"`` ("MK" for Milton Keynes), ``"first"`` for its first word
    when the rest says where it lies ("Stoke" for Stoke-on-Trent), and ``"head"`` for the
    first word of another name of several words ("Merthyr" for Merthyr Tydfil)."""
    parts = [p for p in re.split(r"[\s\-]+", area.strip()) if p]
    if not parts or not word.isalpha():
        return None
    low, first = word.casefold(), parts[0].casefold()
    if low == area.casefold():
        return None
    named = [p for p in parts if p.casefold() not in _PLACE_JOINS]
    initials = "".join(p[0] for p in named).upper()
    if len(named) > 1 and word.isupper() and word == initials:
        return "initials"
    if len(parts) > 1 and low == first:
        return "first" if len(parts) > 2 and parts[1].casefold() in _PLACE_JOINS else "head"
    if not first.isalpha() or len(first) < _PET_STEM + 2:
        return None
    for ending in _PET_ENDINGS:
        if not low.endswith(ending) or len(low) - len(ending) < _PET_STEM:
            continue
        stem = low[: -len(ending)]
        if first.startswith(stem) and stem != first:
            return "pet"
        # A doubled last letter ("Donny", "Killie").
        if stem[-1] == stem[-2] and len(stem) > _PET_STEM and first.startswith(stem[:-1]):
            return "pet"
    return None
