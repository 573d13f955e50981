"""Code suggestions on held-out material, run through the stable `qualkit suggest codes` CSV
interface: three synthetic studies written separately from the sample corpus, and two sets
of real, published patient feedback labelled by its analysts (one kept for reporting only)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualkit.cli.suggest import group
from qualkit.project import load_codebook_file
from qualkit.topics import suggest
from qualkit.topics.evaluate import SetScores, load_eval_set, score_set

pytestmark = pytest.mark.slow

HELDOUT = Path(__file__).resolve().parent.parent / "benchmarks" / "heldout"
SETS = sorted(d.name for d in HELDOUT.iterdir() if (d / "gold.csv").exists())


def gold(d: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    with (d / "gold.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out[row["id"]].add(row["code"])
    return out


def accuracy(out_csv: Path, truth: dict[str, set[str]]) -> tuple[float, float]:
    ranked: dict[str, list[str]] = defaultdict(list)
    with out_csv.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            ranked[row["id"]].append(row["code"])
    assert set(ranked) == set(truth)
    top1 = sum(ranked[p][0] in g for p, g in truth.items()) / len(truth)
    top3 = sum(bool(set(ranked[p][:3]) & g) for p, g in truth.items()) / len(truth)
    return top1, top3


def run_cli(d: Path, out: Path) -> tuple[float, float]:
    args = ["codes", "--codebook", str(d / "codebook.yaml"), "--passages", str(d / "passages.csv")]
    result = CliRunner().invoke(group, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return accuracy(out, gold(d))


def test_held_out_sets_are_well_formed() -> None:
    assert len(SETS) >= 3
    for name in SETS:
        d = HELDOUT / name
        ids = {c.cid for c in load_codebook_file(d / "codebook.yaml").codes if c.codable}
        truth = gold(d)
        assert len(truth) >= 90 and all(g <= ids for g in truth.values())


#: Measured with the default model (benchmarks/bench_suggest.py): top-1, top-3 and the
#: expected calibration error of the shown score. The sets marked REPORTING_ONLY are left
#: out: they are never used to choose methods or weights.
MEASURED = {
    "crisis": (0.60, 0.84, 0.089),
    "leavingcare": (0.79, 0.94, 0.179),
    "patientfeedback_nhft": (0.549, 0.771, 0.070),
    "resettlement": (0.78, 0.91, 0.149),
}
MARGIN = 0.05
DEV = [n for n in SETS if not (HELDOUT / n / "REPORTING_ONLY").exists()]
SYNTHETIC = ["crisis", "leavingcare", "resettlement"]


@pytest.fixture(scope="module")
def scored() -> dict[str, SetScores]:
    return {n: score_set(load_eval_set(HELDOUT / n))[0] for n in SETS}


def test_every_development_set_has_measured_figures() -> None:
    assert sorted(MEASURED) == sorted(DEV)
    assert len(SETS) > len(DEV)  # at least one set is kept for reporting only


@pytest.mark.parametrize("name", DEV)
def test_suggestions_on_development_sets(name: str, scored: dict[str, SetScores]) -> None:
    # From a codebook alone, no coded examples; not below what was measured.
    s = scored[name]
    want1, want3, want_ece = MEASURED[name]
    assert s.top1 >= want1 - MARGIN, s
    assert s.top3 >= want3 - MARGIN, s
    assert s.ece <= want_ece + MARGIN, s


def test_calibration_beats_softmax_on_development_sets(scored: dict[str, SetScores]) -> None:
    ece = [scored[n].ece for n in DEV]
    softmax = [scored[n].ece_softmax for n in DEV]
    assert sum(ece) < sum(softmax), (ece, softmax)


def test_cli_gives_the_same_suggestions(scored: dict[str, SetScores], tmp_path: Path) -> None:
    top1, top3 = run_cli(HELDOUT / "crisis", tmp_path / "out.csv")
    assert (top1, top3) == pytest.approx((scored["crisis"].top1, scored["crisis"].top3))


@pytest.mark.parametrize("name", SETS)
def test_no_certain_scores_where_suggestions_are_not_always_right(
    name: str, scored: dict[str, SetScores]
) -> None:
    s = scored[name]
    if s.top_bin_accuracy < 1.0:
        assert s.max_confidence < 0.995, s  # never printed as 1.00
    # The surest tenth of suggestions is not shown as much surer than it is.
    assert s.top_bin_confidence <= s.top_bin_accuracy + 0.2, s


def test_self_training_helps_on_held_out_studies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_self = [run_cli(HELDOUT / n, tmp_path / f"{n}.csv")[0] for n in SYNTHETIC]
    monkeypatch.setitem(suggest.WEIGHTS, "self", 0.0)
    without = [run_cli(HELDOUT / n, tmp_path / f"{n}-0.csv")[0] for n in SYNTHETIC]
    assert sum(with_self) > sum(without) + 0.05 * len(SYNTHETIC), (with_self, without)
