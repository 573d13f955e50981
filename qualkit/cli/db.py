"""``qualkit db``, ``qualkit backup`` and ``qualkit restore``: the project database."""

from __future__ import annotations

from pathlib import Path

import click

from qualkit.cli.common import flag, out_opt, project_arg, qualkit_group


@qualkit_group("db")
def group() -> None:
    """Database maintenance."""


@group.command("upgrade")
@project_arg
def upgrade_cmd(project: str) -> None:
    """Upgrade PROJECT's database schema to this version of qualkit (backs up SQLite first)."""
    from qualkit.storage import Store

    store = Store.open(project, create=False, auto_upgrade=True)
    store.close()
    click.echo("Database is up to date.")


@group.command("check")
@project_arg
def check_cmd(project: str) -> None:
    """Check PROJECT: integrity, foreign keys, schema version, event log continuity.

    Exits with status 1 when a check fails.
    """
    from qualkit.storage.check import check

    report = check(project)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


@click.command()
@project_arg
@out_opt("The backup file to write (must not exist yet).")
def backup(project: str, out: Path) -> None:
    """Back up PROJECT to a new file while people keep working.

    SQLite: a copy of the database file; PostgreSQL: pg_dump's custom format (needs the
    PostgreSQL client tools). Restore with `qualkit restore`.
    """
    from qualkit.storage.backup import backup as make_backup

    info = make_backup(project, out)
    click.echo(f"Backed up to {out} ({info.kind}, schema {info.revision}).")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@project_arg
@flag("--force", help="Replace a project that already holds data.")
def restore(file: Path, project: str, force: bool) -> None:
    """Restore the backup FILE into PROJECT (refuses a project with data unless --force)."""
    from qualkit.storage.backup import restore as restore_backup

    info = restore_backup(file, project, force=force)
    click.echo(f"Restored {file} into {project} (schema {info.revision}).")


COMMANDS: list[click.Command] = [group, backup, restore]
