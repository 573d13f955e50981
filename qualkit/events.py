"""The catalogue of event kinds: every action the project's event log records.

Each member's value is the string stored in ``events.action``, so databases written before
the catalogue existed read the same. Standard library only, so storage, the app and the
library can all import it.
"""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    """What an event records; the value is the stored ``action``."""

    # the project
    PROJECT_CREATE = "project.create"
    PROJECT_SETTINGS = "project.settings"
    PROJECT_UPDATE = "project.update"

    # accounts, one-time links and passwords
    USER_ADD = "user.add"
    USER_PASSWORD_RESET = "user.password_reset"
    USER_INVITE = "user.invite"
    USER_RESET = "user.reset"
    USER_INVITE_ACCEPTED = "user.invite_accepted"
    USER_INVITE_REFUSED = "user.invite_refused"
    USER_MUST_CHANGE_PASSWORD = "user.must_change_password"
    USER_PASSWORD_CHANGED = "user.password_changed"

    # signing in to the app (read back for the sign-in limits)
    AUTH_SIGNIN = "auth.signin"
    AUTH_FAILED = "auth.failed"
    AUTH_THROTTLED = "auth.throttled"
    AUTH_RESUME = "auth.resume"
    AUTH_TIMEOUT = "auth.timeout"
    AUTH_SIGNOUT = "auth.signout"

    # transcripts and who codes them
    TRANSCRIPTS_IMPORT = "transcripts.import"
    TRANSCRIPT_CONTENT_NOTES = "transcript.content_notes"
    QDPX_IMPORT = "qdpx.import"
    DEID_REVIEW = "deid.review"
    ASSIGNMENT_ADD = "assignment.add"
    ASSIGNMENT_ASSIGNED = "assignment.assigned"
    ASSIGNMENT_DECLINED = "assignment.declined"
    ASSIGNMENT_DONE = "assignment.done"

    # the codebook
    CODEBOOK_SET = "codebook.set"
    CODE_ADD = "code.add"
    CODE_UPDATE = "code.update"

    # codings, memos, reconciliation and analysis
    CODING_ADD = "coding.add"
    CODINGS_ADD = "codings.add"
    CODING_UPDATE = "coding.update"
    CODING_DELETE = "coding.delete"
    MEMO_ADD = "memo.add"
    RECONCILE_DECIDE = "reconcile.decide"
    FRAMEWORK_SUMMARY = "framework.summary"

    # suggested themes
    THEMES_RUN = "themes.run"
    THEME_ACCEPT = "theme.accept"
    THEME_MERGE_CODE = "theme.merge_code"
    THEME_MERGE = "theme.merge"
    THEME_ABSORB = "theme.absorb"
    THEME_RENAME = "theme.rename"
    THEME_REJECT = "theme.reject"

    @classmethod
    def named(cls, group: str, name: str) -> EventKind:
        """The kind ``group.name`` (e.g. ``assignment`` and a status); ValueError when the
        catalogue has no such kind."""
        return cls(f"{group}.{name}")


__all__ = ["EventKind"]
