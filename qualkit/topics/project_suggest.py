"""Code suggestions for a project: its suggester built from the project's codebook,
passages and the team's coding, the process's shared cache of them, and accepting a
suggestion as a coding. The ranking itself is :mod:`qualkit.topics.suggest`; keeping
suggesters per project state is :mod:`qualkit.topics.cache`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace

from qualkit.errors import NotFoundError, QualkitError
from qualkit.model import Coding, Provenance, SpeakerKind, Transcript
from qualkit.storage import Store
from qualkit.storage.store import CONSENSUS_CODER
from qualkit.text import split_sentences
from qualkit.topics.cache import SuggesterCache
from qualkit.topics.embed import (
    Embedder,
    ReadThroughCache,
    StoreCache,
    project_model,
    shared_embedder,
)
from qualkit.topics.passages import project_passages
from qualkit.topics.suggest import (
    MAX_POOL,
    CodeSuggester,
    coded_examples,
    even_sample,
    span_query,
    squash,
)


def team_codings(store: Store) -> list[Coding]:
    """The team's coding: the consensus layer if there is one, else every coder's."""
    consensus = store.codings(coder=CONSENSUS_CODER)
    return consensus if consensus else store.codings()


def project_suggester(
    store: Store,
    *,
    embedder: Embedder | None = None,
    codings: Sequence[Coding] | None = None,
) -> CodeSuggester:
    """A suggester for a project: its codebook, its passages as the reference pool and
    the team's coding as examples. Embeddings are cached in the project."""
    transcripts = {t.tid: t for t in store.transcripts(with_text=True)}
    passages = project_passages(store)
    # An even sample of the passages (all the suggester uses), each with its turn(s) as
    # context; a passage's text leaves out interviewer words between the turns it joins.
    pool = [
        replace(span_query(transcripts[p.transcript], p.start, p.end), text=p.text)
        for p in (passages[i] for i in even_sample(len(passages), MAX_POOL))
    ]
    questions = [
        squash(t.text[u.start : u.end])
        for t in transcripts.values()
        for u in t.turns
        if u.kind == SpeakerKind.INTERVIEWER
    ]
    examples = coded_examples(transcripts, team_codings(store) if codings is None else codings)
    if embedder is None:
        embedder = shared_embedder(model=project_model(store))
    return CodeSuggester(
        store.codebook(),
        examples=examples,
        pool=pool,
        question_pool=questions,
        embedder=embedder,
        cache=StoreCache(store),
    )


def hint_suggester(store: Store, *, embedder: Embedder | None = None) -> CodeSuggester:
    """The project's suggester for hints while coding: the passages being ranked are read
    from the project when :func:`prepare_hints` put them there, and otherwise embedded in
    memory only, so coding never writes to the project."""
    sug = project_suggester(store, embedder=embedder)
    sug.query_cache = ReadThroughCache(StoreCache(store))
    return sug


def hint_spans(t: Transcript) -> list[tuple[int, int]]:
    """What a coder picks from the lists in the coding view: every turn, and every
    sentence of a turn that has more than one."""
    spans: list[tuple[int, int]] = []
    for turn in t.turns:
        if turn.end <= turn.start:
            continue
        spans.append((turn.start, turn.end))
        sentences = split_sentences(t.text, turn.start, turn.end)
        if len(sentences) > 1:
            spans.extend((s.start, s.end) for s in sentences)
    return spans


def prepare_hints(
    store: Store,
    tids: Sequence[str] | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Embed every turn and sentence of the transcripts ``tids`` (all when None) as the
    coding view's hints will ask for them, and keep the embeddings in the project, so that
    a coder's first suggestions need no text model. Returns how many spans were prepared;
    ``progress`` is called with each transcript id once it is done."""
    known = {t.tid for t in store.transcripts()}
    wanted = sorted(known) if tids is None else list(dict.fromkeys(tids))
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise NotFoundError(
            f"no transcript {unknown[0]!r} in this project; it has: {', '.join(sorted(known))}"
        )
    sug = project_suggester(store)
    sug.query_cache = sug.cache
    n = 0
    for tid in wanted:
        t = store.transcript(tid)
        queries = [span_query(t, a, b) for a, b in hint_spans(t)]
        for i in range(0, len(queries), PREPARE_BATCH):
            sug.rank(queries[i : i + PREPARE_BATCH], top=1)
        n += len(queries)
        if progress is not None:
            progress(tid)
    return n


#: Spans embedded together when preparing hints.
PREPARE_BATCH = 256


_SHARED: SuggesterCache | None = None
_SHARED_LOCK = threading.Lock()


def shared_cache() -> SuggesterCache:
    """The process's suggester cache for library calls."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = SuggesterCache(hint_suggester)
        return _SHARED


def suggest_for_passage(
    store: Store, transcript_id: str, start: int, end: int, top: int = 5
) -> list[tuple[str, float]]:
    """Codes for ``text[start:end]`` of a transcript, best first, with probabilities.

    For hints in the coding view. The transcript's own coded passages are not used.
    """
    t = store.transcript(transcript_id)
    if not (0 <= start < end <= len(t.text)):
        raise QualkitError(f"span {start}-{end} is outside transcript {transcript_id!r}")
    sug = shared_cache().suggester(store, store.codebook(), wait=threading.TIMEOUT_MAX)
    if sug is None:  # the build failed: build here, so that its error is raised
        sug = project_suggester(store)
    return sug.rank([span_query(t, start, end)], top=top)[0]


def accept_suggestion(
    store: Store, coder: str, transcript_id: str, start: int, end: int, code: str
) -> int:
    """The coder accepts a suggested code: it becomes their own coding with provenance
    "suggested". Returns the coding id; the event log records it."""
    return store.add_coding(
        Coding(
            coder=coder,
            transcript=transcript_id,
            start=start,
            end=end,
            code=code,
            provenance=Provenance.SUGGESTED,
        ),
        coder,
    )


__all__ = [
    "accept_suggestion",
    "hint_spans",
    "hint_suggester",
    "prepare_hints",
    "project_suggester",
    "shared_cache",
    "suggest_for_passage",
    "team_codings",
]
