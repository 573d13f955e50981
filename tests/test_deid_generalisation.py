"""De-identification on transcripts written apart from the code: the independent corpus's
test split (tests/fixtures/deid/README.md), stable output, and long transcripts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qualkit.deid.evaluate import (
    MAX_DIRECT_LEAKED_SHARE,
    TARGETS,
    evaluate,
    format_table,
    load_markup_dir,
)
from qualkit.deid.pipeline import detect_studies
from qualkit.deid.scorer import load_scorer
from qualkit.text import text_hash

ROOT = Path(__file__).resolve().parent.parent
INDEPENDENT = ROOT / "tests" / "fixtures" / "deid" / "independent"


def test_token_scorer_never_saw_the_test_split() -> None:
    scorer = load_scorer()
    assert scorer is not None
    trained = set(scorer.meta["trained_on"])
    test = load_markup_dir(INDEPENDENT / "test")
    parts = ("dev", *sorted(p.name for p in INDEPENDENT.glob("fresh*") if p.is_dir()))
    dev = [g for part in parts for g in load_markup_dir(INDEPENDENT / part)]
    assert len(test) == 21 and len(dev) == 1077
    assert not {f"{g.key}:{text_hash(g.text)[:16]}" for g in test} & trained
    # Sets held out of the shipped scorer (NOT_IN_SHIPPED_SCORER, scripts/token_scorer.py).
    parts_held = (
        "fresh13", "fresh14", "fresh15", "fresh16", "fresh17", "fresh18", "fresh19", "fresh20",
        "fresh21", "fresh22", "fresh23", "fresh24", "fresh25", "fresh26", "fresh27",
        "fresh28", "fresh29", "fresh30", "fresh31", "fresh32", "fresh33", "fresh34",
        "fresh35", "fresh36", "fresh37", "fresh38", "fresh39", "fresh40", "fresh41",
        "fresh42", "fresh43", "fresh44", "fresh45", "fresh46", "fresh47", "fresh48",
        "fresh49", "fresh50", "fresh51", "fresh52", "fresh53", "fresh54",
        "fresh55", "fresh56", "fresh57", "fresh58", "fresh59", "fresh60", "fresh61",
        "fresh62", "fresh63", "fresh64", "fresh65", "fresh66",
    )  # fmt: skip
    held = {g.key for part in parts_held for g in load_markup_dir(INDEPENDENT / part)}
    assert {f"{g.key}:{text_hash(g.text)[:16]}" for g in dev if g.key not in held} <= trained
    assert not {f"{g.key}:{text_hash(g.text)[:16]}" for g in dev if g.key in held} & trained


@pytest.mark.slow
def test_figures_on_the_independent_test_split() -> None:
    """Reported figures on the test split, which is never used to choose rules or
    thresholds. The issue's targets (``TARGETS``) are not all met yet; these floors are the
    figures reached (README, "De-identification"), so a change that loses ground fails."""
    gold = load_markup_dir(INDEPENDENT / "test")
    found = detect_studies({g.key: g.text for g in gold}, INDEPENDENT / "lists")
    res = evaluate(gold, found.detections, found.possible)
    table = format_table(res)
    assert res.direct_recall >= TARGETS["direct_recall"], table
    assert res.quasi_recall >= 0.945, table
    assert res.leaked_share <= MAX_DIRECT_LEAKED_SHARE, table
    assert res.keep_masked_share <= TARGETS["keep_masked_share"], table
    assert res.token_precision >= 0.86, table
    assert (res.possible_per_1000_words or 0) <= 5, table
    # Missed direct identifiers that neither the detector nor the possible list masks.
    assert res.direct_missed - res.direct_missed_listed <= 3, table


def _detect(files: list[Path], out: Path, processes: int, seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    cmd = [sys.executable, "-m", "qualkit", "deid", "detect", *map(str, files)]
    cmd += ["--out", str(out), "--no-progress", "-p", str(processes)]
    subprocess.run(cmd, check=True, env=env, capture_output=True, timeout=600)
    return out.read_bytes()


@pytest.mark.slow
def test_detections_are_identical_across_runs_and_process_counts(tmp_path: Path) -> None:
    files = []
    for g in load_markup_dir(INDEPENDENT / "dev")[:4]:
        path = tmp_path / f"{g.key}.txt"
        path.write_text(g.text, encoding="utf-8")
        files.append(path)
    # A second run differs from the first in both its hash seed and its process count.
    one = _detect(files, tmp_path / "a.json", 1, "1")
    assert one == _detect(files, tmp_path / "b.json", 2, "2")


def test_a_name_across_a_chunk_seam_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    from qualkit.deid import analyzer
    from qualkit.deid.analyzer import Detector
    from qualkit.deid.lists import DeidLists

    filler = "We talked about the weather and the buses for a while. " * 40
    text = filler + "My key worker Philippa Okoye sorted out the forms for me. " + filler
    seam = text.index("Okoye") + 2
    monkeypatch.setattr(analyzer, "CHUNK_CHARS", seam + 1)
    monkeypatch.setattr(analyzer, "CHUNK_OVERLAP", 400)
    pieces = list(analyzer.chunks(text, analyzer.CHUNK_CHARS, analyzer.CHUNK_OVERLAP))
    assert len(pieces) >= 2
    dets = Detector(lists=DeidLists()).detect(text)
    found = {text[d.start : d.end] for d in dets}
    assert any("Okoye" in f for f in found), found
    assert any("Philippa" in f for f in found), found


# Each later unseen set's transcripts and first score (fixtures README), taken before it
# was read: direct recall, quasi recall, share leaked, must-keep masked, precision.
FIRST_SCORES = {
    "fresh": (16, 0.954, 0.89, 0.087, 0.06, 0.83),
    "fresh2": (16, 0.98, 0.91, 0.05, 0.142, 0.81),
    "fresh3": (16, 0.973, 0.915, 0.064, 0.067, 0.785),
    "fresh4": (16, 0.967, 0.921, 0.083, 0.083, 0.688),
    "fresh5": (16, 0.983, 0.922, 0.038, 0.043, 0.894),
    "fresh6": (16, 0.982, 0.925, 0.047, 0.024, 0.815),
    "fresh7": (16, 0.969, 0.937, 0.067, 0.065, 0.855),
    "fresh8": (16, 0.979, 0.937, 0.042, 0.073, 0.861),
    "fresh9": (16, 0.971, 0.91, 0.05, 0.181, 0.85),
    "fresh10": (16, 0.97, 0.937, 0.046, 0.039, 0.747),
    "fresh11": (16, 0.977, 0.914, 0.052, 0.029, 0.85),
    "fresh12": (16, 0.969, 0.909, 0.063, 0.101, 0.838),
    "fresh13": (16, 0.964, 0.932, 0.062, 0.033, 0.882),
    "fresh14": (16, 0.959, 0.918, 0.077, 0.006, 0.854),
    "fresh15": (16, 0.978, 0.96, 0.032, 0.046, 0.89),
    "fresh16": (16, 0.988, 0.946, 0.032, 0.091, 0.842),
    "fresh17": (16, 0.983, 0.963, 0.018, 0.126, 0.875),
    "fresh18": (16, 0.968, 0.937, 0.061, 0.185, 0.834),
    "fresh19": (16, 0.981, 0.941, 0.037, 0.016, 0.855),
    "fresh20": (16, 0.984, 0.959, 0.042, 0.022, 0.865),
    "fresh21": (16, 0.974, 0.971, 0.035, 0.035, 0.872),
    "fresh22": (16, 0.962, 0.944, 0.051, 0.091, 0.78),
    "fresh23": (16, 0.938, 0.951, 0.088, 0.028, 0.717),
    "fresh24": (16, 0.942, 0.912, 0.093, 0.08, 0.875),
    "fresh25": (16, 0.965, 0.947, 0.05, 0.101, 0.833),
    "fresh26": (16, 0.978, 0.958, 0.052, 0.08, 0.858),
    "fresh27": (16, 0.98, 0.961, 0.045, 0.011, 0.862),
    "fresh28": (16, 0.964, 0.952, 0.054, 0.014, 0.811),
    "fresh29": (16, 0.974, 0.952, 0.03, 0.076, 0.858),
    "fresh30": (16, 0.972, 0.968, 0.064, 0.018, 0.872),
    "fresh31": (16, 0.972, 0.977, 0.071, 0.071, 0.836),
    "fresh32": (16, 0.962, 0.981, 0.072, 0.024, 0.854),
    "fresh33": (16, 0.971, 0.955, 0.069, 0.064, 0.878),
    "fresh34": (16, 0.991, 0.968, 0.026, 0.074, 0.879),
    "fresh35": (16, 0.966, 0.938, 0.053, 0.053, 0.883),
    "fresh36": (16, 0.968, 0.961, 0.069, 0.054, 0.879),
    "fresh37": (16, 0.977, 0.956, 0.056, 0.019, 0.892),
    "fresh38": (16, 0.990, 0.970, 0.027, 0.028, 0.868),
    "fresh39": (16, 0.986, 0.969, 0.030, 0.024, 0.883),
    "fresh40": (16, 0.960, 0.979, 0.042, 0.046, 0.867),
    "fresh41": (16, 0.984, 0.958, 0.041, 0.043, 0.857),
    "fresh42": (16, 0.984, 0.969, 0.051, 0.063, 0.863),
    "fresh43": (16, 0.982, 0.968, 0.036, 0.021, 0.865),
    "fresh44": (16, 0.985, 0.981, 0.035, 0.022, 0.886),
    "fresh45": (16, 0.994, 0.959, 0.015, 0.005, 0.875),
    "fresh46": (16, 0.993, 0.974, 0.017, 0.015, 0.884),
    "fresh47": (16, 0.983, 0.973, 0.030, 0.022, 0.884),
    "fresh48": (16, 0.987, 0.974, 0.028, 0.038, 0.837),
    "fresh49": (16, 0.997, 0.970, 0.007, 0.022, 0.908),
    "fresh50": (16, 0.994, 0.965, 0.016, 0.026, 0.876),
    "fresh51": (16, 0.986, 0.983, 0.032, 0.040, 0.868),
    "fresh52": (16, 0.989, 0.958, 0.020, 0.032, 0.876),
    "fresh53": (16, 0.984, 0.963, 0.035, 0.030, 0.883),
    "fresh54": (16, 0.972, 0.940, 0.031, 0.046, 0.881),
    "fresh55": (16, 0.981, 0.962, 0.038, 0.038, 0.887),
    "fresh56": (16, 0.995, 0.957, 0.011, 0.036, 0.895),
    "fresh57": (16, 0.981, 0.961, 0.046, 0.007, 0.896),
    "fresh58": (16, 0.990, 0.976, 0.015, 0.025, 0.905),
    "fresh59": (16, 0.993, 0.969, 0.020, 0.039, 0.926),
    "fresh60": (16, 0.993, 0.968, 0.019, 0.026, 0.886),
    "fresh61": (16, 0.985, 0.965, 0.036, 0.022, 0.920),
    "fresh62": (16, 0.993, 0.948, 0.016, 0.017, 0.886),
    "fresh63": (16, 0.988, 0.961, 0.031, 0.062, 0.893),
    "fresh64": (16, 0.992, 0.969, 0.024, 0.017, 0.892),
    "fresh65": (16, 0.986, 0.959, 0.026, 0.006, 0.899),
    "fresh66": (16, 0.992, 0.964, 0.023, 0.023, 0.896),
}


# The sets are checked in two halves, one in this file and one in
# test_deid_generalisation_later.py, so that the test run's two processes (which take a file
# each at a time) share them.
FIRST_HALF = tuple(sorted(FIRST_SCORES))[0::2]
SECOND_HALF = tuple(sorted(FIRST_SCORES))[1::2]


def first_score_holds(part: str) -> None:
    """A later unseen set's figures are no worse than its first score (``FIRST_SCORES``)
    and its possible list stays at most 5 entries per 1,000 words."""
    files, direct, quasi, leaked, keep, precision = FIRST_SCORES[part]
    gold = load_markup_dir(INDEPENDENT / part)
    assert len(gold) == files
    found = detect_studies({g.key: g.text for g in gold}, INDEPENDENT / "lists")
    res = evaluate(gold, found.detections, found.possible)
    table = format_table(res)
    assert res.direct_recall >= direct, table
    assert res.quasi_recall >= quasi, table
    assert res.leaked_share <= leaked, table
    assert res.keep_masked_share <= keep, table
    assert res.token_precision >= precision, table
    assert (res.possible_per_1000_words or 0) <= 5, table


def test_the_two_halves_hold_every_later_set() -> None:
    assert sorted(FIRST_HALF + SECOND_HALF) == sorted(FIRST_SCORES)
    assert abs(len(FIRST_HALF) - len(SECOND_HALF)) <= 1


@pytest.mark.slow
@pytest.mark.parametrize("part", FIRST_HALF)
def test_figures_on_the_later_unseen_sets_do_not_fall(part: str) -> None:
    """``independent/fresh`` to ``fresh66`` were each scored once
    before they were read and are development data since; these floors are those first
    scores, so a change that loses ground on them fails (half of the sets; the others in
    test_deid_generalisation_later.py)."""
    first_score_holds(part)
