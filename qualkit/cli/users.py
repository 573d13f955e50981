"""``qualkit users``: accounts, passwords and invitation links (admin)."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from qualkit.cli.common import actor_opt, flag, open_store, options, project_arg, qualkit_group
from qualkit.errors import QualkitError
from qualkit.model import Role


@qualkit_group("users")
def group() -> None:
    """Manage accounts (admin)."""


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


#: How a password is given: on standard input, or by the person through a one-time link.
_password_opts = options(
    flag("--password-stdin", help="Read the password from standard input."),
    flag(
        "--invite",
        help="Print a one-time link (valid 72 hours) where the person sets their own password.",
    ),
    click.option(
        "--url",
        envvar="QUALKIT_URL",
        default="http://127.0.0.1:8501",
        show_default="$QUALKIT_URL or http://127.0.0.1:8501",
        help="The app's address, for the --invite link.",
    ),
)


def _echo_link(name: str, url: str, token: str, expires: datetime) -> None:
    from qualkit.storage.invites import invite_link

    click.echo(
        f"Send {name} this link; it works once, until {expires:%d %b %Y %H:%M} UTC:\n"
        + invite_link(url, token)
    )


@group.command("add")
@project_arg
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.CODER.value,
    show_default=True,
    help="What the account may do.",
)
@click.option("--display-name", default="", help="Name shown in the app.")
@_password_opts
@actor_opt
def add_cmd(
    project: str,
    name: str,
    role: str,
    display_name: str,
    password_stdin: bool,
    invite: bool,
    url: str,
    actor: str,
) -> None:
    """Create an account NAME with a password, or with --invite a link to choose one."""
    from qualkit import limits
    from qualkit.auth import hash_password
    from qualkit.storage.invites import create_invite

    for value, limit, what in (
        (name, limits.USER_NAME, "NAME"),
        (display_name, limits.DISPLAY_NAME, "--display-name"),
    ):
        if problem := limits.too_long(value, limit, what):
            raise QualkitError(problem)
    if invite and password_stdin:
        raise QualkitError("give either --invite or --password-stdin, not both")
    pw = None if invite else hash_password(_read_password(password_stdin), name)
    with open_store(project) as store, store.transaction(actor):
        store.add_user(name, Role(role), actor, password_hash=pw, display_name=display_name)
        if invite:
            token, expires = create_invite(store, name, actor)
    click.echo(f"Added {role} {name}.")
    if invite:
        _echo_link(name, url, token, expires)


@group.command("reset")
@project_arg
@click.argument("name")
@_password_opts
@actor_opt
def reset_cmd(
    project: str, name: str, password_stdin: bool, invite: bool, url: str, actor: str
) -> None:
    """Set a new password for NAME, who must change it at the next sign-in; or, with
    --invite, print a one-time link where NAME chooses a new password."""
    from qualkit.auth import hash_password
    from qualkit.storage.invites import create_invite, require_password_change

    if invite:
        with open_store(project) as store:
            token, expires = create_invite(store, name, actor, purpose="reset")
        _echo_link(name, url, token, expires)
        return
    pw = hash_password(_read_password(password_stdin), name)
    with open_store(project) as store, store.transaction(actor):
        store.set_password_hash(name, pw, actor)
        require_password_change(store, name, actor)
    click.echo(f"Password for {name} changed; {name} chooses a new one at the next sign-in.")


@group.command("list")
@project_arg
def list_cmd(project: str) -> None:
    """List accounts and their roles."""
    with open_store(project) as store:
        for u in store.users():
            click.echo(f"{u.name:<20} {u.role.value:<11} {u.display_name}")


COMMANDS: list[click.Command] = [group]
