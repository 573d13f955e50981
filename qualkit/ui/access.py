"""The app's page table: each page's key, module, title, address and the roles that may
open it. Navigation (:mod:`qualkit.ui.st_app`) and every page's guard read it; plain
Python, so the access rules are testable without Streamlit."""

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
    """One page of the app; ``module`` is a module of :mod:`qualkit.ui.pages` with a
    ``render()`` function."""

    key: str
    module: str
    title: str
    url_path: str  # "" for the start page, which lives at the app's root
    roles: frozenset[Role]
    help: str = ""


PAGES: dict[str, PageSpec] = {
    p.key: p
    for p in (
        PageSpec("start", "start", "Start", "", ALL, "Where to begin"),
        PageSpec(
            "my",
            "my_transcripts",
            "My transcripts",
            "my-transcripts",
            CODERS,
            "Transcripts given to you to code",
        ),
        PageSpec("code", "coding", "Coding", "coding", CODERS, "Code a transcript"),
        PageSpec(
            "transcripts",
            "transcripts",
            "All transcripts",
            "transcripts",
            READERS,
            "Read the transcripts in this project",
        ),
        PageSpec("codebook", "codebook", "Codebook", "codebook", ALL, "What each code means"),
        PageSpec(
            "codebook_edit",
            "codebook_edit",
            "Edit codebook",
            "codebook-editor",
            RESEARCHERS,
            "Change codes",
        ),
        PageSpec(
            "assign",
            "assign",
            "Assign transcripts",
            "assign",
            RESEARCHERS,
            "Give transcripts to coders and set content notes",
        ),
        PageSpec(
            "agreement",
            "agreement",
            "Agreement",
            "agreement",
            RESEARCHERS,
            "How far the coders agree",
        ),
        PageSpec(
            "reconcile",
            "reconcile",
            "Reconcile",
            "reconcile",
            RESEARCHERS,
            "Settle disagreements into the consensus layer",
        ),
        PageSpec(
            "themes",
            "themes",
            "Suggested themes",
            "themes",
            RESEARCHERS,
            "Themes found in the text",
        ),
        PageSpec(
            "deid_review",
            "deid_review",
            "Review de-identification",
            "deid-review",
            RESEARCHERS,
            "Check what was masked",
        ),
        PageSpec(
            "quotes",
            "quotes",
            "Quotes",
            "quotes",
            READERS,
            "Choose and download quotes for reports",
        ),
        PageSpec(
            "patterns",
            "patterns",
            "Patterns",
            "patterns",
            READERS,
            "Codes by role and group; charts",
        ),
        PageSpec(
            "accounts", "accounts", "Accounts", "accounts", ADMINS, "Add people and reset passwords"
        ),
        PageSpec("settings", "settings", "My settings", "settings", ALL, "Text size and breaks"),
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
