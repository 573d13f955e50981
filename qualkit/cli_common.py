"""Pieces every ``qualkit`` command module shares: error handling, the actor, the store.

Command modules import this, never :mod:`qualkit.cli`, so that the main CLI can import them
to register their groups.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from qualkit.errors import QualkitError

F = TypeVar("F", bound=Callable[..., Any])


def default_actor() -> str:
    """Who the command line acts as: ``$QUALKIT_USER``, else ``cli:<login name>``."""
    env = os.environ.get("QUALKIT_USER")
    if env:
        return env
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


def friendly_errors(fn: F) -> F:
    """Turn qualkit errors into one-line messages; hide other errors' details.

    Unexpected errors may carry transcript text in their message, so only their type is
    shown unless QUALKIT_DEBUG is set.
    """

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except QualkitError as e:
            raise click.ClickException(str(e)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as e:
            if os.environ.get("QUALKIT_DEBUG"):
                raise
            raise click.ClickException(
                f"unexpected {type(e).__name__}; rerun with QUALKIT_DEBUG=1 for details"
            ) from None

    return wrapper  # type: ignore[return-value]


project_arg = click.argument("project", metavar="PROJECT")
actor_opt = click.option(
    "--as",
    "actor",
    default=default_actor,
    show_default="$QUALKIT_USER or cli:<login>",
    help="Name recorded in the event log for this action.",
)


def open_store(project: str, *, create: bool = False) -> Any:
    from qualkit.storage import Store

    return Store.open(project, create=create)
