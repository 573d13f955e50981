"""``qualkit agreement``: inter-coder agreement of a project or of REFI-QDA files."""

from __future__ import annotations

from pathlib import Path

import click

from qualkit.cli.common import choice_opt, echo_err, flag, open_store, out_opt, write_text


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="PROJECT|FILE.qdpx...")
@choice_opt(
    "--unit",
    choices=["character", "sentence", "turn"],
    default="character",
    help="What one unit of agreement is.",
)
@click.option("--coder", "coders", multiple=True, help="Compare only these coders (repeat).")
@click.option("--code", "codes", multiple=True, help="Only these codes (repeat).")
@click.option(
    "--min-overlap",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Segments match when they overlap by at least this share.",
)
@click.option(
    "--bootstrap",
    type=click.IntRange(0),
    default=1000,
    show_default=True,
    help="Resamples for the 95% confidence intervals (0: none).",
)
@click.option(
    "--seed", type=click.IntRange(0), default=0, show_default=True, help="Seed for the bootstrap."
)
@flag("--all-rows", help="Print every code x transcript x coder-pair row, not just the summary.")
@out_opt("Also write every row to a .csv or .json file.", required=False)
def agreement(
    sources: tuple[str, ...],
    unit: str,
    coders: tuple[str, ...],
    codes: tuple[str, ...],
    min_overlap: float,
    bootstrap: int,
    seed: int,
    all_rows: bool,
    out: Path | None,
) -> None:
    """Inter-coder agreement per code, per transcript and overall.

    Reads a project, or REFI-QDA .qdpx files exported from NVivo, ATLAS.ti, MAXQDA or
    QualCoder (several files, one per coder, are merged as `qualkit import` merges them).
    Percent agreement and Cohen's kappa as NVivo computes them, Krippendorff's alpha,
    segment matching, and bootstrap confidence intervals.
    """
    from qualkit.agreement import format_table, summary, to_csv
    from qualkit.agreement.gather import project_agreement, qdpx_agreement

    if out is not None and out.suffix.lower() not in {".csv", ".json"}:
        raise click.UsageError("--out must end in .csv or .json")
    settings = {
        "unit": unit,
        "coders": coders or None,
        "codes": codes or None,
        "min_overlap": min_overlap,
        "bootstrap": bootstrap,
        "seed": seed,
    }
    files = [Path(s) for s in sources if s.lower().endswith(".qdpx")]
    if (files and len(files) != len(sources)) or (not files and len(sources) != 1):
        raise click.UsageError("give one PROJECT, or one or more .qdpx files")
    if files:
        report = qdpx_agreement(files, **settings)
    else:
        with open_store(sources[0]) as store:
            report = project_agreement(store, **settings)
    click.echo(format_table(report if all_rows else summary(report)))
    if out is not None:
        write_text(out, report.to_json() if out.suffix.lower() == ".json" else to_csv(report))
        echo_err(f"Wrote {out}")


COMMANDS: list[click.Command] = [agreement]
