"""Project storage for suggestions: the embedding cache, theme runs and decisions
(no model needed; runs on SQLite and, with QUALKIT_TEST_DB, PostgreSQL)."""

from __future__ import annotations

import numpy as np
import pytest

from qualkit.errors import ConflictError, NotFoundError
from qualkit.model import Code, Codebook, Provenance
from qualkit.storage import Store
from qualkit.storage.store import ThemeRecord
from qualkit.topics import themes as th
from qualkit.topics.embed import MemoryCache, ReadThroughCache, StoreCache


def unit(seed: int, dim: int = 384) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=dim).astype(np.float32)
    return v / np.linalg.norm(v)


def record(label: str, seed: int, passages: list[str], keywords: list[str]) -> ThemeRecord:
    return ThemeRecord(
        label=label,
        keywords=keywords,
        quotes=[{"transcript": "t1", "start": 0, "end": 5, "text": "Some words here."}],
        size=len(passages),
        transcripts={"t1": len(passages)},
        roles={"Person accessing support": len(passages)},
        passages=passages,
        centroid=unit(seed).tobytes(),
    )


def test_store_cache_round_trip_skips_known_hashes(store: Store) -> None:
    cache = StoreCache(store)
    a, b = unit(1), unit(2)
    cache.put("m/x", {"h1": a, "h2": b})
    cache.put("m/x", {"h1": unit(3)})  # already cached: kept as it was
    got = cache.get("m/x", ["h1", "h2", "h3"])
    assert set(got) == {"h1", "h2"}
    assert np.allclose(got["h1"], a) and np.allclose(got["h2"], b)
    assert cache.get("other-model", ["h1"]) == {}
    assert store.clear_embedding_cache("m/x") == 2
    assert cache.get("m/x", ["h1"]) == {}


def test_read_through_cache_reads_the_project_and_writes_only_memory(store: Store) -> None:
    lasting = StoreCache(store)
    lasting.put("m/x", {"kept": unit(1)})
    cache = ReadThroughCache(lasting)
    cache.put("m/x", {"new": unit(2)})
    got = cache.get("m/x", ["kept", "new", "absent"])
    assert set(got) == {"kept", "new"} and np.allclose(got["kept"], unit(1))
    assert lasting.get("m/x", ["new"]) == {}  # nothing reached the project


def test_memory_cache() -> None:
    c = MemoryCache()
    c.put("m", {"a": unit(1)})
    assert list(c.get("m", ["a", "b"])) == ["a"]


def test_theme_runs_replace_undecided_and_keep_decided(store: Store) -> None:
    first = store.save_theme_run(
        [record("one", 1, ["t1:0-5"], ["a"]), record("two", 2, ["t1:6-9"], ["b"])], "tester"
    )
    assert [t.run for t in first] == [1, 1]
    store.decide_theme(first[0].id or 0, "tester", "reject", status="rejected", note="noise")
    second = store.save_theme_run([record("three", 3, ["t1:0-5"], ["c"])], "tester")
    current = store.themes()
    assert [t.id for t in current] == [second[0].id]
    everything = {t.id: t for t in store.themes(current=None)}
    assert first[0].id in everything  # decided: kept for later runs
    assert first[1].id not in everything  # undecided: gone
    assert everything[first[0].id].status == "rejected"
    assert everything[first[0].id].decided_by == "tester"
    actions = [e.action for e in store.events()]
    assert actions.count("themes.run") == 2 and "theme.reject" in actions
    with pytest.raises(NotFoundError):
        store.theme(99999)


def test_decisions_carry_over_to_matching_themes(store: Store) -> None:
    store.set_codebook(
        Codebook("cb", [Code("a", "A", "First code."), Code("b", "B", "Second code.")]), "t"
    )
    old = store.save_theme_run(
        [
            record("noise", 1, ["t1:0-5", "t1:6-9"], ["yeah", "okay"]),
            record("covered", 2, ["t2:0-5"], ["phone", "letters"]),
            record("renamed", 3, ["t3:0-5"], ["family"]),
            record("folded", 4, ["t4:0-5"], ["dog"]),
            record("target", 5, ["t5:0-5"], ["cat"]),
            record("fresh", 6, ["t6:0-5"], ["new"]),
        ],
        "tester",
    )
    ids = [t.id or 0 for t in old]
    th.reject_theme(store, ids[0], "ann", "chit-chat")
    th.merge_theme_into_code(store, ids[1], "a", "ann")
    th.rename_theme(store, ids[2], "Family contact", "ann")
    th.merge_themes(store, ids[3], ids[4], "ann")
    # A new run finds similar themes (same centroids) and one unrelated theme.
    new = [
        record("noise again", 1, ["t1:0-5"], ["yeah"]),
        record("covered again", 2, ["t2:0-5", "t2:9-12"], ["phone"]),
        record("family again", 3, ["t3:0-5"], ["family"]),
        record("dog again", 4, ["t4:0-5"], ["dog"]),
        record("cat again", 5, ["t5:0-5", "t4:0-5"], ["cat", "dog"]),
        record("unrelated", 42, ["t9:0-5"], ["other"]),
    ]
    stored = th.carry_decisions(new, store.themes(current=None))
    noise, covered, family, dog, cat, unrelated = store.save_theme_run(stored, "tester")
    # Decided themes come back under the name people knew them by.
    assert noise.status == "rejected" and noise.label == "noise"
    assert noise.inherited_from == ids[0] and noise.note == "chit-chat"
    assert covered.status == "merged" and covered.code == "a"
    assert family.label == "Family contact" and family.status == "candidate"
    assert dog.status == "merged" and dog.merged_into == cat.id
    assert cat.status == "candidate"
    assert unrelated.status == "candidate" and unrelated.label == "unrelated"
    assert unrelated.inherited_from is None


def test_accept_theme_adds_a_suggested_code(store: Store) -> None:
    store.set_codebook(Codebook("cb", [Code("x", "X", "A code.", codable=False)]), "t")
    (t,) = store.save_theme_run([record("Family contact", 1, ["t1:0-5"], ["family"])], "t")
    code = th.accept_theme(store, t.id or 0, "ann", definition="Contact with family.", parent="x")
    assert code.cid.startswith("suggested.")
    stored = store.codebook().by_id()[code.cid]
    assert stored.provenance == Provenance.SUGGESTED
    assert stored.parent == "x" and stored.definition == "Contact with family."
    assert store.theme(t.id or 0).status == "accepted"
    assert store.theme(t.id or 0).code == code.cid
    events = [(e.action, e.payload) for e in store.events()]
    assert any(a == "code.add" and p["provenance"] == "suggested" for a, p in events)
    assert any(a == "theme.accept" and p["code"] == code.cid for a, p in events)
    with pytest.raises(ConflictError):
        th.accept_theme(store, t.id or 0, "ann")


def test_similarity_prefers_centroid_and_passage_overlap() -> None:
    a = record("a", 1, ["p1", "p2"], ["x"])
    same = record("b", 1, ["p9"], ["y"])
    overlap = record("c", 7, ["p1", "p2"], ["z"])
    other = record("d", 8, ["p5"], ["q"])
    assert th.theme_similarity(a, same) >= th.MATCH_THRESHOLD
    assert th.theme_similarity(a, overlap) >= th.MATCH_THRESHOLD
    assert th.theme_similarity(a, other) < th.MATCH_THRESHOLD
