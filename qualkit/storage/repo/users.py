"""Accounts: adding people, their roles and passwords."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from qualkit.errors import ConflictError, NotFoundError
from qualkit.events import EventKind
from qualkit.model import Role, User
from qualkit.storage.base import StoreBase
from qualkit.storage.schema import UserRow, WebSessionRow

#: The user whose codings are the consensus layer (provenance ``consensus``).
CONSENSUS_CODER = "consensus"


def user_row(s: Session, name: str, *, create_as: Role | None = None) -> UserRow:
    """The row of user ``name``; created with role ``create_as`` when given and missing."""
    row = s.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        if create_as is None:
            raise NotFoundError(f"no user called {name!r}")
        row = UserRow(name=name, role=create_as.value, display_name=name)
        s.add(row)
        s.flush()
    return row


def to_user(r: UserRow) -> User:
    return User(name=r.name, role=Role(r.role), display_name=r.display_name, id=r.id)


class UserRepo(StoreBase):
    """Accounts: adding people, their roles and passwords."""

    def add_user(
        self,
        name: str,
        role: Role,
        actor: str,
        password_hash: str | None = None,
        display_name: str = "",
    ) -> User:
        with self.write() as s:
            if s.scalar(select(UserRow).where(UserRow.name == name)) is not None:
                raise ConflictError(f"a user called {name!r} already exists")
            row = UserRow(
                name=name,
                role=Role(role).value,
                password_hash=password_hash,
                display_name=display_name or name,
            )
            s.add(row)
            self._log(s, actor, EventKind.USER_ADD, user=name, role=Role(role).value)
            s.flush()
            return to_user(row)

    def get_user(self, name: str) -> User:
        with self.read() as s:
            return to_user(user_row(s, name))

    def password_hash(self, name: str) -> str | None:
        with self.read() as s:
            row = s.scalar(select(UserRow).where(UserRow.name == name, UserRow.active))
            return row.password_hash if row else None

    def set_password_hash(self, name: str, password_hash: str, actor: str) -> None:
        with self.write() as s:
            row = user_row(s, name)
            row.password_hash = password_hash
            # A new password ends every browser sign-in of the account.
            s.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
            self._log(s, actor, EventKind.USER_PASSWORD_RESET, user=name)

    def users(self) -> list[User]:
        with self.read() as s:
            return [to_user(r) for r in s.scalars(select(UserRow).order_by(UserRow.name))]
