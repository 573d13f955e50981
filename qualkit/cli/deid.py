"""``qualkit deid``: de-identify transcripts (a thin shell over :mod:`qualkit.deid`)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qualkit.cli.common import (
    EXISTING_DIR,
    choice_opt,
    echo_err,
    flag,
    options,
    qualkit_group,
    switch_opt,
)
from qualkit.errors import QualkitError

if TYPE_CHECKING:
    from qualkit.deid.analyzer import DetectorConfig
    from qualkit.deid.lists import DeidLists

PASSPHRASE_ENV = "QUALKIT_DEID_PASSPHRASE"


def _lists(path: str | None) -> DeidLists:
    from qualkit.deid.lists import DeidLists, load_lists

    return load_lists(path) if path else DeidLists()


def _config(model: str | None) -> DetectorConfig:
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


@qualkit_group("deid")
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
#: What ``detect`` and ``run`` share: lists, processes, the spaCy model, a progress bar.
_detection_opts = options(
    _lists_opt,
    _processes_opt,
    click.option("--model", default=None, help="spaCy pipeline to use."),
    switch_opt("--progress/--no-progress", default=True, help="Progress bar on stderr."),
)
_raw_files = click.Path(exists=True, dir_okay=False)
_key_opt = click.option(
    "--key",
    "key_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Encrypted re-identification key file (kept apart from the project).",
)


@group.command("detect")
@click.argument("paths", nargs=-1, required=True, type=_raw_files)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Output JSON.")
@_detection_opts
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

    dets = detect_files(paths, out, _lists(lists_path), _config(model), processes, progress)
    total = sum(len(v) for v in dets.values())
    echo_err(f"{total} detections in {len(dets)} file(s) written to {out}")


@group.command("run")
@click.argument("raw", nargs=-1, required=True, type=_raw_files)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Researcher-side folder for review files and proposed texts.",
)
@_key_opt
@choice_opt(
    "--style",
    choices=["placeholder", "surrogate"],
    default=None,
    help="Pseudonym style for a new key (default: placeholder).",
)
@_detection_opts
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

    passphrase = _passphrase(confirm=not Path(key_path).exists())
    lists, config = _lists(lists_path), _config(model)
    summary = run(raw, out_dir, key_path, passphrase, lists, config, processes, style, progress)
    echo_err(
        f"{summary.detections} detections in {summary.transcripts} transcript(s); "
        f"review the *.review.json files in {out_dir}, then run: qualkit deid apply {out_dir}"
    )


@group.command("apply")
@click.argument("out_dir", type=EXISTING_DIR)
@_key_opt
@click.option(
    "--release",
    "release_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Where to write final transcripts and manifest (default OUT_DIR/release).",
)
def apply_cmd(out_dir: str, key_path: str, release_dir: str | None) -> None:
    """Write final de-identified transcripts and a manifest from reviewed files."""
    from qualkit.deid.pipeline import apply

    summary = apply(out_dir, key_path, _passphrase(confirm=False), release_dir)
    echo_err(
        f"{summary.transcripts} transcript(s) written; {summary.accepted} accepted, "
        f"{summary.rejected} rejected, {summary.added} added; manifest: {summary.manifest}"
    )


@group.command("evaluate")
@click.option(
    "--gold",
    "gold_dir",
    required=True,
    type=EXISTING_DIR,
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
    type=EXISTING_DIR,
    default=None,
    help="Folder the gold 'file' paths are relative to (default: gold's parent).",
)
@_lists_opt
@click.option(
    "--lists-dir",
    "lists_dir",
    type=EXISTING_DIR,
    default=None,
    help="Per-study lists: STUDY.yaml for gold files named STUDY-*, each study detected "
    "as its own corpus.",
)
@_processes_opt
@flag("--json", "as_json", help="Print figures as JSON.")
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
    gold = load_any_gold(gold_dir, root)
    texts = {g.key: g.text for g in gold}
    if detections_path:
        dets = load_detections(detections_path)
    elif lists_dir:
        found = detect_studies(texts, lists_dir, _config(None), processes, True)
        dets, possible = found.detections, found.possible
    else:
        found = detect_corpus(texts, _lists(lists_path), _config(None), processes, progress=True)
        dets, possible = found.detections, found.possible
    result = evaluate(gold, dets, possible)
    click.echo(json.dumps(result.summary(), indent=2) if as_json else format_table(result))


@group.command("lists-template")
@click.argument("path", type=click.Path(dir_okay=False))
def lists_template_cmd(path: str) -> None:
    """Write an empty deid-lists file to PATH for a researcher to fill in."""
    from qualkit.deid.lists import DeidLists, save_lists

    if Path(path).exists():
        raise QualkitError(f"{path}: already exists")
    save_lists(DeidLists(deny={"PERSON": [], "LOCATION": [], "ORGANIZATION": []}), path)
    echo_err(f"wrote {path}")


COMMANDS: list[click.Command] = [group]
