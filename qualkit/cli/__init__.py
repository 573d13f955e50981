"""The ``qualkit`` command line. Each command is a thin shell over a library call.

PROJECT is a path to a SQLite project file (created by ``qualkit init``) or a database URL
such as ``postgresql://user@host/dbname``. One module per command group; every command
shares the error path and exit statuses of :mod:`qualkit.cli.common`.
"""

from __future__ import annotations

import click

from qualkit import __version__
from qualkit.cli import (
    agreement,
    analyse,
    app,
    codebook,
    db,
    deid,
    export,
    project,
    suggest,
    users,
)
from qualkit.cli.common import QualkitGroup


@click.group(cls=QualkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qualkit")
def cli() -> None:
    """qualkit: de-identify, code and report on peer-research interviews."""


for _module in (project, codebook, users, agreement, db, app, deid, export, suggest, analyse):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    """The ``qualkit`` console script."""
    cli()


__all__ = ["cli", "main"]
