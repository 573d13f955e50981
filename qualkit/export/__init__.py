"""Exports for report writers and other analysis tools.

- :mod:`.quotes`: :func:`build_quote_bank` selects, merges and tidies quotes into a
  :class:`QuoteBank` (filters, merging, agreement, attribution and tidying are documented
  there).
- :mod:`.formats`: :func:`write_quotes` writes a bank as CSV, XLSX, DOCX or Markdown to a
  binary file object; :data:`WRITERS` maps format → writer class (``suffix``,
  ``media_type``, ``label`` for download buttons).
- REFI-QDA ``.qdpx`` exchange lives in :mod:`qualkit.refiqda`.

Typical use (the command line and the app do exactly this)::

    from qualkit.export import QuoteFilters, build_quote_bank, write_quotes
    from qualkit.files import write_atomically

    filters = QuoteFilters(codes=("access",), roles=("Person accessing support",))
    bank = build_quote_bank(store, filters)
    write_atomically(path, lambda f: write_quotes(bank, "xlsx", f))
"""

from __future__ import annotations

from qualkit.export.formats import (
    WRITERS,
    QuoteWriter,
    format_for_path,
    quote_formats,
    register_writer,
    write_quotes,
)
from qualkit.export.quotes import (
    Quote,
    QuoteBank,
    QuoteFilters,
    build_quote_bank,
    parse_agreement,
    parse_where,
    quote_text,
    tidy_marks,
)

__all__ = [
    "WRITERS",
    "Quote",
    "QuoteBank",
    "QuoteFilters",
    "QuoteWriter",
    "build_quote_bank",
    "format_for_path",
    "parse_agreement",
    "parse_where",
    "quote_formats",
    "quote_text",
    "register_writer",
    "tidy_marks",
    "write_quotes",
]
