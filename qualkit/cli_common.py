"""Pieces every ``qualkit`` command module shares: error handling, the actor, the store.

Command modules import this, never :mod:`qualkit.cli`, so that the main CLI can import them
to register their groups.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from qualkit import limits
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
    shown unless QUALKIT_DEBUG is set. A closed output pipe (``qualkit codings list | head``)
    ends the command quietly, as it ends Unix tools; a file the system cannot read or write
    is named with the system's reason.
    """

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            result = fn(*args, **kwargs)
            sys.stdout.flush()
            return result
        except BrokenPipeError:
            _quiet_broken_pipe()
        except QualkitError as e:
            raise click.ClickException(str(e)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except OSError as e:
            if os.environ.get("QUALKIT_DEBUG"):
                raise
            where = f"{e.filename}: " if e.filename is not None else ""
            raise click.ClickException(f"{where}{e.strerror or type(e).__name__}") from None
        except Exception as e:
            if os.environ.get("QUALKIT_DEBUG"):
                raise
            raise click.ClickException(
                f"unexpected {type(e).__name__}; rerun with QUALKIT_DEBUG=1 for details"
            ) from None

    return wrapper  # type: ignore[return-value]


#: The exit status of a Unix tool stopped by SIGPIPE (128 + 13), as a shell reports it.
BROKEN_PIPE_STATUS = 141


def _quiet_broken_pipe() -> None:
    """The reader of standard output went away: stop without a message or traceback."""
    try:
        # Python flushes stdout again at exit; point it at /dev/null so that flush is silent.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    raise SystemExit(BROKEN_PIPE_STATUS)


def _check_actor(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    # Runs while click reads the options, before friendly_errors: raise its exception.
    problem = limits.too_long(value, limits.USER_NAME, "--as (or $QUALKIT_USER)")
    if problem is not None:
        raise click.ClickException(problem)
    return value


project_arg = click.argument("project", metavar="PROJECT")
actor_opt = click.option(
    "--as",
    "actor",
    default=default_actor,
    show_default="$QUALKIT_USER or cli:<login>",
    help="Name recorded in the event log for this action.",
    callback=_check_actor,
)


def open_store(project: str, *, create: bool = False) -> Any:
    from qualkit.storage import Store

    return Store.open(project, create=create)
