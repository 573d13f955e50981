"""Inter-coder agreement for codings: how far coders agree on where each code applies.

Modules: :mod:`~qualkit.agreement.measures` (formulas and bootstrap intervals),
:mod:`~qualkit.agreement.segments` (span arithmetic and segment matching),
:mod:`~qualkit.agreement.corpus` and :mod:`~qualkit.agreement.units` (the codings and units
compared), :mod:`~qualkit.agreement.counts` (per-transcript tables),
:mod:`~qualkit.agreement.rows` (the report's rows), :mod:`~qualkit.agreement.report`
(computing and writing the report), :mod:`~qualkit.agreement.unmatched` (what one coder
coded and the other did not) and :mod:`~qualkit.agreement.gather` (inputs from a project
or ``.qdpx`` files; the only module that reads a database, so it is imported by name).

Pure functions over :class:`qualkit.model.Coding` lists and the transcript texts
(``dict[transcript_id, str]``); offsets are code points, end exclusive. Nothing here
reads or writes a database, and no transcript text is ever copied into a result.

Statistics
==========

Units
    ``unit="character"`` (every character of a transcript is a unit, as in NVivo),
    ``"sentence"`` (spans from :func:`qualkit.text.split_sentences`, the sentences the
    coding app offers) or ``"turn"`` (``Turn.start`` to ``Turn.end`` of the turns passed
    in; speaker labels and header lines are not units).
    A coder *applied a code to a unit* when one of their codings with that code covers the
    character (character units) or overlaps the unit by at least one character ("any
    overlap", for sentence and turn units).

Which coders coded a transcript
    A coder counts as having coded a transcript when they made at least one coding in it
    (any code) or when ``assignments`` lists them for it. For other transcripts the coder's
    values are *missing*: pairs are compared only on transcripts both coders coded (a pair
    row for any other transcript has ``n_units == 0`` and undefined values), and
    Krippendorff's alpha treats the values as missing data.

Percentage agreement and Cohen's kappa (NVivo's coding comparison)
    Per code, per transcript, per pair of coders A and B, with N units::

        agree = coded by both + coded by neither
        percent_agreement = 100 * agree / N
        pe = (a_coded/N)(b_coded/N) + (a_uncoded/N)(b_uncoded/N)
        kappa = (agree/N - pe) / (1 - pe)

    With character units this is NVivo's coding comparison query (QSR documents
    the example of a 1,000-character source with 50 characters coded by both and 800 by
    neither: 85 % agreement). Edge cases: ``pe == 1`` happens only when both coders coded
    every unit or both coded none; they then agree perfectly and kappa is 1 (NVivo shows 1
    too). With no units at all (empty text) every value is NaN.

    ``percent_agreement_coded`` and ``kappa_coded`` are the same two formulas restricted to
    the units at least one of the two coders coded (units coded by neither are left out).
    The percentage is then the Jaccard overlap. Note that this kappa is never above 0
    unless agreement is perfect: with no "coded by neither" cell, the 2x2 table's
    determinant is ``-(a_only * b_only)``. It is reported because users ask for it; read
    the percentage, not the kappa.

    Across transcripts (``transcript == "*"``), percentages and kappas are averages of the
    per-transcript values weighted by the transcript's units (characters, for character
    units; for the ``_coded`` variants, by the units either coder coded), which is the
    average NVivo's documentation describes; for percentages this equals the pooled
    percentage. Weighted-average kappa counts transcripts in which
    neither coder used the code as kappa 1, which flatters it, so ``kappa_pooled`` also
    gives Cohen's kappa of the 2x2 table summed over transcripts.

Krippendorff's alpha (nominal)
    Computed from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
    Alpha-Reliability"): for each code every unit gets value 1 or 0 per coder, or missing.
    Units with fewer than two values are not pairable and drop out. ``alpha = 1 -
    (n - 1) * sum(o[c,k], c != k) / sum(n_c * n_k, c != k)``. When the pairable values
    show no variation (nobody applied the code, or everybody applied it everywhere) alpha is
    undefined and reported as NaN, as Krippendorff does. Pair rows give alpha for that pair,
    group rows for all coders at once; ``transcript == "*"`` pools the units of every
    transcript; ``code == "*"`` is the mean over codes whose alpha is defined. The tests
    check it against the ``krippendorff`` package.

Segment matching (MAXQDA-style)
    For one code, each coded segment of each coder is checked against the other coder's
    segments with the same code (overlapping segments of one coder and code are merged
    first). With ``overlap_basis="union"`` a segment matches when some segment of the other
    coder overlaps it by at least ``min_overlap`` of the two segments' union (intersection
    over union); with ``"segment"`` when at least ``min_overlap`` of the segment itself is
    covered by the other coder's segments. ``segment_agreement = 100 * matching segments /
    all segments`` of both coders. On the overall row (code and transcript "*")
    ``segment_kappa`` is the Brennan & Prediger (1981) coefficient MAXQDA reports,
    ``(p - 1/k) / (1 - 1/k)`` with ``k`` the number of codes compared (NaN when k < 2). No
    segments at all gives NaN. A segment may match several of the other coder's segments;
    matching is not one-to-one. Both overlap bases are offered because tools differ: say
    which one was used when reporting.

Mean rows
    Rows with code "*" average the per-code percentages, kappas and alphas and sum the
    segment counts. The averages leave out undefined values and codes that neither of the
    coders compared applied in that scope (in each bootstrap resample too): such a code
    has 100 % agreement and kappa 1 by convention but says nothing about agreement, and
    counting it would inflate the mean.

Bootstrap confidence intervals
    Percentile intervals (default 95 %) from ``bootstrap`` resamples. Sentence and turn units
    are resampled directly; for character units whole sentences are resampled with their
    characters, because neighbouring characters are not independent and resampling single
    characters gives intervals that are far too narrow. Resampling is stratified by
    transcript and the same resamples are used for every code and pair, so mean rows (code
    "*") and group rows have intervals too. A transcript's resamples depend only on ``seed``
    and the transcript id, so results are reproducible. Intervals ignore resamples in which
    the statistic is undefined, and need not contain the point estimate in very small or
    degenerate data. For a code applied to only a few units, resamples that miss those
    units score kappa 1 (NVivo's convention), so its kappa interval reaches up towards 1;
    read it together with ``n_segments``.

Group rows
    With three or more coders every (code, transcript) also has a row for all coders: alpha
    over all coders, and the mean over pairs of the pairwise values (for kappa this is
    Light's kappa). With fewer than two coders only group rows exist and every statistic
    is NaN.

JSON schema (``AgreementReport.to_json``)
=========================================

::

    {
      "schema": "qualkit.agreement/1",
      "unit": "character" | "sentence" | "turn",
      "coders": [str, ...],
      "codes": [str, ...],
      "transcripts": [str, ...],
      "settings": {"min_overlap": float, "overlap_basis": "union" | "segment",
                   "bootstrap": int, "seed": int, "confidence": float},
      "rows": [
        {
          "code": str,                      # code id, or "*" = mean over codes
          "transcript": str,                # transcript id, or "*" = all transcripts
          "coders": [str, ...],             # two coders (pair row) or all coders (group row)
          "n_units": int,                   # units compared (pairable units for group rows)
          "percent_agreement": float|null,  # 0-100, units coded by neither count as agreement
          "percent_agreement_coded": float|null,  # 0-100, only units someone coded
          "kappa": float|null,              # Cohen's kappa, NVivo's formula
          "kappa_ci": [float|null, float|null] | null,   # bootstrap interval; null if off
          "kappa_coded": float|null,        # kappa over units someone coded
          "kappa_pooled": float|null,       # kappa of the 2x2 table pooled over transcripts
          "alpha": float|null,              # Krippendorff's alpha, nominal
          "alpha_ci": [float|null, float|null] | null,
          "n_segments": int,                # coded segments of the coders compared
          "segment_matches": int,           # segments that match the other coder's
          "segment_agreement": float|null,  # 0-100
          "segment_kappa": float|null       # Brennan & Prediger; code and transcript "*" only
        }
      ]
    }

``null`` stands for an undefined value (NaN in Python).
"""

from __future__ import annotations

from qualkit.agreement.measures import brennan_prediger_kappa, nvivo_kappa, percent_agreement
from qualkit.agreement.report import (
    SCHEMA,
    AgreementReport,
    agreement_report,
    format_table,
    summary,
    to_csv,
)
from qualkit.agreement.rows import ALL, AgreementRow
from qualkit.agreement.segments import OverlapBasis, match_segments
from qualkit.agreement.units import Unit
from qualkit.agreement.unmatched import UnmatchedSegment, unmatched_segments

__all__ = [
    "ALL",
    "SCHEMA",
    "AgreementReport",
    "AgreementRow",
    "OverlapBasis",
    "Unit",
    "UnmatchedSegment",
    "agreement_report",
    "brennan_prediger_kappa",
    "format_table",
    "match_segments",
    "nvivo_kappa",
    "percent_agreement",
    "summary",
    "to_csv",
    "unmatched_segments",
]
