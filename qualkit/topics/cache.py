"""Code suggesters kept per project state, so that ranking passages stays quick.

Building a :class:`~qualkit.topics.suggest.CodeSuggester` for a project embeds its
codebook, coded passages and reference passages: seconds, not milliseconds. A
:class:`SuggesterCache` builds one in a background thread and reuses it while the codebook
is unchanged, picking up the team's new coding every few minutes without keeping anyone
waiting. The coding view's hints (:class:`qualkit.ui.suggestions.HintSource`) and
:func:`qualkit.topics.project_suggest.shared_cache` are such caches; what builds a
suggester is given to the cache (:func:`qualkit.topics.project_suggest.hint_suggester`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualkit.model import Codebook, Transcript
from qualkit.topics.suggest import CodeSuggester, span_query

if TYPE_CHECKING:
    from qualkit.storage import Store

log = logging.getLogger(__name__)


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


class SuggesterCache:
    """Ranked codes for passages, with one suggester kept per project state.

    Suggesters are built in a background thread; a caller waits at most ``wait`` seconds
    for one and otherwise gets no hints this time (the build carries on). A change to the
    codebook needs a new suggester before hints are given again. Other changes (new
    codings by the team, new transcripts) are picked up once the suggester is older than
    ``max_age`` seconds: the old one keeps answering while the new one is built, so a
    coder is never kept waiting after coding. Rankings are kept per passage. When the
    model or its libraries cannot be used, hints are simply empty, and building is tried
    again after ``retry_after`` seconds. Thread-safe.
    """

    def __init__(
        self,
        build: Callable[[Store], CodeSuggester],
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


__all__ = ["SuggesterCache", "codebook_key"]
