"""Codebooks: YAML files, REFI-QDA ``.qdc`` exchange, validation and version diffs.

- :mod:`.yaml_format` documents the YAML format (:func:`load_codebook`,
  :func:`loads_codebook`, :func:`dump_codebook`, :func:`save_codebook`).
- :mod:`.qdc` documents the REFI-QDA mapping (:func:`export_qdc`, :func:`import_qdc`,
  :func:`validate_qdc`, :func:`code_guid`).
- :mod:`.validation` holds the rules (:func:`validate_codebook`).
- :mod:`.diff` compares versions (:func:`diff_codebooks`).
"""

from __future__ import annotations

from .diff import ChangeKind, CodeChange, code_to_dict, diff_codebooks
from .qdc import (
    DEFAULT_XSD,
    QDC_NAMESPACE,
    QUALKIT_CODE_NAMESPACE,
    build_codes_element,
    code_guid,
    export_qdc,
    format_description,
    import_qdc,
    parse_description,
    qdc_bytes,
    save_qdc,
    validate_qdc,
)
from .validation import tree_order, validate_codebook
from .yaml_format import dump_codebook, load_codebook, loads_codebook, save_codebook

__all__ = [
    "DEFAULT_XSD",
    "QDC_NAMESPACE",
    "QUALKIT_CODE_NAMESPACE",
    "ChangeKind",
    "CodeChange",
    "build_codes_element",
    "code_guid",
    "code_to_dict",
    "diff_codebooks",
    "dump_codebook",
    "export_qdc",
    "format_description",
    "import_qdc",
    "load_codebook",
    "loads_codebook",
    "parse_description",
    "qdc_bytes",
    "save_codebook",
    "save_qdc",
    "tree_order",
    "validate_codebook",
    "validate_qdc",
]
