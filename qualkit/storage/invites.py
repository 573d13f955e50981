"""One-time links for setting one's own password, and forced password changes.

An admin invites a person (``qualkit users add NAME --invite``) or sends a reset link; the
link carries a random token, valid for :data:`INVITE_HOURS` hours and once only, and the
project keeps only its SHA-256 hash. After an admin sets a password for someone (``qualkit
users reset``), the account must choose a new one at its next sign-in. Every step is
logged (who, for whom, until when), never with a token or a password.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from qualkit.errors import QualkitError
from qualkit.events import EventKind
from qualkit.storage.base import aware
from qualkit.storage.repo.signins import token_hash
from qualkit.storage.repo.users import user_row
from qualkit.storage.schema import InviteRow, UserRow, WebSessionRow
from qualkit.storage.store import Store

INVITE_HOURS = 72
PURPOSES = ("invite", "reset")


#: What a person sees for a link that is unknown, used already or expired.
LINK_INVALID = (
    "This link has expired or has been used already. Ask your project admin for a new one."
)


class InviteInvalid(QualkitError):
    """The link is unknown, used already, or expired."""


def create_invite(
    store: Store,
    name: str,
    actor: str,
    *,
    purpose: str = "invite",
    hours: float = INVITE_HOURS,
    now: datetime | None = None,
) -> tuple[str, datetime]:
    """A new one-time token for ``name`` (earlier unused ones end) and when it expires."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=hours)
    with store.write() as s:
        user = user_row(s, name)
        s.execute(delete(InviteRow).where(InviteRow.user_id == user.id, InviteRow.used.is_(None)))
        s.add(
            InviteRow(
                token_hash=token_hash(token),
                user_id=user.id,
                purpose=purpose,
                created=now,
                expires=expires,
            )
        )
        store._log(
            s, actor, EventKind.named("user", purpose), user=name, expires=expires.isoformat()
        )
    return token, expires


#: The query parameter of the app that carries a link's token.
INVITE_PARAM = "invite"


def invite_link(base_url: str, token: str) -> str:
    """The link to send: the app's address with the token as :data:`INVITE_PARAM`."""
    return f"{base_url.rstrip('/')}/?{INVITE_PARAM}={token}"


def invite_user(store: Store, token: str, now: datetime | None = None) -> str | None:
    """The user name a valid (unused, unexpired) token is for, or None."""
    now = now or datetime.now(UTC)
    if not token or len(token) > 100:
        return None
    with store.read() as s:
        row = s.scalar(select(InviteRow).where(InviteRow.token_hash == token_hash(token)))
        if row is None or row.used is not None or aware(row.expires) <= now:
            return None
        user = s.get(UserRow, row.user_id)
        return user.name if user is not None and user.active else None


def accept_invite(store: Store, token: str, password_hash: str, now: datetime | None = None) -> str:
    """Set the password of the token's user and use the token up; returns the user name.

    Raises :class:`InviteInvalid` for an unknown, used or expired token (logged, without
    the token).
    """
    now = now or datetime.now(UTC)
    with store.write() as s:
        row = s.scalar(select(InviteRow).where(InviteRow.token_hash == token_hash(token)))
        valid = row is not None and row.used is None and aware(row.expires) > now
        user = s.get(UserRow, row.user_id) if valid and row is not None else None
        if row is not None and user is not None and user.active:
            row.used = now
            user.password_hash = password_hash
            user.must_change_password = False
            s.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user.id))
            store._log(
                s, user.name, EventKind.USER_INVITE_ACCEPTED, user=user.name, purpose=row.purpose
            )
            return user.name
    store.log("anonymous", EventKind.USER_INVITE_REFUSED, reason="unknown, used or expired link")
    raise InviteInvalid(LINK_INVALID)


def require_password_change(store: Store, name: str, actor: str) -> None:
    """Make ``name`` choose a new password at the next sign-in (after an admin's reset)."""
    with store.write() as s:
        user = user_row(s, name)
        user.must_change_password = True
        store._log(s, actor, EventKind.USER_MUST_CHANGE_PASSWORD, user=name)


def must_change_password(store: Store, name: str) -> bool:
    with store.read() as s:
        user = s.scalar(select(UserRow).where(UserRow.name == name))
        return bool(user is not None and user.must_change_password)


def change_own_password(store: Store, name: str, password_hash: str) -> None:
    """``name`` chose a new password (signed in): set it and lift a forced change."""
    with store.write() as s:
        user = user_row(s, name)
        user.password_hash = password_hash
        user.must_change_password = False
        store._log(s, name, EventKind.USER_PASSWORD_CHANGED, user=name)


__all__ = [
    "INVITE_HOURS",
    "INVITE_PARAM",
    "InviteInvalid",
    "accept_invite",
    "change_own_password",
    "create_invite",
    "invite_link",
    "invite_user",
    "must_change_password",
    "require_password_change",
]
