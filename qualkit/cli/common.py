"""What every ``qualkit`` command module shares: the one error path, the actor, the store and
the options several commands take.

Command modules import this, never :mod:`qualkit.cli`, so that the main CLI can import them
to register their commands.

Errors and exit status, the same for every command (:class:`QualkitGroup`):

- a :class:`~qualkit.errors.QualkitError` prints ``Error: <message>`` (one line) on stderr
  and exits with status 1;
- a usage error (a missing or malformed option or argument) is click's: a usage message
  and status 2;
- a file the system cannot read or write prints ``Error: <file>: <reason>``, status 1;
- any other exception prints ``Error: unexpected <ExceptionType>; rerun with
  QUALKIT_DEBUG=1 for details`` (its message may hold transcript text), status 1;
  with ``QUALKIT_DEBUG`` set it is raised with its traceback;
- a closed output pipe (``qualkit codings list | head``) ends quietly with status 141.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from qualkit import limits
from qualkit.errors import QualkitError

F = TypeVar("F", bound=Callable[..., Any])

#: The exit status of a Unix tool stopped by SIGPIPE (128 + 13), as a shell reports it.
BROKEN_PIPE_STATUS = 141

DEBUG_ENV = "QUALKIT_DEBUG"


class QualkitGroup(click.Group):
    """A command group whose commands (and subgroups) share the one error path."""

    group_class = type  # subgroups made with @group.group() are QualkitGroups too

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()
            return result
        except BrokenPipeError:
            _quiet_broken_pipe()
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as e:
            if os.environ.get(DEBUG_ENV) and not isinstance(e, QualkitError):
                raise
            raise click.ClickException(error_message(e)) from None


def error_message(error: Exception) -> str:
    """The one line shown for ``error``; never the text of an unexpected error."""
    if isinstance(error, QualkitError):
        return str(error)
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename is not None else ""
        return f"{where}{error.strerror or type(error).__name__}"
    return f"unexpected {type(error).__name__}; rerun with {DEBUG_ENV}=1 for details"


def _quiet_broken_pipe() -> NoReturn:
    """The reader of standard output went away: stop without a message or traceback."""
    try:
        # Python flushes stdout again at exit; point it at /dev/null so that flush is silent.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    raise SystemExit(BROKEN_PIPE_STATUS)


def qualkit_group(name: str) -> Callable[[Callable[..., Any]], QualkitGroup]:
    """``@qualkit_group("name")``: a command group with the one error path."""
    return click.group(name, cls=QualkitGroup)


# -- the actor and the store ----------------------------------------------------------------


def default_actor() -> str:
    """Who the command line acts as: ``$QUALKIT_USER``, else ``cli:<login name>``."""
    env = os.environ.get("QUALKIT_USER")
    if env:
        return env
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


def _check_actor(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    problem = limits.too_long(value, limits.USER_NAME, "--as (or $QUALKIT_USER)")
    if problem is not None:
        raise QualkitError(problem)
    return value


def open_store(project: str | Path, *, create: bool = False) -> Any:
    """Open PROJECT (a SQLite file or database URL) as a store, for a ``with`` block."""
    from qualkit.storage import Store

    return Store.open(project, create=create)


def echo_err(message: str) -> None:
    """Print a progress or status line on stderr (stdout is kept for results)."""
    click.echo(message, err=True)


def write_text(out: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``out``, replacing it only once all is written."""
    from qualkit.files import write_atomically

    write_atomically(out, lambda f: f.write(text.encode("utf-8")))


# -- arguments and options ------------------------------------------------------------------

project_arg = click.argument("project", metavar="PROJECT")
actor_opt = click.option(
    "--as",
    "actor",
    default=default_actor,
    show_default="$QUALKIT_USER or cli:<login>",
    help="Name recorded in the event log for this action.",
    callback=_check_actor,
)
#: Files that must exist, one or more (the parameter ``files``, paths).
files_arg = click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
EXISTING_DIR = click.Path(exists=True, file_okay=False)
OUT_FILE = click.Path(dir_okay=False, path_type=Path)


def out_opt(
    help: str, *, required: bool = True, decls: tuple[str, ...] = ("--out",)
) -> Callable[[F], F]:
    """``--out FILE``: the file a command writes (a path)."""
    return click.option(*decls, required=required, type=OUT_FILE, help=help)


def file_opt(*decls: str, help: str, required: bool = False) -> Callable[[F], F]:
    """An option naming a file that must exist (a path)."""
    return click.option(*decls, required=required, type=EXISTING_FILE, help=help)


def flag(*decls: str, help: str) -> Callable[[F], F]:
    """An on/off option, off unless given."""
    return click.option(*decls, is_flag=True, help=help)


def choice_opt(
    *decls: str, choices: Sequence[str], default: str | None, help: str
) -> Callable[[F], F]:
    """An option taking one of ``choices``; its ``default`` (if any) is shown in --help."""
    kind = click.Choice(list(choices))
    shown = default is not None
    return click.option(*decls, type=kind, default=default, show_default=shown, help=help)


def repeat_opt(*decls: str, help: str, metavar: str | None = None) -> Callable[[F], F]:
    """An option that may be given several times (its values as a tuple)."""
    return click.option(*decls, multiple=True, metavar=metavar, help=help)


def switch_opt(*decls: str, default: bool, help: str) -> Callable[[F], F]:
    """A ``--thing/--no-thing`` pair (the default shown in --help)."""
    return click.option(*decls, default=default, show_default=True, help=help)


def port_opt(help: str) -> Callable[[F], F]:
    """``--port N`` (default 8501, Streamlit's)."""
    return click.option("--port", type=int, default=8501, show_default=True, help=help)


#: Which codings: the options quote banks and analyses share.
coder_opt = repeat_opt(
    "--coder",
    "coders",
    help="Only codings by this coder; 'consensus' is the consensus layer. Repeatable.",
)
code_opt = repeat_opt(
    "--code",
    "--theme",
    "codes",
    metavar="ID",
    help="Only this code or theme, with every code below it. Repeatable.",
)
transcript_opt = repeat_opt("--transcript", "transcripts", help="Only this transcript. Repeatable.")


def where_opt(help: str) -> Callable[[F], F]:
    """``--where ATTR=VALUE`` (repeatable): only participants with this attribute value."""
    return repeat_opt("--where", "where", metavar="ATTR=VALUE", help=help)


def options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several option decorators as one, applied in the order given (first on top)."""

    def apply(fn: F) -> F:
        for decorator in reversed(decorators):
            fn = decorator(fn)
        return fn

    return apply
