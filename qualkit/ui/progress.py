"""What a coder's list of transcripts shows: status, progress and content notes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from qualkit.storage import Store
from qualkit.ui.content_notes import merge_notes, propose_content_notes
from qualkit.ui.words import display_titles

STATUS_WORDS = {
    "assigned": "To do",
    "declined": "Declined",
    "done": "Finished",
}


@dataclass
class AssignmentRow:
    tid: str
    title: str
    status: str
    codings: int
    notes: list[str]
    proposed: list[str]

    @property
    def progress(self) -> str:
        if self.status == "declined":
            return "Declined"
        if self.status == "done":
            return f"Finished ({self.codings} codings)"
        if self.codings:
            return f"Started ({self.codings} codings)"
        return "Not started"

    @property
    def all_notes(self) -> list[str]:
        return merge_notes(self.notes, self.proposed)


def my_assignments(store: Store, user: str, *, with_proposals: bool = True) -> list[AssignmentRow]:
    """The transcripts assigned to ``user``, with their own progress only."""
    mine = store.assignments(user)
    if not mine:
        return []
    counts = Counter(c.transcript for c in store.codings(coder=user))
    wanted = {tid for tid, _u, _s in mine}
    texts = {t.tid: t for t in store.transcripts(with_text=with_proposals) if t.tid in wanted}
    titles = display_titles(texts.values())
    rows = []
    for tid, _u, status in mine:
        t = texts.get(tid)
        if t is None:
            continue
        rows.append(
            AssignmentRow(
                tid=tid,
                title=titles[tid],
                status=status,
                codings=counts.get(tid, 0),
                notes=list(t.content_notes),
                proposed=propose_content_notes(t.text) if with_proposals else [],
            )
        )
    return rows


def team_overview(store: Store) -> list[tuple[str, str, str, int]]:
    """(transcript, coder, status, codings by that coder) for every assignment."""
    counts = Counter((c.transcript, c.coder) for c in store.codings())
    return [
        (tid, user, status, counts.get((tid, user), 0)) for tid, user, status in store.assignments()
    ]
