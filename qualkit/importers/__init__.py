"""Transcript import: read files of any supported format into one normalised text, find
speaker turns and header metadata, and read the participants table.

No database access here; :func:`load_transcript` returns plain model objects.
"""

from qualkit.importers.encoding import MAX_BYTES
from qualkit.importers.load import load_transcript
from qualkit.importers.participants import read_participants_csv
from qualkit.importers.readers import (
    READERS,
    DocxReader,
    PlainTextReader,
    Reader,
    SrtReader,
    VttReader,
    read_text,
    register_reader,
    supported_suffixes,
)
from qualkit.importers.turns import (
    PARAGRAPH_SPEAKER,
    UNKNOWN_SPEAKER,
    ParsedTranscript,
    assign_kinds,
    infer_interviewer,
    parse_turns,
)

__all__ = [
    "MAX_BYTES",
    "PARAGRAPH_SPEAKER",
    "READERS",
    "UNKNOWN_SPEAKER",
    "DocxReader",
    "ParsedTranscript",
    "PlainTextReader",
    "Reader",
    "SrtReader",
    "VttReader",
    "assign_kinds",
    "infer_interviewer",
    "load_transcript",
    "parse_turns",
    "read_participants_csv",
    "read_text",
    "register_reader",
    "supported_suffixes",
]
