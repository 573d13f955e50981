"""De-identification of raw transcripts (the only part of qualkit that uses Presidio).

Light modules (spans, lists, manifest, key file, evaluation) import without loading
Presidio or spaCy; :class:`Detector` and :class:`Pseudonymiser` load them on first use.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qualkit.deid.lists import DEFAULT_ALLOW, DeidLists, load_lists, save_lists
from qualkit.deid.manifest import load_manifest, manifest_allows
from qualkit.deid.spans import DIRECT_TYPES, QUASI_TYPES, Detection


class _LeanPresidioImport(importlib.abc.MetaPathFinder):
    """Keeps Presidio's first import from loading the Hugging Face stack.

    When ``transformers`` is installed (it is, with the ``topics`` extra), importing
    Presidio imports it for an NLP engine qualkit never uses, and spaCy's thinc imports
    torch: about 7 s at every start of ``qualkit deid``. While Presidio's own packages are
    being imported, and only if neither library is loaded yet, both look absent (the
    packages treat them as optional). They import normally afterwards.
    """

    WATCH = ("presidio_analyzer", "presidio_anonymizer")
    HIDE = ("transformers", "torch")

    def __init__(self) -> None:
        self.depth = 0

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if self.depth and name.partition(".")[0] in self.HIDE:
            raise ModuleNotFoundError(f"{name} is not loaded while Presidio is imported")
        if name not in self.WATCH or any(h in sys.modules for h in self.HIDE):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        loader = getattr(spec, "loader", None)
        if spec is None or loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            self.depth += 1
            try:
                run(module)
            finally:
                self.depth -= 1

        loader.exec_module = exec_module
        return spec


if not any(isinstance(f, _LeanPresidioImport) for f in sys.meta_path):
    sys.meta_path.insert(0, _LeanPresidioImport())


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
