"""Matrices: codes (or themes) × an attribute or coder, and code × code co-occurrence.

Selection (:class:`Filters`)
    ``coders``       coder names; ``consensus=True`` adds the consensus layer. Empty (and no
                     ``consensus``): every coder and the consensus layer.
    ``codes``        code or theme ids; each includes every code below it. Empty: every code.
    ``where``        ``(attribute, value)`` pairs, matched case-insensitively (``role``,
                     ``participant``, ``transcript`` and every participant attribute).
                     Values of one attribute are alternatives; different attributes must
                     all match.
    ``transcripts``  transcript ids.

Code × attribute (:func:`matrix`)
    Rows are codes (a coding counts for its own code only, not for the codes above it) or
    themes (a coding counts for the top-level code above it). Columns are the values of an
    attribute over the selected transcripts (``"(not recorded)"`` for a transcript
    without one), or coders. A cell counts ``codings``, distinct ``transcripts``, or
    distinct ``participants`` (a transcript without a participant counts as one
    participant of its own). The ``Total`` row and column count the same way over the
    whole row or column (for distinct counts, not the sum of the cells). Row percentages
    divide a cell by its row's total, column percentages by its column's total.

Co-occurrence (:func:`cooccurrence`)
    ``by="turn"``: the unit is a speaker turn; a code is in a turn when one of its
    selected codings shares a character with it (a transcript without turns is one
    unit). A cell counts the turns holding both codes; the diagonal, the turns holding
    the code. Jaccard = turns with both / turns with either.
    ``by="passage"``: the same, with passages as the unit (:mod:`qualkit.topics.passages`:
    stretches of about 40–120 words, the units theme discovery and suggestions read).
    ``by="overlap"``: a cell counts pairs of codings, one of each code, by the same coder
    in the same transcript, whose spans share at least one character; the diagonal counts
    the code's codings. Jaccard = characters coded with both / characters coded with
    either (per coder and transcript, summed).

Small cells (``suppress_below=K``)
    Statistical disclosure control: a cell whose codings come from fewer than K
    participants (but more than none) is hidden (shown as "<K"), whatever is counted.
    So that hidden cells cannot be worked out from what is shown, a row or column holding
    a hidden cell also hides its total and (with percentages) its percentages, and the
    grand total is hidden when any cell is. Off (0) by default in the library; on (3) by
    default on the command line and always for readers in the app.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualkit.errors import QualkitError
from qualkit.model import theme_of
from qualkit.storage import CONSENSUS_CODER

if TYPE_CHECKING:
    from qualkit.analysis.frames import Study
    from qualkit.export.quotes import QuoteFilters

#: What a transcript without a participant, role or attribute value shows in a matrix.
NOT_RECORDED = "(not recorded)"


COUNTS = ("codings", "transcripts", "participants")
PERCENTS = ("row", "col")
ROWS = ("code", "theme")
COOCCURRENCE = ("turn", "passage", "overlap")
#: The usual threshold for small cells: fewer than 3 participants.
DEFAULT_SUPPRESS_BELOW = 3
TOTAL = "Total"


@dataclass(frozen=True)
class Filters:
    """Which codings an analysis uses (see the module docstring)."""

    coders: tuple[str, ...] = ()
    consensus: bool = False
    codes: tuple[str, ...] = ()
    where: tuple[tuple[str, str], ...] = ()
    transcripts: tuple[str, ...] = ()

    @property
    def layers(self) -> tuple[str, ...]:
        """The coders asked for, the consensus layer included when asked for."""
        extra = (CONSENSUS_CODER,) if self.consensus and CONSENSUS_CODER not in self.coders else ()
        return (*self.coders, *extra)

    def describe(self, names: Mapping[str, str] | None = None) -> list[str]:
        """One readable line per filter that is set."""
        out = []
        if self.layers:
            out.append(
                "Coders: "
                + ", ".join(
                    "the consensus layer" if c == CONSENSUS_CODER else c for c in self.layers
                )
            )
        else:
            out.append("Coders: everyone, and the consensus layer")
        if self.codes:
            out.append(
                "Codes and themes: " + ", ".join((names or {}).get(c, c) for c in self.codes)
            )
        grouped: dict[str, list[str]] = {}
        for k, v in self.where:
            grouped.setdefault(k, []).append(v)
        for k, vs in grouped.items():
            out.append(f"{k}: " + " or ".join(vs))
        if self.transcripts:
            out.append("Transcripts: " + ", ".join(self.transcripts))
        return out

    def quote_filters(
        self, *, codes: Sequence[str] | None = None, where: Iterable[tuple[str, str]] = ()
    ) -> QuoteFilters:
        """The same selection for the quote bank, narrowed to ``codes`` and ``where``."""
        from qualkit.export.quotes import QuoteFilters

        return QuoteFilters(
            codes=tuple(codes) if codes is not None else self.codes,
            coders=self.layers,
            where=(*self.where, *where),
            transcripts=self.transcripts,
        )


def make_filters(
    filters: Filters | None = None,
    *,
    coders: Sequence[str] | str = (),
    consensus: bool = False,
    codes: Sequence[str] | str = (),
    where: Sequence[tuple[str, str]] | Mapping[str, str | Sequence[str]] = (),
    transcripts: Sequence[str] | str = (),
) -> Filters:
    """A :class:`Filters` from keyword arguments (strings for one value, mappings for
    ``where``), added to ``filters``."""
    base = filters or Filters()

    def tup(v: Sequence[str] | str) -> tuple[str, ...]:
        return (v,) if isinstance(v, str) else tuple(v)

    pairs: list[tuple[str, str]] = []
    if isinstance(where, Mapping):
        for k, vs in where.items():
            pairs.extend((k, v) for v in tup(vs))
    else:
        pairs.extend(where)
    return Filters(
        coders=(*base.coders, *tup(coders)),
        consensus=base.consensus or consensus,
        codes=(*base.codes, *tup(codes)),
        where=(*base.where, *pairs),
        transcripts=(*base.transcripts, *tup(transcripts)),
    )


# -- selection ------------------------------------------------------------------------


def selected_codes(study: Study, filters: Filters) -> list[str]:
    """Code ids a selection covers, in codebook order (a theme brings its codes)."""
    study.check_codes(filters.codes)
    cb = study.codebook
    if not filters.codes:
        return [c.cid for c in cb.codes]
    wanted: set[str] = set()
    for cid in filters.codes:
        wanted.add(cid)
        wanted.update(c.cid for c in cb.descendants(cid))
    return [c.cid for c in cb.codes if c.cid in wanted]


def selected_transcripts(study: Study, filters: Filters) -> list[str]:
    """Transcript ids a selection covers, in id order."""
    study.check_transcripts(filters.transcripts)
    tids = [t.tid for t in study._transcript_list]
    if filters.transcripts:
        keep = set(filters.transcripts)
        tids = [t for t in tids if t in keep]
    grouped: dict[str, set[str]] = {}
    for key, value in filters.where:
        name = study.resolve_attribute(key)
        if name == "coder":
            raise QualkitError("choose coders with --coder (or coders=...), not as an attribute")
        grouped.setdefault(name, set()).add(value.strip().casefold())
    for name, values in grouped.items():
        by_tid = study.attribute_values(name)
        tids = [t for t in tids if by_tid[t].casefold() in values]
    return tids


def select_codings(study: Study, filters: Filters | None = None) -> pd.DataFrame:
    """The rows of ``study.codings`` a selection keeps."""
    filters = filters or Filters()
    study.check_coders(filters.layers)
    codes = selected_codes(study, filters)
    tids = selected_transcripts(study, filters)
    df = study.codings
    mask = df["code"].isin(codes) & df["transcript"].isin(tids)
    if filters.layers:
        mask &= df["coder"].isin(filters.layers)
    return df[mask]


def _nothing_note(filters: Filters) -> str:
    return "No codings match these choices (" + "; ".join(filters.describe()) + ")."


# -- code × attribute -------------------------------------------------------------------


@dataclass
class Matrix:
    """Counts of codes (or themes) × the values of an attribute (or coders).

    ``counts`` (Int64; missing where hidden), ``percents`` (Float64, 0-100; ``None``
    unless asked for), ``row_totals``, ``col_totals`` and ``total`` follow the module
    docstring. The index holds code ids (``labels`` gives their names); ``table()`` is
    the readable version the command line and the app show and write.
    """

    rows: str
    cols: str
    count: str
    percent: str | None
    suppress_below: int
    counts: pd.DataFrame
    percents: pd.DataFrame | None
    row_totals: pd.Series
    col_totals: pd.Series
    total: Any
    labels: dict[str, str]
    themes: dict[str, str]
    filters: Filters
    hidden: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def suppressed(self) -> int:
        """How many cells are hidden."""
        return int(self.hidden.to_numpy().sum()) if self.hidden.size else 0

    @property
    def empty(self) -> bool:
        return self.counts.size == 0 or not bool((self.counts.fillna(1) > 0).to_numpy().any())

    def _fmt(self, value: Any, pct: Any = None) -> str:
        if value is pd.NA or value is None:
            return f"<{self.suppress_below}"
        text = f"{int(value)}"
        if self.percents is not None:
            text += f" ({pct:.1f}%)" if pct is not None and pct is not pd.NA else ""
        return text

    def _repr_html_(self) -> str:
        """How a notebook shows the matrix: the readable table, then any notes."""
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in self.notes)
        return str(self.table().to_html(index=False)) + notes

    def table(self) -> pd.DataFrame:
        """The matrix as people read it: names, counts (with percentages when asked for),
        "<K" in hidden cells, and totals."""
        out: dict[str, list[Any]] = {}
        ids = list(self.counts.index)
        if self.rows == "code":
            out["Theme"] = [self.themes.get(i, "") for i in ids] + [""]
            out["Code"] = [self.labels.get(i, i) for i in ids] + [TOTAL]
        else:
            out["Theme"] = [self.labels.get(i, i) for i in ids] + [TOTAL]
        for col in self.counts.columns:
            values = [
                self._fmt(
                    self.counts.at[i, col],
                    None if self.percents is None else self.percents.at[i, col],
                )
                for i in ids
            ]
            values.append(self._fmt(self.col_totals[col]))
            out[str(col)] = values
        out[TOTAL] = [self._fmt(self.row_totals[i]) for i in ids] + [self._fmt(self.total)]
        return pd.DataFrame(out)

    def long(self) -> pd.DataFrame:
        """One row per cell: row id, row name, column value, count, percent, hidden."""
        records = []
        for i in self.counts.index:
            for col in self.counts.columns:
                records.append(
                    {
                        "row": i,
                        "row_name": self.labels.get(i, i),
                        "theme_name": self.themes.get(i, self.labels.get(i, i)),
                        "column": col,
                        "count": self.counts.at[i, col],
                        "percent": None if self.percents is None else self.percents.at[i, col],
                        "hidden": bool(self.hidden.at[i, col]),
                    }
                )
        frame = pd.DataFrame(
            records,
            columns=["row", "row_name", "theme_name", "column", "count", "percent", "hidden"],
        )
        frame["count"] = pd.array(frame["count"].tolist(), dtype="Int64")
        frame["percent"] = pd.array(frame["percent"].tolist(), dtype="Float64")
        return frame

    def is_hidden(self, row: str, col: str) -> bool:
        return bool(self.hidden.at[row, col])

    def cell_filters(self, row: str, col: str) -> QuoteFilters:
        """The quote-bank selection behind one cell (its code or theme, and its column)."""
        if self.cols == "coder":
            from qualkit.export.quotes import QuoteFilters

            f = self.filters.quote_filters(codes=(row,))
            return QuoteFilters(
                codes=f.codes, coders=(col,), where=f.where, transcripts=f.transcripts
            )
        if col == NOT_RECORDED:
            raise QualkitError("quotes cannot be chosen by a value that was not recorded")
        return self.filters.quote_filters(codes=(row,), where=((self.cols, col),))


def _check_threshold(suppress_below: int) -> int:
    if suppress_below < 0:
        raise QualkitError("the small-cell threshold must be 0 (off) or more")
    return int(suppress_below)


def matrix(
    study: Study,
    rows: str = "code",
    cols: str = "role",
    *,
    count: str = "codings",
    percent: str | None = None,
    filters: Filters | None = None,
    suppress_below: int = 0,
    **selection: Any,
) -> Matrix:
    """Codes or themes (``rows``) × an attribute or ``"coder"`` (``cols``).

    ``count`` is codings, transcripts or participants; ``percent`` is None, "row" or
    "col"; ``selection`` takes :func:`make_filters` keywords (``consensus=True``,
    ``coders=...``, ``codes=...``, ``where={"borough": "Lambeth"}``, ``transcripts=...``).
    An unknown attribute, code, coder or transcript raises a one-line error naming the
    valid ones; a selection with no codings gives a matrix of zeros with a note.
    """
    _check_matrix_choices(rows, count, percent)
    k = _check_threshold(suppress_below)
    cols = study.resolve_attribute(cols)
    filters = make_filters(filters, **selection)
    df = select_codings(study, filters)
    codes = selected_codes(study, filters)
    names = {c.cid: c.name for c in study.codebook.codes}
    row_ids, key, themes = _matrix_rows(study, rows, codes, df, names)
    col_ids, colvals = _matrix_columns(study, cols, filters, df)
    grid = _Grid(
        pd.DataFrame(
            {
                "r": key.to_numpy(),
                "c": colvals.to_numpy(),
                "t": df["transcript"].astype(str).to_numpy(),
                "p": df["case"].astype(str).to_numpy(),
            }
        ),
        row_ids,
        col_ids,
    )
    g = grid.g
    value_col = {"codings": None, "transcripts": "t", "participants": "p"}[count]

    raw = grid.cells(value_col)
    raw_rows = grid.margin("r", value_col)
    raw_cols = grid.margin("c", value_col)
    raw_total = len(g) if value_col is None else int(g[value_col].nunique())

    people = grid.cells("p")
    hidden = (people > 0) & (people < k) if k else people.astype(bool) & False
    row_hidden = hidden.any(axis=1) | _small(grid.margin("r", "p"), k)
    col_hidden = hidden.any(axis=0) | _small(grid.margin("c", "p"), k)
    n_people = int(g["p"].nunique())
    total_hidden = bool(hidden.to_numpy().any()) or (k > 0 and 0 < n_people < k)

    return Matrix(
        rows=rows,
        cols=cols,
        count=count,
        percent=percent,
        suppress_below=k,
        counts=raw.astype("Int64").mask(hidden),
        percents=_percents(
            percent, grid, raw, hidden, (raw_rows, row_hidden), (raw_cols, col_hidden)
        ),
        row_totals=raw_rows.astype("Int64").mask(row_hidden),
        col_totals=raw_cols.astype("Int64").mask(col_hidden),
        total=pd.NA if total_hidden else raw_total,
        labels={i: names.get(i, i) for i in row_ids},
        themes=themes,
        filters=filters,
        hidden=hidden,
        notes=_matrix_notes(g, hidden, k, filters),
    )


def _matrix_notes(g: pd.DataFrame, hidden: pd.DataFrame, k: int, filters: Filters) -> list[str]:
    """Notes under a matrix: nothing selected, and how many cells are hidden."""
    notes = []
    if g.empty:
        notes.append(_nothing_note(filters))
    if k and bool(hidden.to_numpy().any()):
        notes.append(
            f"{int(hidden.to_numpy().sum())} cell(s) from fewer than {k} participants are "
            "hidden, with the totals that would reveal them."
        )
    return notes


def _check_matrix_choices(rows: str, count: str, percent: str | None) -> None:
    if rows not in ROWS:
        raise QualkitError(f"rows must be one of {', '.join(ROWS)}, not {rows!r}")
    if count not in COUNTS:
        raise QualkitError(f"count must be one of {', '.join(COUNTS)}, not {count!r}")
    if percent is not None and percent not in PERCENTS:
        raise QualkitError(f"percent must be row or col, not {percent!r}")


def _matrix_rows(
    study: Study, rows: str, codes: list[str], df: pd.DataFrame, names: dict[str, str]
) -> tuple[list[str], pd.Series, dict[str, str]]:
    """Row ids, each coding's row key, and each row's theme name."""
    parents = study._parents
    used = set(df["code"].astype(str).unique())
    active = study._active
    by_id = study.codebook.by_id()
    if rows == "code":
        row_ids = [c for c in codes if c in used or (by_id[c].codable and c in active)]
        key = df["code"].astype(str)
    else:
        row_ids = list(dict.fromkeys(theme_of(c, parents) for c in codes))
        key = df["theme"].astype(str)
    themes = {c: names.get(theme_of(c, parents), "") for c in row_ids}
    return row_ids, key, themes


def _matrix_columns(
    study: Study, cols: str, filters: Filters, df: pd.DataFrame
) -> tuple[list[str], pd.Series]:
    """Column ids (coders or attribute values) and each coding's column value."""
    if cols == "coder":
        colvals = df["coder"].astype(str)
        present = set(colvals.unique())
        col_ids = [c for c in (filters.layers or study.coders) if c in present or filters.layers]
        return col_ids, colvals
    values = study.attribute_values(cols)
    colvals = df["transcript"].astype(str).map(values)
    tids = selected_transcripts(study, filters)
    seen = sorted({values[t] for t in tids} - {NOT_RECORDED})
    col_ids = seen + ([NOT_RECORDED] if any(values[t] == NOT_RECORDED for t in tids) else [])
    return col_ids, colvals


@dataclass
class _Grid:
    """One row per selected coding: row key ``r``, column value ``c``, transcript ``t``
    and participant ``p``; counted into the matrix's rows and columns."""

    g: pd.DataFrame
    row_ids: list[str]
    col_ids: list[str]

    def cells(self, col: str | None) -> pd.DataFrame:
        """Codings (``col`` None) or distinct values of ``col`` per cell."""
        grouped = self.g.groupby(["r", "c"])
        s = grouped.size() if col is None else grouped[col].nunique()
        table = s.unstack(fill_value=0) if len(s) else pd.DataFrame()
        return (
            table.reindex(index=self.row_ids, columns=self.col_ids, fill_value=0)
            .fillna(0)
            .astype(int)
        )

    def margin(self, by: str, col: str | None) -> pd.Series:
        """The same count over whole rows (``by="r"``) or columns (``by="c"``)."""
        ids = self.row_ids if by == "r" else self.col_ids
        g = self.g
        s = g.groupby(by).size() if col is None else g.groupby(by)[col].nunique()
        return s.reindex(ids, fill_value=0).fillna(0).astype(int)


def _percents(
    percent: str | None,
    grid: _Grid,
    raw: pd.DataFrame,
    hidden: pd.DataFrame,
    rows: tuple[pd.Series, pd.Series],
    cols: tuple[pd.Series, pd.Series],
) -> pd.DataFrame | None:
    """Row or column percentages, hidden with their cell and with a hidden total;
    ``rows`` and ``cols`` are (totals, hidden totals)."""
    row_ids, col_ids = grid.row_ids, grid.col_ids
    (raw_rows, row_hidden), (raw_cols, col_hidden) = rows, cols
    if percent == "row":
        base = raw_rows.replace(0, np.nan)
        p = raw.div(base, axis=0) * 100
        p = p.mask(hidden).mask(pd.DataFrame({c: row_hidden for c in col_ids}, index=row_ids))
        return p.astype("Float64")
    if percent == "col":
        base = raw_cols.replace(0, np.nan)
        p = raw.div(base, axis=1) * 100
        mask = pd.DataFrame([col_hidden.to_numpy()] * len(row_ids), index=row_ids, columns=col_ids)
        p = p.mask(hidden).mask(mask)
        return p.astype("Float64")
    return None


def _small(people: pd.Series, k: int) -> pd.Series:
    return (people > 0) & (people < k) if k else people.astype(bool) & False


# -- co-occurrence ----------------------------------------------------------------------


@dataclass
class Cooccurrence:
    """Code × code: ``counts`` (Int64) and ``jaccard`` (Float64, 0-1), indexed by code id
    on both axes, missing where hidden (see the module docstring)."""

    by: str
    counts: pd.DataFrame
    jaccard: pd.DataFrame
    labels: dict[str, str]
    suppress_below: int
    filters: Filters
    hidden: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def suppressed(self) -> int:
        return int(self.hidden.to_numpy().sum()) if self.hidden.size else 0

    def _repr_html_(self) -> str:
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in self.notes)
        return str(self.table().to_html(index=False)) + notes

    def table(self, value: str = "counts") -> pd.DataFrame:
        """Readable: code names on both axes, "<K" in hidden cells."""
        data = self.counts if value == "counts" else self.jaccard
        names = [self.labels.get(c, c) for c in data.index]
        out: dict[str, list[Any]] = {"Code": names}
        for col in data.columns:
            out[self.labels.get(col, col)] = [
                f"<{self.suppress_below}"
                if data.at[i, col] is pd.NA
                else (f"{int(data.at[i, col])}" if value == "counts" else f"{data.at[i, col]:.2f}")
                for i in data.index
            ]
        return pd.DataFrame(out)

    def long(self) -> pd.DataFrame:
        """One row per pair of codes (both orders): code ids, names, count, Jaccard."""
        codes = list(self.counts.index)
        n = len(codes)
        a = [c for c in codes for _ in range(n)]
        b = codes * n
        frame = pd.DataFrame(
            {
                "code": a,
                "code_name": [self.labels.get(c, c) for c in a],
                "other": b,
                "other_name": [self.labels.get(c, c) for c in b],
                "count": self.counts.to_numpy(dtype=object, na_value=None).reshape(-1),
                "jaccard": self.jaccard.to_numpy(dtype=object, na_value=None).reshape(-1),
                "hidden": self.hidden.to_numpy(dtype=bool).reshape(-1),
            },
            columns=["code", "code_name", "other", "other_name", "count", "jaccard", "hidden"],
        )
        frame["count"] = pd.array(frame["count"].tolist(), dtype="Int64")
        frame["jaccard"] = pd.array(frame["jaccard"].tolist(), dtype="Float64")
        return frame


def cooccurrence(
    study: Study,
    by: str = "turn",
    *,
    filters: Filters | None = None,
    suppress_below: int = 0,
    **selection: Any,
) -> Cooccurrence:
    """Which codes occur together: in the same turn or passage, or on overlapping spans
    (see the module docstring). Codes with no selected coding are left out."""
    if by not in COOCCURRENCE:
        raise QualkitError(f"co-occurrence is by turn, passage or overlap, not {by!r}")
    k = _check_threshold(suppress_below)
    filters = make_filters(filters, **selection)
    df = select_codings(study, filters)
    order = selected_codes(study, filters)
    present = set(df["code"].astype(str).unique())
    codes = [c for c in order if c in present]
    names = {c.cid: c.name for c in study.codebook.codes}
    pos = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    spans = _Spans(
        n=n,
        tids=df["transcript"].astype(str).to_numpy(),
        cases=df["case"].astype(str).to_numpy(),
        code_idx=np.array([pos[c] for c in df["code"].astype(str)], dtype=np.int64),
        starts=df["start"].to_numpy(dtype=np.int64),
        ends=df["end"].to_numpy(dtype=np.int64),
        coders=df["coder"].astype(str).to_numpy(),
    )
    if by in ("turn", "passage"):
        units_of = study.overlapped_turns if by == "turn" else study.overlapped_passages
        both, jaccard, people = _by_units(spans, units_of)
    else:
        both, jaccard, people = _by_overlap(spans)

    hidden_np = (people > 0) & (people < k) if k else np.zeros((n, n), dtype=bool)
    counts = pd.DataFrame(both, index=codes, columns=codes).astype("Int64").mask(hidden_np)
    jacc = pd.DataFrame(jaccard, index=codes, columns=codes).astype("Float64")
    jacc = jacc.mask(hidden_np)
    notes = []
    if df.empty:
        notes.append(_nothing_note(filters))
    if hidden_np.any():
        notes.append(f"{int(hidden_np.sum())} cell(s) from fewer than {k} participants are hidden.")
    return Cooccurrence(
        by=by,
        counts=counts,
        jaccard=jacc,
        labels={c: names.get(c, c) for c in codes},
        suppress_below=k,
        filters=filters,
        hidden=pd.DataFrame(hidden_np, index=codes, columns=codes),
        notes=notes,
    )


@dataclass
class _Spans:
    """The selected codings as arrays: transcript, participant, code position (of
    ``n`` codes), start, end and coder of each."""

    n: int
    tids: np.ndarray
    cases: np.ndarray
    code_idx: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    coders: np.ndarray


def _by_units(
    spans: _Spans, units_of: Callable[[str, int, int], list[int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair counts, Jaccard and participants per pair, with turns or passages as units."""
    n = spans.n
    tids, cases, code_idx = spans.tids, spans.cases, spans.code_idx
    people = np.zeros((n, n), dtype=np.int64)
    unit_of: dict[tuple[str, int], int] = {}
    unit_rows: list[int] = []
    unit_codes: list[int] = []
    unit_case: dict[int, str] = {}
    for i in range(len(tids)):
        turns = units_of(tids[i], int(spans.starts[i]), int(spans.ends[i])) or [-1]
        for t in turns:
            u = unit_of.setdefault((tids[i], t), len(unit_of))
            unit_case[u] = cases[i]
            unit_rows.append(u)
            unit_codes.append(int(code_idx[i]))
    presence = np.zeros((len(unit_of), n), dtype=np.int64)
    if unit_rows:
        presence[np.array(unit_rows), np.array(unit_codes)] = 1
    both = presence.T @ presence
    size = np.diag(both).astype(np.float64)
    union = size[:, None] + size[None, :] - both
    with np.errstate(invalid="ignore", divide="ignore"):
        jaccard = np.where(union > 0, both / np.where(union > 0, union, 1), np.nan)
    by_case: dict[str, list[int]] = {}
    for u, case in unit_case.items():
        by_case.setdefault(case, []).append(u)
    for rows_of_case in by_case.values():
        sub = presence[rows_of_case]
        people += ((sub.T @ sub) > 0).astype(np.int64)
    return both, jaccard, people


def _by_overlap(spans: _Spans) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair counts of overlapping codings, Jaccard over characters and participants per
    pair, by coder and transcript."""
    n = spans.n
    starts, ends, code_idx, cases = spans.starts, spans.ends, spans.code_idx, spans.cases
    both = np.zeros((n, n), dtype=np.int64)
    people = np.zeros((n, n), dtype=np.int64)
    chars_both = np.zeros((n, n), dtype=np.float64)
    case_any: dict[str, np.ndarray] = {}
    # One group per transcript and coder: positions sorted by group, split at changes.
    group_ids, _ = pd.factorize(pd.Series(spans.tids) + "\x00" + pd.Series(spans.coders))
    by_group = np.argsort(group_ids, kind="stable")
    cuts = np.flatnonzero(np.diff(group_ids[by_group])) + 1
    for ix in np.split(by_group, cuts) if len(by_group) else []:
        s, e, c = starts[ix], ends[ix], code_idx[ix]
        onehot = np.zeros((len(ix), n), dtype=np.int64)
        onehot[np.arange(len(ix)), c] = 1
        overlap = (s[:, None] < e[None, :]) & (s[None, :] < e[:, None])
        np.fill_diagonal(overlap, False)
        pairs = onehot.T @ overlap.astype(np.int64) @ onehot
        np.fill_diagonal(pairs, 0)
        pairs = pairs + np.diag(onehot.sum(axis=0))
        both += pairs
        chars_both += _shared_characters(s, e, c, n)
        case = cases[ix[0]]
        seen = (pairs > 0).astype(np.int64)
        case_any[case] = np.maximum(case_any.get(case, seen), seen)
    for case_seen in case_any.values():
        people += case_seen
    size = np.diag(chars_both)
    union = size[:, None] + size[None, :] - chars_both
    with np.errstate(invalid="ignore", divide="ignore"):
        jaccard = np.where(union > 0, chars_both / np.where(union > 0, union, 1), np.nan)
    return both, jaccard, people


def _shared_characters(s: np.ndarray, e: np.ndarray, c: np.ndarray, n: int) -> np.ndarray:
    """Characters coded with both codes of each pair, over the elementary segments
    between every boundary of one coder's spans in one transcript."""
    bounds = np.unique(np.concatenate([s, e]))
    widths = np.diff(bounds).astype(np.float64)
    a = np.searchsorted(bounds, s)
    b = np.searchsorted(bounds, e)
    diff = np.zeros((len(widths) + 1, n), dtype=np.int64)
    np.add.at(diff, (a, c), 1)
    np.add.at(diff, (b, c), -1)
    cover = (np.cumsum(diff, axis=0)[:-1] > 0).astype(np.float64)
    return cover.T @ (cover * widths[:, None])


__all__ = [
    "COOCCURRENCE",
    "COUNTS",
    "DEFAULT_SUPPRESS_BELOW",
    "NOT_RECORDED",
    "PERCENTS",
    "ROWS",
    "Cooccurrence",
    "Filters",
    "Matrix",
    "cooccurrence",
    "make_filters",
    "matrix",
    "select_codings",
    "selected_codes",
    "selected_transcripts",
]
