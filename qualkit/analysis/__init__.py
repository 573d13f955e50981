"""Analysis views over a project: a pandas API, matrices, co-occurrence, the Framework
matrix and charts. The command line (``qualkit analyse``), the app's Patterns page and
notebooks call the same functions.

::

    import qualkit

    study = qualkit.open("study.db")
    study.matrix("code", "role", count="participants", percent="col").table()

- :mod:`.frames`: :class:`Study` and its tables (columns documented there).
- :mod:`.matrices`: code × attribute, code × coder and code × code, with filters and
  small-cell suppression.
- :mod:`.framework`: participants × codes or themes, with researchers' summaries.
- :mod:`.charts`: Altair charts with titles, plain labels and text alternatives, as
  PNG or SVG without a network.
- :mod:`.export`: matrices as CSV or XLSX; the Framework matrix as XLSX or DOCX.
"""

from __future__ import annotations

from qualkit.analysis.frames import Study, open_study, quotes_frame
from qualkit.analysis.matrices import (
    COUNTS,
    DEFAULT_SUPPRESS_BELOW,
    NOT_RECORDED,
    Cooccurrence,
    Filters,
    Matrix,
    cooccurrence,
    make_filters,
    matrix,
)

__all__ = [
    "COUNTS",
    "DEFAULT_SUPPRESS_BELOW",
    "NOT_RECORDED",
    "Cooccurrence",
    "Filters",
    "Matrix",
    "Study",
    "cooccurrence",
    "make_filters",
    "matrix",
    "open_study",
    "quotes_frame",
]
