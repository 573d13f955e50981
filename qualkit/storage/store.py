"""The repository over a project database: :class:`Store`. It returns domain objects, never
rows.

``Store`` joins one part per resource (:mod:`qualkit.storage.repo`) over the shared
sessions, unit of work and event log of :mod:`qualkit.storage.base`. Every change is
written in one short transaction together with its event-log entry; when one user action
needs several calls, ``with store.transaction(actor):`` makes them one unit of work.
"""

from __future__ import annotations

from qualkit.storage.base import UnitOfWork
from qualkit.storage.repo.assignments import AssignmentRepo
from qualkit.storage.repo.codebook import CodebookRepo
from qualkit.storage.repo.codings import CodingRepo
from qualkit.storage.repo.embeddings import EmbeddingRepo
from qualkit.storage.repo.memos import MemoRepo
from qualkit.storage.repo.project import ProjectRepo
from qualkit.storage.repo.signins import SignInRepo
from qualkit.storage.repo.summaries import FrameworkSummary, SummaryRepo
from qualkit.storage.repo.themes import THEME_STATUSES, ThemeRecord, ThemeRepo
from qualkit.storage.repo.transcripts import TranscriptRepo
from qualkit.storage.repo.users import CONSENSUS_CODER, UserRepo


class Store(
    ProjectRepo,
    UserRepo,
    SignInRepo,
    TranscriptRepo,
    AssignmentRepo,
    CodebookRepo,
    CodingRepo,
    MemoRepo,
    SummaryRepo,
    EmbeddingRepo,
    ThemeRepo,
):
    """A connection to one project database.

    Open with :meth:`open` (existing or new database) and close with :meth:`close`, or use
    it as a context manager. Writes group into one transaction with :meth:`transaction`.
    """


__all__ = [
    "CONSENSUS_CODER",
    "THEME_STATUSES",
    "FrameworkSummary",
    "Store",
    "ThemeRecord",
    "UnitOfWork",
]
