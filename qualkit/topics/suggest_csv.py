"""Code suggestions outside a project, file to file (``qualkit suggest codes``): a
codebook file and a CSV of passages in, a CSV of ranked codes out."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from qualkit.errors import InputError, QualkitError
from qualkit.files import write_atomically
from qualkit.project import load_codebook_file
from qualkit.topics.embed import Embedder, model_spec, shared_embedder
from qualkit.topics.suggest import CodeSuggester, Query, code_texts, confidence_words, squash


def read_passages_csv(path: Path) -> list[tuple[str, str]]:
    """``(id, text)`` rows of a CSV with columns ``id`` and ``text`` (others ignored)."""
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    reader = csv.reader(io.StringIO(raw, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(path, "empty file; expected a header row with id,text") from None
    except csv.Error:
        raise InputError(path, "not a valid CSV file", 1) from None
    names = [h.strip().lower() for h in header]
    for need in ("id", "text"):
        if need not in names:
            raise InputError(path, f"missing column {need!r} (columns must include id,text)", 1)
    i_id, i_text = names.index("id"), names.index("text")
    rows: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) <= max(i_id, i_text):
                raise InputError(path, "too few columns", line)
            pid, text = row[i_id].strip(), row[i_text]
            if not pid:
                raise InputError(path, "empty id", line)
            if pid in seen:
                raise InputError(path, f"duplicate id {pid!r} (first on line {seen[pid]})", line)
            if not text.strip():
                raise InputError(path, f"passage {pid!r} has no text", line)
            seen[pid] = line
            rows.append((pid, squash(text)))
    except csv.Error:
        raise InputError(path, "not a valid CSV file", reader.line_num) from None
    return rows


def suggest_codes_file(
    codebook_path: Path,
    passages_csv: Path,
    out_csv: Path,
    *,
    top: int = 3,
    embedder: Embedder | None = None,
    model: str | None = None,
) -> int:
    """Write the ``top`` suggested codes for each passage of ``passages_csv``.

    The codebook is a qualkit YAML or a REFI-QDA ``.qdc`` file; the passages CSV has
    columns ``id,text``; the output CSV has columns ``id,rank,code,score,confidence``
    (rank from 1; score the calibrated probability, 0–1, that a coder would apply the
    code; confidence the same in words), ``top`` rows per passage in input order. Only
    codable codes are suggested. ``model`` names the embedding model (default: MiniLM).
    Returns the number of passages. Nothing is written when the input is bad.
    """
    if top < 1:
        raise QualkitError("top must be at least 1")
    if embedder is None:
        model_spec(model)  # an unknown name fails before any work
    codebook = load_codebook_file(codebook_path)
    if not any(c.codable for c in codebook.codes):
        raise InputError(codebook_path, "the codebook has no codable codes to suggest")
    rows = read_passages_csv(passages_csv)
    if not rows:
        raise InputError(passages_csv, "no passages: the file has a header but no rows")
    if embedder is None:
        embedder = shared_embedder(model=model)
    queries = [Query(text) for _, text in rows]
    # Few passages make a poor reference pool: add the codebook's own texts to it.
    pool = list(queries)
    if len(pool) < 50:
        pool += [Query(t) for c in codebook.codes if c.codable for t in code_texts(c)]
    sug = CodeSuggester(codebook, pool=pool, embedder=embedder)
    ranked = sug.rank(queries, top=top)

    def write(f: Any) -> None:
        text = io.StringIO(newline="")
        w = csv.writer(text, lineterminator="\n")
        w.writerow(["id", "rank", "code", "score", "confidence"])
        for (pid, _), codes in zip(rows, ranked, strict=True):
            for r, (cid, score) in enumerate(codes, start=1):
                w.writerow([pid, r, cid, f"{score:.4f}", confidence_words(score)])
        f.write(text.getvalue().encode("utf-8"))

    write_atomically(out_csv, write)
    return len(rows)


__all__ = ["read_passages_csv", "suggest_codes_file"]
