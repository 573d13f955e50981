"""``qualkit init``, ``qualkit import``, ``qualkit transcripts`` and ``qualkit codings``:
a project and what is in it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qualkit.cli.common import (
    actor_opt,
    file_opt,
    files_arg,
    flag,
    open_store,
    project_arg,
    qualkit_group,
)
from qualkit.errors import QualkitError

if TYPE_CHECKING:
    from qualkit.project import ImportGate


@click.command()
@project_arg
@click.option("--name", default=None, help="Project name (default: the file name).")
@click.option("--description", default="", help="One line about the study.")
@file_opt("--codebook", help="Codebook to start with (qualkit YAML or REFI-QDA .qdc).")
@flag(
    "--replace-codebook",
    help="Let --codebook replace the codebook of an existing project (codes it lacks are "
    "deactivated); `qualkit codebook import` is the usual way to change a codebook.",
)
@actor_opt
def init(
    project: str,
    name: str | None,
    description: str,
    codebook: Path | None,
    replace_codebook: bool,
    actor: str,
) -> None:
    """Create a project database at PROJECT."""
    from qualkit import limits
    from qualkit.project import init_project, load_codebook_file

    what = "--name" if name else "the project name (from PROJECT; give a shorter --name)"
    if problem := limits.too_long(name or Path(project).stem, limits.PROJECT_NAME, what):
        raise QualkitError(problem)
    cb = load_codebook_file(codebook) if codebook else None
    store = init_project(
        project,
        name or Path(project).stem,
        actor,
        description=description,
        codebook=cb,
        replace_codebook=replace_codebook,
    )
    n = len(store.codebook().codes)
    store.close()
    click.echo(f"Project ready at {project}" + (f" with {n} codes" if cb else ""))


@click.command("import")
@project_arg
@files_arg
@file_opt("--manifest", help="De-identification manifest that released these files.")
@flag(
    "--not-identifiable",
    help="State that the files hold no identifying data and skip the "
    "de-identification check. This is recorded in the event log.",
)
@file_opt(
    "--participants",
    help="CSV of participant attributes (columns transcript, participant, role, ...).",
)
@click.option(
    "--interviewer",
    default=None,
    help="Speaker label of the interviewer, when it cannot be inferred.",
)
@flag("--replace", help="Replace transcripts that are already imported.")
@actor_opt
def import_(
    project: str,
    files: tuple[Path, ...],
    manifest: Path | None,
    not_identifiable: bool,
    participants: Path | None,
    interviewer: str | None,
    replace: bool,
    actor: str,
) -> None:
    """Import de-identified transcripts (.txt .md .docx .vtt .srt) or REFI-QDA .qdpx files.

    Files must be listed in a de-identification manifest (--manifest), or declared not
    identifiable (--not-identifiable). Transcripts are imported all or nothing. .qdpx files
    are imported together in one transaction: one file per coder is merged (the same source
    text becomes one transcript, each file's coders keep their own layers).
    """
    gate = _import_gate(manifest, not_identifiable)
    projects = [f for f in files if f.suffix.lower() == ".qdpx"]
    transcripts = [f for f in files if f.suffix.lower() != ".qdpx"]
    with open_store(project) as store:
        store.project()
        if transcripts:
            from qualkit.project import import_transcripts

            with click.progressbar(
                length=len(transcripts), label="Reading", file=sys.stderr
            ) as bar:
                done = import_transcripts(
                    store,
                    transcripts,
                    actor,
                    gate,
                    participants_csv=participants,
                    interviewer=interviewer,
                    replace=replace,
                    progress=lambda _p: bar.update(1),
                )
            click.echo(f"Imported {len(done)} transcript(s).")
        if projects:
            from qualkit.refiqda import import_qdpx_files

            result = import_qdpx_files(store, projects, actor, gate)
            click.echo(result.summary())
            for note in result.notes:
                click.echo(f"note: {note}", err=True)


def _import_gate(manifest: Path | None, not_identifiable: bool) -> ImportGate:
    """What lets files in: a de-identification manifest, or the not-identifiable statement."""
    from qualkit.project import ManifestGate, NotIdentifiableGate

    if manifest and not_identifiable:
        raise click.UsageError("give either --manifest or --not-identifiable, not both")
    if manifest:
        return ManifestGate(manifest)
    if not_identifiable:
        return NotIdentifiableGate()
    raise click.UsageError(
        "transcripts must be released by de-identification first: pass --manifest "
        "FILE from `qualkit deid apply`, or --not-identifiable if they hold no "
        "identifying data"
    )


# -- transcripts ----------------------------------------------------------------------------


@qualkit_group("transcripts")
def transcripts() -> None:
    """List and read transcripts in a project."""


@transcripts.command("list")
@project_arg
def transcripts_list(project: str) -> None:
    """One line per transcript: id, participant, role, turns, speakers, title."""
    with open_store(project) as store:
        counts = store.turn_counts()
        roles = {p.pid: p.role for p in store.participants()}
        rows = store.transcripts()
    click.echo(f"{'id':<10} {'participant':<12} {'turns':>5} {'spk':>3}  title")
    for t in rows:
        n, k = counts.get(t.tid, (0, 0))
        pid = t.participant or "-"
        click.echo(
            f"{t.tid:<10} {pid:<12} {n:>5} {k:>3}  {t.title}"
            + (f"  ({roles[pid]})" if pid in roles else "")
        )


@transcripts.command("show")
@project_arg
@click.argument("tid")
@click.option("--limit", type=int, default=None, help="Show only the first N turns.")
def transcripts_show(project: str, tid: str, limit: int | None) -> None:
    """Print a transcript turn by turn with its speaker labels."""
    with open_store(project) as store:
        t = store.transcript(tid)
    click.echo(f"# {t.title} ({t.tid})")
    for k, v in t.metadata.items():
        click.echo(f"{k}: {v}")
    if t.content_notes:
        click.echo("Content notes: " + ", ".join(t.content_notes))
    for turn in t.turns[:limit]:
        ts = f"[{turn.timestamp}] " if turn.timestamp else ""
        click.echo(f"\n{ts}{turn.speaker} ({turn.kind.value}):\n{t.text[turn.start : turn.end]}")


# -- codings --------------------------------------------------------------------------------


@qualkit_group("codings")
def codings() -> None:
    """Import and list codings."""


@codings.command("import")
@project_arg
@files_arg
@actor_opt
def codings_import(project: str, files: tuple[Path, ...], actor: str) -> None:
    """Add codings from YAML files of quotes (see qualkit.codings_io)."""
    from qualkit.codings_io import import_coding_files

    with open_store(project) as store:
        added, missing = import_coding_files(store, list(files), actor)
    click.echo(f"Added {added} coding(s)" + (f"; {missing} quote(s) not found" if missing else ""))


@codings.command("list")
@project_arg
@click.option("--transcript", default=None, help="Only this transcript.")
@click.option("--coder", default=None, help="Only this coder.")
def codings_list(project: str, transcript: str | None, coder: str | None) -> None:
    """One line per coding: transcript, offsets, coder, code."""
    with open_store(project) as store:
        for c in store.codings(transcript=transcript, coder=coder):
            click.echo(f"{c.transcript:<8} {c.start:>7}-{c.end:<7} {c.coder:<12} {c.code}")


COMMANDS: list[click.Command] = [init, import_, transcripts, codings]
