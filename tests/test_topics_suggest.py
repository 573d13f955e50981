"""Code suggestions with the real bundled model: the `qualkit suggest codes` contract,
the embedding cache, and hints/acceptance in a project."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from qualkit.cli.suggest import group
from qualkit.codebook import save_codebook
from qualkit.errors import QualkitError
from qualkit.model import Code, Codebook, Provenance
from qualkit.refiqda.qdc import save_qdc
from qualkit.storage import Store
from qualkit.topics.embed import Embedder, StoreCache, onnx_available
from qualkit.topics.project_suggest import accept_suggestion, suggest_for_passage
from qualkit.topics.suggest import CodeSuggester, Query, confidence_words
from qualkit.topics.suggest_csv import read_passages_csv

pytestmark = pytest.mark.slow

CODEBOOK = Codebook(
    "Test codebook",
    [
        Code("housing", "Housing", "Somewhere to live.", codable=False),
        Code(
            "housing.waiting",
            "Waiting for housing",
            "Waiting lists and delays before a housing offer.",
            parent="housing",
            include="Months on the housing list; nobody calling back about a flat.",
            examples=["I have been on the council list for two years."],
        ),
        Code(
            "housing.repairs",
            "Repairs and conditions",
            "The state of the home: damp, mould, broken boilers, landlords not fixing things.",
            parent="housing",
            examples=["The damp in the bedroom is making my son ill."],
        ),
        Code(
            "work",
            "Work and jobs",
            "Employment, looking for a job, wages and job centres.",
            examples=["I want a proper job, not just training courses."],
        ),
    ],
)

PASSAGES = [
    ("a1", "Two years on the waiting list for a flat and the council never rings me back."),
    ("b2", "There is black mould all over the walls and the boiler has been broken since May."),
    ("c3", "The job centre keeps sending me on courses, but what I need is paid work."),
]


def write_passages(path: Path, rows: list[tuple[str, str]], header: str = "id,text") -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header.split(","))
        w.writerows(rows)


def read_out(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("fmt", ["yaml", "qdc"])
def test_suggest_codes_cli_contract(tmp_path: Path, fmt: str) -> None:
    cb = tmp_path / f"codebook.{fmt}"
    (save_codebook if fmt == "yaml" else save_qdc)(CODEBOOK, cb)
    passages = tmp_path / "passages.csv"
    write_passages(passages, PASSAGES)
    out = tmp_path / "out.csv"
    args = ["codes", "--codebook", str(cb), "--passages", str(passages), "--out", str(out)]
    result = CliRunner().invoke(group, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = read_out(out)
    assert list(rows[0]) == ["id", "rank", "code", "score", "confidence"]
    # Three codable codes, so all three are ranked for each passage, in input order.
    assert [r["id"] for r in rows] == [pid for pid, _ in PASSAGES for _ in range(3)]
    assert [r["rank"] for r in rows] == ["1", "2", "3"] * 3
    codable = {c.cid for c in CODEBOOK.codes if c.codable}
    assert {r["code"] for r in rows} <= codable
    for pid, _ in PASSAGES:
        mine = [r for r in rows if r["id"] == pid]
        scores = [float(r["score"]) for r in mine]
        assert scores == sorted(scores, reverse=True)
        # Calibrated probabilities that a coder would apply each code: never certain.
        assert all(0.0 <= s <= 0.95 for s in scores)
        assert [r["confidence"] for r in mine] == [confidence_words(s) for s in scores]
        assert len({r["code"] for r in mine}) == 3
    top = {r["id"]: r["code"] for r in rows if r["rank"] == "1"}
    assert top == {"a1": "housing.waiting", "b2": "housing.repairs", "c3": "work"}


def test_suggest_codes_top_option_and_bad_input(tmp_path: Path) -> None:
    cb = tmp_path / "codebook.yaml"
    save_codebook(CODEBOOK, cb)
    passages = tmp_path / "p.csv"
    write_passages(passages, PASSAGES)
    out = tmp_path / "out.csv"
    base = ["codes", "--codebook", str(cb), "--passages", str(passages), "--out", str(out)]
    result = CliRunner().invoke(group, [*base, "--top", "1"])
    assert result.exit_code == 0, result.output
    assert len(read_out(out)) == 3
    # A CSV without a text column: one line naming the file, nothing written.
    bad = tmp_path / "bad.csv"
    write_passages(bad, [("x", "secret words")], header="id,body")
    out2 = tmp_path / "out2.csv"
    result = CliRunner().invoke(
        group, ["codes", "--codebook", str(cb), "--passages", str(bad), "--out", str(out2)]
    )
    assert result.exit_code != 0
    assert "bad.csv:1" in result.output and "text" in result.output
    assert "secret words" not in result.output
    assert not out2.exists()


def test_read_passages_csv_errors_name_the_line(tmp_path: Path) -> None:
    p = tmp_path / "dup.csv"
    write_passages(p, [("a", "first text"), ("a", "private second text")])
    with pytest.raises(Exception) as e:
        read_passages_csv(p)
    assert "dup.csv:3" in str(e.value) and "private" not in str(e.value)
    empty = tmp_path / "empty.csv"
    write_passages(empty, [("a", "  ")])
    with pytest.raises(Exception) as e2:
        read_passages_csv(empty)
    assert "empty.csv:2" in str(e2.value)


def test_embedding_cache_hit_on_rerun(store: Store) -> None:
    texts = [t for _, t in PASSAGES] + [PASSAGES[0][1]]  # one duplicate
    first = Embedder()
    v1 = first.embed(texts, StoreCache(store))
    assert first.computed == 3  # duplicates are embedded once
    again = Embedder(first.backend)
    v2 = again.embed(texts, StoreCache(store))
    assert again.computed == 0
    assert np.allclose(v1, v2, atol=1e-6)
    changed = [*texts[:2], "A completely new passage about bus fares."]
    again.embed(changed, StoreCache(store))
    assert again.computed == 1  # only what changed
    assert np.allclose(np.linalg.norm(v1, axis=1), 1.0, atol=1e-4)


@pytest.mark.skipif(not onnx_available(), reason="onnxruntime/onnx not installed")
def test_onnx_and_torch_backends_agree() -> None:
    texts = [t for _, t in PASSAGES]
    a = Embedder("onnx").encode(texts)
    b = Embedder("torch").encode(texts)
    assert np.min(np.sum(a * b, axis=1)) > 0.9999


def test_only_codable_codes_and_learning_from_coded_examples() -> None:
    from qualkit.topics.suggest import Example

    sug = CodeSuggester(CODEBOOK, pool=[Query(t) for _, t in PASSAGES])
    assert sug.cids == ["housing.waiting", "housing.repairs", "work"]
    # A passage the description alone gets wrong-footed on: "keys" is about housing only
    # because the team coded such passages that way.
    text = "They finally gave me the keys last week after all that time."
    examples = [
        Example("They handed me the keys after eighteen months.", "housing.waiting", "g1"),
        Example("Got the keys at last, after a year and a half.", "housing.waiting", "g2"),
    ] * 12
    learned = CodeSuggester(CODEBOOK, examples=examples, pool=[Query(t) for _, t in PASSAGES])
    before = dict(sug.rank([Query(text)], top=3)[0])
    after = dict(learned.rank([Query(text, group="other")], top=3)[0])
    assert after["housing.waiting"] > before["housing.waiting"]
    # A passage never learns from coded passages of its own transcript.
    only_g1 = [Example(e.text, e.code, "g1") for e in examples]
    isolated = CodeSuggester(CODEBOOK, examples=only_g1, pool=[Query(t) for _, t in PASSAGES])
    same = dict(isolated.rank([Query(text, group="g1")], top=3)[0])
    other = dict(isolated.rank([Query(text, group="g2")], top=3)[0])
    assert other["housing.waiting"] > same["housing.waiting"]


@pytest.fixture
def demo_copy(demo: Any, tmp_path: Path) -> Store:
    target = tmp_path / "project.db"
    shutil.copy2(demo.project, target)
    return Store.open(target)


def test_suggest_for_passage_and_accept(demo_copy: Store) -> None:
    store = demo_copy
    t = store.transcript("t01")
    turn = next(u for u in t.turns if u.kind.value == "participant" and u.end - u.start > 200)
    hints = suggest_for_passage(store, "t01", turn.start, turn.end, top=5)
    codable = {c.cid for c in store.codebook().codes if c.codable}
    assert len(hints) == 5 and {c for c, _ in hints} <= codable
    assert [s for _, s in hints] == sorted((s for _, s in hints), reverse=True)
    cid = accept_suggestion(store, "coder_c", "t01", turn.start, turn.end, hints[0][0])
    mine = [c for c in store.codings(coder="coder_c") if c.id == cid]
    assert mine and mine[0].provenance == Provenance.SUGGESTED and mine[0].code == hints[0][0]
    # The suggester is kept per project: asking again (after a coding) does not rebuild it.
    from qualkit.topics.project_suggest import shared_cache

    builds = shared_cache().builds
    again = suggest_for_passage(store, "t01", turn.start, turn.end, top=5)
    assert shared_cache().builds == builds and [c for c, _ in again] == [c for c, _ in hints]
    with pytest.raises(QualkitError):
        suggest_for_passage(store, "t01", 10, 5)
    store.close()


def test_self_training_and_small_codebooks() -> None:
    from qualkit.topics.suggest import SELF_MIN_POOL, Example

    pool = [Query(f"{t} ({i})") for i in range(SELF_MIN_POOL // 3 + 1) for _, t in PASSAGES]
    sug = CodeSuggester(CODEBOOK, pool=pool)
    parts = sug.components([Query(PASSAGES[1][1])])
    assert "self" in parts and parts["self"].shape == (1, 3)
    # The self-trained classifier alone already puts the repairs passage first.
    assert sug.cids[int(parts["self"].argmax())] == "housing.repairs"
    # Too few passages: no self-training.
    assert "self" not in CodeSuggester(CODEBOOK, pool=pool[:5]).components([pool[0]])
    # One codable code: nothing to tell apart, but ranking still works.
    one = Codebook("One", [CODEBOOK.codes[1]])
    examples = [Example(t, "housing.waiting", "g") for _, t in PASSAGES] * 10
    single = CodeSuggester(one, pool=pool, examples=examples)
    ranked = single.rank([Query("anything", group="h")])
    assert [[c for c, _ in r] for r in ranked] == [["housing.waiting"]]
    assert 0.5 < ranked[0][0][1] <= 0.95  # calibrated: never shown as certain


def test_no_shared_words_is_no_word_evidence() -> None:
    pool = [Query(t) for _, t in PASSAGES] * 5
    sug = CodeSuggester(CODEBOOK, pool=pool)
    # No word in common with any code: the word signal is neutral for every code, not a
    # penalty for the codes whose words are common in the pool.
    silent = sug.components([Query("Honestly, it's all quite hard to put into words.")])
    assert np.all(silent["lex"] == 0.0)
    # A passage that shares words with a code still gets word evidence for it.
    spoken = sug.components([Query("The mould and the damp in the flat.")])
    assert spoken["lex"][0, sug.cids.index("housing.repairs")] > 0.5
