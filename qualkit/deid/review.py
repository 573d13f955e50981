"""The review file: what ``qualkit deid run`` proposes and a researcher decides.

One JSON file per transcript (``<name>.review.json``) holds the raw text, every detection
with its context and a decision (accept or reject), spans the researcher adds, and the
*possible misses*: words left unmasked that could still identify someone, each with its
risk and a decision (keep, or mask every mention). ``qualkit deid apply`` and the "Review
de-identification" page both read, check and write it here (this module loads neither
Presidio nor spaCy, so the app reads review files without them). The file holds raw text
and stays on the researcher's side.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import regex as re

from qualkit.deid.spans import Detection, identifier_class, resolve_overlaps
from qualkit.errors import InputError
from qualkit.files import write_atomically
from qualkit.text import text_hash

REVIEW_FORMAT = "qualkit-deid-review"
REVIEW_VERSION = 2
READABLE_VERSIONS = (1, 2)
REVIEW_SUFFIX = ".review.json"
PROPOSED_SUFFIX = ".proposed.txt"
CONTEXT_CHARS = 40
DECISIONS = ("accept", "reject")
POSSIBLE_DECISIONS = ("keep", "mask")

REVIEW_INSTRUCTIONS = (
    "Set 'decision' to 'reject' for anything that is not an identifier. Change 'type' if "
    "it is wrong. Look through 'possible_misses' (words left unmasked that could still "
    "identify someone, riskiest first) and set 'decision' to 'mask' to mask every mention. "
    'Add other missed identifiers to \'add\' as {"text": ..., "type": ...} (every '
    'whole-word mention is masked) or {"start": ..., "end": ..., "type": ...}. Then '
    "run: qualkit deid apply <this folder>. This file holds raw text: keep it on the "
    "researcher side."
)


def review_name(path: Path) -> str:
    """The transcript's name: the file name without ``.review.json``."""
    return path.name[: -len(REVIEW_SUFFIX)] if path.name.endswith(REVIEW_SUFFIX) else path.name


def read_review(path: Path) -> tuple[dict[str, Any], bytes]:
    """A review file's JSON object and the bytes it was read from (not yet checked: see
    :func:`reviewed_detections`). Raises :class:`InputError` naming the file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read review file ({exc.strerror or 'error'})") from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(path, "review file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(path, "review file is not valid JSON", line=exc.lineno) from None
    except RecursionError:
        raise InputError(path, "review file is nested too deeply to be a review file") from None
    if not isinstance(doc, dict):
        raise InputError(path, "not a qualkit review file")
    return doc, raw


def write_review(path: Path, doc: Mapping[str, Any], mode: int | None = None) -> None:
    """Write a review document to ``path`` atomically (permissions ``mode`` if given)."""
    write_atomically(path, json.dumps(doc, indent=1, ensure_ascii=False) + "\n", mode=mode)


def context(text: str, start: int, end: int) -> str:
    """The span in its line of text, marked ``[[...]]``."""
    left = text[max(0, start - CONTEXT_CHARS) : start].replace("\n", " ")
    right = text[end : end + CONTEXT_CHARS].replace("\n", " ")
    return f"{left}[[{text[start:end]}]]{right}"


def whole_word_mentions(text: str, surface: str) -> list[tuple[int, int]]:
    """Every whole-word mention of ``surface`` in ``text`` (any case, any spacing, with a
    possessive)."""
    words = surface.split()
    if not words:
        return []
    body = r"\s+".join(re.escape(w) for w in words)
    pattern = re.compile(
        rf"(?<![\p{{L}}\p{{N}}]){body}(?:['’]s?)?(?![\p{{L}}\p{{N}}])", re.IGNORECASE
    )
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def possible_entries(text: str, possible: Sequence[Detection]) -> list[dict[str, Any]]:
    """Possible misses grouped by word (case aside), riskiest first: one entry per word,
    with how often it occurs and where it first occurs."""
    groups: dict[str, list[Detection]] = {}
    for det in sorted(possible, key=lambda d: (d.start, d.end)):
        surface = " ".join(text[det.start : det.end].split())
        if surface:
            groups.setdefault(surface.casefold(), []).append(det)
    ranked = sorted(groups.values(), key=lambda ds: (-max(d.score for d in ds), ds[0].start))
    out = []
    for i, dets in enumerate(ranked, start=1):
        first = dets[0]
        surface = " ".join(text[first.start : first.end].split())
        out.append(
            {
                "id": i,
                "text": surface,
                "type": max(dets, key=lambda d: d.score).type,
                "risk": round(max(d.score for d in dets), 3),
                "mentions": len(whole_word_mentions(text, surface)),
                "context": context(text, first.start, first.end),
                "decision": "keep",
            }
        )
    return out


def review_document(
    source: Path,
    text: str,
    dets: Sequence[Detection],
    replacement: Callable[[str, str], str],
    possible: Sequence[Detection] = (),
) -> dict[str, Any]:
    """The review file's content for one transcript; ``replacement(type, surface)`` gives
    the pseudonym a detection would get."""
    items = []
    for i, d in enumerate(sorted(dets, key=lambda d: (d.start, d.end)), start=1):
        items.append(
            {
                "id": i,
                "start": d.start,
                "end": d.end,
                "text": text[d.start : d.end],
                "type": d.type,
                "identifier": identifier_class(d.type),
                "score": round(d.score, 3),
                "recognizer": d.recognizer,
                "context": context(text, d.start, d.end),
                "replacement": replacement(d.type, text[d.start : d.end]),
                "decision": "accept",
            }
        )
    return {
        "format": REVIEW_FORMAT,
        "version": REVIEW_VERSION,
        "instructions": REVIEW_INSTRUCTIONS,
        "source": source.name,
        "source_sha256": text_hash(text),
        "text": text,
        "detections": items,
        "possible_misses": possible_entries(text, possible),
        "add": [],
    }


def reviewed_detections(
    path: Path, doc: dict[str, Any]
) -> tuple[str, list[Detection], int, int, int]:
    """Check a review document and return (raw text, detections to mask, accepted, rejected,
    added). Added counts the places masked by additions and by possible misses marked
    'mask'. Raises :class:`InputError` naming the file for anything malformed."""
    if doc.get("format") != REVIEW_FORMAT or doc.get("version") not in READABLE_VERSIONS:
        raise InputError(path, "not a qualkit review file")
    text = doc.get("text")
    if not isinstance(text, str) or text_hash(text) != doc.get("source_sha256"):
        raise InputError(path, "the transcript text in the review file was changed")
    kept: list[Detection] = []
    accepted = rejected = added = 0
    for i, item in enumerate(_items(path, doc, "detections"), start=1):
        try:
            start, end, etype = int(item["start"]), int(item["end"]), str(item["type"])
            decision = str(item.get("decision", "accept")).strip().lower()
        except (KeyError, TypeError, ValueError):
            raise InputError(path, f"detection {i} is malformed") from None
        if decision not in DECISIONS:
            raise InputError(path, f"detection {i}: decision must be 'accept' or 'reject'")
        if not 0 <= start < end <= len(text) or text[start:end] != item.get("text"):
            raise InputError(path, f"detection {i}: offsets do not match its text")
        if decision == "accept":
            accepted += 1
            kept.append(
                Detection(start, end, etype.upper(), float(item.get("score", 1.0)), "review", 1)
            )
        else:
            rejected += 1
    for i, item in enumerate(_items(path, doc, "possible_misses"), start=1):
        decision = str(item.get("decision", "keep")).strip().lower()
        if decision not in POSSIBLE_DECISIONS:
            raise InputError(path, f"possible miss {i}: decision must be 'keep' or 'mask'")
        if decision == "keep":
            continue
        surface, kind = item.get("text"), item.get("type")
        if not isinstance(surface, str) or not surface.strip() or not isinstance(kind, str):
            raise InputError(path, f"possible miss {i} needs 'text' and 'type'")
        etype = kind
        hits = whole_word_mentions(text, surface)
        if not hits:
            raise InputError(path, f"possible miss {i}: its text does not occur in the transcript")
        kept.extend(Detection(s, e, etype.upper(), 1.0, "review-possible", 0) for s, e in hits)
        added += len(hits)
    for i, item in enumerate(_items(path, doc, "add"), start=1):
        if "type" not in item:
            raise InputError(path, f"addition {i} needs a 'type'")
        etype = str(item["type"]).upper()
        if "start" in item and "end" in item:
            try:
                start, end = int(item["start"]), int(item["end"])
            except (TypeError, ValueError):
                raise InputError(path, f"addition {i} has bad offsets") from None
            if not 0 <= start < end <= len(text):
                raise InputError(path, f"addition {i} lies outside the transcript")
            kept.append(Detection(start, end, etype, 1.0, "review-added", 0))
            added += 1
        elif isinstance(item.get("text"), str) and item["text"].strip():
            hits = whole_word_mentions(text, item["text"])
            if not hits:
                raise InputError(path, f"addition {i}: its text does not occur in the transcript")
            kept.extend(Detection(s, e, etype, 1.0, "review-added", 0) for s, e in hits)
            added += len(hits)
        else:
            raise InputError(path, f"addition {i} needs 'text' or 'start' and 'end'")
    return text, resolve_overlaps(text, kept), accepted, rejected, added


def _items(path: Path, doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = doc.get(key, [])
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        raise InputError(path, f"'{key}' must be a list of objects")
    return items
