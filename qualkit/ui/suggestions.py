"""The plain logic behind the suggested-themes page and the code hints in the coding view
(no Streamlit here).

Themes: the wording of statuses and decisions, where a theme comes from, the choices
offered for each decision, and a summary of the latest discovery run. Themes are found and
decided by :mod:`qualkit.topics.themes`, which records every decision in the event log.

Code hints: the top suggested codes for the passage a coder is looking at, worded with
their scores, and :func:`accept_hint`, which makes one the coder's own coding (provenance
"suggested") and lets them undo it. :class:`HintSource` keeps one suggester per project
state so hints stay quick, and gives no hints at all (rather than an error) when the
model cannot be used.

Text from transcripts reaches the pages only through
:func:`qualkit.ui.view.md_escape`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from qualkit.model import Code, Codebook, Coding, Transcript
from qualkit.storage import Store
from qualkit.storage.store import ThemeRecord
from qualkit.topics.evaluate import top_level
from qualkit.ui.undo import Action, UndoStack

if TYPE_CHECKING:
    from qualkit.topics.suggest import CodeSuggester

log = logging.getLogger(__name__)

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
    top = top_level(codebook, theme.seed)
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
    """A suggestion's score (0–1) in words: "strong match", "possible match", "weak match"."""
    if score >= 0.6:
        return "strong match"
    if score >= 0.3:
        return "possible match"
    return "weak match"


@dataclass(frozen=True)
class Hint:
    """One suggested code for the passage in focus."""

    code: str
    name: str
    score: float

    @property
    def label(self) -> str:
        """The button text, e.g.
        "Suggested: Waiting times and waiting lists (0.82, strong match)"."""
        return f"Suggested: {self.name} ({self.score:.2f}, {score_words(self.score)})"

    @property
    def help(self) -> str:
        return (
            f"Score {self.score:.2f} out of 1, a {score_words(self.score)}. "
            f"Adds “{self.name}” to your own codings; you can undo it."
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
    from qualkit.topics.suggest import accept_suggestion

    cid = accept_suggestion(store, coder, transcript, start, end, code)
    stack.push(Action("add", [cid], [], label))
    return cid


def codebook_key(codebook: Codebook) -> str:
    """A short hash of what the suggester reads from the codebook (its codable codes'
    words and places), so any change to a code gives a new suggester."""
    h = hashlib.sha256()
    for c in codebook.codes:
        h.update(
            json.dumps(
                [
                    c.cid,
                    c.name,
                    c.definition,
                    c.parent,
                    c.include,
                    list(c.examples),
                    c.codable,
                ],
                ensure_ascii=False,
            ).encode("utf-8")
        )
    return h.hexdigest()[:24]


@dataclass
class _Built:
    key: tuple[str, str]
    stamp: int
    at: float
    suggester: CodeSuggester
    ranked: OrderedDict[tuple[str, int, int], list[tuple[str, float]]]


def _default_build(store: Store) -> CodeSuggester:
    from qualkit.topics.embed import MemoryCache
    from qualkit.topics.suggest import project_suggester

    sug = project_suggester(store)
    sug.query_cache = MemoryCache()  # hint queries stay in memory: no writes while coding
    return sug


class HintSource:
    """Suggested codes for passages, with one suggester kept per project state.

    Suggesters are built in a background thread; a caller waits at most ``wait`` seconds
    for one and otherwise gets no hints this time (the build carries on). A change to the
    codebook needs a new suggester before hints are given again. Other changes (new
    codings by the team, new transcripts) are picked up once the suggester is older than
    ``max_age`` seconds: the old one keeps answering while the new one is built, so a
    coder is never kept waiting after coding. Rankings are kept per passage. When the
    model or its libraries cannot be used, hints are simply empty, and building is tried
    again after ``retry_after`` seconds. Safe to share between sessions (one per server
    process).
    """

    def __init__(
        self,
        build: Callable[[Store], CodeSuggester] = _default_build,
        *,
        max_age: float = 300.0,
        retry_after: float = 120.0,
        wait: float = 5.0,
        per_passage: int = 512,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._build = build
        self.max_age = max_age
        self.retry_after = retry_after
        self.wait = wait
        self.per_passage = per_passage
        self._clock = clock
        self._lock = threading.Lock()
        self._built: dict[str, _Built] = {}
        self._failed: dict[tuple[str, str], float] = {}
        self._building: dict[tuple[str, str], threading.Event] = {}
        self.builds = 0

    def _start(self, store: Store, key: tuple[str, str], stamp: int) -> threading.Event:
        """Start building a suggester for ``key`` unless one is being built (lock held)."""
        done = self._building.get(key)
        if done is None:
            done = self._building[key] = threading.Event()
            threading.Thread(
                target=self._run,
                args=(store, key, stamp, done),
                name="qualkit-code-hints",
                daemon=True,
            ).start()
        return done

    def _run(self, store: Store, key: tuple[str, str], stamp: int, done: threading.Event) -> None:
        try:
            sug = self._build(store)
        except Exception as e:  # the model, its libraries or the codebook
            log.warning("code hints are unavailable: %s", type(e).__name__)
            with self._lock:
                self._failed[key] = self._clock()
                self._building.pop(key, None)
            done.set()
            return
        with self._lock:
            self.builds += 1
            self._failed.pop(key, None)
            self._built[store.url] = _Built(key, stamp, self._clock(), sug, OrderedDict())
            self._building.pop(key, None)
        done.set()

    def preparing(self, store: Store) -> bool:
        """True while a suggester for ``store``'s project is being built."""
        with self._lock:
            return any(url == store.url for url, _ in self._building)

    def idle(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for builds in progress; True when none is left."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pending = list(self._building.values())
            if not pending:
                return True
            left = deadline - time.monotonic()
            if left <= 0 or not pending[0].wait(left):
                return False

    def suggester(
        self, store: Store, codebook: Codebook, *, wait: float | None = None
    ) -> CodeSuggester | None:
        """The project's suggester for this codebook; None when it cannot be built, or is
        not ready after ``wait`` seconds (default: :attr:`wait`)."""
        key = (store.url, codebook_key(codebook))
        now = self._clock()
        with self._lock:
            hit = self._built.get(store.url)
            if hit is not None and hit.key == key:
                if now - hit.at < self.max_age:
                    return hit.suggester
                stamp = store.last_event_id()
                failed = self._failed.get(key)
                if stamp == hit.stamp:
                    hit.at = now
                elif failed is None or now - failed >= self.retry_after:
                    self._start(store, key, stamp)
                return hit.suggester
            failed = self._failed.get(key)
            if failed is not None and now - failed < self.retry_after:
                return None
            done = self._start(store, key, store.last_event_id())
        done.wait(self.wait if wait is None else wait)
        with self._lock:
            hit = self._built.get(store.url)
            return hit.suggester if hit is not None and hit.key == key else None

    def ranked(
        self, store: Store, codebook: Codebook, transcript: Transcript, start: int, end: int
    ) -> list[tuple[str, float]]:
        """Every suggestable code for ``text[start:end]``, best first; [] when unavailable."""
        if not (0 <= start < end <= len(transcript.text)):
            return []
        sug = self.suggester(store, codebook)
        if sug is None:
            return []
        with self._lock:
            built = self._built.get(store.url)
            cache = built.ranked if built is not None and built.suggester is sug else None
            where = (transcript.tid, start, end)
            if cache is not None and where in cache:
                cache.move_to_end(where)
                return list(cache[where])
        try:
            from qualkit.topics.suggest import span_query

            ranked = sug.rank([span_query(transcript, start, end)], top=len(sug.cids))[0]
        except Exception as e:
            log.warning("code hints are unavailable: %s", type(e).__name__)
            return []
        if cache is not None:
            with self._lock:
                cache[where] = ranked
                while len(cache) > self.per_passage:
                    cache.popitem(last=False)
        return list(ranked)

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
    ) -> list[Hint]:
        """The ``top`` suggested codes for ``text[start:end]`` (none when unavailable)."""
        ranked = self.ranked(store, codebook, transcript, start, end)
        return make_hints(ranked, codebook.by_id(), exclude=exclude, top=top)


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
