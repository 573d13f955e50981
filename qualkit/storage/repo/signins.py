"""Browser sign-ins that survive a page reload: the project keeps only token hashes."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, select

from qualkit.model import User
from qualkit.storage.base import StoreBase, aware
from qualkit.storage.repo.users import to_user, user_row
from qualkit.storage.schema import UserRow, WebSessionRow, utcnow


def token_hash(token: str) -> str:
    """What the project stores of a secret token: its SHA-256 hash."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SignInRepo(StoreBase):
    """Browser sign-ins that survive a page reload."""

    def start_web_session(self, name: str) -> str:
        """A new random token for ``name``'s browser; only its SHA-256 hash is stored."""
        token = secrets.token_urlsafe(32)
        with self.write() as s:
            user = user_row(s, name)
            s.add(WebSessionRow(token_hash=token_hash(token), user_id=user.id))
        return token

    def resume_web_session(self, token: str, idle_seconds: float) -> User | None:
        """The active account a browser token belongs to, when it was used in the last
        ``idle_seconds``; it counts as used now. None when unknown, idle or ended."""
        now = utcnow()
        with self.write() as s:
            row = s.scalar(
                select(WebSessionRow).where(WebSessionRow.token_hash == token_hash(token))
            )
            if row is None:
                return None
            user = s.get(UserRow, row.user_id)
            idle = (now - aware(row.last_seen)).total_seconds()
            if user is None or not user.active or not user.password_hash or idle >= idle_seconds:
                s.delete(row)
                return None
            row.last_seen = now
            return to_user(user)

    def end_web_session(self, token: str) -> None:
        with self.write() as s:
            s.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash(token)))
