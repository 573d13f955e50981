"""The logic behind the "Review de-identification" page: list the review files in a folder
written by ``qualkit deid run``, show a transcript with its detections highlighted, record
accept/reject decisions and missed spans, and write the review file back.

Review files hold raw transcript text. Nothing here writes that text anywhere but back
into the review file it came from; error messages name the file, never its text.

Only folders named when the app starts (``qualkit app PROJECT --review-dir DIR``, passed to
the app process in :data:`REVIEW_DIRS_ENV`) are opened, never a path typed into the page:
on a shared server, a page that opened any path would let a researcher read other people's
raw review files.
"""

from __future__ import annotations

import copy
import hashlib
import html
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qualkit.deid.review import (
    DECISIONS,
    POSSIBLE_DECISIONS,
    REVIEW_SUFFIX,
    read_review,
    reviewed_detections,
    write_review,
)
from qualkit.deid.spans import DIRECT_TYPES, QUASI_TYPES
from qualkit.errors import InputError

DECISION_WORDS = {"accept": "Accept (mask it)", "reject": "Reject (not an identifier)"}
#: Identifier types a researcher can give a missed span, direct ones first.
ADD_TYPES: tuple[str, ...] = (
    "PERSON",
    *sorted(DIRECT_TYPES - {"PERSON"}),
    *sorted(QUASI_TYPES),
)


@dataclass(frozen=True)
class Counts:
    """How many detections a review keeps, drops, and how many spans it adds."""

    accepted: int
    rejected: int
    added: int


@dataclass(frozen=True)
class Loaded:
    """A review file as read from disk, with the digest of its bytes."""

    path: Path
    doc: dict[str, Any]
    digest: str


#: The environment variable that carries the allowed review folders to the app process: a
#: JSON list of absolute paths, set by ``qualkit app --review-dir`` (see :func:`review_dirs_env`).
REVIEW_DIRS_ENV = "QUALKIT_REVIEW_DIRS"
#: What the page says when no folder was named.
HOW_TO_ALLOW = (
    "No review folder is open to this app. To review here, start the app with the folder "
    "`qualkit deid run` wrote: `qualkit app PROJECT --review-dir DIR` (repeat "
    "`--review-dir` for more than one folder)."
)


def review_dirs_env(folders: Sequence[str | Path]) -> dict[str, str]:
    """The environment entry that allows ``folders`` (resolved) in the app process."""
    if not folders:
        return {}
    return {REVIEW_DIRS_ENV: json.dumps([str(Path(f).expanduser().resolve()) for f in folders])}


def allowed_folders(environ: Mapping[str, str] | None = None) -> list[Path]:
    """The review folders this app was started with, in the order given, without repeats.

    Anything but a JSON list of absolute paths allows nothing.
    """
    raw = (os.environ if environ is None else environ).get(REVIEW_DIRS_ENV, "")
    try:
        items = json.loads(raw) if raw.strip() else []
    except ValueError:
        return []
    if not isinstance(items, list):
        return []
    out: list[Path] = []
    for item in items:
        if isinstance(item, str) and Path(item).is_absolute():
            p = Path(item)
            if p not in out:
                out.append(p)
    return out


def review_files(folder: str | Path, allowed: Sequence[Path]) -> list[Path]:
    """The ``*.review.json`` files directly inside ``folder``, sorted by name.

    ``folder`` must be one of ``allowed`` (the folders the app was started with); files
    that are symbolic links are left out, so nothing outside the folder is read.
    """
    p = Path(folder)
    if not str(folder).strip():
        raise InputError(p, "no review folder given")
    if p not in allowed:
        raise InputError(p, "is not a review folder this app was started with (--review-dir)")
    if not p.is_dir():
        raise InputError(p, "is not a folder on this computer")
    return sorted(f for f in p.glob(f"*{REVIEW_SUFFIX}") if f.is_file() and not f.is_symlink())


def check(path: Path, doc: dict[str, Any]) -> Counts:
    """Run the checks ``qualkit deid apply`` runs; raise :class:`InputError` on a problem."""
    _, _, accepted, rejected, added = reviewed_detections(path, doc)
    return Counts(accepted, rejected, added)


def load_review(path: str | Path) -> Loaded:
    """Read and check one review file."""
    p = Path(path)
    doc, raw = read_review(p)
    check(p, doc)
    return Loaded(p, doc, hashlib.sha256(raw).hexdigest())


def detections(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = doc.get("detections", [])
    return [d for d in items if isinstance(d, dict)] if isinstance(items, list) else []


def possible_misses(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The review file's possible misses, riskiest first (as written)."""
    items = doc.get("possible_misses", [])
    return [d for d in items if isinstance(d, dict)] if isinstance(items, list) else []


def additions(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = doc.get("add", [])
    return [d for d in items if isinstance(d, dict)] if isinstance(items, list) else []


def decision_of(item: Mapping[str, Any]) -> str:
    return str(item.get("decision", "accept")).strip().lower()


def with_decisions(
    doc: Mapping[str, Any],
    decisions: Mapping[int, str],
    add: list[tuple[str, str]] | None = None,
    possible: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    """A copy of ``doc`` with detection ``i`` (0-based) set to ``decisions[i]``, possible
    miss ``j`` (0-based) set to ``possible[j]`` ("keep" or "mask"), and the ``(text,
    type)`` pairs in ``add`` appended to ``"add"``; every other key is kept."""
    out = copy.deepcopy(dict(doc))
    items = out.get("detections", [])
    for i, decision in decisions.items():
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}")
        if not 0 <= i < len(items):
            raise IndexError(f"there is no detection {i + 1}")
        items[i]["decision"] = decision
    maybe = out.get("possible_misses", [])
    for j, decision in (possible or {}).items():
        if decision not in POSSIBLE_DECISIONS:
            raise ValueError(f"decision must be one of {POSSIBLE_DECISIONS}")
        if not 0 <= j < len(maybe):
            raise IndexError(f"there is no possible miss {j + 1}")
        maybe[j]["decision"] = decision
    for text, etype in add or []:
        words = " ".join(text.split())
        kind = etype.strip().upper()
        if not words:
            raise ValueError("a missed span needs its exact text")
        if not kind:
            raise ValueError("a missed span needs a type")
        out.setdefault("add", []).append({"text": words, "type": kind})
    return out


def save_review(loaded: Loaded, doc: dict[str, Any]) -> Counts:
    """Check ``doc`` as ``apply`` would, then replace the review file atomically.

    Refuses when the file on disk changed since ``loaded`` was read (someone else saved).
    The file keeps its permissions.
    """
    path = loaded.path
    counts = check(path, doc)
    try:
        now = hashlib.sha256(path.read_bytes()).hexdigest()
        mode = path.stat().st_mode & 0o777
    except OSError as exc:
        raise InputError(path, f"cannot read review file ({exc.strerror or 'error'})") from None
    if now != loaded.digest:
        raise InputError(path, "the file changed on disk since you opened it: open it again")
    write_review(path, doc, mode=mode)
    return counts


def added_spans(path: Path, doc: Mapping[str, Any]) -> list[tuple[int, int, str]]:
    """``(start, end, type)`` of every place the additions and the possible misses marked
    'mask' cover (empty if they are invalid)."""
    only_added = {**doc, "detections": []}
    try:
        _, dets, _, _, _ = reviewed_detections(path, only_added)
    except InputError:
        return []
    return [(d.start, d.end, d.type) for d in dets]


def highlight_html(doc: Mapping[str, Any], added: Sequence[tuple[int, int, str]] = ()) -> str:
    """The raw transcript as escaped HTML with every detection in a ``<mark>``, preceded by
    its number (as in the list of detections) and followed by its type and decision as
    visible text: ``[PERSON]``, ``[PERSON, rejected]``, or ``[PERSON, added]`` for spans
    the reviewer added."""
    text = str(doc.get("text", ""))
    spans: list[tuple[int, int, str, str, str]] = []
    for n, item in enumerate(detections(doc), start=1):
        try:
            start, end = int(item["start"]), int(item["end"])
        except (KeyError, TypeError, ValueError):
            continue
        etype = str(item.get("type", "")).upper()
        rejected = decision_of(item) == "reject"
        label = f"{etype}, rejected" if rejected else etype
        spans.append((start, end, str(n), label, "qk-deid-rej" if rejected else "qk-deid-acc"))
    for start, end, etype in added:
        spans.append((start, end, "", f"{etype.upper()}, added", "qk-deid-add"))
    spans.sort(key=lambda s: (s[0], -s[1]))
    parts: list[str] = []
    pos = 0
    for start, end, number, label, cls in spans:
        if start < pos or not 0 <= start < end <= len(text):
            continue  # overlaps one already shown (the list of detections has every one)
        parts.append(html.escape(text[pos:start]))
        if number:
            parts.append(f'<sup class="qk-deid-num">{html.escape(number)}</sup>')
        parts.append(
            f'<mark class="{cls}">{html.escape(text[start:end])}</mark>'
            f'<span class="qk-deid-label">[{html.escape(label)}]</span>'
        )
        pos = end
    parts.append(html.escape(text[pos:]))
    return '<div class="qk-deid-text">' + "".join(parts) + "</div>"


HIGHLIGHT_CSS = """
<style>
.qk-deid-text { white-space: pre-wrap; line-height: 1.8; max-width: 80ch;
  border: 1px solid #6b6b6b; border-radius: 6px; padding: 0.8em 1em; color: #111; }
.qk-deid-text mark { color: #000; padding: 0 0.15em; border-radius: 3px; }
.qk-deid-acc { background: #ffe98a; border-bottom: 2px solid #000; }
.qk-deid-add { background: #cfe8ff; border-bottom: 2px dashed #000; }
.qk-deid-rej { background: transparent; text-decoration: line-through; }
.qk-deid-label { font-size: 0.8em; font-weight: 700; color: #1f1f1f; margin-left: 0.15em; }
.qk-deid-num { font-size: 0.7em; color: #1f1f1f; margin-right: 0.1em; }
</style>
"""


def counts_text(counts: Counts) -> str:
    return (
        f"{counts.accepted} accepted, {counts.rejected} rejected, "
        f"{counts.added} added (places masked by additions)"
    )
