"""The read-only :class:`Study`: a project's data as pandas DataFrames.

Open one with :func:`qualkit.open` (or ``Study.open``); every table is read once, when
first asked for, from the project's de-identified text only. ``study.refresh()`` forgets
what was read so the next access sees new codings.

Tables (columns and their types)
================================

``study.transcripts``, one row per transcript
    ``transcript`` (category), ``title`` (str), ``participant`` (category, missing when
    the transcript has no participant), ``case`` (category: the participant id, or the
    transcript id for a transcript without one; the unit counted as a "participant"),
    ``role`` (category), then one column per participant attribute (str, e.g.
    ``borough``, ``gender``; an attribute whose name is taken is called
    ``"NAME (attribute)"``), ``turns`` (Int64), ``codings`` (Int64).

``study.turns``, one row per speaker turn
    ``transcript`` (category), ``turn`` (Int64, from 0), ``speaker`` (str),
    ``speaker_kind`` (category: interviewer, participant, other), ``start``, ``end``
    (Int64: code points into the transcript's text, end exclusive), ``timestamp`` (str),
    ``text`` (str, the words of the turn without its label).

``study.codes``, one row per code or theme, in codebook order
    ``code`` (category: the code id), ``name`` (str), ``parent`` (str), ``theme``
    (category: the top-level code above it, itself for a top-level code), ``theme_name``
    (str), ``path`` (str: names from the theme down, joined with " › "), ``depth`` (Int64,
    0 for a theme), ``codable`` (bool), ``active`` (bool), ``definition`` (str).

``study.codings``, one row per coding
    ``coding`` (Int64, the coding's id), ``transcript``, ``case``, ``participant``,
    ``role`` (categories, as in ``transcripts``), ``coder`` (category; ``consensus`` is the
    consensus layer), ``consensus`` (bool), ``code``, ``code_name``, ``theme``,
    ``theme_name`` (categories), ``start``, ``end``, ``length`` (Int64, code points),
    ``turn`` (Int64: the turn holding most of the span; missing without turns),
    ``speaker_kind`` (category), ``text`` (str: the coded de-identified text),
    ``provenance`` (category: manual, suggested, consensus, imported), ``memo`` (str),
    ``created``, ``changed`` (datetime, UTC).

``study.quotes()``, the quote bank's rows (:mod:`qualkit.export.quotes`: merged across
    coders, trimmed and tidied, attributed by role): ``theme``, ``theme_name``, ``code``,
    ``code_name`` (categories), ``text``, ``citation`` ("Person accessing support, P04"),
    ``attribution``, ``participant``, ``role``, ``transcript``, ``turn`` (Int64),
    ``start``, ``end`` (Int64), ``coders`` (str, "; " between names), ``agreement``
    (Float64, 0-1), ``memo``.

``study.agreement()``, the rows of :func:`qualkit.agreement.agreement_report` per code
    over all transcripts (``all_rows=True`` for every row): ``code``, ``code_name``,
    ``transcript``, ``coders`` ("; " between names), ``n_units``, then ``percent_agreement``,
    ``kappa``, ``kappa_low``, ``kappa_high``, ``alpha``, ``alpha_low``, ``alpha_high``,
    ``kappa_pooled``, ``segment_agreement``, ``n_segments`` (Float64, missing where
    undefined).

Matrices, co-occurrence, the Framework matrix and charts are methods of the study too
(:meth:`Study.matrix`, :meth:`Study.cooccurrence`, :meth:`Study.framework`,
:meth:`Study.chart`); the command line and the app call the same functions.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualkit.analysis.charts import Chart, chart
from qualkit.analysis.framework import Framework, framework
from qualkit.analysis.matrices import (
    NOT_RECORDED,
    Cooccurrence,
    Filters,
    Matrix,
    cooccurrence,
    matrix,
    select_codings,
)
from qualkit.errors import NotFoundError, QualkitError
from qualkit.model import Codebook, Coding, Participant, Provenance, Transcript, theme_of
from qualkit.storage import CONSENSUS_CODER, Store
from qualkit.topics.passages import transcript_passages

if TYPE_CHECKING:
    from qualkit.export.quotes import QuoteBank, QuoteFilters

#: Columns of ``transcripts`` that a participant attribute cannot take.
FIXED_TRANSCRIPT_COLUMNS = ("transcript", "title", "participant", "case", "role", "turns")


def _cat(values: Sequence[Any], categories: Sequence[Any] | None = None) -> pd.Categorical:
    if categories is None:
        categories = sorted({v for v in values if v is not None and v is not pd.NA})
    return pd.Categorical(values, categories=list(dict.fromkeys(categories)))


def _int(values: Sequence[Any]) -> pd.array:
    return pd.array(list(values), dtype="Int64")


class Study:
    """A project, read only, as pandas DataFrames (see the module docstring for columns).

    ``Study.open(PROJECT)`` opens a project path or URL and closes it again with
    :meth:`close` (or a ``with`` block); ``Study(store)`` works over a store someone else
    opened and closes.
    """

    def __init__(self, store: Store, *, owns_store: bool = False) -> None:
        self.store = store
        self._owns_store = owns_store

    @classmethod
    def open(cls, project: str | Path) -> Study:
        """Open an existing project (SQLite path or database URL) for analysis."""
        return cls(Store.open(project, create=False), owns_store=True)

    def close(self) -> None:
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> Study:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Study {self.name!r}: {self.store.label}>"

    def refresh(self) -> None:
        """Forget every table read so far; the next access reads the project again."""
        for key in list(self.__dict__):
            if key not in {"store", "_owns_store"}:
                del self.__dict__[key]

    # -- what the project holds ------------------------------------------------------

    @cached_property
    def name(self) -> str:
        return self.store.project().name

    @cached_property
    def codebook(self) -> Codebook:
        """Every code, inactive ones included (codings may still use them)."""
        return self.store.codebook(include_inactive=True)

    @cached_property
    def _active(self) -> set[str]:
        return {c.cid for c in self.store.codebook().codes}

    @cached_property
    def _parents(self) -> dict[str, str | None]:
        return {c.cid: c.parent for c in self.codebook.codes}

    @cached_property
    def participants(self) -> dict[str, Participant]:
        return {p.pid: p for p in self.store.participants()}

    @cached_property
    def _transcript_list(self) -> list[Transcript]:
        return self.store.transcripts()

    @cached_property
    def _full_transcripts(self) -> dict[str, Transcript]:
        """Transcripts with their text and turns (for quotes, turns and agreement)."""
        return {t.tid: t for t in self.store.transcripts(with_text=True)}

    @cached_property
    def _case_of(self) -> dict[str, str]:
        return {t.tid: t.participant or t.tid for t in self._transcript_list}

    @cached_property
    def attributes(self) -> list[str]:
        """Participant attribute names, in the order they first appear."""
        names: dict[str, None] = {}
        for p in self.participants.values():
            names.update(dict.fromkeys(p.attributes))
        return list(names)

    @cached_property
    def _attribute_columns(self) -> dict[str, str]:
        """Attribute name → its column in ``transcripts``."""
        return {
            a: (f"{a} (attribute)" if a in FIXED_TRANSCRIPT_COLUMNS or a == "codings" else a)
            for a in self.attributes
        }

    @cached_property
    def _coding_rows(self) -> list[tuple[Any, ...]]:
        return self.store.coding_table()

    @cached_property
    def _turn_rows(self) -> list[tuple[Any, ...]]:
        return self.store.turn_table()

    @cached_property
    def coders(self) -> list[str]:
        """Everyone with a coding, the consensus layer last when it has codings."""
        names = sorted({r[2] for r in self._coding_rows})
        if CONSENSUS_CODER in names:
            names.remove(CONSENSUS_CODER)
            names.append(CONSENSUS_CODER)
        return names

    @cached_property
    def roles(self) -> list[str]:
        return sorted({p.role for p in self.participants.values()})

    # -- tables ----------------------------------------------------------------------

    @cached_property
    def transcripts(self) -> pd.DataFrame:
        """One row per transcript, with its participant's role and attributes."""
        turns: dict[str, int] = {}
        for r in self._turn_rows:
            turns[r[0]] = turns.get(r[0], 0) + 1
        codings: dict[str, int] = {}
        for r in self._coding_rows:
            codings[r[1]] = codings.get(r[1], 0) + 1
        rows = self._transcript_list
        people = [self.participants.get(t.participant) if t.participant else None for t in rows]
        data: dict[str, Any] = {
            "transcript": _cat([t.tid for t in rows], [t.tid for t in rows]),
            "title": pd.array([t.title for t in rows], dtype="string"),
            "participant": _cat([t.participant for t in rows]),
            "case": _cat([self._case_of[t.tid] for t in rows]),
            "role": _cat([p.role if p else None for p in people], self.roles),
        }
        for attr, column in self._attribute_columns.items():
            data[column] = pd.array(
                [p.attributes.get(attr) if p else None for p in people], dtype="string"
            )
        data["turns"] = _int([turns.get(t.tid, 0) for t in rows])
        data["codings"] = _int([codings.get(t.tid, 0) for t in rows])
        return pd.DataFrame(data)

    @cached_property
    def turns(self) -> pd.DataFrame:
        """One row per speaker turn, with its words."""
        texts = self._full_transcripts
        rows = self._turn_rows
        tids = [t.tid for t in self._transcript_list]
        return pd.DataFrame(
            {
                "transcript": _cat([r[0] for r in rows], tids),
                "turn": _int([r[1] for r in rows]),
                "speaker": pd.array([r[2] for r in rows], dtype="string"),
                "speaker_kind": _cat([r[3] for r in rows], ["interviewer", "participant", "other"]),
                "start": _int([r[4] for r in rows]),
                "end": _int([r[5] for r in rows]),
                "timestamp": pd.array([r[7] for r in rows], dtype="string"),
                "text": pd.array([texts[r[0]].text[r[4] : r[5]] for r in rows], dtype="string"),
            }
        )

    @cached_property
    def codes(self) -> pd.DataFrame:
        """One row per code or theme, in codebook order, with its theme and path."""
        codes = self.codebook.codes
        by_id = self.codebook.by_id()
        order = [c.cid for c in codes]

        def path(cid: str) -> list[str]:
            out = [by_id[cid].name]
            seen = {cid}
            while (parent := self._parents.get(cid)) is not None and parent not in seen:
                seen.add(parent)
                cid = parent
                out.append(by_id[cid].name if cid in by_id else cid)
            return out[::-1]

        themes = [theme_of(c.cid, self._parents) for c in codes]
        paths = [path(c.cid) for c in codes]
        return pd.DataFrame(
            {
                "code": _cat(order, order),
                "name": pd.array([c.name for c in codes], dtype="string"),
                "parent": pd.array([c.parent for c in codes], dtype="string"),
                "theme": _cat(themes, order),
                "theme_name": pd.array([by_id[t].name for t in themes], dtype="string"),
                "path": pd.array([" › ".join(p) for p in paths], dtype="string"),
                "depth": _int([len(p) - 1 for p in paths]),
                "codable": pd.array([c.codable for c in codes], dtype="boolean"),
                "active": pd.array([c.cid in self._active for c in codes], dtype="boolean"),
                "definition": pd.array([c.definition for c in codes], dtype="string"),
            }
        )

    @cached_property
    def _turn_index(self) -> dict[str, tuple[list[int], list[tuple[int, int, int, str]]]]:
        """Per transcript: turn starts, and (start, end, index, kind) of each turn."""
        out: dict[str, tuple[list[int], list[tuple[int, int, int, str]]]] = {}
        for tid, idx, _speaker, kind, start, end, *_ in self._turn_rows:
            starts, turns = out.setdefault(tid, ([], []))
            starts.append(start)
            turns.append((start, end, idx, kind))
        for starts, turns in out.values():
            order = sorted(range(len(turns)), key=lambda i: turns[i][:2])
            turns[:] = [turns[i] for i in order]
            starts[:] = [t[0] for t in turns]
        return out

    def _main_turn(self, tid: str, start: int, end: int) -> tuple[int, str] | None:
        found = self._turn_index.get(tid)
        if not found:
            return None
        starts, turns = found
        best, best_overlap = None, 0
        i = max(0, bisect.bisect_right(starts, start) - 1)
        for t_start, t_end, idx, kind in turns[i:]:
            if t_start >= end:
                break
            overlap = min(end, t_end) - max(start, t_start)
            if overlap > best_overlap:
                best, best_overlap = (idx, kind), overlap
        return best

    @cached_property
    def _passage_index(self) -> dict[str, list[tuple[int, int, int]]]:
        """Per transcript: (start, end, passage number) of each passage's segments, sorted;
        passages as theme discovery and code suggestions read them, interviewer included."""
        out: dict[str, list[tuple[int, int, int]]] = {}
        for tid, t in self._full_transcripts.items():
            segments = [
                (seg.start, seg.end, i)
                for i, passage in enumerate(transcript_passages(t, include_interviewer=True))
                for seg in passage.segments
            ]
            out[tid] = sorted(segments)
        return out

    def overlapped_passages(self, tid: str, start: int, end: int) -> list[int]:
        """Numbers of the passages sharing at least one character with ``[start, end)``."""
        segments = self._passage_index.get(tid) or []
        i = max(0, bisect.bisect_right(segments, (start, start, -1)) - 1)
        found: set[int] = set()
        for s_start, s_end, idx in segments[i:]:
            if s_start >= end:
                break
            if start < s_end:
                found.add(idx)
        return sorted(found)

    def overlapped_turns(self, tid: str, start: int, end: int) -> list[int]:
        """Indexes of the turns sharing at least one character with ``[start, end)``."""
        found = self._turn_index.get(tid)
        if not found:
            return []
        starts, turns = found
        i = max(0, bisect.bisect_right(starts, start) - 1)
        out = []
        for t_start, t_end, idx, _kind in turns[i:]:
            if t_start >= end:
                break
            if start < t_end:
                out.append(idx)
        return out

    @cached_property
    def codings(self) -> pd.DataFrame:
        """One row per coding, with its participant, role, code, theme and text."""
        rows = self._coding_rows
        by_id = self.codebook.by_id()
        order = [c.cid for c in self.codebook.codes]
        order += sorted({r[3] for r in rows} - set(order))
        names = {cid: (by_id[cid].name if cid in by_id else cid) for cid in order}
        themes = {cid: theme_of(cid, self._parents) for cid in order}
        tids = [t.tid for t in self._transcript_list]
        pid_of = {t.tid: t.participant for t in self._transcript_list}
        role_of = {
            tid: (self.participants[p].role if p in self.participants else None)
            for tid, p in pid_of.items()
        }
        main = [self._main_turn(r[1], r[4], r[5]) for r in rows]
        code_names = list(dict.fromkeys(names[c] for c in order))
        theme_ids = list(dict.fromkeys(themes[c] for c in order))
        theme_names = list(dict.fromkeys(names[t] for t in theme_ids))
        return pd.DataFrame(
            {
                "coding": _int([r[0] for r in rows]),
                "transcript": _cat([r[1] for r in rows], tids),
                "case": _cat([self._case_of.get(r[1], r[1]) for r in rows]),
                "participant": _cat([pid_of.get(r[1]) for r in rows]),
                "role": _cat([role_of.get(r[1]) for r in rows], self.roles),
                "coder": _cat([r[2] for r in rows], self.coders),
                "consensus": pd.array([r[2] == CONSENSUS_CODER for r in rows], dtype="boolean"),
                "code": _cat([r[3] for r in rows], order),
                "code_name": _cat([names[r[3]] for r in rows], code_names),
                "theme": _cat([themes[r[3]] for r in rows], theme_ids),
                "theme_name": _cat([names[themes[r[3]]] for r in rows], theme_names),
                "start": _int([r[4] for r in rows]),
                "end": _int([r[5] for r in rows]),
                "length": _int([r[5] - r[4] for r in rows]),
                "turn": _int([m[0] if m else None for m in main]),
                "speaker_kind": _cat(
                    [m[1] if m else None for m in main], ["interviewer", "participant", "other"]
                ),
                "text": pd.array([r[6] for r in rows], dtype="string"),
                "provenance": _cat([r[7] for r in rows], [p.value for p in Provenance]),
                "memo": pd.array([r[8] for r in rows], dtype="string"),
                "created": pd.to_datetime([_utc(r[9]) for r in rows], utc=True),
                "changed": pd.to_datetime([_utc(r[10]) for r in rows], utc=True),
            }
        )

    @cached_property
    def coding_objects(self) -> list[Coding]:
        """The codings as :class:`qualkit.model.Coding` objects (for the agreement and
        quote-bank functions)."""
        return [
            Coding(
                coder=r[2],
                transcript=r[1],
                start=r[4],
                end=r[5],
                code=r[3],
                quote=r[6],
                provenance=Provenance(r[7]),
                memo=r[8],
                created=_utc(r[9]),
                changed=_utc(r[10]),
                id=r[0],
            )
            for r in self._coding_rows
        ]

    # -- quotes and agreement ------------------------------------------------------------

    def quote_bank(self, filters: QuoteFilters | None = None) -> QuoteBank:
        """The quote bank (:func:`qualkit.export.build_quote_bank`) over this study's data."""
        from qualkit.export.quotes import QuoteFilters, assemble_quote_bank, attribution_labels

        return assemble_quote_bank(
            self.name,
            filters or QuoteFilters(),
            codebook=self.codebook,
            active_codes=self._active,
            transcripts=self._full_transcripts,
            participants=self.participants,
            codings=self.coding_objects,
            memos=self._memos,
            labels=attribution_labels(self.store.settings()),
        )

    @cached_property
    def _memos(self) -> list[Any]:
        return self.store.memos()

    def quotes(self, filters: QuoteFilters | None = None, **options: Any) -> pd.DataFrame:
        """The quote bank's rows as a table. ``options`` are :class:`QuoteFilters` fields
        (``codes=("access",)``, ``coders=("consensus",)``, ``where=(("borough",
        "Lambeth"),)``, ...)."""
        from qualkit.export.quotes import QuoteFilters

        if options:
            filters = replace(filters or QuoteFilters(), **options)
        bank = self.quote_bank(filters)
        return quotes_frame(bank)

    def agreement(self, *, all_rows: bool = False, **options: Any) -> pd.DataFrame:
        """Agreement between coders (the consensus layer left out): per code over all
        transcripts, with bootstrap intervals. ``options`` go to
        :func:`qualkit.agreement.gather.coded_agreement` (``unit``, ``coders``, ``codes``,
        ``bootstrap``, ``seed``, ...)."""
        from qualkit.agreement import ALL
        from qualkit.agreement.gather import coded_agreement

        report = coded_agreement(
            self.coding_objects, list(self._full_transcripts.values()), **options
        )
        by_id = self.codebook.by_id()
        rows = []
        everyone = frozenset(report.coders)
        for r in report.rows:
            if not all_rows and (
                r.transcript != ALL
                or r.code == ALL
                or (len(everyone) > 1 and frozenset(r.coders) != everyone)
            ):
                continue
            d = r.to_dict()
            rows.append(
                {
                    "code": r.code,
                    "code_name": by_id[r.code].name if r.code in by_id else r.code,
                    "transcript": r.transcript,
                    "coders": "; ".join(r.coders),
                    "n_units": r.n_units,
                    "percent_agreement": d["percent_agreement"],
                    "kappa": d["kappa"],
                    "kappa_low": (d["kappa_ci"] or [None, None])[0],
                    "kappa_high": (d["kappa_ci"] or [None, None])[1],
                    "alpha": d["alpha"],
                    "alpha_low": (d["alpha_ci"] or [None, None])[0],
                    "alpha_high": (d["alpha_ci"] or [None, None])[1],
                    "kappa_pooled": d["kappa_pooled"],
                    "segment_agreement": d["segment_agreement"],
                    "n_segments": r.n_segments,
                }
            )
        columns = [
            "code",
            "code_name",
            "transcript",
            "coders",
            "n_units",
            "percent_agreement",
            "kappa",
            "kappa_low",
            "kappa_high",
            "alpha",
            "alpha_low",
            "alpha_high",
            "kappa_pooled",
            "segment_agreement",
            "n_segments",
        ]
        frame = pd.DataFrame(rows, columns=columns)
        for col in columns[5:]:
            frame[col] = pd.array(frame[col].tolist(), dtype="Float64")
        frame["n_units"] = _int(frame["n_units"].tolist())
        for col in ("code", "code_name"):
            frame[col] = frame[col].astype("category")
        return frame

    # -- checking names ----------------------------------------------------------------

    def check_coders(self, names: Sequence[str]) -> None:
        """Raise a one-line error for a coder with no codings, listing the valid names."""
        known = set(self.coders) | {CONSENSUS_CODER}
        for name in names:
            if name not in known:
                raise NotFoundError(
                    f"no codings by a coder called {name!r}; coders: "
                    + ", ".join(self.coders or ["(none yet)"])
                )

    def check_codes(self, cids: Sequence[str]) -> None:
        by_id = self.codebook.by_id()
        for cid in cids:
            if cid not in by_id:
                raise NotFoundError(
                    f"no code or theme with id {cid!r}; codes: "
                    + ", ".join(c.cid for c in self.codebook.codes)
                )

    def check_transcripts(self, tids: Sequence[str]) -> None:
        known = [t.tid for t in self._transcript_list]
        for tid in tids:
            if tid not in known:
                raise NotFoundError(
                    f"no transcript with id {tid!r}; transcripts: " + ", ".join(known)
                )

    def attribute_names(self) -> list[str]:
        """What a matrix's columns (or a filter) can name."""
        return ["role", *self.attributes, "participant", "transcript", "coder"]

    def resolve_attribute(self, name: str) -> str:
        """``name`` as the study spells it (case-insensitive), or a one-line error listing
        the valid names."""
        valid = self.attribute_names()
        for v in valid:
            if v.casefold() == name.strip().casefold():
                return v
        raise NotFoundError(f"no attribute called {name!r}; attributes: " + ", ".join(valid))

    def attribute_values(self, name: str) -> dict[str, str]:
        """Transcript id → the value of attribute ``name`` (``NOT_RECORDED`` when missing)
        for every transcript; not for ``coder``, which belongs to codings."""
        name = self.resolve_attribute(name)
        out: dict[str, str] = {}
        for t in self._transcript_list:
            p = self.participants.get(t.participant) if t.participant else None
            if name == "transcript":
                value: str | None = t.tid
            elif name == "participant":
                value = t.participant
            elif name == "role":
                value = p.role if p else None
            else:
                value = p.attributes.get(name) if p else None
            value = value.strip() if isinstance(value, str) else value
            out[t.tid] = value if value else NOT_RECORDED
        return out

    # -- analyses (see qualkit.analysis.matrices, .framework and .charts) ---------------

    def matrix(self, rows: str = "code", cols: str = "role", **options: Any) -> Matrix:
        """Codes (or themes) × an attribute or coder: see :func:`qualkit.analysis.matrix`."""
        return matrix(self, rows=rows, cols=cols, **options)

    def cooccurrence(self, by: str = "turn", **options: Any) -> Cooccurrence:
        """Code × code: see :func:`qualkit.analysis.cooccurrence`."""
        return cooccurrence(self, by=by, **options)

    def framework(self, columns: str = "code", **options: Any) -> Framework:
        """Participants × codes or themes: see :func:`qualkit.analysis.framework`."""
        return framework(self, columns=columns, **options)

    def chart(self, kind: str, **options: Any) -> Chart:
        """One of the charts in :data:`qualkit.analysis.charts.KINDS`."""
        return chart(self, kind, **options)

    def select(self, filters: Filters | None = None) -> pd.DataFrame:
        """The codings a selection keeps (see :class:`qualkit.analysis.Filters`)."""
        return select_codings(self, filters)


def quotes_frame(bank: QuoteBank) -> pd.DataFrame:
    """A quote bank's rows as a typed table (see the module docstring)."""
    qs = bank.quotes
    code_order = [c.cid for c in bank.codes]
    return pd.DataFrame(
        {
            "theme": _cat([q.theme for q in qs], list(bank.themes)),
            "theme_name": _cat([q.theme_name for q in qs], list(bank.themes.values())),
            "code": _cat([q.code for q in qs], code_order),
            "code_name": _cat([q.code_name for q in qs], [c.name for c in bank.codes]),
            "text": pd.array([q.text for q in qs], dtype="string"),
            "citation": pd.array([q.citation for q in qs], dtype="string"),
            "attribution": pd.array([q.attribution for q in qs], dtype="string"),
            "participant": pd.array([q.participant for q in qs], dtype="string"),
            "role": _cat([q.role for q in qs]),
            "transcript": pd.array([q.transcript for q in qs], dtype="string"),
            "turn": _int([q.turn for q in qs]),
            "start": _int([q.start for q in qs]),
            "end": _int([q.end for q in qs]),
            "coders": pd.array(["; ".join(q.coders) for q in qs], dtype="string"),
            "agreement": pd.array([q.agreement for q in qs], dtype="Float64"),
            "memo": pd.array([q.memo for q in qs], dtype="string"),
        }
    )


def _utc(dt: datetime | None) -> datetime | None:
    if dt is not None and dt.tzinfo is None:
        from datetime import UTC

        return dt.replace(tzinfo=UTC)
    return dt


def open_study(project: str | Path) -> Study:
    """Open a project for analysis: ``study = qualkit.open("study.db")``."""
    if not str(project).strip():
        raise QualkitError("give a project: a SQLite file or a database URL")
    return Study.open(project)


__all__ = ["Study", "open_study", "quotes_frame"]
