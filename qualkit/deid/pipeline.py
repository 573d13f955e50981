"""Batch de-identification: detect, review, apply.

``detect_files`` writes machine-readable detections; ``run`` detects, pseudonymises and
writes a review file and a proposed text per transcript; ``apply`` turns reviewed files
into the final de-identified transcripts and a manifest. Detection runs in several
processes when asked, shows a progress bar on stderr, and resumes after an interruption
(finished transcripts are cached in the output folder). Every file is written atomically.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex as re
from tqdm import tqdm

from qualkit.deid.anonymize import Pseudonymiser
from qualkit.deid.io import atomic_write_text, file_key, read_source
from qualkit.deid.keyfile import load_or_new_key, save_key
from qualkit.deid.lists import DeidLists
from qualkit.deid.manifest import build_manifest, qualkit_version, write_manifest
from qualkit.deid.spans import Detection, identifier_class, resolve_overlaps
from qualkit.errors import InputError
from qualkit.text import text_hash

REVIEW_FORMAT = "qualkit-deid-review"
REVIEW_VERSION = 1
REVIEW_SUFFIX = ".review.json"
PROPOSED_SUFFIX = ".proposed.txt"
STATE_DIR = ".qualkit-deid"
CONTEXT_CHARS = 40
DECISIONS = ("accept", "reject")

REVIEW_INSTRUCTIONS = (
    "Set 'decision' to 'reject' for anything that is not an identifier. Change 'type' if "
    'it is wrong. Add missed identifiers to \'add\' as {"text": ..., "type": ...} (every '
    'whole-word mention is masked) or {"start": ..., "end": ..., "type": ...}. Then '
    "run: qualkit deid apply <this folder>. This file holds raw text: keep it on the "
    "researcher side."
)


# Reading ------------------------------------------------------------------------------


def read_corpus(paths: Sequence[str | Path]) -> dict[str, tuple[Path, str]]:
    """``key -> (path, text)`` for each file; keys are file names without extension."""
    out: dict[str, tuple[Path, str]] = {}
    for path in paths:
        p = Path(path)
        key = file_key(p)
        if key in out:
            raise InputError(p, f"two input files share the name '{key}'")
        out[key] = (p, read_source(p))
    return out


# Detection (parallel, resumable) ------------------------------------------------------

_WORKER: Any = None


def _init_worker(lists: DeidLists, config: Any) -> None:
    global _WORKER
    from qualkit.deid.analyzer import Detector

    _WORKER = Detector(lists=lists, config=config)


def _detect_chunk(chunk: list[tuple[str, str]]) -> list[tuple[str, list[dict[str, Any]]]]:
    assert _WORKER is not None
    found = _WORKER.detect_many([t for _, t in chunk])
    return [(k, [d.as_dict() for d in dets]) for (k, _), dets in zip(chunk, found, strict=True)]


def _fingerprint(lists: DeidLists, config: Any) -> str:
    data = json.dumps(
        {"lists": lists.to_dict(), "config": repr(config), "version": qualkit_version()},
        sort_keys=True,
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def _chunks(items: list[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def detect_texts(
    texts: Mapping[str, str],
    lists: DeidLists | None = None,
    config: Any = None,
    processes: int = 1,
    progress: bool = False,
    cache_dir: str | Path | None = None,
    detector: Any = None,
) -> dict[str, list[Detection]]:
    """Detections for every text, with values propagated across all of them.

    Finished transcripts are cached in ``cache_dir`` (if given), so a rerun after an
    interruption only does the rest.
    """
    from qualkit.deid.analyzer import Detector, DetectorConfig

    lists = lists or DeidLists()
    config = config or DetectorConfig()
    fp = _fingerprint(lists, config)
    cache = Path(cache_dir) if cache_dir is not None else None
    done: dict[str, list[Detection]] = {}
    todo: list[tuple[str, str]] = []
    for key, text in texts.items():
        cached = _read_cache(cache, key, text, fp) if cache else None
        if cached is not None:
            done[key] = cached
        else:
            todo.append((key, text))
    bar = tqdm(
        total=len(texts),
        initial=len(done),
        desc="detecting",
        unit="transcript",
        file=sys.stderr,
        disable=not progress,
        leave=False,
    )

    def record(key: str, dets: list[Detection]) -> None:
        done[key] = dets
        if cache is not None:
            _write_cache(cache, key, texts[key], fp, dets)
        bar.update(1)

    try:
        batch = max(1, getattr(config, "batch_size", 4))
        if processes > 1 and len(todo) > 1:
            ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
            # Longest transcripts first and small tasks, so no worker idles at the end.
            size = max(1, min(batch, len(todo) // (processes * 4) or 1))
            longest_first = sorted(todo, key=lambda kt: -len(kt[1]))
            with ctx.Pool(processes, initializer=_init_worker, initargs=(lists, config)) as pool:
                for results in pool.imap_unordered(_detect_chunk, _chunks(longest_first, size)):
                    for key, raw in results:
                        record(key, [Detection(**d) for d in raw])
        elif todo:
            det = detector or Detector(lists=lists, config=config)
            detector = det
            for chunk in _chunks(todo, batch):
                for (key, _), dets in zip(
                    chunk, det.detect_many([t for _, t in chunk]), strict=True
                ):
                    record(key, dets)
    finally:
        bar.close()
    if getattr(config, "propagate", True) and len(texts) > 1:
        if detector is None:
            detector = Detector(lists=lists, config=config)
        ordered = {k: done[k] for k in texts}
        return detector.propagate_corpus(texts, ordered)
    return {k: done[k] for k in texts}


def _cache_path(cache: Path, key: str) -> Path:
    return cache / f"{key}.json"


def _read_cache(cache: Path | None, key: str, text: str, fp: str) -> list[Detection] | None:
    if cache is None:
        return None
    p = _cache_path(cache, key)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if data.get("sha256") != text_hash(text) or data.get("fingerprint") != fp:
        return None
    return [Detection(**d) for d in data.get("detections", [])]


def _write_cache(cache: Path, key: str, text: str, fp: str, dets: list[Detection]) -> None:
    data = {
        "sha256": text_hash(text),
        "fingerprint": fp,
        "detections": [d.as_dict() for d in dets],
    }
    atomic_write_text(_cache_path(cache, key), json.dumps(data) + "\n")


# Machine-readable detections ----------------------------------------------------------


def detections_to_json(detections: Mapping[str, Sequence[Detection]]) -> dict[str, Any]:
    """``{"t01": [{"start", "end", "type", "score"}, ...]}`` (code-point offsets)."""
    return {
        key: [d.to_json() for d in sorted(dets, key=lambda d: (d.start, d.end))]
        for key, dets in detections.items()
    }


def write_detections(path: str | Path, detections: Mapping[str, Sequence[Detection]]) -> None:
    atomic_write_text(path, json.dumps(detections_to_json(detections), indent=1) + "\n")


def load_detections(path: str | Path) -> dict[str, list[Detection]]:
    """Read a detections file written by :func:`write_detections`."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(p, f"cannot read detections ({exc.strerror or 'error'})") from None
    except json.JSONDecodeError as exc:
        raise InputError(p, "detections file is not valid JSON", line=exc.lineno) from None
    if not isinstance(data, dict):
        raise InputError(p, "detections file must map file names to lists")
    out: dict[str, list[Detection]] = {}
    for key, items in data.items():
        if not isinstance(items, list):
            raise InputError(p, f"entry '{key}' is not a list")
        try:
            out[str(key)] = [Detection.from_json(d) for d in items]
        except (KeyError, TypeError, ValueError):
            raise InputError(p, f"entry '{key}' has a malformed detection") from None
    return out


def detect_files(
    paths: Sequence[str | Path],
    out: str | Path | None = None,
    lists: DeidLists | None = None,
    config: Any = None,
    processes: int = 1,
    progress: bool = False,
) -> dict[str, list[Detection]]:
    """Detect identifiers in files; write them to ``out`` as JSON if given.

    While running, finished files are cached beside ``out`` so an interrupted run resumes.
    """
    corpus = read_corpus(paths)
    cache = None
    if out is not None:
        o = Path(out)
        cache = o.parent / f".{o.name}.parts"
    dets = detect_texts(
        {k: t for k, (_, t) in corpus.items()}, lists, config, processes, progress, cache
    )
    if out is not None:
        write_detections(out, dets)
        if cache is not None and cache.is_dir():
            for f in cache.glob("*.json"):
                f.unlink()
            cache.rmdir()
    return dets


# Review -------------------------------------------------------------------------------


@dataclass
class RunSummary:
    transcripts: int = 0
    detections: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    review_files: list[str] = field(default_factory=list)


def _context(text: str, start: int, end: int) -> str:
    left = text[max(0, start - CONTEXT_CHARS) : start].replace("\n", " ")
    right = text[end : end + CONTEXT_CHARS].replace("\n", " ")
    return f"{left}[[{text[start:end]}]]{right}"


def review_document(
    source: Path, text: str, dets: Sequence[Detection], pseudo: Pseudonymiser
) -> dict[str, Any]:
    """The review file's content for one transcript."""
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
                "context": _context(text, d.start, d.end),
                "replacement": pseudo.replacement(d.type, text[d.start : d.end]),
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
        "add": [],
    }


def run(
    raw_paths: Sequence[str | Path],
    out_dir: str | Path,
    key_path: str | Path,
    passphrase: str,
    lists: DeidLists | None = None,
    config: Any = None,
    processes: int = 1,
    style: str | None = None,
    progress: bool = False,
) -> RunSummary:
    """Detect and pseudonymise; write ``<name>.review.json`` and ``<name>.proposed.txt``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    corpus = read_corpus(raw_paths)
    mapping = load_or_new_key(key_path, passphrase, style)
    texts = {k: t for k, (_, t) in corpus.items()}
    from qualkit.deid.analyzer import Detector

    detector = Detector(lists=lists, config=config)
    dets = detect_texts(
        texts, lists, config, processes, progress, out / STATE_DIR / "detect", detector
    )
    dets = _propagate_known(texts, dets, mapping.originals(), detector)
    pseudo = Pseudonymiser(mapping, style=None)
    summary = RunSummary(transcripts=len(corpus))
    for key in sorted(corpus):
        source, text = corpus[key]
        doc = review_document(source, text, dets[key], pseudo)
        proposed = pseudo.anonymize(text, dets[key])
        atomic_write_text(
            out / f"{key}{REVIEW_SUFFIX}", json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
        )
        atomic_write_text(out / f"{key}{PROPOSED_SUFFIX}", proposed)
        summary.review_files.append(f"{key}{REVIEW_SUFFIX}")
        summary.detections += len(dets[key])
        for d in dets[key]:
            summary.by_type[d.type] = summary.by_type.get(d.type, 0) + 1
    save_key(key_path, pseudo.mapping, passphrase)
    return summary


def _propagate_known(
    texts: Mapping[str, str],
    dets: dict[str, list[Detection]],
    originals: list[tuple[str, str]],
    detector: Any,
) -> dict[str, list[Detection]]:
    """Mask values remembered in the key from earlier batches, too."""
    if not originals or not detector.config.propagate:
        return dets
    from qualkit.deid.propagation import Term

    terms: set[Term] = set()
    for etype, surface in originals:
        fake = Detection(0, len(surface), etype, 1.0)
        terms |= detector.propagator.terms_from(surface, [fake])
    return {k: detector.propagate(texts[k], list(v), terms) for k, v in dets.items()}


# Apply --------------------------------------------------------------------------------


@dataclass
class ApplySummary:
    transcripts: int = 0
    accepted: int = 0
    rejected: int = 0
    added: int = 0
    outputs: list[str] = field(default_factory=list)
    manifest: str = ""


def reviewed_detections(
    path: Path, doc: dict[str, Any]
) -> tuple[str, list[Detection], int, int, int]:
    """Check a review document and return (raw text, detections to mask, accepted, rejected,
    added). Raises :class:`InputError` naming the file for anything malformed."""
    if doc.get("format") != REVIEW_FORMAT or doc.get("version") != REVIEW_VERSION:
        raise InputError(path, "not a qualkit review file")
    text = doc.get("text")
    if not isinstance(text, str) or text_hash(text) != doc.get("source_sha256"):
        raise InputError(path, "the transcript text in the review file was changed")
    kept: list[Detection] = []
    accepted = rejected = added = 0
    for i, item in enumerate(doc.get("detections", []), start=1):
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
    for i, item in enumerate(doc.get("add", []), start=1):
        if not isinstance(item, dict) or "type" not in item:
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
            words = item["text"].split()
            body = r"\s+".join(re.escape(w) for w in words)
            pattern = re.compile(
                rf"(?<![\p{{L}}\p{{N}}]){body}(?:['’]s?)?(?![\p{{L}}\p{{N}}])", re.IGNORECASE
            )
            hits = list(pattern.finditer(text))
            if not hits:
                raise InputError(path, f"addition {i}: its text does not occur in the transcript")
            for m in hits:
                kept.append(Detection(m.start(), m.end(), etype, 1.0, "review-added", 0))
            added += len(hits)
        else:
            raise InputError(path, f"addition {i} needs 'text' or 'start' and 'end'")
    return text, resolve_overlaps(text, kept), accepted, rejected, added


def apply(
    out_dir: str | Path,
    key_path: str | Path,
    passphrase: str,
    release_dir: str | Path | None = None,
) -> ApplySummary:
    """Write the final de-identified transcripts and ``manifest.json`` from review files."""
    out = Path(out_dir)
    reviews = sorted(out.glob(f"*{REVIEW_SUFFIX}"))
    if not reviews:
        raise InputError(out, "no review files (*.review.json) in folder")
    release = Path(release_dir) if release_dir is not None else out / "release"
    mapping = load_or_new_key(key_path, passphrase)
    pseudo = Pseudonymiser(mapping)
    summary = ApplySummary()
    written: list[tuple[Path, str]] = []
    prepared = []
    for path in reviews:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(path, "review file is not valid JSON", line=exc.lineno) from None
        prepared.append((path, doc, *reviewed_detections(path, doc)))
    for path, doc, text, dets, acc, rej, add in prepared:
        final = pseudo.anonymize(text, dets)
        key = path.name[: -len(REVIEW_SUFFIX)]
        target = release / f"{key}.txt"
        atomic_write_text(target, final, mode=0o644)
        written.append((target, str(doc.get("source", key))))
        summary.transcripts += 1
        summary.accepted += acc
        summary.rejected += rej
        summary.added += add
        summary.outputs.append(target.name)
    manifest = build_manifest(written)
    manifest_path = release / "manifest.json"
    write_manifest(manifest, manifest_path)
    save_key(key_path, pseudo.mapping, passphrase)
    summary.manifest = str(manifest_path)
    return summary
