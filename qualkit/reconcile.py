"""Reconciling coders' layers into a consensus layer.

For one transcript, the codings of the chosen coders are grouped per code into *clusters*:
sets of spans that overlap one another (transitively). A cluster where every coder applied
the code to exactly the same span is agreed; any other cluster is a disagreement — a
different boundary, or a passage only some coders coded.

A researcher (or the coders together) settles each cluster by accepting one coder's
version, merging the versions (their union), writing a new span, or rejecting the code
there. Every decision is written to the consensus layer — the user named
:data:`qualkit.storage.CONSENSUS_CODER`, with provenance ``consensus`` — together with a
memo holding the decision and note, and an event in the log.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from qualkit.errors import QualkitError
from qualkit.events import EventKind
from qualkit.model import Coding, Memo, Provenance
from qualkit.storage import CONSENSUS_CODER, Store


class Decision(enum.StrEnum):
    ACCEPT = "accept"
    MERGE = "merge"
    NEW = "new"
    REJECT = "reject"


@dataclass
class Cluster:
    """Overlapping codings of one code in one transcript, by coder."""

    transcript: str
    code: str
    start: int
    end: int
    versions: dict[str, list[Coding]] = field(default_factory=dict)
    settled: bool = False

    @property
    def key(self) -> str:
        """Stable id of the cluster within a transcript (code and extent)."""
        return f"{self.transcript}:{self.code}:{self.start}-{self.end}"

    def agreed(self, coders: Sequence[str]) -> bool:
        spans = [sorted((c.start, c.end) for c in self.versions.get(coder, [])) for coder in coders]
        return all(spans) and all(s == spans[0] for s in spans)

    def missing(self, coders: Sequence[str]) -> list[str]:
        return [c for c in coders if not self.versions.get(c)]


def clusters(store: Store, transcript: str, coders: Sequence[str]) -> list[Cluster]:
    """Every cluster in ``transcript`` for ``coders``, marking those the consensus settled."""
    if len(coders) < 1:
        raise QualkitError("choose at least one coder to reconcile")
    codings = store.codings(transcript=transcript, coder=list(coders))
    consensus = store.codings(transcript=transcript, coder=CONSENSUS_CODER)
    decided = {
        e.payload.get("cluster")
        for e in store.events(action=EventKind.RECONCILE_DECIDE)
        if e.payload.get("transcript") == transcript
    }
    by_code: dict[str, list[Coding]] = defaultdict(list)
    for c in codings:
        by_code[c.code].append(c)
    out: list[Cluster] = []
    for code, items in sorted(by_code.items()):
        items.sort(key=lambda c: (c.start, c.end))
        current: Cluster | None = None
        for c in items:
            if current is None or c.start >= current.end:
                current = Cluster(transcript, code, c.start, c.end)
                out.append(current)
            current.end = max(current.end, c.end)
            current.versions.setdefault(c.coder, []).append(c)
    for cl in out:
        cl.settled = cl.key in decided or any(
            k.code == cl.code and k.start < cl.end and cl.start < k.end for k in consensus
        )
    out.sort(key=lambda cl: (cl.start, cl.code))
    return out


def disagreements(store: Store, transcript: str, coders: Sequence[str]) -> list[Cluster]:
    """Clusters the coders do not agree on and nobody has settled yet."""
    return [
        cl for cl in clusters(store, transcript, coders) if not cl.settled and not cl.agreed(coders)
    ]


def decide(
    store: Store,
    cluster: Cluster,
    decision: Decision,
    actor: str,
    *,
    coder: str | None = None,
    span: tuple[int, int] | None = None,
    code: str | None = None,
    note: str = "",
) -> list[int]:
    """Settle ``cluster``; returns the ids of the consensus codings written.

    ``accept`` copies ``coder``'s version; ``merge`` writes the union of all versions;
    ``new`` writes ``span`` (and optionally another ``code``); ``reject`` writes nothing
    but records that the code does not apply here.
    """
    decision = Decision(decision)
    if decision is Decision.ACCEPT:
        if coder is None or not cluster.versions.get(coder):
            raise QualkitError("say whose version to accept")
        spans = [(c.start, c.end) for c in cluster.versions[coder]]
    elif decision is Decision.MERGE:
        spans = [(cluster.start, cluster.end)]
    elif decision is Decision.NEW:
        if span is None:
            raise QualkitError("a new version needs a start and an end")
        spans = [span]
    else:
        spans = []
    target_code = code or cluster.code
    # One decision is one unit of work: its codings, memos and event commit together.
    with store.transaction(actor) as unit:
        ids = store.add_codings(
            [
                Coding(
                    coder=CONSENSUS_CODER,
                    transcript=cluster.transcript,
                    start=s,
                    end=e,
                    code=target_code,
                    provenance=Provenance.CONSENSUS,
                    memo=_memo_text(decision, coder, note),
                )
                for s, e in spans
            ],
            actor,
        )
        for cid in ids:
            store.add_memo(
                Memo(
                    author=actor,
                    text=_memo_text(decision, coder, note),
                    transcript=cluster.transcript,
                    coding_id=cid,
                )
            )
        unit.log(
            EventKind.RECONCILE_DECIDE,
            transcript=cluster.transcript,
            cluster=cluster.key,
            code=cluster.code,
            decision=decision.value,
            coder=coder,
            consensus_codings=ids,
            source_codings=[c.id for cs in cluster.versions.values() for c in cs],
            note=note,
        )
    return ids


def _memo_text(decision: Decision, coder: str | None, note: str) -> str:
    what = {
        Decision.ACCEPT: f"Accepted {coder}'s version.",
        Decision.MERGE: "Merged the coders' versions.",
        Decision.NEW: "Wrote a new version.",
        Decision.REJECT: "The code does not apply here.",
    }[decision]
    return f"{what} {note}".strip()


def accept_agreed(store: Store, transcript: str, coders: Sequence[str], actor: str) -> int:
    """Copy every agreed, unsettled cluster into the consensus layer; returns how many."""
    n = 0
    with store.transaction(actor):  # all or none
        for cl in clusters(store, transcript, coders):
            if not cl.settled and len(coders) > 1 and cl.agreed(coders):
                decide(
                    store, cl, Decision.ACCEPT, actor, coder=coders[0], note="All coders agreed."
                )
                n += 1
    return n
