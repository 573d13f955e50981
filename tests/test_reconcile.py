"""Reconciling two coders' layers into the consensus layer."""

from __future__ import annotations

import pytest

from qualkit.errors import QualkitError
from qualkit.model import Coding, Provenance
from qualkit.reconcile import Decision, accept_agreed, clusters, decide, disagreements
from qualkit.storage import CONSENSUS_CODER, Store
from tests.test_storage import TEXT, two_coder_project

W = TEXT.index("The waiting")
N = TEXT.index("Nobody")


@pytest.fixture
def coded(store: Store) -> Store:
    return two_coder_project(store, [Coding("a", "t1", 13, 24, "access.waiting")])  # only a


def test_clusters_group_overlapping_codings_per_code(coded: Store) -> None:
    cls = clusters(coded, "t1", ["a", "b"])
    assert [(c.code, c.start, c.end) for c in cls] == [
        ("access.waiting", 13, 24),
        ("access.waiting", W, W + 25),
        ("access.referrals", N, N + 14),
    ]
    assert [c.agreed(["a", "b"]) for c in cls] == [False, True, False]
    assert cls[0].missing(["a", "b"]) == ["b"]


def test_decisions_build_the_consensus_layer_with_provenance(coded: Store) -> None:
    coders = ["a", "b"]
    assert accept_agreed(coded, "t1", coders, "researcher") == 1
    open_ = disagreements(coded, "t1", coders)
    assert len(open_) == 2
    only_a, boundary = open_
    decide(coded, boundary, Decision.ACCEPT, "researcher", coder="b", note="b has the clause")
    decide(coded, only_a, Decision.REJECT, "researcher", note="question, not answer")
    assert disagreements(coded, "t1", coders) == []
    consensus = coded.codings(coder=CONSENSUS_CODER)
    assert [(c.code, c.start, c.end) for c in consensus] == [
        ("access.waiting", W, W + 25),
        ("access.referrals", N, N + 14),
    ]
    assert all(c.provenance is Provenance.CONSENSUS for c in consensus)
    ref = next(c for c in consensus if c.code == "access.referrals")
    assert "Accepted b's version. b has the clause" in ref.memo
    decisions = coded.events(action="reconcile.decide")
    assert [e.payload["decision"] for e in decisions] == ["accept", "accept", "reject"]
    assert decisions[-1].payload["note"] == "question, not answer"
    # The coders' own layers are untouched.
    assert len(coded.codings(coder=["a", "b"])) == 5


def test_merge_and_new(coded: Store) -> None:
    boundary = disagreements(coded, "t1", ["a", "b"])[1]
    [cid] = decide(coded, boundary, Decision.MERGE, "researcher")
    [merged] = [c for c in coded.codings(coder=CONSENSUS_CODER) if c.id == cid]
    assert (merged.start, merged.end) == (N, N + 14)
    only_a = disagreements(coded, "t1", ["a", "b"])[0]
    decide(coded, only_a, Decision.NEW, "researcher", span=(13, 23), code="access.referrals")
    assert (13, 23, "access.referrals") in {
        (c.start, c.end, c.code) for c in coded.codings(coder=CONSENSUS_CODER)
    }
    with pytest.raises(QualkitError):
        decide(coded, only_a, Decision.ACCEPT, "researcher", coder="b")


def test_a_new_version_with_another_code_settles_the_disagreement(coded: Store) -> None:
    only_a = disagreements(coded, "t1", ["a", "b"])[0]
    assert only_a.code == "access.waiting"
    decide(coded, only_a, Decision.NEW, "researcher", span=(13, 24), code="access.referrals")
    assert only_a.key not in {c.key for c in disagreements(coded, "t1", ["a", "b"])}
