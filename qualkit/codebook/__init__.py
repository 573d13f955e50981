"""Codebooks: YAML files, validation and version diffs.

- :mod:`.yaml_format` documents the YAML format (:func:`load_codebook`,
  :func:`loads_codebook`, :func:`dump_codebook`, :func:`save_codebook`).
- REFI-QDA ``.qdc`` exchange lives in :mod:`qualkit.refiqda.qdc`.
- :mod:`.validation` holds the rules (:func:`validate_codebook`).
- :mod:`.diff` compares versions (:func:`diff_codebooks`).
"""

from __future__ import annotations

from .diff import ChangeKind, CodeChange, code_to_dict, diff_codebooks
from .validation import tree_order, validate_codebook
from .yaml_format import dump_codebook, load_codebook, loads_codebook, save_codebook

__all__ = [
    "ChangeKind",
    "CodeChange",
    "code_to_dict",
    "diff_codebooks",
    "dump_codebook",
    "load_codebook",
    "loads_codebook",
    "save_codebook",
    "tree_order",
    "validate_codebook",
]
