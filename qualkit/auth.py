"""Password hashing and role checks. Hashes are argon2id; passwords are never stored or logged."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from qualkit.errors import PermissionDenied, QualkitError
from qualkit.model import Role

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8

#: What each role may do. Higher roles include everything below them.
_RANK = {Role.ADMIN: 3, Role.RESEARCHER: 2, Role.CODER: 1, Role.READER: 0}


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise QualkitError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def at_least(role: Role, needed: Role) -> bool:
    """True when ``role`` is ``needed`` or more privileged (admin > researcher > coder > reader)."""
    return _RANK[Role(role)] >= _RANK[Role(needed)]


def require(role: Role, needed: Role, action: str = "do this") -> None:
    if not at_least(role, needed):
        raise PermissionDenied(f"you need the {Role(needed).value} role to {action}")
