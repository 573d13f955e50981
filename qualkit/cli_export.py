"""``qualkit export``: quote banks and REFI-QDA projects; a thin shell over qualkit.export."""

from __future__ import annotations

from pathlib import Path

import click

from qualkit.cli_common import friendly_errors, open_store, project_arg


@click.group("export")
def group() -> None:
    """Export quote banks (CSV, XLSX, DOCX, Markdown) and REFI-QDA .qdpx projects."""


@group.command("quotes")
@project_arg
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file (.csv, .xlsx, .docx or .md).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "docx", "md"]),
    default=None,
    help="Output format (default: from the --out file name).",
)
@click.option(
    "--code",
    "--theme",
    "codes",
    multiple=True,
    metavar="ID",
    help="Only this code or theme, with every code below it. Repeatable.",
)
@click.option(
    "--coder",
    "coders",
    multiple=True,
    help="Only codings by this coder; 'consensus' is the consensus layer. Repeatable.",
)
@click.option(
    "--consensus", is_flag=True, help="Only the consensus layer (same as --coder consensus)."
)
@click.option(
    "--role",
    "roles",
    multiple=True,
    help="Only participants with this role, e.g. 'Person accessing support'. Repeatable.",
)
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="ATTR=VALUE",
    help="Only participants with this attribute value, e.g. borough=Lambeth. Repeatable: "
    "values of one attribute are alternatives, different attributes must all match.",
)
@click.option(
    "--transcript", "transcripts", multiple=True, help="Only this transcript. Repeatable."
)
@click.option(
    "--min-agreement",
    default=None,
    metavar="SHARE",
    help="Only quotes at least this share of the transcript's coders applied "
    "(0-1 or a percentage, e.g. 0.5 or 50%).",
)
@click.option(
    "--participant-turns-only",
    is_flag=True,
    help="Leave out quotes that lie in interviewer turns.",
)
@click.option(
    "--no-tidy",
    is_flag=True,
    help="Quote the coded text as it is: no trimming to sentences, no tidying of marks.",
)
@friendly_errors
def quotes_cmd(
    project: str,
    out: Path,
    fmt: str | None,
    codes: tuple[str, ...],
    coders: tuple[str, ...],
    consensus: bool,
    roles: tuple[str, ...],
    where: tuple[str, ...],
    transcripts: tuple[str, ...],
    min_agreement: str | None,
    participant_turns_only: bool,
    no_tidy: bool,
) -> None:
    """Write a quote bank: coded passages with code, theme and attribution.

    Quotes with the same code whose spans overlap are merged into one quote that lists
    every coder. Attribution is the participant's role (or the label the project setting
    attribution_labels gives it) and pseudonymous id. Only de-identified project text is
    exported.
    """
    from qualkit.export import (
        QuoteFilters,
        build_quote_bank,
        format_for_path,
        parse_agreement,
        parse_where,
        write_quotes,
    )
    from qualkit.files import write_atomically

    chosen = fmt or format_for_path(out)
    filters = QuoteFilters(
        codes=codes,
        coders=tuple(dict.fromkeys([*coders, *(["consensus"] if consensus else [])])),
        roles=roles,
        where=tuple(parse_where(w) for w in where),
        transcripts=transcripts,
        min_agreement=parse_agreement(min_agreement) if min_agreement is not None else None,
        participant_turns_only=participant_turns_only,
        tidy=not no_tidy,
    )
    with open_store(project) as store:
        bank = build_quote_bank(store, filters)
    write_atomically(out, lambda f: write_quotes(bank, chosen, f))
    click.echo(f"Wrote {bank.summary()} to {out}")


@group.command("qdpx")
@project_arg
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output .qdpx file.",
)
@click.option(
    "--positions",
    type=click.Choice(["codepoints", "utf16"]),
    default="codepoints",
    show_default=True,
    help="Count selection positions in code points (the standard) or UTF-16 units (NVivo).",
)
@friendly_errors
def qdpx_cmd(project: str, out: Path, positions: str) -> None:
    """Write the whole project as a REFI-QDA .qdpx file for NVivo, ATLAS.ti, MAXQDA and others.

    Transcripts (de-identified text), codebook, every coder's codings, memos and
    participant attributes (as cases and variables) are included. Use --positions utf16
    for NVivo, which counts positions in UTF-16 code units.
    """
    from qualkit.files import write_atomically
    from qualkit.refiqda import export_qdpx

    if out.suffix.lower() != ".qdpx":
        raise click.UsageError("--out must end in .qdpx")
    with open_store(project) as store:
        done = []
        write_atomically(out, lambda f: done.append(export_qdpx(store, f, positions=positions)))
    summary = done[0]
    click.echo(
        f"Wrote {out}: {summary.transcripts} transcript(s), {summary.codings} coding(s), "
        f"{summary.memos} memo(s), {summary.codes} code(s)"
    )
