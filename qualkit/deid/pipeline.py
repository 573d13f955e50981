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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from qualkit.deid.anonymize import Pseudonymiser
from qualkit.deid.io import file_key, read_source
from qualkit.deid.keyfile import load_or_new_key, save_key
from qualkit.deid.lists import DeidLists
from qualkit.deid.manifest import build_manifest, qualkit_version, write_manifest
from qualkit.deid.propagation import resolve_types
from qualkit.deid.review import (
    PROPOSED_SUFFIX,
    REVIEW_SUFFIX,
    read_review,
    review_document,
    review_name,
    reviewed_detections,
    write_review,
)
from qualkit.deid.spans import Detection
from qualkit.errors import InputError
from qualkit.files import write_atomically
from qualkit.text import text_hash

if TYPE_CHECKING:
    from qualkit.deid.analyzer import Analysis

STATE_DIR = ".qualkit-deid"


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


def _detect_chunk(
    chunk: list[tuple[str, str]],
) -> list[tuple[str, list[dict[str, Any]], list[dict[str, Any]]]]:
    assert _WORKER is not None
    found = _WORKER.analyse_many([t for _, t in chunk])
    return [
        (k, [d.as_dict() for d in a.detections], [d.as_dict() for d in a.possible])
        for (k, _), a in zip(chunk, found, strict=True)
    ]


def _fingerprint(lists: DeidLists, config: Any) -> str:
    from qualkit.deid.scorer import weights_fingerprint

    data = json.dumps(
        {
            "lists": lists.to_dict(),
            "config": repr(config),
            "version": qualkit_version(),
            "scorer": weights_fingerprint(),
        },
        sort_keys=True,
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def _chunks(items: list[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass
class CorpusDetections:
    """Detections for each text of a corpus, and the possible misses a reviewer should
    look at (spans the detections leave unmasked that could still identify someone)."""

    detections: dict[str, list[Detection]]
    possible: dict[str, list[Detection]]


def detect_corpus(
    texts: Mapping[str, str],
    lists: DeidLists | None = None,
    config: Any = None,
    processes: int = 1,
    progress: bool = False,
    cache_dir: str | Path | None = None,
    detector: Any = None,
) -> CorpusDetections:
    """De-identification's detection stages over a corpus, in order:

    1. detect each text on its own (recognizers, spaCy and the token scorer; in several
       processes when asked; finished texts cached in ``cache_dir`` so a rerun after an
       interruption only does the rest);
    2. propagate every value found anywhere to its mentions everywhere;
    3. resolve types, so one value has one type across the corpus;
    4. keep as possible misses what is still unmasked, and each unmasked mention of a name
       masked elsewhere in the same text.

    The result depends only on the texts, lists and configuration, not on the number of
    processes or the order in which texts finish.
    """
    from qualkit.deid.analyzer import Detector, DetectorConfig, masked_elsewhere, uncovered

    lists = lists or DeidLists()
    config = config or getattr(detector, "config", None) or DetectorConfig()
    done, detector = _detect_each(texts, lists, config, processes, progress, cache_dir, detector)
    found = {k: done[k].detections for k in texts}
    if getattr(config, "propagate", True) and len(texts) > 1:
        detector = detector or Detector(lists=lists, config=config)
        found = detector.propagate_corpus(texts, found)
    found = resolve_types(texts, found)
    possible = {
        k: uncovered(done[k].possible + masked_elsewhere(texts[k], found[k]), found[k])
        for k in texts
    }
    return CorpusDetections(found, possible)


def _detect_each(
    texts: Mapping[str, str],
    lists: DeidLists,
    config: Any,
    processes: int,
    progress: bool,
    cache_dir: str | Path | None,
    detector: Any,
) -> tuple[dict[str, Analysis], Any]:
    """Stage 1 of :func:`detect_corpus`: every text detected on its own, cached texts read
    back. Returns the analyses and the detector (made here when detection needed one)."""
    from qualkit.deid.analyzer import Detector

    fp = _fingerprint(lists, config)
    cache = Path(cache_dir) if cache_dir is not None else None
    done: dict[str, Analysis] = {}
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

    def record(key: str, analysis: Analysis) -> None:
        done[key] = analysis
        if cache is not None:
            _write_cache(cache, key, texts[key], fp, analysis)
        bar.update(1)

    try:
        batch = max(1, getattr(config, "batch_size", 4))
        if processes > 1 and len(todo) > 1:
            _detect_in_processes(todo, lists, config, processes, batch, record)
        elif todo:
            detector = detector or Detector(lists=lists, config=config)
            for chunk in _chunks(todo, batch):
                for (key, _), analysis in zip(
                    chunk, detector.analyse_many([t for _, t in chunk]), strict=True
                ):
                    record(key, analysis)
    finally:
        bar.close()
    return done, detector


def _detect_in_processes(
    todo: list[tuple[str, str]],
    lists: DeidLists,
    config: Any,
    processes: int,
    batch: int,
    record: Callable[[str, Analysis], None],
) -> None:
    """Detect ``todo`` in a pool of worker processes, recording each text as it finishes."""
    from qualkit.deid.analyzer import Analysis

    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    # Longest transcripts first and small tasks, so no worker idles at the end.
    size = max(1, min(batch, len(todo) // (processes * 4) or 1))
    longest_first = sorted(todo, key=lambda kt: -len(kt[1]))
    with ctx.Pool(processes, initializer=_init_worker, initargs=(lists, config)) as pool:
        for results in pool.imap_unordered(_detect_chunk, _chunks(longest_first, size)):
            for key, raw, maybe in results:
                record(
                    key,
                    Analysis([Detection(**d) for d in raw], [Detection(**d) for d in maybe]),
                )


def detect_texts(
    texts: Mapping[str, str],
    lists: DeidLists | None = None,
    config: Any = None,
    processes: int = 1,
    progress: bool = False,
    cache_dir: str | Path | None = None,
    detector: Any = None,
) -> dict[str, list[Detection]]:
    """Detections for every text (:func:`detect_corpus` without the possible misses)."""
    return detect_corpus(texts, lists, config, processes, progress, cache_dir, detector).detections


def detect_studies(
    texts: Mapping[str, str],
    lists_dir: str | Path | None = None,
    config: Any = None,
    processes: int = 1,
    progress: bool = False,
) -> CorpusDetections:
    """Detections for texts from several studies, each study detected as one corpus with
    its own lists (``lists_dir/<study>.yaml``, where the study is the key's part before
    the first hyphen; the default lists when there is no such file)."""
    from qualkit.deid.evaluate import study_of
    from qualkit.deid.lists import load_lists

    groups: dict[str, dict[str, str]] = {}
    for key, text in texts.items():
        groups.setdefault(study_of(key), {})[key] = text
    found: dict[str, list[Detection]] = {}
    possible: dict[str, list[Detection]] = {}
    for study, group in sorted(groups.items()):
        path = Path(lists_dir) / f"{study}.yaml" if lists_dir is not None else None
        lists = load_lists(path) if path is not None and path.is_file() else DeidLists()
        one = detect_corpus(group, lists, config, processes, progress)
        found.update(one.detections)
        possible.update(one.possible)
    return CorpusDetections({k: found[k] for k in texts}, {k: possible[k] for k in texts})


def _cache_path(cache: Path, key: str) -> Path:
    return cache / f"{key}.json"


def _read_cache(cache: Path | None, key: str, text: str, fp: str) -> Any:
    from qualkit.deid.analyzer import Analysis

    if cache is None:
        return None
    p = _cache_path(cache, key)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if data.get("sha256") != text_hash(text) or data.get("fingerprint") != fp:
        return None
    try:
        return Analysis(
            [Detection(**d) for d in data.get("detections", [])],
            [Detection(**d) for d in data.get("possible", [])],
        )
    except TypeError:
        return None


def _write_cache(cache: Path, key: str, text: str, fp: str, analysis: Any) -> None:
    data = {
        "sha256": text_hash(text),
        "fingerprint": fp,
        "detections": [d.as_dict() for d in analysis.detections],
        "possible": [d.as_dict() for d in analysis.possible],
    }
    write_atomically(_cache_path(cache, key), json.dumps(data) + "\n")


# Machine-readable detections ----------------------------------------------------------


def detections_to_json(detections: Mapping[str, Sequence[Detection]]) -> dict[str, Any]:
    """``{"t01": [{"start", "end", "type", "score"}, ...]}`` (code-point offsets)."""
    return {
        key: [d.to_json() for d in sorted(dets, key=lambda d: (d.start, d.end))]
        for key, dets in detections.items()
    }


def write_detections(path: str | Path, detections: Mapping[str, Sequence[Detection]]) -> None:
    write_atomically(path, json.dumps(detections_to_json(detections), indent=1) + "\n")


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
    from qualkit.deid.analyzer import Detector, uncovered

    detector = Detector(lists=lists, config=config)
    found = detect_corpus(
        texts, lists, config, processes, progress, out / STATE_DIR / "detect", detector
    )
    dets = _propagate_known(texts, found.detections, mapping.originals(), detector)
    dets = resolve_types(texts, dets, mapping.originals())
    pseudo = Pseudonymiser(mapping, style=None)
    summary = RunSummary(transcripts=len(corpus))
    for key in sorted(corpus):
        source, text = corpus[key]
        possible = uncovered(found.possible[key], dets[key])
        doc = review_document(source, text, dets[key], pseudo.replacement, possible)
        proposed = pseudo.anonymize(text, dets[key])
        write_review(out / f"{key}{REVIEW_SUFFIX}", doc)
        write_atomically(out / f"{key}{PROPOSED_SUFFIX}", proposed)
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
        doc, _ = read_review(path)
        prepared.append((path, doc, *reviewed_detections(path, doc)))
    for path, doc, text, dets, acc, rej, add in prepared:
        final = pseudo.anonymize(text, dets)
        key = review_name(path)
        target = release / f"{key}.txt"
        write_atomically(target, final, mode=0o644)
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
