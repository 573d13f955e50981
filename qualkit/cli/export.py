"""``qualkit export``: quote banks and REFI-QDA projects; a thin shell over qualkit.export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from qualkit.cli.common import (
    choice_opt,
    code_opt,
    coder_opt,
    flag,
    open_store,
    out_opt,
    project_arg,
    qualkit_group,
    repeat_opt,
    transcript_opt,
    where_opt,
)


@qualkit_group("export")
def group() -> None:
    """Export quote banks (CSV, XLSX, DOCX, Markdown) and REFI-QDA .qdpx projects."""


@group.command("quotes")
@project_arg
@out_opt("Output file (.csv, .xlsx, .docx or .md).")
@choice_opt(
    "--format",
    "fmt",
    choices=["csv", "xlsx", "docx", "md"],
    default=None,
    help="Output format (default: from the --out file name).",
)
@code_opt
@coder_opt
@flag("--consensus", help="Only the consensus layer (same as --coder consensus).")
@repeat_opt(
    "--role",
    "roles",
    help="Only participants with this role, e.g. 'Person accessing support'. Repeatable.",
)
@where_opt(
    "Only participants with this attribute value, e.g. borough=Lambeth. Repeatable: "
    "values of one attribute are alternatives, different attributes must all match."
)
@transcript_opt
@click.option(
    "--min-agreement",
    default=None,
    metavar="SHARE",
    help="Only quotes at least this share of the transcript's coders applied "
    "(0-1 or a percentage, e.g. 0.5 or 50%).",
)
@flag("--participant-turns-only", help="Leave out quotes that lie in interviewer turns.")
@flag(
    "--no-tidy",
    help="Quote the coded text as it is: no trimming to sentences, no tidying of marks.",
)
def quotes_cmd(project: str, out: Path, fmt: str | None, **selection: Any) -> None:
    """Write a quote bank: coded passages with code, theme and attribution.

    Quotes with the same code whose spans overlap are merged into one quote that lists
    every coder. Attribution is the participant's role (or the label the project setting
    attribution_labels gives it) and pseudonymous id. Only de-identified project text is
    exported.
    """
    from qualkit.export import build_quote_bank, format_for_path, write_quotes
    from qualkit.files import write_atomically

    chosen = fmt or format_for_path(out)
    filters = _quote_filters(**selection)
    with open_store(project) as store:
        bank = build_quote_bank(store, filters)
    write_atomically(out, lambda f: write_quotes(bank, chosen, f))
    click.echo(f"Wrote {bank.summary()} to {out}")


def _quote_filters(
    codes: tuple[str, ...],
    coders: tuple[str, ...],
    consensus: bool,
    roles: tuple[str, ...],
    where: tuple[str, ...],
    transcripts: tuple[str, ...],
    min_agreement: str | None,
    participant_turns_only: bool,
    no_tidy: bool,
) -> Any:
    """The quote bank's filters from the options of ``qualkit export quotes``."""
    from qualkit.export import QuoteFilters, parse_agreement, parse_where

    return QuoteFilters(
        codes=codes,
        coders=tuple(dict.fromkeys([*coders, *(["consensus"] if consensus else [])])),
        roles=roles,
        where=tuple(parse_where(w) for w in where),
        transcripts=transcripts,
        min_agreement=parse_agreement(min_agreement) if min_agreement is not None else None,
        participant_turns_only=participant_turns_only,
        tidy=not no_tidy,
    )


@group.command("qdpx")
@project_arg
@out_opt("Output .qdpx file.")
@choice_opt(
    "--positions",
    choices=["codepoints", "utf16"],
    default="codepoints",
    help="Count selection positions in code points (the standard) or UTF-16 units (NVivo).",
)
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


COMMANDS: list[click.Command] = [group]
