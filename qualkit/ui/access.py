"""Which role may open which page. Every page checks this itself before showing anything."""

from __future__ import annotations

from dataclasses import dataclass

from qualkit.model import Role

ALL = frozenset(Role)
CODERS = frozenset({Role.ADMIN, Role.RESEARCHER, Role.CODER})
READERS = frozenset({Role.ADMIN, Role.RESEARCHER, Role.READER})
RESEARCHERS = frozenset({Role.ADMIN, Role.RESEARCHER})
ADMINS = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    url_path: str  # "" for the start page, which lives at the app's root
    roles: frozenset[Role]
    help: str = ""


PAGES: dict[str, PageSpec] = {
    p.key: p
    for p in (
        PageSpec("start", "Start", "", ALL, "Where to begin"),
        PageSpec(
            "my", "My transcripts", "my-transcripts", CODERS, "Transcripts given to you to code"
        ),
        PageSpec("code", "Coding", "coding", CODERS, "Code a transcript"),
        PageSpec(
            "transcripts",
            "All transcripts",
            "transcripts",
            READERS,
            "Read the transcripts in this project",
        ),
        PageSpec("codebook", "Codebook", "codebook", ALL, "What each code means"),
        PageSpec("codebook_edit", "Edit codebook", "codebook-editor", RESEARCHERS, "Change codes"),
        PageSpec(
            "assign",
            "Assign transcripts",
            "assign",
            RESEARCHERS,
            "Give transcripts to coders and set content notes",
        ),
        PageSpec("agreement", "Agreement", "agreement", RESEARCHERS, "How far the coders agree"),
        PageSpec(
            "reconcile",
            "Reconcile",
            "reconcile",
            RESEARCHERS,
            "Settle disagreements into the consensus layer",
        ),
        PageSpec("themes", "Suggested themes", "themes", RESEARCHERS, "Themes found in the text"),
        PageSpec(
            "deid_review",
            "Review de-identification",
            "deid-review",
            RESEARCHERS,
            "Check what was masked",
        ),
        PageSpec("quotes", "Quotes", "quotes", READERS, "Choose and download quotes for reports"),
        PageSpec("patterns", "Patterns", "patterns", READERS, "Codes by role and group; charts"),
        PageSpec("accounts", "Accounts", "accounts", ADMINS, "Add people and reset passwords"),
        PageSpec("settings", "My settings", "settings", ALL, "Text size and breaks"),
    )
}


def may_open(role: Role | None, page: str) -> bool:
    """True when a signed-in user with ``role`` may open ``page`` (never when signed out)."""
    return role is not None and Role(role) in PAGES[page].roles


def sees_all_layers(role: Role) -> bool:
    """Researchers and admins see every coder's codings; others only their own (blind coding)."""
    return Role(role) in RESEARCHERS


def visible_pages(role: Role | None) -> list[PageSpec]:
    return [p for p in PAGES.values() if may_open(role, p.key)]
