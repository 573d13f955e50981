"""Password hashing, password rules and role checks. Hashes are argon2id; passwords are
never stored or logged.

The rules suit people who are not technical: length over complexity (no demands for
digits or symbols; a few ordinary words make a good password), and none of the most
common passwords (the list that ships with zxcvbn), nor one's own user name.
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from qualkit.errors import PermissionDenied, QualkitError
from qualkit.model import Role

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
#: How the rules are put to people, wherever they choose a password.
PASSWORD_ADVICE = (
    f"At least {MIN_PASSWORD_LENGTH} characters. A few ordinary words together are easy "
    "to remember and hard to guess; no need for symbols."
)


class WeakPassword(QualkitError):
    """A new password breaks the rules (said in plain words, never quoting it)."""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords (zxcvbn's list), lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def password_problem(password: str, user_name: str = "") -> str | None:
    """What is wrong with ``password`` as a new password, in plain words; None if fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters. "
            "A few ordinary words together make a good one."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"The password can have at most {MAX_PASSWORD_LENGTH} characters."
    folded = password.strip().lower()
    if folded in common_passwords():
        return "That password is one that many people use, so it is easy to guess. Try another."
    if user_name and user_name.strip().lower() in folded:
        return "The password must not contain your user name."
    return None


def check_password(password: str, user_name: str = "") -> None:
    """Raise :class:`WeakPassword` unless ``password`` follows the rules."""
    problem = password_problem(password, user_name)
    if problem is not None:
        raise WeakPassword(problem)


#: What each role may do. Higher roles include everything below them.
_RANK = {Role.ADMIN: 3, Role.RESEARCHER: 2, Role.CODER: 1, Role.READER: 0}


def hash_password(password: str, user_name: str = "") -> str:
    """The argon2id hash of a new password, which must follow the rules."""
    check_password(password, user_name)
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
