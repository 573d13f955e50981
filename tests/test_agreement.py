"""Tests for qualkit.agreement against published examples and reference implementations.

References: NVivo's coding comparison documentation (QSR), sklearn's ``cohen_kappa_score``,
the ``krippendorff`` package, Krippendorff (2011) "Computing Krippendorff's
Alpha-Reliability", Krippendorff (2004) "Content Analysis", 2nd ed., and Krippendorff (1995)
"On the reliability of unitizing contiguous data".
"""

from __future__ import annotations

import json
import math
import zlib

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from qualkit.agreement import (
    ALL,
    SCHEMA,
    Unit,
    agreement_report,
    brennan_prediger_kappa,
    format_table,
    match_segments,
    nvivo_kappa,
    percent_agreement,
    unmatched_segments,
)
from qualkit.model import Coding, SpeakerKind, Turn
from qualkit.text import split_sentences
from tests.agreement_reference import (
    krippendorff_alpha_nominal,
    reliability_data,
    unitized_alpha,
    unitized_alpha_for_transcript,
)

NAN = float("nan")
HYPOTHESIS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def c(coder: str, start: int, end: int, code: str = "x", transcript: str = "t") -> Coding:
    return Coding(coder=coder, transcript=transcript, start=start, end=end, code=code)


def sentences_text(n: int) -> str:
    """Synthetic text of ``n`` short sentences (words invented for the test)."""
    words = ["the", "list", "was", "long", "and", "nobody", "rang", "back", "again"]
    return " ".join(
        " ".join(words[(i + k) % len(words)] for k in range(3 + i % 5)).capitalize() + "."
        for i in range(n)
    )


# --------------------------------------------------------------------------- NVivo


def test_nvivo_documented_example_percent_and_kappa() -> None:
    # NVivo's help: a 1,000-character source, 50 characters coded by both users,
    # 150 by only one of them, 800 by neither -> (800 + 50) / 1000 = 85 %.
    text = "z" * 1000
    codings = [c("a", 0, 125), c("b", 75, 200)]  # both: 75..125; one: 0..75 and 125..200
    row = agreement_report(codings, {"t": text}, bootstrap=0).row("x", "t")
    assert row.n_units == 1000
    assert row.percent_agreement == pytest.approx(85.0)

    # Kappa by hand, following NVivo's documented steps.
    ef1 = 125 * 125 / 1000  # units coded by A x units coded by B / total
    ef2 = 875 * 875 / 1000  # units not coded by A x not coded by B / total
    sum_ef = ef1 + ef2
    by_hand = (850 - sum_ef) / (1000 - sum_ef)
    assert by_hand == pytest.approx(11 / 35, abs=1e-15)
    assert row.kappa == pytest.approx(by_hand, abs=1e-12)
    assert nvivo_kappa(1000, 50, 125, 125) == pytest.approx(by_hand, abs=1e-12)
    assert percent_agreement(1000, 50, 125, 125) == pytest.approx(85.0)

    # Excluding text neither coded: 200 coded characters, 50 agreed.
    assert row.percent_agreement_coded == pytest.approx(25.0)
    pe = (125 / 200) * (125 / 200) + (75 / 200) * (75 / 200)
    assert row.kappa_coded == pytest.approx((0.25 - pe) / (1 - pe), abs=1e-12)


def test_kappa_is_one_when_pe_is_one() -> None:
    assert nvivo_kappa(10, 0, 0, 0) == 1.0  # nobody coded anything
    assert nvivo_kappa(10, 10, 10, 10) == 1.0  # both coded everything
    assert nvivo_kappa(10, 0, 10, 0) == 0.0  # complete disagreement, pe = 0
    assert math.isnan(nvivo_kappa(0, 0, 0, 0))
    with pytest.raises(ValueError):
        nvivo_kappa(10, 5, 3, 8)


def labels(length: int, spans: list[tuple[int, int]]) -> list[int]:
    out = [0] * length
    for start, end in spans:
        for i in range(start, end):
            out[i] = 1
    return out


@st.composite
def two_coder_codings(draw: st.DrawFn) -> tuple[int, list[Coding]]:
    length = draw(st.integers(1, 300))
    codings: list[Coding] = []
    for coder in ("a", "b"):
        for _ in range(draw(st.integers(0, 5))):
            start = draw(st.integers(0, length - 1))
            end = draw(st.integers(start + 1, length))
            codings.append(c(coder, start, end, draw(st.sampled_from(["x", "y"]))))
    return length, codings


@HYPOTHESIS
@given(two_coder_codings())
def test_kappa_matches_sklearn_on_character_labels(case: tuple[int, list[Coding]]) -> None:
    length, codings = case
    report = agreement_report(
        codings,
        {"t": "q" * length},
        codes=["x", "y"],
        bootstrap=0,
        assignments={"t": ["a", "b"]},
    )
    for code in ("x", "y"):
        la = labels(
            length, [(k.start, k.end) for k in codings if k.coder == "a" and k.code == code]
        )
        lb = labels(
            length, [(k.start, k.end) for k in codings if k.coder == "b" and k.code == code]
        )
        row = report.row(code, "t", ("a", "b"))
        if len(set(la)) == 1 and la == lb:
            assert row.kappa == 1.0  # pe == 1: NVivo's convention, sklearn gives NaN
        else:
            assert row.kappa == pytest.approx(cohen_kappa_score(la, lb), abs=1e-9)
        agree = sum(x == y for x, y in zip(la, lb, strict=True))
        assert row.percent_agreement == pytest.approx(100 * agree / length, abs=1e-9)


# --------------------------------------------------------------------------- alpha


def package_alpha(data: np.ndarray, strict: bool = False) -> float:
    """The ``krippendorff`` package's nominal alpha; NaN where it refuses or divides by 0."""
    try:
        with np.errstate(invalid="ignore", divide="ignore"):
            return float(krippendorff.alpha(data, level_of_measurement="nominal"))
    except ValueError:
        if strict:
            raise
        return NAN


def assert_same(mine: float, theirs: float) -> None:
    if math.isnan(theirs):
        assert math.isnan(mine)
    else:
        assert mine == pytest.approx(theirs, abs=1e-9)


def test_krippendorff_2011_nominal_example() -> None:
    # Krippendorff (2011), "C. Nominal data, any number of observers, missing data":
    # 4 observers x 12 units; published alpha_nominal = 0.743.
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
    alpha = krippendorff_alpha_nominal(data)
    assert round(alpha, 3) == 0.743
    assert alpha == pytest.approx(
        krippendorff.alpha(data, level_of_measurement="nominal"), abs=1e-12
    )


def test_krippendorff_2004_textbook_examples() -> None:
    # Krippendorff (2004), p. 224: two observers, ten units, binary -> alpha = 0.095.
    binary = [[1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]]
    assert round(krippendorff_alpha_nominal(binary), 3) == 0.095
    # p. 227: two observers, twelve units, three categories -> alpha = 0.734.
    a, b, cc = 1, 2, 3
    several = [
        [a, a, b, b, b, b, b, cc, cc, cc, cc, cc],
        [a, b, b, b, b, b, cc, cc, cc, cc, cc, cc],
    ]
    assert round(krippendorff_alpha_nominal(several), 3) == 0.734


@HYPOTHESIS
@given(
    st.integers(2, 4).flatmap(
        lambda m: st.lists(
            st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.0, NAN]), min_size=m, max_size=m),
            min_size=1,
            max_size=40,
        )
    )
)
def test_alpha_matches_krippendorff_package(units: list[list[float]]) -> None:
    data = np.array(units, dtype=float).T  # coders x units
    mine = krippendorff_alpha_nominal(data)
    try:
        theirs = package_alpha(data, strict=True)
    except ValueError:  # fewer than two values, or no unit with two values
        assert math.isnan(mine)
        return
    if math.isnan(theirs):
        assert math.isnan(mine)
    else:
        assert mine == pytest.approx(theirs, abs=1e-9)


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[str], dict[str, str], list[Coding]]:
    coders = [f"coder{i}" for i in range(draw(st.integers(2, 4)))]
    pieces = ["ab", "cd ", "e. ", "f!\n", "g? ", " ", "\n", "hij", "k."]
    texts: dict[str, str] = {}
    codings: list[Coding] = []
    for t in range(draw(st.integers(1, 3))):
        tid = f"t{t}"
        text = "".join(draw(st.lists(st.sampled_from(pieces), max_size=30)))
        texts[tid] = text
        if not text:
            continue
        for coder in coders:
            for _ in range(draw(st.integers(0, 4))):
                start = draw(st.integers(0, len(text) - 1))
                end = draw(st.integers(start + 1, len(text)))
                codings.append(c(coder, start, end, draw(st.sampled_from(["x", "y"])), tid))
    return coders, texts, codings


def line_turns(text: str) -> list[Turn]:
    turns, start = [], 0
    for i, line in enumerate(text.split("\n")):
        turns.append(Turn(i, "P", SpeakerKind.PARTICIPANT, start, start + len(line)))
        start += len(line) + 1
    return turns


def naive_matrix(
    coders: list[str], texts: dict[str, str], codings: list[Coding], code: str, unit: str
) -> np.ndarray:
    """Coders x units, built unit by unit without the library's code."""
    columns: list[list[float]] = []
    for tid in sorted(texts):
        text = texts[tid]
        present = {k.coder for k in codings if k.transcript == tid}
        if unit == "character":
            spans = [(i, i + 1) for i in range(len(text))]
        elif unit == "sentence":
            spans = [(s.start, s.end) for s in split_sentences(text)]
        else:
            spans = [(t.start, t.end) for t in line_turns(text) if t.end > t.start]
        for start, end in spans:
            column = []
            for coder in coders:
                if coder not in present:
                    column.append(NAN)
                    continue
                hit = any(
                    k.coder == coder
                    and k.code == code
                    and k.transcript == tid
                    and k.start < end
                    and start < k.end
                    for k in codings
                )
                column.append(1.0 if hit else 0.0)
            columns.append(column)
    return np.array(columns, dtype=float).reshape(-1, len(coders)).T


@HYPOTHESIS
@given(corpora(), st.sampled_from(["character", "sentence", "turn"]))
def test_report_alpha_matches_package_with_missing_coders(
    corpus: tuple[list[str], dict[str, str], list[Coding]], unit: Unit
) -> None:
    coders, texts, codings = corpus
    turns = {tid: line_turns(text) for tid, text in texts.items()}
    report = agreement_report(
        codings, texts, turns=turns, unit=unit, coders=coders, codes=["x", "y"], bootstrap=0
    )
    for code in ("x", "y"):
        data = naive_matrix(coders, texts, codings, code, unit)
        mine, order = reliability_data(codings, texts, code, unit, turns, coders)
        assert order == tuple(coders)
        np.testing.assert_array_equal(mine, data)
        assert_same(report.row(code, ALL, coders).alpha, package_alpha(data))
        pair = report.row(code, ALL, coders[:2])
        assert_same(pair.alpha, package_alpha(data[:2]))


# --------------------------------------------------------------------------- aggregation


def test_aggregate_kappa_is_character_weighted_and_pooled_kappa_sums_counts() -> None:
    texts = {"long": "w" * 300, "short": "w" * 100}
    codings = [
        c("a", 0, 100, transcript="long"),
        c("b", 50, 150, transcript="long"),
        c("a", 0, 40, transcript="short"),
        c("b", 0, 30, transcript="short"),
    ]
    report = agreement_report(codings, texts, bootstrap=0)
    k_long = nvivo_kappa(300, 50, 100, 100)
    k_short = nvivo_kappa(100, 30, 40, 30)
    row = report.row("x", ALL)
    assert row.n_units == 400
    assert row.kappa == pytest.approx((300 * k_long + 100 * k_short) / 400, abs=1e-12)
    assert row.kappa_pooled == pytest.approx(nvivo_kappa(400, 80, 140, 130), abs=1e-12)
    assert row.percent_agreement == pytest.approx(percent_agreement(400, 80, 140, 130))
    assert report.row("x", "long").kappa == pytest.approx(k_long)


def test_three_coders_group_row_is_light_kappa_and_multi_coder_alpha() -> None:
    text = sentences_text(30)
    codings = [
        c("a", 0, 120),
        c("b", 10, 130),
        c("c", 60, 200),
        c("a", 300, 380, "y"),
        c("b", 310, 380, "y"),
        c("c", 0, 5, "y"),
    ]
    report = agreement_report(codings, {"t": text}, bootstrap=0)
    pairs = [("a", "b"), ("a", "c"), ("b", "c")]
    group = report.row("x", "t")
    assert group.coders == ("a", "b", "c")
    assert group.kappa == pytest.approx(np.mean([report.row("x", "t", p).kappa for p in pairs]))
    data, _ = reliability_data(codings, {"t": text}, "x")
    assert group.alpha == pytest.approx(package_alpha(data), abs=1e-12)
    overall = report.row(ALL, ALL)
    per_code = [report.row(code, ALL).alpha for code in ("x", "y")]
    assert overall.alpha == pytest.approx(np.mean(per_code))


def test_code_means_leave_out_codes_nobody_applied() -> None:
    codings = [c("a", 0, 40), c("b", 20, 60)]
    report = agreement_report(codings, {"t": sentences_text(20)}, codes=["x", "unused"])
    assert report.row("unused", "t").kappa == 1.0  # NVivo's convention for the code itself
    mean, x = report.row(ALL, "t"), report.row("x", "t")
    assert mean.kappa == x.kappa and mean.percent_agreement == x.percent_agreement
    assert report.row(ALL, ALL).kappa == report.row("x", ALL).kappa


# --------------------------------------------------------------------------- bootstrap


def coded_corpus() -> tuple[dict[str, str], list[Coding]]:
    text = sentences_text(120)
    spans = split_sentences(text)
    codings = []
    for i in range(0, 110, 6):
        s, e = spans[i].start, spans[i + 2].end
        codings.append(c("a", s, e))
        if i % 4:
            codings.append(c("b", s + 3, e))
        else:
            codings.append(c("b", spans[i + 3].start, spans[i + 4].end))
    return {"t": text}, codings


@pytest.mark.parametrize("unit", ["character", "sentence"])
def test_bootstrap_interval_contains_estimate_and_is_reproducible(unit: Unit) -> None:
    texts, codings = coded_corpus()
    first = agreement_report(codings, texts, unit=unit, bootstrap=400, seed=7)
    again = agreement_report(codings, texts, unit=unit, bootstrap=400, seed=7)
    other = agreement_report(codings, texts, unit=unit, bootstrap=400, seed=8)
    assert first.to_json() == again.to_json()
    row = first.row("x", "t")
    assert row.kappa_ci is not None and row.alpha_ci is not None
    assert row.kappa_ci[0] <= row.kappa <= row.kappa_ci[1]
    assert row.alpha_ci[0] <= row.alpha <= row.alpha_ci[1]
    assert row.kappa_ci[1] - row.kappa_ci[0] > 0.01
    assert other.row("x", "t").kappa_ci != row.kappa_ci


def test_bootstrap_equals_a_naive_resampling_of_sentences() -> None:
    texts, codings = coded_corpus()
    seed, reps = 3, 60
    report = agreement_report(codings, texts, unit="sentence", bootstrap=reps, seed=seed)
    data, _ = reliability_data(codings, texts, "x", unit="sentence")
    # The documented scheme: a transcript's resamples depend on the seed and its id.
    rng = np.random.default_rng([seed, zlib.crc32(b"t")])
    picks = rng.integers(0, data.shape[1], size=(reps, data.shape[1]))
    kappas, alphas = [], []
    for pick in picks:
        a, b = data[0, pick], data[1, pick]
        same = bool((a == b).all() and len(set(a)) == 1)
        kappas.append(1.0 if same else cohen_kappa_score(a, b))
        alphas.append(package_alpha(data[:, pick]))
    row = report.row("x", "t")
    assert row.kappa_ci == pytest.approx(tuple(np.nanpercentile(kappas, [2.5, 97.5])), abs=1e-9)
    assert row.alpha_ci == pytest.approx(tuple(np.nanpercentile(alphas, [2.5, 97.5])), abs=1e-9)


def test_character_bootstrap_resamples_sentences_not_characters() -> None:
    # One sentence: resampling whole sentences cannot vary anything.
    row = agreement_report([c("a", 0, 40), c("b", 20, 60)], {"t": "w" * 100}).row("x", "t")
    assert row.kappa_ci == (row.kappa, row.kappa)


# --------------------------------------------------------------------------- edge cases


def test_no_codings_at_all() -> None:
    report = agreement_report([], {"t": "Some words here."})
    assert report.coders == () and report.codes == ()
    overall = report.row(ALL, ALL)
    assert overall.n_units == 0 and math.isnan(overall.kappa) and math.isnan(overall.alpha)
    json.loads(report.to_json())
    assert "Code" in format_table(report)


def test_one_coder_only() -> None:
    report = agreement_report([c("a", 0, 5)], {"t": sentences_text(5)}, bootstrap=20)
    row = report.row("x", "t")
    assert row.coders == ("a",)
    assert math.isnan(row.kappa) and math.isnan(row.alpha) and math.isnan(row.percent_agreement)
    assert row.kappa_ci is not None and all(math.isnan(v) for v in row.kappa_ci)
    assert json.loads(report.to_json())["rows"][0]["kappa"] is None


@pytest.mark.parametrize("unit", ["character", "sentence", "turn"])
@pytest.mark.parametrize("n_coders", [0, 1, 3])
def test_every_unit_survives_sparse_input(unit: Unit, n_coders: int) -> None:
    texts = {"t": "Hello there. Bye.", "empty": ""}
    turns = {"t": [Turn(0, "P", SpeakerKind.PARTICIPANT, 0, 12)], "empty": []}
    codings = [c(name, 0, 5) for name in ("a", "b", "c")[:n_coders]]
    report = agreement_report(codings, texts, turns=turns, unit=unit, bootstrap=20)
    assert report.rows and json.loads(report.to_json())["rows"]
    assert format_table(report).count("\n") == len(report.rows) + 3
    for row in report.rows:
        if row.transcript == "empty":
            assert row.n_units == 0 and math.isnan(row.kappa) and math.isnan(row.alpha)


def test_empty_text() -> None:
    report = agreement_report(
        [], {"t": ""}, coders=["a", "b"], codes=["x"], assignments={"t": ["a", "b"]}, bootstrap=10
    )
    row = report.row("x", "t")
    assert row.n_units == 0
    assert math.isnan(row.kappa) and math.isnan(row.alpha) and math.isnan(row.percent_agreement)
    assert math.isnan(row.segment_agreement)


def test_code_nobody_applied_is_perfect_agreement_but_undefined_alpha() -> None:
    codings = [c("a", 0, 5, "y"), c("b", 0, 5, "y")]
    row = agreement_report(codings, {"t": sentences_text(5)}, codes=["x"]).row("x", "t")
    assert row.percent_agreement == 100.0
    assert row.kappa == 1.0
    assert math.isnan(row.alpha)
    assert math.isnan(row.segment_agreement) and row.n_segments == 0


def test_coder_who_did_not_code_a_transcript_is_missing_not_disagreeing() -> None:
    texts = {"t1": sentences_text(10), "t2": sentences_text(10)}
    codings = [
        c("a", 0, 30, transcript="t1"),
        c("b", 0, 30, transcript="t1"),
        c("a", 0, 30, transcript="t2"),
    ]
    report = agreement_report(codings, texts, bootstrap=0)
    assert [r.transcript for r in report.rows if r.code == "x"] == ["t1", "t2", ALL]
    not_compared = report.row("x", "t2")
    assert not_compared.n_units == 0 and math.isnan(not_compared.kappa)
    assert report.row("x", ALL).n_units == len(texts["t1"])
    assert report.row("x", ALL).kappa == report.row("x", "t1").kappa
    assigned = agreement_report(codings, texts, bootstrap=0, assignments={"t2": ["b"]})
    assert assigned.row("x", "t2").percent_agreement < 100


def test_bad_input_is_rejected_without_quoting_text() -> None:
    secret = "Doreen lives at 14 Ferndale Road."
    with pytest.raises(ValueError) as err:
        agreement_report([c("a", 0, 999)], {"t": secret})
    assert "Doreen" not in str(err.value) and "999" in str(err.value)
    with pytest.raises(ValueError, match="not among the texts"):
        agreement_report([c("a", 0, 1, transcript="nope")], {"t": secret})
    with pytest.raises(ValueError, match="unit"):
        agreement_report([], {"t": secret}, unit="paragraph")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="turns"):
        agreement_report([c("a", 0, 3)], {"t": secret}, unit="turn")
    with pytest.raises(ValueError, match="min_overlap"):
        agreement_report([], {"t": secret}, min_overlap=0)


# --------------------------------------------------------------------------- segments


def test_segment_matching_union_and_segment_bases() -> None:
    a, b = [(0, 100)], [(0, 60)]
    assert [x.tolist() for x in match_segments(a, b, 0.5, "union")] == [[True], [True]]
    assert [x.tolist() for x in match_segments(a, b, 0.7, "union")] == [[False], [False]]
    # 60 % of A is covered by B, 100 % of B by A
    assert [x.tolist() for x in match_segments(a, b, 0.7, "segment")] == [[False], [True]]
    assert [x.tolist() for x in match_segments(a, [(100, 200)], 0.01)] == [[False], [False]]
    # exactly at the threshold counts as a match
    assert match_segments([(0, 10)], [(0, 3)], 0.3, "union")[0].tolist() == [True]


def test_segment_agreement_in_report_and_brennan_prediger() -> None:
    text = sentences_text(40)
    codings = [
        c("a", 0, 100),
        c("b", 0, 60),  # union overlap 60 %: match
        c("a", 200, 300),
        c("b", 290, 390),  # 10/190: no match
        c("a", 400, 450, "y"),
        c("b", 400, 450, "y"),  # identical: match
    ]
    report = agreement_report(codings, {"t": text}, min_overlap=0.5, bootstrap=0)
    x = report.row("x", "t")
    assert (x.segment_matches, x.n_segments) == (2, 4)
    assert x.segment_agreement == pytest.approx(50.0)
    overall = report.row(ALL, ALL)
    assert (overall.segment_matches, overall.n_segments) == (4, 6)
    assert overall.segment_kappa == pytest.approx(brennan_prediger_kappa(4 / 6, 2))
    assert brennan_prediger_kappa(4 / 6, 2) == pytest.approx(1 / 3)
    assert x.segment_kappa is None
    strict = agreement_report(
        codings, {"t": text}, min_overlap=0.7, overlap_basis="segment", bootstrap=0
    )
    assert strict.row("x", "t").segment_matches == 1  # only B's first segment (fully inside A)


# --------------------------------------------------------------------------- unmatched segments


def test_unmatched_segments_for_reconciliation() -> None:
    text = sentences_text(20)
    codings = [
        c("a", 0, 10),
        c("a", 20, 30),
        c("b", 5, 10),
        c("b", 40, 50, "y"),
        c("a", 60, 70, "y"),
        c("b", 60, 70, "y"),
    ]
    found = unmatched_segments(codings, {"t": text}, "a", "b")
    assert [(d.start, d.end, d.code, d.coders, d.kind) for d in found] == [
        (0, 5, "x", ("a",), "boundary"),
        (20, 30, "x", ("a",), "unmatched"),
        (40, 50, "y", ("b",), "unmatched"),
    ]
    only_y = unmatched_segments(codings, {"t": text}, "a", "b", code="y")
    assert [(d.start, d.code) for d in only_y] == [(40, "y")]
    assert unmatched_segments(codings, {"t": text, "u": text}, "a", "b")[0].transcript == "t"


# --------------------------------------------------------------------------- sentences


def test_split_sentences() -> None:
    # Sentence units are the coding app's sentences: an ellipsis before a lower-case word
    # and the full stop of "Dr." end no sentence.
    text = (
        'I waited. Then "nothing!" Really?\nINT: ok\n\n'
        "  It cost 3.5 pounds… fine. Dr. Okafor came… Then"
    )
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "I waited.",
        'Then "nothing!"',
        "Really?",
        "INT: ok",
        "It cost 3.5 pounds… fine.",
        "Dr. Okafor came…",
        "Then",
    ]
    assert split_sentences("") == [] and split_sentences(" \n ") == []


# --------------------------------------------------------------------------- unitizing


def test_unitized_alpha_reproduces_krippendorff_2004_example() -> None:
    # Krippendorff (2004), p. 254: continuum 150..450, observers i and j, categories c, k.
    # Published: c: D_o = .0144, D_e = .0532, alpha = .7286; k: D_o = 0, D_e = .0490,
    # alpha = 1; overall .8591 (computed from the four-decimal components).
    units = {
        "i": [(225, 295, "c"), (370, 400, "c"), (180, 240, "k"), (300, 350, "k")],
        "j": [(220, 300, "c"), (355, 375, "c"), (400, 420, "c"), (180, 240, "k"), (300, 350, "k")],
    }
    per, overall = unitized_alpha(units, 150, 450)
    assert round(per["c"].observed, 4) == 0.0144
    assert round(per["c"].expected, 4) == 0.0532
    assert round(per["c"].alpha, 4) == 0.7286
    assert per["k"].observed == 0 and round(per["k"].expected, 4) == 0.0490
    assert per["k"].alpha == 1.0
    rounded = 1 - round(overall.observed, 4) / round(overall.expected, 4)
    assert round(rounded, 4) == 0.8591
    assert overall.alpha == pytest.approx(1 - 1300 / 90000 / overall.expected)


def test_unitized_alpha_observed_disagreement_krippendorff_1995() -> None:
    # Krippendorff (1995), p. 57: four pairs of observers on a 24-unit continuum.
    pairs = {
        "A": ([(2, 10), (14, 20)], [(4, 8), (15, 17)], 0.03125),
        "B": ([(0, 18)], [(0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 9), (9, 10)], 2.26736),
        "C": (
            [(2, 8), (10, 12), (14, 18), (20, 22)],
            [(0, 2), (4, 8), (10, 14), (16, 18), (20, 22)],
            0.02777,
        ),
        "D": (
            [(0, 2), (2, 10), (10, 14), (14, 20), (20, 24)],
            [(0, 4), (4, 8), (8, 15), (15, 17), (17, 24)],
            0.38715,
        ),
    }
    for name, (first, second, published) in pairs.items():
        units = {"1": [(s, e, name) for s, e in first], "2": [(s, e, name) for s, e in second]}
        per, _ = unitized_alpha(units, 0, 24)
        assert per[name].observed == pytest.approx(published, abs=1e-5), name


def test_unitized_alpha_for_transcript_and_limits() -> None:
    text = "w" * 100
    codings = [c("a", 10, 30), c("b", 10, 30), c("a", 50, 60, "y"), c("b", 52, 60, "y")]
    per, overall = unitized_alpha_for_transcript(codings, {"t": text}, "t", "a", "b")
    assert per["x"].alpha == 1.0 and per["y"].alpha < 1.0
    assert overall.alpha < 1.0
    with pytest.raises(ValueError, match="exactly two"):
        unitized_alpha({"a": [], "b": [], "c": []}, 0, 10)


# --------------------------------------------------------------------------- output


def test_json_schema_table_and_no_text_leaks() -> None:
    texts, codings = coded_corpus()
    texts = {"t": texts["t"].replace("nobody", "Zebedee")}
    report = agreement_report([*codings, c("c", 0, 50)], texts, bootstrap=50)
    payload = json.loads(report.to_json())
    assert payload["schema"] == SCHEMA
    assert payload["unit"] == "character" and payload["coders"] == ["a", "b", "c"]
    assert payload["settings"]["bootstrap"] == 50
    assert len(payload["rows"]) == len(report.rows) == len(report.to_rows())
    expected_keys = {
        "code",
        "transcript",
        "coders",
        "n_units",
        "percent_agreement",
        "percent_agreement_coded",
        "kappa",
        "kappa_ci",
        "kappa_coded",
        "kappa_pooled",
        "alpha",
        "alpha_ci",
        "n_segments",
        "segment_matches",
        "segment_agreement",
        "segment_kappa",
    }
    assert all(set(row) == expected_keys for row in payload["rows"])
    assert {(r["code"], r["transcript"]) for r in payload["rows"]} >= {("x", "t"), ("*", "*")}
    table = format_table(report)
    assert len(table.splitlines()) == len(report.rows) + 3
    for output in (report.to_json(), table):
        assert "Zebedee" not in output and "NaN" not in output
