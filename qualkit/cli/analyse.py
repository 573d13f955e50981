"""``qualkit analyse``: matrices, co-occurrence, the Framework matrix and charts; a thin
shell over :mod:`qualkit.analysis`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qualkit.cli.common import (
    choice_opt,
    code_opt,
    coder_opt,
    flag,
    options,
    out_opt,
    project_arg,
    qualkit_group,
    switch_opt,
    transcript_opt,
    where_opt,
)

if TYPE_CHECKING:
    from qualkit.analysis import Filters


@qualkit_group("analyse")
def group() -> None:
    """Matrices, co-occurrence, Framework matrices and charts of a project's codings."""


#: The options every analysis shares: which codings.
_selection = options(
    coder_opt,
    flag("--consensus", help="Only the consensus layer (after reconciling)."),
    code_opt,
    where_opt(
        "Only participants with this attribute value, e.g. borough=Lambeth or "
        "'role=Person accessing support'. Repeatable."
    ),
    transcript_opt,
)
_suppress = click.option(
    "--suppress-below",
    type=click.IntRange(0),
    default=3,
    show_default=True,
    help="Hide cells from fewer than this many participants (and the totals that "
    "would reveal them); 0 shows every cell.",
)
_count_choices = ["codings", "transcripts", "participants"]
_by_choices = ["turn", "passage", "overlap"]


def _out(suffixes: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return out_opt(f"Output file ({suffixes}).")


def _filters(
    coders: tuple[str, ...],
    consensus: bool,
    codes: tuple[str, ...],
    where: tuple[str, ...],
    transcripts: tuple[str, ...],
) -> Filters:
    from qualkit.analysis import Filters
    from qualkit.export import parse_where

    return Filters(
        coders=coders,
        consensus=consensus,
        codes=codes,
        where=tuple(parse_where(w) for w in where),
        transcripts=transcripts,
    )


def _echo_notes(notes: list[str]) -> None:
    for note in notes:
        click.echo(f"note: {note}", err=True)


@group.command("matrix")
@project_arg
@choice_opt(
    "--rows", choices=["code", "theme"], default="code", help="One row per code, or per theme."
)
@click.option(
    "--cols",
    default="role",
    show_default=True,
    help="One column per value of this attribute (role, borough, gender, participant, "
    "transcript, ...) or per coder ('coder').",
)
@choice_opt("--count", choices=_count_choices, default="codings", help="What a cell counts.")
@choice_opt(
    "--percent", choices=["row", "col"], default=None, help="Also give row or column percentages."
)
@_selection
@_suppress
@_out(".csv or .xlsx")
def matrix_cmd(
    project: str,
    rows: str,
    cols: str,
    count: str,
    percent: str | None,
    suppress_below: int,
    out: Path,
    **selection: Any,
) -> None:
    """Codes (or themes) × an attribute or coder, counting codings, transcripts or
    participants."""
    from qualkit.analysis import Study
    from qualkit.analysis.export import MATRIX_FORMATS, format_for, write_matrix
    from qualkit.files import write_atomically

    fmt = format_for(out, MATRIX_FORMATS)
    filters = _filters(**selection)
    with Study.open(project) as study:
        m = study.matrix(
            rows, cols, count=count, percent=percent, filters=filters, suppress_below=suppress_below
        )
    write_atomically(out, lambda f: write_matrix(m, fmt, f))
    _echo_notes(m.notes)
    click.echo(f"Wrote {out}: {len(m.counts.index)} rows × {len(m.counts.columns)} columns")


@group.command("cooccurrence")
@project_arg
@choice_opt(
    "--by",
    choices=_by_choices,
    default="turn",
    help="Codes together in the same speaker turn or passage, or on overlapping spans.",
)
@_selection
@_suppress
@_out(".csv or .xlsx")
def cooccurrence_cmd(
    project: str, by: str, suppress_below: int, out: Path, **selection: Any
) -> None:
    """Code × code: how often codes occur together, with Jaccard similarity (XLSX)."""
    from qualkit.analysis import Study
    from qualkit.analysis.export import MATRIX_FORMATS, format_for, write_matrix
    from qualkit.files import write_atomically

    fmt = format_for(out, MATRIX_FORMATS)
    filters = _filters(**selection)
    with Study.open(project) as study:
        co = study.cooccurrence(by, filters=filters, suppress_below=suppress_below)
    write_atomically(out, lambda f: write_matrix(co, fmt, f))
    _echo_notes(co.notes)
    click.echo(f"Wrote {out}: {len(co.counts.index)} codes")


@group.command("framework")
@project_arg
@choice_opt(
    "--columns",
    choices=["code", "theme"],
    default="code",
    help="One column per code (grouped in a sheet per theme), or per theme.",
)
@switch_opt(
    "--charts/--no-charts", default=False, help="DOCX: start with the code-frequency chart."
)
@_selection
@_out(".xlsx or .docx")
def framework_cmd(project: str, columns: str, charts: bool, out: Path, **selection: Any) -> None:
    """Participants × codes or themes: each cell the participant's coded passages and the
    researchers' summary (XLSX: one sheet per theme; or DOCX)."""
    from qualkit.analysis import Study
    from qualkit.analysis.export import FRAMEWORK_FORMATS, format_for, write_framework
    from qualkit.files import write_atomically

    fmt = format_for(out, FRAMEWORK_FORMATS)
    filters = _filters(**selection)
    with Study.open(project) as study:
        fw = study.framework(columns, filters=filters)
        pictures = (
            [study.chart("codes", filters=filters, suppress_below=3)]
            if charts and fmt == "docx"
            else []
        )
        write_atomically(out, lambda f: write_framework(fw, fmt, f, charts=pictures))
    _echo_notes(fw.notes)
    click.echo(f"Wrote {out}: {len(fw.cases)} participants × {len(fw.columns)} columns")


@group.command("chart")
@project_arg
@click.argument("kind", type=click.Choice(["codes", "cooccurrence", "agreement", "progress"]))
@choice_opt(
    "--count",
    choices=_count_choices,
    default="participants",
    help="codes chart: what a bar counts.",
)
@choice_opt(
    "--by",
    choices=_by_choices,
    default="turn",
    help="cooccurrence chart: same turn or passage, or overlapping spans.",
)
@_selection
@_suppress
@_out(".png or .svg")
def chart_cmd(
    project: str, kind: str, count: str, by: str, suppress_below: int, out: Path, **selection: Any
) -> None:
    """Draw a chart: codes (frequency by theme and role), cooccurrence (heat map),
    agreement (kappa per code with intervals) or progress (per coder). Prints its text
    alternative."""
    from qualkit.analysis import Study
    from qualkit.analysis.charts import chart_format
    from qualkit.files import write_atomically

    fmt = chart_format(out)
    filters = _filters(**selection)
    settings: dict[str, Any] = {}
    if kind == "codes":
        settings = {"count": count, "filters": filters, "suppress_below": suppress_below}
    elif kind == "cooccurrence":
        settings = {"by": by, "filters": filters, "suppress_below": suppress_below}
    elif kind == "agreement":
        settings = {"coders": list(filters.coders) or None, "codes": list(filters.codes) or None}
    with Study.open(project) as study:
        ch = study.chart(kind, **settings)
        write_atomically(out, lambda f: ch.write(fmt, f))
    click.echo(f"Wrote {out}: {ch.title}")
    click.echo(ch.alt_text)


COMMANDS: list[click.Command] = [group]
