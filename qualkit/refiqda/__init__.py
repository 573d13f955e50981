"""REFI-QDA exchange: ``.qdc`` codebooks and ``.qdpx`` projects, both ways.

- :mod:`.common`: namespaces, stable GUIDs, the safe XML parser, the bundled schemas.
- :mod:`.qdc`: codebooks (:func:`export_qdc`, :func:`import_qdc`, :func:`validate_qdc`).
- :mod:`.positions`: how tools count selection positions, and how qualkit tells.
- :mod:`.read`: :func:`read_qdpx` reads a project file without touching a database.
- :mod:`.write`: :func:`export_qdpx` writes a project (code points, or UTF-16 for NVivo).
- :mod:`.into`: :func:`import_qdpx_files` merges one or more files into a project in one
  transaction.
"""

from __future__ import annotations

from .common import (
    PROJECT_NAMESPACE,
    PROJECT_XSD,
    QDC_NAMESPACE,
    QUALKIT_CODE_NAMESPACE,
    QUALKIT_QDPX_NAMESPACE,
    code_guid,
    plain_guid,
    qdpx_guid,
)
from .into import (
    QdpxImportResult,
    contents_for_agreement,
    import_qdpx_files,
    import_qdpx_into,
    merge_contents,
)
from .positions import MODES, Reading
from .qdc import (
    DEFAULT_XSD,
    build_codes_element,
    export_qdc,
    format_description,
    import_qdc,
    parse_description,
    qdc_bytes,
    save_qdc,
    validate_qdc,
)
from .read import PendingMemo, QdpxContent, read_qdpx
from .write import POSITIONS, QdpxSummary, build_qdpx, export_qdpx, validate_qde

__all__ = [
    "DEFAULT_XSD",
    "MODES",
    "POSITIONS",
    "PROJECT_NAMESPACE",
    "PROJECT_XSD",
    "QDC_NAMESPACE",
    "QUALKIT_CODE_NAMESPACE",
    "QUALKIT_QDPX_NAMESPACE",
    "PendingMemo",
    "QdpxContent",
    "QdpxImportResult",
    "QdpxSummary",
    "Reading",
    "build_codes_element",
    "build_qdpx",
    "code_guid",
    "contents_for_agreement",
    "export_qdc",
    "export_qdpx",
    "format_description",
    "import_qdc",
    "import_qdpx_files",
    "import_qdpx_into",
    "merge_contents",
    "parse_description",
    "plain_guid",
    "qdc_bytes",
    "qdpx_guid",
    "read_qdpx",
    "save_qdc",
    "validate_qdc",
    "validate_qde",
]
