"""De-identification of raw transcripts (the only part of qualkit that uses Presidio).

Light modules (spans, lists, manifest, key file, evaluation) import without loading
Presidio or spaCy; :class:`Detector` and :class:`Pseudonymiser` load them on first use.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qualkit.deid.lists import DEFAULT_ALLOW, DeidLists, load_lists, save_lists
from qualkit.deid.manifest import load_manifest, manifest_allows
from qualkit.deid.spans import DIRECT_TYPES, QUASI_TYPES, Detection

if TYPE_CHECKING:
    from qualkit.deid.analyzer import Detector, DetectorConfig
    from qualkit.deid.anonymize import Pseudonymiser

_LAZY = {
    "Detector": "qualkit.deid.analyzer",
    "DetectorConfig": "qualkit.deid.analyzer",
    "EngineConfig": "qualkit.deid.nlp",
    "Pseudonymiser": "qualkit.deid.anonymize",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "DEFAULT_ALLOW",
    "DIRECT_TYPES",
    "QUASI_TYPES",
    "DeidLists",
    "Detection",
    "Detector",
    "DetectorConfig",
    "Pseudonymiser",
    "load_lists",
    "load_manifest",
    "manifest_allows",
    "save_lists",
]
