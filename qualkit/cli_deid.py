"""``qualkit deid``: de-identify transcripts (a thin shell over :mod:`qualkit.deid`)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from qualkit.cli_common import friendly_errors
from qualkit.errors import QualkitError

PASSPHRASE_ENV = "QUALKIT_DEID_PASSPHRASE"


def _lists(path: str | None):  # type: ignore[no-untyped-def]
    from qualkit.deid.lists import DeidLists, load_lists

    return load_lists(path) if path else DeidLists()


def _config(processes: int, model: str | None):  # type: ignore[no-untyped-def]
    from qualkit.deid.analyzer import DetectorConfig
    from qualkit.deid.nlp import EngineConfig

    engine = EngineConfig(model=model) if model else EngineConfig()
    return DetectorConfig(engine=engine)


def _passphrase(confirm: bool) -> str:
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    return str(
        click.prompt("Key file passphrase", hide_input=True, confirmation_prompt=confirm, err=True)
    )


def _fail(exc: QualkitError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.group(name="deid")
def group() -> None:
    """De-identify raw transcripts before anyone codes them."""


_lists_opt = click.option(
    "--lists",
    "lists_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Project deny/allow lists (deid-lists YAML or JSON).",
)
_processes_opt = click.option(
    "--processes",
    "-p",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes for detection.",
)
_model_opt = click.option("--model", default=None, help="spaCy pipeline to use.")


@group.command("detect")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Output JSON.")
@_lists_opt
@_processes_opt
@_model_opt
@click.option("--progress/--no-progress", default=True, help="Progress bar on stderr.")
@friendly_errors
def detect_cmd(
    paths: tuple[str, ...],
    out: str,
    lists_path: str | None,
    processes: int,
    model: str | None,
    progress: bool,
) -> None:
    """Write detections (code-point offsets, type, score) for each file to OUT."""
    from qualkit.deid.pipeline import detect_files

    try:
        dets = detect_files(
            paths, out, _lists(lists_path), _config(processes, model), processes, progress
        )
    except QualkitError as exc:
        _fail(exc)
    total = sum(len(v) for v in dets.values())
    click.echo(f"{total} detections in {len(dets)} file(s) written to {out}", err=True)


@group.command("run")
@click.argument("raw", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Researcher-side folder for review files and proposed texts.",
)
@click.option(
    "--key",
    "key_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Encrypted re-identification key file (kept apart from the project).",
)
@click.option(
    "--style",
    type=click.Choice(["placeholder", "surrogate"]),
    default=None,
    help="Pseudonym style for a new key (default: placeholder).",
)
@_lists_opt
@_processes_opt
@_model_opt
@click.option("--progress/--no-progress", default=True, help="Progress bar on stderr.")
@friendly_errors
def run_cmd(
    raw: tuple[str, ...],
    out_dir: str,
    key_path: str,
    style: str | None,
    lists_path: str | None,
    processes: int,
    model: str | None,
    progress: bool,
) -> None:
    """Detect identifiers in RAW transcripts and write review files to OUT."""
    from qualkit.deid.pipeline import run

    try:
        passphrase = _passphrase(confirm=not Path(key_path).exists())
        summary = run(
            raw,
            out_dir,
            key_path,
            passphrase,
            _lists(lists_path),
            _config(processes, model),
            processes,
            style,
            progress,
        )
    except QualkitError as exc:
        _fail(exc)
    click.echo(
        f"{summary.detections} detections in {summary.transcripts} transcript(s); "
        f"review the *.review.json files in {out_dir}, then run: qualkit deid apply {out_dir}",
        err=True,
    )


@group.command("apply")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False))
@click.option(
    "--release",
    "release_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Where to write final transcripts and manifest (default OUT_DIR/release).",
)
@friendly_errors
def apply_cmd(out_dir: str, key_path: str, release_dir: str | None) -> None:
    """Write final de-identified transcripts and a manifest from reviewed files."""
    from qualkit.deid.pipeline import apply

    try:
        summary = apply(out_dir, key_path, _passphrase(confirm=False), release_dir)
    except QualkitError as exc:
        _fail(exc)
    click.echo(
        f"{summary.transcripts} transcript(s) written; {summary.accepted} accepted, "
        f"{summary.rejected} rejected, {summary.added} added; manifest: {summary.manifest}",
        err=True,
    )


@group.command("evaluate")
@click.option(
    "--gold",
    "gold_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False),
    help="Folder of gold: JSON files, or transcripts marked up as {{TYPE|text}}.",
)
@click.option(
    "--detections",
    "detections_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Detections JSON; detect afresh when omitted.",
)
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Folder the gold 'file' paths are relative to (default: gold's parent).",
)
@_lists_opt
@click.option(
    "--lists-dir",
    "lists_dir",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Per-study lists: STUDY.yaml for gold files named STUDY-*, each study detected "
    "as its own corpus.",
)
@_processes_opt
@click.option("--json", "as_json", is_flag=True, help="Print figures as JSON.")
@friendly_errors
def evaluate_cmd(
    gold_dir: str,
    detections_path: str | None,
    root: str | None,
    lists_path: str | None,
    lists_dir: str | None,
    processes: int,
    as_json: bool,
) -> None:
    """Score detections against gold spans (and, when detecting afresh, the list of
    possible misses a reviewer would see)."""
    from qualkit.deid.evaluate import evaluate, format_table, load_any_gold
    from qualkit.deid.pipeline import detect_corpus, detect_studies, load_detections

    possible = None
    try:
        gold = load_any_gold(gold_dir, root)
        texts = {g.key: g.text for g in gold}
        if detections_path:
            dets = load_detections(detections_path)
        elif lists_dir:
            found = detect_studies(texts, lists_dir, _config(processes, None), processes, True)
            dets, possible = found.detections, found.possible
        else:
            found = detect_corpus(
                texts, _lists(lists_path), _config(processes, None), processes, progress=True
            )
            dets, possible = found.detections, found.possible
    except QualkitError as exc:
        _fail(exc)
    result = evaluate(gold, dets, possible)
    if as_json:
        click.echo(json.dumps(result.summary(), indent=2))
    else:
        click.echo(format_table(result))


@group.command("lists-template")
@click.argument("path", type=click.Path(dir_okay=False))
@friendly_errors
def lists_template_cmd(path: str) -> None:
    """Write an empty deid-lists file to PATH for a researcher to fill in."""
    from qualkit.deid.lists import DeidLists, save_lists

    if Path(path).exists():
        click.echo(f"error: {path}: already exists", err=True)
        sys.exit(2)
    save_lists(DeidLists(deny={"PERSON": [], "LOCATION": [], "ORGANIZATION": []}), path)
    click.echo(f"wrote {path}", err=True)
