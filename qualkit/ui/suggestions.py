"""The plain logic behind the suggested-themes page and the code hints in the coding view
(no Streamlit here).

Themes: the wording of statuses and decisions, where a theme comes from, the choices
offered for each decision, and a summary of the latest discovery run. Themes are found and
decided by :mod:`qualkit.topics.themes`, which records every decision in the event log.

Code hints: the top suggested codes for the passage a coder is looking at, worded with
their scores, and :func:`accept_hint`, which makes one the coder's own coding (provenance
"suggested") and lets them undo it. :class:`HintSource` keeps one suggester per project
state (:class:`qualkit.topics.cache.SuggesterCache`) so hints stay quick, and gives no
hints at all (rather than an error) when the model cannot be used.

Text from transcripts reaches the pages only through
:func:`qualkit.ui.view.md_escape`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qualkit.model import Code, Codebook, Coding, Transcript
from qualkit.storage import Store
from qualkit.storage.store import ThemeRecord
from qualkit.topics.cache import SuggesterCache, codebook_key
from qualkit.topics.project_suggest import accept_suggestion, prepare_hints
from qualkit.topics.suggest import CodeSuggester, confidence_words, span_query
from qualkit.ui.undo import Action, UndoStack

# -- themes --------------------------------------------------------------------------------

#: Theme statuses in words (never shown by colour alone).
STATUS_WORDS: dict[str, str] = {
    "candidate": "Not decided yet",
    "accepted": "Accepted",
    "rejected": "Rejected",
    "merged": "Merged",
}

#: Decisions on a theme, as the page offers them.
ACTION_WORDS: dict[str, str] = {
    "accept": "Accept it as a new code",
    "merge_code": "Merge it into an existing code",
    "merge_theme": "Merge it into another theme",
    "rename": "Rename it",
    "reject": "Reject it",
}

#: Which themes the page lists.
SHOW_WORDS: dict[str, str] = {
    "all": "All themes",
    "open": "Not decided yet",
    "decided": "Decided",
}

UNKNOWN_ROLE = "unknown"


def theme_actions(theme: ThemeRecord) -> list[str]:
    """The decisions still open for ``theme``: everything for a new theme; a rejected
    theme can still be accepted or merged; an accepted one only renamed; a merged one
    nothing (its target carries it)."""
    if not theme.current:
        return []
    if theme.status == "candidate":
        return ["accept", "merge_code", "merge_theme", "rename", "reject"]
    if theme.status == "rejected":
        return ["accept", "merge_code", "merge_theme", "rename"]
    if theme.status == "accepted":
        return ["rename"]
    return []


def decision_text(
    theme: ThemeRecord,
    *,
    code_names: Mapping[str, str],
    theme_labels: Mapping[int, str],
    names: Mapping[str, str],
) -> str:
    """What has been decided about a theme, in one or two plain sentences (not escaped)."""
    who = names.get(theme.decided_by or "", theme.decided_by or "")
    by = f" by {who}" if who else ""
    code = code_names.get(theme.code or "", theme.code or "")
    if theme.status == "accepted":
        text = f"Accepted as the new code “{code}”{by}."
    elif theme.status == "rejected":
        note = " ".join(theme.note.split())
        text = f"Rejected{by}" + (f": {note}" if note else ".")
        if note and not note.endswith((".", "!", "?")):
            text += "."
    elif theme.status == "merged" and theme.code:
        text = f"Merged into the code “{code}”{by}."
    elif theme.status == "merged":
        target = theme_labels.get(theme.merged_into or 0, "another theme")
        text = f"Merged into the theme “{target}”{by}."
    elif theme.decided_by:
        text = f"Not decided yet (last changed{by})."
    else:
        text = "Not decided yet."
    if theme.inherited_from is not None and (theme.decided_by or theme.status != "candidate"):
        text += " Kept from an earlier run."
    return text


def sources_text(theme: ThemeRecord, titles: Mapping[str, str]) -> str:
    """Size and transcripts: "13 passages from 4 transcripts: Title (t01) 4, …"."""
    n = theme.size
    parts = [
        f"{titles.get(tid, tid)} ({tid}) {count}"
        for tid, count in sorted(theme.transcripts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    k = len(parts)
    head = f"{n} passage{'s' if n != 1 else ''} from {k} transcript{'s' if k != 1 else ''}"
    return head + (": " + ", ".join(parts) if parts else "")


def roles_text(theme: ThemeRecord) -> str:
    """Participant roles with passage counts, largest first."""
    parts = [
        f"{'role not recorded' if role == UNKNOWN_ROLE else role} {count}"
        for role, count in sorted(theme.roles.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return ", ".join(parts) if parts else "role not recorded"


def quote_source(
    quote: Mapping[str, Any], titles: Mapping[str, str], roles: Mapping[str, str]
) -> str:
    """Where a quote comes from: the participant's role and the transcript."""
    tid = str(quote.get("transcript", ""))
    role = roles.get(tid)
    where = f"{titles.get(tid, tid)} ({tid})"
    return f"{role}, {where}" if role else where


def transcript_roles(store: Store) -> dict[str, str]:
    """Transcript id → its participant's role (only for transcripts with a participant)."""
    by_pid = {p.pid: p.role for p in store.participants()}
    return {
        t.tid: by_pid[t.participant]
        for t in store.transcripts()
        if t.participant is not None and t.participant in by_pid
    }


def default_code_name(theme: ThemeRecord, limit: int = 80) -> str:
    """A starting name for the new code: the theme's label, first letter capitalised.

    A theme seeded from a codebook theme is labelled "<codebook theme>: <keywords>"; the
    name is then just the keywords (the codebook theme is offered as the parent)."""
    label = " ".join(theme.label.split())
    if theme.seed and ": " in label:
        label = label.split(": ", 1)[1].strip() or label
    label = label[:1].upper() + label[1:]
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def default_definition(theme: ThemeRecord) -> str:
    """A starting definition for the new code, built from the theme's keywords."""
    words = [w for w in theme.keywords[:8] if w.strip()]
    if not words:
        return "Suggested theme."
    return "Suggested theme. Keywords: " + ", ".join(words) + "."


def parent_choices(codebook: Codebook) -> list[str]:
    """Codes a new code can be put under: the codebook's top-level themes."""
    return [c.cid for c in codebook.codes if not c.parent]


def default_parent(theme: ThemeRecord, codebook: Codebook) -> str | None:
    """The top-level theme the theme was seeded from, when it is still in the codebook."""
    if not theme.seed:
        return None
    ids = {c.cid for c in codebook.codes}
    if theme.seed not in ids:
        return None
    top = codebook.theme_of(theme.seed)
    return top if top in parent_choices(codebook) else None


def merge_code_choices(codebook: Codebook) -> list[str]:
    """Codes a theme can be merged into: every active code, in codebook order."""
    return [c.cid for c in codebook.codes]


def default_merge_code(theme: ThemeRecord, codebook: Codebook) -> str | None:
    """The code the theme was seeded from, when it is a code in the codebook."""
    return theme.seed if theme.seed in {c.cid for c in codebook.codes} else None


def code_label(codebook: Codebook, cid: str) -> str:
    """A code's name, with its parent's name when it has one."""
    by_id = codebook.by_id()
    code = by_id.get(cid)
    if code is None:
        return cid
    parent = by_id.get(code.parent) if code.parent else None
    return f"{code.name} ({parent.name})" if parent else code.name


def merge_theme_targets(theme: ThemeRecord, themes: Sequence[ThemeRecord]) -> list[ThemeRecord]:
    """Themes of the same run that ``theme`` can be merged into (not itself, not merged)."""
    return [
        t
        for t in themes
        if t.id is not None and t.id != theme.id and t.current and t.status != "merged"
    ]


def filter_themes(themes: Sequence[ThemeRecord], show: str) -> list[ThemeRecord]:
    if show == "open":
        return [t for t in themes if t.status == "candidate"]
    if show == "decided":
        return [t for t in themes if t.status != "candidate"]
    return list(themes)


def status_counts(themes: Sequence[ThemeRecord]) -> str:
    """ "5 themes: 3 not decided yet, 1 accepted, 1 rejected"."""
    n = len(themes)
    if not n:
        return "No themes."
    parts = []
    for status, word in STATUS_WORDS.items():
        k = sum(1 for t in themes if t.status == status)
        if k:
            parts.append(f"{k} {word.lower()}")
    return f"{n} theme{'s' if n != 1 else ''}: " + ", ".join(parts) + "."


def kept_decisions(themes: Sequence[ThemeRecord]) -> int:
    """How many themes carry a decision over from an earlier run."""
    return sum(
        1
        for t in themes
        if t.inherited_from is not None and (t.decided_by or t.status != "candidate")
    )


def run_message(themes: Sequence[ThemeRecord], seconds: float) -> str:
    """What to say after a discovery run."""
    n = len(themes)
    msg = f"Found {n} theme{'s' if n != 1 else ''} in {seconds:.0f} seconds."
    kept = kept_decisions(themes)
    if kept:
        msg += (
            f" {kept} theme{'s' if kept != 1 else ''} kept "
            f"{'its' if kept == 1 else 'their'} earlier decision."
        )
    return msg


def run_info_text(
    payload: Mapping[str, Any], at: datetime | None, actor: str, names: Mapping[str, str]
) -> str:
    """The latest run in words: when, by whom, how many passages and themes."""
    when = at.astimezone().strftime("%d %b %Y, %H:%M") if at else "an unknown time"
    who = names.get(actor, actor)
    n = int(payload.get("themes", 0) or 0)
    passages = int(payload.get("passages", 0) or 0)
    text = (
        f"Themes last found on {when} by {who}: {n} theme{'s' if n != 1 else ''} "
        f"in {passages} passage{'s' if passages != 1 else ''} of participants' words."
    )
    unassigned = payload.get("unassigned")
    if isinstance(unassigned, (int, float)) and passages:
        text += f" {unassigned:.0%} of passages fit no theme."
    return text


# -- code hints ----------------------------------------------------------------------------

#: How many suggested codes the coding view shows.
HINTS = 3


def score_words(score: float) -> str:
    """A suggestion's score (0–1) in people's words: "likely", "possible" or "unlikely"
    (the number itself is in the tooltip), the same words as the command line uses
    (:func:`qualkit.topics.suggest.confidence_words`)."""
    return confidence_words(score)


@dataclass(frozen=True)
class Hint:
    """One suggested code for the passage in focus."""

    code: str
    name: str
    score: float

    @property
    def label(self) -> str:
        """The button text, e.g. "Suggested: Waiting times and waiting lists (likely)"."""
        return f"Suggested: {self.name} ({score_words(self.score)})"

    @property
    def help(self) -> str:
        """The tooltip, with the score as a number."""
        return (
            f"{score_words(self.score).capitalize()}: a score of {self.score:.2f} out of 1 "
            f"(higher fits better). Adds “{self.name}” to your own codings; you can undo it."
        )


def make_hints(
    ranked: Sequence[tuple[str, float]],
    codes: Mapping[str, Code],
    *,
    exclude: set[str] | frozenset[str] = frozenset(),
    top: int = HINTS,
) -> list[Hint]:
    """The ``top`` best codes of ``ranked`` that are codable codes in ``codes`` and not in
    ``exclude`` (e.g. codes the coder already put on exactly this passage)."""
    out: list[Hint] = []
    for cid, score in ranked:
        code = codes.get(cid)
        if code is None or not code.codable or cid in exclude:
            continue
        out.append(Hint(cid, code.name, float(score)))
        if len(out) == top:
            break
    return out


def already_coded(mine: Sequence[Coding], start: int, end: int) -> frozenset[str]:
    """Codes the coder has already applied to exactly ``[start, end)``."""
    return frozenset(c.code for c in mine if c.start == start and c.end == end)


def accept_hint(
    store: Store,
    stack: UndoStack,
    coder: str,
    transcript: str,
    start: int,
    end: int,
    code: str,
    *,
    label: str,
) -> int:
    """The coder accepts a suggested code: it becomes their own coding with provenance
    "suggested" (logged as ``coding.add``), and Undo removes it again."""
    cid = accept_suggestion(store, coder, transcript, start, end, code)
    stack.push(Action("add", [cid], [], label))
    return cid


log = logging.getLogger(__name__)

#: How many passages are ranked together when a transcript's hints are prepared, and the
#: pause between two batches (so that people using the app on a small server come first).
PREPARE_BATCH = 16
PREPARE_PAUSE = 0.2


class HintSource(SuggesterCache):
    """:class:`~qualkit.topics.cache.SuggesterCache` for the coding view: hints worded for
    coders. Safe to share between sessions (one per server process).

    :meth:`prepare` ranks a transcript's turns in a background thread as soon as it is
    opened, so that asking for a turn's hints finds them ready instead of waiting for the
    text model.
    """

    def __init__(self, build: Callable[[Store], CodeSuggester], **kwargs: Any) -> None:
        super().__init__(build, **kwargs)
        self.prepare_pause = PREPARE_PAUSE
        # (project, codebook, transcript) → the suggester its turns were ranked with (None
        # while that is under way).
        self._prepared: dict[tuple[str, str, str], object] = {}

    def prepare(
        self,
        store: Store,
        codebook: Codebook,
        transcript: Transcript,
        spans: Sequence[tuple[int, int]],
        *,
        wait: float = 600.0,
    ) -> threading.Thread | None:
        """Rank ``spans`` of ``transcript`` in the background (again only when the
        project's suggester has been renewed since); returns the thread, or None when they
        are prepared or being prepared."""
        key = (store.url, codebook_key(codebook), transcript.tid)
        with self._lock:
            if key in self._prepared:
                done_with = self._prepared[key]
                built = self._built.get(store.url)
                if done_with is None or (built is not None and built.suggester is done_with):
                    return None
            self._prepared[key] = None
        thread = threading.Thread(
            target=self._prepare,
            args=(key, store, codebook, transcript, list(spans), wait),
            name="qualkit-hint-prepare",
            daemon=True,
        )
        thread.start()
        return thread

    def _prepare(
        self,
        key: tuple[str, str, str],
        store: Store,
        codebook: Codebook,
        transcript: Transcript,
        spans: list[tuple[int, int]],
        wait: float,
    ) -> None:
        sug = self.suggester(store, codebook, wait=wait)
        if sug is None:
            with self._lock:
                self._prepared.pop(key, None)  # try again next time
            return
        tid = transcript.tid
        for i in range(0, len(spans), PREPARE_BATCH):
            with self._lock:
                built = self._built.get(store.url)
                if built is None or built.suggester is not sug:
                    self._prepared.pop(key, None)
                    return
                batch = [
                    (a, b)
                    for a, b in spans[i : i + PREPARE_BATCH]
                    if 0 <= a < b <= len(transcript.text) and (tid, a, b) not in built.ranked
                ]
            if not batch:
                continue
            if i:
                time.sleep(self.prepare_pause)
            try:
                ranked = sug.rank(
                    [span_query(transcript, a, b) for a, b in batch], top=len(sug.cids)
                )
            except Exception as e:  # the model or its libraries
                log.warning("code hints could not be prepared: %s", type(e).__name__)
                with self._lock:
                    self._prepared.pop(key, None)
                return
            with self._lock:
                for (a, b), r in zip(batch, ranked, strict=True):
                    built.ranked[(tid, a, b)] = r
                while len(built.ranked) > self.per_passage:
                    built.ranked.popitem(last=False)
        with self._lock:
            self._prepared[key] = sug

    def hints(
        self,
        store: Store,
        codebook: Codebook,
        transcript: Transcript,
        start: int,
        end: int,
        *,
        exclude: frozenset[str] = frozenset(),
        top: int = HINTS,
        wait: float | None = None,
    ) -> list[Hint]:
        """The ``top`` suggested codes for ``text[start:end]`` (none when unavailable, or
        when the suggester is not ready after ``wait`` seconds; it carries on getting
        ready in the background)."""
        if self.suggester(store, codebook, wait=wait) is None:
            return []
        ranked = self.ranked(store, codebook, transcript, start, end)
        return make_hints(ranked, codebook.by_id(), exclude=exclude, top=top)


def prepare_in_background(
    url: str, tids: Sequence[str], then: Callable[[Store], None] | None = None
) -> threading.Thread:
    """Prepare the hints of newly assigned transcripts in the project (:func:`~qualkit.
    topics.project_suggest.prepare_hints`, with a store of its own) in a background thread,
    then call ``then`` with that store. A failure is logged by its type only."""

    def work() -> None:
        try:
            with Store.open(url, create=False) as store:
                prepare_hints(store, tids)
                if then is not None:
                    then(store)
        except Exception as e:
            log.warning("suggested codes could not be prepared: %s", type(e).__name__)

    thread = threading.Thread(target=work, name="qualkit-prepare-hints", daemon=True)
    thread.start()
    return thread


__all__ = [
    "ACTION_WORDS",
    "HINTS",
    "SHOW_WORDS",
    "STATUS_WORDS",
    "Hint",
    "HintSource",
    "accept_hint",
    "already_coded",
    "code_label",
    "codebook_key",
    "decision_text",
    "default_code_name",
    "default_definition",
    "default_merge_code",
    "default_parent",
    "filter_themes",
    "kept_decisions",
    "make_hints",
    "merge_code_choices",
    "merge_theme_targets",
    "parent_choices",
    "prepare_in_background",
    "quote_source",
    "roles_text",
    "run_info_text",
    "run_message",
    "score_words",
    "sources_text",
    "status_counts",
    "theme_actions",
    "transcript_roles",
]
