"""``qualkit codebook``: check, import, export and trace codebooks."""

from __future__ import annotations

from pathlib import Path

import click

from qualkit.cli.common import (
    EXISTING_FILE,
    actor_opt,
    files_arg,
    open_store,
    out_opt,
    project_arg,
    qualkit_group,
    write_text,
)


@qualkit_group("codebook")
def group() -> None:
    """Check, import and export codebooks (qualkit YAML or REFI-QDA .qdc)."""


@group.command("validate")
@files_arg
def validate_cmd(files: tuple[Path, ...]) -> None:
    """Check codebook files; report the file, line and problem of the first error."""
    from qualkit.project import load_codebook_file

    for f in files:
        cb = load_codebook_file(f)
        click.echo(f"{f}: ok, {len(cb.codes)} codes")


@group.command("import")
@project_arg
@click.argument("file", type=EXISTING_FILE)
@actor_opt
def import_cmd(project: str, file: Path, actor: str) -> None:
    """Make FILE the project's codebook; changes are versioned in the project."""
    from qualkit.project import load_codebook_file

    with open_store(project) as store:
        cb = load_codebook_file(file, known_ids=store.codebook(include_inactive=True).by_id())
        changes = store.set_codebook(cb, actor)
    click.echo(f"Codebook {cb.name!r}: {len(cb.codes)} codes, {len(changes)} change(s).")


@group.command("export")
@project_arg
@out_opt("Output file: .yaml/.yml for qualkit YAML, .qdc for REFI-QDA.")
def export_cmd(project: str, out: Path) -> None:
    """Write the project's codebook to a file."""
    with open_store(project) as store:
        cb = store.codebook()
    if out.suffix.lower() == ".qdc":
        from qualkit.files import write_atomically
        from qualkit.refiqda.qdc import export_qdc

        write_atomically(out, lambda f: export_qdc(cb, f))
    elif out.suffix.lower() in {".yaml", ".yml"}:
        from qualkit.codebook import dump_codebook

        write_text(out, dump_codebook(cb))
    else:
        raise click.UsageError("--out must end in .yaml, .yml or .qdc")
    click.echo(f"Wrote {out}")


@group.command("history")
@project_arg
def history_cmd(project: str) -> None:
    """Who changed which code, and when."""
    with open_store(project) as store:
        for at, who, changes in store.codebook_history():
            for c in changes:
                what = c["change"] + (f" {c['field']}" if "field" in c else "")
                click.echo(f"{at:%Y-%m-%d %H:%M} {who}: {c['code']} {what}")


COMMANDS: list[click.Command] = [group]
