"""Read the participants table: which pseudonymous participant each transcript is."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from qualkit.errors import InputError
from qualkit.importers.encoding import MAX_BYTES, decode_text, read_bytes
from qualkit.model import Participant
from qualkit.text import normalise

REQUIRED_COLUMNS = ("transcript", "participant", "role")


def read_participants_csv(path: Path, max_bytes: int = MAX_BYTES) -> dict[str, Participant]:
    """Participants keyed by transcript id, from a UTF-8 CSV file.

    Columns ``transcript``, ``participant`` and ``role`` are required (matched without
    regard to case or surrounding spaces); every other column becomes an attribute.
    Blank rows are skipped. Errors name the file and line, never a cell's value.
    """
    path = Path(path)
    text = normalise(decode_text(path, read_bytes(path, max_bytes)))
    if not text.strip():
        raise InputError(path, "file has no text")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text.split("\n", 1)[0], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise InputError(path, "no header row", 1) from None
    columns = [h.strip() for h in header]
    folded = [c.casefold() for c in columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in folded]
    if missing:
        raise InputError(path, f"missing required column(s): {', '.join(missing)}", 1)
    dupes = sorted({c for c in folded if c and folded.count(c) > 1})
    if dupes:
        raise InputError(path, f"column(s) named more than once: {', '.join(dupes)}", 1)
    where = {c: folded.index(c) for c in REQUIRED_COLUMNS}
    extra = [(i, columns[i]) for i in range(len(columns)) if folded[i] not in REQUIRED_COLUMNS]

    out: dict[str, Participant] = {}
    first_line: dict[str, int] = {}
    line = reader.line_num
    try:
        for row in reader:
            start_line, line = line + 1, reader.line_num
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if len(cells) > len(columns) and any(cells[len(columns) :]):
                raise InputError(path, "more cells than columns", start_line)
            cells += [""] * (len(columns) - len(cells))
            tid, pid, role = (cells[where[c]] for c in REQUIRED_COLUMNS)
            if not tid:
                raise InputError(path, "empty transcript id", start_line)
            if not pid:
                raise InputError(path, "empty participant id", start_line)
            if not role:
                raise InputError(path, "empty role", start_line)
            if tid in out:
                raise InputError(
                    path,
                    f"duplicate row for a transcript id (first at line {first_line[tid]})",
                    start_line,
                )
            attributes = {name: cells[i] for i, name in extra if name}
            out[tid] = Participant(pid=pid, role=role, attributes=attributes)
            first_line[tid] = start_line
    except csv.Error as e:
        raise InputError(path, f"not valid CSV ({type(e).__name__})", reader.line_num) from None
    if not out:
        raise InputError(path, "no participant rows")
    return out
